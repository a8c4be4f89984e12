use super::*;
use crate::ErrorKind;
use flowdesk_dots::StepName;
use proptest::prelude::*;

fn tpl(name: &str) -> Template {
    Template {
        name: name.into(),
        steps: vec![Step::new(StepName::Compliance), Step::new(StepName::IdVerification)],
        require_auth: Some(true),
        hide_go_to_dashboard_on_complete: Some(false),
        metadata: Some(Metadata::Text("team-a".into())),
    }
}

fn redirect_without_url(name: &str) -> Template {
    Template { name: name.into(), steps: vec![Step::new(StepName::Redirect)], require_auth: None, hide_go_to_dashboard_on_complete: None, metadata: None }
}

#[test]
fn save_load_rename_delete() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/templates.json");
    let (mut ts, notice) = Templates::open(&path).unwrap();
    assert!(notice.is_none() && ts.list().is_empty());
    ts.save(tpl("  Onboarding  ")).unwrap();
    ts.save(tpl("beta")).unwrap();
    assert_eq!(ts.get("Onboarding").unwrap().name, "Onboarding");
    // Overwrite by name.
    let mut changed = tpl("Onboarding");
    changed.require_auth = None;
    ts.save(changed.clone()).unwrap();
    assert_eq!(ts.list().len(), 2);

    let (re, notice) = Templates::open(&path).unwrap();
    assert!(notice.is_none());
    assert_eq!(re.list().iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["beta", "Onboarding"]);
    assert_eq!(re.get("Onboarding"), Some(&changed));

    assert_eq!(ts.rename("beta", "Onboarding").unwrap_err().kind(), ErrorKind::Conflict);
    assert_eq!(ts.rename("nope", "x").unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(ts.rename("beta", "   ").unwrap_err().kind(), ErrorKind::Invalid);
    ts.rename("beta", " Gamma ").unwrap();
    assert!(ts.get("beta").is_none());
    assert_eq!(Templates::open(&path).unwrap().0.get("Gamma"), Some(&tpl("Gamma")));

    ts.delete("Gamma").unwrap();
    assert_eq!(ts.delete("Gamma").unwrap_err().kind(), ErrorKind::NotFound);
    let (re, _) = Templates::open(&path).unwrap();
    assert_eq!(re.list().len(), 1);
}

#[test]
fn names_are_checked_and_invalid_steps_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ts, _) = Templates::open(dir.path().join("t.json")).unwrap();
    assert_eq!(ts.save(tpl("")).unwrap_err().kind(), ErrorKind::Invalid);
    assert_eq!(ts.save(tpl(&"x".repeat(81))).unwrap_err().kind(), ErrorKind::Invalid);
    ts.save(tpl(&"é".repeat(80))).unwrap();
    let err = ts.save(redirect_without_url("r")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid);
    assert!(err.to_string().contains("redirect URL"), "{err}");
    assert_eq!(ts.list().len(), 1);
}

#[test]
fn export_import_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, _) = Templates::open(dir.path().join("a.json")).unwrap();
    a.save(tpl("one")).unwrap();
    let mut two = tpl("two");
    two.steps.push(Step { redirect_url: Some("https://example.com/done".into()), ..Step::new(StepName::Redirect) });
    two.metadata = None;
    a.save(two).unwrap();
    let all = a.export(None).unwrap();
    let v: Value = serde_json::from_str(&all).unwrap();
    assert_eq!(v["flowdesk_templates"], 1);

    let (mut b, _) = Templates::open(dir.path().join("b.json")).unwrap();
    let report = b.import(&all).unwrap();
    assert_eq!(report.added, ["one", "two"]);
    assert!(report.replaced.is_empty() && report.skipped.is_empty());
    assert_eq!(b.list(), a.list());
    assert_eq!(Templates::open(dir.path().join("b.json")).unwrap().0.list(), a.list());

    let report = b.import(&a.export(Some(&["two".to_string()])).unwrap()).unwrap();
    assert_eq!(report.replaced, ["two"]);
    assert!(report.added.is_empty());
    assert_eq!(a.export(Some(&["zzz".to_string()])).unwrap_err().kind(), ErrorKind::NotFound);
}

#[test]
fn export_holds_only_names_steps_and_options() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ts, _) = Templates::open(dir.path().join("t.json")).unwrap();
    // An import carrying extra fields (as if someone put a key there) keeps none of them.
    let sneaky = r#"{"flowdesk_templates": 1, "api_key": "sk_live_123", "templates": [
        {"name": "x", "api_key": "sk_live_123", "client_secret": "s3cr3t",
         "steps": [{"name": "compliance", "api_key": "sk_live_123"}], "require_auth": false}]}"#;
    let report = ts.import(sneaky).unwrap();
    assert_eq!(report.added, ["x"]);
    ts.save(tpl("y")).unwrap();
    let out = ts.export(None).unwrap();
    assert!(!out.contains("sk_live") && !out.contains("s3cr3t"));
    let v: Value = serde_json::from_str(&out).unwrap();
    let top: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    assert_eq!(top, ["flowdesk_templates", "templates"]);
    let allowed = ["name", "steps", "require_auth", "hide_go_to_dashboard_on_complete", "metadata"];
    let step_allowed = ["name", "hide_continue_button", "redirect_url", "auto_payout_enabled", "template_id"];
    for t in v["templates"].as_array().unwrap() {
        for k in t.as_object().unwrap().keys() {
            assert!(allowed.contains(&k.as_str()), "unexpected field {k}");
        }
        for s in t["steps"].as_array().unwrap() {
            for k in s.as_object().unwrap().keys() {
                assert!(step_allowed.contains(&k.as_str()), "unexpected step field {k}");
            }
        }
    }
    // And the file on disk holds the same.
    assert!(!fs::read_to_string(ts.path()).unwrap().contains("sk_live"));
}

#[test]
fn import_rejects_bad_json_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.json");
    let (mut ts, _) = Templates::open(&path).unwrap();
    for bad in ["{not json", "[]", "{\"templates\": []}", "{\"flowdesk_templates\": 2, \"templates\": []}", "{\"flowdesk_templates\": 1}"] {
        let err = ts.import(bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BadImport, "{bad}");
        assert!(err.to_string().contains("export the templates again"), "{err}");
    }
    assert!(ts.import("{not json").unwrap_err().to_string().contains("not valid JSON"));
    assert!(!path.exists(), "nothing written");
}

#[test]
fn import_skips_invalid_templates_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ts, _) = Templates::open(dir.path().join("t.json")).unwrap();
    let json = serde_json::json!({
        "flowdesk_templates": 1,
        "templates": [
            redirect_without_url("Redirect only"),
            {"name": "no steps field"},
            {"steps": [{"name": "compliance"}]},
            {"name": "", "steps": [{"name": "compliance"}]},
            {"name": "bad step", "steps": [{"name": "teleport"}]},
            tpl("good"),
        ]
    })
    .to_string();
    let report = ts.import(&json).unwrap();
    assert_eq!(report.added, ["good"]);
    let names: Vec<_> = report.skipped.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Redirect only", "no steps field", "#3", "#4", "bad step"]);
    assert!(report.skipped[0].1.contains("redirect URL"), "{:?}", report.skipped[0]);
    assert!(report.skipped[3].1.contains("name"), "{:?}", report.skipped[3]);
    assert_eq!(ts.list().len(), 1);
}

#[test]
fn corrupt_templates_file_is_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("templates.json");
    fs::write(&path, b"{\"flowdesk_templates\": 1, \"templates\": [{\"name\": 3}]}").unwrap();
    let (mut ts, notice) = Templates::open(&path).unwrap();
    let notice = notice.unwrap();
    assert!(notice.contains("corrupt-"), "{notice}");
    assert!(ts.list().is_empty());
    ts.save(tpl("a")).unwrap();
    let aside: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert!(fs::read_to_string(&aside[0]).unwrap().contains("\"name\": 3"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    #[test]
    fn arbitrary_bytes_as_import_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let dir = tempfile::tempdir().unwrap();
        let (mut ts, _) = Templates::open(dir.path().join("t.json")).unwrap();
        let _ = ts.import(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_templates_lists_never_panic(body in "[\\[\\]{}\",:a-z0-9 ]{0,200}") {
        let dir = tempfile::tempdir().unwrap();
        let (mut ts, _) = Templates::open(dir.path().join("t.json")).unwrap();
        let _ = ts.import(&format!("{{\"flowdesk_templates\": 1, \"templates\": [{body}]}}"));
    }

    #[test]
    fn arbitrary_bytes_as_templates_file_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.json");
        fs::write(&path, &bytes).unwrap();
        let _ = Templates::open(&path).unwrap();
    }
}
