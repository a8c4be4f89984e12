//! Production confirmation cannot be forged from the webview: every command that acts in
//! Production, called with whatever confirmation-looking arguments a page could send, while
//! the native dialog (scripted here) says no, sends nothing to Dots and leaves an audit line.

mod common;

use common::{app_with_memory_keychain, steps, TestApp};
use flowdesk_sandbox::{Fault, FaultSpec, FaultWhen, SandboxConfig, SandboxHandle, SeedUser};
use serde_json::{json, Value};

const CID: &str = "cid_prod_mirror";
const KEY: &str = "fake_prod_mirror_key_forged_7Qw";

/// What a page could add to any call to pretend the person confirmed.
fn forged(mut args: Value) -> Value {
    let o = args.as_object_mut().unwrap();
    for (k, v) in [
        ("confirmProduction", json!(true)),
        ("confirmed", json!(true)),
        ("confirmation", json!({"environment_id": "prod-mirror", "action": "flow.create"})),
        ("clearance", json!("Confirmed")),
    ] {
        o.insert(k.into(), v);
    }
    args
}

/// A production-marked environment on its own loopback sandbox, with its key saved.
fn production(t: &TestApp, dots: &SandboxHandle) -> String {
    let env = json!({"name": "Prod mirror", "base_url": dots.base_url(), "app_id": null, "production": true});
    t.ok("add_environment", json!({"environment": env}));
    t.ok("save_credentials", json!({"environmentId": "prod-mirror", "clientId": CID, "apiKey": KEY}));
    "prod-mirror".into()
}

/// Everything Dots holds, to show a refused call changed nothing.
fn dots_state(dots: &SandboxHandle, link: &str) -> (usize, usize, usize, Option<Value>) {
    (dots.flow_count(), dots.transfer_count(), dots.payout_link_count(), dots.payout_link(link).map(|l| l["status"].clone()))
}

#[test]
fn every_production_command_with_a_forged_confirmation_sends_nothing() {
    let dots = tauri::async_runtime::block_on(flowdesk_sandbox::start(SandboxConfig::new(CID, KEY))).unwrap();
    let t = app_with_memory_keychain();
    let env = production(&t, &dots);
    let user = dots.seed_user(SeedUser { status: Some("verified".into()), ..Default::default() }).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let fund = json!({"kind": "fund", "user_id": user, "amount": "3"});
    let payout = json!({"kind": "payout_link", "amount": "4", "payee": {"email": "pat@example.com"}, "delivery": {"method": "link"}});
    let template = json!({"steps": steps(&["compliance"]), "require_auth": null, "hide_go_to_dashboard_on_complete": null});
    let csv = b"email\nann@example.com\n".to_vec();

    // What the refused calls need to exist: made with a real "yes" from the dialog.
    t.confirmer.answer(true);
    let link = t.ok("money_send", json!({"environmentId": env, "request": payout, "typedAmount": "4"}))["payout_link"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    t.confirmer.answer(true);
    let batch = t.ok("bulk_start", json!({"bytes": csv, "template": template, "environmentId": env, "concurrency": 1}))["batch_id"]
        .as_str()
        .unwrap()
        .to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while t.ok("bulk_batches", json!({}))[0]["running"] == true {
        assert!(std::time::Instant::now() < deadline, "the batch did not finish");
        std::thread::yield_now();
    }
    // An intent whose outcome is unknown, to be retried.
    dots.inject(FaultSpec::new(Fault::Status { status: 503, retry_after: None, body: None }, FaultWhen::Before).method("POST").count(10));
    t.confirmer.answer(true);
    let unknown = t.ok("money_send", json!({"environmentId": env, "request": fund, "typedAmount": "3"}));
    assert_eq!(unknown["state"], "unknown", "{unknown}");
    let intent = unknown["intent"]["id"].as_str().unwrap().to_string();
    dots.clear_faults();

    let before = dots_state(&dots, &link);
    let asked_before = t.confirmer.asked().len();
    let calls: Vec<(&str, Value)> = vec![
        ("create_flow", json!({"request": {"steps": steps(&["compliance"])}, "environmentId": env})),
        ("bulk_start", json!({"bytes": csv, "template": template, "environmentId": env, "concurrency": 1})),
        ("bulk_resume", json!({"batchId": batch})),
        ("money_send", json!({"environmentId": env, "request": {"kind": "fund", "user_id": user, "amount": "2"}, "typedAmount": "2", "replacing": intent})),
        ("money_retry", json!({"intentId": intent})),
        ("payout_link_cancel", json!({"environmentId": env, "id": link})),
        ("payout_link_redeliver", json!({"environmentId": env, "id": link})),
        ("limits_set", json!({"environmentId": env, "limits": {"per_action_cents": null, "per_day_cents": null}})),
        ("update_environment", json!({"id": env, "change": {"production": false}})),
        ("update_environment", json!({"id": env, "change": {"base_url": "http://127.0.0.1:9/api"}})),
        ("remove_environment", json!({"id": env})),
    ];
    // A limit to raise (setting one is not gated; raising or removing it is).
    t.ok("limits_set", json!({"environmentId": env, "limits": {"per_action_cents": 100_000, "per_day_cents": 1_000_000}}));
    for (cmd, args) in &calls {
        let err = t.err(cmd, forged(args.clone()));
        assert_eq!(err["kind"], "confirmation_required", "{cmd}: {err}");
        assert_eq!(dots_state(&dots, &link), before, "{cmd} changed something on Dots");
    }
    assert_eq!(t.confirmer.asked().len() - asked_before, calls.len(), "each call asked the dialog once");
    // The environment is still there, still Production, still pointing at the same host.
    let view = t.ok("environments", json!({}));
    let e = view["environments"].as_array().unwrap().iter().find(|e| e["environment"]["id"] == env.as_str()).unwrap();
    assert_eq!(e["environment"]["is_production"], true);
    assert_eq!(e["environment"]["base_url"], dots.base_url());
    let limits = t.ok("limits_get", json!({"environmentId": env}));
    assert_eq!(limits["per_action_cents"], 100_000);
    let declined = t.ok("audit_read", json!({}))["entries"].as_array().unwrap().iter().filter(|e| e["result"] == "declined").count();
    assert_eq!(declined, calls.len(), "one audit line per refused action");
}
