//! The client against the local sandbox over real loopback HTTP.

mod common;

use std::time::Duration;

use common::*;
use flowdesk_dots::{DotsError, ErrorKind, ListParams, Metadata, Step, StepName};
use serde_json::json;

#[tokio::test]
async fn create_get_and_progress() {
    let sb = sandbox().await;
    let c = client(&sb);
    let mut req = simple_request();
    req.steps.push(Step { redirect_url: Some("https://acme.example.com/done".into()), ..Step::new(StepName::Redirect) });
    req.metadata = Some(Metadata::Text("ticket-1234".into()));
    let flow = c.create_flow(&req).await.unwrap();
    assert_eq!(flow.steps, vec!["compliance", "manage-payouts", "redirect"]);
    assert!(flow.link.starts_with(&sb.origin()), "{}", flow.link);
    assert!(flow.created.is_some());
    assert_eq!(flow.metadata, Some(json!("ticket-1234")));
    assert!(!flow.progress().claimed);

    control(&sb, &format!("/flows/{}/claim", flow.id), json!({})).await;
    control(&sb, &format!("/flows/{}/complete", flow.id), json!({"step": "compliance"})).await;
    let got = c.get_flow(&flow.id).await.unwrap();
    let p = got.progress();
    assert!(p.claimed);
    assert_eq!((p.completed, p.total, p.done), (1, 3, false));
    for step in ["manage-payouts", "redirect"] {
        control(&sb, &format!("/flows/{}/complete", flow.id), json!({"step": step})).await;
    }
    assert!(c.get_flow(&flow.id).await.unwrap().progress().done);
}

#[tokio::test]
async fn list_pages_through_every_flow_newest_first() {
    let sb = sandbox().await;
    let c = client(&sb);
    let mut created = Vec::new();
    for _ in 0..23 {
        created.push(c.create_flow(&simple_request()).await.unwrap().id);
    }
    let mut seen = Vec::new();
    let mut params = ListParams { limit: Some(10), ..Default::default() };
    let mut pages = 0;
    loop {
        let page = c.list_flows(&params).await.unwrap();
        pages += 1;
        seen.extend(page.data.iter().map(|f| f.id.clone()));
        if !page.has_more {
            break;
        }
        params.starting_after = page.data.last().map(|f| f.id.clone());
    }
    assert_eq!(pages, 3);
    created.reverse();
    assert_eq!(seen, created, "newest first, each flow once");

    // And back: the page before the last one seen.
    let back = c
        .list_flows(&ListParams { limit: Some(5), ending_before: Some(seen[10].clone()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(back.data.iter().map(|f| f.id.clone()).collect::<Vec<_>>(), seen[5..10].to_vec());
}

#[tokio::test]
async fn the_client_checks_the_rules_before_sending() {
    let sb = sandbox().await;
    let c = client(&sb);
    let mut req = simple_request();
    req.steps.push(Step::new(StepName::Compliance));
    let err = c.create_flow(&req).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid);
    assert!(err.to_string().contains("Step 3 (compliance)"), "{err}");
    assert_eq!(sb.flow_count(), 0, "nothing was sent");
}

#[tokio::test]
async fn wrong_key_is_unauthorized_and_unknown_flow_not_found() {
    let sb = sandbox().await;
    let bad = client_with(&sb, "sk_test_wrong", Duration::from_secs(5));
    let err = bad.create_flow(&simple_request()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized, "{err}");
    let err = client(&sb).get_flow("7d3c9a52-0000-4000-8000-000000000000").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
}

/// Each fault the sandbox can inject lands as the right kind, with the server's message.
#[tokio::test]
async fn every_error_kind_from_injected_faults() {
    let sb = sandbox().await;
    let c = client_with(&sb, API_KEY, Duration::from_millis(400));
    let cases = [
        (json!({"kind": "status", "status": 400, "body": "{\"success\":false,\"error\":\"bad\",\"message\":\"steps are odd\"}"}), ErrorKind::InvalidRequest, "steps are odd"),
        (json!({"kind": "status", "status": 401, "body": "{\"error\":\"unauthorized\"}"}), ErrorKind::Unauthorized, "unauthorized"),
        (json!({"kind": "status", "status": 403, "body": "{\"message\":\"app disabled\"}"}), ErrorKind::Forbidden, "app disabled"),
        (json!({"kind": "status", "status": 404}), ErrorKind::NotFound, "(404)"),
        (json!({"kind": "status", "status": 422, "body": "plain words"}), ErrorKind::InvalidRequest, "plain words"),
        (json!({"kind": "status", "status": 429, "retry_after": 7}), ErrorKind::RateLimited, "retry after 7 s"),
        (json!({"kind": "status", "status": 500}), ErrorKind::Server, "(500)"),
        (json!({"kind": "status", "status": 502, "body": "<html>bad gateway</html>"}), ErrorKind::Server, "bad gateway"),
        (json!({"kind": "status", "status": 503}), ErrorKind::Server, "(503)"),
        (json!({"kind": "latency", "ms": 1500}), ErrorKind::Timeout, "0.4 s"),
        (json!({"kind": "drop"}), ErrorKind::Network, "Could not reach Dots"),
        (json!({"kind": "malformed_json"}), ErrorKind::Decode, "could not read"),
        (json!({"kind": "wrong_content_type"}), ErrorKind::Decode, "expected JSON"),
        (json!({"kind": "huge_body", "bytes": 10 * 1024 * 1024}), ErrorKind::Decode, "larger than"),
    ];
    let flow = client(&sb).create_flow(&simple_request()).await.unwrap();
    for (fault, kind, fragment) in cases {
        inject(&sb, json!({"fault": fault, "when": "before", "method": "GET"})).await;
        let err = c.get_flow(&flow.id).await.unwrap_err();
        assert_eq!(err.kind(), kind, "{fault}: {err}");
        assert!(err.to_string().contains(fragment), "{fault}: {err}");
    }
    // The faults were used up: the next read works.
    c.get_flow(&flow.id).await.unwrap();
}

#[tokio::test]
async fn rate_limit_keeps_retry_after() {
    let sb = sandbox().await;
    let c = client(&sb);
    inject(&sb, json!({"fault": {"kind": "status", "status": 429, "retry_after": 3}, "when": "before"})).await;
    match c.list_flows(&ListParams::default()).await.unwrap_err() {
        DotsError::RateLimited { retry_after, .. } => assert_eq!(retry_after, Some(Duration::from_secs(3))),
        other => panic!("expected rate limited, got {other:?}"),
    }
    inject(&sb, json!({"fault": {"kind": "status", "status": 429}, "when": "before"})).await;
    match c.list_flows(&ListParams::default()).await.unwrap_err() {
        DotsError::RateLimited { retry_after, .. } => assert_eq!(retry_after, None),
        other => panic!("expected rate limited, got {other:?}"),
    }
}

/// A create whose reply is lost after the server committed: the flow exists, the client
/// says the outcome is unknown, and it did not send the create a second time.
#[tokio::test]
async fn lost_replies_after_commit_are_outcome_unknown_and_not_retried() {
    let sb = sandbox().await;
    let c = client_with(&sb, API_KEY, Duration::from_millis(400));
    let faults = [
        json!({"kind": "drop"}),
        json!({"kind": "latency", "ms": 1500}),
        json!({"kind": "status", "status": 502}),
        json!({"kind": "malformed_json"}),
    ];
    for (i, fault) in faults.iter().enumerate() {
        inject(&sb, json!({"fault": fault, "when": "after_commit", "method": "POST"})).await;
        let err = c.create_flow(&simple_request()).await.unwrap_err();
        assert!(err.outcome_unknown(), "{fault}: {err}");
        assert_eq!(sb.flow_count(), i + 1, "{fault}: exactly one flow committed, none retried");
    }
    // Before commit, nothing exists.
    inject(&sb, json!({"fault": {"kind": "drop"}, "when": "before", "method": "POST"})).await;
    c.create_flow(&simple_request()).await.unwrap_err();
    assert_eq!(sb.flow_count(), faults.len());
}

#[tokio::test]
async fn unreachable_host_is_a_network_error() {
    let sb = sandbox().await;
    let base = sb.base_url();
    sb.shutdown().await;
    let c = flowdesk_dots::DotsClient::new(flowdesk_dots::ClientConfig::new(&base, CLIENT_ID, API_KEY).unwrap()).unwrap();
    let err = c.list_flows(&ListParams::default()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network, "{err}");
}
