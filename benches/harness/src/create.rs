//! Create latency: the app's `create_flow` command, invoked as the window invokes it (IPC
//! JSON in, `FlowView` JSON out, the Desk, the Dots client, the history write), against a
//! raw HTTP POST of the same body.
//!
//! The app's local sandbox runs with credentials made up for the run that never leave the
//! Desk, so a raw POST cannot reach it. The raw POST goes to a twin sandbox (same code, same
//! process), and the Dots client is timed against both, which shows the two sandboxes
//! answer alike. All four paths run interleaved, one create each per round, so a growing
//! flow store or a noisy neighbour affects them equally.

use std::time::Instant;

use flowdesk_dots::{ClientConfig, DotsClient, FlowRequest};
use flowdesk_sandbox::SandboxConfig;
use serde_json::{json, Value};
use tauri::async_runtime::block_on;

use crate::app::BenchApp;
use crate::{quantile, Result};

const WARMUP: usize = 20;
const CLIENT_ID: &str = "bench_client";
const API_KEY: &str = "sk_bench_key";

pub fn run(creates: usize) -> Result<Value> {
    let app = BenchApp::start()?;
    let desk_client = tauri::async_runtime::block_on(app.desk().client("local"))?;
    let twin = block_on(flowdesk_sandbox::start(SandboxConfig::new(CLIENT_ID, API_KEY)))?;
    let twin_client = DotsClient::new(ClientConfig::new(&twin.base_url(), CLIENT_ID, API_KEY)?)?;
    let http = reqwest::Client::builder().no_proxy().build()?;
    let url = format!("{}/v2/flows", twin.base_url());

    let args = json!({"request": {"steps": [{"name": "compliance"}, {"name": "manage-payouts"}]}});
    let request: FlowRequest = serde_json::from_value(args["request"].clone())?;
    let body = request.wire_body();

    let (mut command, mut client_app, mut client_twin, mut raw) = (vec![], vec![], vec![], vec![]);
    for i in 0..WARMUP + creates {
        let t = Instant::now();
        let view = app.invoke("create_flow", args.clone())?;
        let ms = t.elapsed().as_secs_f64() * 1e3;
        if view["flow"]["id"].as_str().is_none() {
            return Err(format!("create_flow replied without a flow: {view}").into());
        }
        let keep = i >= WARMUP;
        if keep {
            command.push(ms);
        }

        let t = Instant::now();
        block_on(desk_client.create_flow(&request))?;
        if keep {
            client_app.push(t.elapsed().as_secs_f64() * 1e3);
        }

        let t = Instant::now();
        block_on(twin_client.create_flow(&request))?;
        if keep {
            client_twin.push(t.elapsed().as_secs_f64() * 1e3);
        }

        let t = Instant::now();
        let status = block_on(async {
            let reply = http.post(&url).basic_auth(CLIENT_ID, Some(API_KEY)).json(&body).send().await?;
            let status = reply.status();
            reply.bytes().await?;
            Ok::<_, reqwest::Error>(status)
        })?;
        if keep {
            raw.push(t.elapsed().as_secs_f64() * 1e3);
        }
        if !status.is_success() {
            return Err(format!("raw POST answered {status}").into());
        }
    }
    let summary = |v: &[f64]| json!({"median_ms": quantile(v, 0.5), "p90_ms": quantile(v, 0.9), "min_ms": quantile(v, 0.0)});
    let (cmd_med, raw_med) = (quantile(&command, 0.5), quantile(&raw, 0.5));
    Ok(json!({
        "bench": "create-latency",
        "creates": creates,
        "command": summary(&command),
        "client_app_sandbox": summary(&client_app),
        "client_twin_sandbox": summary(&client_twin),
        "raw_post": summary(&raw),
        "overhead_ms": cmd_med - raw_med,
    }))
}
