//! Users and money through the app's commands, against the in-process local sandbox (and,
//! with a keychain, a production-marked environment): two-step confirmation, typed amount
//! in Production, limits, unknown outcomes settled by retry, and the audit log.

mod common;

use common::{app, app_with_memory_keychain, sandbox_delete, sandbox_endpoint, sandbox_get, sandbox_post, steps, TestApp};
use flowdesk_sandbox::home::Endpoint;
use serde_json::{json, Value};

fn seed(sb: &Endpoint, user: Value) -> String {
    sandbox_post(sb, "/_sandbox/users", user)["id"].as_str().unwrap().to_string()
}

fn wallet(sb: &Endpoint, user: &str) -> i64 {
    sandbox_get(sb, &format!("/_sandbox/users/{user}/wallet"))["wallet"]["amount"].as_i64().unwrap()
}

fn fund(user: &str, amount: &str) -> Value {
    json!({"request": {"kind": "fund", "user_id": user, "amount": amount}})
}

fn audit_results(t: &TestApp, action: &str) -> Vec<String> {
    let read = t.ok("audit_read", json!({}));
    read["entries"].as_array().unwrap().iter().filter(|e| e["action"] == action).map(|e| e["result"].as_str().unwrap().to_string()).collect()
}

#[test]
fn a_user_is_shown_funded_once_after_confirmation_and_everything_is_audited() {
    let t = app();
    let sandbox = sandbox_endpoint(&t);
    let user = seed(
        &sandbox,
        json!({"first_name": "Ada", "last_name": "Lovelace", "status": "verified", "has_criminal_activity": true,
               "background_check_status": "consider", "wallet_cents": 500, "default_payout_method": "paypal"}),
    );
    let view = t.ok("user_get", json!({"userId": user}));
    assert_eq!(view["display_name"], "Ada Lovelace");
    assert_eq!(view["user"]["compliance"]["has_criminal_activity"], true);
    assert_eq!(view["user"]["wallet"]["amount"], 500);
    assert_eq!(view["payout_methods"][0]["platform"], "paypal");
    let listed = t.ok("users_list", json!({"filter": {"status": "verified"}}));
    assert!(listed["data"].as_array().unwrap().iter().any(|u| u["id"] == user.as_str()));
    assert_eq!(t.err("user_get", json!({"userId": "bob"}))["kind"], "invalid");

    // Step one says what will happen and sends nothing.
    let summary = t.ok("money_summary", fund(&user, "12.34"));
    assert_eq!(
        summary["sentence"],
        format!("Fund wallet: $12.34 from the app's Dots wallet to Ada Lovelace ({user})'s Dots wallet, in Local sandbox.")
    );
    assert_eq!(summary["requires_typed_amount"], false);
    assert_eq!(wallet(&sandbox, &user), 500);
    assert_eq!(t.ok("money_intents", json!({})), json!([]));

    // Step two.
    let out = t.ok("money_send", fund(&user, "12.34"));
    assert_eq!(out["state"], "done", "{out}");
    assert_eq!(out["transfer"]["amount"], -1234);
    assert_eq!(wallet(&sandbox, &user), 1734);
    assert_eq!(audit_results(&t, "wallet.fund"), ["confirmed", "done"]);

    // Bad input and limits: clear errors, nothing moves.
    assert_eq!(t.err("money_send", fund(&user, "12.345"))["kind"], "invalid_amount");
    t.ok("limits_set", json!({"limits": {"per_action_cents": 1000, "per_day_cents": null}}));
    let err = t.err("money_send", fund(&user, "10.01"));
    assert_eq!(err["kind"], "over_limit", "{err}");
    assert_eq!(wallet(&sandbox, &user), 1734);
    t.ok("limits_set", json!({"limits": {"per_action_cents": 100000, "per_day_cents": 2000}}));
    let err = t.err("money_summary", fund(&user, "8"));
    assert!(err["message"].as_str().unwrap().contains("per day"), "{err}");

    // A payout link, cancelled; a flow; all in the audit log and its CSV.
    let link = t.ok(
        "money_send",
        json!({"request": {"kind": "payout_link", "amount": "5", "user_id": user, "delivery": {"method": "link"}}}),
    );
    let link_id = link["payout_link"]["id"].as_str().unwrap().to_string();
    assert_eq!(t.ok("payout_link_cancel", json!({"id": link_id}))["status"], "canceled");
    t.ok("create_flow", json!({"request": {"steps": steps(&["compliance"])}}));
    assert_eq!(audit_results(&t, "payout_link.create"), ["confirmed", "done"]);
    assert_eq!(audit_results(&t, "payout_link.cancel"), ["done"]);
    assert_eq!(audit_results(&t, "flow.create"), ["done"]);
    let csv = t.ok("audit_export_csv", json!({}));
    assert!(csv.as_str().unwrap().starts_with("time,os_user,environment,action,amount"));
}

#[test]
fn an_unknown_outcome_blocks_a_new_payment_until_retried_and_never_pays_twice() {
    let t = app();
    let sandbox = sandbox_endpoint(&t);
    let user = seed(&sandbox, json!({}));
    // The first send commits and its connection drops; every re-send is dropped unanswered.
    sandbox_post(&sandbox, "/_sandbox/faults", json!({"fault": {"kind": "drop"}, "when": "after_commit", "path_prefix": "/api/v2/transfers"}));
    sandbox_post(&sandbox, "/_sandbox/faults", json!({"fault": {"kind": "drop"}, "count": 10, "path_prefix": "/api/v2/transfers"}));
    let out = t.ok("money_send", fund(&user, "20"));
    assert_eq!(out["state"], "unknown", "{out}");
    assert_eq!(wallet(&sandbox, &user), 2000);
    let intent = out["intent"]["id"].as_str().unwrap().to_string();
    sandbox_delete(&sandbox, "/_sandbox/faults");

    let err = t.err("money_summary", fund(&user, "20"));
    assert_eq!(err["kind"], "unresolved_intent", "{err}");
    assert!(err["message"].as_str().unwrap().contains(&intent));
    let wrong = t.err("money_send", json!({"request": {"kind": "fund", "user_id": user, "amount": "20"}, "replacing": "someone-else"}));
    assert_eq!(wrong["kind"], "unresolved_intent");

    let settled = t.ok("money_retry", json!({"intentId": intent}));
    assert_eq!(settled["state"], "recovered", "{settled}");
    assert_eq!(wallet(&sandbox, &user), 2000, "moved once");
    assert_eq!(t.ok("money_intents", json!({}))[0]["state"], "recovered");
    t.ok("money_summary", fund(&user, "20"));
}

#[test]
fn production_needs_the_amount_typed_and_no_key_reaches_the_money_files() {
    const KEY: &str = "fake_prod_mirror_key_Zt7Qw9Lp";
    let dots = tauri::async_runtime::block_on(flowdesk_sandbox::start(flowdesk_sandbox::SandboxConfig::new("cid_prod", KEY))).unwrap();
    let t = app_with_memory_keychain();
    let view = t.ok("add_environment", json!({"environment": {"name": "Prod mirror", "base_url": dots.base_url(), "app_id": null, "production": true}}));
    let env = view["environments"].as_array().unwrap().iter().find(|e| e["environment"]["name"] == "Prod mirror").unwrap()["environment"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    t.ok("save_credentials", json!({"environmentId": env, "clientId": "cid_prod", "apiKey": KEY}));
    let user = dots.seed_user(flowdesk_sandbox::SeedUser::default()).unwrap()["id"].as_str().unwrap().to_string();
    let req = |typed: Option<&str>| json!({"environmentId": env, "request": {"kind": "fund", "user_id": user, "amount": "12.34"}, "typedAmount": typed});

    let summary = t.ok("money_summary", json!({"environmentId": env, "request": {"kind": "fund", "user_id": user, "amount": "12.34"}}));
    assert_eq!(summary["requires_typed_amount"], true);
    assert_eq!(summary["environment"], "Prod mirror");
    for typed in [None, Some("12.43"), Some("")] {
        let err = t.err("money_send", req(typed));
        assert_eq!(err["kind"], "confirmation_mismatch", "{err}");
    }
    assert_eq!(dots.wallet_cents(&user), Some(0));
    // The amount typed right, the native dialog (scripted here) still has to say yes.
    let err = t.err("money_send", req(Some("$12.34")));
    assert_eq!(err["kind"], "confirmation_required", "{err}");
    assert_eq!(dots.wallet_cents(&user), Some(0));
    assert_eq!(t.confirmer.asked().last().map(|a| a.amount_cents), Some(Some(1234)));
    t.confirmer.answer(true);
    let out = t.ok("money_send", req(Some("$12.34")));
    assert_eq!(out["state"], "done");
    assert_eq!(dots.wallet_cents(&user), Some(1234));

    let dir = t.settings_path.parent().unwrap();
    for file in ["audit.jsonl", "intents.jsonl", "money-limits.json", "settings.json"] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        assert!(!text.contains(KEY) && !text.contains(&KEY[..12]), "{file} holds the key");
    }
    assert!(!t.ok("audit_export_csv", json!({})).as_str().unwrap().contains(KEY));
    t.ok("delete_credentials", json!({"environmentId": env}));
}

/// A payee chooses their own name; the audit export must never hand a spreadsheet a formula.
#[test]
fn a_payee_named_like_a_formula_is_exported_as_inert_text() {
    let t = app();
    let sandbox = sandbox_endpoint(&t);
    let user = seed(&sandbox, json!({"first_name": "=HYPERLINK(\"http://x\",\"y\")", "last_name": "", "status": "verified"}));
    t.ok("money_send", fund(&user, "1"));
    let csv = t.ok("audit_export_csv", json!({}));
    let mut rows = csv::Reader::from_reader(csv.as_str().unwrap().as_bytes());
    let recipients: Vec<String> = rows.records().map(|r| r.unwrap()[6].to_string()).filter(|r| r.contains("HYPERLINK")).collect();
    assert!(!recipients.is_empty());
    for cell in recipients {
        assert!(cell.starts_with("'="), "a formula reached the CSV: {cell}");
    }
}

/// An intent remembers where its environment pointed: once the environment is moved to
/// another origin, a retry refuses to send the payment there.
#[test]
fn a_retry_never_follows_a_moved_environment() {
    use flowdesk_sandbox::{Fault, FaultSpec, FaultWhen, SandboxConfig, SeedUser};
    let dots = tauri::async_runtime::block_on(flowdesk_sandbox::start(SandboxConfig::new("cid_staging", "fake_staging_key_abcdef12"))).unwrap();
    let elsewhere = tauri::async_runtime::block_on(flowdesk_sandbox::start(SandboxConfig::new("cid_staging", "fake_staging_key_abcdef12"))).unwrap();
    let t = app_with_memory_keychain();
    let env = json!({"name": "Staging", "base_url": dots.base_url(), "app_id": null, "production": false});
    t.ok("add_environment", json!({"environment": env}));
    t.ok("save_credentials", json!({"environmentId": "staging", "clientId": "cid_staging", "apiKey": "fake_staging_key_abcdef12"}));
    let user = dots.seed_user(SeedUser::default()).unwrap()["id"].as_str().unwrap().to_string();
    dots.inject(FaultSpec::new(Fault::Status { status: 503, retry_after: None, body: None }, FaultWhen::Before).method("POST").count(10));
    let out = t.ok("money_send", json!({"environmentId": "staging", "request": {"kind": "fund", "user_id": user, "amount": "2"}}));
    assert_eq!(out["state"], "unknown");
    let intent = out["intent"]["id"].as_str().unwrap().to_string();
    assert_eq!(out["intent"]["origin"], url::Url::parse(&dots.base_url()).unwrap().origin().ascii_serialization());

    t.ok("update_environment", json!({"id": "staging", "change": {"base_url": elsewhere.base_url()}}));
    t.ok("save_credentials", json!({"environmentId": "staging", "clientId": "cid_staging", "apiKey": "fake_staging_key_abcdef12"}));
    let err = t.err("money_retry", json!({"intentId": intent}));
    assert_eq!(err["kind"], "invalid", "{err}");
    assert!(err["message"].as_str().unwrap().contains("nothing was sent"), "{err}");
    assert_eq!((dots.transfer_count(), elsewhere.transfer_count()), (0, 0));
}
