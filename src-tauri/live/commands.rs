use std::sync::Arc;
use std::time::Duration;

use tauri::State;

use crate::desk::Desk;
use crate::error::AppResult;

/// Watches a flow with the key of the environment it was created in; polls at once.
#[tauri::command]
pub fn watch_flow(desk: State<'_, Desk>, id: String, environment_id: String) -> AppResult<()> {
    let client = desk.client(&environment_id)?;
    desk.watcher().watch_now(id, Arc::new(client));
    Ok(())
}

#[tauri::command]
pub fn unwatch_flow(desk: State<'_, Desk>, id: String) {
    desk.watcher().unwatch(id);
}

/// Polls now (no sooner than a Retry-After the server asked for).
#[tauri::command]
pub fn refresh_flow(desk: State<'_, Desk>, id: String) {
    desk.watcher().refresh(id);
}

#[tauri::command]
pub fn set_poll_interval(desk: State<'_, Desk>, seconds: u64) -> AppResult<()> {
    desk.change(|s, _| Ok(s.set_poll_interval(seconds)?))?;
    desk.watcher().set_interval(Duration::from_secs(seconds));
    Ok(())
}
