//! No keychain (no D-Bus session): the app says so clearly, refuses to store a key
//! anywhere else, and the local sandbox still creates flows.

mod common;

use common::{app, steps};
use serde_json::json;

#[test]
fn without_a_keychain_the_local_sandbox_still_works() {
    // Before anything talks to D-Bus: a session bus that does not exist.
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/flowdesk-test-bus");
    let t = app();
    let view = t.ok("environments", json!({}));
    assert_eq!(view["keychain"]["available"], false);
    let message = view["keychain"]["message"].as_str().unwrap();
    assert!(message.contains("keychain") && message.contains("Local sandbox"), "{message}");

    let err = t.err("save_credentials", json!({"environmentId": "sandbox", "clientId": "cid", "apiKey": "sk_test_abcdefghijkl"}));
    assert_eq!(err["kind"], "keychain_unavailable", "{err}");
    let file = std::fs::read_to_string(&t.settings_path).unwrap_or_default();
    assert!(!file.contains("sk_test_abcdefghijkl"), "no fallback store");

    let created = t.ok("create_flow", json!({"request": {"steps": steps(&["compliance", "payout"])}}));
    assert_eq!(created["environment_id"], "local");
    assert!(created["flow"]["link"].as_str().unwrap().starts_with("http://127.0.0.1:"));
}
