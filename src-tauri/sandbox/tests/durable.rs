//! A sandbox with a state file: everything survives a restart and a `kill -9`, a corrupt file is
//! set aside, a failed save is a 500, the file is 0600.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;
use flowdesk_sandbox::{start, SandboxConfig, SandboxHandle};
use serde_json::{json, Value};

/// A fresh folder under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let p = std::env::temp_dir().join(format!(
            "flowdesk-sandbox-durable-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
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

async fn durable(state: &Path, port: u16) -> SandboxHandle {
    start(SandboxConfig {
        port,
        state_file: Some(state.to_path_buf()),
        ..SandboxConfig::new(CLIENT_ID, API_KEY)
    })
    .await
    .expect("durable sandbox starts")
}

async fn get_json(http: &reqwest::Client, sb: &SandboxHandle, path: &str) -> Value {
    let (s, v) = call(get_api(http, sb, path)).await;
    assert_eq!(s, 200, "GET {path}: {v:#}");
    v
}

/// Everything the API shows about the state: every list and every object on its own.
async fn snapshot(http: &reqwest::Client, sb: &SandboxHandle, ids: &[(&str, String)]) -> Value {
    let mut all = serde_json::Map::new();
    for list in [
        "/v2/flows?limit=100",
        "/v2/users?limit=100",
        "/v2/transfers?limit=100",
        "/v2/payout-links?limit=100",
    ] {
        all.insert(list.into(), get_json(http, sb, list).await);
    }
    for (kind, id) in ids {
        let path = format!("/v2/{kind}/{id}");
        all.insert(path.clone(), get_json(http, sb, &path).await);
    }
    all.insert(
        "app-balance".into(),
        control_get(http, sb, "/app-balance").await,
    );
    Value::Object(all)
}

#[tokio::test]
async fn state_is_read_back_identically_after_a_restart() {
    let dir = TempDir::new();
    let state = dir.path().join("state.json");
    let http = client();
    let sb = durable(&state, 0).await;
    assert_eq!(sb.notice(), None);
    assert_eq!(sb.state_file(), Some(state.as_path()));

    let flow = create(
        &http,
        &sb,
        json!({"steps": ["compliance", "payout"], "metadata": {"case": "D-1"}}),
    )
    .await;
    let flow_id = id_of(&flow);
    let seeded = control(
        &http,
        &sb,
        "/users",
        json!({"first_name": "Ana", "status": "verified", "wallet_cents": 700,
               "default_payout_method": "venmo", "background_check_status": "pass"}),
    )
    .await;
    assert_eq!(seeded.status(), 200);
    let user_id = id_of(&seeded.json::<Value>().await.unwrap());
    let resp = control(
        &http,
        &sb,
        &format!("/flows/{flow_id}/claim"),
        json!({"user_id": user_id}),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let resp = control(
        &http,
        &sb,
        &format!("/flows/{flow_id}/complete"),
        json!({"step": "compliance"}),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let transfer_key = uuid::Uuid::new_v4().to_string();
    let (s, transfer) = create_transfer(
        &http,
        &sb,
        json!({"amount": -1250, "user_id": user_id, "idempotency_key": transfer_key,
               "metadata": {"why": "bonus"}}),
    )
    .await;
    assert_eq!(s, 200, "{transfer:#}");
    let link_key = uuid::Uuid::new_v4().to_string();
    let link_body = json!({"amount": 2500, "payee": {"first_name": "Bo", "email": "bo@example.com"},
                           "delivery": {"method": "email"}, "memo": "Refund", "idempotency_key": link_key});
    let (s, link) = create_link(&http, &sb, link_body.clone()).await;
    assert_eq!(s, 201, "{link:#}");
    // The payee claims it on the hosted page: a second user and a payout transfer.
    let claimed = press(&http, &link, "/claim").await;
    assert_eq!(claimed.status(), 303);
    let ids = [
        ("flows", flow_id.clone()),
        ("users", user_id.clone()),
        ("transfers", id_of(&transfer)),
        ("payout-links", id_of(&link)),
    ];
    let before = snapshot(&http, &sb, &ids).await;
    assert_eq!(
        before["/v2/transfers?limit=100"]["data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        before["/v2/users?limit=100"]["data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let port = sb.addr().port();
    sb.shutdown().await;

    // Same file and port (so every `link` is the same too): the same answers.
    let sb = durable(&state, port).await;
    assert_eq!(sb.notice(), None);
    let after = snapshot(&http, &sb, &ids).await;
    assert_eq!(after, before);
    // Idempotency keys survived: a replayed transfer key is still refused, a link key replays.
    let (s, again) = create_transfer(
        &http,
        &sb,
        json!({"amount": -1250, "user_id": user_id, "idempotency_key": transfer_key}),
    )
    .await;
    assert_error(&(s, again), 409, "idempotency_key_reused");
    let (s, replay) = create_link(&http, &sb, link_body).await;
    assert_eq!((s, &replay["id"]), (201, &link["id"]));
    // New rows continue after the old ones (transaction ids included).
    let (s, next) = create_transfer(&http, &sb, json!({"amount": 50, "user_id": user_id})).await;
    assert_eq!(s, 200, "{next:#}");
    assert!(
        next["transactions"][0]["id"].as_i64() > transfer["transactions"][0]["id"].as_i64(),
        "{next:#} after {transfer:#}"
    );

    // A reset is saved too, through the control and through the handle.
    let resp = control(&http, &sb, "/reset", json!({})).await;
    assert_eq!(resp.status(), 200);
    let port = sb.addr().port();
    sb.shutdown().await;
    let sb = durable(&state, port).await;
    assert_eq!(
        (sb.flow_count(), sb.user_count(), sb.transfer_count()),
        (0, 0, 0)
    );
    create(&http, &sb, json!({"steps": ["payout"]})).await;
    sb.reset();
    drop(sb); // No orderly shutdown: the reset was saved when it returned.
    let sb = durable(&state, 0).await;
    assert_eq!(sb.flow_count(), 0);
    sb.shutdown().await;
}

#[tokio::test]
async fn handle_changes_and_concurrent_requests_are_all_saved() {
    let dir = TempDir::new();
    let state = dir.path().join("state.json");
    let http = client();
    let sb = durable(&state, 0).await;
    let user = seed_with(&sb, 900);
    sb.set_app_balance_cents(12_345);
    // Many writers at once share writes (group commit) and none is lost.
    let mut writers = tokio::task::JoinSet::new();
    for i in 0..24 {
        let req = post_flow(
            &http,
            &sb,
            &json!({"steps": ["payout"], "metadata": format!("n{i}")}),
        );
        writers.spawn(async move { call(req).await });
    }
    let mut flows = Vec::new();
    while let Some(done) = writers.join_next().await {
        let (s, flow) = done.expect("writer task");
        assert_eq!(s, 200, "{flow:#}");
        flows.push(id_of(&flow));
    }
    let flow = flows[0].clone();
    sb.complete_step(&flow, "payout").unwrap();
    drop(sb);

    let sb = durable(&state, 0).await;
    assert_eq!(sb.flow_count(), 24);
    for id in &flows {
        assert!(sb.flow(id).is_some(), "{id} lost");
    }
    assert_eq!(sb.wallet_cents(&user), Some(900));
    assert_eq!(sb.app_balance_cents(), 12_345);
    assert_eq!(sb.flow(&flow).unwrap().completed_steps, vec!["payout"]);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_corrupt_state_file_is_set_aside_and_the_sandbox_starts_empty() {
    let dir = TempDir::new();
    let state = dir.path().join("state.json");
    std::fs::write(&state, b"{\"version\": 1, \"flows\": [tr").unwrap();
    let sb = durable(&state, 0).await;
    let notice = sb.notice().expect("a notice");
    assert!(!notice.contains('\n'), "{notice}");
    assert!(notice.contains("could not be read"), "{notice}");
    assert!(notice.contains("started empty"), "{notice}");
    assert_eq!(sb.flow_count(), 0);
    let aside: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("state.json.corrupt-")
        })
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert!(notice.contains(&aside[0].display().to_string()), "{notice}");
    assert_eq!(
        std::fs::read(&aside[0]).unwrap(),
        b"{\"version\": 1, \"flows\": [tr"
    );
    // The state file is a valid, empty state again and works as usual.
    let saved: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert_eq!(saved["version"], 1);
    create(&client(), &sb, json!({"steps": ["payout"]})).await;
    sb.shutdown().await;
    let sb = durable(&state, 0).await;
    assert_eq!((sb.notice(), sb.flow_count()), (None, 1));
    sb.shutdown().await;
}

#[tokio::test]
async fn a_state_file_from_a_newer_build_is_refused_and_left_alone() {
    let dir = TempDir::new();
    let state = dir.path().join("state.json");
    std::fs::write(&state, b"{\"version\": 99}").unwrap();
    let e = start(SandboxConfig {
        state_file: Some(state.clone()),
        ..SandboxConfig::new(CLIENT_ID, API_KEY)
    })
    .await
    .err()
    .expect("refused");
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
    assert!(e.to_string().contains("version 99"), "{e}");
    assert_eq!(std::fs::read(&state).unwrap(), b"{\"version\": 99}");
}

#[tokio::test]
async fn a_failed_save_is_a_500_not_a_silent_loss() {
    let dir = TempDir::new();
    let folder = dir.path().join("gone");
    std::fs::create_dir(&folder).unwrap();
    let sb = durable(&folder.join("state.json"), 0).await;
    std::fs::remove_dir_all(&folder).unwrap();
    let http = client();
    let (s, body) = call(post_flow(&http, &sb, &json!({"steps": ["payout"]}))).await;
    assert_eq!(s, 500, "{body:#}");
    let msg = body["error"].as_str().unwrap();
    assert!(msg.starts_with("state not saved: "), "{msg}");
    // Reads still work.
    assert_eq!(
        get_json(&http, &sb, "/v2/flows").await["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[cfg(unix)]
#[tokio::test]
async fn the_state_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new();
    let state = dir.path().join("state.json");
    // Even over a file that was readable by everyone before.
    std::fs::write(&state, b"").unwrap();
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o644)).unwrap();
    let sb = durable(&state, 0).await;
    create(&client(), &sb, json!({"steps": ["payout"]})).await;
    let mode = std::fs::metadata(&state).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // No temp files left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.contains(".corrupt-"))
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, vec!["state.json".to_string(), "state.webhooks.jsonl".to_string()]);
    let journal = dir.path().join("state.webhooks.jsonl");
    assert_eq!(std::fs::metadata(&journal).unwrap().permissions().mode() & 0o777, 0o600, "the webhook journal holds secrets");
    sb.shutdown().await;
}

/// A `flowdesk-sandbox` process, killed when dropped (so a failing test leaves none behind).
struct Proc {
    child: Child,
    base_url: String,
}

impl Proc {
    fn spawn(state: &Path) -> Proc {
        let mut child = Command::new(env!("CARGO_BIN_EXE_flowdesk-sandbox"))
            .args(["--port", "0", "--client-id", CLIENT_ID, "--state"])
            .arg(state)
            .env("FLOWDESK_SANDBOX_API_KEY", API_KEY)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the binary starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        // Reads every line until the process ends, so its stdout never fills up or closes
        // (a closed stdout would make its next println! panic), and passes them on while wanted.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        let base_url = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(url) = line.strip_prefix("Dots sandbox base URL: ") {
                        break url.trim().to_string();
                    }
                }
                Err(e) => {
                    let _ = child.kill();
                    panic!("no base URL line from the sandbox binary: {e}");
                }
            }
        };
        Proc { child, base_url }
    }

    /// SIGKILL on unix: no shutdown code runs.
    fn kill_9(mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("reaped");
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn a_flow_survives_kill_9() {
    let dir = TempDir::new();
    let state = dir.path().join("state.json");
    let http = client();
    let first = Proc::spawn(&state);
    let resp = http
        .post(format!("{}/v2/flows", first.base_url))
        .basic_auth(CLIENT_ID, Some(API_KEY))
        .json(&json!({"steps": ["id-verification", "payout"], "metadata": {"k": "kill-9"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let flow: Value = resp.json().await.unwrap();
    first.kill_9();

    let second = Proc::spawn(&state);
    let resp = http
        .get(format!("{}/v2/flows/{}", second.base_url, id_of(&flow)))
        .basic_auth(CLIENT_ID, Some(API_KEY))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let mut got: Value = resp.json().await.unwrap();
    let mut want = flow;
    // The second process listens on another port: only `link` differs.
    for v in [&mut got, &mut want] {
        v.as_object_mut().unwrap().remove("link");
    }
    assert_eq!(got, want);
}
