//! Webhooks as Dots sends them, through Svix: every event the sandbox notes goes to every
//! enabled endpoint as a signed POST (`svix-id`, `svix-timestamp`, `svix-signature`), retried
//! on Svix's schedule, each attempt recorded. Endpoints are registered through the sandbox's
//! controls (real Dots has them in its dashboard, with no API). With a state file, endpoints
//! (and their `whsec_` test secrets) and deliveries live in an append-only journal beside it
//! (0600), so a delivery survives a restart and is retried afterwards.

pub mod controls;
pub mod event;
mod journal;
mod send;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use base64::Engine;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

pub use event::{EventType, Happened, Subject};
pub(crate) use journal::Journal;
use journal::Record;
pub(crate) use send::run_dispatcher;

use crate::model::{Keyed, Table};

/// Svix's retry schedule: the delay before each attempt (the first is immediate). A delivery
/// that fails all of them is marked failed.
pub const SCHEDULE: [Duration; 8] = [
    Duration::ZERO,
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(10 * 3600),
];

/// The most of a reply each attempt keeps.
pub const REPLY_KEPT_BYTES: usize = 1024;

/// A receiver of webhooks. Its secret is shown only on request (`/endpoints/{id}/secret`).
#[derive(Clone, Serialize, Deserialize)]
pub struct Endpoint {
    pub id: Uuid,
    pub url: String,
    pub(crate) secret: String,
    pub enabled: bool,
    pub created: DateTime<Utc>,
}

// By hand, so a `{:?}` in a log line never prints the secret.
impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint").field("id", &self.id).field("url", &self.url).field("enabled", &self.enabled).finish_non_exhaustive()
    }
}

impl Endpoint {
    /// The endpoint as the controls list it: never its secret.
    pub fn view(&self) -> Value {
        json!({"id": self.id, "url": self.url, "enabled": self.enabled, "created": self.created})
    }

    pub fn secret(&self) -> &str {
        &self.secret
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Succeeded,
    Failed,
}

/// One POST to an endpoint and what came back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Attempt {
    pub at: DateTime<Utc>,
    /// The headers sent (the signature is an HMAC, not the secret).
    pub request_headers: Vec<(String, String)>,
    /// None when no reply came (refused, timed out, cut off).
    pub status_code: Option<u16>,
    pub latency_ms: u64,
    /// The first kilobyte of the reply's body.
    pub reply: String,
    pub error: Option<String>,
}

impl Attempt {
    /// An attempt that never left: no headers, no reply, the reason.
    pub fn not_sent(at: DateTime<Utc>, why: impl Into<String>) -> Attempt {
        Attempt { at, request_headers: Vec::new(), status_code: None, latency_ms: 0, reply: String::new(), error: Some(why.into()) }
    }

    pub fn succeeded(&self) -> bool {
        self.status_code.is_some_and(|s| (200..300).contains(&s))
    }
}

/// One event for one endpoint, with every attempt to deliver it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Delivery {
    pub id: Uuid,
    pub event: String,
    pub endpoint_id: Uuid,
    pub endpoint_url: String,
    /// The exact bytes signed and sent.
    pub body: String,
    pub created: DateTime<Utc>,
    pub status: DeliveryStatus,
    pub attempts: Vec<Attempt>,
    /// When the next attempt is due (pending deliveries only).
    pub next_attempt: Option<DateTime<Utc>>,
    /// Where in `attempts` the current schedule began (a resend starts a new one).
    #[serde(default)]
    pub schedule_from: usize,
}

impl Keyed for Delivery {
    fn key(&self) -> Uuid {
        self.id
    }
}

impl Delivery {
    /// The `svix-id` of every attempt: receivers use it to drop duplicates.
    pub fn message_id(&self) -> String {
        format!("msg_{}", self.id.simple())
    }

    /// The row the list shows (no body, no attempts).
    pub fn summary(&self) -> Value {
        let last = self.attempts.last();
        json!({
            "id": self.id, "event": self.event, "endpoint_id": self.endpoint_id,
            "endpoint_url": self.endpoint_url, "created": self.created, "status": self.status,
            "attempts": self.attempts.len(), "next_attempt": self.next_attempt,
            "last_status_code": last.and_then(|a| a.status_code),
            "last_error": last.and_then(|a| a.error.clone()),
        })
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WebhookError {
    #[error("endpoint {0} not found")]
    EndpointNotFound(Uuid),
    #[error("delivery {0} not found")]
    DeliveryNotFound(Uuid),
    #[error("invalid endpoint URL {0:?}: give an http:// or https:// URL, with no user or password in it")]
    BadUrl(String),
    #[error("delivery {0} is being sent right now: resend it once this attempt is recorded")]
    Sending(Uuid),
    #[error("unknown event {0:?}; expected one of: {list}", list = EventType::list())]
    UnknownEvent(String),
    #[error("no {0} to send about: give its id, or create one first")]
    NoSubject(&'static str),
    #[error("{0} {1} not found")]
    SubjectNotFound(&'static str, Uuid),
    #[error("the webhook journal could not be written: {0}")]
    Journal(String),
}

/// Which deliveries a list shows, newest first.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct DeliveryFilter {
    pub event: Option<String>,
    pub status: Option<DeliveryStatus>,
    pub endpoint_id: Option<Uuid>,
    /// Only deliveries older than this one (the page before).
    pub before: Option<Uuid>,
    pub limit: Option<usize>,
}

pub const DEFAULT_PAGE: usize = 50;
pub const MAX_PAGE: usize = 500;

/// What a due delivery needs to be sent, copied out so no lock is held while sending.
#[derive(Clone)]
pub(crate) struct Outgoing {
    pub delivery_id: Uuid,
    pub message_id: String,
    pub url: String,
    pub secret: String,
    pub body: String,
    /// Which attempt of the schedule this is (0 = the first).
    pub attempt: usize,
}

impl std::fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outgoing").field("delivery_id", &self.delivery_id).field("url", &self.url).finish_non_exhaustive()
    }
}

/// Attempts in flight to one endpoint at once: an endpoint that never answers holds at most
/// this many of the sender's slots, never all of them.
pub const PER_ENDPOINT_IN_FLIGHT: usize = 4;

/// Endpoints and deliveries, under the sandbox's webhook lock.
#[derive(Default)]
pub(crate) struct Webhooks {
    endpoints: Vec<Endpoint>,
    deliveries: Table<Delivery>,
    /// (due, id) of every pending delivery not being sent now.
    due: BTreeSet<(DateTime<Utc>, Uuid)>,
    /// Deliveries being sent now, and the endpoint each goes to.
    sending: std::collections::BTreeMap<Uuid, Uuid>,
    journal: Option<Journal>,
    /// Svix's delays are divided by this (tests compress the schedule).
    pub speedup: u32,
}

fn new_secret() -> String {
    // Two v4 UUIDs: 244 random bits from the OS.
    let mut key = Vec::with_capacity(32);
    key.extend_from_slice(Uuid::new_v4().as_bytes());
    key.extend_from_slice(Uuid::new_v4().as_bytes());
    format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(key))
}

fn check_url(url: &str) -> Result<String, WebhookError> {
    // The text is echoed in the error: never a user or password it may carry.
    let trimmed: String = url.trim().chars().take(200).collect();
    let shown = match (trimmed.split_once("://"), trimmed.rsplit_once('@')) {
        (Some((scheme, _)), Some((_, host))) => format!("{scheme}://…@{host}"),
        (None, Some((_, host))) => format!("…@{host}"),
        _ => trimmed.clone(),
    };
    let bad = || WebhookError::BadUrl(shown.clone());
    let parsed = url::Url::parse(url.trim()).map_err(|_| bad())?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(bad());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        // A password in the URL would be shown in every list.
        return Err(bad());
    }
    Ok(parsed.to_string())
}

impl Webhooks {
    /// Endpoints and deliveries from the journal at `path` (none yet: empty). Pending
    /// deliveries are due again at their time, or now if it passed while stopped.
    pub fn open(path: PathBuf, speedup: u32) -> std::io::Result<Webhooks> {
        let (journal, records) = Journal::open(path)?;
        let mut w = Webhooks { speedup, ..Webhooks::default() };
        let replayed = records.len();
        for r in records {
            w.apply(r);
        }
        w.journal = Some(journal);
        // One record per endpoint and delivery from now on: the file does not grow run after run.
        if replayed > w.endpoints.len() + w.deliveries.len() {
            w.compact().map_err(|e| std::io::Error::other(e.to_string()))?;
        }
        Ok(w)
    }

    pub fn in_memory(speedup: u32) -> Webhooks {
        Webhooks { speedup, ..Webhooks::default() }
    }

    /// Journals, then applies: a change a person asked for is refused if it cannot be kept.
    fn write(&mut self, record: Record) -> Result<(), WebhookError> {
        if let Some(j) = &mut self.journal {
            j.append(&record).map_err(|e| WebhookError::Journal(e.to_string()))?;
        }
        self.apply(record);
        Ok(())
    }

    /// Applies, then journals: what the sender learned (an attempt, a failure) must steer the
    /// next attempt even if the disk refused it; the journal may then miss it until the next
    /// record, and a restart may send once more (deliveries are at least once, as with Svix).
    fn write_or_log(&mut self, record: Record) {
        if let Some(j) = &mut self.journal {
            if let Err(e) = j.append(&record) {
                tracing::error!(error = %e, "a webhook record was not journaled");
            }
        }
        self.apply(record);
    }

    fn apply(&mut self, record: Record) {
        match record {
            Record::Endpoint(e) => match self.endpoints.iter_mut().find(|x| x.id == e.id) {
                Some(x) => *x = e,
                None => self.endpoints.push(e),
            },
            Record::EndpointRemoved { id } => self.endpoints.retain(|e| e.id != id),
            Record::Delivery(d) => {
                self.schedule_at(d.id, d.status, d.next_attempt);
                self.deliveries.insert(d);
            }
            Record::Attempt { delivery_id, attempt, status, next_attempt } => {
                if let Some(d) = self.deliveries.get_mut(&delivery_id) {
                    if let Some(old) = d.next_attempt {
                        self.due.remove(&(old, delivery_id));
                    }
                    match attempt {
                        Some(a) => d.attempts.push(a),
                        None => d.schedule_from = d.attempts.len(), // a resend
                    }
                    d.status = status;
                    d.next_attempt = next_attempt;
                    let (id, status, next) = (d.id, d.status, d.next_attempt);
                    self.schedule_at(id, status, next);
                }
            }
            Record::Cleared => {
                self.deliveries.clear();
                self.due.clear();
            }
        }
    }

    fn schedule_at(&mut self, id: Uuid, status: DeliveryStatus, next: Option<DateTime<Utc>>) {
        if let (DeliveryStatus::Pending, Some(at)) = (status, next) {
            if !self.sending.contains_key(&id) {
                self.due.insert((at, id));
            }
        }
    }

    pub fn endpoints(&self) -> &[Endpoint] {
        &self.endpoints
    }

    pub fn endpoint(&self, id: Uuid) -> Result<&Endpoint, WebhookError> {
        self.endpoints.iter().find(|e| e.id == id).ok_or(WebhookError::EndpointNotFound(id))
    }

    pub fn add_endpoint(&mut self, url: &str) -> Result<Endpoint, WebhookError> {
        let e = Endpoint { id: Uuid::new_v4(), url: check_url(url)?, secret: new_secret(), enabled: true, created: Utc::now() };
        self.write(Record::Endpoint(e.clone()))?;
        Ok(e)
    }

    pub fn set_enabled(&mut self, id: Uuid, enabled: bool) -> Result<Endpoint, WebhookError> {
        let mut e = self.endpoint(id)?.clone();
        e.enabled = enabled;
        self.write(Record::Endpoint(e.clone()))?;
        Ok(e)
    }

    /// Removes the endpoint, and its secret from the disk (the journal is rewritten).
    pub fn remove_endpoint(&mut self, id: Uuid) -> Result<(), WebhookError> {
        self.endpoint(id)?;
        self.write(Record::EndpointRemoved { id })?;
        self.compact()
    }

    /// Rewrites the journal as one record per endpoint and delivery, as they are now.
    fn compact(&mut self) -> Result<(), WebhookError> {
        let Some(journal) = &mut self.journal else { return Ok(()) };
        let mut records: Vec<Record> = self.endpoints.iter().cloned().map(Record::Endpoint).collect();
        records.extend(self.deliveries.oldest_first().cloned().map(Record::Delivery));
        journal.rewrite(&records).map_err(|e| WebhookError::Journal(e.to_string()))
    }

    /// One pending delivery of `body` per enabled endpoint, due now.
    pub fn enqueue(&mut self, event: EventType, body: &Value) -> Result<Vec<Uuid>, WebhookError> {
        let now = Utc::now();
        let targets: Vec<(Uuid, String)> =
            self.endpoints.iter().filter(|e| e.enabled).map(|e| (e.id, e.url.clone())).collect();
        let mut ids = Vec::with_capacity(targets.len());
        for (endpoint_id, endpoint_url) in targets {
            let d = Delivery {
                id: Uuid::new_v4(),
                event: event.as_str().into(),
                endpoint_id,
                endpoint_url,
                body: body.to_string(),
                created: now,
                status: DeliveryStatus::Pending,
                attempts: Vec::new(),
                next_attempt: Some(now),
                schedule_from: 0,
            };
            ids.push(d.id);
            self.write(Record::Delivery(d))?;
        }
        Ok(ids)
    }

    /// Sends a delivery again: due now, on a fresh schedule; its attempts so far stay.
    pub fn resend(&mut self, id: Uuid) -> Result<(), WebhookError> {
        self.deliveries.get(&id).ok_or(WebhookError::DeliveryNotFound(id))?;
        if self.sending.contains_key(&id) {
            return Err(WebhookError::Sending(id));
        }
        self.write(Record::Attempt { delivery_id: id, attempt: None, status: DeliveryStatus::Pending, next_attempt: Some(Utc::now()) })
    }

    pub fn delivery(&self, id: Uuid) -> Result<&Delivery, WebhookError> {
        self.deliveries.get(&id).ok_or(WebhookError::DeliveryNotFound(id))
    }

    pub fn delivery_count(&self) -> usize {
        self.deliveries.len()
    }

    /// Newest first, filtered, one page.
    pub fn list<'a>(&'a self, f: &'a DeliveryFilter) -> Vec<&'a Delivery> {
        self.page(f).0
    }

    /// One page, newest first, and whether older matching deliveries follow it.
    pub fn page<'a>(&'a self, f: &'a DeliveryFilter) -> (Vec<&'a Delivery>, bool) {
        let limit = f.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
        let mut rows = self.matching(f);
        let page: Vec<&Delivery> = rows.by_ref().take(limit).collect();
        let more = rows.next().is_some();
        (page, more)
    }

    fn matching<'a>(&'a self, f: &'a DeliveryFilter) -> impl Iterator<Item = &'a Delivery> + 'a {
        let mut rows = self.deliveries.newest_first();
        if let Some(before) = f.before {
            // Skip up to and including the cursor.
            let mut found = false;
            rows.by_ref().find(|d| {
                found = d.id == before;
                found
            });
        }
        rows.filter(|d| f.event.as_deref().is_none_or(|e| d.event == e))
            .filter(|d| f.status.is_none_or(|s| d.status == s))
            .filter(move |d| f.endpoint_id.is_none_or(|e| d.endpoint_id == e))
    }

    /// Takes the deliveries due by `now` (up to `room`, and at most
    /// [`PER_ENDPOINT_IN_FLIGHT`] per endpoint) to send; the rest wait. Also says when the
    /// next one is due. A delivery whose endpoint is gone or disabled fails. Blocking (it may
    /// journal): call it off the async workers.
    pub fn take_due(&mut self, now: DateTime<Utc>, room: usize) -> (Vec<Outgoing>, Option<DateTime<Utc>>) {
        let mut out = Vec::new();
        let mut busy_endpoints = std::collections::BTreeSet::new();
        let due: Vec<(DateTime<Utc>, Uuid)> = self.due.range(..=(now, Uuid::max())).copied().collect();
        for key in due {
            if out.len() >= room {
                break;
            }
            let id = key.1;
            let Some(d) = self.deliveries.get(&id) else {
                self.due.remove(&key);
                continue;
            };
            let endpoint_id = d.endpoint_id;
            if busy_endpoints.contains(&endpoint_id) {
                continue;
            }
            match self.endpoints.iter().find(|e| e.id == endpoint_id) {
                Some(e) if e.enabled => {
                    if self.sending.values().filter(|x| **x == endpoint_id).count() >= PER_ENDPOINT_IN_FLIGHT {
                        busy_endpoints.insert(endpoint_id);
                        continue; // stays due: sent when one of that endpoint's attempts ends
                    }
                    out.push(Outgoing {
                        delivery_id: id,
                        message_id: d.message_id(),
                        url: e.url.clone(),
                        secret: e.secret.clone(),
                        body: d.body.clone(),
                        attempt: d.attempts.len().saturating_sub(d.schedule_from),
                    });
                    self.due.remove(&key);
                    self.sending.insert(id, endpoint_id);
                }
                other => {
                    let why = if other.is_some() { "the endpoint is disabled" } else { "the endpoint was removed" };
                    self.write_or_log(Record::Attempt {
                        delivery_id: id,
                        attempt: Some(Attempt::not_sent(now, why)),
                        status: DeliveryStatus::Failed,
                        next_attempt: None,
                    });
                }
            }
        }
        let next = self.due.iter().find(|(_, id)| {
            self.deliveries.get(id).is_none_or(|d| !busy_endpoints.contains(&d.endpoint_id))
        });
        (out, next.map(|(at, _)| *at))
    }

    /// Records an attempt: succeeded, due again on the schedule, or failed for good.
    pub fn record(&mut self, sent: &Outgoing, attempt: Attempt) {
        self.sending.remove(&sent.delivery_id);
        let (status, next_attempt) = if attempt.succeeded() {
            (DeliveryStatus::Succeeded, None)
        } else if let Some(delay) = SCHEDULE.get(sent.attempt + 1) {
            let scaled = *delay / self.speedup.max(1);
            (DeliveryStatus::Pending, Some(attempt.at + scaled))
        } else {
            (DeliveryStatus::Failed, None)
        };
        self.write_or_log(Record::Attempt { delivery_id: sent.delivery_id, attempt: Some(attempt), status, next_attempt });
    }

    /// Forgets every delivery (the sandbox's reset); endpoints stay.
    pub fn clear_deliveries(&mut self) -> Result<(), WebhookError> {
        // Attempts in flight are recorded against nothing when they end.
        self.sending.clear();
        self.write(Record::Cleared)?;
        self.compact()
    }
}
