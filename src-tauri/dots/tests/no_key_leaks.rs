//! The api_key (and the Authorization header made from it) never shows up in an error's
//! text or Debug output, nor in any log line, whatever happens to a request.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use common::*;
use flowdesk_dots::{ClientConfig, DotsClient, ListParams, Step, StepName};
use serde_json::json;

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
async fn the_key_appears_in_no_error_and_no_log_line() {
    let logs = Captured::default();
    let sink = logs.clone();
    // Everything, from every crate (reqwest, hyper, the sandbox), at the most verbose level.
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let sb = sandbox().await;
    let c = client_with(&sb, API_KEY, Duration::from_millis(400));
    let mut errors = Vec::new();

    let flow = c.create_flow(&simple_request()).await.unwrap();
    c.get_flow(&flow.id).await.unwrap();
    c.list_flows(&ListParams { limit: Some(1), ..Default::default() }).await.unwrap();

    for fault in [
        json!({"kind": "status", "status": 401}),
        json!({"kind": "status", "status": 429, "retry_after": 1}),
        json!({"kind": "status", "status": 500}),
        json!({"kind": "latency", "ms": 1500}),
        json!({"kind": "drop"}),
        json!({"kind": "malformed_json"}),
        json!({"kind": "wrong_content_type"}),
    ] {
        for when in ["before", "after_commit"] {
            inject(&sb, json!({"fault": fault, "when": when})).await;
            errors.push(c.create_flow(&simple_request()).await.unwrap_err());
            inject(&sb, json!({"fault": fault, "when": when})).await;
            errors.push(c.get_flow(&flow.id).await.unwrap_err());
        }
    }
    errors.push(client_with(&sb, "sk_test_not_the_key", Duration::from_secs(2)).get_flow(&flow.id).await.unwrap_err());
    errors.push(c.get_flow("no-such-flow").await.unwrap_err());
    let mut invalid = simple_request();
    invalid.steps.push(Step::new(StepName::Redirect));
    errors.push(c.create_flow(&invalid).await.unwrap_err());
    errors.push(c.check_target(&"https://api.dots.dev/api/v2/flows".parse().unwrap()).unwrap_err());
    let base = sb.base_url();
    sb.shutdown().await;
    let offline = DotsClient::new(ClientConfig::new(&base, CLIENT_ID, API_KEY).unwrap()).unwrap();
    errors.push(offline.list_flows(&ListParams::default()).await.unwrap_err());

    let header = base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{API_KEY}"));
    let secrets = [API_KEY, header.as_str(), &API_KEY[..12]];
    assert!(errors.len() >= 30);
    for e in &errors {
        for text in [e.to_string(), format!("{e:?}")] {
            for s in secrets {
                assert!(!text.contains(s), "error leaks the key: {text}");
            }
        }
    }
    for s in secrets {
        assert!(!format!("{c:?}").contains(s), "client Debug leaks the key");
    }

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    // The capture really saw the client's and the HTTP stack's lines...
    assert!(logs.contains("dots request"), "no client log captured");
    assert!(logs.lines().count() > 50, "too few lines captured: {}", logs.lines().count());
    // ...and none of them carries the key.
    for s in secrets {
        assert!(!logs.contains(s), "a log line leaks the key");
    }
}
