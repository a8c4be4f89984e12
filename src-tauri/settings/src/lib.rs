//! Flow Desk's environments, credentials and settings file, in plain Rust (no Tauri), so
//! the app and a CLI share them:
//! - [`Settings`]: environments, the active one, poll interval, email template… every
//!   change validated; [`SettingsFile`] loads (setting a bad file aside) and saves atomically.
//! - [`Credentials`]: the API key in the OS keychain (service [`APP_IDENTIFIER`], account
//!   `{env_id}@{origin}`), the client ID in the settings, a [`flowdesk_dots::ClientConfig`] out.

mod credentials;
mod environment;
mod error;
mod file;
mod settings;
mod store;

pub use credentials::{CredentialStatus, Credentials};
pub use environment::{
    parse_base_url, Environment, EnvironmentChange, EnvironmentUpdate, EnvironmentView, NewEnvironment, BUILT_IN,
    LOCAL, PRODUCTION, PRODUCTION_HOST, SANDBOX,
};
pub use error::{CredentialError, ErrorKind, SettingsError, ADVICE};
pub use file::{Loaded, SettingsFile, FILE_NAME};
pub use settings::{EmailTemplate, Settings, DEFAULT_POLL_SECS, POLL_RANGE};
pub use store::{KeyringStore, MemoryStore, SecretStore};

/// The app's identifier: the keychain service name and the data folder's name.
pub use flowdesk_files::APP_IDENTIFIER;
