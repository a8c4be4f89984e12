//! `after_commit` faults on the money routes: the reply is lost but the money moved, exactly
//! once, and the client's retry with the same idempotency key cannot move it again.

mod common;

use common::*;
use flowdesk_sandbox::{Fault, FaultSpec, FaultWhen, DEFAULT_APP_BALANCE_CENTS};
use serde_json::json;

fn after_commit(path: &str, fault: Fault) -> FaultSpec {
    FaultSpec::new(fault, FaultWhen::AfterCommit)
        .method("POST")
        .path_prefix(path)
}

fn status_503() -> Fault {
    Fault::Status {
        status: 503,
        retry_after: None,
        body: None,
    }
}

#[tokio::test]
async fn transfer_commits_once_and_the_retry_is_rejected() {
    let sb = sandbox().await;
    let http = client();
    let user = seed_with(&sb, 0);
    let key = uuid::Uuid::new_v4().to_string();
    let body = json!({"amount": -1500, "user_id": user, "idempotency_key": key, "metadata": {"flowdesk_intent_id": "fi_x"}});

    sb.inject(after_commit("/api/v2/transfers", status_503()));
    let resp = post_api(&http, &sb, "/v2/transfers", &body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 503, "the reply was replaced");
    assert_eq!(sb.wallet_cents(&user), Some(1500), "but the money moved");

    // The client retries with the same key: rejected, nothing moves again.
    assert_error(
        &create_transfer(&http, &sb, body).await,
        409,
        "idempotency_key_reused",
    );
    assert_eq!(sb.wallet_cents(&user), Some(1500));
    assert_eq!(sb.app_balance_cents(), DEFAULT_APP_BALANCE_CENTS - 1500);
    // It can find what happened by its metadata.
    let ts = sb.transfers_for(&user);
    assert_eq!(ts.len(), 1);
    assert_eq!(ts[0]["metadata"]["flowdesk_intent_id"], "fi_x");
}

#[tokio::test]
async fn transfer_with_a_dropped_connection_still_commits_once() {
    let sb = sandbox().await;
    let http = client();
    let user = seed_with(&sb, 0);
    let key = uuid::Uuid::new_v4().to_string();
    let body = json!({"amount": -700, "user_id": user, "idempotency_key": key});
    sb.inject(after_commit("/api/v2/transfers", Fault::Drop));
    assert!(post_api(&http, &sb, "/v2/transfers", &body)
        .send()
        .await
        .is_err());
    assert_error(
        &create_transfer(&http, &sb, body).await,
        409,
        "idempotency_key_reused",
    );
    assert_eq!(
        (sb.wallet_cents(&user), sb.transfer_count()),
        (Some(700), 1)
    );
}

#[tokio::test]
async fn a_before_fault_moves_nothing() {
    let sb = sandbox().await;
    let http = client();
    let user = seed_with(&sb, 0);
    let body = json!({"amount": -10, "user_id": user, "idempotency_key": uuid::Uuid::new_v4()});
    sb.inject(FaultSpec::new(status_503(), FaultWhen::Before).path_prefix("/api/v2/transfers"));
    assert_eq!(
        post_api(&http, &sb, "/v2/transfers", &body)
            .send()
            .await
            .unwrap()
            .status(),
        503
    );
    assert_eq!(sb.transfer_count(), 0);
    // The key was never used, so the retry goes through.
    assert_eq!(create_transfer(&http, &sb, body).await.0, 200);
    assert_eq!(sb.wallet_cents(&user), Some(10));
}

#[tokio::test]
async fn payout_link_commits_once_and_the_retry_returns_the_same_link() {
    let sb = sandbox().await;
    let http = client();
    let key = uuid::Uuid::new_v4().to_string();
    let body = json!({"amount": 4200, "idempotency_key": key});
    for fault in [status_503(), Fault::MalformedJson] {
        sb.inject(after_commit("/api/v2/payout-links", fault));
        let resp = post_api(&http, &sb, "/v2/payout-links", &body)
            .send()
            .await
            .unwrap();
        assert!(resp.status() == 503 || resp.json::<serde_json::Value>().await.is_err());
    }
    assert_eq!(sb.payout_link_count(), 1);
    assert_eq!(
        sb.app_balance_cents(),
        DEFAULT_APP_BALANCE_CENTS - 4200,
        "reserved once"
    );

    let (s, link) = create_link(&http, &sb, body).await;
    assert_eq!(s, 201);
    let (_, list) = call(get_api(&http, &sb, "/v2/payout-links")).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    assert_eq!(list["data"][0]["id"], link["id"]);
    assert_eq!(sb.app_balance_cents(), DEFAULT_APP_BALANCE_CENTS - 4200);

    // Claimed through the page, with the reply to the claim lost? The page is not under /api,
    // so faults never touch it: one claim, one payout.
    press(&http, &link, "/claim").await;
    assert_eq!(sb.transfer_count(), 1);
}

#[tokio::test]
async fn concurrent_retries_with_one_key_move_money_once() {
    let sb = sandbox().await;
    let http = client();
    let user = seed_with(&sb, 0);
    let key = uuid::Uuid::new_v4().to_string();
    let body = json!({"amount": -100, "user_id": user, "idempotency_key": key});
    let sends = (0..8).map(|_| call(post_api(&http, &sb, "/v2/transfers", &body)));
    let mut statuses: Vec<u16> = futures_join(sends).await.into_iter().map(|r| r.0).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 409, 409, 409, 409, 409, 409, 409]);
    assert_eq!(sb.wallet_cents(&user), Some(100));

    let link_key = uuid::Uuid::new_v4().to_string();
    let link_body = json!({"amount": 300, "idempotency_key": link_key});
    let sends = (0..8).map(|_| call(post_api(&http, &sb, "/v2/payout-links", &link_body)));
    let links = futures_join(sends).await;
    assert!(links
        .iter()
        .all(|(s, l)| *s == 201 && l["id"] == links[0].1["id"]));
    assert_eq!(sb.payout_link_count(), 1);
    assert_eq!(
        sb.app_balance_cents(),
        DEFAULT_APP_BALANCE_CENTS - 100 - 300
    );
}

/// Runs the futures concurrently on spawned tasks (no extra dependency for `join_all`).
async fn futures_join<F>(futs: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}
