//! The one copy of Flow Desk's file plumbing, shared by every crate that writes to the data
//! folder: its name, private files and folders, and crash-safe writes.
//!
//! Everything written here holds personal data or keys, so files are 0600 and folders this
//! crate creates are 0700 on unix. Errors are `std::io::Error`s whose message says what was
//! being done to which path; callers wrap them in their own error types.

mod atomic;
mod cells;
mod private;

use std::path::PathBuf;

pub use atomic::{commit, create_once, sync_dir, temp_prefix, write_atomic, write_temp};
pub use cells::csv_text_cell;
pub use private::{create_private_dir, ends_with_newline, folder_of, open_private, OpenMode};

/// The app's identifier (as in tauri.conf.json): the keychain service name and the data
/// folder's name.
pub const APP_IDENTIFIER: &str = "com.flowdesk.desk";

/// `<platform data dir>/com.flowdesk.desk`: the folder Tauri's `app_data_dir()` names for this
/// identifier (Linux `~/.local/share`, macOS `~/Library/Application Support`, Windows
/// `%APPDATA%`). `None` when the platform has no data folder for this user (no HOME).
pub fn default_data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join(APP_IDENTIFIER))
}

/// `cannot <what> <path>: <the OS's reason>`, keeping the error's kind.
pub(crate) fn context(e: std::io::Error, what: &str, path: &std::path::Path) -> std::io::Error {
    std::io::Error::new(e.kind(), format!("cannot {what} {}: {e}", path.display()))
}

#[cfg(test)]
mod tests;
