//! `create`, `get`, `watch`, `list`.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use flowdesk_dots::{Flow, FlowRequest, ListParams, Metadata};
use serde_json::{Map, Value};

use crate::context::target;
use crate::error::CliError;
use crate::steps::parse_step;
use crate::Global;

#[derive(Args)]
pub struct CreateArgs {
    /// A step, in order: NAME or NAME:OPTION[=VALUE][,OPTION=VALUE…]. Repeat for each step.
    /// e.g. --step compliance --step manage-payouts:hide_continue_button
    /// --step redirect:redirect_url=https://example.com/done
    #[arg(long = "step", required = true, value_name = "STEP")]
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
    let t = target(g)?;
    // Never retried: a create has no idempotency key (see `flowdesk bulk` for batches).
    let flow = t.client.create_flow(&request).await.map_err(|e| {
        let unknown = e.outcome_unknown();
        let mut err = t.error(e);
        if unknown {
            err.message.push_str(
                " The flow may have been created: check `flowdesk list` before trying again.",
            );
        }
        err
    })?;
    // The app's audit log records every flow creation, from here too.
    let entry = flowdesk_money::AuditEntry::flow_created(&t.env_id, &flow.id, flow.user_id.as_deref());
    if let Err(e) = flowdesk_money::AuditLog::new(t.data_dir.join("audit.jsonl")).append(&entry) {
        eprintln!("flowdesk: note: the flow was created but not written to the audit log: {e}");
    }
    if a.json {
        print_json(&flow);
    } else {
        say!("{}", flow.link);
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn get(g: &Global, a: GetArgs) -> Result<ExitCode, CliError> {
    let t = target(g)?;
    let flow = t.client.get_flow(&a.id).await.map_err(|e| t.error(e))?;
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

pub async fn watch(g: &Global, a: WatchArgs) -> Result<ExitCode, CliError> {
    let t = target(g)?;
    let every = Duration::from_secs(a.interval.unwrap_or(t.settings.poll_interval_secs()).max(1));
    let deadline = a
        .timeout
        .map(|s| tokio::time::Instant::now() + Duration::from_secs(s));
    let mut last = String::new();
    let mut failures = 0;
    loop {
        match t.client.get_flow(&a.id).await {
            Ok(flow) => {
                failures = 0;
                let line = progress_line(&flow);
                if line != last {
                    say!("{line}");
                    last = line;
                }
                if flow.progress().done {
                    return Ok(ExitCode::SUCCESS);
                }
            }
            // A read may be asked again; give up only on a lasting failure or a definite one.
            Err(e) if e.is_transient() && failures < 5 => {
                failures += 1;
                eprintln!("flowdesk: {e} (trying again)");
            }
            Err(e) => return Err(t.error(e)),
        }
        if deadline.is_some_and(|d| tokio::time::Instant::now() + every > d) {
            return Err(CliError::other(format!(
                "flow {} is not done yet: {last}",
                a.id
            )));
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = tokio::signal::ctrl_c() => return Err(CliError::new(crate::error::INTERRUPTED, "interrupted")),
        }
    }
}

pub async fn list(g: &Global, a: ListArgs) -> Result<ExitCode, CliError> {
    let t = target(g)?;
    let mut params = ListParams {
        limit: Some(a.limit),
        starting_after: a.starting_after.clone(),
        ..Default::default()
    };
    loop {
        let page = t.client.list_flows(&params).await.map_err(|e| t.error(e))?;
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
