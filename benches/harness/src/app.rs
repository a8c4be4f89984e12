//! Flow Desk through Tauri's mock runtime, as tests/common/mod.rs builds it: the real
//! command handlers, real IPC (de)serialisation, the core hosting the local sandbox of a scratch data folder.

use std::sync::Arc;

use flow_desk_lib::{app_builder, attach, start_core, Core};
use flowdesk_settings::Credentials;
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};

pub struct BenchApp {
    pub app: App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
    _dir: Option<tempfile::TempDir>,
}

impl BenchApp {
    /// A fresh app whose settings and history live in a scratch folder, its keys in memory
    /// (the keychain is not what is measured, and the bench must not touch the user's).
    pub fn start() -> crate::Result<BenchApp> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().to_path_buf();
        BenchApp::start_at(&path, Some(dir))
    }

    /// The app on a given data folder (a seeded one), kept after the run.
    pub fn start_at(path: &std::path::Path, scratch: Option<tempfile::TempDir>) -> crate::Result<BenchApp> {
        let confirmer = Arc::new(flowdesk_core::Refuse);
        let keys = Credentials::new(flowdesk_settings::MemoryStore::new());
        let core = tauri::async_runtime::block_on(start_core(path.to_path_buf(), keys, confirmer))?;
        let app = app_builder(mock_builder()).build(mock_context(noop_assets()))?;
        // As the real app does in its setup: the core's events go to the window.
        attach(app.handle(), core);
        let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build()?;
        Ok(BenchApp { app, window, _dir: scratch })
    }

    pub fn desk(&self) -> tauri::State<'_, Core> {
        self.app.state::<Core>()
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

    /// The app's local sandbox and the credentials its `/_sandbox` controls take (HTTP Basic
    /// `client_id:api_key`), from `sandbox.json` in the app's data folder.
    pub fn sandbox_endpoint(&self) -> crate::Result<flowdesk_sandbox::home::Endpoint> {
        let endpoint = flowdesk_sandbox::home::SandboxHome::new(self.desk().data_dir()).endpoint()?;
        let origin = self.sandbox_origin()?;
        if endpoint.origin != origin {
            return Err(format!("sandbox.json names {} but the app's sandbox is at {origin}", endpoint.origin).into());
        }
        Ok(endpoint)
    }
}
