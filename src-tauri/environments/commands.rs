//! Every settings change goes through one of these validated commands: the webview has no
//! `store:` permission, so no script in the page can point Production at another host.

use flowdesk_settings::{EmailTemplate, EnvironmentChange, NewEnvironment, Settings};
use secrecy::SecretString;
use tauri::State;

use super::connection::{self, ConnectionReport};
use super::{EnvironmentUpdateView, EnvironmentsView, Preferences};
use crate::desk::Desk;
use crate::error::{AppError, AppResult};

#[tauri::command]
pub fn environments(desk: State<'_, Desk>) -> EnvironmentsView {
    desk.environments()
}

#[tauri::command]
pub fn set_active_environment(desk: State<'_, Desk>, id: String) -> AppResult<EnvironmentsView> {
    desk.change(|s, _| Ok(s.set_active(&id)?))?;
    Ok(desk.environments())
}

#[tauri::command]
pub fn add_environment(desk: State<'_, Desk>, environment: NewEnvironment) -> AppResult<EnvironmentsView> {
    desk.change(|s, _| Ok(s.add_environment(environment)?))?;
    Ok(desk.environments())
}

/// A new host unbinds the key (it was only ever meant for the old host).
#[tauri::command]
pub fn update_environment(desk: State<'_, Desk>, id: String, change: EnvironmentChange) -> AppResult<EnvironmentUpdateView> {
    let update = desk.change(|s, creds| Ok(creds.update_environment(s, &id, change)?))?;
    Ok(EnvironmentUpdateView { view: desk.environments(), key_unbound: update.key_unbound })
}

#[tauri::command]
pub fn remove_environment(desk: State<'_, Desk>, id: String) -> AppResult<EnvironmentsView> {
    desk.change(|s, creds| Ok(creds.remove_environment(s, &id).map(|_| ())?))?;
    Ok(desk.environments())
}

/// The key travels one way: into the keychain. Nothing returned carries it.
#[tauri::command]
pub fn save_credentials(
    desk: State<'_, Desk>,
    environment_id: String,
    client_id: String,
    api_key: String,
) -> AppResult<EnvironmentsView> {
    let api_key = SecretString::from(api_key);
    let result = desk.change(|s, creds| Ok(creds.save(s, &environment_id, &client_id, api_key).map(|_| ())?));
    desk.note_keychain(result.as_ref().map(|_| ()).map_err(|e: &AppError| e));
    result?;
    Ok(desk.environments())
}

#[tauri::command]
pub fn delete_credentials(desk: State<'_, Desk>, environment_id: String) -> AppResult<EnvironmentsView> {
    let result = desk.change(|s, creds| Ok(creds.delete(s, &environment_id)?));
    desk.note_keychain(result.as_ref().map(|_| ()).map_err(|e: &AppError| e));
    result?;
    Ok(desk.environments())
}

#[tauri::command]
pub async fn test_connection(desk: State<'_, Desk>, environment_id: String) -> AppResult<ConnectionReport> {
    let client = desk.client(&environment_id)?;
    Ok(connection::test(&client).await)
}

/// An extra CA certificate (PEM file) to trust, for corporate networks that inspect TLS;
/// `null` removes it. The file is checked now, not at the first request.
#[tauri::command]
pub fn set_extra_ca(desk: State<'_, Desk>, path: Option<String>) -> AppResult<EnvironmentsView> {
    let path = path.map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).map(std::path::PathBuf::from);
    if let Some(path) = &path {
        let pem = std::fs::read(path)
            .map_err(|e| AppError::invalid(format!("{} cannot be read: {e}", path.display())))?;
        let mut probe = flowdesk_dots::ClientConfig::new("https://api.dots.dev/api", "probe", "probe")?;
        probe.extra_ca_pem = Some(pem);
        flowdesk_dots::DotsClient::new(probe)?;
    }
    desk.change(|s, _| Ok(s.set_extra_ca_path(path)?))?;
    Ok(desk.environments())
}

fn preferences_of(s: &Settings) -> Preferences {
    Preferences {
        poll_interval_secs: s.poll_interval_secs(),
        email_template: s.email_template().clone(),
        extra_ca_path: s.extra_ca_path().map(|p| p.display().to_string()),
    }
}

#[tauri::command]
pub fn preferences(desk: State<'_, Desk>) -> Preferences {
    preferences_of(&desk.settings())
}

/// The subject and body "Email to user" and the bulk mail merge start from.
#[tauri::command]
pub fn set_email_template(desk: State<'_, Desk>, template: EmailTemplate) -> AppResult<Preferences> {
    desk.change(|s, _| Ok(s.set_email_template(template)?))?;
    Ok(preferences_of(&desk.settings()))
}
