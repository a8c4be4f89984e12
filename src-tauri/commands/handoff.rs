//! Handing a link to its person: a QR code (drawn in Rust) and an email draft from the
//! template in settings.

use flowdesk_core::{mailto, Core, CoreError, EmailDraft};
use tauri::State;

use super::Reply;

#[tauri::command]
pub fn link_qr(link: String) -> Reply<String> {
    crate::qr::qr_svg(&link).map_err(CoreError::invalid)
}

#[tauri::command]
pub async fn email_link(core: State<'_, Core>, draft: EmailDraft) -> Reply<String> {
    core.blocking(move |c| Ok(mailto(c.settings().email_template(), &draft))).await
}

/// Opens the email draft in the person's mail app, from Rust: the page never holds a
/// permission to open `mailto:` URLs of its own making.
#[tauri::command]
pub async fn email_open<R: tauri::Runtime>(app: tauri::AppHandle<R>, core: State<'_, Core>, draft: EmailDraft) -> Reply<()> {
    use tauri_plugin_opener::OpenerExt;
    let url = core.blocking(move |c| Ok(mailto(c.settings().email_template(), &draft))).await?;
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| CoreError::internal(format!("The mail app could not be opened: {e}")))
}
