//! Every fault kind, both `before` and `after_commit`, over real loopback HTTP.

mod common;

use std::time::{Duration, Instant};

use common::*;
use flowdesk_sandbox::{Fault, FaultSpec, FaultWhen, SandboxHandle};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BODY: &str = r#"{"steps":["compliance"]}"#;

fn on_create(fault: Fault, when: FaultWhen) -> FaultSpec {
    FaultSpec::new(fault, when)
        .method("POST")
        .path_prefix("/api/v2/flows")
}

async fn send_create(
    http: &reqwest::Client,
    sb: &SandboxHandle,
) -> reqwest::Result<reqwest::Response> {
    post_flow(http, sb, &serde_json::from_str::<Value>(BODY).unwrap())
        .send()
        .await
}

/// The only flow's JSON, read through the API (so the fault queue must be empty by now).
async fn only_flow(http: &reqwest::Client, sb: &SandboxHandle) -> Value {
    let list = json_of(get_api(http, sb, "/v2/flows")).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    list["data"][0].clone()
}

#[tokio::test]
async fn status_before_and_after_commit() {
    let sb = sandbox().await;
    let http = client();
    sb.inject(on_create(
        Fault::Status {
            status: 500,
            retry_after: Some(2),
            body: None,
        },
        FaultWhen::Before,
    ));
    let resp = send_create(&http, &sb).await.unwrap();
    assert_eq!(resp.status(), 500);
    assert_eq!(resp.headers()["retry-after"], "2");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["success"], false);
    assert_eq!(sb.flow_count(), 0, "before: nothing happened");

    sb.inject(on_create(
        Fault::Status {
            status: 503,
            retry_after: None,
            body: Some("upstream busy".into()),
        },
        FaultWhen::AfterCommit,
    ));
    let resp = send_create(&http, &sb).await.unwrap();
    assert_eq!(resp.status(), 503);
    assert!(resp.headers().get("retry-after").is_none());
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    assert_eq!(resp.text().await.unwrap(), "upstream busy");
    assert_eq!(
        sb.flow_count(),
        1,
        "after_commit: the flow exists though the reply was lost"
    );

    // The queue is used up: the next create is normal.
    assert_eq!(send_create(&http, &sb).await.unwrap().status(), 200);
    assert_eq!(sb.flow_count(), 2);
}

fn created_at(flow: &Value) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(
        flow["created"].as_str().unwrap(),
        "%Y-%m-%dT%H:%M:%S%.6f",
    )
    .unwrap()
}

#[tokio::test]
async fn latency_before_and_after_commit() {
    let sb = sandbox().await;
    let http = client();
    for when in [FaultWhen::Before, FaultWhen::AfterCommit] {
        sb.inject(on_create(Fault::Latency { ms: 600 }, when));
        let sent = chrono::Utc::now().naive_utc();
        let t = Instant::now();
        let resp = send_create(&http, &sb).await.unwrap();
        let elapsed = t.elapsed();
        assert_eq!(resp.status(), 200);
        assert!(elapsed >= Duration::from_millis(600), "{elapsed:?}");
        let flow: Value = resp.json().await.unwrap();
        let commit_delay = (created_at(&flow) - sent).num_milliseconds();
        match when {
            // Slept first, then handled: created after the delay.
            FaultWhen::Before => assert!(commit_delay >= 550, "{commit_delay}"),
            // Handled first, reply delayed.
            FaultWhen::AfterCommit => assert!(commit_delay < 550, "{commit_delay}"),
        }
    }
    assert_eq!(sb.flow_count(), 2);
}

#[tokio::test]
async fn malformed_json_before_and_after_commit() {
    let sb = sandbox().await;
    let http = client();
    sb.inject(on_create(Fault::MalformedJson, FaultWhen::Before));
    let resp = send_create(&http, &sb).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/json");
    let text = resp.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    assert_eq!(sb.flow_count(), 0);

    sb.inject(on_create(Fault::MalformedJson, FaultWhen::AfterCommit));
    let resp = send_create(&http, &sb).await.unwrap();
    assert_eq!(resp.status(), 200);
    let text = resp.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    assert_eq!(sb.flow_count(), 1);
    // The truncation is of the real reply: it starts with the committed flow's id.
    let flow = only_flow(&http, &sb).await;
    assert!(
        text.starts_with(&format!("{{\"id\":\"{}\"", flow["id"].as_str().unwrap())),
        "{text}"
    );
}

#[tokio::test]
async fn wrong_content_type_before_and_after_commit() {
    let sb = sandbox().await;
    let http = client();
    for (when, expected_flows) in [(FaultWhen::Before, 0), (FaultWhen::AfterCommit, 1)] {
        sb.inject(on_create(Fault::WrongContentType, when));
        let resp = send_create(&http, &sb).await.unwrap();
        assert_eq!(resp.status(), 200);
        assert!(resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert!(resp.text().await.unwrap().starts_with("<!doctype html>"));
        assert_eq!(sb.flow_count(), expected_flows);
    }
}

#[tokio::test]
async fn huge_body_before_and_after_commit() {
    let sb = sandbox().await;
    let http = client();
    for (when, expected_flows) in [(FaultWhen::Before, 0), (FaultWhen::AfterCommit, 1)] {
        sb.inject(on_create(
            Fault::HugeBody {
                bytes: 10 * 1024 * 1024,
            },
            when,
        ));
        let resp = send_create(&http, &sb).await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["content-type"], "application/json");
        let bytes = resp.bytes().await.unwrap();
        assert_eq!(bytes.len(), 10 * 1024 * 1024);
        assert!(bytes.starts_with(b"{\"data\":\""));
        assert_eq!(sb.flow_count(), expected_flows);
    }
}

/// Sends a create over a raw socket and returns every byte the server sent before closing.
async fn raw_create(sb: &SandboxHandle) -> Vec<u8> {
    let mut s = tokio::net::TcpStream::connect(sb.addr()).await.unwrap();
    let auth = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{API_KEY}"))
    };
    let req = format!(
        "POST /api/v2/flows HTTP/1.1\r\nHost: {}\r\nAuthorization: Basic {auth}\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{BODY}",
        sb.addr(),
        BODY.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut got))
        .await
        .expect("server closes the socket");
    // A reset instead of a clean close is fine too: either way no bytes came.
    let _ = read;
    got
}

#[tokio::test]
async fn drop_sends_no_bytes_before_and_after_commit() {
    let sb = sandbox().await;
    for (when, expected_flows) in [(FaultWhen::Before, 0), (FaultWhen::AfterCommit, 1)] {
        sb.inject(on_create(Fault::Drop, when));
        let got = raw_create(&sb).await;
        assert!(
            got.is_empty(),
            "no response bytes at all, got {:?}",
            String::from_utf8_lossy(&got)
        );
        assert_eq!(sb.flow_count(), expected_flows);
    }
    // Without a fault the same raw request gets a real reply.
    let got = raw_create(&sb).await;
    assert!(
        got.starts_with(b"HTTP/1.1 200"),
        "{:?}",
        String::from_utf8_lossy(&got)
    );
}

#[tokio::test]
async fn drop_is_a_connection_error_for_a_client() {
    let sb = sandbox().await;
    let http = client();
    for (when, expected_flows) in [(FaultWhen::Before, 0), (FaultWhen::AfterCommit, 1)] {
        sb.inject(on_create(Fault::Drop, when));
        let err = send_create(&http, &sb)
            .await
            .expect_err("dropped connection");
        assert!(err.status().is_none() && !err.is_timeout(), "{err:?}");
        assert!(
            err.is_request()
                || err.is_connect()
                || err.to_string().contains("error sending request"),
            "{err:?}"
        );
        assert_eq!(sb.flow_count(), expected_flows);
    }
    let flow = only_flow(&http, &sb).await;
    assert_eq!(flow["steps"], json!(["compliance"]));
}

#[tokio::test]
async fn faults_are_fifo_filtered_counted_and_api_only() {
    let sb = sandbox().await;
    let http = client();
    let faults = |m| control_req(&http, &sb, m, "/faults");
    // Over HTTP, as a non-Rust test would.
    let r = faults(reqwest::Method::POST)
        .json(&json!({"fault": {"kind": "status", "status": 502}, "when": "before", "count": 2, "method": "GET"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r: Value = r.json().await.unwrap();
    assert_eq!(r["pending"], 1);
    assert_eq!(r["queued"]["when"], "before");
    let r = faults(reqwest::Method::POST)
        .json(&json!({"fault": {"kind": "status", "status": 429, "retry_after": 7}, "path_prefix": "/api/v2/flows"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["queued"]["count"], 1);

    // Hosted pages and controls are never faulted.
    let page = http
        .get(format!("{}/flow/{}", sb.origin(), uuid::Uuid::new_v4()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
    let pending = json_of(faults(reqwest::Method::GET)).await;
    assert_eq!(pending["pending"].as_array().unwrap().len(), 2);

    // POST skips the GET-only fault and takes the next matching one.
    let resp = send_create(&http, &sb).await.unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "7");
    assert_eq!(sb.flow_count(), 0);
    // The GET-only fault hits twice, then it is used up.
    for _ in 0..2 {
        assert_eq!(
            get_api(&http, &sb, "/v2/flows")
                .send()
                .await
                .unwrap()
                .status(),
            502
        );
    }
    assert_eq!(
        get_api(&http, &sb, "/v2/flows")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert!(sb.pending_faults().is_empty());

    // FIFO among matching faults.
    for status in [500, 501] {
        sb.inject(FaultSpec::new(
            Fault::Status {
                status,
                retry_after: None,
                body: None,
            },
            FaultWhen::Before,
        ));
    }
    assert_eq!(
        get_api(&http, &sb, "/v2/flows")
            .send()
            .await
            .unwrap()
            .status(),
        500
    );
    assert_eq!(
        get_api(&http, &sb, "/v2/flows")
            .send()
            .await
            .unwrap()
            .status(),
        501
    );

    // A path_prefix that does not match leaves the fault queued.
    sb.inject(on_create(Fault::Drop, FaultWhen::Before).path_prefix("/api/v2/other"));
    assert_eq!(send_create(&http, &sb).await.unwrap().status(), 200);
    assert_eq!(sb.pending_faults().len(), 1);

    // DELETE clears over HTTP; clear_faults clears directly.
    let r = json_of(faults(reqwest::Method::DELETE)).await;
    assert_eq!(r["cleared"], 1);
    sb.inject(on_create(Fault::Drop, FaultWhen::Before));
    sb.clear_faults();
    assert_eq!(send_create(&http, &sb).await.unwrap().status(), 200);
    assert_eq!(sb.flow_count(), 2);
}

#[tokio::test]
async fn invalid_fault_specs_are_rejected() {
    let sb = sandbox().await;
    let http = client();
    let post = || control_req(&http, &sb, reqwest::Method::POST, "/faults");
    for spec in [
        json!({"fault": {"kind": "explode"}}),
        json!({"fault": {"kind": "status"}}),
        json!({"fault": {"kind": "status", "status": 42}}),
        json!({"fault": {"kind": "drop"}, "count": 0}),
        json!({"fault": {"kind": "drop"}, "when": "later"}),
        json!({"fault": {"kind": "huge_body", "bytes": 1u64 << 40}}),
        json!({"when": "before"}),
    ] {
        let resp = post().json(&spec).send().await.unwrap();
        assert_eq!(resp.status(), 400, "{spec}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["success"], false);
        assert!(!body["message"].as_str().unwrap().is_empty());
    }
    let resp = post()
        .header("content-type", "application/json")
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert!(sb.pending_faults().is_empty());
}
