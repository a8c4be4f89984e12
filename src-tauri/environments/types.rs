use flowdesk_settings::{CredentialStatus, EmailTemplate, EnvironmentView};
use serde::Serialize;
use ts_rs::TS;

use crate::error::AppError;

/// One environment and what is known of its credentials (never the key).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct EnvironmentEntry {
    pub environment: EnvironmentView,
    pub credential: Option<CredentialStatus>,
    /// Why the credential status could not be read (e.g. the keychain is locked).
    pub credential_error: Option<AppError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct KeychainStatus {
    pub available: bool,
    /// What is wrong and what to do, when it is not available.
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct EnvironmentsView {
    pub active: String,
    pub environments: Vec<EnvironmentEntry>,
    pub keychain: KeychainStatus,
    /// Said once per run, e.g. that a corrupt settings file was set aside and where.
    pub notice: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct EnvironmentUpdateView {
    pub view: EnvironmentsView,
    /// The base URL's host changed, so its key was removed: ask for it again.
    pub key_unbound: bool,
}

/// The desk's own preferences (no secret among them).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Preferences {
    #[ts(type = "number")]
    pub poll_interval_secs: u64,
    /// Used by "Email to user" and the bulk mail merge: `{link}`, `{steps}`, `{reference}`.
    pub email_template: EmailTemplate,
    pub extra_ca_path: Option<String>,
}
