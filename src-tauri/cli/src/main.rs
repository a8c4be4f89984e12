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
mod money;
mod steps;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::error::CliError;

const AFTER_HELP: &str = "\
Environments: the active one comes from the app's settings (`flowdesk env use ID`); --env
overrides it for one command. With `local` (the Local sandbox) the CLI talks to a running
`flowdesk sandbox` at http://127.0.0.1:4010/api, or to --base-url; no key is needed.

Exit codes:
  0  ok (for `watch`: the flow is done; for `bulk`: every valid row has its link)
  1  error (network, server, keychain, files)
  2  usage (bad arguments)
  3  invalid input (a flow rule, a bad CSV or template, Dots refused the request with 4xx)
  4  authentication (no key saved, or Dots refused the credentials: 401/403)
  5  not found (no such flow or environment)
  6  bulk finished with rows failed or still unknown (see the results file; run again to retry unknown)
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
    /// Dots base URL of the Local sandbox (only with the `local` environment).
    #[arg(long, global = true, value_name = "URL", env = "FLOWDESK_LOCAL_URL")]
    pub base_url: Option<String>,
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
    /// List environments or choose the active one.
    Env {
        #[command(subcommand)]
        action: config::EnvAction,
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
    /// Run the local Dots sandbox (the `local` environment) until Ctrl-C.
    Sandbox(SandboxArgs),
}

#[derive(Args)]
struct SandboxArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = context::LOCAL_PORT)]
    port: u16,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = if cli.global.verbose { "info" } else { "off" };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| filter.into()),
        )
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(CliError::other(format!("cannot start: {e}"))),
    };
    match runtime.block_on(dispatch(cli)) {
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
        Command::Creds { action } => config::creds(&g, action),
        Command::Env { action } => config::env(action),
        Command::Create(a) => flows::create(&g, a).await,
        Command::Get(a) => flows::get(&g, a).await,
        Command::Watch(a) => flows::watch(&g, a).await,
        Command::List(a) => flows::list(&g, a).await,
        Command::Bulk(a) => bulk::bulk(&g, a).await,
        Command::User { action } => money::user(&g, action).await,
        Command::Fund(a) => money::fund(&g, a).await,
        Command::PayoutLink { action } => money::payout_link(&g, action).await,
        Command::Money { action } => money::money(&g, action).await,
        Command::Sandbox(a) => sandbox(a.port).await,
    }
}

async fn sandbox(port: u16) -> Result<ExitCode, CliError> {
    let (client_id, api_key) = context::local_credentials();
    let config = flowdesk_sandbox::SandboxConfig {
        client_id,
        api_key,
        port,
    };
    let sb = flowdesk_sandbox::start(config)
        .await
        .map_err(|e| CliError::other(format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
    say!("Dots sandbox base URL: {}", sb.base_url());
    say!("Hosted flow pages:     {}/flow/{{id}}", sb.origin());
    say!(
        "Use it with: flowdesk --env local --base-url {} …  (Ctrl-C stops it)",
        sb.base_url()
    );
    let _ = tokio::signal::ctrl_c().await;
    sb.shutdown().await;
    Ok(ExitCode::SUCCESS)
}
