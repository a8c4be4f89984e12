use tauri::State;

use super::{mailto, qr_svg, EmailDraft};
use crate::desk::Desk;
use crate::error::{AppError, AppResult};

/// An SVG QR code of a flow's link.
#[tauri::command]
pub fn link_qr(link: String) -> AppResult<String> {
    qr_svg(&link).map_err(AppError::invalid)
}

/// A `mailto:` for "Email to user", from the template in settings.
#[tauri::command]
pub fn email_link(desk: State<'_, Desk>, draft: EmailDraft) -> String {
    mailto(desk.settings().email_template(), &draft)
}
