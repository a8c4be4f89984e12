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

/// A request to a `/_sandbox` control, with the sandbox's credentials (the controls take the
/// API's HTTP Basic `client_id:api_key`).
pub fn control_req(
    http: &reqwest::Client,
    sb: &SandboxHandle,
    method: reqwest::Method,
    path: &str,
) -> reqwest::RequestBuilder {
    http.request(method, format!("{}/_sandbox{path}", sb.origin()))
        .basic_auth(CLIENT_ID, Some(API_KEY))
}

/// POSTs a JSON body to a `/_sandbox` control, with the credentials.
pub async fn control(
    http: &reqwest::Client,
    sb: &SandboxHandle,
    path: &str,
    body: Value,
) -> reqwest::Response {
    control_req(http, sb, reqwest::Method::POST, path)
        .json(&body)
        .send()
        .await
        .expect("control request")
}

pub fn post_api(
    http: &reqwest::Client,
    sb: &SandboxHandle,
    path: &str,
    body: &Value,
) -> reqwest::RequestBuilder {
    http.post(format!("{}{path}", sb.base_url()))
        .basic_auth(CLIENT_ID, Some(API_KEY))
        .json(body)
}

/// POSTs raw bytes as JSON (for malformed bodies).
pub fn post_raw(
    http: &reqwest::Client,
    sb: &SandboxHandle,
    path: &str,
    body: &str,
) -> reqwest::RequestBuilder {
    http.post(format!("{}{path}", sb.base_url()))
        .basic_auth(CLIENT_ID, Some(API_KEY))
        .header("content-type", "application/json")
        .body(body.to_string())
}

pub fn delete_api(
    http: &reqwest::Client,
    sb: &SandboxHandle,
    path: &str,
) -> reqwest::RequestBuilder {
    http.delete(format!("{}{path}", sb.base_url()))
        .basic_auth(CLIENT_ID, Some(API_KEY))
}

/// Sends and returns (status, JSON body).
pub async fn call(req: reqwest::RequestBuilder) -> (u16, Value) {
    let resp = req.send().await.expect("request goes through");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("JSON body"))
}

/// Asserts a Dots-shaped error with this status and code.
pub fn assert_error(got: &(u16, Value), status: u16, code: &str) {
    assert_eq!(got.0, status, "{:#}", got.1);
    assert_eq!(got.1["success"], false, "{:#}", got.1);
    assert_eq!(got.1["error"], code, "{:#}", got.1);
    assert!(got.1["message"].as_str().is_some_and(|m| !m.is_empty()));
}

/// Seeds a user with this many cents through the Rust handle; returns its id.
pub fn seed_with(sb: &SandboxHandle, wallet_cents: i64) -> String {
    let u = sb
        .seed_user(flowdesk_sandbox::SeedUser {
            wallet_cents: Some(wallet_cents),
            ..Default::default()
        })
        .expect("seed");
    u["id"].as_str().unwrap().to_string()
}

pub async fn form(http: &reqwest::Client, url: &str, body: &str) -> reqwest::Response {
    http.post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

/// Sends and returns the JSON body, whatever the status.
pub async fn json_of(req: reqwest::RequestBuilder) -> Value {
    req.send()
        .await
        .expect("request goes through")
        .json()
        .await
        .expect("JSON body")
}

/// GETs a `/_sandbox` control route and returns its JSON.
pub async fn control_get(http: &reqwest::Client, sb: &SandboxHandle, path: &str) -> Value {
    json_of(control_req(http, sb, reqwest::Method::GET, path)).await
}

/// Asserts that GET `path` answers a Dots-shaped error with this status and code.
pub async fn assert_get_error(
    http: &reqwest::Client,
    sb: &SandboxHandle,
    path: &str,
    status: u16,
    code: &str,
) {
    assert_error(&call(get_api(http, sb, path)).await, status, code);
}

/// A row's `id` as a string.
pub fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("string id").to_string()
}

/// The ids of a list reply's `data`, in order.
pub fn ids(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .expect("data array")
        .iter()
        .map(id_of)
        .collect()
}

/// `POST /v2/transfers`: (status, JSON body).
pub async fn create_transfer(
    http: &reqwest::Client,
    sb: &SandboxHandle,
    body: Value,
) -> (u16, Value) {
    call(post_api(http, sb, "/v2/transfers", &body)).await
}

/// `POST /v2/payout-links`: (status, JSON body).
pub async fn create_link(http: &reqwest::Client, sb: &SandboxHandle, body: Value) -> (u16, Value) {
    call(post_api(http, sb, "/v2/payout-links", &body)).await
}

/// POSTs the empty form to `{link}{suffix}` (a hosted page's button), e.g. `/claim`.
pub async fn press(http: &reqwest::Client, link: &Value, suffix: &str) -> reqwest::Response {
    let url = link["link"].as_str().expect("link URL");
    form(http, &format!("{url}{suffix}"), "").await
}
