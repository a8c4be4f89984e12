//! The app's commands through Tauri's mock runtime and real IPC serialisation, against
//! the in-process local sandbox the app starts.

use flow_desk_lib::{app_builder, Desk};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

fn app() -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let desk = tauri::async_runtime::block_on(Desk::local_sandbox()).expect("local sandbox starts");
    let app = app_builder(mock_builder()).manage(desk).build(mock_context(noop_assets())).expect("app builds");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("window");
    (app, window)
}

fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().unwrap())
}

fn steps(names: &[&str]) -> Value {
    Value::Array(names.iter().map(|n| json!({"name": n})).collect())
}

#[test]
fn catalog_lists_every_sendable_step_and_the_implicit_one() {
    let (_app, w) = app();
    let catalog = invoke(&w, "step_catalog", json!({})).unwrap();
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
    let (_app, w) = app();
    let request = json!({"steps": steps(&["payout", "redirect", "payout"]), "require_auth": true});
    let violations = invoke(&w, "validate_flow", json!({ "request": request })).unwrap();
    let fields: Vec<(Value, &str)> =
        violations.as_array().unwrap().iter().map(|v| (v["step"].clone(), v["field"].as_str().unwrap())).collect();
    assert_eq!(
        fields,
        vec![(json!(1), "redirect_url"), (json!(2), "steps"), (json!(2), "steps"), (Value::Null, "require_auth")]
    );
    let preview = invoke(
        &w,
        "preview_request",
        json!({"request": {"steps": [{"name": "compliance"}, {"name": "payout", "auto_payout_enabled": false}], "user_id": ""}}),
    )
    .unwrap();
    assert_eq!(preview, json!({"steps": ["compliance", {"name": "payout", "auto_payout_enabled": false}]}));
}

#[test]
fn create_then_get_a_flow_on_the_local_sandbox() {
    let (_app, w) = app();
    let info = invoke(&w, "app_info", json!({})).unwrap();
    assert_eq!(info["environment"], "Local sandbox");
    assert_eq!(info["local_sandbox"], true);
    let base = info["base_url"].as_str().unwrap().to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");

    let created = invoke(&w, "create_flow", json!({"request": {"steps": steps(&["compliance", "manage-payouts"])}})).unwrap();
    let id = created["flow"]["id"].as_str().unwrap().to_string();
    assert!(created["flow"]["link"].as_str().unwrap().starts_with(base.trim_end_matches("/api")));
    assert_eq!(created["progress"], json!({"claimed": false, "completed": 0, "total": 2, "done": false, "pending": ["compliance", "manage-payouts"]}));

    let got = invoke(&w, "get_flow", json!({ "id": id })).unwrap();
    assert_eq!(got["flow"]["id"], created["flow"]["id"]);
    assert_eq!(got["flow"]["steps"], json!(["compliance", "manage-payouts"]));
}

#[test]
fn errors_reach_the_ui_as_kind_and_message() {
    let (_app, w) = app();
    let err = invoke(&w, "create_flow", json!({"request": {"steps": []}})).unwrap_err();
    assert_eq!(err["kind"], "invalid");
    assert!(err["message"].as_str().unwrap().contains("at least one step"), "{err}");

    let err = invoke(&w, "get_flow", json!({"id": "7d3c9a52-0000-4000-8000-000000000000"})).unwrap_err();
    assert_eq!(err["kind"], "not_found", "{err}");
    assert_eq!(err.as_object().unwrap().len(), 2, "only kind and message: {err}");

    // A request the command cannot even deserialise is refused by Tauri, not a panic.
    let err = invoke(&w, "create_flow", json!({"request": {"steps": [{"name": "teleport"}]}})).unwrap_err();
    assert!(err.as_str().unwrap_or_default().contains("teleport") || err.to_string().contains("unknown variant"), "{err}");
}
