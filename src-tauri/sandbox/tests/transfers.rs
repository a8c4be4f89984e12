//! `/v2/transfers`: money moves exactly once, or not at all.

mod common;

use common::*;
use flowdesk_sandbox::DEFAULT_APP_BALANCE_CENTS;
use serde_json::{json, Value};

use common::create_transfer as transfer;

#[tokio::test]
async fn negative_pays_the_user_positive_debits_them() {
    let sb = sandbox().await;
    let http = client();
    let user = seed_with(&sb, 0);
    let (s, t) = transfer(
        &http,
        &sb,
        json!({"amount": -1000, "user_id": user, "metadata": {"flowdesk_intent_id": "fi_1"}}),
    )
    .await;
    assert_eq!(s, 200, "{t:#}");
    assert_eq!(
        (
            t["type"].as_str(),
            t["status"].as_str(),
            t["amount"].as_i64()
        ),
        (Some("balance"), Some("completed"), Some(-1000))
    );
    assert_eq!(t["user_id"], user);
    assert_eq!(t["metadata"], json!({"flowdesk_intent_id": "fi_1"}));
    assert!(t.get("payout_link_id").is_none());
    assert_eq!(sb.wallet_cents(&user), Some(1000));
    assert_eq!(sb.app_balance_cents(), DEFAULT_APP_BALANCE_CENTS - 1000);
    let u = sb.user(&user).unwrap();
    assert_eq!(u["wallet"]["withdrawable_amount"], 1000);

    let (s, got) = call(get_api(&http, &sb, &format!("/v2/transfers/{}", id_of(&t)))).await;
    assert_eq!((s, &got), (200, &t));

    let (s, d) = transfer(&http, &sb, json!({"amount": 400, "user_id": user})).await;
    assert_eq!(s, 200, "{d:#}");
    assert_eq!(sb.wallet_cents(&user), Some(600));
    assert_eq!(sb.app_balance_cents(), DEFAULT_APP_BALANCE_CENTS - 600);

    // More than the wallet holds: refused, nothing moves.
    assert_error(
        &transfer(&http, &sb, json!({"amount": 601, "user_id": user})).await,
        400,
        "insufficient_funds",
    );
    assert_eq!(sb.wallet_cents(&user), Some(600));
    assert_eq!(sb.transfer_count(), 2);
    assert_eq!(sb.transfers_for(&user).len(), 2);
}

#[tokio::test]
async fn app_balance_limits_and_control() {
    let sb = sandbox().await;
    let http = client();
    let user = seed_with(&sb, 0);
    let resp = control(&http, &sb, "/app-balance", json!({"cents": 500})).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(sb.app_balance_cents(), 500);
    assert_error(
        &transfer(&http, &sb, json!({"amount": -501, "user_id": user})).await,
        400,
        "insufficient_funds",
    );
    assert_eq!(
        (
            sb.wallet_cents(&user),
            sb.app_balance_cents(),
            sb.transfer_count()
        ),
        (Some(0), 500, 0)
    );
    assert_eq!(
        transfer(&http, &sb, json!({"amount": -500, "user_id": user}))
            .await
            .0,
        200
    );
    assert_eq!(
        (sb.wallet_cents(&user), sb.app_balance_cents()),
        (Some(500), 0)
    );
    let got = control_get(&http, &sb, "/app-balance").await;
    assert_eq!(got["app_balance_cents"], 0);
    assert_eq!(
        control(&http, &sb, "/app-balance", json!({"cents": -1}))
            .await
            .status(),
        400
    );
    assert_eq!(
        control(&http, &sb, "/app-balance", json!({"cents": "5"}))
            .await
            .status(),
        400
    );
    sb.set_app_balance_cents(42);
    assert_eq!(sb.app_balance_cents(), 42);
    sb.reset();
    assert_eq!(
        (sb.app_balance_cents(), sb.transfer_count(), sb.user_count()),
        (DEFAULT_APP_BALANCE_CENTS, 0, 0)
    );
}

#[tokio::test]
async fn a_reused_idempotency_key_is_rejected_and_moves_nothing() {
    let sb = sandbox().await;
    let http = client();
    let user = seed_with(&sb, 0);
    let key = uuid::Uuid::new_v4().to_string();
    let body = json!({"amount": -250, "user_id": user, "idempotency_key": key});
    let (s, first) = transfer(&http, &sb, body.clone()).await;
    assert_eq!(s, 200, "{first:#}");
    let again = transfer(&http, &sb, body).await;
    assert_error(&again, 409, "idempotency_key_reused");
    assert!(again.1["message"].as_str().unwrap().contains(&key));
    // Even with another amount or user.
    let other = seed_with(&sb, 0);
    assert_error(
        &transfer(
            &http,
            &sb,
            json!({"amount": -1, "user_id": other, "idempotency_key": key}),
        )
        .await,
        409,
        "idempotency_key_reused",
    );
    assert_eq!(
        (
            sb.wallet_cents(&user),
            sb.wallet_cents(&other),
            sb.transfer_count()
        ),
        (Some(250), Some(0), 1)
    );
    // A null key is no key.
    assert_eq!(
        transfer(
            &http,
            &sb,
            json!({"amount": -1, "user_id": user, "idempotency_key": null})
        )
        .await
        .0,
        200
    );
    assert_error(
        &transfer(
            &http,
            &sb,
            json!({"amount": -1, "user_id": user, "idempotency_key": "abc"}),
        )
        .await,
        400,
        "invalid_uuid",
    );
}

#[tokio::test]
async fn bad_bodies_are_400_and_never_panic() {
    let sb = sandbox().await;
    let http = client();
    let user = seed_with(&sb, 100);
    for (amount, code) in [
        (json!(0), "invalid_amount"),
        (json!(10.5), "invalid_amount"),
        (json!(-10.0), "invalid_amount"),
        (json!("-100"), "invalid_amount"),
        (json!(null), "invalid_amount"),
        (json!(true), "invalid_amount"),
        (json!(u64::MAX), "invalid_amount"),
        (json!(i64::MIN), "invalid_amount"),
        (json!(-1_000_000_001), "invalid_amount"),
    ] {
        assert_error(
            &transfer(&http, &sb, json!({"amount": amount, "user_id": user})).await,
            400,
            code,
        );
    }
    for raw in [
        r#"{"amount": -1e400, "user_id": "x"}"#,
        r#"{"amount": 123456789012345678901234567890, "user_id": "x"}"#,
        r#"{"amount": -5"#,
        "",
        "null",
    ] {
        let got = call(post_raw(&http, &sb, "/v2/transfers", raw)).await;
        assert_eq!(got.0, 400, "{raw}: {:#}", got.1);
    }
    for (body, status, code) in [
        (json!({"user_id": user}), 400, "missing_field"),
        (json!({"amount": -5}), 400, "missing_field"),
        (
            json!({"amount": -5, "user_id": "nope"}),
            400,
            "invalid_uuid",
        ),
        (
            json!({"amount": -5, "user_id": user, "metadata": 7}),
            400,
            "invalid_metadata",
        ),
        (
            json!({"amount": -5, "user_id": user, "tax_exempt": "yes"}),
            400,
            "invalid_boolean",
        ),
        (
            json!({"amount": -5, "user_id": uuid::Uuid::new_v4()}),
            404,
            "not_found",
        ),
    ] {
        assert_error(&transfer(&http, &sb, body).await, status, code);
    }
    let disabled = sb
        .seed_user(flowdesk_sandbox::SeedUser {
            status: Some("disabled".into()),
            ..Default::default()
        })
        .unwrap();
    assert_error(
        &transfer(&http, &sb, json!({"amount": -5, "user_id": disabled["id"]})).await,
        400,
        "user_disabled",
    );
    assert_eq!(
        (sb.transfer_count(), sb.wallet_cents(&user)),
        (0, Some(100))
    );
    let unknown = format!("/v2/transfers/{}", uuid::Uuid::new_v4());
    assert_get_error(&http, &sb, "/v2/transfers/nope", 404, "not_found").await;
    assert_get_error(&http, &sb, &unknown, 404, "not_found").await;
}

#[tokio::test]
async fn list_filters_and_cursors() {
    let sb = sandbox().await;
    let http = client();
    let (a, b) = (seed_with(&sb, 0), seed_with(&sb, 0));
    let mut made = Vec::new(); // oldest first
    for (user, amount) in [(&a, -100), (&b, -200), (&a, -300), (&a, 50), (&b, -400)] {
        let (_, t) = transfer(&http, &sb, json!({"amount": amount, "user_id": user, "metadata": {"flowdesk_intent_id": format!("fi_{amount}")}})).await;
        made.push(id_of(&t));
    }
    let newest: Vec<String> = made.iter().rev().cloned().collect();
    let list = |q: String| {
        let http = http.clone();
        let sb = &sb;
        async move {
            let (s, v) = call(get_api(&http, sb, &format!("/v2/transfers{q}"))).await;
            assert_eq!(s, 200, "{q}: {v:#}");
            v
        }
    };
    let all = list(String::new()).await;
    assert_eq!(
        (ids(&all), all["has_more"].as_bool()),
        (newest.clone(), Some(false))
    );
    assert_eq!(ids(&list("?reverse_order=true".into()).await), made);
    assert_eq!(ids(&list("?reverse_order=false".into()).await), newest);
    let only_a = list(format!("?user_id={a}")).await;
    assert_eq!(
        ids(&only_a),
        vec![made[3].clone(), made[2].clone(), made[0].clone()]
    );
    // The app finds its transfer by the metadata it put there.
    let found: Vec<&Value> = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["metadata"]["flowdesk_intent_id"] == "fi_-300")
        .collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["id"], made[2]);

    let p1 = list(format!("?user_id={a}&limit=2")).await;
    assert_eq!(
        (ids(&p1), p1["has_more"].as_bool()),
        (vec![made[3].clone(), made[2].clone()], Some(true))
    );
    let p2 = list(format!("?user_id={a}&limit=2&starting_after={}", made[2])).await;
    assert_eq!(
        (ids(&p2), p2["has_more"].as_bool()),
        (vec![made[0].clone()], Some(false))
    );
    let back = list(format!("?limit=2&ending_before={}", made[1])).await;
    assert_eq!(
        (ids(&back), back["has_more"].as_bool()),
        (vec![made[3].clone(), made[2].clone()], Some(true))
    );
    let asc = list(format!(
        "?reverse_order=true&limit=2&starting_after={}",
        made[1]
    ))
    .await;
    assert_eq!(ids(&asc), vec![made[2].clone(), made[3].clone()]);

    assert_eq!(
        ids(&list("?type=balance&status=completed".into()).await).len(),
        5
    );
    assert!(ids(&list("?type=payout".into()).await).is_empty());
    assert!(ids(&list("?status=pending".into()).await).is_empty());
    assert_eq!(
        ids(
            &list("?start_date=2000-01-01T00:00:00Z&end_date=2999-01-01T00:00:00%2B02:00".into())
                .await
        )
        .len(),
        5
    );
    assert!(ids(&list("?start_date=2999-01-01T00:00:00Z".into()).await).is_empty());
    assert!(ids(&list("?end_date=2000-01-01T00:00:00Z".into()).await).is_empty());
    for (q, code) in [
        ("?limit=101", "invalid_limit"),
        ("?reverse_order=1", "invalid_boolean"),
        ("?user_id=me", "invalid_uuid"),
        ("?start_date=yesterday", "invalid_date"),
        ("?starting_after=zzz", "invalid_cursor"),
    ] {
        assert_get_error(&http, &sb, &format!("/v2/transfers{q}"), 400, code).await;
    }
}
