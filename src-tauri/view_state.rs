//! The UI's own view state (last screen, theme, dismissed notices, list filters) in a store
//! file of its own, kept by tauri-plugin-store and written through its Rust API. Nothing
//! here matters for safety: settings, keys and money live in the core.

use serde_json::{Map, Value};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_store::StoreExt;

pub const FILE: &str = "view-state.json";
/// The keys the UI may keep; anything else is refused.
const KEYS: [&str; 4] = ["last_screen", "theme", "dismissed_notices", "list_filters"];
const MAX_VALUE: usize = 4096;

/// Creates the file 0600 before the plugin first writes it (its writes keep the mode).
pub fn prepare<R: Runtime>(app: &AppHandle<R>) {
    let Ok(dir) = app.path().app_data_dir() else { return };
    let path = dir.join(FILE);
    // The check only spares a temp file on every start; create_once never replaces one.
    if !path.exists() {
        if let Err(e) = flowdesk_files::create_once(&path, b"{}") {
            tracing::warn!(error = %e, "view state file not created");
        }
    }
}

#[tauri::command]
pub async fn view_state<R: Runtime>(app: AppHandle<R>) -> Result<Map<String, Value>, flowdesk_core::CoreError> {
    let store = app.store(FILE).map_err(|e| flowdesk_core::CoreError::internal(e.to_string()))?;
    Ok(KEYS.iter().filter_map(|k| store.get(*k).map(|v| (k.to_string(), v))).collect())
}

#[tauri::command]
pub async fn set_view_state<R: Runtime>(app: AppHandle<R>, key: String, value: Value) -> Result<(), flowdesk_core::CoreError> {
    if !KEYS.contains(&key.as_str()) {
        return Err(flowdesk_core::CoreError::invalid(format!("\"{key}\" is not a view setting")));
    }
    if value.to_string().len() > MAX_VALUE {
        return Err(flowdesk_core::CoreError::invalid("That view setting is too large"));
    }
    let store = app.store(FILE).map_err(|e| flowdesk_core::CoreError::internal(e.to_string()))?;
    store.set(key, value);
    store.save().map_err(|e| flowdesk_core::CoreError::internal(format!("view state not saved: {e}")))
}
