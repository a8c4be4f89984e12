//! Bulk: 1000 links through `flowdesk-bulk` (the engine the app's bulk commands and the CLI
//! drive: journal, bounded concurrency, reconciliation) against a sandbox that sleeps 20 ms
//! before each create, 16 creates at once. The ideal is 16 / 20 ms = 800 creates/s. Then an
//! independent count: every flow in the sandbox, grouped by the row it carries.
//!
//! Bulk crash: the release `flowdesk bulk` on 10,000 rows against a data folder's local
//! sandbox (in memory, no latency), killed with SIGKILL once 30 % of the flows exist, then
//! `flowdesk bulk --resume`; the same independent count.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use flowdesk_bulk::{parse_csv, run as run_batch, BatchTemplate, CancellationToken, Journal, RunOptions};
use flowdesk_dots::{ClientConfig, DotsClient, ListParams, Step, StepName};
use flowdesk_sandbox::home::SandboxHome;
use flowdesk_sandbox::{Fault, FaultSpec, FaultWhen, SandboxConfig};
use serde_json::{json, Value};

use crate::{env_num, Result};

const CLIENT_ID: &str = "bench_client";
const API_KEY: &str = "sk_bench_key";

pub fn run(rows: usize) -> Result<Value> {
    let latency_ms = env_num("BENCH_BULK_LATENCY_MS", 20);
    let concurrency = env_num("BENCH_BULK_CONCURRENCY", 16) as usize;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        let sandbox = flowdesk_sandbox::start(SandboxConfig::new(CLIENT_ID, API_KEY)).await?;
        let client = DotsClient::new(ClientConfig::new(&sandbox.base_url(), CLIENT_ID, API_KEY)?)?;
        sandbox.inject(
            FaultSpec::new(Fault::Latency { ms: latency_ms }, FaultWhen::Before)
                .method("POST")
                .path_prefix("/api/v2/flows")
                .count(rows as u32),
        );

        let mut csv = String::from("email,name,reference\n");
        for i in 1..=rows {
            csv.push_str(&format!("person{i}@example.com,Person {i},REF-{i}\n"));
        }
        let import = parse_csv(csv.as_bytes())?;
        let template = BatchTemplate::new(vec![Step::new(StepName::Compliance), Step::new(StepName::ManagePayouts)]);
        let dir = tempfile::tempdir()?;
        let journal = Journal::create(&dir.path().join("bench.journal"), &template, &import, None)?;
        let opts = RunOptions { concurrency, ..RunOptions::default() };

        let t = Instant::now();
        let summary = run_batch(&client, &journal, &opts, None, &CancellationToken::new()).await?;
        let secs = t.elapsed().as_secs_f64();

        let by_row = flows_by_row(&client, &journal.batch_id().to_string()).await?;
        let (duplicates, lost) = duplicates_and_lost(&by_row, rows);
        let rate = rows as f64 / secs;
        let ideal = concurrency as f64 * 1000.0 / latency_ms as f64;
        Ok(json!({
            "bench": "bulk",
            "rows": rows,
            "latency_ms": latency_ms,
            "concurrency": concurrency,
            "secs": secs,
            "creates_per_sec": rate,
            "ideal_per_sec": ideal,
            "ratio_to_ideal": rate / ideal,
            "created": summary.progress.created,
            "sandbox_flows": sandbox.flow_count(),
            "duplicates": duplicates,
            "lost": lost,
            "creates_sent": summary.creates_sent,
            "outcome_unknown": summary.outcome_unknown,
            "journal_syncs": summary.journal_syncs,
        }))
    })
}

/// Independent of the engine's own books: what the sandbox holds of this batch, by row.
async fn flows_by_row(client: &DotsClient, batch: &str) -> Result<BTreeMap<u64, usize>> {
    let mut by_row: BTreeMap<u64, usize> = BTreeMap::new();
    let mut params = ListParams { limit: Some(100), ..Default::default() };
    loop {
        let page = client.list_flows(&params).await?;
        for f in &page.data {
            let meta = f.metadata.as_ref().and_then(|m| m.as_object());
            if let Some(meta) = meta.filter(|m| m.get("flowdesk_batch").and_then(Value::as_str) == Some(batch)) {
                let row = meta.get("flowdesk_row").and_then(Value::as_u64).ok_or("a flow without its row")?;
                *by_row.entry(row).or_default() += 1;
            }
        }
        if !page.has_more {
            break;
        }
        params.starting_after = page.data.last().map(|f| f.id.clone());
    }
    Ok(by_row)
}

/// Rows with more than one flow, and rows 1..=rows with none.
fn duplicates_and_lost(by_row: &BTreeMap<u64, usize>, rows: usize) -> (usize, usize) {
    let duplicates = by_row.values().filter(|&&n| n > 1).count();
    let lost = (1..=rows as u64).filter(|r| !by_row.contains_key(r)).count();
    (duplicates, lost)
}

pub fn crash(rows: usize) -> Result<Value> {
    let concurrency = env_num("BENCH_BULK_CONCURRENCY", 16);
    let kill_at = rows * 3 / 10;
    // The release CLI: BENCH_CLI_BIN, or the `flowdesk` built beside this harness.
    let cli = match std::env::var_os("BENCH_CLI_BIN") {
        Some(path) => PathBuf::from(path),
        None => std::env::current_exe()?.with_file_name("flowdesk"),
    };
    let scratch = tempfile::tempdir()?;
    for sub in ["home", "data", "config", "cache"] {
        std::fs::create_dir_all(scratch.path().join(sub))?;
    }
    let data_dir = scratch.path().join("data/com.flowdesk.desk");
    let mut csv = String::from("email,name,reference\n");
    for i in 1..=rows {
        csv.push_str(&format!("person{i}@example.com,Person {i},REF-{i}\n"));
    }
    std::fs::write(scratch.path().join("people.csv"), csv)?;
    std::fs::write(scratch.path().join("template.json"), r#"{"steps": ["compliance", "manage-payouts"]}"#)?;
    // Throwaway folders; no D-Bus, so the real keyring is never reached.
    let flowdesk = |args: &[&str]| {
        let mut c = Command::new(&cli);
        for (var, sub) in [("HOME", "home"), ("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache")] {
            c.env(var, scratch.path().join(sub));
        }
        c.env_remove("DBUS_SESSION_BUS_ADDRESS").env_remove("RUST_LOG").stdin(Stdio::null());
        c.args(["--env", "local", "bulk"]).args(args);
        c.args(["--concurrency", &concurrency.to_string(), "-o"]).arg(scratch.path().join("links.csv"));
        c
    };

    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let host = SandboxHome::new(&data_dir).host_in_memory().await?;
        let e = &host.endpoint;
        let client = DotsClient::new(ClientConfig::new(&e.base_url(), e.client_id.clone(), e.api_key.clone())?)?;

        let people = scratch.path().join("people.csv");
        let template = scratch.path().join("template.json");
        let mut child = flowdesk(&[&people.to_string_lossy(), "--template", &template.to_string_lossy()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let t = Instant::now();
        while host.sandbox.flow_count() < kill_at {
            if t.elapsed() > Duration::from_secs(300) || child.try_wait()?.is_some() {
                let _ = child.kill();
                return Err(format!("flowdesk bulk never reached {kill_at} flows").into());
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        child.kill()?; // SIGKILL
        child.wait()?;
        let to_kill = t.elapsed().as_secs_f64();
        let flows_at_kill = host.sandbox.flow_count();
        let journal = std::fs::read_dir(data_dir.join("batches/local"))?
            .flatten()
            .map(|d| d.path())
            .find(|p| p.extension().is_some_and(|x| x == "journal") && !p.to_string_lossy().contains("/new-"))
            .ok_or("no batch journal")?;
        let text = std::fs::read_to_string(&journal)?;
        let (sending, created) = (text.matches(r#""state":"sending""#).count(), text.matches(r#""state":"created""#).count());
        let batch = journal.file_stem().ok_or("journal name")?.to_string_lossy().into_owned();

        let t = Instant::now();
        let mut resume = flowdesk(&["--resume", &batch]);
        let out = tokio::task::spawn_blocking(move || resume.output()).await??;
        let resume_secs = t.elapsed().as_secs_f64();
        if !out.status.success() {
            return Err(format!("the resume failed: {}", String::from_utf8_lossy(&out.stderr)).into());
        }
        let by_row = flows_by_row(&client, &batch).await?;
        let (duplicates, lost) = duplicates_and_lost(&by_row, rows);
        Ok(json!({
            "bench": "bulk-crash",
            "rows": rows,
            "concurrency": concurrency,
            "killed_after_secs": to_kill,
            "flows_at_kill": flows_at_kill,
            "journal_at_kill": {"sending": sending, "created": created},
            "resume_secs": resume_secs,
            "resume_said": String::from_utf8_lossy(&out.stdout).trim(),
            "sandbox_flows": host.sandbox.flow_count(),
            "duplicates": duplicates,
            "lost": lost,
        }))
    })
}
