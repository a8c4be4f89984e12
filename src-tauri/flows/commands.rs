//! Each command takes state and arguments, calls the domain, maps the error.

use flowdesk_dots::{validate, Flow, FlowRequest, ListParams, Page, RuleViolation};
use tauri::State;

use super::{FlowView, StepCatalog};
use crate::desk::Desk;
use crate::error::{AppError, AppResult};

#[tauri::command]
pub fn step_catalog() -> StepCatalog {
    StepCatalog::new()
}

/// The builder asks this on every edit: the Rust rules are the one source of truth.
#[tauri::command]
pub fn validate_flow(request: FlowRequest) -> Vec<RuleViolation> {
    validate(&request)
}

/// The exact body `create_flow` would send.
#[tauri::command]
pub fn preview_request(request: FlowRequest) -> serde_json::Value {
    request.wire_body()
}

/// Creates in the given environment (the active one when not given). Production needs
/// the person's explicit confirmation, checked here and not only in the UI. Never
/// retried: flows have no idempotency key on Dots.
#[tauri::command]
pub async fn create_flow(
    desk: State<'_, Desk>,
    request: FlowRequest,
    environment_id: Option<String>,
    confirm_production: Option<bool>,
) -> AppResult<FlowView> {
    let settings = desk.settings();
    let env = match &environment_id {
        Some(id) => settings.environment(id)?,
        None => settings.active(),
    };
    if env.is_production() && confirm_production != Some(true) {
        return Err(AppError::confirmation_required(format!(
            "Creating a flow in {} ({}) reaches real people: confirm it first.",
            env.name(),
            env.host().unwrap_or_default()
        )));
    }
    let (env_id, env_name) = (env.id().to_string(), env.name().to_string());
    let client = desk.client(&env_id)?;
    let started = chrono::Utc::now();
    let flow = match client.create_flow(&request).await {
        Ok(flow) => flow,
        Err(e) => return Err(after_failed_create(&desk, &client, &request, &env_id, &env_name, started, e).await),
    };
    tracing::info!(flow_id = %flow.id, environment = %env_id, steps = flow.steps.len(), "flow created");
    // Into the history before the link is shown. The flow exists on Dots whatever
    // happens here, so a failed write is logged and the link still returned.
    let entry = crate::saved::entry_for(&flow, &request, &env_id, &env_name);
    if let Err(e) = desk.history(|h| h.record(entry)) {
        tracing::error!(flow_id = %flow.id, error = %e, "flow not written to history");
    }
    audit_create(&desk, &env_id, "done", vec![flow.id.clone()], request.user_id(), None);
    Ok(FlowView::new(flow, &env_id))
}

/// A create that failed after it was sent may still have made a flow (a lost reply, a
/// timeout, a proxy page, or a server that committed and then answered with an error).
/// Never sent again (no idempotency key): instead one page of the environment's newest
/// flows is read, and any flow made since this create started that matches the request and
/// is not in the history yet is recorded there, so no created flow is lost from history.
/// The error (its kind) is returned either way, with what was found added to the message.
async fn after_failed_create(
    desk: &Desk,
    client: &flowdesk_dots::DotsClient,
    request: &FlowRequest,
    env_id: &str,
    env_name: &str,
    started: chrono::DateTime<chrono::Utc>,
    error: flowdesk_dots::DotsError,
) -> AppError {
    use flowdesk_dots::ErrorKind;
    let unknown = error.outcome_unknown();
    let mut app_error = AppError::from(error);
    let audit_result = if unknown { "unknown" } else { "failed" };
    // Refused before anything was sent: nothing can exist.
    if matches!(app_error.kind, crate::error::AppErrorKind::Dots(ErrorKind::Invalid | ErrorKind::HostNotAllowed | ErrorKind::Config)) {
        return app_error;
    }
    let wire = request.wire_body();
    let steps: Vec<String> = request.steps.iter().map(|s| s.name.as_str().to_string()).collect();
    let metadata = wire.get("metadata").cloned();
    // Dots' clock may run behind ours.
    let since = started - chrono::Duration::minutes(2);
    let found: Vec<Flow> = match client.list_flows(&ListParams { limit: Some(20), ..Default::default() }).await {
        Ok(page) => page
            .data
            .into_iter()
            .filter(|f| {
                f.steps == steps
                    && f.metadata == metadata
                    && request.user_id().map_or(true, |u| f.user_id.as_deref() == Some(u))
                    && f.created.map_or(true, |c| c >= since)
                    && desk.history(|h| h.get(&f.id).is_none())
            })
            .collect(),
        Err(e) => {
            tracing::warn!(kind = ?e.kind(), error = %e, "could not look for the flow of a failed create");
            Vec::new()
        }
    };
    if found.is_empty() {
        audit_create(desk, env_id, audit_result, Vec::new(), request.user_id(), Some(app_error.message.clone()));
        if unknown {
            app_error.message.push_str(
                " The flow may still have been created: check History or \"From Dots\" before creating it again.",
            );
        }
        return app_error;
    }
    let ids: Vec<String> = found.iter().map(|f| f.id.clone()).collect();
    audit_create(desk, env_id, "recovered", ids.clone(), request.user_id(), Some(app_error.message.clone()));
    tracing::warn!(flows = ?ids, environment = %env_id, "a failed create made a flow; saved to history");
    let entries = found.iter().map(|f| crate::saved::entry_for(f, request, env_id, env_name)).collect();
    if let Err(e) = desk.history(|h| h.record_many(entries)) {
        tracing::error!(flows = ?ids, error = %e, "flow of a failed create not written to history");
    }
    app_error.message.push_str(&format!(
        " A flow matching this request was found on Dots afterwards and saved to History ({}): check it before creating another.",
        ids.join(", ")
    ));
    app_error
}

/// Every flow creation goes to the audit log beside the money actions.
fn audit_create(desk: &Desk, env_id: &str, result: &str, ids: Vec<String>, user_id: Option<&str>, message: Option<String>) {
    desk.ledger().record(flowdesk_money::AuditEntry {
        dots_ids: ids,
        recipient: user_id.map(str::to_string),
        message,
        ..flowdesk_money::AuditEntry::new(env_id, "flow.create", result)
    });
}

/// Reads a flow with the key of the environment it was created in.
#[tauri::command]
pub async fn get_flow(desk: State<'_, Desk>, id: String, environment_id: String) -> AppResult<FlowView> {
    let client = desk.client(&environment_id)?;
    // A read: transient failures are asked again (bounded) before the person sees them.
    let flow = flowdesk_dots::ReadRetry::default().run(|| client.get_flow(&id)).await?;
    Ok(FlowView::new(flow, &environment_id))
}

/// "From Dots": one page of the environment's flows, newest first (cursor paging).
#[tauri::command]
pub async fn list_remote_flows(
    desk: State<'_, Desk>,
    environment_id: String,
    params: ListParams,
) -> AppResult<Page<Flow>> {
    let client = desk.client(&environment_id)?;
    Ok(flowdesk_dots::ReadRetry::default().run(|| client.list_flows(&params)).await?)
}
