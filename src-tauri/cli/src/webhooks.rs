//! `webhooks`: the local sandbox's webhooks, like the Stripe CLI's `listen` and `trigger`:
//! endpoints, the delivery log, resend, test events, and a loopback receiver that prints and
//! verifies each webhook and can forward it, unchanged, to the backend under test.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use flowdesk_core::{Core, DeliveryQuery, DeliveryState};

use crate::context::core;
use crate::error::CliError;
use crate::Global;

mod listen;

#[derive(Subcommand)]
pub enum WebhooksAction {
    /// Endpoints the local sandbox sends to.
    Endpoint {
        #[command(subcommand)]
        action: EndpointAction,
    },
    /// The delivery log, newest first.
    Deliveries(DeliveriesArgs),
    /// One delivery: the request as sent (headers, body) and every reply.
    Show { delivery_id: String },
    /// Send a delivery again, on a fresh retry schedule.
    Resend { delivery_id: String },
    /// Send a test event about a flow, user, transfer or payout link of the local sandbox
    /// (the newest one when no id is given).
    Trigger(TriggerArgs),
    /// The events the local sandbox sends.
    Events,
    /// Receive webhooks on 127.0.0.1: print each one, check its signature, forward it.
    Listen(listen::ListenArgs),
}

#[derive(Subcommand)]
pub enum EndpointAction {
    /// Register an http:// or https:// URL; prints its id.
    Add { url: String },
    List,
    /// Stop sending to it (its deliveries stay in the log).
    Disable { id: String },
    Enable { id: String },
    Remove { id: String },
    /// Print its whsec_ secret (a test secret of the local sandbox).
    Secret { id: String },
}

#[derive(Args)]
pub struct DeliveriesArgs {
    /// Only this event, e.g. flow.updated.
    #[arg(long)]
    pub event: Option<String>,
    /// Only deliveries that failed their whole retry schedule.
    #[arg(long)]
    pub failed: bool,
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// One delivery per line as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct TriggerArgs {
    /// e.g. flow.updated, transfer.completed, user.updated.payout_method (see `webhooks events`).
    pub event: String,
    #[arg(long, value_name = "ID", group = "subject")]
    pub flow: Option<String>,
    #[arg(long, value_name = "ID", group = "subject")]
    pub user: Option<String>,
    #[arg(long, value_name = "ID", group = "subject")]
    pub transfer: Option<String>,
    #[arg(long, value_name = "ID", group = "subject")]
    pub payout_link: Option<String>,
}

/// The core; each webhook method checks the environment is the local sandbox (Dots' own
/// environments have their webhooks in its dashboard).
async fn local_core(g: &Global) -> Result<Core, CliError> {
    core(g).await
}

pub async fn webhooks(g: &Global, action: WebhooksAction) -> Result<ExitCode, CliError> {
    let env = g.env.as_deref();
    match action {
        WebhooksAction::Endpoint { action } => endpoint(&local_core(g).await?, env, action).await?,
        WebhooksAction::Deliveries(a) => deliveries(&local_core(g).await?, env, a).await?,
        WebhooksAction::Show { delivery_id } => {
            let d = local_core(g).await?.webhook_delivery(env, &delivery_id).await?;
            say!("{} {} to {} ({:?}), svix-id {}", d.id, d.event, d.endpoint_url, d.status, d.message_id);
            say!("body: {}", d.body);
            for (i, a) in d.attempts.iter().enumerate() {
                let code = a.status_code.map(|c| c.to_string()).unwrap_or_else(|| "-".into());
                say!("attempt {}: {}  {code}  {} ms  {}", i + 1, a.at, a.latency_ms, a.error.as_deref().unwrap_or(""));
                for (name, value) in &a.request_headers {
                    say!("  > {name}: {value}");
                }
                if !a.reply.is_empty() {
                    say!("  < {}", a.reply.replace('\n', " "));
                }
            }
        }
        WebhooksAction::Resend { delivery_id } => {
            let d = local_core(g).await?.webhook_resend(env, &delivery_id).await?;
            say!("Resending {} ({}) to {}", d.id, d.event, d.endpoint_url);
        }
        WebhooksAction::Trigger(a) => {
            let id = a.flow.or(a.user).or(a.transfer).or(a.payout_link);
            let t = local_core(g).await?.webhook_trigger(env, &a.event, id.as_deref()).await?;
            let n = t.deliveries.len();
            say!("Sent {} about {} {} to {n} endpoint{}", t.event, t.subject, t.id, if n == 1 { "" } else { "s" });
            if n == 0 {
                say!("No endpoint is enabled: add one with `flowdesk webhooks endpoint add URL`.");
            }
        }
        WebhooksAction::Events => {
            for e in flowdesk_core::webhook_events() {
                say!("{e}");
            }
        }
        WebhooksAction::Listen(a) => return listen::listen(g, a).await,
    }
    Ok(ExitCode::SUCCESS)
}

async fn endpoint(core: &Core, env: Option<&str>, action: EndpointAction) -> Result<(), CliError> {
    match action {
        EndpointAction::Add { url } => {
            let e = core.webhook_endpoint_add(env, &url).await?;
            say!("{}", e.id);
            eprintln!("Added {}; its secret: `flowdesk webhooks endpoint secret {}`", e.url, e.id);
        }
        EndpointAction::List => {
            for e in core.webhook_endpoints(env).await? {
                say!("{}  {:<8}  {}", e.id, if e.enabled { "enabled" } else { "disabled" }, e.url);
            }
        }
        EndpointAction::Disable { id } => {
            core.webhook_endpoint_set_enabled(env, &id, false).await?;
            say!("Disabled {id}");
        }
        EndpointAction::Enable { id } => {
            core.webhook_endpoint_set_enabled(env, &id, true).await?;
            say!("Enabled {id}");
        }
        EndpointAction::Remove { id } => {
            core.webhook_endpoint_remove(env, &id).await?;
            say!("Removed {id}");
        }
        EndpointAction::Secret { id } => say!("{}", core.webhook_endpoint_secret(env, &id).await?),
    }
    Ok(())
}

async fn deliveries(core: &Core, env: Option<&str>, a: DeliveriesArgs) -> Result<(), CliError> {
    let query = DeliveryQuery {
        event: a.event,
        status: a.failed.then_some(DeliveryState::Failed),
        limit: Some(a.limit),
        ..Default::default()
    };
    let page = core.webhook_deliveries(env, &query).await?;
    for d in &page.data {
        if a.json {
            say!("{}", serde_json::to_string(d).unwrap_or_default());
            continue;
        }
        let code = d.last_status_code.map(|c| c.to_string()).unwrap_or_else(|| "-".into());
        say!("{}  {}  {:<30} {:<9} {:>2} tries  {code:>3}  {}", d.id, short_time(&d.created), d.event, d.status.as_str(), d.attempts, d.endpoint_url);
    }
    if page.has_more && !a.json {
        eprintln!("(more: --limit {})", a.limit.saturating_mul(2));
    }
    Ok(())
}

/// "2026-12-01T18:20:45.432449352Z" → "2026-12-01 18:20:45".
fn short_time(rfc3339: &str) -> String {
    rfc3339.get(..19).map(|t| t.replace('T', " ")).unwrap_or_else(|| rfc3339.to_string())
}
