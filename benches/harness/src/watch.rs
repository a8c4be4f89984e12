//! Watching, side by side in one app: 200 flows on the Local sandbox the app hosts, whose
//! events push each change to the scheduler (polled only as an hourly fallback), and 200
//! flows on a second sandbox reached like Dots' own environments, polled at the default
//! interval (5 s, doubling while unchanged, at most 60 s). Nothing changes during the run:
//! the GETs each sandbox answered (its own `/_sandbox/stats`) over the first minute and a
//! later steady minute, and the CPU this process used (user + system, every thread). Then
//! one step is completed on each side, to time how long each takes to show it.

use std::time::{Duration, Instant};

use flowdesk_sandbox::home::Endpoint;
use flowdesk_sandbox::{SandboxConfig, SandboxHandle};
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

/// A second sandbox, added to the app as an ordinary (polled) environment with its key.
fn polled_environment(app: &BenchApp) -> Result<(SandboxHandle, String)> {
    let sb = tauri::async_runtime::block_on(flowdesk_sandbox::start(SandboxConfig::new("bench_polled", "bench_polled_key")))?;
    let env = json!({"name": "Polled", "base_url": sb.base_url(), "app_id": null, "production": false});
    let view = app.invoke("add_environment", json!({"environment": env}))?;
    let id = view["environments"]
        .as_array()
        .and_then(|all| all.iter().find(|e| e["environment"]["name"] == "Polled"))
        .and_then(|e| e["environment"]["id"].as_str())
        .ok_or("the polled environment was not added")?
        .to_string();
    app.invoke("save_credentials", json!({"environmentId": id, "clientId": "bench_polled", "apiKey": "bench_polled_key"}))?;
    Ok((sb, id))
}

fn create(app: &BenchApp, env: &str, n: usize) -> Result<Vec<String>> {
    let request = json!({"steps": [{"name": "compliance"}, {"name": "manage-payouts"}]});
    (0..n)
        .map(|_| {
            let view = app.invoke("create_flow", json!({"request": request, "environmentId": env}))?;
            Ok(view["flow"]["id"].as_str().ok_or("no flow id")?.to_string())
        })
        .collect()
}

/// Seconds from completing a step on the sandbox to the scheduler holding that change.
fn time_to_show(app: &BenchApp, http: &reqwest::Client, sandbox: &Endpoint, flow: &str) -> Result<f64> {
    let history_progress = |app: &BenchApp| -> Result<u64> {
        let found = app.invoke("history_search", json!({"query": flow, "limit": 1}))?;
        Ok(found[0]["progress"]["completed"].as_u64().unwrap_or(0))
    };
    let before = history_progress(app)?;
    let start = Instant::now();
    for (control, body) in [("claim", json!({})), ("complete", json!({"step": "compliance"}))] {
        tauri::async_runtime::block_on(
            http.post(format!("{}/_sandbox/flows/{flow}/{control}", sandbox.origin))
                .basic_auth(&sandbox.client_id, Some(&sandbox.api_key))
                .json(&body)
                .send(),
        )?
        .error_for_status()?;
    }
    while history_progress(app)? == before {
        if start.elapsed() > Duration::from_secs(120) {
            let found = app.invoke("history_search", json!({"query": flow, "limit": 1}))?;
            return Err(format!("the change to {flow} was not seen within 2 minutes: {found}").into());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok(start.elapsed().as_secs_f64())
}

pub fn run(flows: usize) -> Result<Value> {
    let first_secs = env_num("BENCH_WATCH_FIRST_SECS", 60);
    let steady_from = env_num("BENCH_WATCH_STEADY_FROM", 90);
    let steady_secs = env_num("BENCH_WATCH_STEADY_SECS", 60);
    let app = BenchApp::start()?;
    let local = app.sandbox_endpoint()?;
    let (polled_sb, polled_env) = polled_environment(&app)?;
    let polled = polled_sb.endpoint();
    let http = reqwest::Client::builder().no_proxy().build()?;
    let pushed_ids = create(&app, "local", flows)?;
    let polled_ids = create(&app, &polled_env, flows)?;

    let counts = || -> Result<(u64, u64)> { Ok((polls(&http, &local)?, polls(&http, &polled)?)) };
    let p0 = counts()?;
    let c0 = cpu_ms();
    let start = Instant::now();
    for (ids, env) in [(&pushed_ids, "local"), (&polled_ids, polled_env.as_str())] {
        for id in ids {
            app.invoke("watch_flow", json!({"id": id, "environmentId": env}))?;
        }
    }
    let at = |secs: u64| {
        if let Some(left) = Duration::from_secs(secs).checked_sub(start.elapsed()) {
            std::thread::sleep(left);
        }
    };
    at(first_secs);
    let (p1, c1) = (counts()?, cpu_ms());
    at(steady_from);
    let (p2, c2) = (counts()?, cpu_ms());
    at(steady_from + steady_secs);
    let (p3, c3) = (counts()?, cpu_ms());
    let watched = app.desk().watched_count();

    let shown_pushed = time_to_show(&app, &http, &local, &pushed_ids[0])?;
    let shown_polled = time_to_show(&app, &http, &polled, &polled_ids[0])?;
    drop(polled_sb);

    let per_min = |n: u64, secs: u64| n as f64 * 60.0 / secs as f64;
    Ok(json!({
        "bench": "watch",
        "flows_each": flows,
        "watched_at_end": watched,
        "first_minute": {
            "secs": first_secs,
            "pushed_gets_per_min": per_min(p1.0 - p0.0, first_secs),
            "polled_gets_per_min": per_min(p1.1 - p0.1, first_secs),
            "cpu_ms_per_min": (c1 - c0) * 60.0 / first_secs as f64,
        },
        "steady": {
            "from_secs": steady_from,
            "secs": steady_secs,
            "pushed_gets_per_min": per_min(p3.0 - p2.0, steady_secs),
            "polled_gets_per_min": per_min(p3.1 - p2.1, steady_secs),
            "cpu_ms_per_min": (c3 - c2) * 60.0 / steady_secs as f64,
        },
        "change_shown_after_secs": {"pushed": shown_pushed, "polled": shown_polled},
    }))
}
