//! History of created flows and named step templates, kept in the app's data folder.
//! Used by the app, the bulk runner and the CLI alike; no Tauri in here.

pub mod error;
pub mod history;
pub mod templates;

pub use error::{ErrorKind, HistoryError, Result};
pub use history::{BatchRef, History, HistoryEntry};
pub use templates::{ImportReport, Template, Templates};

/// Same identifier as the app (and flowdesk-settings): one data folder for everything.
pub use flowdesk_files::APP_IDENTIFIER;

fn data_file(name: &str) -> Result<std::path::PathBuf> {
    Ok(flowdesk_files::default_data_dir().ok_or(HistoryError::NoDataDir)?.join(name))
}
