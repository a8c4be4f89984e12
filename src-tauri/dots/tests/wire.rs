//! What the client puts on the wire and what it accepts back, seen from a bare loopback server
//! that records the request and answers with a canned reply: typed values go out normalised,
//! requests Dots would refuse are never sent, and a reply whose `link` is not http(s) is a
//! decode error. Plus the `funds_pending` status, through the local sandbox.

mod common;

use std::time::Duration;

use flowdesk_dots::money::{Delivery, DeliveryMethod, NewPayoutLink, NewTransfer, Payee, PayoutLinkStatus};
use flowdesk_dots::{ClientConfig, DotsClient, DotsError, FlowRequest, ListParams, Step, StepName};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// What the server saw: the request line and the JSON body (Null when there was none).
struct Seen {
    request_line: String,
    body: Value,
}

/// A server that answers one request with `reply` (200, JSON) and reports what it received.
async fn one_reply(reply: Value) -> (DotsClient, JoinHandle<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            let n = socket.read(&mut chunk).await.unwrap();
            assert!(n > 0, "connection closed before the request was whole");
            buf.extend_from_slice(&chunk[..n]);
            if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break p + 4;
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        let length: usize = head
            .lines()
            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
            .unwrap_or(0);
        while buf.len() < head_end + length {
            let n = socket.read(&mut chunk).await.unwrap();
            assert!(n > 0, "connection closed before the body was whole");
            buf.extend_from_slice(&chunk[..n]);
        }
        let body = &buf[head_end..head_end + length];
        let text = reply.to_string();
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
            text.len()
        );
        socket.write_all(response.as_bytes()).await.unwrap();
        socket.shutdown().await.ok();
        Seen {
            request_line: head.lines().next().unwrap_or_default().to_string(),
            body: if body.is_empty() { Value::Null } else { serde_json::from_slice(body).unwrap() },
        }
    });
    let mut config = ClientConfig::new(&format!("http://{addr}/api"), "cid", "sk_test_key").unwrap();
    config.timeout = Duration::from_secs(10);
    (DotsClient::new(config).unwrap(), task)
}

/// A client whose base URL nothing listens on: anything it sends fails with a network error.
fn unreachable_client() -> DotsClient {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut config = ClientConfig::new(&format!("http://127.0.0.1:{port}/api"), "cid", "sk_test_key").unwrap();
    config.timeout = Duration::from_secs(5);
    DotsClient::new(config).unwrap()
}

fn flow_reply(link: &str) -> Value {
    json!({"id": "3d6a2c8e-1b7f-4a5e-9c0d-2e4f6a8b0c1d", "created": "2024-07-11T21:10:30.846081", "user_id": null,
           "steps": ["payout", "redirect"], "completed_steps": [], "link": link, "metadata": null, "payout_link_id": null})
}

fn link_reply(link: &str, status: &str) -> Value {
    json!({"id": "5f2b1c3d-0000-4000-8000-00000000000a", "link": link, "amount": 2500, "status": status})
}

#[tokio::test]
async fn a_flow_goes_out_trimmed_lowercased_and_canonical() {
    let (client, seen) = one_reply(flow_reply("https://pls.senddotssandbox.com/flow/3d6a")).await;
    let mut req = FlowRequest::new(vec![
        Step::new(StepName::Payout),
        Step { redirect_url: Some(" https://x.com\n".into()), ..Step::new(StepName::Redirect) },
    ]);
    req.user_id = Some(" {0B0C5E8F-6B3A-4D2E-9A77-3F1C2D4E5F60} ".into());
    client.create_flow(&req).await.unwrap();
    let seen = seen.await.unwrap();
    assert!(seen.request_line.starts_with("POST /api/v2/flows "), "{}", seen.request_line);
    assert_eq!(
        seen.body,
        json!({"steps": ["payout", {"name": "redirect", "redirect_url": "https://x.com"}],
               "user_id": "0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60"})
    );

    let (client, seen) = one_reply(flow_reply("https://pls.senddotssandbox.com/flow/3d6a")).await;
    let req = FlowRequest::new(vec![Step { redirect_url: Some("HTTPS://X.COM".into()), ..Step::new(StepName::Redirect) }]);
    client.create_flow(&req).await.unwrap();
    assert_eq!(seen.await.unwrap().body["steps"][0]["redirect_url"], "https://x.com");
}

#[tokio::test]
async fn a_flow_dots_would_refuse_is_not_sent() {
    let client = unreachable_client();
    let req = FlowRequest::new(vec![Step { redirect_url: Some("https://acme.digital/done".into()), ..Step::new(StepName::Redirect) }]);
    match client.create_flow(&req).await {
        Err(DotsError::Invalid(v)) => {
            assert_eq!(v[0].field, "redirect_url");
            assert!(v[0].message.contains("redirect_url: Dots accepts only hosts whose last label") && v[0].message.contains("(its API's rule)"), "{}", v[0].message);
        }
        other => panic!("expected a refusal before sending, got {other:?}"),
    }
}

#[tokio::test]
async fn money_requests_go_out_normalised() {
    let (client, seen) = one_reply(json!({"id": "t1", "amount": -2500, "user_id": "8d0c2a76-0000-4000-8000-000000000001"})).await;
    let transfer = NewTransfer {
        amount: -2500,
        user_id: "\t8D0C2A76000040008000000000000001 ".into(),
        idempotency_key: "{5F2B1C3D-0000-4000-8000-00000000000A}".into(),
        metadata: json!({"flowdesk_intent_id": "fi_1"}),
    };
    client.create_transfer(&transfer).await.unwrap();
    let seen = seen.await.unwrap();
    assert!(seen.request_line.starts_with("POST /api/v2/transfers "));
    assert_eq!(
        seen.body,
        json!({"amount": -2500, "user_id": "8d0c2a76-0000-4000-8000-000000000001",
               "idempotency_key": "5f2b1c3d-0000-4000-8000-00000000000a", "metadata": {"flowdesk_intent_id": "fi_1"}})
    );

    let (client, seen) = one_reply(link_reply("https://pls.senddotssandbox.com/payout-link/5f2b", "created")).await;
    let link = NewPayoutLink {
        amount: 2500,
        user_id: Some(" urn:uuid:8d0c2a76-0000-4000-8000-000000000001".into()),
        payee: Some(Payee { email: Some(" ada@example.com ".into()), phone_number: Some(" ".into()), ..Default::default() }),
        delivery: Delivery { method: DeliveryMethod::Email, message: Some("  Your payout \n".into()) },
        memo: Some(" Thanks! ".into()),
        description: None,
        metadata: json!({"flowdesk_intent_id": "fi_2"}),
        idempotency_key: "5f2b1c3d-0000-4000-8000-00000000000a".into(),
    };
    client.create_payout_link(&link).await.unwrap();
    assert_eq!(
        seen.await.unwrap().body,
        json!({"amount": 2500, "user_id": "8d0c2a76-0000-4000-8000-000000000001", "payee": {"email": "ada@example.com"},
               "delivery": {"method": "email", "message": "Your payout"}, "memo": "Thanks!",
               "metadata": {"flowdesk_intent_id": "fi_2"}, "idempotency_key": "5f2b1c3d-0000-4000-8000-00000000000a"})
    );
}

#[tokio::test]
async fn money_requests_dots_would_refuse_are_not_sent() {
    let client = unreachable_client();
    let transfer = NewTransfer { amount: -5, user_id: "bob@example.com".into(), idempotency_key: "k1".into(), metadata: Value::Null };
    match client.create_transfer(&transfer).await {
        Err(DotsError::Invalid(v)) => assert_eq!(v.iter().map(|v| v.field.as_str()).collect::<Vec<_>>(), vec!["user_id", "idempotency_key"]),
        other => panic!("expected a refusal before sending, got {other:?}"),
    }
    let link = NewPayoutLink {
        amount: 5,
        user_id: None,
        payee: None,
        delivery: Delivery { method: DeliveryMethod::Link, message: None },
        memo: None,
        description: None,
        metadata: json!([1, 2]),
        idempotency_key: "5f2b1c3d-0000-4000-8000-00000000000a".into(),
    };
    let err = client.create_payout_link(&link).await.unwrap_err();
    assert!(matches!(err, DotsError::Invalid(_)), "{err:?}");
    assert!(err.to_string().starts_with("The request is not ready to send: metadata: Dots accepts only"), "{err}");
}

#[tokio::test]
async fn list_limits_and_cursors_go_out_as_dots_takes_them() {
    let (client, seen) = one_reply(json!({"data": [], "has_more": false})).await;
    let params = ListParams { limit: Some(1000), starting_after: Some(" 3D6A2C8E1B7F4A5E9C0D2E4F6A8B0C1D ".into()), ending_before: None };
    client.list_flows(&params).await.unwrap();
    let line = seen.await.unwrap().request_line;
    assert!(line.starts_with("GET /api/v2/flows?limit=100&starting_after=3d6a2c8e-1b7f-4a5e-9c0d-2e4f6a8b0c1d "), "{line}");
}

#[tokio::test]
async fn a_reply_whose_link_is_not_http_is_a_decode_error() {
    for bad in ["javascript:alert(document.cookie)", "file:///etc/passwd"] {
        let (client, _seen) = one_reply(flow_reply(bad)).await;
        let err = client.get_flow("3d6a2c8e-1b7f-4a5e-9c0d-2e4f6a8b0c1d").await.unwrap_err();
        assert!(matches!(&err, DotsError::Decode(m) if m.contains("is not an http(s) URL")), "{bad}: {err:?}");

        let (client, _seen) = one_reply(link_reply(bad, "created")).await;
        let err = client.get_payout_link("5f2b1c3d-0000-4000-8000-00000000000a").await.unwrap_err();
        assert!(matches!(&err, DotsError::Decode(m) if m.contains("is not an http(s) URL")), "{bad}: {err:?}");
    }
    let (client, _seen) = one_reply(link_reply("https://pls.senddotssandbox.com/payout-link/5f2b", "funds_pending")).await;
    let link = client.get_payout_link("5f2b1c3d-0000-4000-8000-00000000000a").await.unwrap();
    assert_eq!(link.status, PayoutLinkStatus::FundsPending);
}

#[tokio::test]
async fn an_unfunded_payout_link_from_the_sandbox_is_funds_pending() {
    let sb = common::sandbox().await;
    let client = common::client(&sb);
    sb.set_app_balance_cents(0);
    let link = NewPayoutLink {
        amount: 2500,
        user_id: None,
        payee: None,
        delivery: Delivery { method: DeliveryMethod::Link, message: None },
        memo: None,
        description: None,
        metadata: json!({"flowdesk_intent_id": "fi_3"}),
        idempotency_key: uuid::Uuid::new_v4().to_string(),
    };
    let created = client.create_payout_link(&link).await.unwrap();
    assert_eq!(created.status, PayoutLinkStatus::FundsPending);
    assert!(!created.status.is_final());
    assert_eq!(client.get_payout_link(&created.id).await.unwrap().status, PayoutLinkStatus::FundsPending);
}
