//! Dots' spec allows `metadata` to come back as a string. Against a stand-in that answers
//! every flow's metadata as JSON text, a create whose reply is lost is still found (and kept
//! in History), and a batch whose creates lose their replies makes no duplicate flow.

mod common;

use common::{app_with_memory_keychain, steps, TestApp};
use flowdesk_sandbox::{Fault, FaultSpec, FaultWhen, SandboxConfig, SandboxHandle};
use serde_json::json;

const CID: &str = "cid_text_meta";
const KEY: &str = "fake_text_metadata_key_0042";

fn stand_in() -> (SandboxHandle, TestApp) {
    let dots = tauri::async_runtime::block_on(flowdesk_sandbox::start(SandboxConfig::new(CID, KEY))).unwrap();
    dots.set_metadata_as_text(true);
    let t = app_with_memory_keychain();
    t.ok("add_environment", json!({"environment": {"name": "Text meta", "base_url": dots.base_url(), "app_id": null, "production": false}}));
    t.ok("save_credentials", json!({"environmentId": "text-meta", "clientId": CID, "apiKey": KEY}));
    (dots, t)
}

#[test]
fn a_lost_create_is_found_when_dots_returns_metadata_as_text() {
    let (dots, t) = stand_in();
    dots.inject(FaultSpec::new(Fault::Drop, FaultWhen::AfterCommit).method("POST").path_prefix("/api/v2/flows").count(1));
    let request = json!({"steps": steps(&["compliance"]), "metadata": {"reference": "T-77"}});
    let err = t.err("create_flow", json!({"request": request, "environmentId": "text-meta"}));
    assert_eq!(dots.flow_count(), 1, "the create committed before its reply was lost");
    let found = err["details"]["flow_ids"].as_array().expect("the flow was looked for and found").clone();
    assert_eq!(found.len(), 1, "{err}");
    let history = t.ok("history_search", json!({"query": "T-77"}));
    assert_eq!(history.as_array().unwrap().len(), 1, "kept in History");
    assert_eq!(history[0]["flow_id"], found[0]);
}

#[test]
fn a_batch_whose_replies_are_lost_makes_no_duplicate_when_metadata_comes_back_as_text() {
    let (dots, t) = stand_in();
    // Every other create commits and then loses its reply: those rows must be reconciled.
    dots.inject(FaultSpec::new(Fault::Drop, FaultWhen::AfterCommit).method("POST").path_prefix("/api/v2/flows").count(3));
    let rows = 6;
    let csv: String = std::iter::once("email".to_string()).chain((1..=rows).map(|i| format!("p{i}@example.com"))).collect::<Vec<_>>().join("\n");
    let template = json!({"steps": steps(&["compliance"]), "require_auth": null, "hide_go_to_dashboard_on_complete": null});
    let batch = t.ok("bulk_start", json!({"bytes": csv.as_bytes(), "template": template, "environmentId": "text-meta", "concurrency": 1}));
    let id = batch["batch_id"].as_str().unwrap().to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let view = loop {
        let batches = t.ok("bulk_batches", json!({}));
        let b = batches.as_array().unwrap().iter().find(|b| b["batch_id"] == id.as_str()).cloned().unwrap();
        if b["running"] == false {
            break b;
        }
        assert!(std::time::Instant::now() < deadline, "the batch did not finish");
        std::thread::yield_now();
    };
    assert_eq!(view["progress"]["created"], rows, "{view}");
    assert_eq!(dots.flow_count(), rows, "one flow per row: none sent twice");
}
