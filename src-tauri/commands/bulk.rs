//! Bulk links: progress reaches the window as `bulk-progress` events (see `events.rs`).

use flowdesk_core::{BatchView, BulkPreview, BulkRowView, BulkStart, BulkTemplate, Core};
use tauri::State;

use super::Reply;

#[tauri::command]
pub async fn bulk_preview(core: State<'_, Core>, bytes: Vec<u8>) -> Reply<BulkPreview> {
    core.bulk_preview(&bytes)
}

#[tauri::command]
pub async fn bulk_start(
    core: State<'_, Core>,
    bytes: Vec<u8>,
    template: BulkTemplate,
    environment_id: String,
    concurrency: u32,
) -> Reply<BatchView> {
    let start = BulkStart { csv: bytes, template, environment_id, concurrency, source: None, settle: None };
    Ok(core.bulk_start(start).await?.first)
}

#[tauri::command]
pub async fn bulk_resume(core: State<'_, Core>, batch_id: String) -> Reply<BatchView> {
    Ok(core.bulk_resume(&batch_id, 4).await?.first)
}

#[tauri::command]
pub fn bulk_cancel(core: State<'_, Core>, batch_id: String) -> bool {
    core.bulk_cancel(&batch_id)
}

#[tauri::command]
pub async fn bulk_batches(core: State<'_, Core>) -> Reply<Vec<BatchView>> {
    core.bulk_batches().await
}

#[tauri::command]
pub async fn bulk_rows(core: State<'_, Core>, batch_id: String) -> Reply<Vec<BulkRowView>> {
    core.bulk_rows(batch_id).await
}

#[tauri::command]
pub async fn bulk_results_csv(core: State<'_, Core>, batch_id: String) -> Reply<String> {
    Ok(String::from_utf8_lossy(&core.bulk_results_csv(batch_id).await?).into_owned())
}

#[tauri::command]
pub async fn bulk_mail_merge_csv(core: State<'_, Core>, batch_id: String) -> Reply<String> {
    Ok(String::from_utf8_lossy(&core.bulk_mail_merge_csv(batch_id).await?).into_owned())
}
