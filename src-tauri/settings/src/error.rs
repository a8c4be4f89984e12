//! Two errors, one per concern, each typed by kind so the UI can offer the next step
//! (fix a field, re-enter the key, unlock the keyring). No variant ever holds an api_key:
//! the key is only ever checked, stored or handed on, never put into text.

use std::path::PathBuf;

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "SettingsErrorKind")]
pub enum ErrorKind {
    /// A value the user entered (or the file holds) breaks a rule; `field` says which.
    Invalid,
    NotFound,
    /// Built-in environments cannot be removed.
    BuiltIn,
    Io,
    /// No API key saved for that environment: ask for one.
    NotConfigured,
    /// No Secret Service / keychain to talk to.
    KeychainUnavailable,
    /// The keychain is there but refused access (locked, or the user said no).
    KeychainLocked,
    /// The keychain said yes but reading back gave something else: nothing is stored.
    KeychainNotPersisted,
    /// Any other keychain failure.
    Keychain,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// `message` is a whole sentence; `field` names the input it is about.
    #[error("{message}")]
    Invalid { field: &'static str, message: String },
    #[error("There is no environment \"{0}\"")]
    UnknownEnvironment(String),
    #[error("\"{0}\" is built in and cannot be removed")]
    BuiltIn(String),
    #[error("Could not find the user's data folder (is HOME set?)")]
    NoDataDir,
    #[error("Could not {action} {}: {source}", .path.display())]
    Io { action: &'static str, path: PathBuf, source: std::io::Error },
}

impl SettingsError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            SettingsError::Invalid { .. } => ErrorKind::Invalid,
            SettingsError::UnknownEnvironment(_) => ErrorKind::NotFound,
            SettingsError::BuiltIn(_) => ErrorKind::BuiltIn,
            SettingsError::NoDataDir | SettingsError::Io { .. } => ErrorKind::Io,
        }
    }

    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        SettingsError::Invalid { field, message: message.into() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("{message}")]
    Invalid { field: &'static str, message: String },
    #[error("No API key is saved for \"{environment}\": enter its client ID and API key in Settings")]
    NotConfigured { environment: String },
    #[error("The OS keychain is not available ({detail}). {}", ADVICE)]
    KeychainUnavailable { detail: String },
    #[error("The OS keychain refused access, it may be locked ({detail}). {}", ADVICE)]
    KeychainLocked { detail: String },
    #[error(
        "The keychain accepted the API key but did not keep it (reading it back gave something else), \
         so nothing was saved. {}",
        ADVICE
    )]
    KeychainNotPersisted,
    #[error("The OS keychain failed: {detail}")]
    Keychain { detail: String },
    #[error(transparent)]
    Settings(#[from] SettingsError),
}

/// What a person can do about a keychain that will not work, per OS.
#[cfg(target_os = "linux")]
pub const ADVICE: &str = "Unlock your keyring, or install and start gnome-keyring or KWallet \
    (any Secret Service provider); the Local sandbox still works without a key.";
#[cfg(target_os = "macos")]
pub const ADVICE: &str = "Unlock your login keychain (Keychain Access) and allow Flow Desk to use it; \
    the Local sandbox still works without a key.";
#[cfg(target_os = "windows")]
pub const ADVICE: &str = "Check that Windows Credential Manager is available for your account; \
    the Local sandbox still works without a key.";
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
pub const ADVICE: &str = "Unlock your keyring, or install a Secret Service provider such as gnome-keyring \
    or KWallet; the Local sandbox still works without a key.";

impl CredentialError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            CredentialError::Invalid { .. } => ErrorKind::Invalid,
            CredentialError::NotConfigured { .. } => ErrorKind::NotConfigured,
            CredentialError::KeychainUnavailable { .. } => ErrorKind::KeychainUnavailable,
            CredentialError::KeychainLocked { .. } => ErrorKind::KeychainLocked,
            CredentialError::KeychainNotPersisted => ErrorKind::KeychainNotPersisted,
            CredentialError::Keychain { .. } => ErrorKind::Keychain,
            CredentialError::Settings(e) => e.kind(),
        }
    }

    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        CredentialError::Invalid { field, message: message.into() }
    }

    /// Belt and braces: platform error text is not ours, so cut the key out of it should a
    /// backend ever echo what it was given.
    pub(crate) fn redacted(self, secret: &str) -> Self {
        let scrub = |s: String| if secret.is_empty() { s } else { s.replace(secret, "[redacted]") };
        match self {
            CredentialError::KeychainUnavailable { detail } => {
                CredentialError::KeychainUnavailable { detail: scrub(detail) }
            }
            CredentialError::KeychainLocked { detail } => CredentialError::KeychainLocked { detail: scrub(detail) },
            CredentialError::Keychain { detail } => CredentialError::Keychain { detail: scrub(detail) },
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_advice() {
        let e = CredentialError::KeychainUnavailable { detail: "no bus".into() };
        assert_eq!(e.kind(), ErrorKind::KeychainUnavailable);
        assert!(e.to_string().contains("no bus") && e.to_string().contains("Local sandbox still works"));
        let e = CredentialError::from(SettingsError::UnknownEnvironment("x".into()));
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert_eq!(e.to_string(), "There is no environment \"x\"");
        assert_eq!(serde_json::to_string(&ErrorKind::KeychainNotPersisted).unwrap(), "\"keychain_not_persisted\"");
    }

    #[test]
    fn redaction_cuts_the_secret_from_platform_text() {
        let e = CredentialError::Keychain { detail: "backend said sk_live_123 is bad".into() }.redacted("sk_live_123");
        assert_eq!(e.to_string(), "The OS keychain failed: backend said [redacted] is bad");
    }
}
