//! Environments and their credentials: switch, add, edit, remove, save a key (write-only),
//! delete it, test the connection. Thin commands over `flowdesk_settings`.

pub mod commands;
mod connection;
mod types;

pub use connection::ConnectionReport;
pub use types::{EnvironmentEntry, EnvironmentUpdateView, EnvironmentsView, KeychainStatus, Preferences};
