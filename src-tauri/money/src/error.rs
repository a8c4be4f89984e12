//! One error for the money path. Messages name amounts, recipients and ids, never a key.

use serde::Serialize;
use ts_rs::TS;

use crate::amount::AmountError;
use flowdesk_dots::DotsError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MoneyErrorKind {
    /// The amount or another field is not acceptable; nothing was sent.
    InvalidAmount,
    Invalid,
    /// Over a per-action or per-day limit; nothing was sent.
    OverLimit,
    /// Production needs the amount typed again, and it was missing or different.
    ConfirmationMismatch,
    /// An earlier action for the same recipient has an unknown outcome: settle it first.
    UnresolvedIntent,
    NotFound,
    Io,
}

#[derive(Debug, thiserror::Error)]
pub enum MoneyError {
    #[error("{0}")]
    Amount(#[from] AmountError),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    OverLimit(String),
    #[error("{0}")]
    ConfirmationMismatch(String),
    #[error("{message}")]
    UnresolvedIntent { intent_id: String, message: String },
    #[error("no money action with id {0} is on record")]
    NotFound(String),
    #[error("could not {action} {path}: {detail}. Nothing was sent; check the folder is writable and try again.")]
    Io { action: &'static str, path: String, detail: String },
    /// Dots answered (or did not) in a way that ends the action; the kind comes from Dots.
    #[error(transparent)]
    Dots(#[from] DotsError),
}

impl MoneyError {
    /// `None` for Dots errors: their kind is Dots' own.
    pub fn kind(&self) -> Option<MoneyErrorKind> {
        Some(match self {
            MoneyError::Amount(_) => MoneyErrorKind::InvalidAmount,
            MoneyError::Invalid(_) => MoneyErrorKind::Invalid,
            MoneyError::OverLimit(_) => MoneyErrorKind::OverLimit,
            MoneyError::ConfirmationMismatch(_) => MoneyErrorKind::ConfirmationMismatch,
            MoneyError::UnresolvedIntent { .. } => MoneyErrorKind::UnresolvedIntent,
            MoneyError::NotFound(_) => MoneyErrorKind::NotFound,
            MoneyError::Io { .. } => MoneyErrorKind::Io,
            MoneyError::Dots(_) => return None,
        })
    }

    pub(crate) fn io(action: &'static str, path: &std::path::Path, e: impl std::fmt::Display) -> Self {
        MoneyError::Io { action, path: path.display().to_string(), detail: e.to_string() }
    }
}
