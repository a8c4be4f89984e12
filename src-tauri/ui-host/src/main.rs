//! Test-only host for the Playwright UI tests: Flow Desk's real command handlers (the app's
//! own `app_builder`, on Tauri's mock runtime) served over loopback, so the tests' page
//! talks to the real core instead of a TypeScript stand-in.
//!
//! Started by tests/ui/host.ts with the data folder as its one argument and the per-run
//! token as the first line of stdin. Keys live in memory, unless FLOWDESK_UI_HOST_KEYCHAIN
//! is `absent`: then the real keychain code runs with no session bus to reach. It prints `listening http://127.0.0.1:PORT`, answers
//! only requests carrying the token, and exits when stdin closes (its test is over).

mod app;
mod http;

use std::io::BufRead;
use std::path::PathBuf;

/// In memory; or the system keychain with no session bus, which must never reach a real one.
fn credentials() -> flowdesk_settings::Credentials {
    use flowdesk_settings::{Credentials, MemoryStore};
    match std::env::var("FLOWDESK_UI_HOST_KEYCHAIN").as_deref() {
        Err(_) | Ok("memory") => Credentials::new(MemoryStore::new()),
        Ok("absent") => {
            let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS").unwrap_or_default();
            let missing = bus.strip_prefix("unix:path=").is_some_and(|p| !std::path::Path::new(p).exists());
            assert!(missing, "FLOWDESK_UI_HOST_KEYCHAIN=absent needs DBUS_SESSION_BUS_ADDRESS=unix:path=<a missing file>");
            Credentials::keychain()
        }
        Ok(other) => panic!("FLOWDESK_UI_HOST_KEYCHAIN={other}: expected memory or absent"),
    }
}

fn main() {
    flow_desk_lib::init_logs("FLOWDESK_LOG", tracing::Level::ERROR, std::io::stderr);
    let data_dir = std::env::args_os().nth(1).map(PathBuf::from).expect("usage: flowdesk-ui-host <data folder> (token on stdin)");
    let mut token = String::new();
    std::io::stdin().lock().read_line(&mut token).expect("the token on stdin");
    let token = token.trim().to_string();
    assert!(token.len() >= 32, "the token must be at least 32 characters");

    let (_app, hosted) = app::Hosted::start(data_dir, credentials());
    // The test is over when its end of stdin closes: leave with it, never linger.
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
        std::process::exit(0);
    });
    tauri::async_runtime::block_on(http::serve(hosted, token));
}
