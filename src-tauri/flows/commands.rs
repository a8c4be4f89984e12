//! Each command takes state and arguments, calls the domain, maps the error.

use flowdesk_dots::{validate, FlowRequest, RuleViolation};
use tauri::State;

use super::{FlowView, StepCatalog};
use crate::desk::Desk;
use crate::error::AppResult;

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

/// Never retried: flows have no idempotency key on Dots.
#[tauri::command]
pub async fn create_flow(desk: State<'_, Desk>, request: FlowRequest) -> AppResult<FlowView> {
    let flow = desk.client.create_flow(&request).await?;
    tracing::info!(flow_id = %flow.id, steps = flow.steps.len(), "flow created");
    Ok(flow.into())
}

#[tauri::command]
pub async fn get_flow(desk: State<'_, Desk>, id: String) -> AppResult<FlowView> {
    Ok(desk.client.get_flow(&id).await?.into())
}
