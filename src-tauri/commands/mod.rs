//! The app's commands: each parses its arguments, calls one method of the core and returns
//! what the core says. No rule lives here.

pub mod bulk;
pub mod environments;
pub mod flows;
pub mod handoff;
pub mod money;
pub mod saved;
pub mod webhooks;

use flowdesk_core::{AppInfo, Core};
use tauri::State;

/// Every command's result: the core's `{kind, message, details}` on failure.
pub type Reply<T> = Result<T, flowdesk_core::CoreError>;

/// Reads that may re-read a shared file (another process changed it) run off the main thread.
#[tauri::command]
pub async fn app_info(core: State<'_, Core>) -> Reply<AppInfo> {
    core.blocking(|c| Ok(c.info())).await
}
