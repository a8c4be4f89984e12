//! Bulk links through the app's commands on the local sandbox, with faults injected after
//! the server committed: every valid row ends with exactly one flow, the rows join the
//! history, and a restarted app still lists the batch.

mod common;

use std::time::{Duration, Instant};

use common::{app, app_in, sandbox_endpoint, sandbox_get, sandbox_post, TestApp};
use flowdesk_sandbox::home::Endpoint;
use serde_json::{json, Value};

fn csv(rows: usize) -> Vec<u8> {
    let mut text = String::from("email,name,reference\n");
    for i in 1..=rows {
        text.push_str(&format!("person{i}@example.com,Person {i},REF-{i}\n"));
    }
    text.push_str("not-an-email,Bad Row,REF-X\n");
    text.push_str("person1@example.com,Duplicate,REF-D\n");
    text.into_bytes()
}

fn inject(sb: &Endpoint, fault: Value) {
    sandbox_post(sb, "/_sandbox/faults", fault);
}

fn sandbox_flow_count(sb: &Endpoint) -> u64 {
    sandbox_get(sb, "/_sandbox/stats")["flows"].as_u64().unwrap()
}

/// Waits (bounded) until the batch has stopped running.
fn wait_finished(t: &TestApp, batch_id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let batches = t.ok("bulk_batches", json!({}));
        let batch = batches.as_array().unwrap().iter().find(|b| b["batch_id"] == batch_id).cloned().expect("listed");
        if batch["running"] == false {
            return batch;
        }
        assert!(Instant::now() < deadline, "batch still running: {batch}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_batch_makes_exactly_one_flow_per_valid_row_despite_lost_replies() {
    let t = app();
    let preview = t.ok("bulk_preview", json!({"bytes": csv(12)}));
    assert_eq!((preview["valid"].as_u64(), preview["invalid"].as_u64()), (Some(12), Some(2)));
    let bad = preview["rows"].as_array().unwrap().iter().filter(|r| r["state"] == "invalid").count();
    assert_eq!(bad, 2, "invalid rows are kept and flagged");

    let sandbox = sandbox_endpoint(&t);
    // Replies lost after the sandbox created the flow, a 500 and a 429: no duplicate allowed.
    for fault in [
        json!({"fault": {"kind": "drop"}, "when": "after_commit", "method": "POST", "count": 2}),
        json!({"fault": {"kind": "status", "status": 500}, "when": "after_commit", "method": "POST"}),
        json!({"fault": {"kind": "status", "status": 429, "retry_after": 1}, "when": "before", "method": "POST"}),
    ] {
        inject(&sandbox, fault);
    }
    let template = json!({"steps": [{"name": "compliance"}, {"name": "manage-payouts"}], "require_auth": null, "hide_go_to_dashboard_on_complete": null});
    let started = t.ok(
        "bulk_start",
        json!({"bytes": csv(12), "template": template, "environmentId": "local", "concurrency": 4}),
    );
    let batch_id = started["batch_id"].as_str().unwrap().to_string();
    let done = wait_finished(&t, &batch_id);
    assert_eq!(done["finished"], true, "{done}");
    assert_eq!(done["progress"]["created"], 12, "{done}");
    assert_eq!(done["progress"]["invalid"], 2);
    assert_eq!(sandbox_flow_count(&sandbox), 12, "exactly one flow per valid row");

    let rows = t.ok("bulk_rows", json!({"batchId": batch_id}));
    let links: Vec<&str> = rows.as_array().unwrap().iter().filter_map(|r| r["link"].as_str()).collect();
    assert_eq!(links.len(), 12);
    let results = t.ok("bulk_results_csv", json!({"batchId": batch_id}));
    assert!(results.as_str().unwrap().lines().count() >= 15, "a line per row plus the header");
    let mail = t.ok("bulk_mail_merge_csv", json!({"batchId": batch_id}));
    assert!(mail.as_str().unwrap().contains("person7@example.com"));

    let history = t.ok("history_search", json!({"query": "REF-7"}));
    assert_eq!(history.as_array().unwrap().len(), 1, "every created row joins the history");
    assert_eq!(history[0]["batch"]["row"], 7);
    let audit = t.ok("audit_read", json!({}));
    let batch = audit["entries"].as_array().unwrap().iter().find(|e| e["action"] == "flow.create_batch").expect("audited");
    assert_eq!(batch["dots_ids"].as_array().unwrap().len(), 12, "every flow of the batch is in the audit log");

    let dir = t._dir;
    let again = app_in(dir);
    let batches = again.ok("bulk_batches", json!({}));
    assert_eq!(batches[0]["batch_id"], batch_id.as_str());
    assert_eq!(batches[0]["finished"], true);
}

#[test]
fn production_batches_need_confirmation_and_bad_files_are_reported() {
    let t = app();
    let template = json!({"steps": [{"name": "compliance"}], "require_auth": null, "hide_go_to_dashboard_on_complete": null});
    let err = t.err(
        "bulk_start",
        json!({"bytes": csv(2), "template": template, "environmentId": "production", "concurrency": 4}),
    );
    assert_eq!(err["kind"], "confirmation_required");
    let err = t.err("bulk_preview", json!({"bytes": b"\xff\xfeemail\n".to_vec()}));
    assert_eq!(err["kind"], "invalid", "{err}");
    assert!(err["message"].as_str().unwrap().contains("UTF-8"), "{err}");
    let err = t.err(
        "bulk_start",
        json!({"bytes": b"email\nnope\n".to_vec(), "template": template, "environmentId": "local", "concurrency": 4}),
    );
    assert_eq!(err["kind"], "invalid", "{err}");
}

/// A batch remembers where its environment pointed; resumed after the environment moved to
/// another origin, it refuses to send anything there.
#[test]
fn a_batch_never_resumes_against_a_moved_environment() {
    let dots = tauri::async_runtime::block_on(flowdesk_sandbox::start(flowdesk_sandbox::SandboxConfig::new("cid_b", "fake_batch_key_0123456"))).unwrap();
    let elsewhere = tauri::async_runtime::block_on(flowdesk_sandbox::start(flowdesk_sandbox::SandboxConfig::new("cid_b", "fake_batch_key_0123456"))).unwrap();
    let t = common::app_with_memory_keychain();
    t.ok("add_environment", json!({"environment": {"name": "Staging", "base_url": dots.base_url(), "app_id": null, "production": false}}));
    t.ok("save_credentials", json!({"environmentId": "staging", "clientId": "cid_b", "apiKey": "fake_batch_key_0123456"}));
    let template = json!({"steps": [{"name": "compliance"}], "require_auth": null, "hide_go_to_dashboard_on_complete": null});
    let batch = t.ok("bulk_start", json!({"bytes": b"email\na@example.com\n".to_vec(), "template": template, "environmentId": "staging", "concurrency": 1}));
    let id = batch["batch_id"].as_str().unwrap().to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while t.ok("bulk_batches", json!({}))[0]["running"] == true {
        assert!(std::time::Instant::now() < deadline, "the batch did not finish");
        std::thread::yield_now();
    }
    t.ok("update_environment", json!({"id": "staging", "change": {"base_url": elsewhere.base_url()}}));
    t.ok("save_credentials", json!({"environmentId": "staging", "clientId": "cid_b", "apiKey": "fake_batch_key_0123456"}));
    let err = t.err("bulk_resume", json!({"batchId": id}));
    assert_eq!(err["kind"], "invalid", "{err}");
    assert!(err["message"].as_str().unwrap().contains("nothing was sent"), "{err}");
    assert_eq!((dots.flow_count(), elsewhere.flow_count()), (1, 0));
}
