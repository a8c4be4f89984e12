//! The sender: one task takes due deliveries and posts each in a task of its own, so a slow
//! or dead endpoint holds up nothing else. Each attempt is signed afresh (Svix signs the
//! timestamp too) and recorded in the journal before the next is scheduled.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::task::JoinSet;

use super::{Attempt, Outgoing, REPLY_KEPT_BYTES};
use crate::server::{lock, Shared};

/// Svix gives a receiver about 15 s to answer.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(15);
/// Attempts in flight at once.
const MAX_SENDING: usize = 32;

pub(crate) async fn run_dispatcher(st: Arc<Shared>) {
    let client = match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // The receivers are the tester's own, mostly on loopback: never through a proxy.
        .no_proxy()
        .timeout(ATTEMPT_TIMEOUT)
        .user_agent(concat!("Svix-Webhooks/1.0 (flowdesk-sandbox ", env!("CARGO_PKG_VERSION"), ")"))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "webhooks cannot be sent: no HTTP client");
            return;
        }
    };
    let mut running = JoinSet::new();
    loop {
        let room = MAX_SENDING.saturating_sub(running.len());
        let (batch, next) = if room > 0 {
            // Off the async workers: failing a delivery to a gone endpoint is journaled.
            let taker = st.clone();
            tokio::task::spawn_blocking(move || lock(&taker.webhooks).take_due(Utc::now(), room)).await.unwrap_or_default()
        } else {
            (Vec::new(), None)
        };
        for outgoing in batch {
            running.spawn(attempt_and_record(client.clone(), st.clone(), outgoing));
        }
        let wait = next.map(|at| (at - Utc::now()).to_std().unwrap_or(Duration::ZERO));
        tokio::select! {
            _ = st.webhook_wake.notified() => {}
            Some(_) = running.join_next(), if !running.is_empty() => {}
            _ = sleep_for(wait), if wait.is_some() && room > 0 => {}
        }
    }
}

async fn sleep_for(wait: Option<Duration>) {
    if let Some(d) = wait {
        tokio::time::sleep(d).await;
    }
}

async fn attempt_and_record(client: reqwest::Client, st: Arc<Shared>, outgoing: Outgoing) {
    let attempt = post(&client, &outgoing).await;
    tracing::info!(delivery = %outgoing.delivery_id, status = ?attempt.status_code, ms = attempt.latency_ms, "webhook attempt");
    let writer = st.clone();
    let recorded = tokio::task::spawn_blocking(move || lock(&writer.webhooks).record(&outgoing, attempt)).await;
    if let Err(e) = recorded {
        tracing::error!(error = %e, "a webhook attempt was not recorded");
    }
    st.webhook_wake.notify_one();
}

/// The headers Svix sends, signed with the endpoint's secret.
pub fn signed_headers(message_id: &str, secret: &str, timestamp: i64, body: &str) -> Result<Vec<(String, String)>, String> {
    let signer = standardwebhooks::Webhook::new(secret).map_err(|e| format!("the endpoint's secret is unusable: {e}"))?;
    let signature = signer.sign(message_id, timestamp, body.as_bytes()).map_err(|e| format!("cannot sign: {e}"))?;
    Ok(vec![
        ("content-type".into(), "application/json".into()),
        ("svix-id".into(), message_id.into()),
        ("svix-timestamp".into(), timestamp.to_string()),
        ("svix-signature".into(), signature),
    ])
}

async fn post(client: &reqwest::Client, o: &Outgoing) -> Attempt {
    let at = Utc::now();
    let started = Instant::now();
    let failed = |headers: Vec<(String, String)>, error: String, started: Instant| Attempt {
        request_headers: headers,
        latency_ms: started.elapsed().as_millis() as u64,
        ..Attempt::not_sent(at, error)
    };
    let headers = match signed_headers(&o.message_id, &o.secret, at.timestamp(), &o.body) {
        Ok(h) => h,
        Err(e) => return failed(Vec::new(), e, started),
    };
    let mut request = client.post(&o.url).body(o.body.clone());
    for (name, value) in &headers {
        request = request.header(name, value);
    }
    let mut response = match request.send().await {
        Ok(r) => r,
        // Without the URL: the tester may have put a token in it.
        Err(e) => return failed(headers, describe(&e), started),
    };
    let status = response.status().as_u16();
    let mut reply = Vec::new();
    let mut error = None;
    while reply.len() < REPLY_KEPT_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => reply.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(e) => {
                error = Some(describe(&e));
                break;
            }
        }
    }
    reply.truncate(REPLY_KEPT_BYTES);
    Attempt {
        at,
        request_headers: headers,
        status_code: Some(status),
        latency_ms: started.elapsed().as_millis() as u64,
        reply: String::from_utf8_lossy(&reply).into_owned(),
        error,
    }
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        format!("no reply within {} s", ATTEMPT_TIMEOUT.as_secs())
    } else if e.is_connect() {
        "the connection was refused or could not be made".into()
    } else {
        let mut text = e.to_string();
        if let Some(url) = e.url() {
            text = text.replace(url.as_str(), "the endpoint");
        }
        text
    }
}
