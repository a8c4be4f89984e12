//! `create`, `get`, `watch`, `list`.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use flowdesk_dots::{Flow, FlowRequest, ListParams, Metadata};
use serde_json::{Map, Value};

use flowdesk_core::{Core, CoreEvent};

use crate::context::{core, env_id};
use crate::error::CliError;
use crate::steps::parse_step;
use crate::Global;

#[derive(Args)]
pub struct CreateArgs {
    /// A step, in order: NAME or NAME:OPTION[=VALUE][,OPTION=VALUE…]. Repeat for each step.
    /// e.g. --step compliance --step manage-payouts:hide_continue_button
    /// --step redirect:redirect_url=https://example.com/done. No step (and no --user-id) makes
    /// an onboarding-only link: Dots' own sign-in and onboarding.
    #[arg(long = "step", value_name = "STEP")]
    steps: Vec<String>,
    /// The Dots user the flow is for (a UUID). Sign-in is then required unless --no-require-auth.
    #[arg(long, value_name = "UUID")]
    user_id: Option<String>,
    /// With --user-id: let the person in without signing in again.
    #[arg(long, requires = "user_id")]
    no_require_auth: bool,
    /// Hide "Go to dashboard" once the flow is complete.
    #[arg(long)]
    hide_dashboard_button: bool,
    /// Metadata KEY=VALUE, repeatable (sent as a JSON object of strings).
    #[arg(long = "meta", value_name = "KEY=VALUE")]
    meta: Vec<String>,
    /// Print the whole flow as JSON instead of the link.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct GetArgs {
    /// The flow id.
    id: String,
    /// Print the flow as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct WatchArgs {
    /// The flow id.
    id: String,
    /// Seconds between checks (default: the poll interval in Settings).
    #[arg(long, value_name = "SECS")]
    interval: Option<u64>,
    /// Give up (exit 1) after this many seconds.
    #[arg(long, value_name = "SECS")]
    timeout: Option<u64>,
}

#[derive(Args)]
pub struct ListArgs {
    /// Flows per page (1-100).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=100))]
    limit: u32,
    /// Page through every flow instead of the newest page only.
    #[arg(long)]
    all: bool,
    /// Start after this flow id (the next page).
    #[arg(long, value_name = "ID")]
    starting_after: Option<String>,
    /// One flow per line as JSON.
    #[arg(long)]
    json: bool,
}

pub async fn create(g: &Global, a: CreateArgs) -> Result<ExitCode, CliError> {
    let mut steps = Vec::new();
    for raw in &a.steps {
        steps.push(parse_step(raw).map_err(|e| CliError::new(2, format!("--step {raw}: {e}")))?);
    }
    let mut meta = Map::new();
    for kv in &a.meta {
        let (k, v) = kv
            .split_once('=')
            .filter(|(k, _)| !k.trim().is_empty())
            .ok_or_else(|| CliError::new(2, format!("--meta {kv}: expected KEY=VALUE")))?;
        meta.insert(k.trim().to_string(), Value::String(v.to_string()));
    }
    let request = FlowRequest {
        steps,
        require_auth: a.user_id.as_ref().map(|_| !a.no_require_auth),
        user_id: a.user_id,
        hide_go_to_dashboard_on_complete: a.hide_dashboard_button.then_some(true),
        metadata: (!meta.is_empty()).then_some(Metadata::Object(meta)),
    };
    let core = core(g).await?;
    // Sent once, confirmed first in Production, recorded in History and the audit log; a
    // lost reply is looked for and recorded instead of sent again (all in the core).
    let view = core.create_flow(request, g.env.as_deref()).await?;
    if a.json {
        print_json(&view.flow);
    } else {
        say!("{}", view.flow.link);
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn get(g: &Global, a: GetArgs) -> Result<ExitCode, CliError> {
    let core = core(g).await?;
    let env = env_for(g, &core, &a.id)?;
    let flow = core.get_flow(&a.id, &env).await?.flow;
    if a.json {
        print_json(&flow);
    } else {
        say!("id:       {}", flow.id);
        say!("link:     {}", flow.link);
        say!(
            "created:  {}",
            flow.created
                .map(|c| c.to_rfc3339())
                .unwrap_or_else(|| "-".into())
        );
        say!(
            "user:     {}",
            flow.user_id.as_deref().unwrap_or("(not claimed yet)")
        );
        say!("steps:    {}", flow.steps.join(", "));
        say!("progress: {}", progress_line(&flow));
        if let Some(m) = &flow.metadata {
            say!("metadata: {m}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Follows the flow with the core's scheduler (the app's: same interval, backoff and
/// Retry-After), printing each change.
pub async fn watch(g: &Global, a: WatchArgs) -> Result<ExitCode, CliError> {
    let core = core(g).await?;
    let env = env_for(g, &core, &a.id)?;
    if let Some(secs) = a.interval {
        core.set_poll_interval_for_this_run(Duration::from_secs(secs.max(1)));
    }
    let mut events = core.subscribe();
    core.watch_flow(a.id.clone(), &env).await?;
    let deadline = a.timeout.map(|s| tokio::time::Instant::now() + Duration::from_secs(s));
    let mut last = String::new();
    loop {
        let next = async {
            match deadline {
                Some(d) => tokio::time::timeout_at(d, events.recv()).await.ok(),
                None => Some(events.recv().await),
            }
        };
        let event = tokio::select! {
            e = next => e,
            _ = tokio::signal::ctrl_c() => return Err(CliError::new(crate::error::INTERRUPTED, "interrupted")),
        };
        let Some(event) = event else {
            return Err(CliError::other(format!("flow {} is not done yet: {last}", a.id)));
        };
        let Ok(CoreEvent::Watch(event)) = event else { continue };
        use flowdesk_dots::WatchEvent;
        match event {
            WatchEvent::Updated { id, flow, .. } if id == a.id => {
                let line = progress_line(&flow);
                if line != last {
                    say!("{line}");
                    last = line;
                }
            }
            WatchEvent::Done { id, flow, .. } if id == a.id => {
                say!("{}", progress_line(&flow));
                return Ok(ExitCode::SUCCESS);
            }
            WatchEvent::Failed { id, message, .. } if id == a.id => eprintln!("flowdesk: {message} (trying again)"),
            WatchEvent::Stopped { id, message, .. } if id == a.id => {
                return Err(CliError::other(format!("stopped watching {id}: {message}")));
            }
            _ => {}
        }
    }
}

/// The environment a flow lives in: `--env`, else the one History recorded, else the active one.
fn env_for(g: &Global, core: &Core, flow_id: &str) -> Result<String, CliError> {
    if g.env.is_none() {
        if let Some(entry) = core.history_entry(flow_id) {
            return Ok(entry.environment_id);
        }
    }
    env_id(g, core)
}

pub async fn list(g: &Global, a: ListArgs) -> Result<ExitCode, CliError> {
    let core = core(g).await?;
    let env = env_id(g, &core)?;
    let mut params = ListParams {
        limit: Some(a.limit),
        starting_after: a.starting_after.clone(),
        ..Default::default()
    };
    loop {
        let page = core.list_flows(&env, params.clone()).await?;
        for flow in &page.data {
            if a.json {
                say!("{}", serde_json::to_string(flow).unwrap_or_default());
            } else {
                let p = flow.progress();
                say!(
                    "{}  {}  {}/{} steps{}  {}",
                    flow.id,
                    flow.created
                        .map(|c| c.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_else(|| "-".into()),
                    p.completed,
                    p.total,
                    if p.done { " done" } else { "" },
                    flow.link
                );
            }
        }
        match page.data.last() {
            Some(last) if page.has_more && a.all => params.starting_after = Some(last.id.clone()),
            Some(last) if page.has_more => {
                eprintln!("(more: --starting-after {} or --all)", last.id);
                break;
            }
            _ => break,
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn progress_line(flow: &Flow) -> String {
    let p = flow.progress();
    let who = if p.claimed { "" } else { ", not opened yet" };
    if p.done {
        format!("{}/{} steps done: complete", p.completed, p.total)
    } else {
        format!(
            "{}/{} steps done{who} (next: {})",
            p.completed,
            p.total,
            p.pending.join(", ")
        )
    }
}

fn print_json(flow: &Flow) {
    say!("{}", serde_json::to_string_pretty(flow).unwrap_or_default());
}
