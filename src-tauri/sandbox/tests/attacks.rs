//! What a web page open in a browser on the same machine could try against the sandbox, and
//! that each attempt is refused with nothing changed: the controls need the API's credentials
//! and a JSON body, no route answers another host name (DNS rebinding), and nothing changes
//! for a request from another site's page. The hosted pages' own form posts still work.

mod common;

use common::*;
use flowdesk_sandbox::SandboxHandle;
use reqwest::Method;
use serde_json::{json, Value};

/// Everything an attack could change: the counts, the app balance, the request counts, the
/// pending faults, and the flows and payout links the test knows of.
#[derive(Debug, PartialEq)]
struct Snapshot {
    stats: Value,
    faults: Value,
    flows: Vec<Value>,
    links: Vec<Value>,
}

async fn snapshot(sb: &SandboxHandle, flows: &[&str], links: &[&str]) -> Snapshot {
    Snapshot {
        // Through the control itself (requests under /_sandbox are never counted).
        stats: control_get(&client(), sb, "/stats").await,
        faults: serde_json::to_value(sb.pending_faults()).unwrap(),
        flows: flows
            .iter()
            .map(|id| serde_json::to_value(sb.flow(id)).unwrap())
            .collect(),
        links: links
            .iter()
            .map(|id| sb.payout_link(id).unwrap_or(Value::Null))
            .collect(),
    }
}

/// A sandbox with a flow (no user yet), a second flow with a signed-in user, and an open
/// payout link; returns their ids.
async fn scene(sb: &SandboxHandle) -> (String, String, String) {
    let http = client();
    let fresh = create(&http, sb, json!({"steps": ["compliance", "payout"]})).await;
    let claimed = create(&http, sb, json!({"steps": ["compliance"]})).await;
    sb.claim(id_of(&claimed), None).unwrap();
    let (status, link) = create_link(
        &http,
        sb,
        json!({"amount": 1500, "payee": {"first_name": "Pat", "last_name": "Lee", "email": "pat@example.com"}}),
    )
    .await;
    assert!(status == 201 || status == 202, "{link}");
    (id_of(&fresh), id_of(&claimed), id_of(&link))
}

/// Sends and returns (status, body as JSON or Null).
async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let resp = req.send().await.expect("request goes through");
    let status = resp.status().as_u16();
    let json = resp.json().await.unwrap_or(Value::Null);
    (status, json)
}

/// Asserts the JSON refusal, e.g. (401, "unauthorized").
fn refused(got: &(u16, Value), status: u16, code: &str, what: &str) {
    assert_eq!(got.0, status, "{what}: {:#}", got.1);
    assert_eq!(got.1["success"], false, "{what}: {:#}", got.1);
    assert_eq!(got.1["error"], code, "{what}: {:#}", got.1);
}

/// The `status` fault an attacker would queue: any request then gets a "flow" whose `link`
/// points at a phishing page.
fn phishing_fault(flow_id: &str) -> Value {
    let body = json!({"id": flow_id, "created": "2024-07-11T21:10:30.846081", "user_id": null,
                      "steps": ["compliance"], "completed_steps": [],
                      "link": "https://phish.example/login", "metadata": null, "payout_link_id": null});
    json!({"fault": {"kind": "status", "status": 200, "body": body.to_string()}, "count": 100})
}

fn form_post(http: &reqwest::Client, url: &str) -> reqwest::RequestBuilder {
    http.post(url)
        .header("content-type", "application/x-www-form-urlencoded")
}

#[tokio::test]
async fn controls_without_credentials_change_nothing() {
    let sb = sandbox().await;
    let http = client();
    let (fresh, claimed, link) = scene(&sb).await;
    sb.inject(
        flowdesk_sandbox::FaultSpec::new(
            flowdesk_sandbox::Fault::Latency { ms: 1 },
            flowdesk_sandbox::FaultWhen::Before,
        )
        .path_prefix("/api/v2/nothing"),
    );
    let ids = [fresh.as_str(), claimed.as_str()];
    let before = snapshot(&sb, &ids, &[&link]).await;
    assert_eq!(before.stats["flows"], 2);

    let origin = sb.origin();
    let url = |path: &str| format!("{origin}/_sandbox{path}");
    let attacks: Vec<(&str, reqwest::RequestBuilder)> = vec![
        (
            "reset, no credentials",
            http.post(url("/reset")).json(&json!({})),
        ),
        (
            "reset, right client id, wrong key",
            http.post(url("/reset"))
                .basic_auth(CLIENT_ID, Some("sandbox_key"))
                .json(&json!({})),
        ),
        (
            "reset, the key under another client id",
            http.post(url("/reset"))
                .basic_auth("sandbox_client", Some(API_KEY))
                .json(&json!({})),
        ),
        (
            "status fault with an attacker's body",
            http.post(url("/faults")).json(&phishing_fault(&fresh)),
        ),
        (
            "huge_body fault of 256 MiB",
            http.post(url("/faults")).json(
                &json!({"fault": {"kind": "huge_body", "bytes": 256 * 1024 * 1024}, "count": 1000}),
            ),
        ),
        (
            "no-cors text/plain fault, no credentials",
            http.post(url("/faults"))
                .header("content-type", "text/plain;charset=UTF-8")
                .body(phishing_fault(&fresh).to_string()),
        ),
        ("clear faults", http.delete(url("/faults"))),
        (
            "complete a step",
            http.post(url(&format!("/flows/{fresh}/complete")))
                .json(&json!({"step": "compliance"})),
        ),
        (
            "claim a flow",
            http.post(url(&format!("/flows/{fresh}/claim")))
                .json(&json!({})),
        ),
        (
            "seed a user",
            http.post(url("/users"))
                .json(&json!({"wallet_cents": 1_000_000})),
        ),
        (
            "set the app balance",
            http.post(url("/app-balance")).json(&json!({"cents": 0})),
        ),
        ("read the stats", http.get(url("/stats"))),
        ("read the faults", http.get(url("/faults"))),
        ("read the app balance", http.get(url("/app-balance"))),
        (
            "an unknown control",
            http.post(url("/nope")).json(&json!({})),
        ),
    ];
    for (what, req) in attacks {
        let got = send(req).await;
        refused(&got, 401, "unauthorized", what);
        assert_eq!(
            snapshot(&sb, &ids, &[&link]).await,
            before,
            "{what} changed something"
        );
    }

    // The API still answers the real flow with its real link: no phishing fault got queued.
    let flow = json_of(get_api(&http, &sb, &format!("/v2/flows/{fresh}"))).await;
    assert_eq!(flow["link"], format!("{origin}/flow/{fresh}"));
}

#[tokio::test]
async fn a_control_post_that_is_not_json_is_refused_even_with_credentials() {
    let sb = sandbox().await;
    let (fresh, claimed, link) = scene(&sb).await;
    let ids = [fresh.as_str(), claimed.as_str()];
    let before = snapshot(&sb, &ids, &[&link]).await;
    let http = client();
    let post = |path: &str| control_req(&http, &sb, Method::POST, path);
    let fault = phishing_fault(&fresh).to_string();
    let attacks: Vec<(&str, reqwest::RequestBuilder)> = vec![
        (
            "text/plain fault",
            post("/faults")
                .header("content-type", "text/plain")
                .body(fault.clone()),
        ),
        (
            "text/plain reset",
            post("/reset")
                .header("content-type", "text/plain")
                .body("{}"),
        ),
        ("no content type reset", post("/reset")),
        (
            "form-encoded complete",
            post(&format!("/flows/{fresh}/complete"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("step=compliance"),
        ),
        (
            "multipart seed",
            post("/users")
                .header("content-type", "multipart/form-data; boundary=x")
                .body("--x--"),
        ),
    ];
    for (what, req) in attacks {
        let got = send(req).await;
        refused(&got, 415, "unsupported_media_type", what);
        assert_eq!(
            snapshot(&sb, &ids, &[&link]).await,
            before,
            "{what} changed something"
        );
    }
    // The same with JSON goes through.
    let r = control(&http, &sb, "/reset", json!({})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(sb.flow_count(), 0);
}

#[tokio::test]
async fn a_foreign_host_name_is_refused_on_every_route() {
    let sb = sandbox().await;
    let (fresh, claimed, link) = scene(&sb).await;
    // A queued fault must not be used up by a refused request either.
    sb.inject(flowdesk_sandbox::FaultSpec::new(
        flowdesk_sandbox::Fault::Drop,
        flowdesk_sandbox::FaultWhen::Before,
    ));
    let ids = [fresh.as_str(), claimed.as_str()];
    let before = snapshot(&sb, &ids, &[&link]).await;
    let http = client();
    let port = sb.addr().port();
    let origin = sb.origin();
    let base = sb.base_url();
    // DNS rebinding: the page's own name, now resolving to 127.0.0.1, with the right port;
    // also a name with another port, and no port.
    for host in [
        format!("evil.example:{port}"),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        "localhost".to_string(),
    ] {
        let attacks: Vec<(&str, reqwest::RequestBuilder)> = vec![
            (
                "API read",
                http.get(format!("{base}/v2/flows"))
                    .basic_auth(CLIENT_ID, Some(API_KEY)),
            ),
            (
                "API create",
                http.post(format!("{base}/v2/flows"))
                    .basic_auth(CLIENT_ID, Some(API_KEY))
                    .json(&json!({"steps": ["compliance"]})),
            ),
            ("hosted page", http.get(format!("{origin}/flow/{fresh}"))),
            (
                "hosted onboarding",
                form_post(&http, &format!("{origin}/flow/{fresh}/onboard"))
                    .body("email=eve%40evil.example"),
            ),
            (
                "hosted step",
                form_post(
                    &http,
                    &format!("{origin}/flow/{claimed}/steps/compliance/complete"),
                ),
            ),
            (
                "payout link page",
                http.get(format!("{origin}/payout-link/{link}")),
            ),
            (
                "payout link claim",
                form_post(&http, &format!("{origin}/payout-link/{link}/claim")),
            ),
            (
                "control reset with credentials",
                control_req(&http, &sb, Method::POST, "/reset").json(&json!({})),
            ),
            (
                "control stats with credentials",
                control_req(&http, &sb, Method::GET, "/stats"),
            ),
        ];
        for (what, req) in attacks {
            let got = send(req.header("host", host.as_str())).await;
            refused(
                &got,
                421,
                "misdirected_request",
                &format!("{what} as {host}"),
            );
            assert_eq!(
                snapshot(&sb, &ids, &[&link]).await,
                before,
                "{what} as {host} changed something"
            );
        }
    }
    // The same requests with the sandbox's own names are served.
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
    ] {
        let resp = http
            .get(format!("{origin}/flow/{fresh}"))
            .header("host", host.as_str())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{host}");
    }
}

/// Raw bytes, so the request line and headers are exactly an attacker's (an absolute target
/// naming another host; no Host header at all).
async fn raw(sb: &SandboxHandle, request: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(sb.addr()).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn a_missing_host_or_a_foreign_absolute_target_is_refused() {
    let sb = sandbox().await;
    let (fresh, claimed, link) = scene(&sb).await;
    let ids = [fresh.as_str(), claimed.as_str()];
    let before = snapshot(&sb, &ids, &[&link]).await;
    let port = sb.addr().port();
    let body = "{}";
    let auth = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{API_KEY}"))
    };
    for (what, head) in [
        ("no Host", "POST /_sandbox/reset HTTP/1.0\r\n".to_string()),
        (
            "absolute target on another host",
            format!("POST http://evil.example:{port}/_sandbox/reset HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"),
        ),
        (
            "two Host headers",
            format!("POST /_sandbox/reset HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example:{port}\r\n"),
        ),
    ] {
        let reply = raw(
            &sb,
            format!(
                "{head}Authorization: Basic {auth}\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        )
        .await;
        assert!(reply.starts_with("HTTP/1.1 421") || reply.starts_with("HTTP/1.0 421"), "{what}: {reply}");
        assert!(reply.contains("misdirected_request"), "{what}: {reply}");
        assert_eq!(snapshot(&sb, &ids, &[&link]).await, before, "{what} changed something");
    }
}

#[tokio::test]
async fn a_foreign_origin_cannot_change_anything() {
    let sb = sandbox().await;
    let (fresh, claimed, link) = scene(&sb).await;
    let ids = [fresh.as_str(), claimed.as_str()];
    let before = snapshot(&sb, &ids, &[&link]).await;
    let http = client();
    let port = sb.addr().port();
    let origin = sb.origin();
    let base = sb.base_url();
    let other_local = format!("http://127.0.0.1:{}", port.wrapping_add(1));
    let https_self = format!("https://127.0.0.1:{port}");
    for (foreign, header) in [
        ("https://evil.example", "origin"),
        ("null", "origin"),
        (other_local.as_str(), "origin"),
        (https_self.as_str(), "origin"),
        ("cross-site", "sec-fetch-site"),
        ("same-site", "sec-fetch-site"),
    ] {
        let attacks: Vec<(&str, reqwest::RequestBuilder)> = vec![
            (
                "API create",
                http.post(format!("{base}/v2/flows"))
                    .basic_auth(CLIENT_ID, Some(API_KEY))
                    .json(&json!({"steps": ["compliance"]})),
            ),
            (
                "API cancel a payout link",
                http.delete(format!("{base}/v2/payout-links/{link}"))
                    .basic_auth(CLIENT_ID, Some(API_KEY)),
            ),
            (
                "hosted onboarding",
                form_post(&http, &format!("{origin}/flow/{fresh}/onboard"))
                    .body("email=eve%40evil.example"),
            ),
            (
                "hosted step",
                form_post(
                    &http,
                    &format!("{origin}/flow/{claimed}/steps/compliance/complete"),
                ),
            ),
            (
                "payout link claim",
                form_post(&http, &format!("{origin}/payout-link/{link}/claim")),
            ),
            (
                "control reset with credentials",
                control_req(&http, &sb, Method::POST, "/reset").json(&json!({})),
            ),
            (
                "control fault with credentials",
                control_req(&http, &sb, Method::POST, "/faults").json(&phishing_fault(&fresh)),
            ),
            (
                "control clear faults with credentials",
                control_req(&http, &sb, Method::DELETE, "/faults"),
            ),
        ];
        for (what, req) in attacks {
            let got = send(req.header(header, foreign)).await;
            refused(
                &got,
                403,
                "forbidden_origin",
                &format!("{what} from {header}: {foreign}"),
            );
            assert_eq!(
                snapshot(&sb, &ids, &[&link]).await,
                before,
                "{what} from {header}: {foreign} changed something"
            );
        }
    }
    // Reads carry no risk (the browser keeps the reply from the other site): a foreign
    // Origin on a GET is served.
    let resp = http
        .get(format!("{origin}/flow/{fresh}"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

/// What a browser sends on the hosted pages' own forms: Origin = the sandbox, Sec-Fetch-Site
/// = same-origin. Those still work, on 127.0.0.1 and on localhost.
#[tokio::test]
async fn same_origin_hosted_form_posts_still_work() {
    let sb = sandbox().await;
    let (fresh, claimed, link) = scene(&sb).await;
    let http = client();
    let origin = sb.origin();
    let port = sb.addr().port();
    let browser = |req: reqwest::RequestBuilder, own: &str| {
        req.header("origin", own)
            .header("sec-fetch-site", "same-origin")
            .header("sec-fetch-mode", "navigate")
            .header("referer", format!("{own}/"))
    };

    let own = origin.clone();
    let r = browser(
        form_post(&http, &format!("{origin}/flow/{fresh}/onboard")),
        &own,
    )
    .body("first_name=Ann&email=ann%40example.com")
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    assert!(sb.flow(&fresh).unwrap().user_id.is_some());
    let r = browser(
        form_post(
            &http,
            &format!("{origin}/flow/{fresh}/steps/compliance/complete"),
        ),
        &own,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(sb.flow(&fresh).unwrap().completed_steps, ["compliance"]);

    // Opened as http://localhost:PORT, the page's forms post with that origin.
    let own = format!("http://localhost:{port}");
    let r = browser(
        form_post(
            &http,
            &format!("{own}/flow/{claimed}/steps/compliance/complete"),
        ),
        &own,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(sb.flow(&claimed).unwrap().completed_steps, ["compliance"]);
    let r = browser(
        form_post(&http, &format!("{own}/payout-link/{link}/claim")),
        &own,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(sb.payout_link(&link).unwrap()["status"], "claimed");

    // A person typing the address (Sec-Fetch-Site: none) and programs (no Origin) pass too.
    let r = form_post(
        &http,
        &format!("{origin}/flow/{fresh}/steps/payout/complete"),
    )
    .header("sec-fetch-site", "none")
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        sb.flow(&fresh).unwrap().completed_steps,
        ["compliance", "payout"]
    );
}

/// The credentials, the JSON body and the sandbox's own origin together: the control works.
#[tokio::test]
async fn controls_with_credentials_json_and_own_origin_work() {
    let sb = sandbox().await;
    let http = client();
    let r = control_req(&http, &sb, Method::POST, "/app-balance")
        .header("origin", sb.origin())
        .json(&json!({"cents": 42}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(sb.app_balance_cents(), 42);
    let endpoint = sb.endpoint();
    assert_eq!(
        (endpoint.client_id.as_str(), endpoint.api_key.as_str()),
        (CLIENT_ID, API_KEY)
    );
    assert_eq!(endpoint.origin, sb.origin());
}

/// On a sandbox that keeps its state in a file, refused requests do not even rewrite the file,
/// and what was there is still there after a restart.
#[tokio::test]
async fn refused_requests_leave_the_state_file_alone() {
    let dir = std::env::temp_dir().join(format!(
        "flowdesk-sandbox-attacks-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.json");
    let config = flowdesk_sandbox::SandboxConfig {
        state_file: Some(state.clone()),
        ..flowdesk_sandbox::SandboxConfig::new(CLIENT_ID, API_KEY)
    };
    let sb = flowdesk_sandbox::start(config.clone()).await.unwrap();
    let http = client();
    let flow = id_of(&create(&http, &sb, json!({"steps": ["compliance"]})).await);
    let written = || {
        (
            std::fs::read(&state).unwrap(),
            std::fs::metadata(&state).unwrap().modified().unwrap(),
        )
    };
    let before = written();
    let port = sb.addr().port();
    let reset = format!("{}/_sandbox/reset", sb.origin());
    for (what, req) in [
        ("no credentials", http.post(&reset).json(&json!({}))),
        (
            "text/plain",
            control_req(&http, &sb, Method::POST, "/reset")
                .header("content-type", "text/plain")
                .body("{}"),
        ),
        (
            "foreign Origin",
            control_req(&http, &sb, Method::POST, "/reset")
                .header("origin", "https://evil.example")
                .json(&json!({})),
        ),
        (
            "foreign Host",
            control_req(&http, &sb, Method::POST, "/reset")
                .header("host", format!("evil.example:{port}"))
                .json(&json!({})),
        ),
    ] {
        let status = req.send().await.unwrap().status().as_u16();
        assert!([401, 415, 403, 421].contains(&status), "{what}: {status}");
        assert!(written() == before, "{what}: the state file was written");
    }
    sb.shutdown().await;
    let again = flowdesk_sandbox::start(config).await.unwrap();
    assert!(again.flow(&flow).is_some(), "the flow survived");
    again.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}
