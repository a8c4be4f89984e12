//! `SandboxHome`: one host per data folder, found through `sandbox.json`.
//!
//! The tests of this file run one at a time: each may host on the default port, and a test that
//! restarts its host must get its remembered port back.

use std::path::{Path, PathBuf};

use flowdesk_sandbox::home::{Endpoint, HostGuard, Hosted, SandboxHome};
use serde_json::{json, Value};

static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A data folder that does not exist yet (so `SandboxHome` creates it), removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        TempDir(std::env::temp_dir().join(format!(
            "flowdesk-sandbox-home-{}",
            uuid::Uuid::new_v4().simple()
        )))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap()
}

async fn host_here(home: &SandboxHome) -> HostGuard {
    match home.host().await.expect("hosts") {
        Hosted::Here(g) => g,
        Hosted::Elsewhere(e) => panic!("expected to host, found {e:?}"),
    }
}

fn port_of(e: &Endpoint) -> u16 {
    e.origin
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("origin has a port")
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn first_host_makes_private_random_credentials() {
    let _serial = SERIAL.lock().await;
    let (a, b) = (TempDir::new(), TempDir::new());
    let home = SandboxHome::new(a.path());
    assert!(!home.is_hosted());
    let guard = host_here(&home).await;
    let e = &guard.endpoint;
    assert_eq!(e.origin, guard.sandbox.origin());
    assert_eq!(e.base_url(), guard.sandbox.base_url());
    assert_ne!(port_of(e), 0);
    assert!(
        e.client_id.starts_with("local_") && e.client_id.len() > 20,
        "{e:?}"
    );
    assert!(e.api_key.starts_with("sk_local_") && e.api_key.len() > 30);
    assert!(!format!("{e:?}").contains(&e.api_key));
    assert_eq!(
        guard.sandbox.state_file(),
        Some(home.state_file().as_path())
    );
    // What clients read is what the host serves.
    assert_eq!(&home.endpoint().unwrap(), e);
    let file: Value =
        serde_json::from_slice(&std::fs::read(home.endpoint_file()).unwrap()).unwrap();
    assert_eq!(file["port"], port_of(e));
    assert_eq!(file["api_key"], e.api_key.as_str());
    #[cfg(unix)]
    {
        assert_eq!(mode(a.path()), 0o700);
        for f in [home.endpoint_file(), home.state_file(), home.lock_file()] {
            assert_eq!(mode(&f), 0o600, "{}", f.display());
        }
    }

    // Another installation: other credentials, made by a client before any host.
    let other = SandboxHome::new(b.path()).endpoint().unwrap();
    assert_eq!(port_of(&other), SandboxHome::DEFAULT_PORT);
    assert_ne!(other.api_key, e.api_key);
    assert_ne!(other.client_id, e.client_id);
    assert_eq!(
        SandboxHome::new(b.path()).endpoint().unwrap(),
        other,
        "made once"
    );
    guard.shutdown().await;
}

#[tokio::test]
async fn a_second_host_finds_the_first_and_a_restart_keeps_port_and_state() {
    let _serial = SERIAL.lock().await;
    let dir = TempDir::new();
    let home = SandboxHome::new(dir.path());
    let first = host_here(&home).await;
    let endpoint = first.endpoint.clone();
    assert!(home.is_hosted());
    // is_hosted's probe does not take the host's place.
    assert!(home.is_hosted());

    match SandboxHome::new(dir.path()).host().await.unwrap() {
        Hosted::Elsewhere(e) => assert_eq!(e, endpoint),
        Hosted::Here(_) => panic!("two hosts for one folder"),
    }

    let http = http();
    let resp = http
        .post(format!("{}/v2/flows", endpoint.base_url()))
        .basic_auth(&endpoint.client_id, Some(&endpoint.api_key))
        .json(&json!({"steps": ["payout"], "metadata": {"from": "first host"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let flow: Value = resp.json().await.unwrap();
    let flow_url = format!(
        "{}/v2/flows/{}",
        endpoint.base_url(),
        flow["id"].as_str().unwrap()
    );

    first.shutdown().await;
    assert!(!home.is_hosted());

    let second = host_here(&home).await;
    assert_eq!(second.endpoint, endpoint, "same port, same credentials");
    let resp = http
        .get(&flow_url)
        .basic_auth(&endpoint.client_id, Some(&endpoint.api_key))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.json::<Value>().await.unwrap(), flow);
    second.shutdown().await;
}

#[tokio::test]
async fn a_sandbox_hosted_in_memory_is_found_like_the_other_and_writes_no_state() {
    let _serial = SERIAL.lock().await;
    let dir = TempDir::new();
    let home = SandboxHome::new(dir.path());
    let host = home.host_in_memory().await.unwrap();
    assert!(home.is_hosted());
    match SandboxHome::new(dir.path()).host().await.unwrap() {
        Hosted::Elsewhere(e) => assert_eq!(e, host.endpoint),
        Hosted::Here(_) => panic!("two hosts for one folder"),
    }
    assert!(home.host_in_memory().await.is_err(), "one host at a time");
    let e = &host.endpoint;
    let resp = http()
        .post(format!("{}/v2/flows", e.base_url()))
        .basic_auth(&e.client_id, Some(&e.api_key))
        .json(&json!({"steps": ["payout"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(host.sandbox.flow_count(), 1);
    host.shutdown().await;
    assert!(!home.state_file().exists(), "kept in memory only");
    assert!(!home.is_hosted());
}

#[tokio::test]
async fn a_remembered_port_taken_by_another_program_is_an_error_not_a_move() {
    let _serial = SERIAL.lock().await;
    let dir = TempDir::new();
    let home = SandboxHome::new(dir.path());
    let guard = host_here(&home).await;
    let port = port_of(&guard.endpoint);
    guard.shutdown().await;

    let squatter = std::net::TcpListener::bind(("127.0.0.1", port)).expect("port is free again");
    let e = home.host().await.expect_err("refused");
    assert_eq!(e.kind(), std::io::ErrorKind::AddrInUse);
    let msg = e.to_string();
    assert!(msg.contains(&format!("port {port}")), "{msg}");
    assert!(msg.contains("sandbox.json"), "{msg}");
    assert!(!home.is_hosted(), "the lock is released after the failure");
    assert_eq!(port_of(&home.endpoint().unwrap()), port, "still remembered");

    drop(squatter);
    let guard = host_here(&home).await;
    assert_eq!(port_of(&guard.endpoint), port);
    guard.shutdown().await;
}

#[tokio::test]
async fn a_broken_endpoint_file_is_an_error_that_says_what_to_do() {
    let _serial = SERIAL.lock().await;
    let dir = TempDir::new();
    std::fs::create_dir_all(dir.path()).unwrap();
    let home = SandboxHome::new(dir.path());
    std::fs::write(home.endpoint_file(), b"{\"port\": 1").unwrap();
    let e = home.endpoint().unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
    assert!(e.to_string().contains("delete it"), "{e}");
    assert!(home.host().await.is_err());
}
