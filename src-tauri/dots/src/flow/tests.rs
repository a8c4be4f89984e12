use super::*;
use proptest::prelude::*;
use serde_json::json;

fn sample() -> Value {
    json!({
        "id": "3d6a2c8e-1b7f-4a5e-9c0d-2e4f6a8b0c1d",
        "created": "2024-07-11T21:10:30.846081",
        "user_id": null,
        "steps": ["compliance", "manage-payouts"],
        "completed_steps": [],
        "link": "https://pls.senddotssandbox.com/flow/3d6a",
        "metadata": null,
        "payout_link_id": null
    })
}

#[test]
fn parses_a_real_looking_reply() {
    let flow: Flow = serde_json::from_value(sample()).unwrap();
    assert_eq!(flow.created.unwrap().to_rfc3339(), "2024-07-11T21:10:30.846081+00:00");
    assert_eq!(flow.progress(), Progress { claimed: false, completed: 0, total: 2, done: false, pending: vec!["compliance".into(), "manage-payouts".into()] });
}

#[test]
fn created_in_every_shape_dots_sends() {
    for (raw, want) in [
        ("2024-07-11T21:10:30.846081", "2024-07-11T21:10:30.846081+00:00"),
        ("2024-07-11T21:10:30", "2024-07-11T21:10:30+00:00"),
        ("2024-07-11T21:10:30Z", "2024-07-11T21:10:30+00:00"),
        ("2024-07-11T23:10:30.5+02:00", "2024-07-11T21:10:30.500+00:00"),
        ("2024-07-11 21:10:30.1", "2024-07-11T21:10:30.100+00:00"),
    ] {
        assert_eq!(parse_time(raw).map(|t| t.to_rfc3339()), Some(want.to_string()), "{raw}");
    }
    assert_eq!(parse_time("yesterday"), None);
}

#[test]
fn extra_and_missing_fields_are_tolerated() {
    let mut v = sample();
    v["updated"] = json!("2024-07-12T00:00:00Z");
    v["payout_link_id"] = json!("pl_1");
    v["brand_new_field"] = json!({"x": 1});
    v["created"] = json!("not a date");
    v["completed_steps"] = json!(null);
    v["metadata"] = json!("ticket-9");
    let flow: Flow = serde_json::from_value(v).unwrap();
    assert_eq!(flow.created, None);
    assert!(flow.updated.is_some());
    assert_eq!(flow.payout_link_id.as_deref(), Some("pl_1"));
    assert_eq!(flow.metadata, Some(json!("ticket-9")));
    assert!(flow.completed_steps.is_empty());
}

#[test]
fn a_link_that_is_not_http_fails_the_reply() {
    for bad in ["javascript:alert(document.cookie)", "file:///etc/passwd", "JAVASCRIPT:alert(1)", "data:text/html,<script>x</script>", "flow/3d6a"] {
        let mut v = sample();
        v["link"] = json!(bad);
        let err = serde_json::from_value::<Flow>(v).unwrap_err().to_string();
        assert!(err.contains("is not an http(s) URL"), "{bad}: {err}");
    }
    for fine in [json!("http://127.0.0.1:4010/flow/1"), json!("HTTPS://PLS.SENDDOTSSANDBOX.COM/flow/1"), json!(""), json!(null)] {
        let mut v = sample();
        v["link"] = fine.clone();
        assert!(serde_json::from_value::<Flow>(v).is_ok(), "{fine}");
    }
    let mut v = sample();
    v.as_object_mut().unwrap().remove("link");
    assert_eq!(serde_json::from_value::<Flow>(v).unwrap().link, "");
}

#[test]
fn progress_counts_claim_and_completion() {
    let mut v = sample();
    v["user_id"] = json!("0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60");
    v["completed_steps"] = json!(["manage-payouts", "compliance", "compliance"]);
    let p = serde_json::from_value::<Flow>(v).unwrap().progress();
    assert!(p.claimed && p.done);
    assert_eq!((p.completed, p.total), (2, 2));
}

#[test]
fn a_flow_without_steps_is_never_done() {
    let mut v = sample();
    v["steps"] = json!([]);
    assert!(!serde_json::from_value::<Flow>(v).unwrap().progress().done);
}

proptest! {
    /// Any JSON reply either parses or is an error: never a panic.
    #[test]
    fn arbitrary_replies_never_panic(s in ".{0,200}") {
        let _ = serde_json::from_str::<Flow>(&s);
    }

    /// Progress never counts more than the steps, and done means all are completed.
    #[test]
    fn progress_is_bounded(
        steps in prop::collection::vec("[a-z-]{1,12}", 0..8),
        completed in prop::collection::vec("[a-z-]{1,12}", 0..8),
    ) {
        let mut v = sample();
        v["steps"] = json!(steps);
        v["completed_steps"] = json!(completed);
        let p = serde_json::from_value::<Flow>(v).unwrap().progress();
        prop_assert!(p.completed <= p.total);
        prop_assert_eq!(p.done, p.total > 0 && steps.iter().all(|s| completed.contains(s)));
    }

    /// Timezone-less timestamps with any fraction width parse to the same instant as with Z.
    #[test]
    fn naive_equals_utc(secs in 0i64..4_000_000_000, micros in 0u32..1_000_000) {
        let t = DateTime::from_timestamp(secs, micros * 1000).unwrap();
        let naive = t.naive_utc().format("%Y-%m-%dT%H:%M:%S%.6f").to_string();
        prop_assert_eq!(parse_time(&naive), Some(t));
        prop_assert_eq!(parse_time(&format!("{naive}Z")), Some(t));
    }
}
