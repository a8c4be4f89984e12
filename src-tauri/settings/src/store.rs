//! Where API keys live: the OS keychain through `keyring` (macOS Keychain, Windows
//! Credential Manager, Secret Service on Linux). The trait lets unit tests use memory.

use secrecy::{ExposeSecret, SecretString};

use crate::error::CredentialError;
use crate::APP_IDENTIFIER;

/// A place for secrets, by account. `delete` of an absent account is not an error.
pub trait SecretStore: Send + Sync {
    fn set(&self, account: &str, secret: &SecretString) -> Result<(), CredentialError>;
    fn get(&self, account: &str) -> Result<Option<SecretString>, CredentialError>;
    fn delete(&self, account: &str) -> Result<(), CredentialError>;
}

/// The OS keychain. Entries are `service = com.flowdesk.desk`, `user = {env_id}@{host}`.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

impl KeyringStore {
    pub fn new() -> Self {
        KeyringStore { service: APP_IDENTIFIER.into() }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, account: &str) -> Result<keyring::Entry, CredentialError> {
        keyring::Entry::new(&self.service, account).map_err(map_error)
    }
}

impl Default for KeyringStore {
    fn default() -> Self {
        KeyringStore::new()
    }
}

impl SecretStore for KeyringStore {
    fn set(&self, account: &str, secret: &SecretString) -> Result<(), CredentialError> {
        self.entry(account)?.set_password(secret.expose_secret()).map_err(map_error)
    }

    fn get(&self, account: &str) -> Result<Option<SecretString>, CredentialError> {
        match self.entry(account)?.get_password() {
            Ok(s) => Ok(Some(SecretString::from(s))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e)),
        }
    }

    fn delete(&self, account: &str) -> Result<(), CredentialError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_error(e)),
        }
    }
}

/// keyring's errors as ours. Only their Display text is kept, and never for variants
/// that carry stored data (`BadEncoding` holds the secret's bytes in its Debug form).
fn map_error(e: keyring::Error) -> CredentialError {
    match e {
        keyring::Error::PlatformFailure(inner) => CredentialError::KeychainUnavailable { detail: inner.to_string() },
        keyring::Error::NoStorageAccess(inner) => CredentialError::KeychainLocked { detail: inner.to_string() },
        keyring::Error::BadEncoding(_) => {
            CredentialError::Keychain { detail: "the stored key is not UTF-8 text".into() }
        }
        keyring::Error::Ambiguous(items) => {
            CredentialError::Keychain { detail: format!("{} keychain entries match this environment", items.len()) }
        }
        keyring::Error::NoEntry => CredentialError::Keychain { detail: "no such entry".into() },
        keyring::Error::TooLong(attr, limit) => {
            CredentialError::Keychain { detail: format!("{attr} is longer than the keychain's limit of {limit}") }
        }
        keyring::Error::Invalid(attr, reason) => {
            CredentialError::Keychain { detail: format!("{attr} is invalid: {reason}") }
        }
        other => CredentialError::Keychain { detail: other.to_string() },
    }
}

pub use memory::MemoryStore;

mod memory {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A keychain in memory, for logic tests that must run on every OS (the real keychain
    /// is tested on its own). `forgetful` accepts writes and keeps nothing, as keyring does when
    /// built with no platform feature; `unavailable` fails like a missing Secret Service.
    #[derive(Clone, Default)]
    pub struct MemoryStore {
        entries: Arc<Mutex<HashMap<String, SecretString>>>,
        forgetful: bool,
        unavailable: bool,
    }

    impl MemoryStore {
        pub fn new() -> Self {
            MemoryStore::default()
        }
        pub fn forgetful() -> Self {
            MemoryStore { forgetful: true, ..Default::default() }
        }
        pub fn unavailable() -> Self {
            MemoryStore { unavailable: true, ..Default::default() }
        }
        pub fn accounts(&self) -> Vec<String> {
            let mut v: Vec<_> = self.entries.lock().unwrap_or_else(|p| p.into_inner()).keys().cloned().collect();
            v.sort();
            v
        }
        pub fn raw(&self, account: &str) -> Option<String> {
            self.entries.lock().unwrap_or_else(|p| p.into_inner()).get(account).map(|s| s.expose_secret().to_string())
        }
        fn check(&self) -> Result<(), CredentialError> {
            if self.unavailable {
                Err(CredentialError::KeychainUnavailable { detail: "no Secret Service on the session bus".into() })
            } else {
                Ok(())
            }
        }
    }

    impl SecretStore for MemoryStore {
        fn set(&self, account: &str, secret: &SecretString) -> Result<(), CredentialError> {
            self.check()?;
            if !self.forgetful {
                self.entries.lock().unwrap_or_else(|p| p.into_inner()).insert(account.into(), secret.clone());
            }
            Ok(())
        }
        fn get(&self, account: &str) -> Result<Option<SecretString>, CredentialError> {
            self.check()?;
            Ok(self.entries.lock().unwrap_or_else(|p| p.into_inner()).get(account).cloned())
        }
        fn delete(&self, account: &str) -> Result<(), CredentialError> {
            self.check()?;
            self.entries.lock().unwrap_or_else(|p| p.into_inner()).remove(account);
            Ok(())
        }
    }
}
