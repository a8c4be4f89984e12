//! Live status: the one poll scheduler (a single tokio task in `flowdesk_dots::watch`)
//! watches every open flow; its events go to the window as `flow-watch` events, and a
//! finished flow raises a desktop notification.

pub mod commands;

use flowdesk_dots::WatchEvent;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::mpsc::UnboundedReceiver;

/// The event name the UI listens to; its payload is a `WatchEvent`.
pub const EVENT: &str = "flow-watch";

/// Forwards the scheduler's events to the window until the scheduler stops.
pub fn forward<R: Runtime>(app: AppHandle<R>, mut events: UnboundedReceiver<WatchEvent>) {
    tauri::async_runtime::spawn(async move {
        while let Some(event) = events.recv().await {
            remember_progress(&app, &event);
            if let Err(e) = app.emit(EVENT, &event) {
                tracing::warn!(error = %e, "could not send a flow event to the window");
            }
            if let WatchEvent::Done { id, progress, flow, .. } = &event {
                match crate::payouts::link_status(flow) {
                    Some(status) => notify(&app, "Payout link finished", format!("Payout link {id} is {status}.")),
                    None => notify(&app, "Flow complete", format!("All {} steps are done (flow {id}).", progress.total)),
                }
            }
        }
    });
}

/// The history keeps each flow's last known progress.
fn remember_progress<R: Runtime>(app: &AppHandle<R>, event: &WatchEvent) {
    let (WatchEvent::Updated { id, progress, checked_at, .. } | WatchEvent::Done { id, progress, checked_at, .. }) = event
    else {
        return;
    };
    if let Some(desk) = app.try_state::<crate::desk::Desk>() {
        if let Err(e) = desk.history(|h| h.update_progress(id, progress.clone(), *checked_at)) {
            tracing::warn!(flow_id = %id, error = %e, "progress not written to history");
        }
    }
}

fn notify<R: Runtime>(app: &AppHandle<R>, title: &str, body: String) {
    // No notification daemon (a headless session) is not worth more than a log line.
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::debug!(error = %e, "desktop notification not shown");
    }
}
