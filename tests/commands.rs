//! The app's flow commands through Tauri's mock runtime and real IPC serialisation,
//! against the in-process local sandbox the app starts.

mod common;

use common::{app, steps};
use serde_json::{json, Value};

#[test]
fn catalog_lists_every_sendable_step_and_the_implicit_one() {
    let t = app();
    let catalog = t.ok("step_catalog", json!({}));
    let names: Vec<&str> = catalog["steps"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["compliance", "id-verification", "background-check", "manage-payments", "manage-payouts", "payout", "redirect", "pdf-form-fill"]
    );
    let redirect = &catalog["steps"][6];
    assert_eq!(redirect["options"], json!(["hide_continue_button", "redirect_url"]));
    assert!(!redirect["description"].as_str().unwrap().is_empty());
    assert_eq!(catalog["implicit"]["name"], "authentication");
}

#[test]
fn validate_and_preview_use_the_rust_rules() {
    let t = app();
    let request = json!({"steps": steps(&["payout", "redirect", "payout"]), "require_auth": true});
    let violations = t.ok("validate_flow", json!({ "request": request }));
    let fields: Vec<(Value, &str)> =
        violations.as_array().unwrap().iter().map(|v| (v["step"].clone(), v["field"].as_str().unwrap())).collect();
    assert_eq!(
        fields,
        vec![(json!(1), "redirect_url"), (json!(2), "steps"), (json!(2), "steps"), (Value::Null, "require_auth")]
    );
    let preview = t.ok(
        "preview_request",
        json!({"request": {"steps": [{"name": "compliance"}, {"name": "payout", "auto_payout_enabled": false}], "user_id": ""}}),
    );
    assert_eq!(preview, json!({"steps": ["compliance", {"name": "payout", "auto_payout_enabled": false}]}));
}

#[test]
fn create_then_get_a_flow_on_the_local_sandbox() {
    let t = app();
    let info = t.ok("app_info", json!({}));
    assert_eq!(info["environment"], "Local sandbox");
    assert_eq!(info["local_sandbox"], true);
    let base = info["base_url"].as_str().unwrap().to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");

    let created = t.ok("create_flow", json!({"request": {"steps": steps(&["compliance", "manage-payouts"])}}));
    let id = created["flow"]["id"].as_str().unwrap().to_string();
    assert_eq!(created["environment_id"], "local");
    assert!(created["flow"]["link"].as_str().unwrap().starts_with(base.trim_end_matches("/api")));
    assert_eq!(
        created["progress"],
        json!({"claimed": false, "completed": 0, "total": 2, "done": false, "pending": ["compliance", "manage-payouts"]})
    );

    let got = t.ok("get_flow", json!({ "id": id, "environmentId": "local" }));
    assert_eq!(got["flow"]["id"], created["flow"]["id"]);
    assert_eq!(got["flow"]["steps"], json!(["compliance", "manage-payouts"]));
}

#[test]
fn errors_reach_the_ui_as_kind_and_message() {
    let t = app();
    let user = "0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60";
    let err = t.err("create_flow", json!({"request": {"steps": [], "user_id": user}}));
    assert_eq!(err["kind"], "invalid");
    assert!(err["message"].as_str().unwrap().contains("at least one step"), "{err}");
    // Without a user, no extra step is an onboarding-only link: Dots' sign-in and onboarding.
    let onboarding = t.ok("create_flow", json!({"request": {"steps": []}}));
    assert_eq!(onboarding["flow"]["steps"], json!([]));

    let err = t.err("get_flow", json!({"id": "7d3c9a52-0000-4000-8000-000000000000", "environmentId": "local"}));
    assert_eq!(err["kind"], "not_found", "{err}");
    assert_eq!(err.as_object().unwrap().len(), 3, "kind, message and details: {err}");
    assert_eq!(err["details"], json!({}), "a plain not-found names nothing more: {err}");

    // A request the command cannot even deserialise is refused by Tauri, not a panic.
    let err = t.err("create_flow", json!({"request": {"steps": [{"name": "teleport"}]}}));
    assert!(err.to_string().contains("teleport"), "{err}");
}

#[test]
fn production_is_confirmed_by_the_core_and_no_argument_stands_in_for_it() {
    let t = app();
    // The confirmer says no: an argument claiming a confirmation changes nothing.
    let err = t.err(
        "create_flow",
        json!({"request": {"steps": steps(&["compliance"])}, "environmentId": "production", "confirmProduction": true}),
    );
    assert_eq!(err["kind"], "confirmation_required");
    let asked = t.confirmer.asked();
    assert_eq!(asked.len(), 1);
    assert_eq!((asked[0].action.as_str(), asked[0].host.as_deref()), ("flow.create", Some("api.dots.dev")));
    // Confirmed, it goes on to need a key (none is saved): still nothing sent anywhere.
    t.confirmer.answer(true);
    let err = t.err("create_flow", json!({"request": {"steps": steps(&["compliance"])}, "environmentId": "production"}));
    assert_ne!(err["kind"], "confirmation_required", "{err}");
    // Outside Production nobody is asked.
    t.ok("create_flow", json!({"request": {"steps": steps(&["compliance"])}, "environmentId": "local"}));
    assert_eq!(t.confirmer.asked().len(), 2);
}

#[test]
fn from_dots_lists_the_environments_flows_page_by_page() {
    let t = app();
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(t.ok("create_flow", json!({"request": {"steps": steps(&["compliance"])}}))["flow"]["id"].clone());
    }
    let page = t.ok("list_remote_flows", json!({"environmentId": "local", "params": {"limit": 2}}));
    assert_eq!(page["has_more"], true);
    assert_eq!(
        page["data"].as_array().unwrap().iter().map(|v| v["flow"]["id"].clone()).collect::<Vec<_>>(),
        vec![ids[2].clone(), ids[1].clone()]
    );
    // Each with its progress as the core counts it.
    assert_eq!(page["data"][0]["progress"]["total"], 1);
    let next = t.ok("list_remote_flows", json!({"environmentId": "local", "params": {"limit": 2, "starting_after": ids[1]}}));
    assert_eq!(next["has_more"], false);
    assert_eq!(next["data"][0]["flow"]["id"], ids[0]);
}
