//! An environment's credentials: the client ID in the settings (not secret), the API key
//! in the OS keychain under `{env_id}@{host}`, so a key only ever serves the host it was
//! entered for. Methods change the given `Settings` in memory; the caller saves the file.

use std::time::Duration;

use flowdesk_dots::ClientConfig;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use ts_rs::TS;

use crate::environment::{clean_client_id, Environment, EnvironmentChange, EnvironmentUpdate};
use crate::error::CredentialError;
use crate::settings::Settings;
use crate::store::{KeyringStore, SecretStore};

const MAX_KEY: usize = 1024;
/// Shorter keys show no last four: four characters of a short key give too much away.
const MIN_KEY_FOR_LAST4: usize = 12;
/// Not a valid environment id (ids have no `_`), so it can never hit a real entry.
const PROBE_ACCOUNT: &str = "_probe@flowdesk";

/// What the UI may know about saved credentials. Never the key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct CredentialStatus {
    /// Requests can be sent: a client ID and a key are saved (always true for the Local
    /// sandbox, which needs neither).
    pub configured: bool,
    pub client_id: Option<String>,
    pub key_last4: Option<String>,
}

pub struct Credentials {
    store: Box<dyn SecretStore>,
}

impl Credentials {
    pub fn new(store: impl SecretStore + 'static) -> Self {
        Credentials { store: Box::new(store) }
    }

    /// The OS keychain, service `com.flowdesk.desk`.
    pub fn keychain() -> Self {
        Credentials::new(KeyringStore::new())
    }

    /// Start-up check: a write can be read back and deleted. Catches a keychain that is
    /// missing, locked, or (keyring built with no backend) silently keeping nothing.
    pub fn check_available(&self) -> Result<(), CredentialError> {
        let probe = SecretString::from(format!("probe-{}", std::process::id()));
        self.store.set(PROBE_ACCOUNT, &probe)?;
        let back = self.store.get(PROBE_ACCOUNT);
        let deleted = self.store.delete(PROBE_ACCOUNT);
        match back? {
            Some(s) if s.expose_secret() == probe.expose_secret() => deleted,
            _ => Err(CredentialError::KeychainNotPersisted),
        }
    }

    /// Saves the client ID (in `settings`) and the API key (in the keychain, then read
    /// back: a write that did not stick is an error, never a silent loss). Both are
    /// trimmed. Returns the new status.
    pub fn save(
        &self,
        settings: &mut Settings,
        env_id: &str,
        client_id: &str,
        api_key: SecretString,
    ) -> Result<CredentialStatus, CredentialError> {
        let env = settings.environment(env_id)?;
        let account = keyed_account(env)?;
        let client_id = clean_client_id(client_id)?;
        let key = clean_key(api_key.expose_secret())?;
        let scrub = |e: CredentialError| e.redacted(key.expose_secret());

        self.store.set(&account, &key).map_err(scrub)?;
        let back = self.store.get(&account).map_err(scrub)?;
        if back.as_ref().map(ExposeSecret::expose_secret) != Some(key.expose_secret()) {
            let _ = self.store.delete(&account);
            tracing::error!(env = env_id, %account, "keychain did not keep the API key");
            return Err(CredentialError::KeychainNotPersisted);
        }
        settings.set_client_id(env_id, Some(&client_id))?;
        settings.set_key_hint(env_id, last4(key.expose_secret()))?;
        tracing::info!(env = env_id, %account, "credentials saved");
        Ok(CredentialStatus { configured: true, client_id: Some(client_id), key_last4: last4(key.expose_secret()) })
    }

    pub fn status(&self, settings: &Settings, env_id: &str) -> Result<CredentialStatus, CredentialError> {
        let env = settings.environment(env_id)?;
        if env.account().is_none() {
            return Ok(CredentialStatus { configured: true, client_id: None, key_last4: None });
        }
        let key = self.key_of(env)?;
        Ok(CredentialStatus {
            configured: key.is_some() && env.client_id.is_some(),
            client_id: env.client_id.clone(),
            key_last4: key.as_ref().and_then(|k| last4(k.expose_secret())),
        })
    }

    /// The status as the settings remember it, without reading the keychain: a client ID is
    /// only ever stored together with its key, and the key's last four were noted then.
    pub fn stored_status(&self, settings: &Settings, env_id: &str) -> Result<CredentialStatus, CredentialError> {
        let env = settings.environment(env_id)?;
        if env.account().is_none() {
            return Ok(CredentialStatus { configured: true, client_id: None, key_last4: None });
        }
        Ok(CredentialStatus {
            configured: env.client_id.is_some(),
            client_id: env.client_id.clone(),
            key_last4: env.key_hint.clone(),
        })
    }

    /// Deletes the keychain entry and clears the client ID. Nothing saved is not an error.
    pub fn delete(&self, settings: &mut Settings, env_id: &str) -> Result<(), CredentialError> {
        let env = settings.environment(env_id)?;
        let Some(account) = env.account() else { return Ok(()) };
        self.store.delete(&account)?;
        if let Some(legacy) = env.legacy_account() {
            self.store.delete(&legacy)?;
        }
        settings.set_client_id(env_id, None)?;
        tracing::info!(env = env_id, %account, "credentials deleted");
        Ok(())
    }

    /// Everything a [`flowdesk_dots::DotsClient`] needs for this environment.
    pub fn client_config(
        &self,
        settings: &Settings,
        env_id: &str,
        timeout: Duration,
    ) -> Result<ClientConfig, CredentialError> {
        let env = settings.environment(env_id)?;
        // The Local sandbox has no key at all: say so before "not configured".
        keyed_account(env)?;
        let not_configured = || CredentialError::NotConfigured { environment: env.name.clone() };
        let client_id = env.client_id.clone().ok_or_else(not_configured)?;
        let api_key = self.key_of(env)?.ok_or_else(not_configured)?;
        let base_url = env.base_url.clone().ok_or_else(not_configured)?;
        Ok(ClientConfig { base_url, client_id, api_key, app_id: env.app_id.clone(), timeout, extra_ca_pem: None })
    }

    /// [`Settings::update_environment`], and when the host changed, the key saved for the
    /// old host is deleted from the keychain. Nothing changes if that delete fails.
    pub fn update_environment(
        &self,
        settings: &mut Settings,
        env_id: &str,
        change: EnvironmentChange,
    ) -> Result<EnvironmentUpdate, CredentialError> {
        let mut next = settings.clone();
        let mut update = next.update_environment(env_id, change)?;
        if let Some(old) = &update.old_account {
            update.key_unbound |= self.forget(old, update.key_unbound)?;
            tracing::info!(env = env_id, old_account = %old, "origin changed: key unbound");
        }
        if let Some(old) = &update.old_legacy_account {
            update.key_unbound |= self.forget(old, false)?;
        }
        *settings = next;
        Ok(update)
    }

    /// [`Settings::remove_environment`] plus its keychain entry.
    pub fn remove_environment(&self, settings: &mut Settings, env_id: &str) -> Result<Environment, CredentialError> {
        let mut next = settings.clone();
        let removed = next.remove_environment(env_id)?;
        if let Some(account) = removed.account() {
            self.forget(&account, removed.client_id.is_some())?;
        }
        if let Some(legacy) = removed.legacy_account() {
            self.forget(&legacy, false)?;
        }
        *settings = next;
        Ok(removed)
    }

    /// The environment's key. A key saved by Flow Desk before 0.2 (bound to the host only)
    /// is moved to the origin-bound account the first time it is read.
    fn key_of(&self, env: &Environment) -> Result<Option<SecretString>, CredentialError> {
        let account = keyed_account(env)?;
        if let Some(key) = self.store.get(&account)? {
            return Ok(Some(key));
        }
        let Some(legacy) = env.legacy_account() else { return Ok(None) };
        let Some(key) = self.store.get(&legacy)? else { return Ok(None) };
        self.store.set(&account, &key)?;
        self.store.delete(&legacy)?;
        tracing::info!(%account, "key moved from its host-only binding to its origin");
        Ok(Some(key))
    }

    /// Deletes an entry if there is one; says whether there was. With no client ID saved
    /// there should be no entry, so an unreachable keychain does not block the edit then.
    fn forget(&self, account: &str, must: bool) -> Result<bool, CredentialError> {
        let found = match self.store.get(account) {
            Ok(found) => found.is_some(),
            Err(e) if !must => {
                tracing::debug!(%account, error = %e, "keychain not reachable; no key was bound");
                return Ok(false);
            }
            Err(e) => return Err(e),
        };
        if found {
            self.store.delete(account)?;
        }
        Ok(found)
    }
}

fn keyed_account(env: &Environment) -> Result<String, CredentialError> {
    env.account().ok_or_else(|| {
        CredentialError::invalid("api_key", "The Local sandbox runs inside Flow Desk and needs no client ID or key")
    })
}

/// Trims, and refuses what cannot be a key. The messages never quote the input.
fn clean_key(raw: &str) -> Result<SecretString, CredentialError> {
    let key = raw.trim();
    if key.is_empty() {
        return Err(CredentialError::invalid("api_key", "Enter the API key (it is empty)"));
    }
    if key.chars().any(char::is_whitespace) {
        return Err(CredentialError::invalid(
            "api_key",
            "The API key contains a space or line break: paste only the key",
        ));
    }
    if key.chars().any(char::is_control) {
        return Err(CredentialError::invalid(
            "api_key",
            "The API key contains a control character: paste only the key",
        ));
    }
    if key.len() > MAX_KEY {
        return Err(CredentialError::invalid("api_key", format!("The API key is longer than {MAX_KEY} characters")));
    }
    Ok(SecretString::from(key))
}

fn last4(key: &str) -> Option<String> {
    let n = key.chars().count();
    (n >= MIN_KEY_FOR_LAST4).then(|| key.chars().skip(n - 4).collect())
}

#[cfg(test)]
mod tests;
