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
    let flow = desk.client(&env_id)?.create_flow(&request).await?;
    tracing::info!(flow_id = %flow.id, environment = %env_id, steps = flow.steps.len(), "flow created");
    // Into the history before the link is shown. The flow exists on Dots whatever
    // happens here, so a failed write is logged and the link still returned.
    let entry = crate::saved::entry_for(&flow, &request, &env_id, &env_name);
    if let Err(e) = desk.history(|h| h.record(entry)) {
        tracing::error!(flow_id = %flow.id, error = %e, "flow not written to history");
    }
    Ok(FlowView::new(flow, &env_id))
}

/// Reads a flow with the key of the environment it was created in.
#[tauri::command]
pub async fn get_flow(desk: State<'_, Desk>, id: String, environment_id: String) -> AppResult<FlowView> {
    let flow = desk.client(&environment_id)?.get_flow(&id).await?;
    Ok(FlowView::new(flow, &environment_id))
}

/// "From Dots": one page of the environment's flows, newest first (cursor paging).
#[tauri::command]
pub async fn list_remote_flows(
    desk: State<'_, Desk>,
    environment_id: String,
    params: ListParams,
) -> AppResult<Page<Flow>> {
    Ok(desk.client(&environment_id)?.list_flows(&params).await?)
}
