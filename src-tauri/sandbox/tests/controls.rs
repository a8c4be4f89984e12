//! The `/_sandbox` test controls, their `SandboxHandle` mirrors, and the binary.

mod common;

use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn complete_any_order_and_idempotent() {
    let sb = sandbox().await;
    let http = client();
    let flow = create(
        &http,
        &sb,
        json!({"steps": ["compliance", "payout", "background-check"]}),
    )
    .await;
    let id = flow["id"].as_str().unwrap();

    let resp = control(
        &http,
        &sb,
        &format!("/flows/{id}/complete"),
        json!({"step": "payout"}),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let f: Value = resp.json().await.unwrap();
    assert_eq!(f["completed_steps"], json!(["payout"]));
    assert_eq!(f["id"], id);
    let again: Value = control(
        &http,
        &sb,
        &format!("/flows/{id}/complete"),
        json!({"step": "payout"}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(again["completed_steps"], json!(["payout"]));

    // The Rust mirror.
    let f = sb.complete_step(id, "compliance").unwrap();
    assert_eq!(f.completed_steps, ["payout", "compliance"]);
    assert_eq!(
        sb.complete_step(id, "redirect"),
        Err(flowdesk_sandbox::ControlError::StepNotInFlow(
            flowdesk_sandbox::StepName::Redirect
        ))
    );
    assert!(matches!(
        sb.complete_step(id, "nope"),
        Err(flowdesk_sandbox::ControlError::UnknownStep(_))
    ));
    assert!(matches!(
        sb.complete_step(uuid::Uuid::new_v4().to_string(), "payout"),
        Err(flowdesk_sandbox::ControlError::NotFound(_))
    ));

    // The API sees it.
    let got = json_of(get_api(&http, &sb, &format!("/v2/flows/{id}"))).await;
    assert_eq!(got["completed_steps"], json!(["payout", "compliance"]));

    // Errors over HTTP.
    let r = control(
        &http,
        &sb,
        &format!("/flows/{id}/complete"),
        json!({"step": "redirect"}),
    )
    .await;
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"],
        "step_not_in_flow"
    );
    let r = control(
        &http,
        &sb,
        &format!("/flows/{id}/complete"),
        json!({"step": "kyc"}),
    )
    .await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "unknown_step");
    let r = control(&http, &sb, &format!("/flows/{id}/complete"), json!({})).await;
    assert_eq!(r.status(), 400);
    let r = control(
        &http,
        &sb,
        &format!("/flows/{}/complete", uuid::Uuid::new_v4()),
        json!({"step": "payout"}),
    )
    .await;
    assert_eq!(r.status(), 404);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "not_found");
}

#[tokio::test]
async fn claim_sets_the_user() {
    let sb = sandbox().await;
    let http = client();
    let a = create(&http, &sb, json!({"steps": ["compliance"]})).await;
    let a_id = a["id"].as_str().unwrap();
    let resp = control(&http, &sb, &format!("/flows/{a_id}/claim"), json!({})).await;
    assert_eq!(resp.status(), 200);
    let f: Value = resp.json().await.unwrap();
    let user = f["user_id"].as_str().unwrap().to_string();
    assert!(uuid::Uuid::parse_str(&user).is_ok());
    // Claimed flows go straight to the steps on the hosted page.
    let html = http
        .get(a["link"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("data-testid=\"complete-compliance\"")
            && !html.contains("data-testid=\"onboard\"")
    );
    // Same user again: no-op; another user: 409.
    let same = control(
        &http,
        &sb,
        &format!("/flows/{a_id}/claim"),
        json!({"user_id": user}),
    )
    .await;
    assert_eq!(same.status(), 200);
    let other = control(
        &http,
        &sb,
        &format!("/flows/{a_id}/claim"),
        json!({"user_id": uuid::Uuid::new_v4()}),
    )
    .await;
    assert_eq!(other.status(), 409);
    assert_eq!(
        other.json::<Value>().await.unwrap()["error"],
        "already_claimed"
    );

    // Chosen user, and the Rust mirror.
    let b = create(&http, &sb, json!({"steps": []})).await;
    let chosen = uuid::Uuid::new_v4();
    let f = sb.claim(b["id"].as_str().unwrap(), Some(chosen)).unwrap();
    assert_eq!(f.user_id, Some(chosen));
    let c = create(&http, &sb, json!({"steps": []})).await;
    let r = control(
        &http,
        &sb,
        &format!("/flows/{}/claim", c["id"].as_str().unwrap()),
        json!({"user_id": "bad"}),
    )
    .await;
    assert_eq!(r.status(), 400);
    assert!(sb.claim(uuid::Uuid::new_v4().to_string(), None).is_err());
    // An empty body counts as {}.
    let r = control_req(
        &http,
        &sb,
        reqwest::Method::POST,
        &format!("/flows/{}/claim", c["id"].as_str().unwrap()),
    )
    .header("content-type", "application/json")
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    assert!(sb
        .flow(c["id"].as_str().unwrap())
        .unwrap()
        .user_id
        .is_some());
}

#[tokio::test]
async fn stats_count_requests_and_reset_clears() {
    let sb = sandbox().await;
    let http = client();
    let f = create(&http, &sb, json!({"steps": ["payout"]})).await;
    create(&http, &sb, json!({"steps": ["payout"]})).await;
    get_api(
        &http,
        &sb,
        &format!("/v2/flows/{}", f["id"].as_str().unwrap()),
    )
    .send()
    .await
    .unwrap();
    get_api(&http, &sb, "/v2/flows?limit=1")
        .send()
        .await
        .unwrap();
    http.get(format!("{}/v2/flows", sb.base_url()))
        .send()
        .await
        .unwrap(); // 401 still counts
    http.get(f["link"].as_str().unwrap()).send().await.unwrap();
    let stats = control_get(&http, &sb, "/stats").await;
    assert_eq!(stats["flows"], 2);
    assert_eq!(stats["requests"]["POST /api/v2/flows"], 2);
    assert_eq!(stats["requests"]["GET /api/v2/flows"], 2);
    assert_eq!(stats["requests"]["GET /api/v2/flows/{id}"], 1);
    assert_eq!(stats["requests"]["GET /flow/{id}"], 1);
    assert!(stats["requests"]
        .as_object()
        .unwrap()
        .keys()
        .all(|k| !k.contains("_sandbox")));

    sb.inject(flowdesk_sandbox::FaultSpec::new(
        flowdesk_sandbox::Fault::Drop,
        flowdesk_sandbox::FaultWhen::Before,
    ));
    let r = control(&http, &sb, "/reset", json!({})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(sb.flow_count(), 0);
    assert!(sb.pending_faults().is_empty());
    let stats = control_get(&http, &sb, "/stats").await;
    assert_eq!(
        stats,
        json!({"flows": 0, "users": 0, "transfers": 0, "payout_links": 0,
               "app_balance_cents": flowdesk_sandbox::DEFAULT_APP_BALANCE_CENTS, "requests": {}})
    );
    // The old flow is gone everywhere.
    let r = get_api(
        &http,
        &sb,
        &format!("/v2/flows/{}", f["id"].as_str().unwrap()),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 404);
    sb.reset();
    assert_eq!(sb.flow_count(), 0);
}

#[tokio::test]
async fn unknown_controls_are_404_with_credentials_and_401_without() {
    let sb = sandbox().await;
    let http = client();
    let r = control(&http, &sb, "/nope", json!({})).await;
    assert_eq!(r.status(), 404);
    let r = http
        .post(format!("{}/_sandbox/nope", sb.origin()))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

/// The binary: prints the base URL, serves the API with the env key, never prints the key.
#[tokio::test]
async fn binary_serves_and_keeps_the_key_secret() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let secret = "very-secret-key-4f1d";
    // Pick a free port, then let the binary bind it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_flowdesk-sandbox"))
        .args(["--port", &port.to_string(), "--client-id", "bin_client"])
        .env("FLOWDESK_SANDBOX_API_KEY", secret)
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let base = format!("http://127.0.0.1:{port}/api");
    assert!(first.contains(&base), "{first}");

    let http = client();
    let ok = http
        .post(format!("{base}/v2/flows"))
        .basic_auth("bin_client", Some(secret))
        .json(&json!({"steps": ["compliance"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let denied = http
        .get(format!("{base}/v2/flows"))
        .basic_auth("bin_client", Some("sandbox_key"))
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 401);
    // The controls take the same credentials.
    let controls = format!("http://127.0.0.1:{port}/_sandbox/stats");
    let stats = http
        .get(&controls)
        .basic_auth("bin_client", Some(secret))
        .send()
        .await
        .unwrap();
    assert_eq!(stats.status(), 200);
    assert_eq!(http.get(&controls).send().await.unwrap().status(), 401);

    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let mut all = first;
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut stdout, &mut rest);
    all.push_str(&rest);
    all.push_str(&String::from_utf8_lossy(&out.stderr));
    assert!(!all.contains(secret), "the key leaked into output");
    assert!(
        all.contains("POST") && all.contains("/api/v2/flows") && all.contains("200"),
        "requests are logged: {all}"
    );
    assert!(
        !all.to_ascii_lowercase().contains("authorization"),
        "no auth header in logs"
    );

    let help = Command::new(env!("CARGO_BIN_EXE_flowdesk-sandbox"))
        .arg("--help")
        .env("FLOWDESK_SANDBOX_API_KEY", secret)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&help.stdout).contains(secret));
}

const KEY_ENV: &str = "FLOWDESK_SANDBOX_API_KEY";

/// A fresh folder under the system temp dir (removed by the test that made it).
fn scratch_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("flowdesk-sandbox-bin-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts the binary with these args and no key in the environment; returns it and the origin
/// from its first line (it prints that line once it listens).
fn spawn_bin(args: &[&std::ffi::OsStr]) -> (std::process::Child, String, Vec<String>) {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_flowdesk-sandbox"))
        .args(args)
        .env_remove(KEY_ENV)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    // Its start-up lines end with the state file's or the key's; read up to the key's.
    loop {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "the binary stopped: {lines:?}"
        );
        let done = line.starts_with("API key:");
        lines.push(line);
        if done {
            break;
        }
    }
    let origin = lines[0]
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .expect("a base URL")
        .trim_end_matches("/api")
        .to_string();
    (child, origin, lines)
}

async fn stats_status(origin: &str, client_id: &str, key: Option<&str>) -> u16 {
    let mut req = client().get(format!("{origin}/_sandbox/stats"));
    if let Some(key) = key {
        req = req.basic_auth(client_id, Some(key));
    }
    req.send().await.unwrap().status().as_u16()
}

#[cfg(unix)]
fn mode_of(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The key never comes from the command line, and there is no fixed default: it comes from
/// the environment, or from a private file (made with a random key when missing).
#[tokio::test]
async fn binary_takes_the_key_only_from_the_environment_or_a_private_file() {
    use std::process::Command;
    let bin = env!("CARGO_BIN_EXE_flowdesk-sandbox");
    let dir = scratch_dir();

    // --api-key is refused, saying why, without repeating the key.
    let out = Command::new(bin)
        .args(["--port", "0", "--api-key", "cmdline-secret-77"])
        .env_remove(KEY_ENV)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--api-key is not accepted") && err.contains(KEY_ENV),
        "{err}"
    );
    assert!(err.contains("--api-key-file"), "{err}");
    assert!(!err.contains("cmdline-secret-77") && out.stdout.is_empty());

    // No key anywhere (and no state file to keep one beside): refused, saying how to give one.
    let out = Command::new(bin)
        .args(["--port", "0"])
        .env_remove(KEY_ENV)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(KEY_ENV) && err.contains("--api-key-file") && err.contains("--state"),
        "{err}"
    );

    // A key file other users may read is refused.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let loose = dir.join("loose.key");
        std::fs::write(&loose, "loose-secret-99\n").unwrap();
        std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = Command::new(bin)
            .args(["--port", "0", "--api-key-file"])
            .arg(&loose)
            .env_remove(KEY_ENV)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("chmod 600") && !err.contains("loose-secret-99"),
            "{err}"
        );
    }

    // A missing key file is made, 0600, with a random key: that key opens the API and the
    // controls, nothing else does, and it is never printed.
    let made = dir.join("made.key");
    let (mut child, origin, lines) = spawn_bin(&[
        "--port".as_ref(),
        "0".as_ref(),
        "--api-key-file".as_ref(),
        made.as_os_str(),
    ]);
    #[cfg(unix)]
    assert_eq!(mode_of(&made), 0o600);
    let key = std::fs::read_to_string(&made).unwrap().trim().to_string();
    assert!(key.starts_with("sk_local_") && key.len() > 30, "{key}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains(&made.display().to_string())),
        "{lines:?}"
    );
    assert_eq!(
        stats_status(&origin, "sandbox_client", Some(&key)).await,
        200
    );
    assert_eq!(stats_status(&origin, "sandbox_client", None).await, 401);
    assert_eq!(
        stats_status(&origin, "sandbox_client", Some("sandbox_key")).await,
        401
    );
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    assert!(!lines.concat().contains(&key) && !String::from_utf8_lossy(&out.stdout).contains(&key));
    // Started again, it reads the same key.
    let (mut child, origin, _) = spawn_bin(&[
        "--port".as_ref(),
        "0".as_ref(),
        "--api-key-file".as_ref(),
        made.as_os_str(),
    ]);
    assert_eq!(
        stats_status(&origin, "sandbox_client", Some(&key)).await,
        200
    );
    let _ = child.kill();
    let _ = child.wait();

    // With --state and no key given, the key is kept beside the state file.
    let state = dir.join("state.json");
    let (mut child, origin, _) = spawn_bin(&[
        "--port".as_ref(),
        "0".as_ref(),
        "--state".as_ref(),
        state.as_os_str(),
    ]);
    let beside = dir.join("state.json.api-key");
    #[cfg(unix)]
    assert_eq!(mode_of(&beside), 0o600);
    let key = std::fs::read_to_string(&beside).unwrap().trim().to_string();
    assert_eq!(
        stats_status(&origin, "sandbox_client", Some(&key)).await,
        200
    );
    assert_eq!(stats_status(&origin, "sandbox_client", None).await, 401);
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
