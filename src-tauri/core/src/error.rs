//! The one error every shell shows: `{kind, message, details}`. `kind` says what went wrong
//! (so the UI can offer the next step: fix a field, re-enter the key, settle an intent),
//! `details` carries the typed ids that step needs. No caller parses `message`.

use flowdesk_bulk::BulkError;
use flowdesk_dots::{DotsError, ErrorKind};
use flowdesk_settings::{CredentialError, SettingsError};
use serde::Serialize;
use ts_rs::TS;

/// Kinds that only the core has, beside the Dots client's, the settings' and the money's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AppOnlyKind {
    /// Something in Flow Desk itself failed (a bug, a file that cannot be written).
    Internal,
    /// An action in Production was not confirmed by the person: nothing was sent.
    ConfirmationRequired,
    /// No process hosts the local sandbox: start `flowdesk sandbox` or open the app.
    NoLocalSandbox,
    /// The batch is running already (in this process or another).
    BatchRunning,
    /// Webhooks of Sandbox and Production are set in Dots' dashboard, not here.
    WebhooksNotLocal,
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

/// Typed ids for the next step. Every field is optional; most errors carry none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ErrorDetails {
    /// The money intent to settle (retry or replace) before paying this recipient again.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub intent_id: Option<String>,
    /// Flows found on Dots after a create failed, now in History.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub flow_ids: Option<Vec<String>>,
    /// The create may have happened: look before creating again.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub outcome_unknown: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub batch_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub environment_id: Option<String>,
}

impl ErrorDetails {
    pub fn is_empty(&self) -> bool {
        *self == ErrorDetails::default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export, rename = "AppError")]
pub struct CoreError {
    pub kind: AppErrorKind,
    pub message: String,
    /// Always sent; optional in TypeScript so errors the UI makes itself need none.
    #[ts(as = "Option<ErrorDetails>", optional)]
    pub details: ErrorDetails,
}

pub type CoreResult<T> = Result<T, CoreError>;

impl CoreError {
    pub fn new(kind: AppErrorKind, message: impl Into<String>) -> Self {
        CoreError { kind, message: message.into(), details: ErrorDetails::default() }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        CoreError::new(AppErrorKind::App(AppOnlyKind::Internal), message)
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        CoreError::new(AppErrorKind::Dots(ErrorKind::Invalid), message)
    }

    pub fn not_confirmed(message: impl Into<String>) -> Self {
        CoreError::new(AppErrorKind::App(AppOnlyKind::ConfirmationRequired), message)
    }

    pub fn with_details(mut self, f: impl FnOnce(&mut ErrorDetails)) -> Self {
        f(&mut self.details);
        self
    }

    pub fn is(&self, kind: AppOnlyKind) -> bool {
        self.kind == AppErrorKind::App(kind)
    }

    /// The keychain itself failed (as opposed to a wrong value or a missing key).
    pub fn is_keychain_failure(&self) -> bool {
        use flowdesk_settings::ErrorKind as K;
        matches!(
            self.kind,
            AppErrorKind::Settings(K::KeychainUnavailable | K::KeychainLocked | K::KeychainNotPersisted | K::Keychain)
        )
    }
}

impl From<DotsError> for CoreError {
    fn from(e: DotsError) -> Self {
        let unknown = e.outcome_unknown();
        let message = match &e {
            // Every broken rule, not only the first.
            DotsError::Invalid(v) if v.len() > 1 => v.iter().map(|v| v.message.as_str()).collect::<Vec<_>>().join(" "),
            _ => e.to_string(),
        };
        CoreError::new(AppErrorKind::Dots(e.kind()), message)
            .with_details(|d| d.outcome_unknown = unknown.then_some(true))
    }
}

impl From<SettingsError> for CoreError {
    fn from(e: SettingsError) -> Self {
        CoreError::new(AppErrorKind::Settings(e.kind()), e.to_string())
    }
}

impl From<flowdesk_history::HistoryError> for CoreError {
    fn from(e: flowdesk_history::HistoryError) -> Self {
        CoreError::new(AppErrorKind::History(e.kind()), e.to_string())
    }
}

impl From<CredentialError> for CoreError {
    fn from(e: CredentialError) -> Self {
        let message = match &e {
            CredentialError::NotConfigured { environment } => format!(
                "No API key is saved for \"{environment}\": save it in Settings (or `flowdesk creds set`)."
            ),
            _ => e.to_string(),
        };
        CoreError::new(AppErrorKind::Settings(e.kind()), message)
    }
}

impl From<flowdesk_money::MoneyError> for CoreError {
    fn from(e: flowdesk_money::MoneyError) -> Self {
        use flowdesk_money::MoneyError;
        match (e.kind(), e) {
            (Some(kind), MoneyError::UnresolvedIntent { intent_id, message }) => {
                CoreError::new(AppErrorKind::Money(kind), message).with_details(|d| d.intent_id = Some(intent_id))
            }
            (Some(kind), e) => CoreError::new(AppErrorKind::Money(kind), e.to_string()),
            (None, MoneyError::Dots(d)) => CoreError::from(d),
            (None, e) => CoreError::internal(e.to_string()),
        }
    }
}

impl From<BulkError> for CoreError {
    fn from(e: BulkError) -> Self {
        match e {
            BulkError::Dots(e) => e.into(),
            BulkError::Io { .. } | BulkError::Journal { .. } => CoreError::internal(e.to_string()),
            other => CoreError::invalid(other.to_string()),
        }
    }
}

impl From<flowdesk_bulk::ImportError> for CoreError {
    fn from(e: flowdesk_bulk::ImportError) -> Self {
        CoreError::invalid(e.to_string())
    }
}
