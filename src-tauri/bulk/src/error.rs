//! The crate's errors. Row problems are not errors: they live on the row (`Recipient::problem`,
//! `RowState::Failed`); these are the problems that stop an import or a run.

use flowdesk_dots::DotsError;

/// Why a whole file was refused. Each message says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("The file is empty: it needs a header line (email, name, reference, user_id, meta.<key>) and one row per person.")]
    Empty,
    #[error("No usable header: {0}.")]
    MissingHeader(String),
    #[error("The file is not UTF-8 text: {0}.")]
    Encoding(String),
    #[error("The file is {} MiB; the limit is {} MiB. Split it into smaller files.", .bytes / (1024 * 1024), .max_bytes / (1024 * 1024))]
    TooLarge { bytes: usize, max_bytes: usize },
    #[error(
        "The file has more than {max_rows} rows: split it into files of at most {max_rows} rows."
    )]
    TooManyRows { max_rows: usize },
    #[error("The file could not be read as CSV: {0}")]
    Unreadable(String),
}

#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error("The step template cannot be sent: {0}")]
    Template(String),
    #[error("Batch journal {path}: {message}")]
    Journal { path: String, message: String },
    #[error("Journal I/O on {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// A failure that concerns every row (bad credentials, wrong host): the run stops and
    /// the journal keeps every row's state for a later resume.
    #[error(transparent)]
    Dots(#[from] DotsError),
    #[error("Could not list flows to reconcile uncertain creates: {0}")]
    Reconcile(DotsError),
    #[error("Export: {0}")]
    Export(String),
}

pub type Result<T, E = BulkError> = std::result::Result<T, E>;
