//! History and templates through the app's commands: a created flow is in the history
//! when its link comes back, survives a restart, can be searched, deleted and cleared;
//! templates save, rename, export and import.

mod common;

use common::{app, app_in, steps};
use serde_json::json;

#[test]
fn every_created_flow_is_in_the_history_before_its_link_is_shown() {
    let t = app();
    let created = t.ok(
        "create_flow",
        json!({"request": {"steps": steps(&["compliance", "payout"]), "metadata": {"reference": "TICKET-4411"}}}),
    );
    let id = created["flow"]["id"].as_str().unwrap().to_string();
    // Read straight from the file, as a crash right after the reply would leave it.
    let log = std::fs::read_to_string(t.settings_path.with_file_name("history.jsonl")).unwrap();
    assert!(log.contains(&id) && log.contains("TICKET-4411"), "{log}");

    let found = t.ok("history_search", json!({"query": "ticket-4411"}));
    assert_eq!(found.as_array().unwrap().len(), 1);
    let entry = &found[0];
    assert_eq!(entry["flow_id"], id.as_str());
    assert_eq!(entry["environment_id"], "local");
    assert_eq!(entry["environment_name"], "Local sandbox");
    assert_eq!(entry["link"], created["flow"]["link"]);
    assert_eq!(entry["steps"], json!(["compliance", "payout"]));
    assert_eq!(entry["progress"]["total"], 2);
    assert_eq!(t.ok("history_search", json!({"query": "payout"})).as_array().unwrap().len(), 1);
    assert_eq!(t.ok("history_search", json!({"query": "nothing-like-this"})).as_array().unwrap().len(), 0);

    t.ok("create_flow", json!({"request": {"steps": steps(&["id-verification"])}}));
    let dir = t._dir;
    let again = app_in(dir);
    let all = again.ok("history_search", json!({"query": ""}));
    assert_eq!(all.as_array().unwrap().len(), 2, "the history survives a restart");
    assert_eq!(all[1]["flow_id"], id.as_str(), "newest first");

    assert_eq!(again.ok("history_delete", json!({"flowId": id})), json!(true));
    assert_eq!(again.ok("history_search", json!({"query": ""})).as_array().unwrap().len(), 1);
    assert_eq!(again.ok("history_retention", json!({"days": 30})), json!(0));
    again.ok("history_clear", json!({}));
    assert_eq!(again.ok("history_search", json!({"query": ""})).as_array().unwrap().len(), 0);
    let log = std::fs::read_to_string(again.settings_path.with_file_name("history.jsonl")).unwrap();
    assert!(!log.contains("TICKET-4411"), "cleared data leaves the disk");
}

#[test]
fn templates_round_trip_and_bad_ones_are_refused() {
    let t = app();
    let template = json!({"name": "Contractor onboarding", "steps": steps(&["compliance", "manage-payouts"]),
        "require_auth": null, "hide_go_to_dashboard_on_complete": true, "metadata": null});
    t.ok("template_save", json!({"template": template}));
    t.ok("template_rename", json!({"from": "Contractor onboarding", "to": "Contractors"}));
    let list = t.ok("templates_list", json!({}));
    assert_eq!(list[0]["name"], "Contractors");
    assert_eq!(list[0]["steps"][1]["name"], "manage-payouts");

    let exported = t.ok("templates_export", json!({"names": null}));
    let text = exported.as_str().unwrap();
    assert!(text.contains("Contractors"));
    t.ok("template_delete", json!({"name": "Contractors"}));
    assert_eq!(t.ok("templates_list", json!({})).as_array().unwrap().len(), 0);
    let report = t.ok("templates_import", json!({"json": text}));
    assert_eq!(report["added"], json!(["Contractors"]));

    let bad = json!({"name": "Broken", "steps": [{"name": "redirect"}], "require_auth": null, "hide_go_to_dashboard_on_complete": null, "metadata": null});
    let err = t.err("template_save", json!({"template": bad}));
    assert_eq!(err["kind"], "invalid", "{err}");
    let err = t.err("templates_import", json!({"json": "{not json"}));
    assert_eq!(err["kind"], "bad_import", "{err}");
}
