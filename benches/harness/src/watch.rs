//! Watching: 200 flows watched through the app's `watch_flow` command with the default
//! interval (5 s, doubling while a flow is unchanged, at most 60 s). Counts the GETs the
//! sandbox answered (its own `/_sandbox/stats`) and the CPU this process used (user +
//! system, every thread: the scheduler, the HTTP client and the in-process sandbox, as in
//! the real app) over the first minute and over a later, steady minute.

use std::time::{Duration, Instant};

use flowdesk_sandbox::home::Endpoint;
use serde_json::{json, Value};

use crate::app::BenchApp;
use crate::{cpu_ms, env_num, Result};

/// GETs of single flows the sandbox has answered so far.
fn polls(http: &reqwest::Client, sandbox: &Endpoint) -> Result<u64> {
    let stats: Value = tauri::async_runtime::block_on(async {
        http.get(format!("{}/_sandbox/stats", sandbox.origin))
            .basic_auth(&sandbox.client_id, Some(&sandbox.api_key))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await
    })?;
    let requests = stats["requests"].as_object().ok_or("no requests in /_sandbox/stats")?;
    Ok(requests
        .iter()
        .filter(|(route, _)| route.starts_with("GET /api/v2/flows/"))
        .filter_map(|(_, n)| n.as_u64())
        .sum())
}

pub fn run(flows: usize) -> Result<Value> {
    let first_secs = env_num("BENCH_WATCH_FIRST_SECS", 60);
    let steady_from = env_num("BENCH_WATCH_STEADY_FROM", 90);
    let steady_secs = env_num("BENCH_WATCH_STEADY_SECS", 60);
    let app = BenchApp::start()?;
    let sandbox = app.sandbox_endpoint()?;
    let http = reqwest::Client::builder().no_proxy().build()?;
    let args = json!({"request": {"steps": [{"name": "compliance"}, {"name": "manage-payouts"}]}});
    let ids = (0..flows)
        .map(|_| {
            let view = app.invoke("create_flow", args.clone())?;
            Ok(view["flow"]["id"].as_str().ok_or("no flow id")?.to_string())
        })
        .collect::<Result<Vec<String>>>()?;

    let p0 = polls(&http, &sandbox)?;
    let c0 = cpu_ms();
    let start = Instant::now();
    for id in &ids {
        app.invoke("watch_flow", json!({"id": id, "environmentId": "local"}))?;
    }
    let at = |secs: u64| {
        let until = Duration::from_secs(secs);
        if let Some(left) = until.checked_sub(start.elapsed()) {
            std::thread::sleep(left);
        }
    };
    at(first_secs);
    let (p1, c1) = (polls(&http, &sandbox)?, cpu_ms());
    at(steady_from);
    let (p2, c2) = (polls(&http, &sandbox)?, cpu_ms());
    at(steady_from + steady_secs);
    let (p3, c3) = (polls(&http, &sandbox)?, cpu_ms());
    let watched = app.desk().watched_count();

    let per_min = |n: u64, secs: u64| n as f64 * 60.0 / secs as f64;
    Ok(json!({
        "bench": "watch",
        "flows": flows,
        "watched_at_end": watched,
        "first_minute": {
            "secs": first_secs,
            "polls_per_min": per_min(p1 - p0, first_secs),
            "cpu_ms_per_min": (c1 - c0) * 60.0 / first_secs as f64,
            "cpu_percent_of_core": (c1 - c0) / (first_secs as f64 * 10.0),
        },
        "steady": {
            "from_secs": steady_from,
            "secs": steady_secs,
            "polls_per_min": per_min(p3 - p2, steady_secs),
            "cpu_ms_per_min": (c3 - c2) * 60.0 / steady_secs as f64,
            "cpu_percent_of_core": (c3 - c2) / (steady_secs as f64 * 10.0),
        },
    }))
}
