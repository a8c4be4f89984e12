//! The CLI's way into the core: the same data folder, keychain entries and local sandbox
//! as the app, and a confirmer that asks at the terminal or takes an explicit flag.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

use flowdesk_core::{Ask, BoxFuture, Confirmer, Core, CoreOptions, LocalMode};
use flowdesk_settings::Credentials;

use crate::error::CliError;
use crate::Global;

/// Production is confirmed at a terminal prompt (type the environment's id, and for money
/// the amount), or for scripts by `--confirm-production ENV` naming that environment (and
/// `--confirm-amount` repeating the amount). Anything else is a "no".
pub struct CliConfirmer {
    environment: Option<String>,
    amount: Option<String>,
    yes: bool,
}

impl CliConfirmer {
    fn answer(&self, ask: &Ask) -> bool {
        let amount_matches = |typed: &str| {
            ask.amount_cents.is_none_or(|cents| flowdesk_money::parse_dollars(typed, flowdesk_money::Sign::Either).is_ok_and(|t| t == cents))
        };
        let flagged = self.environment.as_deref() == Some(ask.environment_id.as_str())
            && self.amount.as_deref().map_or(ask.amount_cents.is_none(), amount_matches);
        // `--yes` stands for a confirmation only outside Production (e.g. a sandbox reset).
        if flagged || (self.yes && ask.host.is_none()) {
            return true;
        }
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            eprintln!(
                "flowdesk: {} Not confirmed: pass --confirm-production {}{} to confirm from a script.",
                ask.title,
                ask.environment_id,
                if ask.amount_cents.is_some() { " --confirm-amount AMOUNT" } else { "" }
            );
            return false;
        }
        eprintln!("{}\n{}", ask.title, ask.detail);
        let expected = if ask.host.is_none() { "yes" } else { ask.environment_id.as_str() };
        eprint!("Type {expected} to confirm: ");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        if stdin.lock().read_line(&mut line).is_err() || line.trim() != expected {
            return false;
        }
        if ask.amount_cents.is_some() {
            eprint!("Type the amount again: ");
            let _ = std::io::stderr().flush();
            let mut amount = String::new();
            return std::io::stdin().lock().read_line(&mut amount).is_ok() && amount_matches(amount.trim());
        }
        true
    }
}

impl Confirmer for CliConfirmer {
    fn confirm<'a>(&'a self, ask: &'a Ask) -> BoxFuture<'a, bool> {
        let yes = self.answer(ask);
        Box::pin(async move { yes })
    }
}

/// The core on the user's data folder; the local sandbox is only used, never hosted.
pub async fn core(g: &Global) -> Result<Core, CliError> {
    core_with(g, LocalMode::Connect).await
}

pub async fn core_with(g: &Global, local: LocalMode) -> Result<Core, CliError> {
    let confirmer = CliConfirmer {
        environment: g.confirm_production.clone(),
        amount: g.confirm_amount.clone(),
        yes: g.yes,
    };
    let mut options =
        CoreOptions::new(CoreOptions::default_data_dir()?, Credentials::keychain(), Arc::new(confirmer));
    options.local = local;
    // Asked when a verb needs a key (or shows the environments), not by every verb.
    options.check_keychain_at_start = false;
    options.request_timeout = Duration::from_secs(g.timeout.max(1));
    let t = std::time::Instant::now();
    let core = Core::start(options).await?;
    flowdesk_core::timings::phase("core_start", t);
    Ok(core)
}

/// `--env`, else the active environment.
pub fn env_id(g: &Global, core: &Core) -> Result<String, CliError> {
    Ok(core.environment(g.env.as_deref())?.id().to_string())
}
