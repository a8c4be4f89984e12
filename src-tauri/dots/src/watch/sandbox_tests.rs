//! The scheduler with the real client against the local sandbox, over loopback, on the
//! real clock with a short interval.

use std::sync::Arc;
use std::time::Duration;

use flowdesk_sandbox::{Fault, FaultSpec, FaultWhen, SandboxConfig, SandboxHandle};
use tokio::sync::mpsc::UnboundedReceiver;

use super::*;
use crate::client::ClientConfig;
use crate::error::ErrorKind;
use crate::request::FlowRequest;
use crate::steps::{Step, StepName};

const CLIENT_ID: &str = "cid_watch";
const API_KEY: &str = "sk_test_Watch8vLr2Np5Wx9K";

async fn sandbox() -> SandboxHandle {
    flowdesk_sandbox::start(SandboxConfig::new(CLIENT_ID, API_KEY)).await.expect("sandbox starts")
}

fn client(sb: &SandboxHandle, key: &str) -> DotsClient {
    let mut config = ClientConfig::new(&sb.base_url(), CLIENT_ID, key).expect("config");
    config.timeout = Duration::from_secs(5);
    DotsClient::new(config).expect("client")
}

async fn next(rx: &mut UnboundedReceiver<WatchEvent>) -> WatchEvent {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("an event within 10 s")
        .expect("the scheduler is running")
}

fn progress_of(e: &WatchEvent) -> (&str, bool, u32, u32, bool) {
    match e {
        WatchEvent::Updated { progress, .. } => ("updated", progress.claimed, progress.completed, progress.total, progress.done),
        WatchEvent::Done { progress, .. } => ("done", progress.claimed, progress.completed, progress.total, progress.done),
        other => panic!("expected a flow, got {other:?}"),
    }
}

#[tokio::test]
async fn watches_a_sandbox_flow_until_it_is_done() {
    let sb = sandbox().await;
    let dots = Arc::new(client(&sb, API_KEY));
    let request = FlowRequest::new(vec![Step::new(StepName::Compliance), Step::new(StepName::ManagePayouts)]);
    let flow = dots.create_flow(&request).await.expect("flow created");
    let config = WatchConfig {
        interval: Duration::from_millis(50),
        max_interval: Duration::from_millis(200),
        ..WatchConfig::default()
    };
    let (h, mut rx) = Scheduler::spawn(config);
    assert!(h.watch_now(flow.id.clone(), dots.clone()));

    let first = next(&mut rx).await;
    assert_eq!(first.id(), flow.id);
    assert_eq!(progress_of(&first), ("updated", false, 0, 2, false));

    sb.claim(&flow.id, None).expect("claimed");
    assert_eq!(progress_of(&next(&mut rx).await), ("updated", true, 0, 2, false));

    // A 503 on the next GET: reported, and the flow is still watched.
    sb.inject(FaultSpec::new(Fault::Status { status: 503, retry_after: None, body: None }, FaultWhen::Before).method("GET"));
    match next(&mut rx).await {
        WatchEvent::Failed { kind, retry_in_ms, .. } => {
            assert_eq!(kind, ErrorKind::Server);
            assert!((100..=200).contains(&retry_in_ms), "{retry_in_ms}");
        }
        other => panic!("{other:?}"),
    }
    // A 429 with Retry-After: 1 → the next GET no sooner than a second later.
    sb.inject(FaultSpec::new(Fault::Status { status: 429, retry_after: Some(1), body: None }, FaultWhen::Before).method("GET"));
    let limited_at = match next(&mut rx).await {
        WatchEvent::Failed { kind, retry_in_ms, .. } => {
            assert_eq!((kind, retry_in_ms), (ErrorKind::RateLimited, 1000));
            std::time::Instant::now()
        }
        other => panic!("{other:?}"),
    };
    assert!(h.is_watched(&flow.id));

    sb.complete_step(&flow.id, "compliance").expect("step completed");
    let e = next(&mut rx).await;
    assert!(limited_at.elapsed() >= Duration::from_millis(900), "polled {:?} after a 429 asking for 1 s", limited_at.elapsed());
    assert_eq!(progress_of(&e), ("updated", true, 1, 2, false));

    sb.complete_step(&flow.id, "manage-payouts").expect("step completed");
    let done = next(&mut rx).await;
    assert_eq!(progress_of(&done), ("done", true, 2, 2, true));
    if let WatchEvent::Done { flow: seen, .. } = &done {
        assert_eq!(seen.completed_steps, vec!["compliance", "manage-payouts"]);
    }
    assert!(!h.is_watched(&flow.id));
    assert!(h.watched().is_empty());

    // Nothing more about it.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(rx.try_recv().is_err());
    h.shutdown();
}

#[tokio::test]
async fn unknown_flows_and_bad_keys_stop_with_a_reason() {
    let sb = sandbox().await;
    let dots = Arc::new(client(&sb, API_KEY));
    let flow = dots
        .create_flow(&FlowRequest::new(vec![Step::new(StepName::Compliance), Step::new(StepName::ManagePayouts)]))
        .await
        .expect("flow created");
    let config = WatchConfig { interval: Duration::from_millis(50), ..WatchConfig::default() };
    let (h, mut rx) = Scheduler::spawn(config);
    let wrong_key: Arc<dyn FlowSource> = Arc::new(client(&sb, "sk_test_not_the_key"));
    h.watch_now(flow.id.clone(), wrong_key);
    h.watch_now("0b5e2a1c-6a0d-4f4e-9d1b-8f1c2e3d4a5b", dots.clone());
    let mut stops = Vec::new();
    for _ in 0..2 {
        match next(&mut rx).await {
            WatchEvent::Stopped { id, reason, kind, .. } => stops.push((id, reason, kind)),
            other => panic!("{other:?}"),
        }
    }
    stops.sort_by(|a, b| a.0.cmp(&b.0));
    let mut want = vec![
        (flow.id.clone(), StopReason::Error, Some(ErrorKind::Unauthorized)),
        ("0b5e2a1c-6a0d-4f4e-9d1b-8f1c2e3d4a5b".to_string(), StopReason::Error, Some(ErrorKind::NotFound)),
    ];
    want.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(stops, want);
    assert!(h.watched().is_empty());
}
