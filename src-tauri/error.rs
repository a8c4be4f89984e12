//! The one error the UI sees: `{kind, message}`, so it can offer the right next step
//! (fix the step, re-enter the key, unlock the keychain, wait) without parsing text.

use flowdesk_dots::{DotsError, ErrorKind};
use flowdesk_settings::{CredentialError, SettingsError};
use serde::Serialize;
use ts_rs::TS;

/// Kinds that only the app has, beside the Dots client's and the settings' own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AppOnlyKind {
    /// Something in the app itself failed (a bug or the local sandbox would not start).
    Internal,
    /// A production create was asked for without the person's confirmation.
    ConfirmationRequired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(untagged)]
#[ts(export)]
pub enum AppErrorKind {
    Dots(ErrorKind),
    Settings(flowdesk_settings::ErrorKind),
    History(flowdesk_history::ErrorKind),
    Money(flowdesk_money::MoneyErrorKind),
    App(AppOnlyKind),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export)]
pub struct AppError {
    pub kind: AppErrorKind,
    pub message: String,
}

impl AppError {
    pub fn internal(message: impl Into<String>) -> Self {
        AppError { kind: AppErrorKind::App(AppOnlyKind::Internal), message: message.into() }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        AppError { kind: AppErrorKind::Dots(ErrorKind::Invalid), message: message.into() }
    }

    pub fn confirmation_required(message: impl Into<String>) -> Self {
        AppError { kind: AppErrorKind::App(AppOnlyKind::ConfirmationRequired), message: message.into() }
    }
}

impl From<DotsError> for AppError {
    fn from(e: DotsError) -> Self {
        AppError { kind: AppErrorKind::Dots(e.kind()), message: e.to_string() }
    }
}

impl From<SettingsError> for AppError {
    fn from(e: SettingsError) -> Self {
        AppError { kind: AppErrorKind::Settings(e.kind()), message: e.to_string() }
    }
}

impl From<flowdesk_history::HistoryError> for AppError {
    fn from(e: flowdesk_history::HistoryError) -> Self {
        AppError { kind: AppErrorKind::History(e.kind()), message: e.to_string() }
    }
}

impl From<CredentialError> for AppError {
    fn from(e: CredentialError) -> Self {
        AppError { kind: AppErrorKind::Settings(e.kind()), message: e.to_string() }
    }
}

impl From<flowdesk_money::MoneyError> for AppError {
    fn from(e: flowdesk_money::MoneyError) -> Self {
        match (e.kind(), e) {
            (Some(kind), e) => AppError { kind: AppErrorKind::Money(kind), message: e.to_string() },
            (None, flowdesk_money::MoneyError::Dots(d)) => AppError::from(d),
            (None, e) => AppError::internal(e.to_string()),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// The keychain itself failed (as opposed to a wrong value or a missing key).
    pub fn is_keychain_failure(&self) -> bool {
        use flowdesk_settings::ErrorKind as K;
        matches!(
            self.kind,
            AppErrorKind::Settings(K::KeychainUnavailable | K::KeychainLocked | K::KeychainNotPersisted | K::Keychain)
        )
    }
}
