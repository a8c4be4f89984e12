//! `flowdesk-sandbox`: run the Dots emulator on 127.0.0.1.
//!
//! The API key (the HTTP Basic password of the API and of the `/_sandbox` controls) never
//! comes from the command line, where every user of the machine can read it in `ps`: it comes
//! from `FLOWDESK_SANDBOX_API_KEY`, or from a file only its owner can read (`--api-key-file`,
//! made with a random key when missing), or, with `--state FILE` and neither of those, from
//! `FILE.api-key` next to the state (made with a random key when missing). It is never printed.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::{filter::Targets, prelude::*};

const KEY_ENV: &str = "FLOWDESK_SANDBOX_API_KEY";

#[derive(Parser)]
#[command(
    name = "flowdesk-sandbox",
    version,
    about = "Local emulator of Dots' flows, users, transfers and payout links API (loopback only)",
    after_help = "The API key (the HTTP Basic password for the API and the /_sandbox controls) comes from \
                  the environment variable FLOWDESK_SANDBOX_API_KEY, or from --api-key-file FILE (created \
                  0600 with a random key when missing), or, with --state FILE and neither of those, from \
                  FILE.api-key (likewise). It is never printed."
)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 4010)]
    port: u16,
    /// The client id clients must send as the HTTP Basic user.
    #[arg(long, default_value = "sandbox_client")]
    client_id: String,
    /// Not accepted: a key on the command line is visible to every user in `ps`. Use the
    /// FLOWDESK_SANDBOX_API_KEY environment variable or --api-key-file instead.
    #[arg(long, value_name = "KEY")]
    api_key: Option<String>,
    /// Read the API key from FILE (its first line), which must not be readable by other users
    /// (mode 0600). A missing FILE is created, 0600, with a random key.
    #[arg(long, value_name = "FILE")]
    api_key_file: Option<PathBuf>,
    /// Keep the state (flows, users, wallets, transfers, payout links, app balance) in FILE:
    /// loaded at start, saved crash-safely after every change. Without it the state is lost
    /// when the sandbox stops.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
}

/// Where the key came from, for the start-up lines (never the key itself).
enum KeySource {
    Env,
    File(PathBuf),
}

/// The key, from exactly one place (see the module docs).
fn api_key(args: &Args) -> Result<(String, KeySource), String> {
    if args.api_key.is_some() {
        return Err(format!(
            "--api-key is not accepted: a key on the command line is visible to every user of this machine \
             (ps, /proc). Set {KEY_ENV} or use --api-key-file FILE (created with a random key when missing)."
        ));
    }
    let env = std::env::var_os(KEY_ENV).filter(|v| !v.is_empty());
    match (env, &args.api_key_file) {
        (Some(_), Some(_)) => Err(format!(
            "both {KEY_ENV} and --api-key-file give a key; use one"
        )),
        (Some(v), None) => v
            .into_string()
            .map(|k| (k, KeySource::Env))
            .map_err(|_| format!("{KEY_ENV} is not valid UTF-8")),
        (None, Some(path)) => {
            key_file(path).map(|k| (k, KeySource::File(path.clone())))
        }
        (None, None) => match &args.state {
            Some(state) => {
                let mut name = state.as_os_str().to_owned();
                name.push(".api-key");
                let path = PathBuf::from(name);
                key_file(&path).map(|k| (k, KeySource::File(path)))
            }
            None => Err(format!(
                "no API key: set {KEY_ENV}, or use --api-key-file FILE (created 0600 with a random key when \
                 missing), or --state FILE (the key is then kept in FILE.api-key)"
            )),
        },
    }
}

/// Reads the key file, creating it (0600, with a random key) when missing. Refuses a file that
/// other users may read or write, an empty one, and anything but a regular file.
fn key_file(path: &Path) -> Result<String, String> {
    let fresh = format!("sk_local_{}\n", uuid::Uuid::new_v4().simple());
    // Of two racing creators one wins; both read its key below.
    let created = flowdesk_files::create_private_dir(flowdesk_files::folder_of(path))
        .and_then(|()| flowdesk_files::create_once(path, fresh.as_bytes()))
        .map_err(|e| format!("no API key file: {e}"))?;
    if created {
        eprintln!(
            "flowdesk-sandbox: made a random API key in {} (0600)",
            path.display()
        );
    }
    let mut file = std::fs::File::open(path)
        .map_err(|e| format!("cannot read the API key file {}: {e}", path.display()))?;
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot read the API key file {}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!("the API key file {} is not a file", path.display()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(format!(
                "the API key file {} may be read or changed by other users (mode {mode:04o}); \
                 run `chmod 600 {}` first",
                path.display(),
                path.display()
            ));
        }
    }
    let mut text = String::new();
    file.by_ref()
        .take(64 * 1024)
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read the API key file {}: {e}", path.display()))?;
    let key = text.lines().next().unwrap_or("").trim().to_string();
    if key.is_empty() {
        return Err(format!(
            "the API key file {} is empty; write a key on its first line, or delete it to get a random one",
            path.display()
        ));
    }
    Ok(key)
}

#[tokio::main]
async fn main() -> ExitCode {
    // RUST_LOG as tracing-subscriber's `Targets` reads it ("debug", "info,tower_http=debug");
    // unset, empty or unreadable: info.
    let filter = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .and_then(|v| v.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO));
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer())
        .with(filter)
        .init();
    let args = Args::parse();
    let (api_key, source) = match api_key(&args) {
        Ok(k) => k,
        Err(why) => {
            eprintln!("flowdesk-sandbox: {why}");
            return ExitCode::from(2);
        }
    };
    let config = flowdesk_sandbox::SandboxConfig {
        client_id: args.client_id.clone(),
        api_key,
        port: args.port,
        state_file: args.state.clone(),
        webhook_speedup: flowdesk_sandbox::home::webhook_speedup_from_env(),
    };
    let sandbox = match flowdesk_sandbox::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "flowdesk-sandbox: cannot start on 127.0.0.1:{}: {e}",
                args.port
            );
            return ExitCode::FAILURE;
        }
    };
    println!("Dots sandbox base URL: {}", sandbox.base_url());
    println!("Hosted flow pages:     {}/flow/{{id}}", sandbox.origin());
    println!(
        "Test controls:         {}/_sandbox (HTTP Basic client_id:api_key, like the API)",
        sandbox.origin()
    );
    println!("Client id:             {}", args.client_id);
    match &source {
        KeySource::Env => println!("API key:               from {KEY_ENV}"),
        KeySource::File(path) => println!("API key:               in {}", path.display()),
    }
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
    ExitCode::SUCCESS
}
