//! `year <dir>`: a data folder seeded by `seed-year` (or an empty one), opened as the app
//! opens it, and what a person does with a year of History: open it, search it by email,
//! reference and flow id, open the audit log and export it to CSV. Every call goes through
//! the app's real command path (Tauri's mock runtime, real IPC serialisation), so the bytes
//! a reply would carry to the webview are measured too. First it checks the folder reads
//! back whole: each count the seed wrote, read by the crates that own it.

use std::path::Path;
use std::time::Instant;

use flowdesk_sandbox::SandboxConfig;
use serde_json::{json, Value};
use tauri::async_runtime::block_on;

use crate::app::BenchApp;
use crate::{quantile, Result};

const REPEATS: usize = 15;

pub fn run(dir: &Path, scale: usize) -> Result<Value> {
    flowdesk_files::create_private_dir(dir)?;
    let counts = read_back(dir)?;

    let t = Instant::now();
    let app = BenchApp::start_at(dir, None)?;
    let core_start_ms = t.elapsed().as_secs_f64() * 1e3;

    // Queries a person would type: the middle of the year, so no search ends early by luck.
    let i = scale / 2;
    let email = format!("person{i:06}@example.com");
    let reference = format!("REF-{i:06}");
    let by_ref = app.invoke("history_search", json!({"query": reference, "limit": 200}))?;
    let id = by_ref[0]["flow_id"].as_str().map(str::to_string).unwrap_or_else(|| "no-such-flow".into());
    let expect_hit = scale > 0;

    let mut measures = serde_json::Map::new();
    for (name, query) in [
        ("history_open", ""),
        ("search_email", email.as_str()),
        ("search_reference", reference.as_str()),
        ("search_id", id.as_str()),
    ] {
        let args = json!({"query": query, "limit": 200});
        let m = timed(|| app.invoke("history_search", args.clone()))?;
        let hits = m.1.as_array().map(Vec::len).unwrap_or(0);
        if expect_hit && name != "history_open" && hits == 0 {
            return Err(format!("{name}: no entry found for {query:?}").into());
        }
        measures.insert(name.into(), json!({"median_ms": m.0.0, "max_ms": m.0.1, "items": hits, "reply_bytes": m.2}));
    }
    // As the audit screen asks (its latest 500), and the whole log (the CLI's `money audit`).
    for (name, args) in [("audit_open", json!({"limit": 500})), ("audit_read_all", json!({}))] {
        let m = timed(|| app.invoke("audit_read", args.clone()))?;
        let items = m.1["entries"].as_array().map(Vec::len).unwrap_or(0);
        measures.insert(name.into(), json!({"median_ms": m.0.0, "max_ms": m.0.1, "items": items, "reply_bytes": m.2}));
    }
    let m = timed(|| app.invoke("audit_export_csv", json!({})))?;
    measures.insert("audit_csv".into(), json!({"median_ms": m.0.0, "max_ms": m.0.1, "reply_bytes": m.2}));

    let templates = app.invoke("templates_list", json!({}))?.as_array().map(Vec::len).unwrap_or(0);
    let batches = app.invoke("bulk_batches", json!({}))?.as_array().map(Vec::len).unwrap_or(0);
    if templates != counts["templates"].as_u64().unwrap_or(0) as usize
        || batches != counts["batches"].as_u64().unwrap_or(0) as usize
    {
        return Err(
            format!("the app lists {templates} templates and {batches} batches; the files hold {counts}").into()
        );
    }
    Ok(json!({
        "bench": "year", "scale": scale, "counts": counts,
        "core_start_ms": core_start_ms, "measures": measures,
    }))
}

/// (median, max) ms over REPEATS calls after one warm-up, the last reply, its JSON size.
fn timed(mut call: impl FnMut() -> Result<Value>) -> Result<((f64, f64), Value, usize)> {
    let mut reply = call()?;
    let mut ms = Vec::new();
    for _ in 0..REPEATS {
        let t = Instant::now();
        reply = call()?;
        ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let bytes = serde_json::to_vec(&reply)?.len();
    Ok(((quantile(&ms, 0.5), quantile(&ms, 1.0)), reply, bytes))
}

/// Every count, read by the crate that owns the file, and how long each read took.
fn read_back(dir: &Path) -> Result<Value> {
    let t = Instant::now();
    let (history, _) = flowdesk_history::History::open(dir.join(flowdesk_history::history::FILE_NAME))?;
    let history_ms = t.elapsed().as_secs_f64() * 1e3;
    let audit = flowdesk_money::AuditLog::new(dir.join("audit.jsonl")).read()?;
    let (templates, _) = flowdesk_history::Templates::open(dir.join(flowdesk_history::templates::FILE_NAME))?;
    let batches = std::fs::read_dir(dir.join("batches").join("local")).map(|d| d.count()).unwrap_or(0);
    let t = Instant::now();
    let (flows, deliveries) = block_on(async {
        let config = SandboxConfig { state_file: Some(dir.join("sandbox-state.json")), ..SandboxConfig::new("c", "k") };
        let sandbox = flowdesk_sandbox::start(config).await?;
        let counts = (sandbox.flow_count(), sandbox.webhook_delivery_count());
        sandbox.shutdown().await;
        Ok::<_, std::io::Error>(counts)
    })?;
    let sandbox_ms = t.elapsed().as_secs_f64() * 1e3;
    Ok(json!({
        "history": history.len(), "audit": audit.entries.len(), "audit_skipped": audit.skipped_lines,
        "templates": templates.list().len(), "batches": batches, "flows": flows, "deliveries": deliveries,
        "history_open_ms": history_ms, "sandbox_open_ms": sandbox_ms,
    }))
}
