//! Environments: where requests go. Three are built in; users add their own. The rules a
//! base URL must follow live here, so the app, a CLI and the file loader share them.


use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;
use url::{Host, Url};

use crate::error::SettingsError;

pub const LOCAL: &str = "local";
pub const SANDBOX: &str = "sandbox";
pub const PRODUCTION: &str = "production";
pub const BUILT_IN: [&str; 3] = [LOCAL, SANDBOX, PRODUCTION];

/// Dots' production API host: a base URL on it is production whatever it is called.
pub const PRODUCTION_HOST: &str = "api.dots.dev";

const MAX_NAME: usize = 80;
const MAX_ID: usize = 64;
const MAX_URL: usize = 2048;
const MAX_APP_ID: usize = 200;

/// One environment as stored in the settings file. Fields are read through methods and
/// changed only through [`crate::Settings`], which validates every change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Environment {
    pub(crate) id: String,
    pub(crate) name: String,
    /// None only for the Local sandbox, whose address is known only once it has started.
    #[ts(type = "string | null")]
    pub(crate) base_url: Option<Url>,
    /// Sent as `Api-App-Id` with Organization keys.
    pub(crate) app_id: Option<String>,
    /// Not secret (it is the Basic auth user name); the key itself is in the keychain.
    pub(crate) client_id: Option<String>,
    /// The key's last four characters, stored when the key is saved so that listing
    /// environments never reads a secret. Absent for short keys and keys saved before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) key_hint: Option<String>,
    /// The user's own "this is production" mark.
    pub(crate) production: bool,
    /// Fields a newer Flow Desk wrote: kept so saving here does not drop them.
    #[serde(flatten)]
    #[ts(skip)]
    pub(crate) extra: Map<String, Value>,
}

impl Default for Environment {
    fn default() -> Self {
        Environment {
            id: String::new(),
            name: String::new(),
            base_url: None,
            app_id: None,
            client_id: None,
            key_hint: None,
            production: false,
            extra: Map::new(),
        }
    }
}

impl Environment {
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn base_url(&self) -> Option<&Url> {
        self.base_url.as_ref()
    }
    pub fn app_id(&self) -> Option<&str> {
        self.app_id.as_deref()
    }
    pub fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }
    /// The user's mark only; see [`Environment::is_production`] for the real answer.
    pub fn production_mark(&self) -> bool {
        self.production
    }
    pub fn is_builtin(&self) -> bool {
        BUILT_IN.contains(&self.id.as_str())
    }
    pub fn is_local(&self) -> bool {
        self.id == LOCAL
    }
    /// Host the key is bound to (None for the Local sandbox).
    pub fn host(&self) -> Option<String> {
        self.base_url.as_ref().and_then(host_of)
    }

    /// Production by Dots' production host or by the user's mark. Never by name: a
    /// "Test" environment pointing at api.dots.dev is production all the same.
    pub fn is_production(&self) -> bool {
        self.production || self.host().is_some_and(|h| h.trim_end_matches('.') == PRODUCTION_HOST)
    }

    /// Keychain account: `"{id}@{scheme}://{host}[:{port}]"`, so a key only ever serves the
    /// origin it was entered for: a new port or scheme is a new binding. None for the Local
    /// sandbox, which has no key.
    pub fn account(&self) -> Option<String> {
        let url = self.base_url.as_ref()?;
        url.host()?;
        Some(format!("{}@{}", self.id, url.origin().ascii_serialization().to_ascii_lowercase()))
    }

    /// Where Flow Desk before 0.2 kept the key (`"{id}@{host}"`, bound to the host only): read
    /// once and moved to [`Environment::account`].
    pub fn legacy_account(&self) -> Option<String> {
        self.host().map(|h| format!("{}@{}", self.id, h))
    }

    /// What the UI shows: the stored fields plus the derived ones.
    pub fn view(&self) -> EnvironmentView {
        EnvironmentView {
            id: self.id.clone(),
            name: self.name.clone(),
            base_url: self.base_url.as_ref().map(Url::to_string),
            host: self.host(),
            app_id: self.app_id.clone(),
            client_id: self.client_id.clone(),
            production_mark: self.production,
            is_production: self.is_production(),
            builtin: self.is_builtin(),
            local: self.is_local(),
        }
    }

    pub(crate) fn builtins() -> Vec<Environment> {
        let url = |s: &str| Some(Url::parse(s).expect("built-in URL"));
        vec![
            Environment { id: LOCAL.into(), name: "Local sandbox".into(), ..Default::default() },
            Environment {
                id: SANDBOX.into(),
                name: "Sandbox".into(),
                base_url: url("https://pls.senddotssandbox.com/api"),
                ..Default::default()
            },
            // Production by its host already; no mark, so the user's mark stays their own.
            Environment {
                id: PRODUCTION.into(),
                name: "Production".into(),
                base_url: url("https://api.dots.dev/api"),
                ..Default::default()
            },
        ]
    }

    /// Every rule one environment must meet on its own (uniqueness is checked by Settings).
    pub(crate) fn validate(&self) -> Result<(), SettingsError> {
        check_id(&self.id)?;
        if clean_name(&self.name)? != self.name {
            return Err(SettingsError::invalid("name", "An environment name cannot start or end with spaces"));
        }
        match (&self.base_url, self.is_local()) {
            (Some(_), true) => {
                return Err(SettingsError::invalid(
                    "base_url",
                    "The Local sandbox runs inside Flow Desk and has no base URL",
                ))
            }
            (None, false) => {
                return Err(SettingsError::invalid(
                    "base_url",
                    format!("Environment \"{}\" has no base URL", self.name),
                ))
            }
            (Some(url), false) => {
                check_url(url)?;
            }
            (None, true) => {}
        }
        if let Some(app_id) = &self.app_id {
            if clean_app_id(app_id)?.as_deref() != Some(app_id.as_str()) {
                return Err(SettingsError::invalid("app_id", "The app ID cannot be blank or padded with spaces"));
            }
        }
        if let Some(client_id) = &self.client_id {
            if clean_client_id(client_id)? != *client_id {
                return Err(SettingsError::invalid("client_id", "The client ID cannot be padded with spaces"));
            }
        }
        Ok(())
    }
}

/// What the UI shows about an environment. Never carries a key.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct EnvironmentView {
    pub id: String,
    pub name: String,
    pub base_url: Option<String>,
    pub host: Option<String>,
    pub app_id: Option<String>,
    pub client_id: Option<String>,
    pub production_mark: bool,
    pub is_production: bool,
    pub builtin: bool,
    pub local: bool,
}

/// A user's new environment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct NewEnvironment {
    pub name: String,
    pub base_url: String,
    pub app_id: Option<String>,
    pub production: bool,
}

/// Edits to an environment; None leaves a field as it is. `app_id: Some("")` clears it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct EnvironmentChange {
    pub name: Option<String>,
    pub base_url: Option<String>,
    pub app_id: Option<String>,
    pub production: Option<bool>,
}

/// What an update did. When `host_changed`, the key saved for the old host no longer
/// applies: the UI should say "re-enter the key for the new host".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct EnvironmentUpdate {
    pub host_changed: bool,
    /// Credentials were bound to the old host and have been unbound (client ID cleared,
    /// keychain entry deleted when done through [`crate::Credentials`]).
    pub key_unbound: bool,
    /// Keychain account of the old binding, to delete. Not sent to the UI.
    #[serde(skip)]
    #[ts(skip)]
    pub old_account: Option<String>,
    /// The old binding's pre-0.2 account (host only), to delete too.
    #[serde(skip)]
    #[ts(skip)]
    pub old_legacy_account: Option<String>,
}

/// Parses and checks a base URL: http(s), a host, HTTPS unless loopback (127.0.0.0/8,
/// ::1, localhost), no user info, query or fragment. The error never repeats the URL:
/// a pasted URL may carry a secret in its user info or query.
pub fn parse_base_url(input: &str) -> Result<Url, SettingsError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(SettingsError::invalid("base_url", "Enter a base URL, e.g. https://api.senddotssandbox.com/api"));
    }
    if input.len() > MAX_URL {
        return Err(SettingsError::invalid("base_url", format!("The base URL is longer than {MAX_URL} characters")));
    }
    let mut url = Url::parse(input).map_err(|e| {
        SettingsError::invalid(
            "base_url",
            format!("The base URL is not a valid URL ({e}); write it like https://host/api"),
        )
    })?;
    // One spelling per URL: `…/api/` and `…/api` name the same base.
    if url.path().len() > 1 && url.path().ends_with('/') {
        let trimmed = url.path().trim_end_matches('/').to_string();
        url.set_path(if trimmed.is_empty() { "/" } else { &trimmed });
    }
    check_url(&url)?;
    Ok(url)
}

pub(crate) fn check_url(url: &Url) -> Result<(), SettingsError> {
    let bad = |m: &str| Err(SettingsError::invalid("base_url", m));
    if !matches!(url.scheme(), "https" | "http") {
        return bad("The base URL must start with https://");
    }
    let Some(host) = url.host() else {
        return bad("The base URL has no host");
    };
    if url.scheme() == "http" && !is_loopback(&host) {
        return bad("The base URL must use https:// (plain http is only allowed for 127.0.0.1, ::1 and localhost)");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return bad(
            "The base URL cannot contain a user name or password: enter the client ID and API key in their own fields",
        );
    }
    if url.query().is_some() {
        return bad("The base URL cannot have a query (?…)");
    }
    if url.fragment().is_some() {
        return bad("The base URL cannot have a fragment (#…)");
    }
    if url.as_str().len() > MAX_URL {
        return bad("The base URL is too long");
    }
    Ok(())
}

fn is_loopback(host: &Host<&str>) -> bool {
    flowdesk_dots::is_loopback_host(host)
}

/// The host as the keychain account writes it (IPv6 in brackets, as in URLs).
fn host_of(url: &Url) -> Option<String> {
    url.host().map(|h| h.to_string().to_ascii_lowercase())
}

pub(crate) fn check_id(id: &str) -> Result<(), SettingsError> {
    let ok = !id.is_empty()
        && id.len() <= MAX_ID
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(SettingsError::invalid(
            "id",
            format!("\"{}\" is not a valid environment id (a-z, 0-9 and -)", id.escape_debug()),
        ))
    }
}

/// An id for a new environment from its name: `"Staging EU"` → `staging-eu`.
pub(crate) fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out: String = out.trim_end_matches('-').chars().take(MAX_ID - 4).collect();
    out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "env".into()
    } else {
        out
    }
}

pub(crate) fn clean_name(name: &str) -> Result<String, SettingsError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(SettingsError::invalid("name", "Enter a name for the environment"));
    }
    if name.chars().count() > MAX_NAME {
        return Err(SettingsError::invalid("name", format!("An environment name has at most {MAX_NAME} characters")));
    }
    if name.chars().any(char::is_control) {
        return Err(SettingsError::invalid("name", "An environment name cannot contain control characters"));
    }
    Ok(name.to_string())
}

/// None for a blank app ID (which means "no app ID").
pub(crate) fn clean_app_id(app_id: &str) -> Result<Option<String>, SettingsError> {
    let app_id = app_id.trim();
    if app_id.is_empty() {
        return Ok(None);
    }
    if app_id.len() > MAX_APP_ID || app_id.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(SettingsError::invalid(
            "app_id",
            format!("An app ID is at most {MAX_APP_ID} characters, with no spaces or control characters"),
        ));
    }
    Ok(Some(app_id.to_string()))
}

/// The client ID is the HTTP Basic user name: no `:` (it ends the user name), no spaces.
pub(crate) fn clean_client_id(client_id: &str) -> Result<String, SettingsError> {
    let client_id = client_id.trim();
    let bad = |m: &str| Err(SettingsError::invalid("client_id", m));
    if client_id.is_empty() {
        return bad("Enter the client ID");
    }
    if client_id.len() > 200 {
        return bad("The client ID is longer than 200 characters");
    }
    if client_id.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return bad("The client ID cannot contain spaces or control characters");
    }
    if client_id.contains(':') {
        return bad("The client ID cannot contain ':'");
    }
    Ok(client_id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(input: &str) -> String {
        parse_base_url(input).unwrap_err().to_string()
    }

    #[test]
    fn https_required_unless_loopback() {
        assert!(parse_base_url("https://api.senddotssandbox.com/api").is_ok());
        for ok in [
            "http://127.0.0.1:8080/api",
            "http://127.5.6.7/api",
            "http://[::1]:9000",
            "http://localhost:3000/api",
            "http://LOCALHOST/api",
        ] {
            assert!(parse_base_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://api.dots.dev/api",
            "http://128.0.0.1/api",
            "http://10.0.0.1/api",
            "http://localhost.evil.com/api",
            "http://[::2]/",
        ] {
            assert!(err(bad).contains("must use https://"), "{bad}");
        }
        assert!(err("ftp://x.com").contains("must start with https://"));
        assert!(err("mailto:a@b.com").contains("must start with https://"));
        assert!(err("api.dots.dev").contains("not a valid URL"));
        assert!(err("   ").contains("Enter a base URL"));
    }

    #[test]
    fn no_userinfo_query_or_fragment_and_never_echoed() {
        let e = err("https://id:sk_secret_value@api.dots.dev/api");
        assert!(e.contains("user name or password") && !e.contains("sk_secret_value"), "{e}");
        let e = err("https://api.dots.dev/api?api_key=sk_secret_value");
        assert!(e.contains("query") && !e.contains("sk_secret_value"), "{e}");
        assert!(err("https://api.dots.dev/api?").contains("query"));
        assert!(err("https://api.dots.dev/api#x").contains("fragment"));
        assert!(err("https://user@api.dots.dev/api").contains("user name"));
    }

    #[test]
    fn trailing_slashes_normalised() {
        assert_eq!(parse_base_url(" https://h.com/api/ ").unwrap().as_str(), "https://h.com/api");
        assert_eq!(parse_base_url("https://h.com").unwrap().as_str(), "https://h.com/");
        assert_eq!(parse_base_url("https://h.com//").unwrap().as_str(), "https://h.com/");
    }

    #[test]
    fn production_by_host_or_mark_never_by_name() {
        let env = |name: &str, url: &str, mark: bool| Environment {
            id: "x".into(),
            name: name.into(),
            base_url: Some(parse_base_url(url).unwrap()),
            production: mark,
            ..Default::default()
        };
        assert!(env("Test", "https://api.dots.dev/api", false).is_production());
        assert!(env("Test", "https://API.DOTS.DEV./v2", false).is_production());
        assert!(!env("Production", "https://pls.senddotssandbox.com/api", false).is_production());
        assert!(!env("prod", "https://api.dots.dev.example.com/api", false).is_production());
        assert!(env("Mine", "https://proxy.example.com/api", true).is_production());
        let builtins = Environment::builtins();
        assert_eq!(builtins.iter().map(|e| e.is_production()).collect::<Vec<_>>(), [false, false, true]);
        assert!(builtins.iter().all(|e| e.validate().is_ok()));
    }

    #[test]
    fn accounts_bind_id_to_host() {
        let b = Environment::builtins();
        assert_eq!(b[0].account(), None);
        assert_eq!(b[1].account().as_deref(), Some("sandbox@https://pls.senddotssandbox.com"));
        assert_eq!(b[2].account().as_deref(), Some("production@https://api.dots.dev"));
        let v6 = Environment {
            id: "dev".into(),
            base_url: Some(parse_base_url("http://[::1]:8080/").unwrap()),
            ..Default::default()
        };
        assert_eq!(v6.account().as_deref(), Some("dev@http://[::1]:8080"));
    }

    #[test]
    fn slugs_and_field_rules() {
        assert_eq!(slug("Staging EU"), "staging-eu");
        assert_eq!(slug("  --Ünïcode!! 2 "), "n-code-2");
        assert_eq!(slug("!!!"), "env");
        assert!(check_id(&slug(&"a".repeat(500))).is_ok());
        assert!(check_id("a@b").is_err() && check_id("").is_err() && check_id("-a").is_err());
        assert!(clean_name(" \n ").is_err() && clean_name("a\u{7}b").is_err());
        assert_eq!(clean_name("  Staging ").unwrap(), "Staging");
        assert!(clean_client_id("a:b").is_err() && clean_client_id("a b").is_err());
        assert_eq!(clean_app_id("  ").unwrap(), None);
    }
}
