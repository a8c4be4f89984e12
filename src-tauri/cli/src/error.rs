//! One error for the CLI: a one-line message and the documented exit code.

use flowdesk_bulk::{BulkError, ImportError};
use flowdesk_dots::{DotsError, ErrorKind};
use flowdesk_settings::{CredentialError, SettingsError};

pub const OTHER: u8 = 1;
pub const INVALID: u8 = 3;
pub const AUTH: u8 = 4;
pub const NOT_FOUND: u8 = 5;
pub const PARTIAL: u8 = 6;
pub const INTERRUPTED: u8 = 130;

#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        CliError {
            code,
            message: message.into(),
        }
    }
    pub fn other(message: impl Into<String>) -> Self {
        CliError::new(OTHER, message)
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        CliError::new(INVALID, message)
    }
}

impl From<DotsError> for CliError {
    fn from(e: DotsError) -> Self {
        let code = match e.kind() {
            ErrorKind::Invalid | ErrorKind::InvalidRequest => INVALID,
            ErrorKind::Unauthorized | ErrorKind::Forbidden => AUTH,
            ErrorKind::NotFound => NOT_FOUND,
            _ => OTHER,
        };
        let message = match &e {
            DotsError::Invalid(v) if v.len() > 1 => v
                .iter()
                .map(|v| v.message.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            _ => e.to_string(),
        };
        CliError::new(code, message)
    }
}

impl From<SettingsError> for CliError {
    fn from(e: SettingsError) -> Self {
        let code = match e.kind() {
            flowdesk_settings::ErrorKind::Invalid | flowdesk_settings::ErrorKind::BuiltIn => {
                INVALID
            }
            flowdesk_settings::ErrorKind::NotFound => NOT_FOUND,
            _ => OTHER,
        };
        CliError::new(code, e.to_string())
    }
}

impl From<CredentialError> for CliError {
    fn from(e: CredentialError) -> Self {
        let code = match e.kind() {
            flowdesk_settings::ErrorKind::Invalid | flowdesk_settings::ErrorKind::BuiltIn => {
                INVALID
            }
            flowdesk_settings::ErrorKind::NotFound => NOT_FOUND,
            flowdesk_settings::ErrorKind::NotConfigured => AUTH,
            _ => OTHER,
        };
        let message = match &e {
            CredentialError::NotConfigured { environment } => format!(
                "No API key is saved for \"{environment}\": run `flowdesk creds set` (or save it in the app's Settings)"
            ),
            _ => e.to_string(),
        };
        CliError::new(code, message)
    }
}

impl From<ImportError> for CliError {
    fn from(e: ImportError) -> Self {
        CliError::invalid(e.to_string())
    }
}

impl From<BulkError> for CliError {
    fn from(e: BulkError) -> Self {
        match e {
            BulkError::Dots(d) => d.into(),
            BulkError::Import(i) => i.into(),
            BulkError::Template(_) => CliError::invalid(e.to_string()),
            other => CliError::other(other.to_string()),
        }
    }
}
