//! Flow Desk through Tauri's mock runtime, as tests/common/mod.rs builds it: the real
//! command handlers, real IPC (de)serialisation, the Desk with its in-process sandbox.

use flow_desk_lib::{app_builder, forward_watch_events, Desk};
use flowdesk_settings::{Credentials, SettingsFile};
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};

pub struct BenchApp {
    pub app: App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
    _dir: tempfile::TempDir,
}

impl BenchApp {
    /// A fresh app whose settings and history live in a scratch folder. Without a D-Bus
    /// session the keychain is reported unavailable, which the local sandbox does not need.
    pub fn start() -> crate::Result<BenchApp> {
        let dir = tempfile::tempdir()?;
        let file = SettingsFile::at(dir.path().join("settings.json"));
        let desk = tauri::async_runtime::block_on(Desk::start(file, Credentials::keychain()))?;
        let events = desk.take_watch_events();
        let app = app_builder(mock_builder()).manage(desk).build(mock_context(noop_assets()))?;
        // As the real app does in its setup: scheduler events go to the window.
        if let Some(events) = events {
            forward_watch_events(app.handle().clone(), events);
        }
        let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build()?;
        Ok(BenchApp { app, window, _dir: dir })
    }

    pub fn desk(&self) -> tauri::State<'_, Desk> {
        self.app.state::<Desk>()
    }

    /// Invokes a command as the webview would; the JSON reply or the error's JSON.
    pub fn invoke(&self, cmd: &str, args: Value) -> crate::Result<Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse()?,
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        match get_ipc_response(&self.window, request) {
            Ok(body) => Ok(body.deserialize::<Value>()?),
            Err(e) => Err(format!("{cmd} failed: {e}").into()),
        }
    }

    /// "http://127.0.0.1:PORT": where the app's local sandbox serves `/_sandbox` controls.
    pub fn sandbox_origin(&self) -> crate::Result<String> {
        let info = self.invoke("app_info", serde_json::json!({}))?;
        let base = info["base_url"].as_str().ok_or("app_info has no base_url")?;
        Ok(base.trim_end_matches("/api").to_string())
    }
}
