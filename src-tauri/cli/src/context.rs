//! Which environment a command talks to, and the client for it. Settings come from the
//! app's settings file and keys from the app's keychain entries, so the CLI and the app
//! share both.

use std::time::Duration;

use flowdesk_dots::{ClientConfig, DotsClient, DotsError, ErrorKind};
use flowdesk_settings::{Credentials, Environment, Settings, SettingsFile};

use crate::error::CliError;
use crate::Global;

/// Where `flowdesk sandbox` listens by default, and so where `local` looks.
pub const LOCAL_PORT: u16 = 4010;

/// The Local sandbox's fixed credentials (a fake key for a loopback emulator), the same
/// defaults as the `flowdesk-sandbox` binary; `FLOWDESK_SANDBOX_API_KEY` overrides the key
/// on both sides.
pub fn local_credentials() -> (String, String) {
    let key = std::env::var("FLOWDESK_SANDBOX_API_KEY")
        .ok()
        .filter(|k| !k.is_empty());
    (
        "sandbox_client".into(),
        key.unwrap_or_else(|| "sandbox_key".into()),
    )
}

pub fn load_settings() -> Result<(SettingsFile, Settings), CliError> {
    let file = SettingsFile::open_default()?;
    let loaded = file.load()?;
    if let Some(notice) = loaded.notice {
        eprintln!("flowdesk: note: {notice}");
    }
    Ok((file, loaded.settings))
}

/// The environment a command runs against: `--env`, else the active one.
pub fn environment<'a>(g: &Global, settings: &'a Settings) -> Result<&'a Environment, CliError> {
    match &g.env {
        Some(id) => Ok(settings.environment(id)?),
        None => Ok(settings.active()),
    }
}

pub struct Target {
    pub client: DotsClient,
    pub env_id: String,
    pub env_name: String,
    pub local: bool,
    pub production: bool,
    pub settings: Settings,
    /// The settings file's folder, where the app keeps history, intents and the audit log.
    pub data_dir: std::path::PathBuf,
}

impl Target {
    /// A network failure against `local` almost always means no sandbox is running.
    pub fn error(&self, e: DotsError) -> CliError {
        if self.local && e.kind() == ErrorKind::Network {
            return CliError::other(format!(
                "No local sandbox answers at {}: start one with `flowdesk sandbox` (or pass --base-url). {e}",
                self.client.base_url()
            ));
        }
        e.into()
    }
}

pub fn target(g: &Global) -> Result<Target, CliError> {
    let (file, settings) = load_settings()?;
    let data_dir = file.path().parent().map(std::path::Path::to_path_buf).unwrap_or_default();
    let env = environment(g, &settings)?.clone();
    let timeout = Duration::from_secs(g.timeout.max(1));
    let config = if env.is_local() {
        let url = g
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://127.0.0.1:{LOCAL_PORT}/api"));
        let parsed = url::Url::parse(&url)
            .map_err(|e| CliError::invalid(format!("--base-url \"{url}\": {e}")))?;
        let loopback = match parsed.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => d == "localhost",
            None => false,
        };
        if !loopback {
            return Err(CliError::invalid(format!(
                "--base-url {url} is not on this machine: the local environment only talks to a sandbox on 127.0.0.1"
            )));
        }
        let (client_id, api_key) = local_credentials();
        let mut c = ClientConfig::new(&url, client_id, api_key)?;
        c.timeout = timeout;
        c
    } else {
        if g.base_url.is_some() {
            return Err(CliError::new(
                2,
                format!(
                    "--base-url only applies to the local environment; \"{}\" uses its saved URL",
                    env.id()
                ),
            ));
        }
        Credentials::keychain().client_config(&settings, env.id(), timeout)?
    };
    Ok(Target {
        client: DotsClient::new(config)?,
        env_id: env.id().to_string(),
        env_name: env.name().to_string(),
        local: env.is_local(),
        production: env.is_production(),
        settings,
        data_dir,
    })
}
