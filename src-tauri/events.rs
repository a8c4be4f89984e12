//! The core's events, as the window and the desktop see them: `flow-watch`,
//! `payout-link-watch` and `bulk-progress` events for the window, a notification when a
//! flow or link finishes.

use flowdesk_core::{Core, CoreEvent, PayoutLinkEvent};
use flowdesk_dots::WatchEvent;
use tauri::{AppHandle, Emitter, Runtime};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::broadcast::error::RecvError;

/// The event names the UI listens to; payloads are a `WatchEvent`, a `PayoutLinkEvent`
/// and a `BatchView`.
pub const WATCH_EVENT: &str = "flow-watch";
pub const LINK_EVENT: &str = "payout-link-watch";
pub const BULK_EVENT: &str = "bulk-progress";
/// Another process changed shared data; the payload lists what (`DataKind`s).
pub const DATA_EVENT: &str = "data-changed";
/// Every event the window is sent (the UI tests' host records each of them).
pub const WINDOW_EVENTS: [&str; 4] = [WATCH_EVENT, LINK_EVENT, BULK_EVENT, DATA_EVENT];

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
                    if let WatchEvent::Done { id, progress, .. } = &event {
                        notify(&app, "Flow complete", format!("All {} steps are done (flow {id}).", progress.total));
                    }
                }
                Ok(CoreEvent::PayoutLink(event)) => {
                    if let Err(e) = app.emit(LINK_EVENT, &event) {
                        tracing::warn!(error = %e, "could not send a payout link event to the window");
                    }
                    if let PayoutLinkEvent::Done { id, link, .. } = &event {
                        notify(&app, "Payout link finished", format!("Payout link {id} is {}.", link.status.as_str()));
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
