//! Webhook delivery: signed, retried on Svix's schedule (compressed), recorded per attempt,
//! never held up by a dead endpoint, kept across a restart.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::*;
use flowdesk_sandbox::receiver::Receiver;
use flowdesk_sandbox::webhooks::{DeliveryFilter, DeliveryStatus};
use flowdesk_sandbox::{start, SandboxConfig, SandboxHandle};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(20);

async fn sandbox_with(speedup: u32, state_file: Option<PathBuf>, port: u16) -> SandboxHandle {
    start(SandboxConfig { webhook_speedup: speedup, state_file, port, ..SandboxConfig::new(CLIENT_ID, API_KEY) })
        .await
        .expect("sandbox starts")
}

async fn add_endpoint(http: &reqwest::Client, sb: &SandboxHandle, url: &str) -> Value {
    let resp = control(http, sb, "/webhooks/endpoints", json!({"url": url})).await;
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

/// A flow with the given steps, claimed by a new user.
async fn claimed_flow(http: &reqwest::Client, sb: &SandboxHandle, steps: &[&str]) -> String {
    let flow = create(http, sb, json!({"steps": steps})).await;
    let id = id_of(&flow);
    sb.claim(&id, None).unwrap();
    id
}

/// Waits until the delivery leaves `pending` (or the deadline passes) and returns it.
async fn settled(sb: &SandboxHandle, id: uuid::Uuid) -> flowdesk_sandbox::webhooks::Delivery {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let d = sb.webhook_delivery(id).expect("the delivery exists");
        if d.status != DeliveryStatus::Pending || std::time::Instant::now() > deadline {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn all(sb: &SandboxHandle) -> Vec<flowdesk_sandbox::webhooks::Delivery> {
    sb.webhook_deliveries(&DeliveryFilter { limit: Some(500), ..Default::default() })
}

#[tokio::test]
async fn every_completed_step_sends_a_signed_flow_updated() {
    let sb = sandbox_with(1, None, 0).await;
    let http = client();
    let rx = Receiver::start(0, &[]).await.unwrap();
    add_endpoint(&http, &sb, &rx.url()).await;
    let flow = claimed_flow(&http, &sb, &["compliance", "id-verification"]).await;
    sb.complete_step(&flow, "compliance").unwrap();
    sb.complete_step(&flow, "id-verification").unwrap();
    sb.complete_step(&flow, "compliance").unwrap(); // again: nothing new happened

    // Onboarding (the claim), two steps, and the user event id verification implies.
    let got = rx.wait_for(4, WAIT).await;
    assert_eq!(got.len(), 4, "{got:?}");
    let flow_updates = got.iter().filter(|r| r.json()["event"] == "flow.updated").count();
    assert_eq!(flow_updates, 3);
    assert!(got.iter().all(|r| r.json().get("flow_id").is_none_or(|f| f == flow.as_str())));
    let user = got.iter().find(|r| r.json().get("event").is_none()).expect("a user event has no `event` key");
    assert!(user.json()["user_id"].is_string());
    for r in &got {
        assert!(r.header("svix-id").unwrap().starts_with("msg_"));
        assert!(r.header("svix-timestamp").unwrap().parse::<i64>().is_ok());
        assert!(r.header("svix-signature").unwrap().starts_with("v1,"));
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
    // Each delivery is recorded with its event type beside the body.
    let events: Vec<String> = all(&sb).iter().map(|d| d.event.clone()).collect();
    assert_eq!(events.iter().filter(|e| *e == "user.updated.ide_verified").count(), 1, "{events:?}");
}

#[tokio::test]
async fn a_receiver_that_fails_twice_gets_three_attempts_all_logged() {
    // 5 s and 5 min compressed 10 000 times: 0.5 ms and 30 ms.
    let sb = sandbox_with(10_000, None, 0).await;
    let http = client();
    let rx = Receiver::start(0, &[500, 500, 200]).await.unwrap();
    add_endpoint(&http, &sb, &rx.url()).await;
    let flow = claimed_flow(&http, &sb, &["compliance"]).await;
    let got = rx.wait_for(3, WAIT).await;
    assert_eq!(got.len(), 3);
    assert!(got.iter().all(|r| r.header("svix-id") == got[0].header("svix-id")), "one message, three attempts");

    let d = all(&sb).into_iter().find(|d| d.body.contains(&flow)).unwrap();
    let d = settled(&sb, d.id).await;
    assert_eq!(d.status, DeliveryStatus::Succeeded);
    let codes: Vec<Option<u16>> = d.attempts.iter().map(|a| a.status_code).collect();
    assert_eq!(codes, [Some(500), Some(500), Some(200)]);
    assert!(d.attempts.windows(2).all(|w| w[0].at <= w[1].at));
    // Over the control: the list and the delivery with its headers and replies.
    let list = control_get(&http, &sb, "/webhooks/deliveries?event=flow.updated").await;
    assert_eq!(list["data"][0]["attempts"], 3);
    assert_eq!(list["data"][0]["status"], "succeeded");
    let one = control_get(&http, &sb, &format!("/webhooks/deliveries/{}", d.id)).await;
    assert_eq!(one["attempts"].as_array().unwrap().len(), 3);
    assert!(one["attempts"][0]["request_headers"].to_string().contains("svix-signature"));
    let failed = control_get(&http, &sb, "/webhooks/deliveries?status=failed").await;
    assert_eq!(failed["data"], json!([]));
}

#[tokio::test]
async fn a_delivery_that_fails_its_whole_schedule_is_failed_and_blocks_no_other() {
    // The whole schedule (about 27.6 h) compressed to about 0.1 s.
    let sb = sandbox_with(1_000_000, None, 0).await;
    let http = client();
    let dead = Receiver::start(0, &[]).await.unwrap();
    let dead_url = dead.url();
    dead.stop().await; // nothing listens there now: every attempt is refused
    let alive = Receiver::start(0, &[]).await.unwrap();
    let dead_endpoint = add_endpoint(&http, &sb, &dead_url).await;
    add_endpoint(&http, &sb, &alive.url()).await;
    claimed_flow(&http, &sb, &["compliance"]).await;

    assert_eq!(alive.wait_for(1, WAIT).await.len(), 1, "the live endpoint got its delivery");
    let to_dead = all(&sb).into_iter().find(|d| d.endpoint_id.to_string() == dead_endpoint["id"]).unwrap();
    let d = settled(&sb, to_dead.id).await;
    assert_eq!(d.status, DeliveryStatus::Failed);
    assert_eq!(d.attempts.len(), flowdesk_sandbox::webhooks::SCHEDULE.len(), "every attempt of the schedule");
    assert!(d.attempts.iter().all(|a| a.status_code.is_none() && a.error.is_some()));
    let failed = control_get(&http, &sb, "/webhooks/deliveries?status=failed").await;
    assert_eq!(failed["data"].as_array().unwrap().len(), 1);

    // Resent by hand: a fresh schedule, its attempts kept.
    let resent = control(&http, &sb, &format!("/webhooks/deliveries/{}/resend", d.id), json!({})).await;
    assert_eq!(resent.status(), 200);
    let d = settled(&sb, d.id).await;
    assert_eq!(d.attempts.len(), 2 * flowdesk_sandbox::webhooks::SCHEDULE.len());
}

#[tokio::test]
async fn a_pending_delivery_survives_a_restart_and_is_retried_afterwards() {
    let dir = std::env::temp_dir().join(format!("flowdesk-webhooks-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("sandbox-state.json");
    let http = client();
    // A port to come back to: nothing listens on it during the first run.
    let probe = Receiver::start(0, &[]).await.unwrap();
    let port = probe.port();
    let url = probe.url();
    probe.stop().await;

    // 1000×: the second attempt is 5 ms after the first, the third 300 ms after that.
    let sb = sandbox_with(1000, Some(state.clone()), 0).await;
    add_endpoint(&http, &sb, &url).await;
    let flow = claimed_flow(&http, &sb, &["compliance"]).await;
    let id = all(&sb)[0].id;
    let deadline = std::time::Instant::now() + WAIT;
    while sb.webhook_delivery(id).unwrap().attempts.is_empty() {
        assert!(std::time::Instant::now() < deadline, "no first attempt");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    sb.shutdown().await;

    let journal = flowdesk_sandbox::webhooks_journal(&state);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&journal).unwrap().permissions().mode() & 0o777, 0o600, "it holds the secrets");
    }

    let rx = Receiver::start(port, &[]).await.unwrap();
    let sb = sandbox_with(1000, Some(state.clone()), 0).await;
    let got = rx.wait_for(1, WAIT).await;
    assert!(!got.is_empty(), "the delivery was retried after the restart");
    assert_eq!(got[0].json()["flow_id"], flow);
    let d = settled(&sb, id).await;
    assert_eq!(d.status, DeliveryStatus::Succeeded);
    assert!(d.attempts.len() >= 2, "the refused attempt before the restart is kept: {:?}", d.attempts);
    assert!(d.attempts[0].status_code.is_none());
    sb.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn secrets_are_shown_only_when_asked_for() {
    let sb = sandbox_with(1, None, 0).await;
    let http = client();
    let rx = Receiver::start(0, &[]).await.unwrap();
    let endpoint = add_endpoint(&http, &sb, &rx.url()).await;
    let id = endpoint["id"].as_str().unwrap();
    let secret = control_get(&http, &sb, &format!("/webhooks/endpoints/{id}/secret")).await["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_") && secret.len() > 40, "{secret}");
    claimed_flow(&http, &sb, &["compliance"]).await;
    rx.wait_for(1, WAIT).await;
    for path in ["/webhooks/endpoints".to_string(), "/webhooks/deliveries".to_string()] {
        let text = control_get(&http, &sb, &path).await.to_string();
        assert!(!text.contains(&secret[6..]), "{path} shows the secret");
    }
    let d = all(&sb)[0].id;
    let text = control_get(&http, &sb, &format!("/webhooks/deliveries/{d}")).await.to_string();
    assert!(!text.contains(&secret[6..]));
    // Without the sandbox's credentials, no secret.
    let anon = http.get(format!("{}/_sandbox/webhooks/endpoints/{id}/secret", sb.origin())).send().await.unwrap();
    assert_eq!(anon.status(), 401);
}

#[tokio::test]
async fn endpoints_can_be_disabled_and_removed_and_bad_urls_are_refused() {
    let sb = sandbox_with(1, None, 0).await;
    let http = client();
    for bad in ["ftp://x/", "not a url", "http://user:pw@127.0.0.1/x"] {
        let resp = control(&http, &sb, "/webhooks/endpoints", json!({"url": bad})).await;
        assert_eq!(resp.status(), 400, "{bad}");
    }
    let rx = Receiver::start(0, &[]).await.unwrap();
    let e = add_endpoint(&http, &sb, &rx.url()).await;
    let id = e["id"].as_str().unwrap();
    let off = control_req(&http, &sb, reqwest::Method::PATCH, &format!("/webhooks/endpoints/{id}"))
        .json(&json!({"enabled": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(off.status(), 200);
    claimed_flow(&http, &sb, &["compliance"]).await;
    assert!(all(&sb).is_empty(), "a disabled endpoint gets nothing");
    let gone = control_req(&http, &sb, reqwest::Method::DELETE, &format!("/webhooks/endpoints/{id}")).send().await.unwrap();
    assert_eq!(gone.status(), 200);
    assert_eq!(control_get(&http, &sb, "/webhooks/endpoints").await, json!([]));
}

#[tokio::test]
async fn trigger_sends_any_event_about_a_real_object() {
    let sb = sandbox_with(1, None, 0).await;
    let http = client();
    let rx = Receiver::start(0, &[]).await.unwrap();
    add_endpoint(&http, &sb, &rx.url()).await;
    let none = control(&http, &sb, "/webhooks/trigger", json!({"event": "transfer.completed"})).await;
    assert_eq!(none.status(), 409, "no transfer to send about");
    let unknown = control(&http, &sb, "/webhooks/trigger", json!({"event": "flow.created"})).await;
    assert_eq!(unknown.status(), 400);

    let user = seed_with(&sb, 500);
    let t = create_transfer(&http, &sb, json!({"amount": 100, "user_id": user})).await;
    rx.wait_for(2, WAIT).await; // the transfer's own transfer.updated and transfer.completed
    let sent = control(&http, &sb, "/webhooks/trigger", json!({"event": "transfer.completed"})).await;
    assert_eq!(sent.status(), 200);
    let got = rx.wait_for(3, WAIT).await;
    let last = got.last().unwrap().json();
    assert_eq!(last["transfer_id"], t.1["id"], "{last}");
    assert_eq!(last["transfer"]["id"], t.1["id"]);
}

/// Accepts connections and never answers: an endpoint that hangs each attempt until timeout.
async fn hanging_endpoint() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((conn, _)) = listener.accept().await {
            held.push(conn);
        }
    });
    (url, task)
}

#[tokio::test]
async fn an_endpoint_that_never_answers_holds_up_no_other() {
    let sb = sandbox_with(1, None, 0).await;
    let http = client();
    let (hang_url, _hang) = hanging_endpoint().await;
    let alive = Receiver::start(0, &[]).await.unwrap();
    add_endpoint(&http, &sb, &hang_url).await;
    add_endpoint(&http, &sb, &alive.url()).await;
    let user = seed_with(&sb, 0);
    // 40 events: 40 deliveries to each endpoint, more than the sender has slots.
    for _ in 0..40 {
        let sent = control(&http, &sb, "/webhooks/trigger", json!({"event": "user.updated.payout_method", "id": user})).await;
        assert_eq!(sent.status(), 200);
    }
    // Well inside the 15 s a hanging attempt takes to time out.
    let got = alive.wait_for(40, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 40, "the live endpoint got every delivery while the other hung");

    // The ones being sent (at most 4 to one endpoint) cannot be resent at the same time;
    // the ones waiting for a slot can.
    let mut refused = 0;
    for d in all(&sb).into_iter().filter(|d| d.endpoint_url == hang_url) {
        let resend = control(&http, &sb, &format!("/webhooks/deliveries/{}/resend", d.id), json!({})).await;
        match resend.status().as_u16() {
            409 => refused += 1,
            200 => {}
            other => panic!("resend answered {other}"),
        }
    }
    assert_eq!(refused, flowdesk_sandbox::webhooks::PER_ENDPOINT_IN_FLIGHT, "exactly the ones in flight");
}

#[tokio::test]
async fn a_removed_endpoint_leaves_no_secret_on_disk_and_the_journal_stays_small() {
    let dir = std::env::temp_dir().join(format!("flowdesk-webhooks-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("sandbox-state.json");
    let http = client();
    let sb = sandbox_with(1, Some(state.clone()), 0).await;
    let rx = Receiver::start(0, &[]).await.unwrap();
    let gone = add_endpoint(&http, &sb, &rx.url()).await;
    let gone_id = gone["id"].as_str().unwrap().to_string();
    let secret = control_get(&http, &sb, &format!("/webhooks/endpoints/{gone_id}/secret")).await["secret"].as_str().unwrap().to_string();
    let kept = add_endpoint(&http, &sb, &rx.url()).await;
    claimed_flow(&http, &sb, &["compliance"]).await;
    rx.wait_for(2, WAIT).await;
    for d in all(&sb) {
        // Each attempt journaled before the rewrite below.
        assert_eq!(settled(&sb, d.id).await.status, DeliveryStatus::Succeeded);
    }
    let journal = flowdesk_sandbox::webhooks_journal(&state);
    assert!(std::fs::read_to_string(&journal).unwrap().contains(&secret[6..]));
    let removed = control_req(&http, &sb, reqwest::Method::DELETE, &format!("/webhooks/endpoints/{gone_id}")).send().await.unwrap();
    assert_eq!(removed.status(), 200);
    let text = std::fs::read_to_string(&journal).unwrap();
    assert!(!text.contains(&secret[6..]), "the removed endpoint's secret is gone from the disk");
    assert!(text.contains(kept["id"].as_str().unwrap()));
    // One line per endpoint and delivery after the rewrite; the deliveries survive it.
    assert_eq!(text.lines().count(), 1 + all(&sb).len());
    sb.shutdown().await;
    let sb = sandbox_with(1, Some(state.clone()), 0).await;
    assert_eq!(all(&sb).len(), 2, "both deliveries are still in the log");
    sb.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}
