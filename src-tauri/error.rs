//! The one error the UI sees: `{kind, message}`, so it can offer the right next step
//! (fix the step, re-enter the key, wait) without parsing text.

use flowdesk_dots::{DotsError, ErrorKind};
use serde::Serialize;
use ts_rs::TS;

/// Kinds that only the app has, beside the Dots client's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AppOnlyKind {
    /// Something in the app itself failed (a bug or the local sandbox would not start).
    Internal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(untagged)]
#[ts(export)]
pub enum AppErrorKind {
    Dots(ErrorKind),
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
}

impl From<DotsError> for AppError {
    fn from(e: DotsError) -> Self {
        AppError { kind: AppErrorKind::Dots(e.kind()), message: e.to_string() }
    }
}

pub type AppResult<T> = Result<T, AppError>;
