//! `flowdesk user`, `flowdesk fund`, `flowdesk payout-link`, `flowdesk money`: the app's
//! money rules (flowdesk-money) with the same confirmation. Scripts pass `--yes`; in
//! Production `--yes` alone is refused and `--confirm-amount` must repeat the amount.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use flowdesk_dots::money::{Delivery, DeliveryMethod, Payee, UserFilter};
use flowdesk_dots::ListParams;
use flowdesk_money::{
    carry_out, confirm, format_cents, Intent, Ledger, MoneyError, MoneyRequest, Outcome, OutcomeState, RetryPolicy,
    Summary,
};

use crate::context::{target, Target};
use crate::error::{CliError, INVALID, NOT_FOUND, OTHER};
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
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long, value_name = "ID")]
        starting_after: Option<String>,
        #[arg(long, value_name = "ID")]
        ending_before: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Clone)]
pub struct Confirmation {
    /// Do not ask (for scripts). Refused in Production unless --confirm-amount repeats the amount.
    #[arg(long)]
    yes: bool,
    /// The amount again, required with --yes in Production.
    #[arg(long, value_name = "DOLLARS")]
    confirm_amount: Option<String>,
}

#[derive(Args)]
pub struct FundArgs {
    /// The Dots user id whose wallet is funded from the app's wallet.
    user: String,
    /// Dollars, e.g. 12.34 (at most 2 decimals).
    #[arg(long)]
    amount: String,
    #[command(flatten)]
    confirm: Confirmation,
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
    #[command(flatten)]
    confirm: Confirmation,
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

fn money_error(e: MoneyError) -> CliError {
    match e {
        MoneyError::Dots(d) => d.into(),
        MoneyError::NotFound(_) => CliError::new(NOT_FOUND, e.to_string()),
        MoneyError::Io { .. } => CliError::new(OTHER, e.to_string()),
        other => CliError::new(INVALID, other.to_string()),
    }
}

/// The app's own money records (shared with the app: the same folder and files).
fn ledger(t: &Target) -> Result<Ledger, CliError> {
    Ledger::open(&t.data_dir).map_err(money_error)
}

pub async fn user(g: &Global, action: UserAction) -> Result<ExitCode, CliError> {
    let t = target(g)?;
    match action {
        UserAction::Get { id, json } => {
            let u = t.client.get_user(&id).await.map_err(|e| t.error(e))?;
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
            let page = t.client.list_users(&filter).await.map_err(|e| t.error(e))?;
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

/// The same two steps as the app: say what will happen, then have it confirmed.
fn confirmed(summary: &Summary, c: &Confirmation) -> Result<(), CliError> {
    eprintln!("{}", summary.sentence);
    if c.yes {
        if summary.requires_typed_amount {
            summary
                .check_typed_amount(c.confirm_amount.as_deref())
                .map_err(|_| CliError::new(2, format!("{} is Production: --yes needs --confirm-amount {}", summary.environment, summary.amount_text)))?;
        }
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::new(2, "not confirmed: pass --yes (and --confirm-amount in Production) when not at a terminal"));
    }
    let prompt = if summary.requires_typed_amount { format!("Type the amount ({}) to confirm: ", summary.amount_text) } else { "Type yes to confirm: ".into() };
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| CliError::other(e.to_string()))?;
    let ok = if summary.requires_typed_amount { summary.check_typed_amount(Some(line.trim())).is_ok() } else { line.trim().eq_ignore_ascii_case("yes") };
    if ok {
        Ok(())
    } else {
        Err(CliError::new(INVALID, "not confirmed; nothing was sent"))
    }
}

async fn send(g: &Global, request: MoneyRequest, c: &Confirmation) -> Result<Outcome, CliError> {
    let t = target(g)?;
    let l = ledger(&t)?;
    let action = request.check().map_err(money_error)?;
    let (limits, spent) = l.check_limits(&t.env_id, &action).map_err(money_error)?;
    if let Some(open) = l.open_intent_for(&t.env_id, &action) {
        return Err(CliError::invalid(format!(
            "an earlier payment to this recipient (intent {}) has an unsettled outcome: run `flowdesk money retry {}` first",
            open.id, open.id
        )));
    }
    let recipient = match &action {
        flowdesk_money::Action::Fund { user_id, .. } => match t.client.get_user(user_id).await {
            Ok(u) => format!("{} ({user_id})", u.display_name()),
            Err(e) => return Err(t.error(e)),
        },
        flowdesk_money::Action::PayoutLink { user_id: Some(u), .. } => u.clone(),
        flowdesk_money::Action::PayoutLink { payee, .. } => {
            payee.as_ref().and_then(|p| p.email.clone().or_else(|| p.phone_number.clone())).unwrap_or_else(|| "the link's holder".into())
        }
    };
    let summary = Summary::new(action, recipient, &t.env_name, t.production, limits, spent);
    confirmed(&summary, c)?;
    let intent = Intent::new(&t.env_id, summary.action.clone(), summary.recipient.clone());
    confirm(&l.intents, &l.audit, &intent).map_err(money_error)?;
    carry_out(&t.client, &l.intents, &l.audit, &intent.id, RetryPolicy::default()).await.map_err(money_error)
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
    Ok(report(&send(g, request, &a.confirm).await?))
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
            Ok(report(&send(g, request, &a.confirm).await?))
        }
        PayoutLinkAction::Get { id } => {
            let t = target(g)?;
            let l = t.client.get_payout_link(&id).await.map_err(|e| t.error(e))?;
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
    let t = target(g)?;
    let l = ledger(&t)?;
    let result = if action == "payout_link.cancel" {
        t.client.cancel_payout_link(id).await.map(|l| (l, true))
    } else {
        t.client.redeliver_payout_link(id).await.map(|r| (r.payout_link, r.redelivered))
    };
    let mut entry = flowdesk_money::AuditEntry::new(&t.env_id, action, if result.is_ok() { "done" } else { "failed" });
    entry.dots_ids = vec![id.to_string()];
    if let Err(e) = &result {
        entry.message = Some(e.to_string());
    }
    l.record(entry);
    let (link, changed) = result.map_err(|e| t.error(e))?;
    say!("{} {} ({}){}", link.id, format_cents(link.amount), link.status.as_str(), if changed { "" } else { " — not redelivered" });
    Ok(ExitCode::SUCCESS)
}

pub async fn money(g: &Global, action: MoneyAction) -> Result<ExitCode, CliError> {
    let t = target(g)?;
    let l = ledger(&t)?;
    match action {
        MoneyAction::Intents => {
            for i in l.intents() {
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
        MoneyAction::Retry { intent_id } => {
            let env = l.intent(&intent_id).map(|i| i.environment);
            let env = env.ok_or_else(|| CliError::new(NOT_FOUND, format!("no money action with id {intent_id} is on record")))?;
            if env != t.env_id {
                return Err(CliError::invalid(format!("that action belongs to environment \"{env}\": pass --env {env}")));
            }
            let outcome = carry_out(&t.client, &l.intents, &l.audit, &intent_id, RetryPolicy::default()).await.map_err(money_error)?;
            Ok(report(&outcome))
        }
        MoneyAction::Audit => {
            let read = l.audit.read().map_err(money_error)?;
            if read.skipped_lines > 0 {
                eprintln!("flowdesk: note: {} unreadable line(s) skipped (a write cut short)", read.skipped_lines);
            }
            let csv = flowdesk_money::audit::to_csv(&read.entries).map_err(money_error)?;
            let _ = std::io::stdout().write_all(csv.as_bytes());
            Ok(ExitCode::SUCCESS)
        }
    }
}
