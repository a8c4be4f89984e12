use flowdesk_core::{Core, FlowView, HistoryDraft, HistoryItem};
use flowdesk_history::{ImportReport, Template};
use tauri::State;

use super::Reply;

#[tauri::command]
pub async fn history_search(core: State<'_, Core>, query: String, limit: Option<usize>) -> Reply<Vec<HistoryItem>> {
    core.blocking(move |c| Ok(c.history_search(&query, limit))).await
}

#[tauri::command]
pub async fn history_view(core: State<'_, Core>, flow_id: String) -> Reply<FlowView> {
    core.blocking(move |c| c.history_view(&flow_id)).await
}

#[tauri::command]
pub async fn history_draft(core: State<'_, Core>, flow_id: String) -> Reply<HistoryDraft> {
    core.blocking(move |c| c.history_draft(&flow_id)).await
}

#[tauri::command]
pub async fn history_delete(core: State<'_, Core>, flow_id: String) -> Reply<bool> {
    core.history_delete(flow_id).await
}

#[tauri::command]
pub async fn history_clear(core: State<'_, Core>) -> Reply<()> {
    core.history_clear().await
}

#[tauri::command]
pub async fn history_retention(core: State<'_, Core>, days: u32) -> Reply<usize> {
    core.history_retention(days).await
}

#[tauri::command]
pub async fn templates_list(core: State<'_, Core>) -> Reply<Vec<Template>> {
    core.blocking(|c| Ok(c.templates_list())).await
}

#[tauri::command]
pub async fn template_save(core: State<'_, Core>, template: Template) -> Reply<()> {
    core.template_save(template).await
}

#[tauri::command]
pub async fn template_rename(core: State<'_, Core>, from: String, to: String) -> Reply<()> {
    core.template_rename(from, to).await
}

#[tauri::command]
pub async fn template_delete(core: State<'_, Core>, name: String) -> Reply<()> {
    core.template_delete(name).await
}

#[tauri::command]
pub async fn templates_export(core: State<'_, Core>, names: Option<Vec<String>>) -> Reply<String> {
    core.blocking(move |c| c.templates_export(names.as_deref())).await
}

#[tauri::command]
pub async fn templates_import(core: State<'_, Core>, json: String) -> Reply<ImportReport> {
    core.templates_import(json).await
}
