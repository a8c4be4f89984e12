//! No webhook secret reaches a log line: everything the sandbox logs (at every level) while
//! endpoints are added, deliveries fail, retry and succeed, and a journal with a broken line
//! is read back, is captured and searched for the secret.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use flowdesk_sandbox::receiver::Receiver;
use flowdesk_sandbox::{start, SandboxConfig};

const API_KEY: &str = "sk_local_distinctive_9f3a";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_in_any_log_line() {
    let logs = Captured::default();
    let writer = logs.clone();
    tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_writer(move || writer.clone()).init();

    let dir = std::env::temp_dir().join(format!("flowdesk-webhook-logs-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("sandbox-state.json");
    let config = || SandboxConfig { state_file: Some(state.clone()), webhook_speedup: 10_000, ..SandboxConfig::new("cid", API_KEY) };
    let sb = start(config()).await.unwrap();
    let rx = Receiver::start(0, &[500, 500]).await.unwrap();
    let endpoint = sb.add_webhook_endpoint(&rx.url()).unwrap();
    let dead = sb.add_webhook_endpoint("http://127.0.0.1:9/refused").unwrap();
    let user = sb.seed_user(Default::default()).unwrap()["id"].as_str().unwrap().to_string();
    let flow = reqwest::Client::new()
        .post(format!("{}/v2/flows", sb.base_url()))
        .basic_auth("cid", Some(API_KEY))
        .json(&serde_json::json!({"steps": ["compliance"], "user_id": user}))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    sb.complete_step(flow["id"].as_str().unwrap(), "compliance").unwrap();
    assert_eq!(rx.wait_for(3, Duration::from_secs(20)).await.len(), 3, "two 500s, then delivered");
    sb.shutdown().await;

    // A journal line cut short, then read back.
    let journal = flowdesk_sandbox::webhooks_journal(&state);
    // A real endpoint record, with the real secret, cut short: serde's message about it
    // would quote the secret.
    let record = format!("{{\"t\":\"endpoint\",\"endpoint\":{{\"id\":\"{}\",\"secret\":\"{}\",\"url\":", endpoint.id, endpoint.secret());
    std::fs::OpenOptions::new().append(true).open(&journal).unwrap().write_all(record.as_bytes()).unwrap();
    let sb = start(config()).await.unwrap();
    sb.shutdown().await;

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("webhook attempt"), "the logs were captured: {text}");
    for secret in [endpoint.secret(), dead.secret()] {
        assert!(!text.contains(&secret[6..]), "a secret in the logs");
    }
    assert!(!text.contains(API_KEY), "nor the sandbox's API key");
    std::fs::remove_dir_all(dir).unwrap();
}
