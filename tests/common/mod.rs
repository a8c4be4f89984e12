//! The app through Tauri's mock runtime: real command handlers, real IPC serialisation,
//! the core hosting the local sandbox of a scratch data folder, the OS keychain (a
//! throwaway one under scripts/with-keyring.sh), and a scripted confirmer where the app
//! would raise a native dialog.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use flow_desk_lib::{app_builder, attach, start_core, Core};
use flowdesk_core::Scripted;
use flowdesk_sandbox::home::{Endpoint, SandboxHome};
use flowdesk_settings::Credentials;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};

pub struct TestApp {
    pub app: App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
    pub settings_path: PathBuf,
    /// Answers the core's confirmations (no by default) and remembers what was asked.
    pub confirmer: Arc<Scripted>,
    pub _dir: tempfile::TempDir,
}

pub fn app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    app_in(dir)
}

/// An app whose settings file lives in `dir` (which may already hold one).
pub fn app_in(dir: tempfile::TempDir) -> TestApp {
    app_with_credentials(dir, Credentials::keychain())
}

/// An app whose keys live in memory: for logic tests that must run on every OS (the real
/// keychain is tested on its own, Linux only).
pub fn app_with_memory_keychain() -> TestApp {
    app_with_credentials(tempfile::tempdir().unwrap(), Credentials::new(flowdesk_settings::MemoryStore::new()))
}

fn app_with_credentials(dir: tempfile::TempDir, credentials: Credentials) -> TestApp {
    let settings_path = dir.path().join("settings.json");
    let confirmer = Arc::new(Scripted::always(false));
    let core = tauri::async_runtime::block_on(start_core(dir.path().to_path_buf(), credentials, confirmer.clone()))
        .expect("core starts");
    let app = app_builder(mock_builder()).build(mock_context(noop_assets())).expect("app builds");
    attach(app.handle(), core);
    let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("window");
    TestApp { app, window, settings_path, confirmer, _dir: dir }
}

impl TestApp {
    /// Invokes a command as the webview would; Ok or Err, the JSON it received.
    pub fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.window, request).map(|body| body.deserialize::<Value>().unwrap())
    }

    pub fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    pub fn err(&self, cmd: &str, args: Value) -> Value {
        match self.invoke(cmd, args) {
            Ok(v) => panic!("{cmd} should fail, got {v}"),
            Err(e) => e,
        }
    }
}

pub fn steps(names: &[&str]) -> Value {
    Value::Array(names.iter().map(|n| json!({"name": n})).collect())
}

/// Tests that need the real keychain run under scripts/with-keyring.sh. Elsewhere they
/// skip with a notice, except under CI, where a missing keychain is a failure.
pub fn keychain_session() -> bool {
    // The real-keychain tests are Linux-only (a throwaway gnome-keyring); macOS and Windows
    // CI must never touch the runner's own keychain.
    if !cfg!(target_os = "linux") {
        eprintln!("NOTICE: skipped: the real-keychain tests run on Linux only");
        return false;
    }
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() {
        return true;
    }
    let ci = std::env::var("CI").map(|v| v == "true" || v == "1").unwrap_or(false);
    assert!(!ci, "CI=true but no D-Bus session: run the tests through scripts/with-keyring.sh");
    eprintln!("NOTICE: skipped: needs a D-Bus session with gnome-keyring (scripts/with-keyring.sh)");
    false
}

/// "http://127.0.0.1:PORT" of the app's in-process local sandbox (its test controls live
/// under `/_sandbox`).
pub fn sandbox_origin(t: &TestApp) -> String {
    let base = t.ok("app_info", json!({}))["base_url"].as_str().unwrap().to_string();
    base.trim_end_matches("/api").to_string()
}

/// The app's local sandbox as any program on the machine finds it: its origin and the
/// credentials its API and `/_sandbox` controls take, from `sandbox.json` in the app's data
/// folder.
pub fn sandbox_endpoint(t: &TestApp) -> Endpoint {
    let dir = t.app.state::<Core>().data_dir().to_path_buf();
    let endpoint = SandboxHome::new(dir).endpoint().expect("the data folder's sandbox.json");
    assert_eq!(endpoint.origin, sandbox_origin(t), "sandbox.json names the app's sandbox");
    endpoint
}

/// Calls a sandbox control (e.g. `/_sandbox/faults`, `/_sandbox/users`) with the sandbox's
/// credentials, a JSON body when given, and returns its JSON (Null when it has none).
pub fn sandbox_call(sb: &Endpoint, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
    tauri::async_runtime::block_on(async {
        let mut req =
            reqwest::Client::new().request(method, format!("{}{path}", sb.origin)).basic_auth(&sb.client_id, Some(&sb.api_key));
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.expect("sandbox control reachable");
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        resp.json().await.unwrap_or(Value::Null)
    })
}

/// POSTs JSON to a sandbox control and returns its JSON.
pub fn sandbox_post(sb: &Endpoint, path: &str, body: Value) -> Value {
    sandbox_call(sb, reqwest::Method::POST, path, Some(body))
}

pub fn sandbox_get(sb: &Endpoint, path: &str) -> Value {
    sandbox_call(sb, reqwest::Method::GET, path, None)
}

pub fn sandbox_delete(sb: &Endpoint, path: &str) -> Value {
    sandbox_call(sb, reqwest::Method::DELETE, path, None)
}
