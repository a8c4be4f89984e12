//! `flowdesk-sandbox`: run the Dots emulator on 127.0.0.1.

use clap::Parser;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "flowdesk-sandbox",
    version,
    about = "Local emulator of Dots' flows, users, transfers and payout links API (loopback only)"
)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 4010)]
    port: u16,
    /// The client id clients must send as the HTTP Basic user.
    #[arg(long, default_value = "sandbox_client")]
    client_id: String,
    /// The API key clients must send as the HTTP Basic password. A fake key for a local
    /// emulator, but still never printed or logged.
    #[arg(
        long,
        env = "FLOWDESK_SANDBOX_API_KEY",
        hide_env_values = true,
        hide_default_value = true,
        default_value = "sandbox_key"
    )]
    api_key: String,
    /// Keep the state (flows, users, wallets, transfers, payout links, app balance) in FILE:
    /// loaded at start, saved crash-safely after every change. Without it the state is lost
    /// when the sandbox stops.
    #[arg(long, value_name = "FILE")]
    state: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    let config = flowdesk_sandbox::SandboxConfig {
        client_id: args.client_id,
        api_key: args.api_key,
        port: args.port,
        state_file: args.state.clone(),
    };
    let sandbox = match flowdesk_sandbox::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "flowdesk-sandbox: cannot start on 127.0.0.1:{}: {e}",
                args.port
            );
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("Dots sandbox base URL: {}", sandbox.base_url());
    println!("Hosted flow pages:     {}/flow/{{id}}", sandbox.origin());
    println!(
        "Test controls:         {}/_sandbox (no auth, loopback only)",
        sandbox.origin()
    );
    if let Some(path) = sandbox.state_file() {
        println!("State file:            {}", path.display());
    }
    if let Some(notice) = sandbox.notice() {
        eprintln!("flowdesk-sandbox: {notice}");
    }
    tracing::info!(addr = %sandbox.addr(), "sandbox listening");
    if let Err(e) = tokio::signal::ctrl_c().await {
        tracing::warn!(error = %e, "cannot wait for Ctrl-C; stopping");
    }
    sandbox.shutdown().await;
    std::process::ExitCode::SUCCESS
}
