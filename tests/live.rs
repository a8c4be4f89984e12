//! Live status through the app: watch a flow created on the local sandbox, let a person
//! work through it, and receive the scheduler's events as the window would (`flow-watch`).

mod common;

use std::sync::mpsc;
use std::time::Duration;

use common::{app, sandbox_endpoint, sandbox_post, steps, TestApp};
use flow_desk_lib::{Core, WATCH_EVENT};
use flowdesk_core::CoreEvent;
use serde_json::{json, Value};
use tauri::{Listener, Manager};

fn complete(t: &TestApp, link: &str, step: &str) {
    let url = url::Url::parse(link).unwrap();
    let id = url.path_segments().unwrap().next_back().unwrap().to_string();
    let sandbox = sandbox_endpoint(t);
    assert_eq!(url.origin().ascii_serialization(), sandbox.origin);
    sandbox_post(&sandbox, &format!("/_sandbox/flows/{id}/complete"), json!({"step": step}));
}

#[test]
fn a_watched_flow_is_followed_until_done_through_window_events() {
    let t = app();
    let (tx, rx) = mpsc::channel::<Value>();
    t.app.listen_any(WATCH_EVENT, move |e| {
        let _ = tx.send(serde_json::from_str(e.payload()).unwrap());
    });

    t.ok("set_poll_interval", json!({"seconds": 1}));
    let created = t.ok("create_flow", json!({"request": {"steps": steps(&["compliance", "payout"])}}));
    let id = created["flow"]["id"].as_str().unwrap().to_string();
    let link = created["flow"]["link"].as_str().unwrap().to_string();
    t.ok("watch_flow", json!({"id": id, "environmentId": "local"}));

    let next = || rx.recv_timeout(Duration::from_secs(15)).expect("an event within 15 s");
    let first = next();
    assert_eq!((first["type"].as_str(), first["id"].as_str()), (Some("updated"), Some(id.as_str())));
    assert_eq!(first["progress"]["completed"], 0);

    complete(&t, &link, "compliance");
    let second = next();
    assert_eq!(second["type"], "updated", "{second}");
    assert_eq!(second["progress"]["completed"], 1);

    complete(&t, &link, "payout");
    let last = next();
    assert_eq!(last["type"], "done", "{last}");
    assert_eq!(last["progress"]["done"], true);
    assert!(rx.recv_timeout(Duration::from_secs(3)).is_err(), "nothing more once done");
    let history = t.ok("history_search", json!({"query": id}));
    assert_eq!(history[0]["progress"]["done"], true, "the history keeps the last known progress");
    assert!(history[0]["last_checked"].is_string());
}

#[test]
fn an_unwatched_flow_stops_and_a_bad_environment_is_refused() {
    let t = app();
    let mut events = t.app.state::<Core>().subscribe();
    let created = t.ok("create_flow", json!({"request": {"steps": steps(&["compliance"])}}));
    let id = created["flow"]["id"].as_str().unwrap().to_string();
    t.ok("watch_flow", json!({"id": id, "environmentId": "local"}));
    t.ok("unwatch_flow", json!({"id": id}));
    let kinds: Vec<String> = tauri::async_runtime::block_on(async {
        let mut kinds = Vec::new();
        while let Ok(Ok(e)) = tokio::time::timeout(Duration::from_secs(3), events.recv()).await {
            let CoreEvent::Watch(e) = e else { continue };
            kinds.push(serde_json::to_value(&e).unwrap()["type"].as_str().unwrap().to_string());
            if kinds.last().map(String::as_str) == Some("stopped") {
                break;
            }
        }
        kinds
    });
    assert_eq!(kinds.last().map(String::as_str), Some("stopped"), "{kinds:?}");
    let err = t.err("watch_flow", json!({"id": id, "environmentId": "sandbox"}));
    assert_eq!(err["kind"], "not_configured", "{err}");
    let err = t.err("set_poll_interval", json!({"seconds": 0}));
    assert_eq!(err["kind"], "invalid", "{err}");
}

#[test]
fn link_hand_off_qr_and_email() {
    let t = app();
    let svg = t.ok("link_qr", json!({"link": "https://pls.senddotssandbox.com/flow/abc"}));
    assert!(svg.as_str().unwrap().contains("<svg"));
    let err = t.err("link_qr", json!({"link": "javascript:alert(1)"}));
    assert_eq!(err["kind"], "invalid");
    let mail = t.ok("email_link", json!({"draft": {"link": "https://x.example.com/flow/1", "steps": ["compliance"], "to": "ann@example.com"}}));
    let mail = mail.as_str().unwrap();
    assert!(mail.starts_with("mailto:ann@example.com?subject="), "{mail}");
    assert!(mail.contains("https%3A%2F%2Fx.example.com%2Fflow%2F1"), "{mail}");
}
