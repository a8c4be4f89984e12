//! `creds` and `env`: the same keychain entries and settings file as the app, through the
//! same core methods (and so the same validation and Production confirmations).

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use clap::Subcommand;
use flowdesk_settings::{EnvironmentChange, NewEnvironment};
use secrecy::SecretString;

use crate::context::core;
use crate::error::CliError;
use crate::Global;

#[derive(Subcommand)]
pub enum CredsAction {
    /// Save the client ID and API key of the environment (--env, else the active one).
    /// The key is read from a prompt that does not echo, or from stdin when piped; never
    /// from an argument, so it stays out of shell history and process lists.
    Set {
        /// The client ID (not secret). Asked for when missing.
        #[arg(long, value_name = "ID")]
        client_id: Option<String>,
    },
    /// Show whether a key is saved (its last four characters at most).
    Status,
    /// Delete the environment's key from the keychain and its client ID.
    Delete,
}

#[derive(Subcommand)]
pub enum CaAction {
    /// Trust an extra CA certificate (a PEM file, at most 1 MiB) for every environment.
    Set { path: std::path::PathBuf },
    /// Trust only the system's certificates again.
    Clear,
    /// Show the CA certificate file in use, if any.
    Show,
}

/// `flowdesk ca`: the same check as the app's (the core's) before it is kept.
pub async fn ca(g: &Global, action: CaAction) -> Result<ExitCode, CliError> {
    let core = core(g).await?;
    match action {
        CaAction::Set { path } => {
            core.set_extra_ca(Some(path.display().to_string())).await?;
            say!("Extra CA certificate: {}", path.display());
        }
        CaAction::Clear => {
            core.set_extra_ca(None).await?;
            say!("No extra CA certificate");
        }
        CaAction::Show => say!("{}", core.preferences().extra_ca_path.unwrap_or_else(|| "(none)".into())),
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum EnvAction {
    /// List environments; `*` marks the active one.
    List,
    /// Make an environment the active one (for the app too).
    Use {
        /// The environment id, as in `flowdesk env list`.
        id: String,
    },
    /// Add a custom environment; prints its id.
    Add {
        /// A name, e.g. "Staging".
        #[arg(long)]
        name: String,
        /// Its Dots base URL (HTTPS unless on this machine).
        #[arg(long, value_name = "URL")]
        base_url: String,
        /// Api-App-Id for Organization keys.
        #[arg(long)]
        app_id: Option<String>,
        /// Mark it as production (real money: every action is confirmed).
        #[arg(long)]
        production: bool,
    },
    /// Edit an environment (only what is given changes).
    Edit {
        id: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// "" removes it.
        #[arg(long)]
        app_id: Option<String>,
        /// Mark (true) or unmark (false) as production.
        #[arg(long, value_name = "true|false")]
        production: Option<bool>,
    },
    /// Remove a custom environment and its key.
    Remove { id: String },
}

fn read_line(lines: &mut impl Iterator<Item = std::io::Result<String>>, prompt: &str, interactive: bool) -> Result<String, CliError> {
    if interactive {
        eprint!("{prompt}");
        let _ = std::io::stderr().flush();
    }
    match lines.next() {
        Some(Ok(l)) => Ok(l.trim().to_string()),
        Some(Err(e)) => Err(CliError::other(format!("could not read stdin: {e}"))),
        None => Err(CliError::invalid("stdin ended before the value was given")),
    }
}

pub async fn creds(g: &Global, action: CredsAction) -> Result<ExitCode, CliError> {
    let core = core(g).await?;
    let env = core.environment(g.env.as_deref())?;
    match action {
        CredsAction::Set { client_id } => {
            if env.is_local() {
                return Err(CliError::invalid("The local environment needs no key: its credentials are in the data folder"));
            }
            let stdin = std::io::stdin();
            let interactive = stdin.is_terminal();
            let mut lines = stdin.lock().lines();
            let client_id = match client_id {
                Some(c) => c,
                None => read_line(&mut lines, &format!("Client ID for {}: ", env.name()), interactive)?,
            };
            let key = if interactive {
                rpassword::prompt_password(format!("API key for {} (not shown): ", env.name()))
                    .map_err(|e| CliError::other(format!("could not read the key: {e}")))?
            } else {
                read_line(&mut lines, "", false)?
            };
            drop(lines);
            let status = core.save_credentials(env.id().to_string(), client_id, SecretString::from(key)).await?;
            say!(
                "Saved for {}: client ID {}, key …{}",
                env.name(),
                status.client_id.unwrap_or_default(),
                status.key_last4.unwrap_or_else(|| "(short)".into())
            );
        }
        CredsAction::Status => {
            let view = core.environments();
            let entry = view.environments.iter().find(|e| e.environment.id == env.id());
            let status = entry.and_then(|e| e.credential.clone()).unwrap_or_default();
            if env.is_local() {
                say!("{}: no key needed (local sandbox)", env.name());
            } else if status.configured {
                say!(
                    "{}: configured, client ID {}, key …{}",
                    env.name(),
                    status.client_id.unwrap_or_default(),
                    status.key_last4.unwrap_or_else(|| "(short)".into())
                );
            } else {
                say!("{}: not configured (run `flowdesk creds set`)", env.name());
                return Ok(ExitCode::from(crate::error::AUTH));
            }
        }
        CredsAction::Delete => {
            core.delete_credentials(env.id().to_string()).await?;
            say!("Deleted the key of {}", env.name());
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn env(g: &Global, action: EnvAction) -> Result<ExitCode, CliError> {
    let core = core(g).await?;
    match action {
        EnvAction::List => {
            let settings = core.settings();
            for env in settings.environments() {
                let active = if env.id() == settings.active_environment() { "*" } else { " " };
                let url = env.base_url().map(|u| u.to_string()).unwrap_or_else(|| "(local sandbox)".into());
                let prod = if env.is_production() { "  [production]" } else { "" };
                say!("{active} {:<12} {:<20} {url}{prod}", env.id(), env.name());
            }
        }
        EnvAction::Use { id } => {
            core.set_active_environment(id).await?;
            let env = core.environment(None)?;
            let warn = if env.is_production() { " (production: real money)" } else { "" };
            say!("Active environment: {} ({}){warn}", env.name(), env.id());
        }
        EnvAction::Add { name, base_url, app_id, production } => {
            let id = core.add_environment(NewEnvironment { name, base_url, app_id, production }).await?;
            say!("{id}");
        }
        EnvAction::Edit { id, name, base_url, app_id, production } => {
            let update = core.update_environment(id.clone(), EnvironmentChange { name, base_url, app_id, production }).await?;
            if update.key_unbound {
                eprintln!("The host changed, so its key was removed: run `flowdesk --env {id} creds set`.");
            }
            say!("Updated {id}");
        }
        EnvAction::Remove { id } => {
            core.remove_environment(id.clone()).await?;
            say!("Removed {id}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
