//! `creds` and `env`: the same keychain entries and settings file as the app.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use clap::Subcommand;
use flowdesk_settings::Credentials;
use secrecy::SecretString;

use crate::context::{environment, load_settings};
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
pub enum EnvAction {
    /// List environments; `*` marks the active one.
    List,
    /// Make an environment the active one (for the app too).
    Use {
        /// The environment id, as in `flowdesk env list`.
        id: String,
    },
}

pub fn creds(g: &Global, action: CredsAction) -> Result<ExitCode, CliError> {
    let (file, mut settings) = load_settings()?;
    let env = environment(g, &settings)?.clone();
    let credentials = Credentials::keychain();
    match action {
        CredsAction::Set { client_id } => {
            if env.is_local() {
                return Err(CliError::invalid(
                    "The local environment needs no key: it talks to `flowdesk sandbox` with fixed test credentials",
                ));
            }
            let stdin = std::io::stdin();
            let interactive = stdin.is_terminal();
            let mut lines = stdin.lock().lines();
            let mut next_line = |prompt: &str| -> Result<String, CliError> {
                if interactive {
                    eprint!("{prompt}");
                    let _ = std::io::stderr().flush();
                }
                match lines.next() {
                    Some(Ok(l)) => Ok(l.trim().to_string()),
                    Some(Err(e)) => Err(CliError::other(format!("could not read stdin: {e}"))),
                    None => Err(CliError::invalid("stdin ended before the value was given")),
                }
            };
            let client_id = match client_id {
                Some(c) => c,
                None => next_line(&format!("Client ID for {}: ", env.name()))?,
            };
            let key = if interactive {
                rpassword::prompt_password(format!("API key for {} (not shown): ", env.name()))
                    .map_err(|e| CliError::other(format!("could not read the key: {e}")))?
            } else {
                next_line("")?
            };
            let status =
                credentials.save(&mut settings, env.id(), &client_id, SecretString::from(key))?;
            file.save(&settings)?;
            say!(
                "Saved for {}: client ID {}, key …{}",
                env.name(),
                status.client_id.unwrap_or_default(),
                status.key_last4.unwrap_or_else(|| "(short)".into())
            );
        }
        CredsAction::Status => {
            let status = credentials.status(&settings, env.id())?;
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
            credentials.delete(&mut settings, env.id())?;
            file.save(&settings)?;
            say!("Deleted the key of {}", env.name());
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn env(action: EnvAction) -> Result<ExitCode, CliError> {
    let (file, mut settings) = load_settings()?;
    match action {
        EnvAction::List => {
            for env in settings.environments() {
                let active = if env.id() == settings.active_environment() {
                    "*"
                } else {
                    " "
                };
                let url = env
                    .base_url()
                    .map(|u| u.to_string())
                    .unwrap_or_else(|| "(local sandbox)".into());
                let prod = if env.is_production() {
                    "  [production]"
                } else {
                    ""
                };
                say!("{active} {:<12} {:<20} {url}{prod}", env.id(), env.name());
            }
        }
        EnvAction::Use { id } => {
            settings.set_active(&id)?;
            file.save(&settings)?;
            let env = settings.active();
            let warn = if env.is_production() {
                " (production: real money)"
            } else {
                ""
            };
            say!("Active environment: {} ({}){warn}", env.name(), env.id());
        }
    }
    Ok(ExitCode::SUCCESS)
}
