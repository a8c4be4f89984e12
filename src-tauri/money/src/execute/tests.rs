//! The retry rules against a scripted fake. The same rules against the real sandbox over
//! HTTP, with faults, are in tests/idempotency.rs.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use flowdesk_dots::money::{Delivery, DeliveryMethod, PayoutLinkStatus};

use super::*;

const U: &str = "8d0c2a76-0000-4000-8000-000000000001";

/// Each create pops a scripted reply: `Ok(())` = "committed and answered", `Err(e)` = that
/// error; `commit_then` errors commit first (the reply was lost after Dots saved it).
#[derive(Default)]
struct Fake {
    script: Mutex<VecDeque<(bool, Option<DotsError>)>>,
    keys_sent: Mutex<Vec<String>>,
    committed: Mutex<Vec<Transfer>>,
}

impl Fake {
    fn then(self, commit: bool, error: Option<DotsError>) -> Self {
        self.script.lock().unwrap().push_back((commit, error));
        self
    }
}

impl MoneyApi for Fake {
    fn create_transfer<'a>(&'a self, r: &'a NewTransfer) -> ApiFuture<'a, Transfer> {
        Box::pin(async move {
            self.keys_sent.lock().unwrap().push(r.idempotency_key.clone());
            let (commit, error) = self.script.lock().unwrap().pop_front().unwrap_or((true, None));
            let mut committed = self.committed.lock().unwrap();
            // Dots' rule: a transfer with a known key is rejected.
            if committed.iter().any(|t| t.metadata.as_ref().and_then(|m| m.get("key")) == Some(&serde_json::json!(r.idempotency_key))) {
                return Err(DotsError::InvalidRequest { status: 409, message: "idempotency key already used".into() });
            }
            let t = Transfer {
                id: format!("t{}", committed.len() + 1),
                amount: r.amount,
                user_id: Some(r.user_id.clone()),
                metadata: Some(serde_json::json!({"key": r.idempotency_key, "flowdesk_intent_id": r.metadata["flowdesk_intent_id"]})),
                ..Transfer::default()
            };
            if commit {
                committed.push(t.clone());
            }
            match error {
                Some(e) => Err(e),
                None => Ok(t),
            }
        })
    }
    fn list_transfers<'a>(&'a self, _f: &'a TransferFilter) -> ApiFuture<'a, Page<Transfer>> {
        Box::pin(async move { Ok(Page { data: self.committed.lock().unwrap().clone(), has_more: false }) })
    }
    fn create_payout_link<'a>(&'a self, r: &'a NewPayoutLink) -> ApiFuture<'a, PayoutLink> {
        Box::pin(async move {
            self.keys_sent.lock().unwrap().push(r.idempotency_key.clone());
            Ok(PayoutLink {
                id: "l1".into(),
                created: None,
                link: "http://x/payout-link/l1".into(),
                amount: r.amount,
                status: PayoutLinkStatus::Created,
                payee: None,
                claimed_user_id: None,
                flow_id: None,
                transfer_id: None,
                memo: None,
                description: None,
                metadata: Some(r.metadata.clone()),
            })
        })
    }
    fn list_payout_links<'a>(&'a self, _p: &'a ListParams) -> ApiFuture<'a, Page<PayoutLink>> {
        Box::pin(async move { Ok(Page { data: vec![], has_more: false }) })
    }
}

fn quick() -> RetryPolicy {
    RetryPolicy { attempts: 3, base_delay: Duration::from_millis(1), max_delay: Duration::from_millis(2) }
}

fn setup(dir: &tempfile::TempDir, cents: i64) -> (Mutex<IntentStore>, AuditLog, Intent) {
    let store = Mutex::new(IntentStore::open(dir.path().join("intents.jsonl")).unwrap());
    let log = AuditLog::new(dir.path().join("audit.jsonl"));
    let intent = Intent::new("sandbox", Action::Fund { user_id: U.into(), amount_cents: cents }, "Ada".into());
    confirm(&store, &log, &intent).unwrap();
    (store, log, intent)
}

fn timeout() -> DotsError {
    DotsError::Timeout(Duration::from_secs(1))
}

#[tokio::test]
async fn a_plain_success_is_done_once() {
    let dir = tempfile::tempdir().unwrap();
    let (store, log, intent) = setup(&dir, 1234);
    let api = Fake::default();
    let out = carry_out(&api, &store, &log, &intent.id, quick()).await.unwrap();
    assert_eq!(out.state, OutcomeState::Done);
    assert_eq!(out.transfer.unwrap().amount, -1234, "funding is a negative transfer");
    assert_eq!(api.committed.lock().unwrap().len(), 1);
    // Asking again does nothing.
    let again = carry_out(&api, &store, &log, &intent.id, quick()).await.unwrap();
    assert_eq!(again.state, OutcomeState::Done);
    assert_eq!(api.keys_sent.lock().unwrap().len(), 1);
    let results: Vec<String> = log.read().unwrap().entries.into_iter().map(|e| e.result).collect();
    assert_eq!(results, ["confirmed", "done"]);
}

#[tokio::test]
async fn a_timeout_after_commit_is_retried_with_the_same_key_and_the_refusal_settled() {
    let dir = tempfile::tempdir().unwrap();
    let (store, log, intent) = setup(&dir, 500);
    let api = Fake::default().then(true, Some(timeout()));
    let out = carry_out(&api, &store, &log, &intent.id, quick()).await.unwrap();
    assert_eq!(out.state, OutcomeState::Recovered);
    assert_eq!(out.transfer.unwrap().id, "t1");
    let keys = api.keys_sent.lock().unwrap().clone();
    assert_eq!(keys, vec![intent.idempotency_key.clone(); 2]);
    assert_eq!(api.committed.lock().unwrap().len(), 1, "money moved once");
    assert_eq!(store.lock().unwrap().get(&intent.id).unwrap().state, IntentState::Recovered);
}

#[tokio::test]
async fn a_5xx_before_commit_is_retried_and_pays_once() {
    let dir = tempfile::tempdir().unwrap();
    let (store, log, intent) = setup(&dir, 500);
    let api = Fake::default()
        .then(false, Some(DotsError::Server { status: 502, message: "bad gateway".into() }))
        .then(false, Some(DotsError::Network("reset".into())));
    let out = carry_out(&api, &store, &log, &intent.id, quick()).await.unwrap();
    assert_eq!(out.state, OutcomeState::Done);
    assert_eq!(api.committed.lock().unwrap().len(), 1);
    assert_eq!(api.keys_sent.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn every_attempt_unknown_leaves_an_unknown_intent_that_a_later_retry_settles() {
    let dir = tempfile::tempdir().unwrap();
    let (store, log, intent) = setup(&dir, 700);
    let api = Fake::default().then(false, Some(timeout())).then(false, Some(timeout())).then(true, Some(timeout()));
    let out = carry_out(&api, &store, &log, &intent.id, quick()).await.unwrap();
    assert_eq!(out.state, OutcomeState::Unknown);
    assert!(out.message.contains("same idempotency key"));
    assert!(store.lock().unwrap().unresolved_for("sandbox", &intent.action).is_some());
    // Later (or after a restart): the same key again, refused, original found.
    let store = Mutex::new(IntentStore::open(dir.path().join("intents.jsonl")).unwrap());
    let later = carry_out(&api, &store, &log, &intent.id, quick()).await.unwrap();
    assert_eq!(later.state, OutcomeState::Recovered);
    assert_eq!(api.committed.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_crash_after_confirm_resumes_with_the_same_key() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _log, intent) = setup(&dir, 900);
    // The process "crashed" while sending: the request committed, the state says Sending.
    let mut sending = intent.clone();
    sending.state = IntentState::Sending;
    sending.attempts = 1;
    store.lock().unwrap().save(&sending).unwrap();
    let api = Fake::default();
    api.committed.lock().unwrap().push(Transfer {
        id: "t-before-crash".into(),
        amount: -900,
        metadata: Some(serde_json::json!({"key": intent.idempotency_key, "flowdesk_intent_id": intent.id})),
        ..Transfer::default()
    });
    let store = Mutex::new(IntentStore::open(dir.path().join("intents.jsonl")).unwrap());
    let log = AuditLog::new(dir.path().join("audit.jsonl"));
    let out = carry_out(&api, &store, &log, &intent.id, quick()).await.unwrap();
    assert_eq!(out.state, OutcomeState::Recovered);
    assert_eq!(out.intent.dots_id.as_deref(), Some("t-before-crash"));
    assert_eq!(api.committed.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_first_refusal_fails_for_certain_and_is_not_retried() {
    let dir = tempfile::tempdir().unwrap();
    let (store, log, intent) = setup(&dir, 100);
    let api = Fake::default().then(false, Some(DotsError::InvalidRequest { status: 400, message: "insufficient funds".into() }));
    let err = carry_out(&api, &store, &log, &intent.id, quick()).await.unwrap_err();
    assert!(err.to_string().contains("insufficient funds"));
    assert_eq!(api.keys_sent.lock().unwrap().len(), 1);
    assert_eq!(store.lock().unwrap().get(&intent.id).unwrap().state, IntentState::Failed);
    assert!(carry_out(&api, &store, &log, &intent.id, quick()).await.is_err(), "a failed intent is not re-sent");
    assert_eq!(api.keys_sent.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn rate_limits_wait_and_resend() {
    let dir = tempfile::tempdir().unwrap();
    let (store, log, intent) = setup(&dir, 100);
    let api = Fake::default().then(false, Some(DotsError::RateLimited { retry_after: Some(Duration::from_millis(1)), message: "slow".into() }));
    let out = carry_out(&api, &store, &log, &intent.id, quick()).await.unwrap();
    assert_eq!(out.state, OutcomeState::Done);
    assert_eq!(api.committed.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_payout_link_carries_its_key_and_intent() {
    let dir = tempfile::tempdir().unwrap();
    let store = Mutex::new(IntentStore::open(dir.path().join("intents.jsonl")).unwrap());
    let log = AuditLog::new(dir.path().join("audit.jsonl"));
    let action = Action::PayoutLink {
        amount_cents: 2500,
        user_id: Some(U.into()),
        payee: None,
        delivery: Delivery { method: DeliveryMethod::Link, message: None },
        memo: None,
        description: None,
    };
    let intent = Intent::new("sandbox", action, "Ada".into());
    confirm(&store, &log, &intent).unwrap();
    let api = Fake::default();
    let out = carry_out(&api, &store, &log, &intent.id, quick()).await.unwrap();
    let link = out.payout_link.unwrap();
    assert_eq!(link.amount, 2500);
    assert_eq!(link_intent(&link).as_deref(), Some(intent.id.as_str()));
    assert_eq!(api.keys_sent.lock().unwrap().clone(), vec![intent.idempotency_key.clone()]);
    let audit = log.read().unwrap().entries;
    assert_eq!(audit.last().unwrap().action, "payout_link.create");
    assert_eq!(audit.last().unwrap().dots_ids, vec!["l1".to_string()]);
}
