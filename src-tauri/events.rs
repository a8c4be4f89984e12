//! The core's events, as the window and the desktop see them: `flow-watch` and
//! `bulk-progress` events for the window, a notification when a flow or link finishes.

use flowdesk_core::{link_status, Core, CoreEvent};
use flowdesk_dots::WatchEvent;
use tauri::{AppHandle, Emitter, Runtime};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::broadcast::error::RecvError;

/// The event names the UI listens to; payloads are a `WatchEvent` and a `BatchView`.
pub const WATCH_EVENT: &str = "flow-watch";
pub const BULK_EVENT: &str = "bulk-progress";
/// Another process changed shared data; the payload lists what (`DataKind`s).
pub const DATA_EVENT: &str = "data-changed";

/// Forwards the core's events to the window for as long as the app runs.
pub fn forward<R: Runtime>(app: AppHandle<R>, core: &Core) {
    let mut events = core.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(CoreEvent::Watch(event)) => {
                    if let Err(e) = app.emit(WATCH_EVENT, &event) {
                        tracing::warn!(error = %e, "could not send a flow event to the window");
                    }
                    if let WatchEvent::Done { id, progress, flow, .. } = &event {
                        match link_status(flow) {
                            Some(status) => notify(&app, "Payout link finished", format!("Payout link {id} is {status}.")),
                            None => notify(&app, "Flow complete", format!("All {} steps are done (flow {id}).", progress.total)),
                        }
                    }
                }
                Ok(CoreEvent::Batch(view)) => {
                    let _ = app.emit(BULK_EVENT, &view);
                }
                Ok(CoreEvent::DataChanged(what)) => {
                    let _ = app.emit(DATA_EVENT, &what);
                }
                Err(RecvError::Lagged(n)) => tracing::warn!(missed = n, "the window missed core events"),
                Err(RecvError::Closed) => break,
            }
        }
    });
}

fn notify<R: Runtime>(app: &AppHandle<R>, title: &str, body: String) {
    // No notification daemon (a headless session) is not worth more than a log line.
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::debug!(error = %e, "desktop notification not shown");
    }
}
