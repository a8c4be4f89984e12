//! One error for the CLI: a one-line message and the documented exit code, from the core's
//! `{kind, message, details}`.

use flowdesk_core::{AppErrorKind, AppOnlyKind, CoreError};
use flowdesk_dots::ErrorKind;
use flowdesk_money::MoneyErrorKind;
use flowdesk_settings::ErrorKind as SettingsKind;

pub const OTHER: u8 = 1;
pub const INVALID: u8 = 3;
pub const AUTH: u8 = 4;
pub const NOT_FOUND: u8 = 5;
pub const PARTIAL: u8 = 6;
pub const NOT_CONFIRMED: u8 = 7;
pub const INTERRUPTED: u8 = 130;

#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        CliError { code, message: message.into() }
    }
    pub fn other(message: impl Into<String>) -> Self {
        CliError::new(OTHER, message)
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        CliError::new(INVALID, message)
    }
}

impl From<CoreError> for CliError {
    fn from(e: CoreError) -> Self {
        let code = match e.kind {
            AppErrorKind::Dots(ErrorKind::Invalid | ErrorKind::InvalidRequest) => INVALID,
            AppErrorKind::Dots(ErrorKind::Unauthorized | ErrorKind::Forbidden) => AUTH,
            AppErrorKind::Dots(ErrorKind::NotFound) => NOT_FOUND,
            AppErrorKind::Settings(SettingsKind::Invalid | SettingsKind::BuiltIn) => INVALID,
            AppErrorKind::Settings(SettingsKind::NotFound) => NOT_FOUND,
            AppErrorKind::Settings(SettingsKind::NotConfigured) => AUTH,
            AppErrorKind::Money(MoneyErrorKind::NotFound) => NOT_FOUND,
            AppErrorKind::Money(MoneyErrorKind::Io) => OTHER,
            AppErrorKind::Money(_) => INVALID,
            AppErrorKind::App(AppOnlyKind::ConfirmationRequired) => NOT_CONFIRMED,
            AppErrorKind::App(AppOnlyKind::WebhooksNotLocal) => INVALID,
            _ => OTHER,
        };
        CliError::new(code, e.message)
    }
}

impl From<flowdesk_settings::SettingsError> for CliError {
    fn from(e: flowdesk_settings::SettingsError) -> Self {
        CoreError::from(e).into()
    }
}
