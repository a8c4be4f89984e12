//! No double payment, against the real local sandbox over HTTP: for each fault (timeouts
//! after the server committed, dropped connections, 5xx, unreadable replies, a crash between
//! confirm and reply) the money must move exactly once, checked through the sandbox's
//! wallets and app balance. Prints the figures as a table (`-- --nocapture`).

use std::sync::Mutex;
use std::time::Duration;

use flowdesk_dots::money::{Delivery, DeliveryMethod};
use flowdesk_dots::{ClientConfig, DotsClient};
use flowdesk_money::{carry_out, confirm, Action, AuditLog, Intent, IntentStore, OutcomeState, RetryPolicy};
use flowdesk_sandbox::{Fault, FaultSpec, FaultWhen, SandboxConfig, SandboxHandle, SeedUser};

const CENTS: i64 = 1234;

struct Case {
    name: &'static str,
    faults: Vec<(Fault, FaultWhen)>,
}

fn status(code: u16) -> Fault {
    Fault::Status { status: code, retry_after: None, body: None }
}

/// A latency longer than the client's timeout: the reply never arrives in time.
fn slow() -> Fault {
    Fault::Latency { ms: 1_500 }
}

fn cases() -> Vec<Case> {
    use FaultWhen::{AfterCommit as After, Before};
    vec![
        Case { name: "no fault", faults: vec![] },
        Case { name: "timeout after commit", faults: vec![(slow(), After)] },
        Case { name: "timeout before commit", faults: vec![(slow(), Before)] },
        Case { name: "dropped connection after commit", faults: vec![(Fault::Drop, After)] },
        Case { name: "dropped connection before commit", faults: vec![(Fault::Drop, Before)] },
        Case { name: "500 after commit", faults: vec![(status(500), After)] },
        Case { name: "502 then 503 before commit", faults: vec![(status(502), Before), (status(503), Before)] },
        Case { name: "429 before commit", faults: vec![(Fault::Status { status: 429, retry_after: Some(0), body: None }, Before)] },
        Case { name: "malformed JSON after commit", faults: vec![(Fault::MalformedJson, After)] },
        Case { name: "wrong content type after commit", faults: vec![(Fault::WrongContentType, After)] },
        Case {
            name: "drop after commit, then timeout",
            faults: vec![(Fault::Drop, After), (slow(), Before)],
        },
    ]
}

fn policy() -> RetryPolicy {
    RetryPolicy { attempts: 4, base_delay: Duration::from_millis(20), max_delay: Duration::from_millis(100) }
}

async fn sandbox() -> (SandboxHandle, DotsClient) {
    let sb = flowdesk_sandbox::start(SandboxConfig::new("cid", "sk_test_idem")).await.unwrap();
    let mut config = ClientConfig::new(&sb.base_url(), "cid", "sk_test_idem").unwrap();
    config.timeout = Duration::from_millis(500);
    (sb, DotsClient::new(config).unwrap())
}

fn inject(sb: &SandboxHandle, path: &str, faults: &[(Fault, FaultWhen)]) {
    for (fault, when) in faults {
        sb.inject(FaultSpec { method: Some("POST".into()), path_prefix: Some(path.into()), ..FaultSpec::new(fault.clone(), *when) });
    }
}

struct Row {
    endpoint: &'static str,
    case: &'static str,
    attempts: u32,
    state: OutcomeState,
    moved: i64,
    once: bool,
}

fn print(rows: &[Row]) {
    println!("\n| endpoint | fault | attempts | outcome | moved | exactly once |\n|---|---|---|---|---|---|");
    for r in rows {
        println!("| {} | {} | {} | {:?} | {} | {} |", r.endpoint, r.case, r.attempts, r.state, r.moved, if r.once { "yes" } else { "NO" });
    }
    let ok = rows.iter().filter(|r| r.once).count();
    println!("\nmoney moved exactly once in {ok} of {} cases\n", rows.len());
}

/// Which endpoint a matrix run exercises.
#[derive(Clone, Copy, PartialEq)]
enum Endpoint {
    Transfers,
    PayoutLinks,
}

impl Endpoint {
    fn path(self) -> &'static str {
        match self {
            Endpoint::Transfers => "/api/v2/transfers",
            Endpoint::PayoutLinks => "/api/v2/payout-links",
        }
    }

    fn action(self, user: &str) -> Action {
        match self {
            Endpoint::Transfers => Action::Fund { user_id: user.to_string(), amount_cents: CENTS },
            Endpoint::PayoutLinks => Action::PayoutLink {
                amount_cents: CENTS,
                user_id: Some(user.to_string()),
                payee: None,
                delivery: Delivery { method: DeliveryMethod::Link, message: None },
                memo: None,
                description: None,
            },
        }
    }
}

/// Every case against one endpoint: a fresh user per case, the faults queued, the intent
/// carried out, then the sandbox's books checked: the money moved exactly once.
async fn run_matrix(endpoint: Endpoint) {
    let (sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Mutex::new(IntentStore::open(dir.path().join("intents.jsonl")).unwrap());
    let log = AuditLog::new(dir.path().join("audit.jsonl"));
    let mut rows = Vec::new();
    for case in cases() {
        let user = sb.seed_user(SeedUser::default()).unwrap()["id"].as_str().unwrap().to_string();
        let (balance_before, links_before) = (sb.app_balance_cents(), sb.payout_link_count());
        let intent = Intent::new("local", endpoint.action(&user), user.clone());
        confirm(&store, &log, &intent).unwrap();
        inject(&sb, endpoint.path(), &case.faults);
        let out = carry_out(&client, &store, &log, &intent.id, policy()).await.unwrap();
        sb.clear_faults();
        let moved = balance_before - sb.app_balance_cents();
        let once = moved == CENTS
            && match endpoint {
                Endpoint::Transfers => sb.wallet_cents(&user) == Some(CENTS) && sb.transfers_for(&user).len() == 1,
                Endpoint::PayoutLinks => sb.payout_link_count() - links_before == 1,
            };
        assert!(once, "{}: app balance moved {moved}, outcome {:?}", case.name, out.state);
        match endpoint {
            Endpoint::Transfers => assert_ne!(out.state, OutcomeState::Unknown, "{}", case.name),
            // A repeated payout-link key returns the existing link: never "recovered".
            Endpoint::PayoutLinks => {
                assert_eq!(out.state, OutcomeState::Done, "{}", case.name);
                assert_eq!(out.payout_link.as_ref().map(|l| l.amount), Some(CENTS));
            }
        }
        let name = if endpoint == Endpoint::Transfers { "POST /v2/transfers" } else { "POST /v2/payout-links" };
        rows.push(Row { endpoint: name, case: case.name, attempts: out.intent.attempts, state: out.state, moved, once });
    }
    print(&rows);
}

#[tokio::test]
async fn funding_moves_the_money_exactly_once_under_every_fault() {
    run_matrix(Endpoint::Transfers).await;
}

#[tokio::test]
async fn a_payout_link_is_made_exactly_once_under_every_fault() {
    run_matrix(Endpoint::PayoutLinks).await;
}

/// Every attempt fails without a usable reply: the intent stays unknown on disk; a later
/// retry (after a restart: the store is reopened) re-sends the same key and settles it.
#[tokio::test]
async fn an_unknown_outcome_is_settled_later_without_paying_twice() {
    let (sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("intents.jsonl");
    let store = Mutex::new(IntentStore::open(&path).unwrap());
    let log = AuditLog::new(dir.path().join("audit.jsonl"));
    let user = sb.seed_user(SeedUser::default()).unwrap()["id"].as_str().unwrap().to_string();
    let intent = Intent::new("local", Action::Fund { user_id: user.clone(), amount_cents: CENTS }, user.clone());
    confirm(&store, &log, &intent).unwrap();
    let mut f = FaultSpec::new(Fault::Drop, FaultWhen::AfterCommit);
    f.count = 1;
    f.path_prefix = Some("/api/v2/transfers".into());
    sb.inject(f);
    let mut rest = FaultSpec::new(Fault::Drop, FaultWhen::Before);
    rest.count = 10;
    rest.path_prefix = Some("/api/v2/transfers".into());
    sb.inject(rest);
    let out = carry_out(&client, &store, &log, &intent.id, policy()).await.unwrap();
    assert_eq!(out.state, OutcomeState::Unknown);
    assert_eq!(sb.wallet_cents(&user), Some(CENTS), "the first attempt committed");
    sb.clear_faults();

    let reopened = Mutex::new(IntentStore::open(&path).unwrap());
    assert_eq!(reopened.lock().unwrap().unresolved().len(), 1);
    let later = carry_out(&client, &reopened, &log, &intent.id, policy()).await.unwrap();
    assert_eq!(later.state, OutcomeState::Recovered, "{}", later.message);
    assert_eq!(sb.wallet_cents(&user), Some(CENTS));
    assert_eq!(sb.transfers_for(&user).len(), 1);
    let results: Vec<String> = log.read().unwrap().entries.into_iter().map(|e| e.result).collect();
    assert_eq!(results.first().map(String::as_str), Some("confirmed"));
    assert!(results.contains(&"unknown".to_string()) && results.last().map(String::as_str) == Some("recovered"));
}

/// The process dies between confirm and reply: the send is cut off mid-flight (the task is
/// aborted while the server holds the committed reply). A new store read from disk resumes.
#[tokio::test]
async fn a_crash_between_confirm_and_reply_resumes_with_the_same_key() {
    let (sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("intents.jsonl");
    let user = sb.seed_user(SeedUser::default()).unwrap()["id"].as_str().unwrap().to_string();
    let intent = Intent::new("local", Action::Fund { user_id: user.clone(), amount_cents: CENTS }, user.clone());
    {
        let store = Mutex::new(IntentStore::open(&path).unwrap());
        confirm(&store, &AuditLog::new(dir.path().join("audit.jsonl")), &intent).unwrap();
    }
    sb.inject(FaultSpec {
        path_prefix: Some("/api/v2/transfers".into()),
        ..FaultSpec::new(Fault::Latency { ms: 400 }, FaultWhen::AfterCommit)
    });
    let (c, p, id) = (client.clone(), path.clone(), intent.id.clone());
    let log_path = dir.path().join("audit.jsonl");
    let task = tokio::spawn(async move {
        let store = Mutex::new(IntentStore::open(&p).unwrap());
        let _ = carry_out(&c, &store, &AuditLog::new(log_path), &id, policy()).await;
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    task.abort(); // the "crash": no reply was read, the state on disk says Sending
    let _ = task.await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(sb.wallet_cents(&user), Some(CENTS), "the server committed before the crash");

    let store = Mutex::new(IntentStore::open(&path).unwrap());
    assert_eq!(store.lock().unwrap().get(&intent.id).unwrap().state, flowdesk_money::IntentState::Sending);
    let out = carry_out(&client, &store, &AuditLog::new(dir.path().join("audit.jsonl")), &intent.id, policy()).await.unwrap();
    assert_eq!(out.state, OutcomeState::Recovered);
    assert_eq!(sb.wallet_cents(&user), Some(CENTS));
    assert_eq!(sb.transfers_for(&user).len(), 1);
}
