//! The non-secret settings and every rule they follow. Each mutation works on a copy and
//! only lands if the whole result validates, so a `Settings` value is always valid.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::environment::{
    check_id, clean_app_id, clean_client_id, clean_name, parse_base_url, slug, Environment, EnvironmentChange,
    EnvironmentUpdate, NewEnvironment, BUILT_IN, LOCAL,
};
use crate::error::SettingsError;

pub const DEFAULT_POLL_SECS: u64 = 5;
pub const POLL_RANGE: std::ops::RangeInclusive<u64> = 1..=3600;
const MAX_ENVIRONMENTS: usize = 100;
const MAX_SUBJECT: usize = 300;
const MAX_BODY: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct EmailTemplate {
    pub subject: String,
    pub body: String,
}

impl Default for EmailTemplate {
    fn default() -> Self {
        EmailTemplate {
            subject: "Finish setting up your payouts".into(),
            body: "Hi,\n\nPlease follow this link to finish setting up your payouts:\n\n{link}\n\nThank you!".into(),
        }
    }
}

/// The settings file's content: a JSON object, key → value at the top level, the shape
/// tauri-plugin-store reads and writes, so the app may hand the same file to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Settings {
    pub(crate) environments: Vec<Environment>,
    pub(crate) active_environment: String,
    pub(crate) poll_interval_secs: u64,
    pub(crate) email_template: EmailTemplate,
    #[ts(type = "string | null")]
    pub(crate) extra_ca_path: Option<PathBuf>,
    /// Keys this crate does not know (a newer version's, or the store plugin's): kept.
    #[serde(flatten)]
    #[ts(skip)]
    pub(crate) extra: Map<String, Value>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            environments: Environment::builtins(),
            active_environment: LOCAL.into(),
            poll_interval_secs: DEFAULT_POLL_SECS,
            email_template: EmailTemplate::default(),
            extra_ca_path: None,
            extra: Map::new(),
        }
    }
}

impl Settings {
    pub fn environments(&self) -> &[Environment] {
        &self.environments
    }
    pub fn environment(&self, id: &str) -> Result<&Environment, SettingsError> {
        self.environments.iter().find(|e| e.id == id).ok_or_else(|| SettingsError::UnknownEnvironment(id.into()))
    }
    pub fn active_environment(&self) -> &str {
        &self.active_environment
    }
    /// The active environment (it always exists: validation sees to it).
    pub fn active(&self) -> &Environment {
        self.environment(&self.active_environment).unwrap_or(&self.environments[0])
    }
    pub fn poll_interval_secs(&self) -> u64 {
        self.poll_interval_secs
    }
    pub fn email_template(&self) -> &EmailTemplate {
        &self.email_template
    }
    pub fn extra_ca_path(&self) -> Option<&Path> {
        self.extra_ca_path.as_deref()
    }

    /// Adds a user environment; its id is made from the name and returned.
    pub fn add_environment(&mut self, new: NewEnvironment) -> Result<String, SettingsError> {
        let env = Environment {
            id: String::new(),
            name: clean_name(&new.name)?,
            base_url: Some(parse_base_url(&new.base_url)?),
            app_id: new.app_id.as_deref().map(clean_app_id).transpose()?.flatten(),
            client_id: None,
            key_hint: None,
            production: new.production,
            extra: Map::new(),
        };
        self.mutate(|s| {
            let base = slug(&env.name);
            let mut id = base.clone();
            let mut n = 2;
            while BUILT_IN.contains(&id.as_str()) || s.environments.iter().any(|e| e.id == id) {
                id = format!("{base}-{n}");
                n += 1;
            }
            s.environments.push(Environment { id: id.clone(), ..env });
            Ok(id)
        })
    }

    /// Edits name, base URL, app ID or production mark. A new base URL *host* unbinds the
    /// saved credentials (client ID cleared here; use [`crate::Credentials::update_environment`]
    /// to also delete the keychain entry).
    pub fn update_environment(
        &mut self,
        id: &str,
        change: EnvironmentChange,
    ) -> Result<EnvironmentUpdate, SettingsError> {
        let name = change.name.as_deref().map(clean_name).transpose()?;
        let base_url = change.base_url.as_deref().map(parse_base_url).transpose()?;
        let app_id = change.app_id.as_deref().map(clean_app_id).transpose()?;
        self.mutate(|s| {
            let env = s.environment_mut(id)?;
            let mut update = EnvironmentUpdate::default();
            if let Some(name) = name {
                env.name = name;
            }
            if let Some(url) = base_url {
                if env.is_local() {
                    return Err(SettingsError::invalid(
                        "base_url",
                        "The Local sandbox runs inside Flow Desk and has no base URL",
                    ));
                }
                let old_account = env.account();
                let old_legacy_account = env.legacy_account();
                env.base_url = Some(url);
                if env.account() != old_account {
                    update.host_changed = true;
                    update.key_unbound = env.client_id.is_some();
                    update.old_account = old_account;
                    update.old_legacy_account = old_legacy_account;
                    env.client_id = None;
                    env.key_hint = None;
                }
            }
            if let Some(app_id) = app_id {
                env.app_id = app_id;
            }
            if let Some(production) = change.production {
                env.production = production;
            }
            Ok(update)
        })
    }

    /// Removes a user environment (built-ins stay). If it was active, the Local sandbox
    /// becomes active. Its keychain entry is the caller's to delete (see
    /// [`crate::Credentials::remove_environment`]).
    pub fn remove_environment(&mut self, id: &str) -> Result<Environment, SettingsError> {
        self.mutate(|s| {
            let i = s
                .environments
                .iter()
                .position(|e| e.id == id)
                .ok_or_else(|| SettingsError::UnknownEnvironment(id.into()))?;
            if s.environments[i].is_builtin() {
                return Err(SettingsError::BuiltIn(s.environments[i].name.clone()));
            }
            if s.active_environment == id {
                s.active_environment = LOCAL.into();
            }
            Ok(s.environments.remove(i))
        })
    }

    pub fn set_active(&mut self, id: &str) -> Result<(), SettingsError> {
        self.mutate(|s| {
            s.environment(id)?;
            s.active_environment = id.into();
            Ok(())
        })
    }

    /// Sets (trimmed) or clears the client ID. The Local sandbox takes none.
    pub fn set_client_id(&mut self, id: &str, client_id: Option<&str>) -> Result<(), SettingsError> {
        let client_id = client_id.map(clean_client_id).transpose()?;
        self.mutate(|s| {
            let env = s.environment_mut(id)?;
            if env.is_local() && client_id.is_some() {
                return Err(SettingsError::invalid("client_id", "The Local sandbox needs no client ID or key"));
            }
            if client_id.is_none() {
                env.key_hint = None;
            }
            env.client_id = client_id;
            Ok(())
        })
    }

    fn environment_mut(&mut self, id: &str) -> Result<&mut Environment, SettingsError> {
        self.environments.iter_mut().find(|e| e.id == id).ok_or_else(|| SettingsError::UnknownEnvironment(id.into()))
    }

    /// Remembers the saved key's last four characters (see [`crate::Credentials::save`]).
    pub(crate) fn set_key_hint(&mut self, id: &str, hint: Option<String>) -> Result<(), SettingsError> {
        self.mutate(|s| {
            let env = s.environment_mut(id)?;
            env.key_hint = hint;
            Ok(())
        })
    }

    pub fn set_poll_interval(&mut self, secs: u64) -> Result<(), SettingsError> {
        self.mutate(|s| {
            s.poll_interval_secs = secs;
            Ok(())
        })
    }

    pub fn set_email_template(&mut self, template: EmailTemplate) -> Result<(), SettingsError> {
        self.mutate(|s| {
            s.email_template = template;
            Ok(())
        })
    }

    /// An extra PEM CA bundle to trust (a company proxy); it must exist when set.
    pub fn set_extra_ca_path(&mut self, path: Option<PathBuf>) -> Result<(), SettingsError> {
        if let Some(p) = &path {
            if p.is_absolute() && !p.is_file() {
                return Err(SettingsError::invalid("extra_ca_path", format!("No file at {}", p.display())));
            }
        }
        self.mutate(|s| {
            s.extra_ca_path = path;
            Ok(())
        })
    }

    /// Every rule at once; run after each mutation and on every loaded file.
    pub fn validate(&self) -> Result<(), SettingsError> {
        if self.environments.len() > MAX_ENVIRONMENTS {
            return Err(SettingsError::invalid("environments", format!("At most {MAX_ENVIRONMENTS} environments")));
        }
        for (i, env) in self.environments.iter().enumerate() {
            env.validate()?;
            for other in &self.environments[..i] {
                if other.id == env.id {
                    return Err(SettingsError::invalid("id", format!("Two environments have the id \"{}\"", env.id)));
                }
                if other.name.to_lowercase() == env.name.to_lowercase() {
                    return Err(SettingsError::invalid(
                        "name",
                        format!("There is already an environment called \"{}\"", env.name),
                    ));
                }
            }
        }
        for id in BUILT_IN {
            self.environment(id).map_err(|_| {
                SettingsError::invalid("environments", format!("The built-in \"{id}\" environment is missing"))
            })?;
        }
        check_id(&self.active_environment)
            .map_err(|_| SettingsError::UnknownEnvironment(self.active_environment.clone()))?;
        self.environment(&self.active_environment)?;
        if !POLL_RANGE.contains(&self.poll_interval_secs) {
            return Err(SettingsError::invalid(
                "poll_interval_secs",
                format!("The poll interval is {} to {} seconds", POLL_RANGE.start(), POLL_RANGE.end()),
            ));
        }
        let t = &self.email_template;
        if t.subject.chars().count() > MAX_SUBJECT || t.subject.chars().any(char::is_control) {
            return Err(SettingsError::invalid(
                "email_template",
                format!("The email subject is one line of at most {MAX_SUBJECT} characters"),
            ));
        }
        if t.body.chars().count() > MAX_BODY
            || t.body.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(SettingsError::invalid(
                "email_template",
                format!("The email body has at most {MAX_BODY} characters and no control characters"),
            ));
        }
        if let Some(p) = &self.extra_ca_path {
            if !p.is_absolute() {
                return Err(SettingsError::invalid("extra_ca_path", "The CA file path must be absolute"));
            }
        }
        Ok(())
    }

    /// Puts back any built-in environment missing from a loaded file (a user cannot remove
    /// one; an older or hand-edited file may lack it).
    pub(crate) fn ensure_builtins(&mut self) {
        for (i, builtin) in Environment::builtins().into_iter().enumerate() {
            if !self.environments.iter().any(|e| e.id == builtin.id) {
                let at = i.min(self.environments.len());
                self.environments.insert(at, builtin);
            }
        }
    }

    fn mutate<T>(&mut self, f: impl FnOnce(&mut Settings) -> Result<T, SettingsError>) -> Result<T, SettingsError> {
        let mut next = self.clone();
        let out = f(&mut next)?;
        next.validate()?;
        *self = next;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environment::{PRODUCTION, SANDBOX};
    use crate::ErrorKind;

    fn staging() -> NewEnvironment {
        NewEnvironment {
            name: "Staging".into(),
            base_url: "https://api.senddotssandbox.com/api".into(),
            ..Default::default()
        }
    }

    #[test]
    fn fresh_install_defaults() {
        let s = Settings::default();
        assert_eq!(s.environments().iter().map(|e| e.id()).collect::<Vec<_>>(), ["local", "sandbox", "production"]);
        assert_eq!(s.active().name(), "Local sandbox");
        assert_eq!(s.poll_interval_secs(), 5);
        assert_eq!(s.environment(SANDBOX).unwrap().base_url().unwrap().as_str(), "https://pls.senddotssandbox.com/api");
        assert_eq!(s.environment(PRODUCTION).unwrap().base_url().unwrap().as_str(), "https://api.dots.dev/api");
        s.validate().unwrap();
    }

    #[test]
    fn add_edit_remove_user_environment() {
        let mut s = Settings::default();
        let id = s.add_environment(staging()).unwrap();
        assert_eq!(id, "staging");
        assert!(!s.environment(&id).unwrap().is_production());
        // Names are unique (case-insensitively); ids never collide with built-ins.
        assert!(s.add_environment(NewEnvironment { name: "staging ".into(), ..staging() }).is_err());
        let id2 = s.add_environment(NewEnvironment { name: "Sandbox!".into(), ..staging() }).unwrap();
        assert_eq!(id2, "sandbox-2");
        s.update_environment(
            &id,
            EnvironmentChange { name: Some("Staging EU".into()), production: Some(true), ..Default::default() },
        )
        .unwrap();
        let env = s.environment(&id).unwrap();
        assert_eq!((env.name(), env.id(), env.is_production()), ("Staging EU", "staging", true));
        s.set_active(&id).unwrap();
        s.remove_environment(&id).unwrap();
        assert_eq!(s.active_environment(), "local", "removing the active one falls back to local");
        assert_eq!(s.environment(&id).unwrap_err().kind(), ErrorKind::NotFound);
    }

    #[test]
    fn built_ins_cannot_be_removed() {
        let mut s = Settings::default();
        for id in BUILT_IN {
            let e = s.remove_environment(id).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::BuiltIn);
        }
        assert_eq!(
            s.remove_environment("production").unwrap_err().to_string(),
            "\"Production\" is built in and cannot be removed"
        );
        assert_eq!(s, Settings::default());
        // …but they can be renamed, re-pointed and marked.
        s.update_environment(SANDBOX, EnvironmentChange { name: Some("Old sandbox".into()), ..Default::default() })
            .unwrap();
        s.update_environment(LOCAL, EnvironmentChange { production: Some(true), ..Default::default() }).unwrap();
        assert!(s.environment(LOCAL).unwrap().is_production());
    }

    #[test]
    fn active_must_exist() {
        let mut s = Settings::default();
        assert_eq!(s.set_active("nope").unwrap_err().kind(), ErrorKind::NotFound);
        assert_eq!(s.active_environment(), "local");
        s.set_active(SANDBOX).unwrap();
        assert_eq!(s.active().id(), SANDBOX);
        let mut broken = s.clone();
        broken.active_environment = "gone".into();
        assert!(broken.validate().is_err());
    }

    #[test]
    fn failed_mutation_changes_nothing() {
        let mut s = Settings::default();
        let before = s.clone();
        assert!(s.add_environment(NewEnvironment { base_url: "http://example.com/api".into(), ..staging() }).is_err());
        assert!(s.set_poll_interval(0).is_err());
        assert!(s.set_poll_interval(3601).is_err());
        assert!(s.set_email_template(EmailTemplate { subject: "a\nb".into(), body: String::new() }).is_err());
        assert!(s
            .update_environment(
                LOCAL,
                EnvironmentChange { base_url: Some("http://127.0.0.1:1/".into()), ..Default::default() }
            )
            .is_err());
        assert!(s.set_client_id(LOCAL, Some("abc")).is_err());
        assert!(s.set_extra_ca_path(Some("relative.pem".into())).is_err());
        assert!(s.set_extra_ca_path(Some("/nonexistent/ca.pem".into())).is_err());
        assert_eq!(s, before);
        s.set_poll_interval(30).unwrap();
        assert_eq!(s.poll_interval_secs(), 30);
    }

    #[test]
    fn host_change_clears_client_id_but_path_change_does_not() {
        let mut s = Settings::default();
        s.set_client_id(SANDBOX, Some("  client_1 ")).unwrap();
        assert_eq!(s.environment(SANDBOX).unwrap().client_id(), Some("client_1"));
        let u = s
            .update_environment(
                SANDBOX,
                EnvironmentChange {
                    base_url: Some("https://pls.senddotssandbox.com/api/v2x".into()),
                    ..Default::default()
                },
            )
            .unwrap();
        assert!(!u.host_changed && !u.key_unbound);
        assert_eq!(s.environment(SANDBOX).unwrap().client_id(), Some("client_1"));
        let u = s
            .update_environment(
                SANDBOX,
                EnvironmentChange {
                    base_url: Some("https://api.senddotssandbox.com/api".into()),
                    ..Default::default()
                },
            )
            .unwrap();
        assert!(u.host_changed && u.key_unbound);
        assert_eq!(u.old_account.as_deref(), Some("sandbox@https://pls.senddotssandbox.com"));
        assert_eq!(s.environment(SANDBOX).unwrap().client_id(), None);
    }

    #[test]
    fn missing_builtins_are_put_back() {
        let mut s: Settings = serde_json::from_str(
            r#"{"environments": [{"id": "mine", "name": "Mine", "base_url": "https://h.example/api"}]}"#,
        )
        .unwrap();
        s.ensure_builtins();
        s.validate().unwrap();
        assert_eq!(
            s.environments().iter().map(|e| e.id()).collect::<Vec<_>>(),
            ["local", "sandbox", "production", "mine"]
        );
    }
}
