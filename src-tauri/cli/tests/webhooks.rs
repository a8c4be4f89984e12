//! `flowdesk webhooks`: endpoints, the delivery log, trigger, and `listen` verifying and
//! forwarding a real delivery of the local sandbox unchanged.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;
use flowdesk_dots::WebhookVerifier;
use flowdesk_sandbox::receiver::Receiver;

const WAIT: Duration = Duration::from_secs(30);

fn args(mut c: std::process::Command, a: &[&str]) -> std::process::Command {
    c.args(["webhooks"]).args(a);
    c
}

/// A process killed when dropped, its stdout lines sent to a channel.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Running {
    fn line_with(&self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => continue,
                Err(_) => panic!("no line with {needle:?}"),
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(mut c: std::process::Command) -> Running {
    let mut child = c.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    Running { child, lines }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_verifies_and_forwards_a_real_delivery_unchanged() {
    let s = Scratch::new();
    let sb = sandbox(&s).await;
    let backend = Receiver::start(0, &[]).await.unwrap();
    let port = free_port();
    let added = run(args(s.local(&sb), &["endpoint", "add", &format!("http://127.0.0.1:{port}/")])).await;
    assert_eq!(code(&added), 0, "{}", text(&added.stderr));
    let endpoint = text(&added.stdout).trim().to_string();
    let secret = run(args(s.local(&sb), &["endpoint", "secret", &endpoint])).await;
    let secret = text(&secret.stdout).trim().to_string();
    assert!(secret.starts_with("whsec_"));

    let listen = spawn(args(
        s.local(&sb),
        &["listen", "--port", &port.to_string(), "--endpoint", &endpoint, "--forward-to", &backend.url()],
    ));
    let ready = listen.line_with("Ready");
    assert!(ready.contains("checking signatures"), "{ready}");
    assert!(!ready.contains(&secret[6..]), "the secret is never printed");

    let flow = client(&sb).create_flow(&serde_json::from_value(serde_json::json!({"steps": [{"name": "compliance"}]})).unwrap()).await.unwrap();
    let sent = run(args(s.local(&sb), &["trigger", "flow.updated", "--flow", &flow.id])).await;
    assert_eq!(code(&sent), 0, "{}", text(&sent.stderr));
    assert!(text(&sent.stdout).contains("to 1 endpoint"), "{}", text(&sent.stdout));

    let line = listen.line_with("flow.updated");
    assert!(line.contains("signature ok") && line.contains("forwarded: 200"), "{line}");
    let got = backend.wait_for(1, WAIT).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].json()["flow_id"], flow.id.as_str(), "the body is forwarded unchanged");
    // The signature headers came through unchanged: the backend can verify them itself.
    WebhookVerifier::new(&secret).unwrap().verify(&got[0].headers, &got[0].body).expect("verifies at the backend");

    // The log shows the delivery, answered with the backend's 200.
    let log = run(args(s.local(&sb), &["deliveries", "--event", "flow.updated", "--json"])).await;
    let rows: Vec<serde_json::Value> = text(&log.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 1);
    let deadline = Instant::now() + WAIT;
    loop {
        let log = run(args(s.local(&sb), &["deliveries", "--json"])).await;
        let row: serde_json::Value = serde_json::from_str(text(&log.stdout).lines().next().unwrap()).unwrap();
        if row["status"] == "succeeded" {
            assert_eq!(row["last_status_code"], 200);
            break;
        }
        assert!(Instant::now() < deadline, "not delivered: {row}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_with_a_wrong_secret_from_the_environment_says_so_and_answers_400() {
    let s = Scratch::new();
    let sb = sandbox(&s).await;
    let port = free_port();
    let added = run(args(s.local(&sb), &["endpoint", "add", &format!("http://127.0.0.1:{port}/")])).await;
    assert_eq!(code(&added), 0);
    let mut c = args(s.local(&sb), &["listen", "--port", &port.to_string(), "--secret-env", "QA_SECRET"]);
    c.env("QA_SECRET", "whsec_bm90IHRoZSBlbmRwb2ludCdzIHNlY3JldA==");
    let listen = spawn(c);
    listen.line_with("Ready");
    let user = sb.seed_user(Default::default()).unwrap()["id"].as_str().unwrap().to_string();
    let sent = run(args(s.local(&sb), &["trigger", "user.updated.payout_method", "--user", &user])).await;
    assert_eq!(code(&sent), 0, "{}", text(&sent.stderr));
    let line = listen.line_with("user.updated.*");
    assert!(line.contains("SIGNATURE BAD") && line.contains("answered 400"), "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoints_are_listed_disabled_and_removed_and_other_environments_point_to_the_dashboard() {
    let s = Scratch::new();
    let sb = sandbox(&s).await;
    let added = run(args(s.local(&sb), &["endpoint", "add", "https://qa.example.com/hooks"])).await;
    let id = text(&added.stdout).trim().to_string();
    let list = run(args(s.local(&sb), &["endpoint", "list"])).await;
    assert!(text(&list.stdout).contains(&format!("{id}  enabled   https://qa.example.com/hooks")), "{}", text(&list.stdout));
    assert!(!text(&list.stdout).contains("whsec_"), "no secret in the list");
    assert_eq!(code(&run(args(s.local(&sb), &["endpoint", "disable", &id])).await), 0);
    assert!(text(&run(args(s.local(&sb), &["endpoint", "list"])).await.stdout).contains("disabled"));
    assert_eq!(code(&run(args(s.local(&sb), &["endpoint", "remove", &id])).await), 0);
    assert_eq!(text(&run(args(s.local(&sb), &["endpoint", "list"])).await.stdout), "");
    let bad = run(args(s.local(&sb), &["endpoint", "add", "ftp://x"])).await;
    assert_eq!(code(&bad), 3, "{}", text(&bad.stderr));

    let mut c = s.cmd();
    c.args(["--env", "sandbox", "webhooks", "endpoint", "list"]);
    let elsewhere = run(c).await;
    assert_eq!(code(&elsewhere), 3);
    assert!(text(&elsewhere.stderr).contains("dashboard"), "{}", text(&elsewhere.stderr));
}
