//! `webhooks listen`: a receiver on 127.0.0.1 for the tester's own eyes. It prints each
//! webhook (its event, or a label from its keys when the body names none), says whether its
//! signature verifies, and with `--forward-to` passes it on unchanged (same body, same
//! `svix-*`/`webhook-*` headers) and answers the sender with the backend's reply.
//!
//! The secret comes from a local endpoint by id, an environment variable or stdin, never
//! the command line (where `ps` shows it to every user of the machine).

use std::io::BufRead;
use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use clap::Args;
use flowdesk_dots::{webhook_header, WebhookVerifier};
use serde_json::Value;

use crate::error::CliError;
use crate::Global;

#[derive(Args)]
pub struct ListenArgs {
    /// The port on 127.0.0.1 (0: any free one).
    #[arg(long, default_value_t = 4011)]
    pub port: u16,
    /// Verify with this local endpoint's secret (see `webhooks endpoint list`).
    #[arg(long, value_name = "ID", conflicts_with_all = ["secret_env", "secret_stdin"])]
    pub endpoint: Option<String>,
    /// Verify with the whsec_ secret in this environment variable (e.g. of an endpoint in
    /// Dots' dashboard).
    #[arg(long, value_name = "VAR", conflicts_with = "secret_stdin")]
    pub secret_env: Option<String>,
    /// Read the whsec_ secret from the first line of stdin.
    #[arg(long)]
    pub secret_stdin: bool,
    /// Forward each webhook, unchanged, to this http(s) URL.
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<url::Url>,
}

struct Listener {
    verifier: Option<WebhookVerifier>,
    forward: Option<(reqwest::Client, url::Url)>,
}

pub async fn listen(g: &Global, a: ListenArgs) -> Result<ExitCode, CliError> {
    let secret = match (&a.endpoint, &a.secret_env, a.secret_stdin) {
        (Some(id), _, _) => {
            let core = super::local_core(g).await?;
            Some(core.webhook_endpoint_secret(g.env.as_deref(), id).await?)
        }
        (_, Some(var), _) => Some(std::env::var(var).map_err(|_| CliError::invalid(format!("the environment variable {var} is not set")))?),
        (_, _, true) => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line).map_err(|e| CliError::other(format!("cannot read stdin: {e}")))?;
            Some(line.trim().to_string())
        }
        _ => None,
    };
    let verifier = secret
        .map(|s| WebhookVerifier::new(&s).map_err(|e| CliError::invalid(e.to_string())))
        .transpose()?;
    let forward = match a.forward_to {
        Some(url) if matches!(url.scheme(), "http" | "https") => {
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                // The backend under test is the tester's own, mostly on loopback.
                .no_proxy()
                .timeout(std::time::Duration::from_secs(15))
                .build()
                .map_err(|e| CliError::other(format!("cannot forward: {e}")))?;
            Some((client, url))
        }
        Some(url) => return Err(CliError::invalid(format!("--forward-to takes an http:// or https:// URL, not {url}"))),
        None => None,
    };
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, a.port))
        .await
        .map_err(|e| CliError::other(format!("cannot listen on 127.0.0.1:{}: {e}", a.port)))?;
    let addr = listener.local_addr().map_err(|e| CliError::other(e.to_string()))?;
    let check = if verifier.is_some() { "checking signatures" } else { "not checking signatures (no secret given)" };
    say!("Ready: listening on http://{addr}/, {check}{}", forward.as_ref().map(|(_, u)| format!(", forwarding to {u}")).unwrap_or_default());
    eprintln!("Point the local sandbox at it: flowdesk webhooks endpoint add http://{addr}/ (Ctrl-C stops)");
    let state = Arc::new(Listener { verifier, forward });
    let app = axum::Router::new().fallback(receive).with_state(state);
    tokio::select! {
        served = axum::serve(listener, app) => served.map_err(|e| CliError::other(e.to_string()))?,
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(ExitCode::SUCCESS)
}

async fn receive(State(l): State<Arc<Listener>>, headers: HeaderMap, body: Bytes) -> Response {
    let id = webhook_header(&headers, "id").unwrap_or("-").to_string();
    let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let signature = match &l.verifier {
        None => "signature not checked".to_string(),
        Some(v) => match v.verify(&headers, &body) {
            Ok(_) => "signature ok".to_string(),
            Err(e) => format!("SIGNATURE BAD: {e}"),
        },
    };
    let bad = signature.starts_with("SIGNATURE BAD");
    let started = Instant::now();
    let (status, reply, outcome) = match &l.forward {
        None if bad => (StatusCode::BAD_REQUEST, Bytes::from_static(b"{\"error\":\"signature\"}"), "answered 400".to_string()),
        None => (StatusCode::OK, Bytes::new(), "answered 200".to_string()),
        Some((client, url)) => forward(client, url, &headers, body.clone()).await,
    };
    say!(
        "{}  {:<32} {id}  {signature}  {outcome} ({} ms)",
        chrono_now(),
        label(&json),
        started.elapsed().as_millis()
    );
    say!("    {}", truncate(&String::from_utf8_lossy(&body), 400));
    (status, reply).into_response()
}

/// Sends the webhook on as it came: the same body and signature headers.
async fn forward(client: &reqwest::Client, url: &url::Url, headers: &HeaderMap, body: Bytes) -> (StatusCode, Bytes, String) {
    let mut request = client.post(url.clone()).body(body);
    for (name, value) in headers {
        let n = name.as_str();
        if n == "content-type" || n == "user-agent" || n.starts_with("svix-") || n.starts_with("webhook-") {
            request = request.header(name, value);
        }
    }
    match request.send().await {
        Ok(resp) => {
            let status = StatusCode::from_u16(resp.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
            let reply = resp.bytes().await.unwrap_or_default();
            (status, reply, format!("forwarded: {}", status.as_u16()))
        }
        Err(e) => {
            let why = if e.is_connect() { "refused".to_string() } else if e.is_timeout() { "timed out".to_string() } else { e.without_url().to_string() };
            (StatusCode::BAD_GATEWAY, Bytes::new(), format!("NOT FORWARDED ({why}): answered 502"))
        }
    }
}

/// The body's `event`, or what its keys say it is (several Dots bodies name no event).
pub fn label(body: &Value) -> String {
    if let Some(e) = body.get("event").and_then(Value::as_str) {
        return e.to_string();
    }
    let Some(o) = body.as_object() else {
        return if body.is_null() { "(not JSON)".into() } else { "(not an object)".into() };
    };
    let has = |k: &str| o.contains_key(k);
    if has("transfer") && has("transfer_id") {
        "transfer.completed|failed".into()
    } else if o.len() == 1 && has("user_id") {
        "user.updated.*".into()
    } else if has("payee") || (has("link") && has("amount")) {
        "payout_link.claimed|sent|paid_out".into()
    } else {
        format!("(keys: {})", o.keys().cloned().collect::<Vec<_>>().join(", "))
    }
}

fn chrono_now() -> String {
    chrono::Utc::now().format("%H:%M:%S").to_string()
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn bodies_without_an_event_are_labelled_by_their_keys() {
        assert_eq!(label(&json!({"event": "flow.updated", "flow_id": "f"})), "flow.updated");
        assert_eq!(label(&json!({"user_id": "u"})), "user.updated.*");
        assert_eq!(label(&json!({"transfer": {}, "transfer_id": "t"})), "transfer.completed|failed");
        assert_eq!(label(&json!({"id": "l", "link": "x", "amount": 5, "payee": {}})), "payout_link.claimed|sent|paid_out");
        assert_eq!(label(&json!({"a": 1})), "(keys: a)");
        assert_eq!(label(&json!([1])), "(not an object)");
        assert_eq!(label(&serde_json::Value::Null), "(not JSON)");
    }
}
