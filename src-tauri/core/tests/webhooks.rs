//! Webhooks through the core, on the local sandbox it hosts: endpoints, deliveries, resend and
//! test events, audited without secrets; the live status of local flows follows the
//! sandbox's events instead of polling.

use std::sync::Arc;
use std::time::{Duration, Instant};

use flowdesk_core::{Core, CoreEvent, CoreOptions, DeliveryQuery, DeliveryState, LocalMode, Scripted};
use flowdesk_dots::WatchEvent;
use flowdesk_sandbox::home::SandboxHome;
use flowdesk_sandbox::receiver::Receiver;
use flowdesk_settings::{Credentials, MemoryStore};
use serde_json::{json, Value};

/// The environment the webhook methods act for.
const L: Option<&str> = Some("local");

const WAIT: Duration = Duration::from_secs(20);

async fn core_in(dir: &std::path::Path) -> Core {
    let options = CoreOptions {
        local: LocalMode::Host,
        ..CoreOptions::new(dir, Credentials::new(MemoryStore::new()), Arc::new(Scripted::always(false)))
    };
    Core::start(options).await.expect("core starts")
}

/// POSTs to the local sandbox's API with the credentials its data folder holds.
async fn sandbox_post(dir: &std::path::Path, path: &str, body: Value) -> Value {
    let e = SandboxHome::new(dir).endpoint().unwrap();
    let url = if path.starts_with("/_sandbox") { format!("{}{path}", e.origin) } else { format!("{}{path}", e.base_url()) };
    let resp = reqwest::Client::new().post(url).basic_auth(&e.client_id, Some(&e.api_key)).json(&body).send().await.unwrap();
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
    resp.json().await.unwrap()
}

async fn get_count(dir: &std::path::Path) -> u64 {
    let e = SandboxHome::new(dir).endpoint().unwrap();
    let stats: Value = reqwest::Client::new()
        .get(format!("{}/_sandbox/stats", e.origin))
        .basic_auth(&e.client_id, Some(&e.api_key))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    stats["requests"]["GET /api/v2/flows/{id}"].as_u64().unwrap_or(0)
}

#[tokio::test]
async fn endpoints_deliveries_and_test_events_through_the_core() {
    let dir = tempfile::tempdir().unwrap();
    let core = core_in(dir.path()).await;
    let rx = Receiver::start(0, &[503]).await.unwrap();
    let endpoint = core.webhook_endpoint_add(L, &rx.url()).await.unwrap();
    assert!(endpoint.enabled);
    let bad = core.webhook_endpoint_add(L, "ftp://example.com/").await.unwrap_err();
    assert!(bad.message.contains("http"), "{bad:?}");

    let user = sandbox_post(dir.path(), "/_sandbox/users", json!({"status": "verified"})).await["id"].as_str().unwrap().to_string();
    let sent = core.webhook_trigger(L, "user.updated.payout_method", Some(&user)).await.unwrap();
    assert_eq!((sent.subject.as_str(), sent.id.as_str(), sent.deliveries.len()), ("user", user.as_str(), 1));
    let unknown = core.webhook_trigger(L, "flow.created", None).await.unwrap_err();
    assert!(unknown.message.contains("flow.updated"), "the message lists the events: {unknown:?}");

    // The first attempt gets 503; the log shows it, and a resend delivers.
    let got = rx.wait_for(1, WAIT).await;
    assert_eq!(got[0].json(), json!({"user_id": user}));
    let deadline = Instant::now() + WAIT;
    let delivery = loop {
        let page = core.webhook_deliveries(L, &DeliveryQuery::default()).await.unwrap();
        let d = page.data[0].clone();
        if d.attempts >= 1 || Instant::now() > deadline {
            break d;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(delivery.last_status_code, Some(503));
    assert_eq!(delivery.status, DeliveryState::Pending, "retried on Svix's schedule");
    core.webhook_resend(L, &delivery.id).await.unwrap();
    assert_eq!(rx.wait_for(2, WAIT).await.len(), 2);
    let detail = core.webhook_delivery(L, &delivery.id).await.unwrap();
    assert_eq!(detail.event, "user.updated.payout_method");
    assert!(detail.attempts.iter().any(|a| a.status_code == Some(200)));
    assert!(detail.attempts[0].request_headers.iter().any(|(n, _)| n == "svix-signature"));
    let failed = core.webhook_deliveries(L, &DeliveryQuery { status: Some(DeliveryState::Failed), ..Default::default() }).await.unwrap();
    assert!(failed.data.is_empty());

    // The secret, on request only; never in the audit log.
    let secret = core.webhook_endpoint_secret(L, &endpoint.id).await.unwrap();
    assert!(secret.starts_with("whsec_"));
    let audit = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
    assert!(audit.contains("webhook.secret_reveal"), "the reveal is audited");
    assert!(!audit.contains(&secret[6..]), "no secret in the audit log");
    let export = core.audit_export_csv().await.unwrap();
    assert!(export.contains("webhook.endpoint_add") && !export.contains(&secret[6..]), "nor in its export");
    let off = core.webhook_endpoint_set_enabled(L, &endpoint.id, false).await.unwrap();
    assert!(!off.enabled);
    core.webhook_endpoint_remove(L, &endpoint.id).await.unwrap();
    assert!(core.webhook_endpoints(L).await.unwrap().is_empty());
    let gone = core.webhook_endpoint_secret(L, &endpoint.id).await.unwrap_err();
    assert_eq!(serde_json::to_value(&gone).unwrap()["kind"], "not_found");
}

#[tokio::test]
async fn sandbox_and_production_say_where_webhooks_are_set() {
    let dir = tempfile::tempdir().unwrap();
    let core = core_in(dir.path()).await;
    assert!(core.webhooks_scope(Some("local")).unwrap().here);
    let sandbox = core.webhooks_scope(Some("sandbox")).unwrap();
    assert!(!sandbox.here);
    assert!(sandbox.message.contains("dashboard"));
    let refused = core.require_local_webhooks(Some("production")).unwrap_err();
    assert_eq!(serde_json::to_value(&refused).unwrap()["kind"], "webhooks_not_local");
    // Every webhook method holds to it: nothing is read or changed for another environment.
    let listed = core.webhook_endpoints(Some("sandbox")).await.unwrap_err();
    assert_eq!(serde_json::to_value(&listed).unwrap()["kind"], "webhooks_not_local");
    let added = core.webhook_endpoint_add(Some("production"), "https://example.com/").await.unwrap_err();
    assert_eq!(serde_json::to_value(&added).unwrap()["kind"], "webhooks_not_local");
    assert!(core.webhook_endpoints(L).await.unwrap().is_empty(), "nothing was added");
}

#[tokio::test]
async fn local_flows_follow_pushed_events_and_are_not_polled_while_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let core = core_in(dir.path()).await;
    // Every flow would be read every second if it were polled.
    core.set_poll_interval_for_this_run(Duration::from_secs(1));
    let mut events = core.subscribe();
    let mut ids = Vec::new();
    for _ in 0..200 {
        let f = sandbox_post(dir.path(), "/v2/flows", json!({"steps": ["compliance"]})).await;
        ids.push(f["id"].as_str().unwrap().to_string());
    }
    for id in &ids {
        core.watch_flow(id.clone(), "local").await.unwrap();
    }
    // The first read of each (in process: no HTTP), then quiet.
    let deadline = Instant::now() + WAIT;
    let mut first_reads = 0;
    while first_reads < 200 {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, events.recv()).await {
            Ok(Ok(CoreEvent::Watch(WatchEvent::Updated { .. }))) => first_reads += 1,
            Ok(Ok(_)) => {}
            other => panic!("the first reads did not happen: {other:?}"),
        }
    }
    let before = get_count(dir.path()).await;
    tokio::time::sleep(Duration::from_secs(3)).await; // the window measured, not a wait for something
    assert_eq!(get_count(dir.path()).await - before, 0, "no GETs while nothing changes (polling would have made ~600)");
    assert_eq!(before, 0, "pushed flows are read in process, never over HTTP");

    // A change on the hosted page side reaches the live status at once.
    while events.try_recv().is_ok() {} // the first reads' updates
    let target = ids[123].clone();
    sandbox_post(dir.path(), &format!("/_sandbox/flows/{target}/claim"), json!({})).await;
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, events.recv()).await {
            Ok(Ok(CoreEvent::Watch(WatchEvent::Updated { id, flow, .. }))) if id == target => {
                assert!(flow.user_id.is_some(), "the claim is seen");
                break;
            }
            Ok(Ok(_)) => continue,
            other => panic!("no update for the pushed flow: {other:?}"),
        }
    }
}

#[tokio::test]
async fn the_app_wallet_is_shown_where_it_can_be_known() {
    let dir = tempfile::tempdir().unwrap();
    let core = core_in(dir.path()).await;
    sandbox_post(dir.path(), "/_sandbox/app-balance", json!({"cents": 123_456})).await;
    let local = core.app_wallet(Some("local")).await.unwrap();
    assert_eq!(local.cents, Some(123_456));
    // An App key (no app id): the core says why there is no number.
    let sandbox = core.app_wallet(Some("sandbox")).await.unwrap();
    assert_eq!(sandbox.cents, None);
    assert!(sandbox.note.contains("Organization keys"), "{}", sandbox.note);

    // An Organization key: GET /v2/apps/{app_id} on a Dots (here a second sandbox).
    let dots = flowdesk_sandbox::start(flowdesk_sandbox::SandboxConfig::new("org_cid", "org_key")).await.unwrap();
    dots.set_app_balance_cents(98_765);
    let org = flowdesk_settings::NewEnvironment {
        name: "Org".into(),
        base_url: dots.base_url(),
        app_id: Some("0b4c8a0e-6f7d-4a4e-9d51-0c1f3e2a7b66".into()),
        production: false,
    };
    let id = core.add_environment(org).await.unwrap();
    core.save_credentials(id.clone(), "org_cid".into(), "org_key".to_string().into()).await.unwrap();
    let wallet = core.app_wallet(Some(&id)).await.unwrap();
    assert_eq!(wallet.cents, Some(98_765), "{}", wallet.note);
}
