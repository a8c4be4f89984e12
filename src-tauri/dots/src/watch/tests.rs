//! The scheduler on tokio's paused clock: no real waiting, every instant exact.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::{sleep, Instant};

use super::*;
use crate::error::ErrorKind;

type Script = Box<dyn Fn(&str, usize) -> Result<Flow, DotsError> + Send + Sync>;

/// A FlowSource whose replies are a function of (id, how many times this id was asked
/// before), and which records the instant of every call.
struct Fake {
    script: Script,
    delay: Duration,
    calls: Mutex<Vec<(String, Instant)>>,
    running: AtomicUsize,
    most_running: AtomicUsize,
}

impl Fake {
    fn new(script: impl Fn(&str, usize) -> Result<Flow, DotsError> + Send + Sync + 'static) -> Arc<Fake> {
        Fake::slow(Duration::ZERO, script)
    }

    fn slow(delay: Duration, script: impl Fn(&str, usize) -> Result<Flow, DotsError> + Send + Sync + 'static) -> Arc<Fake> {
        Arc::new(Fake {
            script: Box::new(script),
            delay,
            calls: Mutex::new(Vec::new()),
            running: AtomicUsize::new(0),
            most_running: AtomicUsize::new(0),
        })
    }

    /// Seconds since `start` of each call for `id`.
    fn times(&self, id: &str, start: Instant) -> Vec<f64> {
        self.calls.lock().unwrap().iter().filter(|(i, _)| i == id).map(|(_, t)| (*t - start).as_secs_f64()).collect()
    }

    fn count(&self) -> usize {
        self.calls.lock().unwrap().len()
    }

    fn counts(&self) -> HashMap<String, usize> {
        let mut m = HashMap::new();
        for (id, _) in self.calls.lock().unwrap().iter() {
            *m.entry(id.clone()).or_default() += 1;
        }
        m
    }
}

struct Running<'a>(&'a AtomicUsize);
impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl FlowSource for Fake {
    fn get_flow<'a>(&'a self, id: &'a str) -> FlowFuture<'a> {
        Box::pin(async move {
            let n = {
                let mut calls = self.calls.lock().unwrap();
                let n = calls.iter().filter(|(i, _)| i == id).count();
                calls.push((id.to_string(), Instant::now()));
                n
            };
            let now_running = self.running.fetch_add(1, Ordering::SeqCst) + 1;
            let _guard = Running(&self.running);
            self.most_running.fetch_max(now_running, Ordering::SeqCst);
            if !self.delay.is_zero() {
                sleep(self.delay).await;
            }
            (self.script)(id, n)
        })
    }
}

fn flow(id: &str, completed: &[&str]) -> Flow {
    Flow {
        id: id.into(),
        created: None,
        user_id: None,
        steps: vec!["compliance".into(), "manage-payouts".into()],
        completed_steps: completed.iter().map(|s| s.to_string()).collect(),
        link: format!("https://example.test/flow/{id}"),
        metadata: None,
        payout_link_id: None,
        updated: None,
    }
}

/// A flow that differs from the one before on every call.
fn changing(id: &str, n: usize) -> Result<Flow, DotsError> {
    Ok(Flow { metadata: Some(json!(n)), ..flow(id, &[]) })
}

fn same(id: &str, _: usize) -> Result<Flow, DotsError> {
    Ok(flow(id, &[]))
}

fn server_error() -> DotsError {
    DotsError::Server { status: 503, message: "busy".into() }
}

fn limited(after: Option<u64>) -> DotsError {
    DotsError::RateLimited { retry_after: after.map(Duration::from_secs), message: "slow down".into() }
}

fn config() -> WatchConfig {
    WatchConfig::default()
}

fn drain(rx: &mut UnboundedReceiver<WatchEvent>) -> Vec<WatchEvent> {
    let mut out = Vec::new();
    while let Ok(e) = rx.try_recv() {
        out.push(e);
    }
    out
}

fn kinds(events: &[WatchEvent]) -> Vec<&'static str> {
    events
        .iter()
        .map(|e| match e {
            WatchEvent::Updated { .. } => "updated",
            WatchEvent::Done { .. } => "done",
            WatchEvent::Failed { .. } => "failed",
            WatchEvent::Stopped { .. } => "stopped",
        })
        .collect()
}

/// Lets the scheduler task apply what was sent to it, without moving the clock.
async fn settle() {
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
}

async fn until(start: Instant, secs: f64) {
    tokio::time::sleep_until(start + Duration::from_secs_f64(secs)).await;
}

#[test]
fn defaults_and_correction() {
    let c = WatchConfig::default();
    assert_eq!(
        (c.interval, c.max_interval, c.backoff_factor, c.max_in_flight),
        (Duration::from_secs(5), Duration::from_secs(60), 2, 8)
    );
    let odd = WatchConfig { interval: Duration::ZERO, max_interval: Duration::ZERO, backoff_factor: 0, max_in_flight: 0 }.normalized();
    assert_eq!((odd.interval, odd.max_interval, odd.backoff_factor, odd.max_in_flight), (MIN_INTERVAL, MIN_INTERVAL, 1, 1));
    assert_eq!(c.backoff(Duration::from_secs(5)), Duration::from_secs(10));
    assert_eq!(c.backoff(Duration::from_secs(40)), Duration::from_secs(60));
    assert_eq!(c.backoff(Duration::MAX), Duration::from_secs(60), "no overflow");
}

#[tokio::test(start_paused = true)]
async fn polls_at_the_interval_while_the_flow_changes() {
    let (h, mut rx) = Scheduler::spawn(config());
    let src = Fake::new(changing);
    let start = Instant::now();
    assert!(h.watch("f1", src.clone()));
    until(start, 31.0).await;
    assert_eq!(src.times("f1", start), vec![5.0, 10.0, 15.0, 20.0, 25.0, 30.0]);
    let events = drain(&mut rx);
    assert_eq!(kinds(&events), vec!["updated"; 6]);
    assert!(events.iter().all(|e| e.id() == "f1"));
}

#[tokio::test(start_paused = true)]
async fn backoff_doubles_up_to_the_max_while_unchanged() {
    let (h, mut rx) = Scheduler::spawn(config());
    let src = Fake::new(same);
    let start = Instant::now();
    h.watch("f1", src.clone());
    until(start, 261.0).await;
    // First reply is news (Updated), then 10, 20, 40, 60 (capped), 60, 60.
    assert_eq!(src.times("f1", start), vec![5.0, 10.0, 20.0, 40.0, 80.0, 140.0, 200.0, 260.0]);
    assert_eq!(kinds(&drain(&mut rx)), vec!["updated"], "unchanged replies send nothing");
}

#[tokio::test(start_paused = true)]
async fn a_change_puts_the_interval_back_to_base() {
    let (h, mut rx) = Scheduler::spawn(config());
    // Unchanged until the 5th reply, which completes a step; unchanged after.
    let src = Fake::new(|id, n| Ok(if n < 4 { flow(id, &[]) } else { flow(id, &["compliance"]) }));
    let start = Instant::now();
    h.watch("f1", src.clone());
    until(start, 116.0).await;
    assert_eq!(src.times("f1", start), vec![5.0, 10.0, 20.0, 40.0, 80.0, 85.0, 95.0, 115.0]);
    let events = drain(&mut rx);
    assert_eq!(kinds(&events), vec!["updated", "updated"]);
    match &events[1] {
        WatchEvent::Updated { progress, flow, .. } => {
            assert_eq!((progress.completed, progress.total, progress.done), (1, 2, false));
            assert_eq!(flow.completed_steps, vec!["compliance"]);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn every_compared_field_counts_as_a_change() {
    let (h, mut rx) = Scheduler::spawn(config());
    let src = Fake::new(|id, n| {
        let mut f = flow(id, &[]);
        if n >= 1 {
            f.user_id = Some("user-1".into());
        }
        if n >= 2 {
            f.steps.push("redirect".into());
        }
        if n >= 3 {
            f.metadata = Some(json!({"ticket": 1}));
        }
        if n >= 4 {
            f.link = "https://example.test/other".into(); // not compared: no event
        }
        Ok(f)
    });
    let start = Instant::now();
    h.watch("f1", src.clone());
    until(start, 36.0).await;
    // user_id, steps and metadata each reset the interval; the link alone does not.
    assert_eq!(src.times("f1", start), vec![5.0, 10.0, 15.0, 20.0, 25.0, 35.0]);
    assert_eq!(kinds(&drain(&mut rx)), vec!["updated"; 4]);
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_exactly_on_429() {
    let (h, mut rx) = Scheduler::spawn(config());
    let src = Fake::new(|id, n| if n == 1 { Err(limited(Some(7))) } else { changing(id, n) });
    let start = Instant::now();
    h.watch("f1", src.clone());
    until(start, 16.999).await;
    assert_eq!(src.times("f1", start), vec![5.0, 10.0], "no call before Retry-After is up");
    until(start, 23.0).await;
    assert_eq!(src.times("f1", start), vec![5.0, 10.0, 17.0, 22.0]);
    let events = drain(&mut rx);
    assert_eq!(kinds(&events), vec!["updated", "failed", "updated", "updated"]);
    match &events[1] {
        WatchEvent::Failed { kind, retry_in_ms, .. } => assert_eq!((*kind, *retry_in_ms), (ErrorKind::RateLimited, 7000)),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn retry_after_longer_than_max_interval_is_still_honoured_and_refresh_waits_for_it() {
    let (h, mut rx) = Scheduler::spawn(config());
    let src = Fake::new(|id, n| if n == 0 { Err(limited(Some(120))) } else { changing(id, n) });
    let start = Instant::now();
    h.watch("f1", src.clone());
    until(start, 30.0).await;
    h.refresh("f1");
    h.set_interval(Duration::from_secs(1));
    until(start, 124.999).await;
    assert_eq!(src.times("f1", start), vec![5.0]);
    until(start, 125.5).await;
    assert_eq!(src.times("f1", start), vec![5.0, 125.0]);
    assert_eq!(kinds(&drain(&mut rx)), vec!["failed", "updated"]);
}

#[tokio::test(start_paused = true)]
async fn a_429_without_retry_after_backs_off() {
    let (h, mut rx) = Scheduler::spawn(config());
    let src = Fake::new(|id, n| if n == 1 || n == 2 { Err(limited(None)) } else { changing(id, n) });
    let start = Instant::now();
    h.watch("f1", src.clone());
    until(start, 46.0).await;
    // Updated at 5, 429 at 10 (next in 10), 429 at 20 (next in 20), then base again.
    assert_eq!(src.times("f1", start), vec![5.0, 10.0, 20.0, 40.0, 45.0]);
    let events = drain(&mut rx);
    assert_eq!(kinds(&events), vec!["updated", "failed", "failed", "updated", "updated"]);
    let waits: Vec<u64> =
        events.iter().filter_map(|e| if let WatchEvent::Failed { retry_in_ms, .. } = e { Some(*retry_in_ms) } else { None }).collect();
    assert_eq!(waits, vec![10_000, 20_000]);
}

#[tokio::test(start_paused = true)]
async fn transient_errors_emit_failed_and_retry_later() {
    let (h, mut rx) = Scheduler::spawn(config());
    let src = Fake::new(|id, n| match n {
        0 => Err(server_error()),
        1 => Err(DotsError::Timeout(Duration::from_secs(20))),
        2 => Err(DotsError::Network("connection reset".into())),
        3 => Err(DotsError::Decode("expected JSON, got text/html".into())),
        _ => changing(id, n),
    });
    let start = Instant::now();
    h.watch("f1", src.clone());
    until(start, 136.0).await;
    assert_eq!(src.times("f1", start), vec![5.0, 15.0, 35.0, 75.0, 135.0]);
    let events = drain(&mut rx);
    assert_eq!(kinds(&events), vec!["failed", "failed", "failed", "failed", "updated"]);
    let failed: Vec<(ErrorKind, u64)> = events
        .iter()
        .filter_map(|e| if let WatchEvent::Failed { kind, retry_in_ms, .. } = e { Some((*kind, *retry_in_ms)) } else { None })
        .collect();
    assert_eq!(
        failed,
        vec![
            (ErrorKind::Server, 10_000),
            (ErrorKind::Timeout, 20_000),
            (ErrorKind::Network, 40_000),
            (ErrorKind::Decode, 60_000)
        ]
    );
    match &events[0] {
        WatchEvent::Failed { message, .. } => assert!(message.contains("503"), "{message}"),
        other => panic!("{other:?}"),
    }
    assert!(h.is_watched("f1"));
}

#[tokio::test(start_paused = true)]
async fn permanent_errors_stop_watching_with_a_reason() {
    type Case = (&'static str, fn() -> DotsError, ErrorKind);
    let cases: Vec<Case> = vec![
        ("nf", || DotsError::NotFound { message: "no such flow".into() }, ErrorKind::NotFound),
        ("ua", || DotsError::Unauthorized { message: "bad key".into() }, ErrorKind::Unauthorized),
        ("fb", || DotsError::Forbidden { message: "not yours".into() }, ErrorKind::Forbidden),
        ("ir", || DotsError::InvalidRequest { status: 400, message: "bad id".into() }, ErrorKind::InvalidRequest),
    ];
    let (h, mut rx) = Scheduler::spawn(config());
    let mut sources = Vec::new();
    for (id, make, _) in &cases {
        let make = *make;
        let src = Fake::new(move |id, n| if n == 0 { changing(id, n) } else { Err(make()) });
        h.watch(*id, src.clone());
        sources.push(src);
    }
    let start = Instant::now();
    settle().await;
    assert_eq!(h.watched(), vec!["fb", "ir", "nf", "ua"]);
    until(start, 600.0).await;
    for src in &sources {
        assert_eq!(src.count(), 2, "no call after the stop");
    }
    let events = drain(&mut rx);
    for (id, _, want) in &cases {
        let mine: Vec<&WatchEvent> = events.iter().filter(|e| e.id() == *id).collect();
        assert_eq!(mine.len(), 2, "{id}");
        match mine[1] {
            WatchEvent::Stopped { reason, kind, message, .. } => {
                assert_eq!((*reason, *kind), (StopReason::Error, Some(*want)));
                assert!(!message.is_empty());
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(h.watched().is_empty());
}

#[tokio::test(start_paused = true)]
async fn stops_when_done_and_never_calls_again() {
    let (h, mut rx) = Scheduler::spawn(config());
    let src = Fake::new(|id, n| {
        Ok(match n {
            0 => flow(id, &[]),
            1 => flow(id, &["compliance"]),
            _ => flow(id, &["compliance", "manage-payouts"]),
        })
    });
    let start = Instant::now();
    h.watch("f1", src.clone());
    until(start, 1000.0).await;
    assert_eq!(src.times("f1", start), vec![5.0, 10.0, 15.0]);
    let events = drain(&mut rx);
    assert_eq!(kinds(&events), vec!["updated", "updated", "done"]);
    match &events[2] {
        WatchEvent::Done { progress, .. } => assert!(progress.done && progress.pending.is_empty()),
        other => panic!("{other:?}"),
    }
    assert!(!h.is_watched("f1"));
}

#[tokio::test(start_paused = true)]
async fn unwatch_stops_and_never_calls_again() {
    let (h, mut rx) = Scheduler::spawn(config());
    let src = Fake::new(changing);
    let start = Instant::now();
    h.watch("f1", src.clone());
    until(start, 12.0).await;
    assert!(h.unwatch("f1"));
    assert!(!h.is_watched("f1"));
    until(start, 500.0).await;
    assert_eq!(src.times("f1", start), vec![5.0, 10.0]);
    let events = drain(&mut rx);
    assert_eq!(kinds(&events), vec!["updated", "updated", "stopped"]);
    match &events[2] {
        WatchEvent::Stopped { reason, kind, .. } => assert_eq!((*reason, *kind), (StopReason::Unwatched, None)),
        other => panic!("{other:?}"),
    }
    // Unwatching what is not watched sends nothing.
    h.unwatch("f1");
    h.unwatch("never");
    settle().await;
    assert!(drain(&mut rx).is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_reply_arriving_after_unwatch_is_dropped() {
    let (h, mut rx) = Scheduler::spawn(config());
    let src = Fake::slow(Duration::from_secs(2), changing);
    let start = Instant::now();
    h.watch("f1", src.clone());
    until(start, 6.0).await; // the GET started at 5 is still running
    h.unwatch("f1");
    h.watch("f1", src.clone()); // and watched again: a new watch, the old reply is not its
    until(start, 8.0).await;
    let events = drain(&mut rx);
    assert_eq!(kinds(&events), vec!["stopped"]);
    until(start, 13.5).await;
    assert_eq!(src.times("f1", start), vec![5.0, 11.0]);
    assert_eq!(kinds(&drain(&mut rx)), vec!["updated"]);
}

#[tokio::test(start_paused = true)]
async fn watching_a_flow_already_watched_does_not_double_its_polling() {
    let (h, mut rx) = Scheduler::spawn(config());
    let src = Fake::new(changing);
    let other = Fake::new(changing);
    let start = Instant::now();
    h.watch("f1", src.clone());
    h.watch("f1", src.clone());
    h.watch(" f1 ", src.clone());
    until(start, 7.0).await;
    h.watch("f1", src.clone());
    h.watch("f1", other.clone()); // the first source stays
    until(start, 31.0).await;
    assert_eq!(src.times("f1", start), vec![5.0, 10.0, 15.0, 20.0, 25.0, 30.0]);
    assert_eq!(other.count(), 0);
    assert_eq!(h.watched(), vec!["f1"]);
    assert_eq!(drain(&mut rx).len(), 6);
}

#[tokio::test(start_paused = true)]
async fn watch_now_and_refresh_poll_at_once() {
    let (h, mut rx) = Scheduler::spawn(config());
    let src = Fake::new(same);
    let start = Instant::now();
    h.watch_now("f1", src.clone());
    until(start, 0.5).await;
    assert_eq!(src.times("f1", start), vec![0.0]);
    until(start, 12.0).await; // unchanged at 5: backed off to 10, next at 15
    h.refresh("f1");
    until(start, 12.5).await;
    assert_eq!(src.times("f1", start), vec![0.0, 5.0, 12.0]);
    // watch_now on a watched flow is a refresh, not a second schedule.
    h.watch_now("f1", src.clone());
    // Each refresh puts the interval back to base and the unchanged reply doubles it: 12.5 + 10.
    until(start, 23.0).await;
    assert_eq!(src.times("f1", start), vec![0.0, 5.0, 12.0, 12.5, 22.5]);
    assert!(!h.refresh("  "), "an empty id is refused");
    h.refresh("unknown");
    settle().await;
    assert_eq!(kinds(&drain(&mut rx)), vec!["updated"]);
}

#[tokio::test(start_paused = true)]
async fn set_interval_changes_the_base_interval() {
    let (h, _rx) = Scheduler::spawn(config());
    let src = Fake::new(changing);
    let start = Instant::now();
    h.watch("f1", src.clone());
    until(start, 11.0).await;
    h.set_interval(Duration::from_secs(2)); // due at 15 → now 13
    until(start, 19.5).await;
    assert_eq!(src.times("f1", start), vec![5.0, 10.0, 13.0, 15.0, 17.0, 19.0]);
    h.set_interval(Duration::from_secs(30)); // a longer interval does not delay the poll due at 21
    until(start, 52.0).await;
    assert_eq!(src.times("f1", start), vec![5.0, 10.0, 13.0, 15.0, 17.0, 19.0, 21.0, 51.0]);
}

#[tokio::test(start_paused = true)]
async fn two_hundred_flows_on_one_task() {
    let tasks_before = tokio::runtime::Handle::current().metrics().num_alive_tasks();
    let cfg = WatchConfig { max_in_flight: 8, ..config() };
    let (h, mut rx) = Scheduler::spawn(cfg);
    // 50 ms per GET: 200 flows take 25 rounds of 8 = 1.25 s, well inside an interval.
    let src = Fake::slow(Duration::from_millis(50), changing);
    let start = Instant::now();
    let ids: Vec<String> = (0..200).map(|i| format!("flow-{i:03}")).collect();
    for id in &ids {
        h.watch(id.clone(), src.clone());
    }
    settle().await;
    assert_eq!(h.watched_count(), 200);
    assert_eq!(
        tokio::runtime::Handle::current().metrics().num_alive_tasks(),
        tasks_before + 1,
        "one scheduler task, no task per flow"
    );
    // 10 intervals. Each poll drifts by its 50 ms and the 25 rounds stagger the flows, so
    // the 10th call of the last flow is at most 50 + 1.25 + 10 * 0.05 s in, the 11th at 55+.
    until(start, 53.0).await;
    assert_eq!(
        tokio::runtime::Handle::current().metrics().num_alive_tasks(),
        tasks_before + 1,
        "GETs run inside the scheduler task"
    );
    let counts = src.counts();
    assert_eq!(counts.len(), 200, "every flow polled");
    for id in &ids {
        assert_eq!(counts.get(id), Some(&10), "{id}");
    }
    assert_eq!(src.most_running.load(Ordering::SeqCst), 8, "in flight never above max_in_flight (and it is used)");
    assert_eq!(drain(&mut rx).len(), 2000);
    // The first round went out in batches of at most 8, starting at 5 s.
    let mut first: Vec<f64> = ids.iter().map(|id| src.times(id, start)[0]).collect();
    first.sort_by(f64::total_cmp);
    assert_eq!(first[0], 5.0);
    assert!(first[7] == 5.0 && first[8] > 5.0, "{:?}", &first[..10]);
}

#[tokio::test(start_paused = true)]
async fn in_flight_cap_holds_with_slow_replies() {
    let cfg = WatchConfig { max_in_flight: 3, ..config() };
    let (h, mut rx) = Scheduler::spawn(cfg);
    // Slower than the interval: a flow is never polled again while its GET runs.
    let src = Fake::slow(Duration::from_secs(7), changing);
    for i in 0..10 {
        h.watch(format!("f{i}"), src.clone());
    }
    let start = Instant::now();
    until(start, 100.0).await;
    assert_eq!(src.most_running.load(Ordering::SeqCst), 3);
    let n = drain(&mut rx).len();
    // 3 GETs per 7 s from t=5 on: (100 - 5) / 7 rounds → at most 13 full rounds of 3.
    assert!((36..=42).contains(&n), "{n}");
    for i in 0..10 {
        let t = src.times(&format!("f{i}"), start);
        assert!(t.windows(2).all(|w| w[1] - w[0] >= 7.0), "f{i}: {t:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn shutdown_ends_the_stream_and_dropping_handles_stops_the_task() {
    let (h, mut rx) = Scheduler::spawn(config());
    let src = Fake::new(changing);
    h.watch("f1", src.clone());
    let h2 = h.clone();
    h2.shutdown();
    assert!(h.watched().is_empty());
    assert!(rx.recv().await.is_none(), "the receiver ends");
    assert!(!h.is_running());
    assert!(!h.watch("f2", src.clone()), "a stopped scheduler refuses");
    assert_eq!(src.count(), 0);

    let before = tokio::runtime::Handle::current().metrics().num_alive_tasks();
    let (h, mut rx) = Scheduler::spawn(config());
    h.watch("f1", src.clone());
    settle().await;
    assert_eq!(tokio::runtime::Handle::current().metrics().num_alive_tasks(), before + 1);
    drop(h);
    assert!(rx.recv().await.is_none());

    // Dropping the receiver stops it too (once it has something to say).
    let (h, rx) = Scheduler::spawn(config());
    drop(rx);
    h.watch_now("f1", src.clone());
    sleep(Duration::from_secs(1)).await;
    assert!(!h.is_running());
}

#[test]
fn the_event_json_shape() {
    let t = chrono::DateTime::parse_from_rfc3339("2024-07-11T21:10:30Z").unwrap().with_timezone(&chrono::Utc);
    let f = flow("f1", &["compliance"]);
    let updated = WatchEvent::Updated { id: "f1".into(), checked_at: t, progress: f.progress(), flow: f.clone() };
    let v = serde_json::to_value(&updated).unwrap();
    assert_eq!(v["type"], "updated");
    assert_eq!(v["id"], "f1");
    assert_eq!(v["checked_at"], "2024-07-11T21:10:30Z");
    assert_eq!(v["flow"]["completed_steps"], json!(["compliance"]));
    assert_eq!(v["progress"], json!({"claimed": false, "completed": 1, "total": 2, "done": false, "pending": ["manage-payouts"]}));

    let failed = WatchEvent::Failed {
        id: "f1".into(),
        checked_at: t,
        kind: ErrorKind::RateLimited,
        message: "slow".into(),
        retry_in_ms: 7000,
    };
    assert_eq!(
        serde_json::to_value(&failed).unwrap(),
        json!({"type": "failed", "id": "f1", "checked_at": "2024-07-11T21:10:30Z", "kind": "rate_limited", "message": "slow", "retry_in_ms": 7000})
    );
    let stopped = WatchEvent::Stopped {
        id: "f1".into(),
        checked_at: t,
        reason: StopReason::Unwatched,
        kind: None,
        message: "No longer watched.".into(),
    };
    assert_eq!(
        serde_json::to_value(&stopped).unwrap(),
        json!({"type": "stopped", "id": "f1", "checked_at": "2024-07-11T21:10:30Z", "reason": "unwatched", "message": "No longer watched."})
    );
    let refused = WatchEvent::Stopped {
        id: "f1".into(),
        checked_at: t,
        reason: StopReason::Error,
        kind: Some(ErrorKind::NotFound),
        message: "Dots has no such object (404): no such flow".into(),
    };
    let v = serde_json::to_value(&refused).unwrap();
    assert_eq!((v["reason"].clone(), v["kind"].clone()), (json!("error"), json!("not_found")));
    let done = WatchEvent::Done { id: "f1".into(), checked_at: t, progress: f.progress(), flow: f };
    assert_eq!(serde_json::to_value(&done).unwrap()["type"], "done");
    for e in [updated, failed, stopped, refused, done] {
        let back: WatchEvent = serde_json::from_value(serde_json::to_value(&e).unwrap()).unwrap();
        assert_eq!(back, e);
    }
}

#[test]
fn the_generated_typescript_is_a_tagged_union() {
    use ts_rs::TS;
    let decl = WatchEvent::decl();
    for part in [r#""type": "updated""#, r#""type": "done""#, r#""type": "failed""#, r#""type": "stopped""#, "retry_in_ms: number", "kind?: ErrorKind"] {
        assert!(decl.contains(part), "{part} not in {decl}");
    }
}

/// A source whose changes are pushed: polled once at the start, then only when refreshed
/// (a push) or at its fallback.
struct Pushed(Arc<Fake>);

impl FlowSource for Pushed {
    fn get_flow<'a>(&'a self, id: &'a str) -> FlowFuture<'a> {
        self.0.get_flow(id)
    }

    fn pushed_fallback(&self) -> Option<Duration> {
        Some(Duration::from_secs(3600))
    }
}

#[tokio::test(start_paused = true)]
async fn a_pushed_source_is_read_on_each_push_and_otherwise_only_at_its_fallback() {
    let (h, mut rx) = Scheduler::spawn(config());
    let fake = Fake::new(changing);
    let start = Instant::now();
    for i in 0..200 {
        h.watch_now(format!("f{i}"), Arc::new(Pushed(fake.clone())));
    }
    until(start, 1.0).await;
    assert_eq!(fake.count(), 200, "one read each at the start");
    until(start, 61.0).await;
    assert_eq!(fake.count(), 200, "no polling while nothing is pushed");
    h.refresh("f7");
    settle().await;
    until(start, 62.0).await;
    assert_eq!(fake.times("f7", start), vec![0.0, 61.0], "a push is read at once");
    h.set_interval(Duration::from_secs(1));
    until(start, 120.0).await;
    assert_eq!(fake.count(), 201, "the poll interval does not apply to pushed flows");
    until(start, 3601.0).await;
    assert_eq!(fake.count(), 400, "the fallback: one more read each after an hour");
    assert!(drain(&mut rx).len() >= 201);
}

#[tokio::test(start_paused = true)]
async fn a_push_during_a_running_get_reads_again_after_it() {
    let (h, mut rx) = Scheduler::spawn(config());
    // Each read takes 1 s; the change lands while the first one runs.
    let fake = Fake::slow(Duration::from_secs(1), changing);
    let start = Instant::now();
    h.watch_now("f", Arc::new(Pushed(fake.clone())));
    until(start, 0.5).await;
    h.refresh("f"); // the push, mid-GET
    until(start, 10.0).await;
    assert_eq!(fake.times("f", start), vec![0.0, 1.0], "read again right after, not an hour later");
    assert_eq!(kinds(&drain(&mut rx)), vec!["updated", "updated"]);
}

#[tokio::test(start_paused = true)]
async fn refresh_pushed_reads_only_the_pushed_flows() {
    let (h, _rx) = Scheduler::spawn(config());
    let fake = Fake::new(same);
    let start = Instant::now();
    h.watch_now("pushed", Arc::new(Pushed(fake.clone())));
    h.watch_now("polled", fake.clone());
    until(start, 1.0).await;
    h.refresh_pushed();
    until(start, 2.0).await;
    assert_eq!(fake.times("pushed", start), vec![0.0, 1.0]);
    assert_eq!(fake.times("polled", start), vec![0.0], "a polled flow keeps its schedule");
}
