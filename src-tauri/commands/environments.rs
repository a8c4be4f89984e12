//! Every settings change goes through one of these: the webview has no `store:`
//! permission on the settings, so no script in the page can point Production elsewhere.

use flowdesk_core::{ConnectionReport, Core, EnvironmentUpdateView, EnvironmentsView, Preferences};
use flowdesk_settings::{EmailTemplate, EnvironmentChange, NewEnvironment};
use secrecy::SecretString;
use tauri::State;

use super::Reply;

#[tauri::command]
pub async fn environments(core: State<'_, Core>) -> Reply<EnvironmentsView> {
    core.blocking(|c| Ok(c.environments())).await
}

#[tauri::command]
pub async fn set_active_environment(core: State<'_, Core>, id: String) -> Reply<EnvironmentsView> {
    core.set_active_environment(id).await
}

#[tauri::command]
pub async fn add_environment(core: State<'_, Core>, environment: NewEnvironment) -> Reply<EnvironmentsView> {
    core.add_environment(environment).await?;
    Ok(core.environments())
}

#[tauri::command]
pub async fn update_environment(core: State<'_, Core>, id: String, change: EnvironmentChange) -> Reply<EnvironmentUpdateView> {
    core.update_environment(id, change).await
}

#[tauri::command]
pub async fn remove_environment(core: State<'_, Core>, id: String) -> Reply<EnvironmentsView> {
    core.remove_environment(id).await
}

/// The key travels one way: into the keychain.
#[tauri::command]
pub async fn save_credentials(
    core: State<'_, Core>,
    environment_id: String,
    client_id: String,
    api_key: String,
) -> Reply<EnvironmentsView> {
    core.save_credentials(environment_id, client_id, SecretString::from(api_key)).await?;
    Ok(core.environments())
}

#[tauri::command]
pub async fn delete_credentials(core: State<'_, Core>, environment_id: String) -> Reply<EnvironmentsView> {
    core.delete_credentials(environment_id).await
}

#[tauri::command]
pub async fn test_connection(core: State<'_, Core>, environment_id: String) -> Reply<ConnectionReport> {
    core.test_connection(&environment_id).await
}

/// The CA file is chosen in a native dialog raised from Rust: the page never names a path
/// for the app to read. `None` when the person cancelled.
#[tauri::command]
pub async fn pick_extra_ca<R: tauri::Runtime>(app: tauri::AppHandle<R>, core: State<'_, Core>) -> Reply<Option<EnvironmentsView>> {
    use tauri_plugin_dialog::DialogExt;
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Extra CA certificate (PEM)")
        .add_filter("PEM certificate", &["pem", "crt", "cer"])
        .pick_file(move |picked| {
            let _ = tx.send(picked);
        });
    let Some(picked) = rx.await.ok().flatten() else { return Ok(None) };
    let path = picked.into_path().map_err(|e| flowdesk_core::CoreError::invalid(e.to_string()))?;
    Ok(Some(core.set_extra_ca(Some(path.display().to_string())).await?))
}

#[tauri::command]
pub async fn clear_extra_ca(core: State<'_, Core>) -> Reply<EnvironmentsView> {
    core.set_extra_ca(None).await
}

#[tauri::command]
pub async fn preferences(core: State<'_, Core>) -> Reply<Preferences> {
    core.blocking(|c| Ok(c.preferences())).await
}

#[tauri::command]
pub async fn set_email_template(core: State<'_, Core>, template: EmailTemplate) -> Reply<Preferences> {
    core.set_email_template(template).await
}

#[tauri::command]
pub async fn set_poll_interval(core: State<'_, Core>, seconds: u64) -> Reply<Preferences> {
    core.set_poll_interval(seconds).await
}
