//! The Webhooks screen's commands: the local sandbox's endpoints and delivery log.

use flowdesk_core::{Core, DeliveryDetail, DeliveryPage, DeliveryQuery, TriggerResult, WebhookDelivery, WebhookEndpoint, WebhooksScope};
use tauri::State;

use super::Reply;

#[tauri::command]
pub async fn webhooks_scope(core: State<'_, Core>, environment_id: Option<String>) -> Reply<WebhooksScope> {
    core.blocking(move |c| c.webhooks_scope(environment_id.as_deref())).await
}

#[tauri::command]
pub fn webhook_events() -> Vec<String> {
    flowdesk_core::webhook_events()
}

#[tauri::command]
pub async fn webhook_endpoints(core: State<'_, Core>, environment_id: Option<String>) -> Reply<Vec<WebhookEndpoint>> {
    core.webhook_endpoints(environment_id.as_deref()).await
}

#[tauri::command]
pub async fn webhook_endpoint_add(core: State<'_, Core>, environment_id: Option<String>, url: String) -> Reply<WebhookEndpoint> {
    core.webhook_endpoint_add(environment_id.as_deref(), &url).await
}

#[tauri::command]
pub async fn webhook_endpoint_set_enabled(core: State<'_, Core>, environment_id: Option<String>, id: String, enabled: bool) -> Reply<WebhookEndpoint> {
    core.webhook_endpoint_set_enabled(environment_id.as_deref(), &id, enabled).await
}

#[tauri::command]
pub async fn webhook_endpoint_remove(core: State<'_, Core>, environment_id: Option<String>, id: String) -> Reply<()> {
    core.webhook_endpoint_remove(environment_id.as_deref(), &id).await
}

/// A test secret of the local sandbox, shown when the person asks for it.
#[tauri::command]
pub async fn webhook_endpoint_secret(core: State<'_, Core>, environment_id: Option<String>, id: String) -> Reply<String> {
    core.webhook_endpoint_secret(environment_id.as_deref(), &id).await
}

#[tauri::command]
pub async fn webhook_deliveries(core: State<'_, Core>, environment_id: Option<String>, query: DeliveryQuery) -> Reply<DeliveryPage> {
    core.webhook_deliveries(environment_id.as_deref(), &query).await
}

#[tauri::command]
pub async fn webhook_delivery(core: State<'_, Core>, environment_id: Option<String>, id: String) -> Reply<DeliveryDetail> {
    core.webhook_delivery(environment_id.as_deref(), &id).await
}

#[tauri::command]
pub async fn webhook_resend(core: State<'_, Core>, environment_id: Option<String>, id: String) -> Reply<WebhookDelivery> {
    core.webhook_resend(environment_id.as_deref(), &id).await
}

#[tauri::command]
pub async fn webhook_trigger(core: State<'_, Core>, environment_id: Option<String>, event: String, id: Option<String>) -> Reply<TriggerResult> {
    core.webhook_trigger(environment_id.as_deref(), &event, id.as_deref()).await
}
