//! Carrying out a confirmed intent: send with its key, repeat with the same key while the
//! outcome is unknown, and settle a refused repeat by finding the original by intent id.
//! Every state change is on disk before the next request goes out.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use serde::Serialize;
use ts_rs::TS;

use flowdesk_dots::money::{NewPayoutLink, NewTransfer, PayoutLink, Transfer, TransferFilter};
use flowdesk_dots::{DotsClient, DotsError, ErrorKind, ListParams, Page};

use crate::audit::{AuditEntry, AuditLog};
use crate::error::MoneyError;
use crate::intents::{Intent, IntentState, IntentStore};
use crate::link_view::PayoutLinkView;
use crate::request::Action;

pub type ApiFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, DotsError>> + Send + 'a>>;

/// The Dots calls money needs; [`DotsClient`] in the app, a fake in unit tests.
pub trait MoneyApi: Send + Sync {
    fn create_transfer<'a>(&'a self, r: &'a NewTransfer) -> ApiFuture<'a, Transfer>;
    fn list_transfers<'a>(&'a self, f: &'a TransferFilter) -> ApiFuture<'a, Page<Transfer>>;
    fn create_payout_link<'a>(&'a self, r: &'a NewPayoutLink) -> ApiFuture<'a, PayoutLink>;
    fn list_payout_links<'a>(&'a self, p: &'a ListParams) -> ApiFuture<'a, Page<PayoutLink>>;
}

impl MoneyApi for DotsClient {
    fn create_transfer<'a>(&'a self, r: &'a NewTransfer) -> ApiFuture<'a, Transfer> {
        Box::pin(DotsClient::create_transfer(self, r))
    }
    fn list_transfers<'a>(&'a self, f: &'a TransferFilter) -> ApiFuture<'a, Page<Transfer>> {
        Box::pin(DotsClient::list_transfers(self, f))
    }
    fn create_payout_link<'a>(&'a self, r: &'a NewPayoutLink) -> ApiFuture<'a, PayoutLink> {
        Box::pin(DotsClient::create_payout_link(self, r))
    }
    fn list_payout_links<'a>(&'a self, p: &'a ListParams) -> ApiFuture<'a, Page<PayoutLink>> {
        Box::pin(DotsClient::list_payout_links(self, p))
    }
}

/// The workspace's one retry policy; money sends use [`RetryPolicy::MONEY`] (its `default()`
/// is the read policy). A Retry-After is honoured up to `max_delay`.
pub use flowdesk_dots::Backoff as RetryPolicy;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OutcomeState {
    Done,
    /// A repeat was refused as a duplicate; the original was found and is shown.
    Recovered,
    /// No usable reply after every attempt: the money may have moved. Retry later (same key).
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Outcome {
    pub intent: Intent,
    pub state: OutcomeState,
    pub transfer: Option<Transfer>,
    pub payout_link: Option<PayoutLinkView>,
    pub message: String,
}

enum Made {
    Transfer(Transfer),
    Link(PayoutLink),
}

impl Made {
    fn id(&self) -> String {
        match self {
            Made::Transfer(t) => t.id.clone(),
            Made::Link(l) => l.id.clone(),
        }
    }
}

async fn send_once(api: &dyn MoneyApi, intent: &Intent) -> Result<Made, DotsError> {
    if let Some(t) = intent.action.transfer(&intent.idempotency_key, &intent.id) {
        return api.create_transfer(&t).await.map(Made::Transfer);
    }
    match intent.action.payout_link(&intent.idempotency_key, &intent.id) {
        Some(l) => api.create_payout_link(&l).await.map(Made::Link),
        None => Err(DotsError::Config("this intent has nothing to send".into())),
    }
}

/// Looks through the recipient's transfers (or the payout links) for this intent id.
async fn find_original(api: &dyn MoneyApi, intent: &Intent) -> Result<Option<Made>, DotsError> {
    const PAGES: usize = 5;
    let mut page = ListParams { limit: Some(100), ..ListParams::default() };
    for _ in 0..PAGES {
        let (found, last, more) = match &intent.action {
            Action::Fund { user_id, .. } => {
                let filter = TransferFilter { page: page.clone(), user_id: Some(user_id.clone()) };
                let p = api.list_transfers(&filter).await?;
                let last = p.data.last().map(|t| t.id.clone());
                let found = p.data.into_iter().find(|t| t.intent_id().as_deref() == Some(intent.id.as_str()));
                (found.map(Made::Transfer), last, p.has_more)
            }
            Action::PayoutLink { .. } => {
                let p = api.list_payout_links(&page).await?;
                let last = p.data.last().map(|l| l.id.clone());
                let found = p.data.into_iter().find(|l| link_intent(l).as_deref() == Some(intent.id.as_str()));
                (found.map(Made::Link), last, p.has_more)
            }
        };
        if found.is_some() {
            return Ok(found);
        }
        match (more, last) {
            (true, Some(last)) => page.starting_after = Some(last),
            _ => break,
        }
    }
    Ok(None)
}

fn link_intent(l: &PayoutLink) -> Option<String> {
    let t = Transfer { id: l.id.clone(), metadata: l.metadata.clone(), ..Transfer::default() };
    t.intent_id()
}

fn save(store: &Mutex<IntentStore>, intent: &Intent) -> Result<(), MoneyError> {
    store.lock().unwrap_or_else(|e| e.into_inner()).save(intent)
}

fn audit(log: &AuditLog, intent: &Intent, result: &str, dots_id: Option<String>, message: Option<String>) {
    let entry = AuditEntry {
        amount_cents: Some(intent.action.amount_cents()),
        recipient: Some(intent.recipient.clone()),
        idempotency_key: Some(intent.idempotency_key.clone()),
        intent_id: Some(intent.id.clone()),
        dots_ids: dots_id.into_iter().collect(),
        message,
        ..AuditEntry::new(&intent.environment, intent.action.audit_name(), result)
    };
    // The intent store is the record that prevents double payment; a failing audit write
    // is logged loudly but does not turn a payment that happened into an error.
    if let Err(e) = log.append(&entry) {
        tracing::error!(error = %e, intent = %intent.id, "audit log append failed");
    }
}

/// Records a new confirmed intent (on disk and in the audit log) before anything is sent.
pub fn confirm(store: &Mutex<IntentStore>, log: &AuditLog, intent: &Intent) -> Result<(), MoneyError> {
    save(store, intent)?;
    audit(log, intent, "confirmed", None, None);
    Ok(())
}

/// Sends the intent `intent_id` (already confirmed and saved) until it is done, refused
/// for certain, or still unknown after the policy's attempts. Safe to call again for the
/// same intent at any time, after a crash included: it only ever re-sends the same key.
pub async fn carry_out(
    api: &dyn MoneyApi,
    store: &Mutex<IntentStore>,
    log: &AuditLog,
    intent_id: &str,
    policy: RetryPolicy,
) -> Result<Outcome, MoneyError> {
    let mut intent = store
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(intent_id)
        .cloned()
        .ok_or_else(|| MoneyError::NotFound(intent_id.to_string()))?;
    match intent.state {
        IntentState::Done | IntentState::Recovered => {
            let state = if intent.state == IntentState::Done { OutcomeState::Done } else { OutcomeState::Recovered };
            let message = format!("already {}: nothing was sent again", if state == OutcomeState::Done { "done" } else { "settled" });
            return Ok(Outcome { intent, state, transfer: None, payout_link: None, message });
        }
        IntentState::Failed => {
            return Err(MoneyError::Invalid(format!(
                "this action was refused by Dots earlier ({}); start a new one if it is still wanted",
                intent.message.as_deref().unwrap_or("no reason given")
            )))
        }
        _ => {}
    }
    // Sent before (maybe by a process that crashed): Dots may already have it.
    let mut maybe_sent = intent.attempts > 0 || intent.state != IntentState::Confirmed;
    for attempt in 1..=policy.attempts.max(1) {
        intent.attempts += 1;
        intent.state = IntentState::Sending;
        intent.updated = chrono::Utc::now();
        save(store, &intent)?;
        let error = match send_once(api, &intent).await {
            Ok(made) => return finish(store, log, intent, made, IntentState::Done),
            Err(e) => e,
        };
        let last = attempt == policy.attempts.max(1);
        match error.kind() {
            // Not processed: asking again with the same key is safe.
            ErrorKind::RateLimited if !last => {
                tokio::time::sleep(policy.delay(attempt, &error)).await;
            }
            _ if error.outcome_unknown() => {
                maybe_sent = true;
                if last {
                    return unknown(store, log, intent, &error.to_string());
                }
                tracing::warn!(intent = %intent.id, attempt, kind = ?error.kind(), "money request outcome unknown; re-sending the same key");
                audit(log, &intent, "retrying", None, Some(error.to_string()));
                tokio::time::sleep(policy.delay(attempt, &error)).await;
            }
            // A refusal after a send whose outcome we never learned: for a transfer this is
            // what a repeated key gets. Find the original rather than trust the refusal.
            ErrorKind::InvalidRequest if maybe_sent => {
                return match find_original(api, &intent).await {
                    Ok(Some(made)) => finish(store, log, intent, made, IntentState::Recovered),
                    Ok(None) => unknown(
                        store,
                        log,
                        intent,
                        &format!("Dots refused the repeat ({error}) and no payment with this intent was found yet; check the recipient's transfers before paying again"),
                    ),
                    Err(lookup) => unknown(store, log, intent, &format!("Dots refused the repeat ({error}) and the lookup failed ({lookup})")),
                };
            }
            _ => {
                intent.state = IntentState::Failed;
                intent.message = Some(error.to_string());
                intent.updated = chrono::Utc::now();
                save(store, &intent)?;
                audit(log, &intent, "failed", None, Some(error.to_string()));
                return Err(MoneyError::Dots(error));
            }
        }
    }
    unknown(store, log, intent, "rate limited on every attempt")
}

fn finish(store: &Mutex<IntentStore>, log: &AuditLog, mut intent: Intent, made: Made, state: IntentState) -> Result<Outcome, MoneyError> {
    let id = made.id();
    intent.state = state;
    intent.dots_id = Some(id.clone());
    intent.message = None;
    intent.updated = chrono::Utc::now();
    save(store, &intent)?;
    let (result, outcome, message) = match state {
        IntentState::Recovered => (
            "recovered",
            OutcomeState::Recovered,
            format!("Dots refused the repeat as a duplicate: the original ({id}) is shown; no money moved twice"),
        ),
        _ => ("done", OutcomeState::Done, format!("done ({id})")),
    };
    audit(log, &intent, result, Some(id), None);
    let (transfer, payout_link) = match made {
        Made::Transfer(t) => (Some(t), None),
        Made::Link(l) => (None, Some(l.into())),
    };
    Ok(Outcome { intent, state: outcome, transfer, payout_link, message })
}

fn unknown(store: &Mutex<IntentStore>, log: &AuditLog, mut intent: Intent, why: &str) -> Result<Outcome, MoneyError> {
    intent.state = IntentState::Unknown;
    intent.message = Some(why.to_string());
    intent.updated = chrono::Utc::now();
    save(store, &intent)?;
    audit(log, &intent, "unknown", None, Some(why.to_string()));
    let message = format!("The outcome is unknown ({why}). Retry sends the same idempotency key, so it cannot pay twice.");
    Ok(Outcome { intent, state: OutcomeState::Unknown, transfer: None, payout_link: None, message })
}

#[cfg(test)]
mod tests;
