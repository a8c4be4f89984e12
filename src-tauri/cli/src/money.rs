//! `flowdesk user`, `flowdesk fund`, `flowdesk payout-link`, `flowdesk money`: the core's
//! money methods, so the same rules as the app. Outside Production scripts pass `--yes`; in
//! Production `--confirm-production ENV --confirm-amount AMOUNT` (or the terminal prompts).

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use flowdesk_dots::money::{Delivery, DeliveryMethod, Payee, UserFilter};
use flowdesk_dots::ListParams;
use flowdesk_core::Core;
use flowdesk_money::{format_cents, MoneyRequest, Outcome, OutcomeState, Summary};

use crate::context::core;
use crate::error::{CliError, NOT_CONFIRMED, OTHER};
use crate::Global;

#[derive(Subcommand)]
pub enum UserAction {
    /// Show a user: wallet, status, compliance.
    Get {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// List users, newest first.
    List {
        /// verified | unverified | in_review | disabled
        #[arg(long)]
        status: Option<String>,
        /// Users per page (1-100, Dots' bounds).
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100))]
        limit: u32,
        #[arg(long, value_name = "ID")]
        starting_after: Option<String>,
        #[arg(long, value_name = "ID")]
        ending_before: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct FundArgs {
    /// The Dots user id whose wallet is funded from the app's wallet.
    user: String,
    /// Dollars, e.g. 12.34 (at most 2 decimals).
    #[arg(long)]
    amount: String,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Method {
    Link,
    Sms,
    Email,
    All,
}

#[derive(Args)]
pub struct PayoutLinkCreateArgs {
    /// Dollars, e.g. 25 or 25.00.
    #[arg(long)]
    amount: String,
    /// Pay an existing Dots user.
    #[arg(long, value_name = "ID")]
    user: Option<String>,
    #[arg(long)]
    first_name: Option<String>,
    #[arg(long)]
    last_name: Option<String>,
    #[arg(long)]
    email: Option<String>,
    /// Phone country code, e.g. 1.
    #[arg(long)]
    country_code: Option<String>,
    /// Phone number, digits only.
    #[arg(long)]
    phone: Option<String>,
    #[arg(long, value_enum, default_value = "link")]
    delivery: Method,
    /// The SMS text.
    #[arg(long)]
    message: Option<String>,
    /// Shown to the payee.
    #[arg(long)]
    memo: Option<String>,
    /// Internal, not shown to the payee.
    #[arg(long)]
    description: Option<String>,
}

#[derive(Subcommand)]
pub enum PayoutLinkAction {
    /// Create a payout link and print it.
    Create(Box<PayoutLinkCreateArgs>),
    /// Show a payout link and its status.
    Get { id: String },
    /// Cancel a payout link.
    Cancel { id: String },
    /// Deliver a payout link again.
    Redeliver { id: String },
}

#[derive(Subcommand)]
pub enum MoneyAction {
    /// Money actions on record, newest first (unsettled ones can be retried).
    Intents,
    /// Send an unsettled action again with its own idempotency key (it cannot pay twice).
    Retry { intent_id: String },
    /// Print the audit log as CSV.
    Audit,
}

pub async fn user(g: &Global, action: UserAction) -> Result<ExitCode, CliError> {
    let core = core(g).await?;
    let env = g.env.as_deref();
    match action {
        UserAction::Get { id, json } => {
            let u = core.user_get(env, &id).await?.user;
            if json {
                say!("{}", serde_json::to_string_pretty(&u).unwrap_or_default());
                return Ok(ExitCode::SUCCESS);
            }
            let w = u.wallet.clone().unwrap_or_default();
            let c = u.compliance.clone().unwrap_or_default();
            say!("id:          {}", u.id);
            say!("name:        {}", u.display_name());
            say!("email:       {}", u.email.as_deref().unwrap_or("-"));
            say!("status:      {}", u.status.as_deref().unwrap_or("-"));
            say!("wallet:      {} ({} withdrawable)", format_cents(w.amount), format_cents(w.withdrawable_amount));
            say!("payout via:  {}", u.default_payout_method.as_deref().unwrap_or("-"));
            say!("tax id:      {}", c.tax_id_verification.as_deref().unwrap_or("-"));
            say!("id verified: {}", c.id_verified.map_or("-", |b| if b { "yes" } else { "no" }));
            say!("background:  {}", c.background_check.and_then(|b| b.status).as_deref().unwrap_or("-"));
            if c.has_criminal_activity == Some(true) {
                say!("WARNING:     the background check reports criminal activity");
            }
        }
        UserAction::List { status, limit, starting_after, ending_before, json } => {
            let filter = UserFilter { page: ListParams { limit: Some(limit), starting_after, ending_before }, status };
            let page = core.users_list(env, filter).await?;
            if json {
                say!("{}", serde_json::to_string_pretty(&page).unwrap_or_default());
                return Ok(ExitCode::SUCCESS);
            }
            for u in &page.data {
                let w = u.wallet.clone().unwrap_or_default();
                say!("{}  {:<12} {:>14}  {}", u.id, u.status.as_deref().unwrap_or("-"), format_cents(w.amount), u.display_name());
            }
            if page.has_more {
                say!("(more: --starting-after {})", page.data.last().map(|u| u.id.as_str()).unwrap_or(""));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The same two steps as the app: the core says what will happen, the person confirms
/// (and in Production types the amount again; the core checks it and asks the confirmer).
async fn send(g: &Global, request: MoneyRequest) -> Result<Outcome, CliError> {
    let core = core(g).await?;
    let env = g.env.as_deref();
    let summary = core.money_summary(env, &request).await?;
    eprintln!("{}", summary.sentence);
    let typed = typed_amount(g, &summary)?;
    Ok(core.money_send(env, &request, typed.as_deref(), None).await?)
}

/// Outside Production: `--yes` or "yes" at the prompt. In Production: the amount, from
/// `--confirm-amount` or typed at the prompt (the core checks it).
fn typed_amount(g: &Global, summary: &Summary) -> Result<Option<String>, CliError> {
    if summary.requires_typed_amount {
        if let Some(amount) = &g.confirm_amount {
            return Ok(Some(amount.clone()));
        }
    } else if g.yes {
        return Ok(None);
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::new(
            NOT_CONFIRMED,
            "not confirmed, nothing was sent: pass --yes (in Production: --confirm-production ENV --confirm-amount AMOUNT)",
        ));
    }
    let prompt = if summary.requires_typed_amount {
        format!("Type the amount ({}) to confirm: ", summary.amount_text)
    } else {
        "Type yes to confirm: ".into()
    };
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| CliError::other(e.to_string()))?;
    if summary.requires_typed_amount {
        return Ok(Some(line.trim().to_string()));
    }
    if line.trim().eq_ignore_ascii_case("yes") {
        Ok(None)
    } else {
        Err(CliError::new(NOT_CONFIRMED, "not confirmed; nothing was sent"))
    }
}

fn report(o: &Outcome) -> ExitCode {
    match o.state {
        OutcomeState::Done | OutcomeState::Recovered => {
            if o.state == OutcomeState::Recovered {
                eprintln!("{}", o.message);
            }
            if let Some(t) = &o.transfer {
                say!("transfer {} {} ({})", t.id, format_cents(t.amount.saturating_abs()), t.status.as_deref().unwrap_or("-"));
            }
            if let Some(l) = &o.payout_link {
                say!("{}", l.link);
                eprintln!("payout link {} {} ({})", l.id, format_cents(l.amount), l.status.as_str());
            }
            ExitCode::SUCCESS
        }
        OutcomeState::Unknown => {
            eprintln!("flowdesk: {} Run `flowdesk money retry {}`.", o.message, o.intent.id);
            ExitCode::from(OTHER)
        }
    }
}

pub async fn fund(g: &Global, a: FundArgs) -> Result<ExitCode, CliError> {
    let request = MoneyRequest::Fund { user_id: a.user, amount: a.amount };
    Ok(report(&send(g, request).await?))
}

pub async fn payout_link(g: &Global, action: PayoutLinkAction) -> Result<ExitCode, CliError> {
    match action {
        PayoutLinkAction::Create(a) => {
            let a = *a;
            let payee = Payee {
                first_name: a.first_name,
                last_name: a.last_name,
                email: a.email,
                country_code: a.country_code,
                phone_number: a.phone,
            };
            let method = match a.delivery {
                Method::Link => DeliveryMethod::Link,
                Method::Sms => DeliveryMethod::Sms,
                Method::Email => DeliveryMethod::Email,
                Method::All => DeliveryMethod::All,
            };
            let request = MoneyRequest::PayoutLink {
                amount: a.amount,
                user_id: a.user,
                payee: Some(payee),
                delivery: Delivery { method, message: a.message },
                memo: a.memo,
                description: a.description,
            };
            Ok(report(&send(g, request).await?))
        }
        PayoutLinkAction::Get { id } => {
            let l = core(g).await?.payout_link_get(g.env.as_deref(), &id).await?;
            say!("id:      {}", l.id);
            say!("link:    {}", l.link);
            say!("amount:  {}", format_cents(l.amount));
            say!("status:  {}", l.status.as_str());
            Ok(ExitCode::SUCCESS)
        }
        PayoutLinkAction::Cancel { id } => link_change(g, &id, "payout_link.cancel").await,
        PayoutLinkAction::Redeliver { id } => link_change(g, &id, "payout_link.redeliver").await,
    }
}

async fn link_change(g: &Global, id: &str, action: &str) -> Result<ExitCode, CliError> {
    let core: Core = core(g).await?;
    let env = g.env.as_deref();
    let (link, changed) = if action == "payout_link.cancel" {
        (core.payout_link_cancel(env, id).await?, true)
    } else {
        let r = core.payout_link_redeliver(env, id).await?;
        (r.payout_link, r.redelivered)
    };
    say!("{} {} ({}){}", link.id, format_cents(link.amount), link.status.as_str(), if changed { "" } else { " — not redelivered" });
    Ok(ExitCode::SUCCESS)
}

pub async fn money(g: &Global, action: MoneyAction) -> Result<ExitCode, CliError> {
    let core = core(g).await?;
    match action {
        MoneyAction::Intents => {
            for i in core.money_intents().await? {
                say!(
                    "{}  {:<9} {:<18} {:>14}  {}  {}",
                    i.id,
                    format!("{:?}", i.state).to_lowercase(),
                    i.action.audit_name(),
                    format_cents(i.action.amount_cents()),
                    i.environment,
                    i.recipient
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        MoneyAction::Retry { intent_id } => Ok(report(&core.money_retry(&intent_id).await?)),
        MoneyAction::Audit => {
            let read = core.audit_read(None).await?;
            if read.skipped_lines > 0 {
                eprintln!("flowdesk: note: {} unreadable line(s) skipped (a write cut short)", read.skipped_lines);
            }
            let csv = core.audit_export_csv().await?;
            let _ = std::io::stdout().write_all(csv.as_bytes());
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::Cli;

    fn parses(args: &[&str]) -> Result<(), clap::error::ErrorKind> {
        let argv = std::iter::once("flowdesk").chain(args.iter().copied());
        Cli::try_parse_from(argv).map(|_| ()).map_err(|e| e.kind())
    }

    #[test]
    fn list_limits_are_dots_bounds() {
        for list in [&["user", "list"][..], &["list"][..]] {
            for ok in ["1", "20", "100"] {
                assert_eq!(parses(&[list, &["--limit", ok]].concat()), Ok(()), "{list:?} {ok}");
            }
            for bad in ["0", "101", "5000", "-1"] {
                assert!(parses(&[list, &["--limit", bad]].concat()).is_err(), "{list:?} {bad}");
            }
        }
        assert_eq!(parses(&["user", "list", "--limit", "0"]), Err(clap::error::ErrorKind::ValueValidation));
    }
}
