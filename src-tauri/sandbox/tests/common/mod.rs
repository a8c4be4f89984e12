//! Shared helpers for the loopback HTTP tests.
#![allow(dead_code)]

use flowdesk_sandbox::{start, SandboxConfig, SandboxHandle};
use serde_json::Value;

pub const CLIENT_ID: &str = "cid_test";
pub const API_KEY: &str = "key_test_123";

pub async fn sandbox() -> SandboxHandle {
    start(SandboxConfig::new(CLIENT_ID, API_KEY))
        .await
        .expect("sandbox starts")
}

/// A client that never uses a proxy and never follows redirects, so tests see real 303s.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("client builds")
}

pub fn post_flow(
    http: &reqwest::Client,
    sb: &SandboxHandle,
    body: &Value,
) -> reqwest::RequestBuilder {
    http.post(format!("{}/v2/flows", sb.base_url()))
        .basic_auth(CLIENT_ID, Some(API_KEY))
        .json(body)
}

pub fn get_api(http: &reqwest::Client, sb: &SandboxHandle, path: &str) -> reqwest::RequestBuilder {
    http.get(format!("{}{path}", sb.base_url()))
        .basic_auth(CLIENT_ID, Some(API_KEY))
}

/// Creates a flow and returns its JSON, asserting 200.
pub async fn create(http: &reqwest::Client, sb: &SandboxHandle, body: Value) -> Value {
    let resp = post_flow(http, sb, &body)
        .send()
        .await
        .expect("request goes through");
    assert_eq!(resp.status(), 200, "create failed");
    resp.json().await.expect("flow JSON")
}

pub async fn control(
    http: &reqwest::Client,
    sb: &SandboxHandle,
    path: &str,
    body: Value,
) -> reqwest::Response {
    http.post(format!("{}/_sandbox{path}", sb.origin()))
        .json(&body)
        .send()
        .await
        .expect("control request")
}
