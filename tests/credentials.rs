//! Credentials in the real OS keychain (Secret Service under scripts/with-keyring.sh),
//! through the app's commands, and proof that the key goes nowhere else: not in any IPC
//! reply, the settings file, a log line or an error, and never to another host.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use base64::Engine;
use common::{app, keychain_session, steps};
use flowdesk_sandbox::{Fault, FaultSpec, FaultWhen, SandboxConfig};
use flowdesk_settings::{KeyringStore, SecretStore};
use serde_json::{json, Value};

const CLIENT_ID: &str = "cid_staging_7";
const KEY: &str = "fake_staging_key_Qm4Xr8Tz1Lp";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn env_entry<'a>(view: &'a Value, id: &str) -> &'a Value {
    view["environments"].as_array().unwrap().iter().find(|e| e["environment"]["id"] == id).expect("environment listed")
}

#[test]
fn a_saved_key_is_used_only_for_its_host_and_leaks_nowhere() {
    if !keychain_session() {
        return;
    }
    let logs = Captured::default();
    let sink = logs.clone();
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_ansi(false).with_writer(move || sink.clone()).finish(),
    )
    .unwrap();

    // A Dots stand-in for the "Staging" environment, reached over loopback.
    let dots = tauri::async_runtime::block_on(flowdesk_sandbox::start(SandboxConfig::new(CLIENT_ID, KEY))).unwrap();
    let t = app();
    let mut replies: Vec<String> = Vec::new();
    let mut call = |cmd: &str, args: Value| -> Result<Value, Value> {
        let r = t.invoke(cmd, args);
        replies.push(match &r {
            Ok(v) | Err(v) => v.to_string(),
        });
        r
    };

    let view = call("add_environment", json!({"environment": {"name": "Staging", "base_url": dots.base_url(), "app_id": null, "production": false}})).unwrap();
    let env = view["environments"].as_array().unwrap().iter().find(|e| e["environment"]["name"] == "Staging").unwrap();
    let env_id = env["environment"]["id"].as_str().unwrap().to_string();
    assert_eq!(env["credential"]["configured"], false);

    // Save: the real keychain holds it, the status shows only its last 4 characters.
    let view = call("save_credentials", json!({"environmentId": env_id, "clientId": CLIENT_ID, "apiKey": KEY})).unwrap();
    let status = &env_entry(&view, &env_id)["credential"];
    assert_eq!(status["configured"], true);
    assert_eq!(status["client_id"], CLIENT_ID);
    assert_eq!(status["key_last4"], &KEY[KEY.len() - 4..]);
    assert_eq!(view["keychain"]["available"], true);
    let origin = url::Url::parse(&dots.base_url()).unwrap().origin().ascii_serialization();
    let account = format!("{env_id}@{origin}");
    let stored = KeyringStore::new().get(&account).unwrap().expect("the key is in the OS keychain");
    assert_eq!(secrecy::ExposeSecret::expose_secret(&stored), KEY);

    // Use it: connection test, create and read a flow in that environment.
    let report = call("test_connection", json!({"environmentId": env_id})).unwrap();
    assert_eq!(report["ok"], true, "{report}");
    call("set_active_environment", json!({"id": env_id})).unwrap();
    let created = call("create_flow", json!({"request": {"steps": steps(&["compliance"])}})).unwrap();
    assert_eq!(created["environment_id"], env_id.as_str());
    let flow_id = created["flow"]["id"].as_str().unwrap().to_string();
    assert_eq!(dots.flow_count(), 1, "the flow was created on the Staging host");
    call("get_flow", json!({"id": flow_id, "environmentId": env_id})).unwrap();

    // Failures on the way carry no key either.
    dots.inject(FaultSpec::new(Fault::Status { status: 500, retry_after: None, body: None }, FaultWhen::AfterCommit));
    call("create_flow", json!({"request": {"steps": steps(&["payout"])}})).unwrap_err();
    call("save_credentials", json!({"environmentId": env_id, "clientId": "", "apiKey": KEY})).unwrap_err();
    call("save_credentials", json!({"environmentId": "nope", "clientId": CLIENT_ID, "apiKey": KEY})).unwrap_err();
    let report = call("test_connection", json!({"environmentId": "sandbox"}));
    assert!(report.is_err(), "no key saved for the built-in Sandbox");
    for cmd in ["environments", "app_info", "step_catalog"] {
        call(cmd, json!({})).unwrap();
    }

    // Pointing the environment at another host unbinds the key: nothing is sent there.
    let requests_before = dots.flow_count();
    let update = call(
        "update_environment",
        json!({"id": env_id, "change": {"name": null, "base_url": "https://evil.example.com/api", "app_id": null, "production": null}}),
    )
    .unwrap();
    assert_eq!(update["key_unbound"], true);
    assert_eq!(env_entry(&update["view"], &env_id)["credential"]["configured"], false);
    assert!(KeyringStore::new().get(&account).unwrap().is_none(), "the old host's entry is gone");
    let err = call("get_flow", json!({"id": flow_id, "environmentId": env_id})).unwrap_err();
    assert_eq!(err["kind"], "not_configured", "{err}");
    assert_eq!(dots.flow_count(), requests_before);

    // Delete works on a fresh key too.
    call("update_environment", json!({"id": env_id, "change": {"name": null, "base_url": dots.base_url(), "app_id": null, "production": null}})).unwrap();
    call("save_credentials", json!({"environmentId": env_id, "clientId": CLIENT_ID, "apiKey": KEY})).unwrap();
    let view = call("delete_credentials", json!({"environmentId": env_id})).unwrap();
    assert_eq!(env_entry(&view, &env_id)["credential"]["configured"], false);
    assert!(KeyringStore::new().get(&account).unwrap().is_none());

    let header = base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{KEY}"));
    let secrets = [KEY, header.as_str(), &KEY[..14]];
    assert!(replies.len() >= 18, "{} replies", replies.len());
    for reply in &replies {
        for s in secrets {
            assert!(!reply.contains(s), "an IPC reply carries the key: {reply}");
        }
    }
    let file = std::fs::read_to_string(&t.settings_path).unwrap();
    assert!(file.contains(CLIENT_ID) || file.contains("Staging"), "the settings file was written");
    for s in secrets {
        assert!(!file.contains(s), "the settings file carries the key");
    }
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("flow created"), "the log capture saw the app");
    for s in secrets {
        assert!(!logs.contains(s), "a log line carries the key");
    }
}
