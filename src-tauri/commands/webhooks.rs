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
pub async fn webhook_endpoints(core: State<'_, Core>) -> Reply<Vec<WebhookEndpoint>> {
    core.webhook_endpoints().await
}

#[tauri::command]
pub async fn webhook_endpoint_add(core: State<'_, Core>, url: String) -> Reply<WebhookEndpoint> {
    core.webhook_endpoint_add(&url).await
}

#[tauri::command]
pub async fn webhook_endpoint_set_enabled(core: State<'_, Core>, id: String, enabled: bool) -> Reply<WebhookEndpoint> {
    core.webhook_endpoint_set_enabled(&id, enabled).await
}

#[tauri::command]
pub async fn webhook_endpoint_remove(core: State<'_, Core>, id: String) -> Reply<()> {
    core.webhook_endpoint_remove(&id).await
}

/// A test secret of the local sandbox, shown when the person asks for it.
#[tauri::command]
pub async fn webhook_endpoint_secret(core: State<'_, Core>, id: String) -> Reply<String> {
    core.webhook_endpoint_secret(&id).await
}

#[tauri::command]
pub async fn webhook_deliveries(core: State<'_, Core>, query: DeliveryQuery) -> Reply<DeliveryPage> {
    core.webhook_deliveries(&query).await
}

#[tauri::command]
pub async fn webhook_delivery(core: State<'_, Core>, id: String) -> Reply<DeliveryDetail> {
    core.webhook_delivery(&id).await
}

#[tauri::command]
pub async fn webhook_resend(core: State<'_, Core>, id: String) -> Reply<WebhookDelivery> {
    core.webhook_resend(&id).await
}

#[tauri::command]
pub async fn webhook_trigger(core: State<'_, Core>, event: String, id: Option<String>) -> Reply<TriggerResult> {
    core.webhook_trigger(&event, id.as_deref()).await
}
