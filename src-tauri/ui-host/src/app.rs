//! The app as the UI tests see it: the real commands on Tauri's mock runtime, a fresh data
//! folder, the keys where main.rs says, a scripted confirmer, and every event the app emits kept in order.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use flow_desk_lib::{app_builder, attach, start_core, WINDOW_EVENTS};
use flowdesk_core::{Ask, Scripted};
use flowdesk_settings::Credentials;
use serde::Serialize;
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Listener, WebviewWindow, WebviewWindowBuilder};
use tokio::sync::Notify;

/// One event the app emitted to its window, numbered from 1 in emission order.
#[derive(Clone, Serialize)]
pub struct Emitted {
    pub seq: u64,
    pub event: String,
    pub payload: Value,
}

/// What a command answered: the value, or the error the page's `invoke` rejects with.
#[derive(Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reply {
    Ok(Value),
    Reject(Value),
}

pub struct Hosted {
    window: WebviewWindow<MockRuntime>,
    confirmer: Arc<Scripted>,
    events: Mutex<Vec<Emitted>>,
    /// Woken on every new event (long polls wait on it).
    pub new_event: Notify,
}

impl Hosted {
    /// The app (the caller keeps it alive: the window's commands need it) and the host's
    /// view of it. Panics on failure: the host can do nothing useful without its core.
    pub fn start(data_dir: PathBuf, credentials: Credentials) -> (App<MockRuntime>, Arc<Hosted>) {
        // Yes by default, as a person clicking through a test would; a test queues a no.
        let confirmer = Arc::new(Scripted::always(true));
        let core = tauri::async_runtime::block_on(start_core(data_dir, credentials, confirmer.clone())).expect("the core starts");
        let app = app_builder(mock_builder()).build(mock_context(noop_assets())).expect("the app builds");
        let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("the window");
        let hosted = Arc::new(Hosted { window, confirmer, events: Mutex::new(Vec::new()), new_event: Notify::new() });
        for name in WINDOW_EVENTS {
            let weak = Arc::downgrade(&hosted);
            app.listen_any(name, move |event| {
                if let Some(hosted) = weak.upgrade() {
                    let payload = serde_json::from_str(event.payload()).unwrap_or(Value::Null);
                    hosted.record(name, payload);
                }
            });
        }
        // Only now: the core's first events are kept too.
        attach(app.handle(), core);
        (app, hosted)
    }

    fn record(&self, event: &str, payload: Value) {
        let mut events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        let seq = events.len() as u64 + 1;
        events.push(Emitted { seq, event: event.into(), payload });
        drop(events);
        self.new_event.notify_waiters();
    }

    /// The events after `seq`, oldest first.
    pub fn events_after(&self, seq: u64) -> Vec<Emitted> {
        let events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        events.iter().skip(seq as usize).cloned().collect()
    }

    /// Runs a command as the webview would. Blocks until it answers: call it off the
    /// async workers. Each call has its own reply channel, so calls may overlap.
    pub fn invoke(&self, cmd: String, args: Value) -> Reply {
        let request = InvokeRequest {
            cmd,
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("a constant URL"),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        match get_ipc_response(&self.window, request) {
            Ok(body) => match body.deserialize::<Value>() {
                Ok(value) => Reply::Ok(value),
                Err(e) => Reply::Reject(serde_json::json!({"kind": "internal", "message": format!("ui-host: a reply that is not JSON: {e}")})),
            },
            Err(error) => Reply::Reject(error),
        }
    }

    /// The next answers of the native confirmation dialog (then yes again).
    pub fn queue_answers(&self, answers: &[bool]) {
        for yes in answers {
            self.confirmer.answer(*yes);
        }
    }

    /// Every question the native dialog was asked.
    pub fn asked(&self) -> Vec<Ask> {
        self.confirmer.asked()
    }
}
