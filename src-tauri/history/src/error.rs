//! One error enum for the crate, typed by kind so the UI can offer the next step.
//! Messages never quote history content (it holds personal data).

use std::path::PathBuf;

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "HistoryErrorKind")]
pub enum ErrorKind {
    Io,
    NoDataDir,
    NotFound,
    Invalid,
    Conflict,
    BadImport,
}

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("could not {action} {path}: {source}. Check that the folder exists and is writable, then try again.")]
    Io { action: &'static str, path: PathBuf, #[source] source: std::io::Error },
    #[error("no data folder could be found for this user; set HOME (or XDG_DATA_HOME) and try again.")]
    NoDataDir,
    #[error("no template named \"{0}\"; pick one from the list.")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("a template named \"{0}\" already exists; choose another name or delete that one first.")]
    Conflict(String),
    #[error("that is not a Flow Desk templates export ({0}); export the templates again and import that file.")]
    BadImport(String),
}

impl HistoryError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            HistoryError::Io { .. } => ErrorKind::Io,
            HistoryError::NoDataDir => ErrorKind::NoDataDir,
            HistoryError::NotFound(_) => ErrorKind::NotFound,
            HistoryError::Invalid(_) => ErrorKind::Invalid,
            HistoryError::Conflict(_) => ErrorKind::Conflict,
            HistoryError::BadImport(_) => ErrorKind::BadImport,
        }
    }
}

pub type Result<T, E = HistoryError> = std::result::Result<T, E>;

pub(crate) fn io(action: &'static str, path: &std::path::Path, source: std::io::Error) -> HistoryError {
    HistoryError::Io { action, path: path.to_path_buf(), source }
}
