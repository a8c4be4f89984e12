//! `seed-year <dir> [SCALE]`: a data folder as a desk leaves it after a year of use, at
//! SCALE history entries (50,000 by default) and everything else in proportion: 2×SCALE
//! audit lines, 200 templates and 20 finished batches per 50,000, and a local sandbox
//! holding SCALE flows and 2×SCALE webhook deliveries.
//!
//! Written through the crates' own APIs where they are fast enough (History::record_many,
//! Templates::save, the bulk Journal, the sandbox itself for one flow and the endpoint).
//! Where one call per item means one fsync per item (the audit log, the sandbox's state
//! and webhook journal) the same format is written in one go: the lines are serialised
//! from the crates' own types, or copied from what the running sandbox itself wrote, and
//! `flowdesk-bench year` checks the app reads every count back.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use flowdesk_bulk::{BatchTemplate, Import, Journal, Recipient, RowState};
use flowdesk_dots::{ClientConfig, DotsClient, FlowRequest};
use flowdesk_history::{BatchRef, History, HistoryEntry, Template, Templates};
use flowdesk_money::AuditEntry;
use flowdesk_sandbox::webhooks::{Attempt, Delivery, DeliveryStatus};
use flowdesk_sandbox::SandboxConfig;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::Result;

/// How many of each thing a folder seeded at `scale` holds.
#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub history: usize,
    pub audit: usize,
    pub templates: usize,
    pub batches: usize,
    pub rows_per_batch: usize,
    pub flows: usize,
    pub deliveries: usize,
}

impl Counts {
    pub fn at(scale: usize) -> Counts {
        let per_50k = |n: usize| (n * scale).div_ceil(50_000).max(1);
        Counts {
            history: scale,
            audit: 2 * scale,
            templates: per_50k(200),
            batches: per_50k(20),
            rows_per_batch: 100.min(scale),
            flows: scale,
            deliveries: 2 * scale,
        }
    }
}

const CLIENT_ID: &str = "seed_client";
const API_KEY: &str = "sk_seed_key";
const STEPS: [&str; 2] = ["compliance", "manage-payouts"];

pub fn run(dir: &Path, scale: usize) -> Result<Value> {
    let counts = Counts::at(scale);
    let t = std::time::Instant::now();
    flowdesk_files::create_private_dir(dir)?;
    let start = Utc::now() - Duration::days(365);
    // Spread over the year, oldest first, as a year of use leaves them.
    let when = |i: usize, n: usize| start + Duration::seconds((i as i64) * 365 * 86_400 / n.max(1) as i64);
    let flow_ids: Vec<Uuid> = (0..counts.flows).map(|_| Uuid::new_v4()).collect();

    let origin = seed_sandbox(dir, &flow_ids, counts, &when)?;
    let batch_ids = seed_batches(dir, &flow_ids, &origin, counts)?;
    seed_history(dir, &flow_ids, &batch_ids, &origin, counts, &when)?;
    seed_audit(dir, &flow_ids, counts, &when)?;
    seed_templates(dir, counts)?;
    // The next launch picks its own port and credentials, as a fresh desk does.
    for f in ["sandbox.json", "sandbox.lock", "data.lock"] {
        let _ = std::fs::remove_file(dir.join(f));
    }
    Ok(json!({
        "dir": dir.display().to_string(), "scale": scale, "seconds": t.elapsed().as_secs_f64(),
        "history": counts.history, "audit": counts.audit, "templates": counts.templates,
        "batches": counts.batches, "flows": counts.flows, "deliveries": counts.deliveries,
    }))
}

fn person(i: usize) -> (String, String) {
    (format!("person{i:06}@example.com"), format!("REF-{i:06}"))
}

fn link(origin: &str, id: &Uuid) -> String {
    format!("{origin}/flow/{id}")
}

/// One flow made by the real sandbox (its exact record shape), copied with new ids and
/// times; one webhook endpoint added through the sandbox; the deliveries serialised from
/// the sandbox's own `Delivery` type. Returns the origin links point at.
fn seed_sandbox(
    dir: &Path,
    flow_ids: &[Uuid],
    counts: Counts,
    when: &dyn Fn(usize, usize) -> DateTime<Utc>,
) -> Result<String> {
    let state = dir.join("sandbox-state.json");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let origin = "http://127.0.0.1:4010".to_string();
    let endpoint = rt.block_on(async {
        let config = SandboxConfig { state_file: Some(state.clone()), ..SandboxConfig::new(CLIENT_ID, API_KEY) };
        let sandbox = flowdesk_sandbox::start(config).await?;
        let client = DotsClient::new(ClientConfig::new(&sandbox.base_url(), CLIENT_ID, API_KEY)?)?;
        let request: FlowRequest = serde_json::from_value(json!({"steps": STEPS.map(|s| json!({"name": s}))}))?;
        client.create_flow(&request).await?;
        // Deliveries to it are all finished: nothing is sent when the app opens the folder.
        let endpoint = sandbox.add_webhook_endpoint("http://127.0.0.1:9/hooks")?;
        sandbox.shutdown().await;
        Ok::<_, Box<dyn std::error::Error>>(endpoint)
    })?;

    let mut file: Value = serde_json::from_slice(&std::fs::read(&state)?)?;
    let sample = file["flows"][0].clone();
    let flows: Vec<Value> = flow_ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let mut f = sample.clone();
            let (email, reference) = person(i);
            f["id"] = json!(id);
            f["created"] = json!(when(i, counts.flows).naive_utc().format("%Y-%m-%dT%H:%M:%S%.6f").to_string());
            f["metadata"] = json!({"email": email, "reference": reference});
            if i % 3 == 0 {
                f["completed"] = json!(STEPS);
            }
            f
        })
        .collect();
    file["flows"] = Value::Array(flows);
    flowdesk_files::write_atomic(&state, &serde_json::to_vec(&file)?)?;

    let journal = flowdesk_sandbox::webhooks_journal(&state);
    let mut out = std::fs::read(&journal)?; // the endpoint line, as the sandbox wrote it
    for i in 0..counts.deliveries {
        let flow = flow_ids[i % flow_ids.len()];
        let at = when(i, counts.deliveries);
        let event = if i % 2 == 0 { "flow.created" } else { "flow.completed" };
        let body = json!({"event": event, "data": {"id": flow}}).to_string();
        let d = Delivery {
            id: Uuid::new_v4(),
            event: event.into(),
            endpoint_id: endpoint.id,
            endpoint_url: endpoint.url.clone(),
            body,
            created: at,
            status: DeliveryStatus::Succeeded,
            attempts: vec![Attempt {
                at,
                request_headers: vec![("content-type".into(), "application/json".into())],
                status_code: Some(204),
                latency_ms: 3,
                reply: String::new(),
                error: None,
            }],
            next_attempt: None,
            schedule_from: 0,
        };
        let mut line = serde_json::to_value(&d)?;
        line["t"] = json!("delivery");
        serde_json::to_writer(&mut out, &line)?;
        out.push(b'\n');
    }
    flowdesk_files::write_atomic(&journal, &out)?;
    Ok(origin)
}

/// Finished batches through the bulk crate's own journal: created as the app creates one
/// (a draft, renamed to its batch id), every row recorded created.
fn seed_batches(dir: &Path, flow_ids: &[Uuid], origin: &str, counts: Counts) -> Result<Vec<String>> {
    let folder = dir.join("batches").join("local");
    flowdesk_files::create_private_dir(&folder)?;
    let template: BatchTemplate = serde_json::from_value(json!({"steps": STEPS}))?;
    let mut ids = Vec::new();
    for b in 0..counts.batches {
        let first = b * counts.rows_per_batch;
        let rows = (0..counts.rows_per_batch)
            .map(|r| {
                let (email, reference) = person(first + r);
                Recipient {
                    row: r as u32 + 1,
                    line: r as u64 + 2,
                    email,
                    name: Some(format!("Person {}", first + r)),
                    reference: Some(reference),
                    user_id: None,
                    meta: Default::default(),
                    problem: None,
                }
            })
            .collect();
        let import = Import { rows, warnings: Vec::new() };
        let draft = folder.join(format!("new-{}.journal", Uuid::new_v4()));
        let journal = Journal::create_for(&draft, &template, &import, Some("people.csv".into()), Some(origin.into()))?;
        for r in 0..counts.rows_per_batch {
            let id = flow_ids[(first + r) % flow_ids.len()];
            journal.record(r as u32 + 1, RowState::Created { flow_id: id.to_string(), link: link(origin, &id) })?;
        }
        let batch_id = journal.batch_id().to_string();
        drop(journal);
        std::fs::rename(&draft, folder.join(format!("{batch_id}.journal")))?;
        ids.push(batch_id);
    }
    Ok(ids)
}

/// Through History::record_many, a few thousand at a time (one write and fsync each).
fn seed_history(
    dir: &Path,
    flow_ids: &[Uuid],
    batch_ids: &[String],
    origin: &str,
    counts: Counts,
    when: &dyn Fn(usize, usize) -> DateTime<Utc>,
) -> Result<()> {
    let (mut history, _) = History::open(dir.join(flowdesk_history::history::FILE_NAME))?;
    let entries: Vec<HistoryEntry> = (0..counts.history)
        .map(|i| {
            let (email, reference) = person(i);
            let id = flow_ids[i % flow_ids.len()];
            let batch = (i / counts.rows_per_batch < batch_ids.len()).then(|| BatchRef {
                batch_id: batch_ids[i / counts.rows_per_batch].clone(),
                row: (i % counts.rows_per_batch) as u32 + 1,
            });
            HistoryEntry {
                flow_id: id.to_string(),
                environment_id: "local".into(),
                environment_name: "Local".into(),
                created_at: when(i, counts.history),
                steps: STEPS.map(String::from).to_vec(),
                link: link(origin, &id),
                reference: Some(reference.clone()),
                user_id: None,
                metadata: Some(json!({"email": email, "reference": reference})),
                progress: None,
                last_checked: None,
                batch,
            }
        })
        .collect();
    let mut entries = entries.into_iter().peekable();
    while entries.peek().is_some() {
        history.record_many(entries.by_ref().take(5_000).collect())?;
    }
    Ok(())
}

/// The audit log's own lines (AuditEntry, one JSON object a line), written in one go: its
/// append syncs each line, 100,000 syncs would take minutes.
fn seed_audit(
    dir: &Path,
    flow_ids: &[Uuid],
    counts: Counts,
    when: &dyn Fn(usize, usize) -> DateTime<Utc>,
) -> Result<()> {
    let mut out = Vec::new();
    for i in 0..counts.audit {
        let id = flow_ids[i % flow_ids.len()].to_string();
        let mut e = if i % 4 == 3 {
            AuditEntry {
                amount_cents: Some(1_000 + (i as i64 % 50_000)),
                recipient: Some(person(i).0),
                idempotency_key: Some(Uuid::new_v4().to_string()),
                intent_id: Some(Uuid::new_v4().to_string()),
                dots_ids: vec![Uuid::new_v4().to_string()],
                ..AuditEntry::new("local", "payout_link.create", "confirmed")
            }
        } else {
            AuditEntry::flow_created("local", &id, None)
        };
        e.time = when(i, counts.audit);
        e.os_user = "desk".into();
        serde_json::to_writer(&mut out, &e)?;
        out.push(b'\n');
    }
    let path = dir.join("audit.jsonl");
    let mut f = flowdesk_files::open_private(&path, flowdesk_files::OpenMode::Append)?;
    f.write_all(&out)?;
    f.sync_all()?;
    Ok(())
}

/// Through Templates::save, one by one as a person saves them.
fn seed_templates(dir: &Path, counts: Counts) -> Result<()> {
    let (mut templates, _) = Templates::open(dir.join(flowdesk_history::templates::FILE_NAME))?;
    for i in 0..counts.templates {
        let t: Template = serde_json::from_value(json!({
            "name": format!("Template {i:03}"),
            "steps": STEPS.map(|s| json!({"name": s})),
            "metadata": {"team": format!("team-{}", i % 7)},
        }))?;
        templates.save(t)?;
    }
    Ok(())
}
