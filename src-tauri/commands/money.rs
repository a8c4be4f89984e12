//! Money goes summary (nothing made) → send (intent on disk, then the request) → retry
//! (same key). In Production the core checks the typed amount and raises a native dialog.

use flowdesk_core::{Core, UserView};
use flowdesk_dots::money::{User, UserFilter};
use flowdesk_dots::Page;
use flowdesk_money::{AuditRead, Limits, MoneyRequest, Outcome, PayoutLinkView, RedeliveryView, Summary};
use tauri::State;

use super::Reply;

#[tauri::command]
pub async fn users_list(core: State<'_, Core>, environment_id: Option<String>, filter: UserFilter) -> Reply<Page<User>> {
    core.users_list(environment_id.as_deref(), filter).await
}

#[tauri::command]
pub async fn user_get(core: State<'_, Core>, environment_id: Option<String>, user_id: String) -> Reply<UserView> {
    core.user_get(environment_id.as_deref(), &user_id).await
}

#[tauri::command]
pub async fn money_summary(core: State<'_, Core>, environment_id: Option<String>, request: MoneyRequest) -> Reply<Summary> {
    core.money_summary(environment_id.as_deref(), &request).await
}

#[tauri::command]
pub async fn money_send(
    core: State<'_, Core>,
    environment_id: Option<String>,
    request: MoneyRequest,
    typed_amount: Option<String>,
    replacing: Option<String>,
) -> Reply<Outcome> {
    core.money_send(environment_id.as_deref(), &request, typed_amount.as_deref(), replacing.as_deref()).await
}

#[tauri::command]
pub async fn money_intents(core: State<'_, Core>) -> Reply<Vec<flowdesk_core::IntentView>> {
    core.money_intents().await
}

#[tauri::command]
pub async fn money_retry(core: State<'_, Core>, intent_id: String) -> Reply<Outcome> {
    core.money_retry(&intent_id).await
}

#[tauri::command]
pub async fn payout_link_get(core: State<'_, Core>, environment_id: Option<String>, id: String) -> Reply<PayoutLinkView> {
    core.payout_link_get(environment_id.as_deref(), &id).await
}

#[tauri::command]
pub async fn payout_link_cancel(core: State<'_, Core>, environment_id: Option<String>, id: String) -> Reply<PayoutLinkView> {
    core.payout_link_cancel(environment_id.as_deref(), &id).await
}

#[tauri::command]
pub async fn payout_link_redeliver(core: State<'_, Core>, environment_id: Option<String>, id: String) -> Reply<RedeliveryView> {
    core.payout_link_redeliver(environment_id.as_deref(), &id).await
}

#[tauri::command]
pub async fn payout_link_watch(core: State<'_, Core>, environment_id: Option<String>, id: String) -> Reply<()> {
    core.payout_link_watch(environment_id.as_deref(), id).await
}

#[tauri::command]
pub async fn audit_read(core: State<'_, Core>, limit: Option<usize>) -> Reply<AuditRead> {
    core.audit_read(limit).await
}

#[tauri::command]
pub async fn audit_export_csv(core: State<'_, Core>) -> Reply<String> {
    core.audit_export_csv().await
}

#[tauri::command]
pub async fn limits_get(core: State<'_, Core>, environment_id: Option<String>) -> Reply<Limits> {
    core.limits_get(environment_id.as_deref()).await
}

#[tauri::command]
pub async fn limits_set(core: State<'_, Core>, environment_id: Option<String>, limits: Limits) -> Reply<Limits> {
    core.limits_set(environment_id.as_deref(), limits).await
}

/// The app's own Dots wallet, where these keys can read it (else the core says why not).
#[tauri::command]
pub async fn app_wallet(core: State<'_, Core>, environment_id: Option<String>) -> Reply<flowdesk_core::AppWallet> {
    core.app_wallet(environment_id.as_deref()).await
}

/// Dollars as typed, read as the core reads them when it sends: pure, no I/O.
#[tauri::command]
pub fn amount_preview(text: String) -> flowdesk_core::AmountPreview {
    flowdesk_core::amount_preview(&text)
}
