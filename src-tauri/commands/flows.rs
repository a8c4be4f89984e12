use flowdesk_core::{Core, FlowView, StepCatalog};
use flowdesk_dots::{FlowRequest, ListParams, Page, RuleViolation};
use tauri::State;

use super::Reply;

#[tauri::command]
pub fn step_catalog(core: State<'_, Core>) -> StepCatalog {
    core.step_catalog()
}

#[tauri::command]
pub fn validate_flow(core: State<'_, Core>, request: FlowRequest) -> Vec<RuleViolation> {
    core.validate_flow(&request)
}

#[tauri::command]
pub fn preview_request(core: State<'_, Core>, request: FlowRequest) -> serde_json::Value {
    core.preview_request(&request)
}

/// Production is confirmed in a native dialog the core raises, never by an argument.
#[tauri::command]
pub async fn create_flow(core: State<'_, Core>, request: FlowRequest, environment_id: Option<String>) -> Reply<FlowView> {
    core.create_flow(request, environment_id.as_deref()).await
}

#[tauri::command]
pub async fn get_flow(core: State<'_, Core>, id: String, environment_id: String) -> Reply<FlowView> {
    core.get_flow(&id, &environment_id).await
}

#[tauri::command]
pub async fn list_remote_flows(core: State<'_, Core>, environment_id: String, params: ListParams) -> Reply<Page<FlowView>> {
    core.list_flow_views(&environment_id, params).await
}

#[tauri::command]
pub async fn watch_flow(core: State<'_, Core>, id: String, environment_id: String) -> Reply<()> {
    core.watch_flow(id, &environment_id).await
}

#[tauri::command]
pub fn unwatch_flow(core: State<'_, Core>, id: String) {
    core.unwatch_flow(id);
}

#[tauri::command]
pub fn refresh_flow(core: State<'_, Core>, id: String) {
    core.refresh_flow(id);
}

#[tauri::command]
pub async fn reset_local_sandbox(core: State<'_, Core>) -> Reply<()> {
    core.reset_local_sandbox().await
}
