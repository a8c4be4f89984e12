//! The fault matrix (issue #7): every operation the app performs against Dots (get, list,
//! create, and the poll scheduler) × every fault the local sandbox can inject × before and
//! after the server committed, over real loopback HTTP. For each cell it asserts the error
//! kind the UI is shown, whether the request was retried (counted by the sandbox itself:
//! a create is sent exactly once, ever), whether a flow was made, and for a create whether
//! the client flags the outcome as unknown so it is reconciled instead of re-sent.
//!
//! Run with `cargo test -p flowdesk-dots --test fault_matrix -- --nocapture` to see the
//! table; every cell is asserted either way.

mod common;

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{sandbox, simple_request, API_KEY, CLIENT_ID};
use flowdesk_dots::{ClientConfig, DotsClient, DotsError, ErrorKind, ListParams, Scheduler, WatchConfig, WatchEvent};
use flowdesk_sandbox::{Fault, FaultSpec, FaultWhen, SandboxHandle};
use serde_json::Value;

/// The client's timeout in the timeout cells, and how long the sandbox then sleeps. Short,
/// but long enough that a busy machine still gets the request to the sandbox in time.
const SHORT_TIMEOUT: Duration = Duration::from_millis(1_500);
const LATENCY_MS: u64 = 4_000;
/// Cells running at once (each has its own sandbox).
const PARALLEL: usize = 16;
/// Every other cell: generous, so a busy CI machine never turns a cell into a timeout.
const NORMAL_TIMEOUT: Duration = Duration::from_secs(10);
const TEN_MIB: usize = 10 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Get,
    List,
    Create,
    Scheduler,
}

impl Op {
    const ALL: [Op; 4] = [Op::Get, Op::List, Op::Create, Op::Scheduler];

    fn label(self) -> &'static str {
        match self {
            Op::Get => "get",
            Op::List => "list",
            Op::Create => "create",
            Op::Scheduler => "scheduler (poll)",
        }
    }

    /// The request the fault is aimed at, and its key in the sandbox's stats.
    fn method(self) -> &'static str {
        if self == Op::Create {
            "POST"
        } else {
            "GET"
        }
    }

    fn stats_key(self) -> &'static str {
        match self {
            Op::Get | Op::Scheduler => "GET /api/v2/flows/{id}",
            Op::List => "GET /api/v2/flows",
            Op::Create => "POST /api/v2/flows",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum F {
    S400,
    S401,
    S403,
    S404,
    S429RetryAfter,
    S429,
    S500,
    S502,
    S503,
    Timeout,
    Reset,
    MalformedJson,
    WrongContentType,
    Huge,
}

impl F {
    const ALL: [F; 14] = [
        F::S400,
        F::S401,
        F::S403,
        F::S404,
        F::S429RetryAfter,
        F::S429,
        F::S500,
        F::S502,
        F::S503,
        F::Timeout,
        F::Reset,
        F::MalformedJson,
        F::WrongContentType,
        F::Huge,
    ];

    fn label(self) -> &'static str {
        match self {
            F::S400 => "400",
            F::S401 => "401",
            F::S403 => "403",
            F::S404 => "404",
            F::S429RetryAfter => "429 + Retry-After: 1",
            F::S429 => "429, no Retry-After",
            F::S500 => "500",
            F::S502 => "502",
            F::S503 => "503",
            F::Timeout => "timeout",
            F::Reset => "connection reset",
            F::MalformedJson => "malformed JSON",
            F::WrongContentType => "wrong content type",
            F::Huge => "10 MB body",
        }
    }

    fn fault(self) -> Fault {
        let status = |status: u16, retry_after: Option<u64>| Fault::Status { status, retry_after, body: None };
        match self {
            F::S400 => Fault::Status {
                status: 400,
                retry_after: None,
                body: Some(r#"{"success":false,"error":"bad_request","message":"steps are odd"}"#.into()),
            },
            F::S401 => status(401, None),
            F::S403 => status(403, None),
            F::S404 => status(404, None),
            F::S429RetryAfter => status(429, Some(1)),
            F::S429 => status(429, None),
            F::S500 => status(500, None),
            F::S502 => Fault::Status { status: 502, retry_after: None, body: Some("<html>Bad Gateway</html>".into()) },
            F::S503 => status(503, None),
            F::Timeout => Fault::Latency { ms: LATENCY_MS },
            F::Reset => Fault::Drop,
            F::MalformedJson => Fault::MalformedJson,
            F::WrongContentType => Fault::WrongContentType,
            F::Huge => Fault::HugeBody { bytes: TEN_MIB },
        }
    }

    /// The kind the UI is shown (the `kind` of the app's `{kind, message}`).
    fn kind(self) -> ErrorKind {
        match self {
            F::S400 => ErrorKind::InvalidRequest,
            F::S401 => ErrorKind::Unauthorized,
            F::S403 => ErrorKind::Forbidden,
            F::S404 => ErrorKind::NotFound,
            F::S429RetryAfter | F::S429 => ErrorKind::RateLimited,
            F::S500 | F::S502 | F::S503 => ErrorKind::Server,
            F::Timeout => ErrorKind::Timeout,
            F::Reset => ErrorKind::Network,
            F::MalformedJson | F::WrongContentType | F::Huge => ErrorKind::Decode,
        }
    }

    /// A fragment the message must carry, so the person sees why.
    fn fragment(self) -> &'static str {
        match self {
            F::S400 => "steps are odd",
            F::S401 => "(401)",
            F::S403 => "(403)",
            F::S404 => "(404)",
            F::S429RetryAfter => "retry after 1 s",
            F::S429 => "rate limiting",
            F::S500 => "(500)",
            F::S502 => "Bad Gateway",
            F::S503 => "(503)",
            F::Timeout => "did not answer within 1.5 s",
            F::Reset => "Could not reach Dots",
            F::MalformedJson => "could not read",
            F::WrongContentType => "expected JSON, got text/html",
            F::Huge => "larger than 4 MiB",
        }
    }

    /// The scheduler polls such a flow again (with backoff); otherwise it stops watching it.
    fn poll_again(self) -> bool {
        matches!(self.kind(), ErrorKind::RateLimited | ErrorKind::Server | ErrorKind::Timeout | ErrorKind::Network | ErrorKind::Decode)
    }
}

fn when_label(w: FaultWhen) -> &'static str {
    match w {
        FaultWhen::Before => "before",
        FaultWhen::AfterCommit => "after commit",
    }
}

fn kind_label(k: ErrorKind) -> String {
    serde_json::to_value(k).unwrap().as_str().unwrap().to_string()
}

/// One printed row.
struct Row {
    op: Op,
    fault: F,
    when: FaultWhen,
    kind: String,
    /// How many times the faulted request reached the sandbox, and what that means.
    retried: String,
    /// create: outcome_unknown and flows made; scheduler: the event and what followed.
    outcome: String,
    /// Mismatches with the expectation (empty when the cell passes).
    problems: Vec<String>,
}

fn client(sb: &SandboxHandle, timeout: Duration) -> DotsClient {
    let mut config = ClientConfig::new(&sb.base_url(), CLIENT_ID, API_KEY).unwrap();
    config.timeout = timeout;
    DotsClient::new(config).unwrap()
}

/// Requests the sandbox saw, by "METHOD /path" with ids folded (its own `/_sandbox/stats`).
async fn requests(sb: &SandboxHandle, key: &str) -> u64 {
    let stats: Value = reqwest::Client::new()
        .get(format!("{}/_sandbox/stats", sb.origin()))
        .basic_auth(CLIENT_ID, Some(API_KEY))
        .send()
        .await
        .expect("stats reachable")
        .json()
        .await
        .expect("stats are JSON");
    stats["requests"][key].as_u64().unwrap_or(0)
}

async fn run_cell(op: Op, fault: F, when: FaultWhen) -> Row {
    let sb = sandbox().await;
    let setup = client(&sb, NORMAL_TIMEOUT);
    let c = client(&sb, if fault == F::Timeout { SHORT_TIMEOUT } else { NORMAL_TIMEOUT });
    // Get, list and the scheduler read a flow that exists (made before any fault).
    let existing = if op == Op::Create { None } else { Some(setup.create_flow(&simple_request()).await.expect("setup create")) };
    let flows_before = sb.flow_count();
    sb.inject(FaultSpec::new(fault.fault(), when).method(op.method()).path_prefix("/api/v2/flows"));

    let mut problems = Vec::new();
    let want = fault.kind();
    let (kind, retried, outcome) = match op {
        Op::Get | Op::List | Op::Create => {
            let result: Result<(), DotsError> = match op {
                Op::Get => c.get_flow(&existing.as_ref().unwrap().id).await.map(drop),
                Op::List => c.list_flows(&ListParams { limit: Some(10), ..Default::default() }).await.map(drop),
                _ => c.create_flow(&simple_request()).await.map(drop),
            };
            let Err(err) = result else {
                problems.push("the call succeeded despite the fault".into());
                return Row { op, fault, when, kind: "-".into(), retried: "-".into(), outcome: "-".into(), problems };
            };
            if err.kind() != want {
                problems.push(format!("kind {:?}, want {want:?} ({err})", err.kind()));
            }
            if !err.to_string().contains(fault.fragment()) {
                problems.push(format!("message {:?} lacks {:?}", err.to_string(), fault.fragment()));
            }
            if fault == F::Timeout {
                // Let the sandbox finish sleeping (and, after a commit, the handler run).
                tokio::time::sleep(Duration::from_millis(LATENCY_MS + 300)).await;
            }
            let sent = requests(&sb, op.stats_key()).await;
            if sent != 1 {
                problems.push(format!("{} sent {sent} times, want exactly once", op.stats_key()));
            }
            let retried = format!("no ({sent} request)");
            let outcome = if op == Op::Create {
                let made = sb.flow_count() - flows_before;
                // `before` never runs the handler; `after commit` always did. A latency fault
                // before the handler sleeps and then runs it unless the server notices the
                // client hung up first: either way the client cannot know, hence "unknown".
                let want_made: &[usize] = match (when, fault) {
                    (FaultWhen::AfterCommit, _) => &[1],
                    (FaultWhen::Before, F::Timeout) => &[0, 1],
                    (FaultWhen::Before, _) => &[0],
                };
                if !want_made.contains(&made) {
                    problems.push(format!("{made} flow(s) made, want one of {want_made:?}"));
                }
                // A flow may exist although the call failed: the caller must be told to reconcile.
                let want_unknown = matches!(want, ErrorKind::Server | ErrorKind::Timeout | ErrorKind::Network | ErrorKind::Decode);
                if err.outcome_unknown() != want_unknown {
                    problems.push(format!("outcome_unknown {}, want {want_unknown}", err.outcome_unknown()));
                }
                let note = match (made, err.outcome_unknown()) {
                    (0, false) => "no flow; not created (safe to send again)",
                    (0, true) => "no flow; outcome unknown → reconcile",
                    (_, true) => "flow made; outcome unknown → reconcile",
                    (_, false) => "flow made, but a 4xx/429 says it was not (see docs)",
                };
                format!("unknown={}; {note}", err.outcome_unknown())
            } else {
                "-".into()
            };
            (kind_label(err.kind()), retried, outcome)
        }
        Op::Scheduler => scheduler_cell(&sb, c, existing.unwrap().id, fault, &mut problems).await,
    };
    Row { op, fault, when, kind, retried, outcome, problems }
}

/// Watches the flow with a 50 ms base interval; the first poll meets the fault.
async fn scheduler_cell(sb: &SandboxHandle, c: DotsClient, id: String, fault: F, problems: &mut Vec<String>) -> (String, String, String) {
    let config = WatchConfig { interval: Duration::from_millis(50), max_interval: Duration::from_millis(400), ..WatchConfig::default() };
    let (h, mut rx) = Scheduler::spawn(config);
    let source: Arc<dyn flowdesk_dots::FlowSource> = Arc::new(c);
    let started = Instant::now();
    h.watch_now(id.clone(), source);
    let want = fault.kind();
    let first = next(&mut rx).await;
    let (kind, event) = match &first {
        Some(WatchEvent::Failed { kind, retry_in_ms, .. }) => {
            let want_wait = if fault == F::S429RetryAfter { 1000 } else { 100 };
            if *retry_in_ms != want_wait {
                problems.push(format!("retry_in_ms {retry_in_ms}, want {want_wait}"));
            }
            (*kind, format!("failed, next poll in {retry_in_ms} ms"))
        }
        Some(WatchEvent::Stopped { kind: Some(kind), .. }) => (*kind, "stopped (no longer watched)".to_string()),
        other => {
            problems.push(format!("first event {other:?}"));
            h.shutdown();
            return ("-".into(), "-".into(), "-".into());
        }
    };
    if kind != want {
        problems.push(format!("kind {kind:?}, want {want:?}"));
    }
    let failed = matches!(first, Some(WatchEvent::Failed { .. }));
    if failed != fault.poll_again() {
        problems.push(format!("event {event}, want {}", if fault.poll_again() { "failed" } else { "stopped" }));
    }
    let key = Op::Scheduler.stats_key();
    let (retried, outcome) = if failed {
        // It polls again, and a later poll (the fault is used up) reads the flow. On a busy
        // machine a poll with the short timeout may time out once more before that.
        loop {
            match next(&mut rx).await {
                Some(WatchEvent::Updated { id: got, .. }) if got == id => break,
                Some(WatchEvent::Failed { kind: ErrorKind::Timeout, .. }) if fault == F::Timeout => continue,
                other => {
                    problems.push(format!("after the failure: {other:?}, want updated"));
                    break;
                }
            }
        }
        let waited = started.elapsed();
        h.shutdown();
        if fault == F::S429RetryAfter && waited < Duration::from_millis(950) {
            problems.push(format!("polled again after {waited:?}, before Retry-After"));
        }
        let polls = requests(sb, key).await;
        if polls < 2 {
            problems.push(format!("{polls} GETs, want at least 2"));
        }
        ("yes, next poll with backoff".to_string(), format!("{event}; the next poll read the flow"))
    } else {
        // Stopped: no further GET for it.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let polls = requests(sb, key).await;
        if polls != 1 {
            problems.push(format!("{polls} GETs after a stop, want 1"));
        }
        if h.is_watched(&id) {
            problems.push("still watched after a stop".into());
        }
        h.shutdown();
        ("no (1 request, not polled again)".to_string(), event)
    };
    (kind_label(kind), retried, outcome)
}

async fn next(rx: &mut tokio::sync::mpsc::UnboundedReceiver<WatchEvent>) -> Option<WatchEvent> {
    tokio::time::timeout(Duration::from_secs(15), rx.recv()).await.ok().flatten()
}

fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    writeln!(out, "| Operation | Fault | When | Error kind (UI) | Retried? | Outcome | Cell |").unwrap();
    writeln!(out, "|---|---|---|---|---|---|---|").unwrap();
    for r in rows {
        let cell = if r.problems.is_empty() { "ok".to_string() } else { format!("FAIL: {}", r.problems.join("; ")) };
        writeln!(
            out,
            "| {} | {} | {} | `{}` | {} | {} | {} |",
            r.op.label(),
            r.fault.label(),
            when_label(r.when),
            r.kind,
            r.retried,
            r.outcome,
            cell
        )
        .unwrap();
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fault_matrix() {
    // Every cell has its own sandbox, so they run side by side, PARALLEL at a time: the
    // whole matrix takes a few seconds (the 4 s latency cells are the slowest).
    let mut all = Vec::new();
    for op in Op::ALL {
        for fault in F::ALL {
            for when in [FaultWhen::Before, FaultWhen::AfterCommit] {
                all.push((op, fault, when));
            }
        }
    }
    assert_eq!(all.len(), 4 * 14 * 2);
    // The slow cells first, so they overlap with everything else.
    all.sort_by_key(|(_, fault, _)| *fault != F::Timeout);
    let slots = Arc::new(tokio::sync::Semaphore::new(PARALLEL));
    let mut cells = tokio::task::JoinSet::new();
    for &(op, fault, when) in &all {
        let slots = slots.clone();
        cells.spawn(async move {
            let _slot = slots.acquire_owned().await.expect("semaphore open");
            (order_key(op, fault, when), run_cell(op, fault, when).await)
        });
    }
    let mut rows = Vec::new();
    while let Some(done) = cells.join_next().await {
        rows.push(done.expect("a cell panicked"));
    }
    rows.sort_by_key(|(k, _)| *k);
    let rows: Vec<Row> = rows.into_iter().map(|(_, r)| r).collect();
    assert_eq!(rows.len(), all.len(), "every cell reported");
    println!("\n{}", table(&rows));
    let failures: Vec<String> = rows
        .iter()
        .filter(|r| !r.problems.is_empty())
        .map(|r| format!("{} / {} / {}: {}", r.op.label(), r.fault.label(), when_label(r.when), r.problems.join("; ")))
        .collect();
    assert!(failures.is_empty(), "{} cell(s) failed:\n{}", failures.len(), failures.join("\n"));
}

fn order_key(op: Op, fault: F, when: FaultWhen) -> (usize, usize, usize) {
    (
        Op::ALL.iter().position(|o| *o == op).unwrap(),
        F::ALL.iter().position(|f| *f == fault).unwrap(),
        usize::from(when == FaultWhen::AfterCommit),
    )
}
