//! Running a batch: bounded concurrent creates, never a blind retry, and reconciliation of
//! every create whose outcome is unknown before anything is sent again.
//!
//! Flows have no idempotency key, so a create that timed out, lost its connection, got a 5xx
//! or an unreadable reply may or may not exist. Such a row becomes `unknown`; the batch then
//! lists the environment's flows and looks for `metadata.flowdesk_batch` = this batch and
//! `metadata.flowdesk_row` = that row. A match is the row's flow; only rows with no match are
//! created again. The journal records `sending` before each create, so the same holds after
//! a crash.
//!
//! **Waves.** Rows are announced `sending` a wave (`concurrency` rows) at a time, one fsync
//! for the whole wave, one wave ahead of the creates in flight: a free slot takes a row whose
//! line is already on disk instead of waiting for a sync of its own. A crash leaves at most
//! two waves `sending` that never left; a resume reconciles them like any unknown row (the
//! listing proves them missing, so they are created then). A stop puts them back to pending.
//!
//! **Listing assumption.** `GET /v2/flows` has no metadata filter and no documented order.
//! We page from the start and stop at the first whole page in which every flow was created
//! before the batch started minus `clock_skew` (10 minutes by default: Dots' clock against
//! ours). That is sound if the listing is newest first (as Dots and the sandbox do it), and
//! harmless otherwise: with any other order we simply read more pages, up to the end. A flow
//! whose `created` cannot be read never counts as old.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use flowdesk_dots::{DotsClient, DotsError, ErrorKind, Flow, ListParams};
use futures_util::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use crate::error::{BulkError, Result};
use crate::journal::{BatchProgress, Journal, RowState};

#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Creates in flight at once.
    pub concurrency: usize,
    /// Allowance for Dots' clock against ours when deciding a listed flow predates the batch.
    pub clock_skew: Duration,
    /// Pause before a reconcile, so a create Dots is still working on (after our timeout)
    /// has committed by the time we list.
    pub settle: Duration,
    /// Create → reconcile rounds before giving up; what is left stays resumable.
    pub max_rounds: u32,
    pub page_size: u32,
    /// Wait after a 429 that names no Retry-After.
    pub default_retry_after: Duration,
    /// Longest wait honoured from a Retry-After.
    pub max_retry_after: Duration,
    /// 429s in a row for one row before it is left pending for a later run.
    pub max_rate_limited: u32,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            concurrency: 4,
            clock_skew: Duration::from_secs(10 * 60),
            settle: Duration::from_secs(3),
            max_rounds: 5,
            page_size: 100,
            default_retry_after: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(120),
            max_rate_limited: 20,
        }
    }
}

/// What a run did, for a report line and for tests.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    pub progress: BatchProgress,
    /// Create requests sent (including 429'd ones).
    pub creates_sent: usize,
    pub rate_limited: usize,
    /// Creates whose outcome was unknown (before reconciling).
    pub outcome_unknown: usize,
    /// Unknown rows whose flow the listing found (so they were not re-created).
    pub reconciled_found: usize,
    /// Unknown rows the listing proved missing (so they were created again).
    pub reconciled_missing: usize,
    pub list_pages: usize,
    pub rounds: u32,
    /// Fsyncs of the journal during the run: about one per wave of `concurrency` creates.
    pub journal_syncs: usize,
    /// Rows for which the listing holds more than one flow of this batch: (row, flow ids).
    /// Should never happen; reported rather than hidden.
    pub duplicates: Vec<(u32, Vec<String>)>,
    pub cancelled: bool,
}

/// Runs (or resumes) the journal's batch until every valid row is created or definitely
/// failed, the rounds run out, or `cancel` fires (in-flight creates finish and are recorded;
/// nothing new starts). A failure that concerns every row (401, 403, wrong host) stops the
/// run with an error; the journal keeps every row for a later resume. Every state the run
/// recorded is on disk when it returns.
pub async fn run(
    client: &DotsClient,
    journal: &Journal,
    opts: &RunOptions,
    progress: Option<&watch::Sender<BatchProgress>>,
    cancel: &CancellationToken,
) -> Result<RunSummary> {
    let syncs = journal.syncs();
    let result = run_rounds(client, journal, opts, progress, cancel).await;
    let flushed = journal.flush().await;
    let mut summary = result?;
    flushed?;
    summary.journal_syncs = journal.syncs() - syncs;
    Ok(summary)
}

async fn run_rounds(
    client: &DotsClient,
    journal: &Journal,
    opts: &RunOptions,
    progress: Option<&watch::Sender<BatchProgress>>,
    cancel: &CancellationToken,
) -> Result<RunSummary> {
    let mut summary = RunSummary::default();
    let report = |summary: &mut RunSummary| {
        summary.progress = journal.progress();
        if let Some(tx) = progress {
            tx.send_replace(summary.progress);
        }
    };
    report(&mut summary);
    for round in 0..=opts.max_rounds {
        if cancel.is_cancelled() {
            break;
        }
        let unknown = rows_in(journal, |s| matches!(s, RowState::Unknown { .. }));
        if !unknown.is_empty() {
            tokio::select! {
                _ = tokio::time::sleep(opts.settle) => {}
                _ = cancel.cancelled() => break,
            }
            reconcile(client, journal, opts, &unknown, &mut summary).await?;
            report(&mut summary);
        }
        let pending = rows_in(journal, |s| *s == RowState::Pending);
        if pending.is_empty() || round == opts.max_rounds {
            break;
        }
        summary.rounds += 1;
        create_rows(
            client,
            journal,
            opts,
            &pending,
            progress,
            cancel,
            &mut summary,
        )
        .await?;
        report(&mut summary);
    }
    summary.cancelled = cancel.is_cancelled();
    report(&mut summary);
    Ok(summary)
}

fn rows_in(journal: &Journal, pick: impl Fn(&RowState) -> bool) -> Vec<u32> {
    journal
        .snapshot()
        .into_iter()
        .filter(|(_, s)| pick(s))
        .map(|(r, _)| r.row)
        .collect()
}

/// One outcome of a row's create, folded into the summary after the stream.
#[derive(Default)]
struct Tally {
    sent: usize,
    rate_limited: usize,
    unknown: usize,
}

async fn create_rows(
    client: &DotsClient,
    journal: &Journal,
    opts: &RunOptions,
    rows: &[u32],
    progress: Option<&watch::Sender<BatchProgress>>,
    cancel: &CancellationToken,
    summary: &mut RunSummary,
) -> Result<()> {
    // A child token also stops the other rows when one meets a batch-wide failure.
    let stop = cancel.child_token();
    let by_row: HashMap<u32, _> = journal.rows().iter().map(|r| (r.row, r)).collect();
    let template = journal.template();
    let batch = journal.batch_id();
    let width = opts.concurrency.max(1);
    // Rows whose `sending` line is on disk, at most one wave ahead of the slots.
    let (ready, announced) = mpsc::channel::<u32>(width);
    let announcer = {
        let stop = stop.clone();
        async move {
            let result = announce(journal, rows, width, &ready, &stop).await;
            if result.is_err() {
                stop.cancel();
            }
            result // `ready` goes here, which ends the slots' stream
        }
    };
    let ready_rows = stream::unfold(announced, |mut rx| async move {
        rx.recv().await.map(|row| (row, rx))
    });
    let creates = ready_rows
        .map(|row| {
            let stop = stop.clone();
            let request = template.request_for(batch, by_row[&row]);
            async move {
                let mut tally = Tally::default();
                let result =
                    create_one(client, journal, opts, row, &request, &stop, &mut tally).await;
                if result.is_err() {
                    stop.cancel();
                }
                if let Some(tx) = progress {
                    tx.send_replace(journal.progress());
                }
                (tally, result)
            }
        })
        .buffer_unordered(width)
        .collect::<Vec<(Tally, Result<()>)>>();
    let (announced, results) = tokio::join!(announcer, creates);
    let mut first_error = announced.err();
    for (tally, result) in results {
        summary.creates_sent += tally.sent;
        summary.rate_limited += tally.rate_limited;
        summary.outcome_unknown += tally.unknown;
        if let Err(e) = result {
            first_error.get_or_insert(e);
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// Marks `rows` sending a wave at a time (one fsync each) and hands them to the slots. Stops
/// at a stop; every row handed over is the slots' to send or put back.
async fn announce(
    journal: &Journal,
    rows: &[u32],
    width: usize,
    ready: &mpsc::Sender<u32>,
    stop: &CancellationToken,
) -> Result<()> {
    for wave in rows.chunks(width) {
        if stop.is_cancelled() {
            break;
        }
        journal.mark_sending(wave).await?;
        for (i, &row) in wave.iter().enumerate() {
            if ready.send(row).await.is_err() {
                // No slot will take them: they never left.
                for &row in &wave[i..] {
                    journal.note(row, RowState::Pending)?;
                }
                return Ok(());
            }
        }
    }
    Ok(())
}

async fn create_one(
    client: &DotsClient,
    journal: &Journal,
    opts: &RunOptions,
    row: u32,
    request: &flowdesk_dots::FlowRequest,
    stop: &CancellationToken,
    tally: &mut Tally,
) -> Result<()> {
    // The row arrives announced: its `sending` line is on disk.
    let mut rate_limited = 0;
    loop {
        if stop.is_cancelled() {
            // Never sent: back to pending, for a later run.
            return journal.note(row, RowState::Pending);
        }
        tally.sent += 1;
        match client.create_flow(request).await {
            Ok(flow) => {
                return journal.note(
                    row,
                    RowState::Created {
                        flow_id: flow.id,
                        link: flow.link,
                    },
                )
            }
            // A 429 means Dots did not process the request, so this is the one error after
            // which sending the same create again cannot make a duplicate.
            Err(DotsError::RateLimited { retry_after, .. }) => {
                tally.rate_limited += 1;
                rate_limited += 1;
                journal.note(row, RowState::Pending)?;
                if rate_limited >= opts.max_rate_limited {
                    tracing::warn!(row, "still rate limited; left pending for a later run");
                    return Ok(());
                }
                let wait = retry_after
                    .unwrap_or(opts.default_retry_after)
                    .min(opts.max_retry_after);
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = stop.cancelled() => return Ok(()),
                }
                journal.mark_sending(&[row]).await?;
            }
            Err(e) if e.outcome_unknown() => {
                tally.unknown += 1;
                tracing::warn!(row, kind = ?e.kind(), "create outcome unknown; will reconcile");
                return journal.note(
                    row,
                    RowState::Unknown {
                        reason: e.to_string(),
                    },
                );
            }
            Err(e) if batch_wide(&e) => {
                journal.note(row, RowState::Pending)?;
                return Err(BulkError::Dots(e));
            }
            Err(e) => {
                return journal.note(
                    row,
                    RowState::Failed {
                        message: e.to_string(),
                    },
                )
            }
        }
    }
}

/// Failures that would repeat on every row: stop instead of failing each one.
fn batch_wide(e: &DotsError) -> bool {
    matches!(
        e.kind(),
        ErrorKind::Unauthorized
            | ErrorKind::Forbidden
            | ErrorKind::HostNotAllowed
            | ErrorKind::Config
    )
}

/// Lists the environment's flows back to the batch's start and settles every `unknown` row:
/// its flow found → `created`; none → `pending` (safe to create again).
async fn reconcile(
    client: &DotsClient,
    journal: &Journal,
    opts: &RunOptions,
    unknown: &[u32],
    summary: &mut RunSummary,
) -> Result<()> {
    let found = list_batch_flows(client, journal, opts, summary).await?;
    summary.duplicates = found
        .iter()
        .filter(|(_, flows)| flows.len() > 1)
        .map(|(row, flows)| (*row, flows.iter().map(|f| f.id.clone()).collect()))
        .collect();
    summary.duplicates.sort();
    for &row in unknown {
        match found.get(&row).and_then(|flows| flows.last()) {
            // The listing is newest first, so the last is the oldest: the one to keep if a
            // duplicate ever slipped through.
            Some(flow) => {
                summary.reconciled_found += 1;
                journal.note(
                    row,
                    RowState::Created {
                        flow_id: flow.id.clone(),
                        link: flow.link.clone(),
                    },
                )?;
            }
            None => {
                summary.reconciled_missing += 1;
                journal.note(row, RowState::Pending)?;
            }
        }
    }
    Ok(())
}

/// Every listed flow of this batch, by row, in listing order.
pub async fn list_batch_flows(
    client: &DotsClient,
    journal: &Journal,
    opts: &RunOptions,
    summary: &mut RunSummary,
) -> Result<HashMap<u32, Vec<Flow>>> {
    let batch = journal.batch_id().to_string();
    let cutoff = journal.started_at()
        - chrono::Duration::from_std(opts.clock_skew).unwrap_or(chrono::Duration::zero());
    let mut params = ListParams {
        limit: Some(opts.page_size.clamp(1, 100)),
        ..Default::default()
    };
    let mut found: HashMap<u32, Vec<Flow>> = HashMap::new();
    let mut seen = HashSet::new();
    loop {
        let page = list_page(client, &params).await?;
        summary.list_pages += 1;
        let all_old = page
            .data
            .iter()
            .all(|f| f.created.is_some_and(|c| c < cutoff));
        for flow in &page.data {
            if !seen.insert(flow.id.clone()) {
                continue;
            }
            if let Some(row) = batch_row(flow, &batch) {
                found.entry(row).or_default().push(flow.clone());
            }
        }
        match page.data.last() {
            Some(last) if page.has_more && !all_old => {
                params.starting_after = Some(last.id.clone())
            }
            _ => break,
        }
    }
    Ok(found)
}

/// The row this flow was created for, if it belongs to `batch`.
fn batch_row(flow: &Flow, batch: &str) -> Option<u32> {
    // Metadata may come back as its JSON text (the spec allows a string): read it either way,
    // or an unresolved row would be sent again as a second flow.
    let value = flow.metadata_value()?;
    let meta = value.as_object()?;
    if meta.get("flowdesk_batch")?.as_str()? != batch {
        return None;
    }
    match meta.get("flowdesk_row")? {
        serde_json::Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// A read may be retried: transient failures get a few tries with backoff.
async fn list_page(client: &DotsClient, params: &ListParams) -> Result<flowdesk_dots::Page<Flow>> {
    let mut delay = Duration::from_millis(200);
    let mut tries = 0;
    loop {
        match client.list_flows(params).await {
            Ok(page) => return Ok(page),
            Err(e) if e.is_transient() && tries < 6 => {
                tries += 1;
                let wait = match &e {
                    DotsError::RateLimited {
                        retry_after: Some(d),
                        ..
                    } => (*d).min(Duration::from_secs(60)),
                    _ => delay,
                };
                tracing::warn!(kind = ?e.kind(), tries, "listing flows failed; trying again");
                tokio::time::sleep(wait).await;
                delay = (delay * 2).min(Duration::from_secs(10));
            }
            Err(e) => return Err(BulkError::Reconcile(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(metadata: serde_json::Value) -> Flow {
        serde_json::from_value(serde_json::json!({"id": "f", "steps": ["compliance"], "metadata": metadata})).unwrap()
    }

    #[test]
    fn a_row_is_found_whether_dots_returns_metadata_as_an_object_or_as_its_text() {
        let object = serde_json::json!({"flowdesk_batch": "b1", "flowdesk_row": 7});
        assert_eq!(batch_row(&flow(object.clone()), "b1"), Some(7));
        // The spec allows metadata as a string: the same object, sent back as text.
        assert_eq!(batch_row(&flow(serde_json::Value::String(object.to_string())), "b1"), Some(7));
        assert_eq!(batch_row(&flow(serde_json::Value::String(object.to_string())), "b2"), None);
        assert_eq!(batch_row(&flow(serde_json::json!("just text")), "b1"), None);
    }
}
