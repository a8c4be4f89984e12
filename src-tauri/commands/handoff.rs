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
pub fn email_link(core: State<'_, Core>, draft: EmailDraft) -> String {
    mailto(core.settings().email_template(), &draft)
}
