//! Bulk: 1000 links through `flowdesk-bulk` (the engine the app's bulk commands and the CLI
//! drive: journal, bounded concurrency, reconciliation) against a sandbox that sleeps 20 ms
//! before each create, 16 creates at once. The ideal is 16 / 20 ms = 800 creates/s. Then an
//! independent count: every flow in the sandbox, grouped by the row it carries.

use std::collections::BTreeMap;
use std::time::Instant;

use flowdesk_bulk::{parse_csv, run as run_batch, BatchTemplate, CancellationToken, Journal, RunOptions};
use flowdesk_dots::{ClientConfig, DotsClient, ListParams, Step, StepName};
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

        // Independent of the engine's own books: what the sandbox holds, by row.
        let batch = journal.batch_id().to_string();
        let mut by_row: BTreeMap<u64, usize> = BTreeMap::new();
        let mut params = ListParams { limit: Some(100), ..Default::default() };
        loop {
            let page = client.list_flows(&params).await?;
            for f in &page.data {
                let meta = f.metadata.as_ref().and_then(|m| m.as_object());
                if let Some(meta) = meta.filter(|m| m.get("flowdesk_batch").and_then(Value::as_str) == Some(batch.as_str())) {
                    let row = meta.get("flowdesk_row").and_then(Value::as_u64).ok_or("a flow without its row")?;
                    *by_row.entry(row).or_default() += 1;
                }
            }
            if !page.has_more {
                break;
            }
            params.starting_after = page.data.last().map(|f| f.id.clone());
        }
        let duplicates = by_row.values().filter(|&&n| n > 1).count();
        let lost = rows - by_row.len();
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
        }))
    })
}
