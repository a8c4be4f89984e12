//! The settings file the app starts from: a corrupt one is set aside (kept) and reported,
//! defaults load; changes are written atomically and survive a restart.

mod common;

use common::{app_in, TestApp};
use serde_json::json;

fn set_aside_files(t: &TestApp) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(t.settings_path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains("corrupt"))
        .collect()
}

#[test]
fn a_corrupt_file_is_set_aside_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("settings.json"), b"{\"environments\": [ oops").unwrap();
    let t = app_in(dir);
    let view = t.ok("environments", json!({}));
    let notice = view["notice"].as_str().expect("a notice");
    assert!(notice.contains("corrupt") || notice.contains("set aside") || notice.contains("moved"), "{notice}");
    assert_eq!(view["active"], "local");
    assert_eq!(view["environments"].as_array().unwrap().len(), 3);
    let aside = set_aside_files(&t);
    assert_eq!(aside.len(), 1, "the old file is kept");
    assert_eq!(std::fs::read(&aside[0]).unwrap(), b"{\"environments\": [ oops");
}

#[test]
fn changes_are_saved_and_survive_a_restart() {
    let t = common::app();
    t.ok("add_environment", json!({"environment": {"name": "Other sandbox", "base_url": "https://api.senddotssandbox.com/api", "app_id": null, "production": false}}));
    t.ok("set_active_environment", json!({"id": "sandbox"}));
    // Validated: plain http to a non-loopback host is refused and changes nothing.
    let err = t.err("add_environment", json!({"environment": {"name": "Plain", "base_url": "http://api.example.com/api", "app_id": null, "production": false}}));
    assert_eq!(err["kind"], "invalid", "{err}");

    let dir = t._dir;
    let again = app_in(dir);
    let view = again.ok("environments", json!({}));
    assert_eq!(view["active"], "sandbox");
    let names: Vec<&str> = view["environments"].as_array().unwrap().iter().map(|e| e["environment"]["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Local sandbox", "Sandbox", "Production", "Other sandbox"]);
    assert!(view["notice"].is_null());
    let leftovers: Vec<_> = std::fs::read_dir(again.settings_path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains(".tmp") || n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "no temp files left: {leftovers:?}");
}

/// The app picks the file in a native dialog; the check is the core's, called with a path.
#[test]
fn an_extra_ca_is_checked_before_it_is_kept() {
    use tauri::Manager;
    let t = common::app();
    let core = t.app.state::<flow_desk_lib::Core>();
    let set = |p: &std::path::Path| tauri::async_runtime::block_on(core.set_extra_ca(Some(p.display().to_string())));
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(set(&dir.path().join("nope.pem")).unwrap_err().kind, flowdesk_core::AppErrorKind::Dots(flowdesk_dots::ErrorKind::Invalid));
    // Not a regular file: a folder, and a device that would never end.
    let err = set(dir.path()).unwrap_err();
    assert!(err.message.contains("is not a file"), "{err}");
    #[cfg(unix)]
    assert!(set(std::path::Path::new("/dev/zero")).unwrap_err().message.contains("is not a file"));
    let big = dir.path().join("big.pem");
    std::fs::write(&big, vec![b'A'; 2 * 1024 * 1024]).unwrap();
    assert!(set(&big).unwrap_err().message.contains("larger than 1 MiB"));
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "not a certificate").unwrap();
    assert_eq!(set(&junk).unwrap_err().kind, flowdesk_core::AppErrorKind::Dots(flowdesk_dots::ErrorKind::Config));
    let file = std::fs::read_to_string(&t.settings_path).unwrap_or_default();
    assert!(!file.contains("junk.pem") && !file.contains("big.pem"), "a bad CA is not kept");
    t.ok("clear_extra_ca", json!({}));
    // The page can no longer name a path for the app to read.
    assert!(t.invoke("set_extra_ca", json!({"path": junk.to_string_lossy()})).is_err());
}

#[test]
fn the_email_template_is_editable_and_used_for_the_draft() {
    let t = common::app();
    let prefs = t.ok("preferences", json!({}));
    assert_eq!(prefs["poll_interval_secs"], 5);
    let prefs = t.ok("set_email_template", json!({"template": {"subject": "Your link, {reference}", "body": "Open {link} ({steps})"}}));
    assert_eq!(prefs["email_template"]["subject"], "Your link, {reference}");
    let mail = t.ok("email_link", json!({"draft": {"link": "https://x.example.com/f", "steps": ["payout"], "reference": "T-7"}}));
    assert!(mail.as_str().unwrap().contains("subject=Your%20link%2C%20T-7"), "{mail}");
    t.ok("set_poll_interval", json!({"seconds": 30}));
    assert_eq!(t.ok("preferences", json!({}))["poll_interval_secs"], 30);
}
