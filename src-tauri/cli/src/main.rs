//! `flowdesk`: Flow Desk on the command line. It shares the app's settings file and keychain
//! entries (through `flowdesk-settings`) and its Dots client, bulk engine and sandbox.

/// `println!` that ignores a closed stdout (`flowdesk list | head -1`) instead of panicking.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

mod bulk;
mod config;
mod context;
mod error;
mod flows;
mod history;
mod money;
mod steps;
mod webhooks;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use flowdesk_core::LocalMode;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::prelude::*;

use crate::error::CliError;

const AFTER_HELP: &str = "\
Environments: the active one comes from the app's settings (`flowdesk env use ID`); --env
overrides it for one command. With `local` (the Local sandbox) the CLI talks to the local
sandbox the app or `flowdesk sandbox` hosts (found through the data folder); no key is needed.

Production: every action that sends (create, bulk, fund, payout links, raising a limit,
editing or removing the environment) asks you to type the environment's id at a terminal;
scripts pass --confirm-production ENV (and --confirm-amount for money) instead.

Exit codes:
  0  ok (for `watch`: the flow is done; for `bulk`: every valid row has its link)
  1  error (network, server, keychain, files)
  2  usage (bad arguments)
  3  invalid input (a flow rule, a bad CSV or template, Dots refused the request with 4xx)
  4  authentication (no key saved, or Dots refused the credentials: 401/403)
  5  not found (no such flow or environment)
  6  bulk finished with rows failed or still unknown (see the results file; run again to retry unknown)
  7  not confirmed: nothing was sent
  130 interrupted (Ctrl-C); `bulk` resumes from its journal when run again

Errors are one line on stderr: `flowdesk: <message>`.";

#[derive(Parser)]
#[command(name = "flowdesk", version, about = "Create and follow Dots onboarding flows", after_help = AFTER_HELP)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
pub struct Global {
    /// Environment id to use instead of the active one (see `flowdesk env list`).
    #[arg(long, global = true, value_name = "ID")]
    pub env: Option<String>,
    /// Confirms an action in this Production environment without a prompt (scripts).
    #[arg(long, global = true, value_name = "ENV")]
    pub confirm_production: Option<String>,
    /// With --confirm-production, for money: the amount again, e.g. 12.34.
    #[arg(long, global = true, value_name = "DOLLARS")]
    pub confirm_amount: Option<String>,
    /// Answer yes to questions outside Production (e.g. `sandbox reset`, a payment on a sandbox).
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
    /// Seconds to wait for each Dots reply.
    #[arg(long, global = true, default_value_t = 20, value_name = "SECS")]
    pub timeout: u64,
    /// Log details to stderr (RUST_LOG filters too).
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Save, show or delete the API key of an environment (the key goes to the OS keychain).
    Creds {
        #[command(subcommand)]
        action: config::CredsAction,
    },
    /// List, add, edit or remove environments, or choose the active one.
    Env {
        #[command(subcommand)]
        action: config::EnvAction,
    },
    /// The extra CA certificate for corporate networks that inspect TLS.
    Ca {
        #[command(subcommand)]
        action: config::CaAction,
    },
    /// Create a flow and print its link.
    Create(flows::CreateArgs),
    /// Show a flow.
    Get(flows::GetArgs),
    /// Follow a flow's progress until every step is done.
    Watch(flows::WatchArgs),
    /// List flows, newest first.
    List(flows::ListArgs),
    /// Create one flow per CSV row (no duplicates, resumable), write the links to a CSV.
    Bulk(bulk::BulkArgs),
    /// Every batch on this computer (the app's and the CLI's), unfinished ones first.
    Batches,
    /// The flows created on this computer, by the app or the CLI.
    History {
        #[command(subcommand)]
        action: history::HistoryAction,
    },
    /// Look users up: wallet, status, compliance.
    User {
        #[command(subcommand)]
        action: money::UserAction,
    },
    /// Fund a user's wallet from the app's Dots wallet.
    Fund(money::FundArgs),
    /// Pay out by link: create, show, cancel, redeliver.
    PayoutLink {
        #[command(subcommand)]
        action: money::PayoutLinkAction,
    },
    /// Money actions on record, retries, and the audit log.
    Money {
        #[command(subcommand)]
        action: money::MoneyAction,
    },
    /// The local sandbox's webhooks: endpoints, deliveries, resend, trigger, listen.
    Webhooks {
        #[command(subcommand)]
        action: webhooks::WebhooksAction,
    },
    /// Host the local Dots sandbox (the `local` environment) until Ctrl-C, or reset it.
    Sandbox {
        #[command(subcommand)]
        action: Option<SandboxAction>,
    },
}

#[derive(Subcommand)]
enum SandboxAction {
    /// Host it until Ctrl-C (the default).
    Serve,
    /// Forget every flow, user, wallet, transfer and payout link (asks first).
    Reset,
}

fn main() -> ExitCode {
    let t = std::time::Instant::now();
    let cli = Cli::parse();
    // RUST_LOG as tracing-subscriber's `Targets` reads it ("debug", "warn,flowdesk_core=debug");
    // unset, empty or unreadable: info with --verbose, nothing without.
    let default = if cli.global.verbose { LevelFilter::INFO } else { LevelFilter::OFF };
    let filter = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .and_then(|v| v.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(default));
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .with(filter)
        .init();
    flowdesk_core::timings::phase("args_and_logging", t);
    let t = std::time::Instant::now();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(CliError::other(format!("cannot start: {e}"))),
    };
    flowdesk_core::timings::phase("runtime", t);
    let t = std::time::Instant::now();
    let result = runtime.block_on(dispatch(cli));
    flowdesk_core::timings::phase("verb", t);
    match result {
        Ok(code) => code,
        Err(e) => fail(e),
    }
}

fn fail(e: CliError) -> ExitCode {
    eprintln!("flowdesk: {}", e.message.replace('\n', " "));
    ExitCode::from(e.code)
}

async fn dispatch(cli: Cli) -> Result<ExitCode, CliError> {
    let g = cli.global;
    match cli.command {
        Command::Creds { action } => config::creds(&g, action).await,
        Command::Env { action } => config::env(&g, action).await,
        Command::Ca { action } => config::ca(&g, action).await,
        Command::Create(a) => flows::create(&g, a).await,
        Command::Get(a) => flows::get(&g, a).await,
        Command::Watch(a) => flows::watch(&g, a).await,
        Command::List(a) => flows::list(&g, a).await,
        Command::Bulk(a) => bulk::bulk(&g, a).await,
        Command::Batches => bulk::batches(&g).await,
        Command::History { action } => history::history(&g, action).await,
        Command::User { action } => money::user(&g, action).await,
        Command::Fund(a) => money::fund(&g, a).await,
        Command::PayoutLink { action } => money::payout_link(&g, action).await,
        Command::Money { action } => money::money(&g, action).await,
        Command::Webhooks { action } => webhooks::webhooks(&g, action).await,
        Command::Sandbox { action: None | Some(SandboxAction::Serve) } => sandbox(&g).await,
        Command::Sandbox { action: Some(SandboxAction::Reset) } => {
            context::core(&g).await?.reset_local_sandbox().await?;
            say!("The local sandbox is empty.");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Hosts the local sandbox of the user's data folder, at its remembered address, until
/// Ctrl-C. If the app (or another `flowdesk sandbox`) hosts it already, says where.
async fn sandbox(g: &Global) -> Result<ExitCode, CliError> {
    let core = context::core_with(g, LocalMode::Host).await?;
    let (origin, base_url) = core
        .local_endpoint()
        .ok_or_else(|| CliError::other("the local sandbox could not start (see the message above)"))?;
    if !core.hosts_local_sandbox() {
        say!("The local sandbox is already running at {base_url} (hosted by Flow Desk or another `flowdesk sandbox`).");
        return Ok(ExitCode::SUCCESS);
    }
    say!("Dots sandbox base URL: {base_url}");
    say!("Hosted flow pages:     {origin}/flow/{{id}}");
    say!("Its state is kept in {}; use it with --env local (Ctrl-C stops it)", core.data_dir().display());
    let _ = tokio::signal::ctrl_c().await;
    Ok(ExitCode::SUCCESS)
}
