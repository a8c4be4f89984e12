//! The Dots API over real loopback HTTP: auth, create/get/list, validation.

mod common;

use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn auth_is_required_and_checked() {
    let sb = sandbox().await;
    let http = client();
    let url = format!("{}/v2/flows", sb.base_url());
    let cases = [
        http.get(&url),
        http.get(&url).basic_auth(CLIENT_ID, Some("wrong")),
        http.get(&url).basic_auth("other", Some(API_KEY)),
        http.get(&url).bearer_auth(API_KEY),
        http.post(&url).json(&json!({"steps": ["compliance"]})),
        http.get(format!(
            "{}/v2/flows/{}",
            sb.base_url(),
            uuid::Uuid::new_v4()
        )),
    ];
    for req in cases {
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), 401);
        assert!(resp.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic"));
        let text = resp.text().await.unwrap();
        assert!(
            text.starts_with(r#"{"success":false,"error":"unauthorized","message":"#),
            "Dots' key order: {text}"
        );
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["error"], "unauthorized");
        assert!(body["message"].as_str().unwrap().contains("Basic"));
    }
    assert_eq!(sb.flow_count(), 0, "an unauthorized create must not create");
    let ok = get_api(&http, &sb, "/v2/flows").send().await.unwrap();
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn create_and_get_return_the_dots_flow_shape() {
    let sb = sandbox().await;
    let http = client();
    let user = uuid::Uuid::new_v4().to_string();
    let flow = create(
        &http,
        &sb,
        json!({
            "steps": ["compliance", {"name": "payout", "auto_payout_enabled": false}],
            "user_id": user,
            "metadata": {"ticket": "T-1"},
            "ignored_field": true
        }),
    )
    .await;
    let obj = flow.as_object().unwrap();
    let mut keys: Vec<_> = obj.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "completed_steps",
            "created",
            "id",
            "link",
            "metadata",
            "payout_link_id",
            "steps",
            "user_id"
        ]
    );
    let id = flow["id"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok());
    assert_eq!(flow["user_id"], user);
    assert_eq!(flow["steps"], json!(["compliance", "payout"]));
    assert_eq!(flow["completed_steps"], json!([]));
    assert_eq!(flow["metadata"], json!({"ticket": "T-1"}));
    assert_eq!(flow["payout_link_id"], Value::Null);
    assert_eq!(flow["link"], format!("{}/flow/{id}", sb.origin()));
    // "2024-07-11T21:10:30.846081": microseconds, no timezone, and it is UTC now.
    let created = flow["created"].as_str().unwrap();
    assert_eq!(created.len(), 26, "{created}");
    let parsed = chrono::NaiveDateTime::parse_from_str(created, "%Y-%m-%dT%H:%M:%S%.6f").unwrap();
    let age = chrono::Utc::now().naive_utc() - parsed;
    assert!(age.num_seconds().abs() < 60, "created is UTC: {created}");

    let got = get_api(&http, &sb, &format!("/v2/flows/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert!(got.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    assert_eq!(got.json::<Value>().await.unwrap(), flow);

    // String metadata and no user.
    let f2 = create(&http, &sb, json!({"steps": [], "metadata": "just text"})).await;
    assert_eq!(f2["metadata"], "just text");
    assert_eq!(f2["user_id"], Value::Null);
    assert_eq!(f2["steps"], json!([]));
    let f3 = create(&http, &sb, json!({"steps": ["payout"]})).await;
    assert_eq!(f3["metadata"], Value::Null);
    assert_eq!(sb.flow_count(), 3);
}

#[tokio::test]
async fn get_unknown_or_malformed_id_is_404() {
    let sb = sandbox().await;
    let http = client();
    for id in [uuid::Uuid::new_v4().to_string(), "not-a-uuid".to_string()] {
        let resp = get_api(&http, &sb, &format!("/v2/flows/{id}"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 404);
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["success"], false);
        assert_eq!(body["error"], "not_found");
        assert!(body["message"].as_str().unwrap().contains(&id));
    }
    let resp = get_api(&http, &sb, "/v2/nothing-here")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    assert_eq!(resp.json::<Value>().await.unwrap()["error"], "not_found");
}

async fn list(
    http: &reqwest::Client,
    sb: &flowdesk_sandbox::SandboxHandle,
    query: &str,
) -> (reqwest::StatusCode, Value) {
    let resp = get_api(http, sb, &format!("/v2/flows{query}"))
        .send()
        .await
        .unwrap();
    (resp.status(), resp.json().await.unwrap())
}

#[tokio::test]
async fn list_pages_newest_first_both_directions() {
    let sb = sandbox().await;
    let http = client();
    let (s, empty) = list(&http, &sb, "").await;
    assert_eq!(s, 200);
    assert_eq!(empty, json!({"data": [], "has_more": false}));

    let mut created = Vec::new();
    for i in 0..12 {
        let f = create(
            &http,
            &sb,
            json!({"steps": ["compliance"], "metadata": {"n": i}}),
        )
        .await;
        created.push(f["id"].as_str().unwrap().to_string());
    }
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();

    // Default limit is 10.
    let (_, p) = list(&http, &sb, "").await;
    assert_eq!(ids(&p), newest_first[..10]);
    assert_eq!(p["has_more"], true);
    assert_eq!(p["data"][0]["metadata"], json!({"n": 11}));

    // Forward with starting_after (exclusive).
    let (_, p1) = list(&http, &sb, "?limit=5").await;
    assert_eq!(ids(&p1), newest_first[0..5]);
    assert_eq!(p1["has_more"], true);
    let (_, p2) = list(
        &http,
        &sb,
        &format!("?limit=5&starting_after={}", newest_first[4]),
    )
    .await;
    assert_eq!(ids(&p2), newest_first[5..10]);
    assert_eq!(p2["has_more"], true);
    let (_, p3) = list(
        &http,
        &sb,
        &format!("?limit=5&starting_after={}", newest_first[9]),
    )
    .await;
    assert_eq!(ids(&p3), newest_first[10..12]);
    assert_eq!(p3["has_more"], false);

    // Backward with ending_before: the flows just newer than the cursor, still newest first.
    let (_, b1) = list(
        &http,
        &sb,
        &format!("?limit=5&ending_before={}", newest_first[10]),
    )
    .await;
    assert_eq!(ids(&b1), newest_first[5..10]);
    assert_eq!(b1["has_more"], true);
    let (_, b2) = list(
        &http,
        &sb,
        &format!("?limit=5&ending_before={}", newest_first[5]),
    )
    .await;
    assert_eq!(ids(&b2), newest_first[0..5]);
    assert_eq!(b2["has_more"], false);
    let (_, b3) = list(&http, &sb, &format!("?ending_before={}", newest_first[0])).await;
    assert_eq!(b3, json!({"data": [], "has_more": false}));

    let (_, all) = list(&http, &sb, "?limit=100").await;
    assert_eq!(ids(&all), newest_first);
    assert_eq!(all["has_more"], false);
    let (_, one) = list(&http, &sb, "?limit=1").await;
    assert_eq!(ids(&one), newest_first[..1]);
}

#[tokio::test]
async fn list_rejects_bad_limits_and_cursors() {
    let sb = sandbox().await;
    let http = client();
    let f = create(&http, &sb, json!({"steps": []})).await;
    let unknown = uuid::Uuid::new_v4();
    let cases = [
        ("?limit=0", "invalid_limit", "limit"),
        ("?limit=101", "invalid_limit", "limit"),
        ("?limit=ten", "invalid_limit", "limit"),
        ("?limit=", "invalid_limit", "limit"),
        ("?starting_after=abc", "invalid_cursor", "starting_after"),
        ("?ending_before=", "invalid_cursor", "ending_before"),
        (
            &format!("?starting_after={unknown}") as &str,
            "invalid_cursor",
            "starting_after",
        ),
        (
            &format!("?ending_before={unknown}"),
            "invalid_cursor",
            "ending_before",
        ),
        (
            &format!(
                "?starting_after={0}&ending_before={0}",
                f["id"].as_str().unwrap()
            ),
            "invalid_pagination",
            "ending_before",
        ),
    ];
    for (q, code, word) in cases {
        let (s, body) = list(&http, &sb, q).await;
        assert_eq!(s, 400, "{q}");
        assert_eq!(body["success"], false);
        assert_eq!(body["error"], code, "{q}");
        assert!(
            body["message"].as_str().unwrap().contains(word),
            "{q}: {body}"
        );
    }
}

#[tokio::test]
async fn every_validation_rule_is_a_400_with_a_message() {
    let sb = sandbox().await;
    let http = client();
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!([]), "invalid_body", "JSON object"),
        (json!("steps"), "invalid_body", "JSON object"),
        (json!({}), "missing_steps", "steps"),
        (json!({"steps": "compliance"}), "invalid_steps", "steps"),
        (json!({"steps": null}), "invalid_steps", "steps"),
        (json!({"steps": [42]}), "invalid_step", "steps[0]"),
        (
            json!({"steps": ["compliance", {"auto_payout_enabled": true}]}),
            "missing_step_name",
            "steps[1]",
        ),
        (json!({"steps": ["kyc"]}), "unknown_step", "kyc"),
        (
            json!({"steps": [{"name": "Payout"}]}),
            "unknown_step",
            "Payout",
        ),
        (
            json!({"steps": [{"name": "payout", "hide_continue_button": "no"}]}),
            "invalid_step_option",
            "hide_continue_button",
        ),
        (
            json!({"steps": [{"name": "payout", "auto_payout_enabled": 0}]}),
            "invalid_step_option",
            "auto_payout_enabled",
        ),
        (
            json!({"steps": [{"name": "pdf-form-fill", "template_id": 9}]}),
            "invalid_step_option",
            "template_id",
        ),
        (
            json!({"steps": [{"name": "redirect", "redirect_url": 9}]}),
            "invalid_step_option",
            "redirect_url",
        ),
        (
            json!({"steps": [{"name": "redirect", "redirect_url": "example.com"}]}),
            "invalid_redirect_url",
            "example.com",
        ),
        (
            json!({"steps": [{"name": "redirect", "redirect_url": "https://localhost/cb"}]}),
            "invalid_redirect_url",
            "redirect",
        ),
        (
            json!({"steps": ["compliance", "payout", "compliance"]}),
            "duplicate_step",
            "compliance",
        ),
        (
            json!({"steps": ["payout", {"name": "payout", "auto_payout_enabled": false}]}),
            "duplicate_step",
            "steps[1]",
        ),
        (
            json!({"steps": ["redirect"]}),
            "missing_redirect_url",
            "redirect_url",
        ),
        (
            json!({"steps": [{"name": "redirect", "hide_continue_button": true}]}),
            "missing_redirect_url",
            "redirect",
        ),
        (
            json!({"steps": [], "user_id": "12345"}),
            "invalid_user_id",
            "user_id",
        ),
        (
            json!({"steps": [], "user_id": 12345}),
            "invalid_user_id",
            "user_id",
        ),
        (
            json!({"steps": [], "require_auth": "yes"}),
            "invalid_boolean",
            "require_auth",
        ),
        (
            json!({"steps": [], "hide_go_to_dashboard_on_complete": 1}),
            "invalid_boolean",
            "hide_go_to_dashboard_on_complete",
        ),
        (
            json!({"steps": [], "metadata": 3}),
            "invalid_metadata",
            "metadata",
        ),
        (
            json!({"steps": [], "metadata": [1]}),
            "invalid_metadata",
            "metadata",
        ),
    ];
    for (body, code, needle) in cases {
        let resp = post_flow(&http, &sb, &body).send().await.unwrap();
        assert_eq!(resp.status(), 400, "{body}");
        let err: Value = resp.json().await.unwrap();
        assert_eq!(err["success"], false, "{body}");
        assert_eq!(err["error"], code, "{body}: {err}");
        assert!(
            err["message"].as_str().unwrap().contains(needle),
            "{body}: {err}"
        );
    }
    assert_eq!(sb.flow_count(), 0);
}

#[tokio::test]
async fn non_json_bodies_are_rejected() {
    let sb = sandbox().await;
    let http = client();
    let url = format!("{}/v2/flows", sb.base_url());
    let auth = |r: reqwest::RequestBuilder| r.basic_auth(CLIENT_ID, Some(API_KEY));
    let resp = auth(http.post(&url))
        .header("content-type", "application/json")
        .body("{\"steps\": [")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let err: Value = resp.json().await.unwrap();
    assert_eq!(err["error"], "invalid_json");
    assert!(err["message"].as_str().unwrap().contains("JSON"));
    let resp = auth(http.post(&url))
        .header("content-type", "application/json")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let resp = auth(http.post(&url))
        .header("content-type", "text/plain")
        .body("{\"steps\": []}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(
        resp.json::<Value>().await.unwrap()["error"],
        "invalid_content_type"
    );
    let resp = auth(http.post(&url))
        .header("content-type", "application/json; charset=utf-8")
        .body("{\"steps\": []}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let resp = auth(http.post(&url))
        .header("content-type", "application/json")
        .body(vec![b' '; 4 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    assert_eq!(sb.flow_count(), 1);
}

#[tokio::test]
async fn permissive_where_the_spec_is_silent() {
    let sb = sandbox().await;
    let http = client();
    // Empty steps, steps after a redirect, require_auth without a user, a step-name string and an
    // object with a different name both present, redirect_url on a non-redirect step.
    for body in [
        json!({"steps": []}),
        json!({"steps": [{"name": "redirect", "redirect_url": "https://example.com/x"}, "payout"]}),
        json!({"steps": ["compliance"], "require_auth": true}),
        json!({"steps": [{"name": "payout", "redirect_url": "https://example.com"}, "compliance"]}),
        json!({"steps": ["background-check", "id-verification", "manage-payouts", "manage-payments", "pdf-form-fill"]}),
        // The pattern is a search: a later URL in the query satisfies it (and it is a valid URI).
        json!({"steps": [{"name": "redirect", "redirect_url": "https://acme.digital/?next=https://example.com"}]}),
    ] {
        let resp = post_flow(&http, &sb, &body).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{body}");
    }
    assert_eq!(sb.flow_count(), 6);
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let sb = sandbox().await;
    let http = client();
    let base = sb.base_url();
    assert_eq!(
        http.get(format!("{base}/v2/flows"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    sb.shutdown().await;
    let fresh = client();
    assert!(fresh.get(format!("{base}/v2/flows")).send().await.is_err());
}
