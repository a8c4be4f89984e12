//! Shared set-up: a local sandbox on a free loopback port and a client pointed at it.
#![allow(dead_code)]

use std::time::Duration;

use flowdesk_dots::{ClientConfig, DotsClient, FlowRequest, Step, StepName};
use flowdesk_sandbox::{SandboxConfig, SandboxHandle};
use serde_json::Value;

pub const CLIENT_ID: &str = "cid_test";
pub const API_KEY: &str = "sk_test_Zq8vLr2Np5Wx9KeY";

pub async fn sandbox() -> SandboxHandle {
    flowdesk_sandbox::start(SandboxConfig::new(CLIENT_ID, API_KEY)).await.expect("sandbox starts")
}

pub fn client_with(sandbox: &SandboxHandle, key: &str, timeout: Duration) -> DotsClient {
    let mut config = ClientConfig::new(&sandbox.base_url(), CLIENT_ID, key).unwrap();
    config.timeout = timeout;
    DotsClient::new(config).unwrap()
}

pub fn client(sandbox: &SandboxHandle) -> DotsClient {
    client_with(sandbox, API_KEY, Duration::from_secs(5))
}

/// Queues a fault through the sandbox's HTTP test controls (the same way a person would).
pub async fn inject(sandbox: &SandboxHandle, spec: Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}/_sandbox/faults", sandbox.origin()))
        .basic_auth(CLIENT_ID, Some(API_KEY))
        .json(&spec)
        .send()
        .await
        .expect("fault control reachable");
    assert!(resp.status().is_success(), "fault refused: {}", resp.text().await.unwrap_or_default());
}

pub async fn control(sandbox: &SandboxHandle, path: &str, body: Value) -> Value {
    let resp = reqwest::Client::new()
        .post(format!("{}/_sandbox{path}", sandbox.origin()))
        .basic_auth(CLIENT_ID, Some(API_KEY))
        .json(&body)
        .send()
        .await
        .expect("control reachable");
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
    resp.json().await.unwrap()
}

pub fn simple_request() -> FlowRequest {
    FlowRequest::new(vec![Step::new(StepName::Compliance), Step::new(StepName::ManagePayouts)])
}
