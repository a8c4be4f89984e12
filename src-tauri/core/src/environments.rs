//! Environments and their credentials: switch, add, edit, remove, save a key (write-only),
//! delete it, test the connection, the extra CA, the desk's preferences. In Production,
//! removing the mark, removing the environment or changing its URL is confirmed first.

use flowdesk_settings::{CredentialStatus, EmailTemplate, EnvironmentChange, EnvironmentView, NewEnvironment, Settings};
use secrecy::SecretString;
use serde::Serialize;
use ts_rs::TS;

use crate::confirm::Ask;
use crate::connection::{self, ConnectionReport};
use crate::error::{CoreError, CoreResult};
use crate::Core;

/// One environment and what is known of its credentials (never the key).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct EnvironmentEntry {
    pub environment: EnvironmentView,
    pub credential: Option<CredentialStatus>,
    /// Why the credential status could not be read.
    pub credential_error: Option<CoreError>,
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

fn preferences_of(s: &Settings) -> Preferences {
    Preferences {
        poll_interval_secs: s.poll_interval_secs(),
        email_template: s.email_template().clone(),
        extra_ca_path: s.extra_ca_path().map(|p| p.display().to_string()),
    }
}


impl Core {
    /// Every environment with its credential status. The key hint comes from the settings
    /// (stored when the key was saved): listing reads no secret.
    pub fn environments(&self) -> EnvironmentsView {
        let settings = self.settings();
        let environments = settings
            .environments()
            .iter()
            .map(|env| {
                let (credential, credential_error) = match self.credentials().stored_status(&settings, env.id()) {
                    Ok(status) => (Some(status), None),
                    Err(e) => (None, Some(CoreError::from(e))),
                };
                EnvironmentEntry { environment: env.view(), credential, credential_error }
            })
            .collect();
        EnvironmentsView {
            active: settings.active_environment().to_string(),
            environments,
            keychain: self.keychain_status(),
            notice: self.notice.clone(),
        }
    }

    pub async fn set_active_environment(&self, id: String) -> CoreResult<EnvironmentsView> {
        self.blocking(move |c| c.change(|s, _| Ok(s.set_active(&id)?))).await?;
        Ok(self.environments())
    }

    /// Adds a custom environment; returns its id.
    pub async fn add_environment(&self, environment: NewEnvironment) -> CoreResult<String> {
        self.blocking(move |c| c.change(|s, _| Ok(s.add_environment(environment)?))).await
    }

    /// Edits an environment. A new host unbinds the key (it was only ever meant for the old
    /// host). In Production, a new URL or removing the mark is confirmed first.
    pub async fn update_environment(&self, id: String, change: EnvironmentChange) -> CoreResult<EnvironmentUpdateView> {
        let env = self.environment(Some(&id))?;
        let new_url = change.base_url.as_deref().is_some_and(|u| Some(u.trim()) != env.base_url().map(|b| b.as_str()));
        let unmark = change.production == Some(false) && env.production_mark();
        if new_url || unmark {
            let what = if new_url { "change the URL of" } else { "remove the production mark from" };
            self.clear(&env, |e| {
                Ask::about(
                    e,
                    "environment.update",
                    format!("{} {}?", capitalise(what), e.name()),
                    format!("{} is Production: this changes where its money and flows go.", e.name()),
                    None,
                )
            })
            .await?;
        }
        let update = self.blocking(move |c| c.change(|s, creds| Ok(creds.update_environment(s, &id, change)?))).await?;
        Ok(EnvironmentUpdateView { view: self.environments(), key_unbound: update.key_unbound })
    }

    /// Removes a custom environment (and its key). Production is confirmed first.
    pub async fn remove_environment(&self, id: String) -> CoreResult<EnvironmentsView> {
        let env = self.environment(Some(&id))?;
        self.clear(&env, |e| {
            Ask::about(
                e,
                "environment.remove",
                format!("Remove {}?", e.name()),
                format!("{} is Production; its key is deleted from the keychain too.", e.name()),
                None,
            )
        })
        .await?;
        self.blocking(move |c| c.change(|s, creds| Ok(creds.remove_environment(s, &id).map(|_| ())?))).await?;
        Ok(self.environments())
    }

    /// The key travels one way: into the keychain. Nothing returned carries it.
    pub async fn save_credentials(
        &self,
        environment_id: String,
        client_id: String,
        api_key: SecretString,
    ) -> CoreResult<CredentialStatus> {
        let result = self
            .blocking(move |c| c.change(|s, creds| Ok(creds.save(s, &environment_id, &client_id, api_key)?)))
            .await;
        self.note_keychain(&result);
        result
    }

    pub async fn delete_credentials(&self, environment_id: String) -> CoreResult<EnvironmentsView> {
        let result = self.blocking(move |c| c.change(|s, creds| Ok(creds.delete(s, &environment_id)?))).await;
        self.note_keychain(&result);
        result?;
        Ok(self.environments())
    }

    pub async fn test_connection(&self, environment_id: &str) -> CoreResult<ConnectionReport> {
        let client = self.client(environment_id).await?;
        Ok(connection::test(&client).await)
    }

    /// An extra CA certificate (PEM file) to trust, for corporate networks that inspect
    /// TLS; `None` removes it. Only a regular file of at most 1 MiB that parses as PEM
    /// certificates is accepted, checked now rather than at the first request.
    pub async fn set_extra_ca(&self, path: Option<String>) -> CoreResult<EnvironmentsView> {
        let path = path.map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).map(std::path::PathBuf::from);
        self.blocking(move |c| {
            if let Some(path) = &path {
                let pem = read_ca(path)?;
                let mut probe = flowdesk_dots::ClientConfig::new("https://api.dots.dev/api", "probe", "probe")?;
                probe.extra_ca_pem = Some(pem);
                flowdesk_dots::DotsClient::new(probe)?;
            }
            c.change(|s, _| Ok(s.set_extra_ca_path(path)?))
        })
        .await?;
        Ok(self.environments())
    }

    pub fn preferences(&self) -> Preferences {
        preferences_of(&self.settings())
    }

    /// The subject and body "Email to user" and the bulk mail merge start from.
    pub async fn set_email_template(&self, template: EmailTemplate) -> CoreResult<Preferences> {
        self.blocking(move |c| c.change(|s, _| Ok(s.set_email_template(template)?))).await?;
        Ok(self.preferences())
    }

    pub async fn set_poll_interval(&self, seconds: u64) -> CoreResult<Preferences> {
        self.blocking(move |c| c.change(|s, _| Ok(s.set_poll_interval(seconds)?))).await?;
        self.watcher.set_interval(std::time::Duration::from_secs(seconds));
        Ok(self.preferences())
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// The most a CA bundle may weigh: a corporate bundle is a few dozen KiB.
const MAX_CA_BYTES: u64 = 1024 * 1024;

/// Reads a CA file the way a person's choice deserves: only a regular file (not a device,
/// a pipe or a folder), only up to [`MAX_CA_BYTES`], only PEM certificates.
fn read_ca(path: &std::path::Path) -> CoreResult<Vec<u8>> {
    use std::io::Read;
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| CoreError::invalid(format!("{shown} cannot be read: {e}")))?;
    if !meta.is_file() {
        return Err(CoreError::invalid(format!("{shown} is not a file: choose a PEM certificate file.")));
    }
    if meta.len() > MAX_CA_BYTES {
        return Err(CoreError::invalid(format!("{shown} is larger than 1 MiB: that is not a CA certificate file.")));
    }
    let mut pem = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CA_BYTES + 1).read_to_end(&mut pem))
        .map_err(|e| CoreError::invalid(format!("{shown} cannot be read: {e}")))?;
    if pem.len() as u64 > MAX_CA_BYTES {
        return Err(CoreError::invalid(format!("{shown} is larger than 1 MiB: that is not a CA certificate file.")));
    }
    if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
        return Err(CoreError::new(
            crate::AppErrorKind::Dots(flowdesk_dots::ErrorKind::Config),
            format!("{shown} holds no PEM certificate (-----BEGIN CERTIFICATE-----)."),
        ));
    }
    Ok(pem)
}
