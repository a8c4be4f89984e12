//! The settings file and tauri-plugin-store. The plugin is the app's live key-value view
//! of the settings, but it has limits (a file it cannot parse is silently replaced by an
//! empty store; `save()` is a plain, non-atomic write; it needs an AppHandle, which a CLI
//! lacks). So `flowdesk_settings` owns the file: it checks it before the plugin loads it
//! (a corrupt file is set aside and reported), validates every change, and writes
//! atomically. The plugin's store is then only updated in memory, never asked to save.

use flowdesk_settings::{Credentials, Settings, SettingsFile, FILE_NAME};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_store::StoreExt;

use crate::desk::Desk;
use crate::error::{AppError, AppResult};

pub fn start_desk<R: Runtime>(app: &AppHandle<R>) -> AppResult<Desk> {
    let dir = app.path().app_data_dir().map_err(|e| AppError::internal(format!("No data folder: {e}")))?;
    let path = dir.join(FILE_NAME);
    // Loads (and sets aside a corrupt file) before the plugin ever reads it.
    let desk = tauri::async_runtime::block_on(Desk::start(SettingsFile::at(&path), Credentials::keychain()))?;
    let store = app
        .store_builder(&path)
        .disable_auto_save()
        .build()
        .map_err(|e| AppError::internal(format!("Settings store: {e}")))?;
    // Unregistered so the plugin's save-every-store-on-exit (a plain write) never runs:
    // every write of this file is ours, and atomic.
    store.close_resource();
    Ok(desk.on_saved(move |settings: &Settings| {
        if let Ok(serde_json::Value::Object(entries)) = serde_json::to_value(settings) {
            for (key, value) in entries {
                store.set(key, value);
            }
        }
    }))
}
