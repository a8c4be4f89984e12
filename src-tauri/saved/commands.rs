use flowdesk_history::{HistoryEntry, ImportReport, Template};
use tauri::State;

use crate::desk::Desk;
use crate::error::AppResult;

#[tauri::command]
pub fn history_search(desk: State<'_, Desk>, query: String, limit: Option<usize>) -> Vec<HistoryEntry> {
    desk.history(|h| h.search(&query, limit.unwrap_or(200).min(5000)))
}

#[tauri::command]
pub fn history_delete(desk: State<'_, Desk>, flow_id: String) -> AppResult<bool> {
    Ok(desk.history(|h| h.delete(&flow_id))?)
}

#[tauri::command]
pub fn history_clear(desk: State<'_, Desk>) -> AppResult<()> {
    Ok(desk.history(|h| h.clear())?)
}

/// Removes entries older than `days`; the history holds personal data.
#[tauri::command]
pub fn history_retention(desk: State<'_, Desk>, days: u32) -> AppResult<usize> {
    Ok(desk.history(|h| h.apply_retention(days))?)
}

#[tauri::command]
pub fn templates_list(desk: State<'_, Desk>) -> Vec<Template> {
    desk.templates(|t| t.list().to_vec())
}

#[tauri::command]
pub fn template_save(desk: State<'_, Desk>, template: Template) -> AppResult<()> {
    Ok(desk.templates(|t| t.save(template))?)
}

#[tauri::command]
pub fn template_rename(desk: State<'_, Desk>, from: String, to: String) -> AppResult<()> {
    Ok(desk.templates(|t| t.rename(&from, &to))?)
}

#[tauri::command]
pub fn template_delete(desk: State<'_, Desk>, name: String) -> AppResult<()> {
    Ok(desk.templates(|t| t.delete(&name))?)
}

/// Templates as JSON (names, steps and options only: there is no field for a secret).
#[tauri::command]
pub fn templates_export(desk: State<'_, Desk>, names: Option<Vec<String>>) -> AppResult<String> {
    Ok(desk.templates(|t| t.export(names.as_deref()))?)
}

#[tauri::command]
pub fn templates_import(desk: State<'_, Desk>, json: String) -> AppResult<ImportReport> {
    Ok(desk.templates(|t| t.import(&json))?)
}
