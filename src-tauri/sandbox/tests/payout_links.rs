//! `/v2/payout-links`: reservation, idempotent replays, 202 while unfunded, cancel, redeliver.

mod common;

use common::*;
use flowdesk_sandbox::DEFAULT_APP_BALANCE_CENTS;
use serde_json::json;

#[tokio::test]
async fn create_reserves_and_a_replayed_key_returns_the_same_link() {
    let sb = sandbox().await;
    let http = client();
    let key = uuid::Uuid::new_v4().to_string();
    let body = json!({"amount": 2500, "payee": {"first_name": "Ana", "email": "ana@example.com"},
                      "delivery": {"method": "email", "message": "Thanks!"}, "memo": "Refund T-7",
                      "description": "internal", "metadata": {"flowdesk_intent_id": "fi_9"}, "idempotency_key": key});
    let (s, link) = create_link(&http, &sb, body.clone()).await;
    assert_eq!(s, 201, "{link:#}");
    let id = id_of(&link);
    assert_eq!(link["link"], format!("{}/payout-link/{id}", sb.origin()));
    assert_eq!(link["amount"], 2500);
    assert_eq!(link["status"], "delivered");
    assert_eq!(link["delivery"]["method"], "email");
    assert_eq!(link["delivery"]["email"], "ana@example.com");
    assert_eq!(
        link["payee"],
        json!({"first_name": "Ana", "email": "ana@example.com"})
    );
    assert_eq!(link["memo"], "Refund T-7");
    assert_eq!(link["metadata"], json!({"flowdesk_intent_id": "fi_9"}));
    assert_eq!(sb.app_balance_cents(), DEFAULT_APP_BALANCE_CENTS - 2500);

    let (s, again) = create_link(&http, &sb, body).await;
    assert_eq!((s, &again), (201, &link));
    // The key wins even over a different body: Dots returns the existing link.
    let (_, other) = create_link(&http, &sb, json!({"amount": 1, "idempotency_key": key})).await;
    assert_eq!(other["id"], id);
    assert_eq!(
        sb.app_balance_cents(),
        DEFAULT_APP_BALANCE_CENTS - 2500,
        "reserved once"
    );
    assert_eq!(sb.payout_link_count(), 1);

    let (s, got) = call(get_api(&http, &sb, &format!("/v2/payout-links/{id}"))).await;
    assert_eq!((s, &got), (200, &link));
    assert_eq!(sb.payout_link(&id), Some(link));
    assert_get_error(&http, &sb, "/v2/payout-links/x", 404, "not_found").await;
}

#[tokio::test]
async fn validation() {
    let sb = sandbox().await;
    let http = client();
    for (body, code) in [
        (
            json!({"amount": 100, "payout_method": "paypal"}),
            "unknown_field",
        ),
        (json!({"amount": 0}), "invalid_amount"),
        (json!({"amount": -100}), "invalid_amount"),
        (json!({"amount": 1.25}), "invalid_amount"),
        (json!({"amount": "100"}), "invalid_amount"),
        (json!({"amount": 1_000_000_001_i64}), "invalid_amount"),
        (json!({"payee": {}}), "missing_field"),
        (
            json!({"amount": 100, "delivery": {"method": "sms"}, "payee": {"phone_number": "4155550100"}}),
            "invalid_delivery",
        ),
        (
            json!({"amount": 100, "delivery": {"method": "email"}, "payee": {"phone_number": "1"}}),
            "invalid_delivery",
        ),
        (
            json!({"amount": 100, "delivery": {"method": "pigeon"}}),
            "invalid_enum",
        ),
        (json!({"amount": 100, "user_id": "me"}), "invalid_uuid"),
        (
            json!({"amount": 100, "idempotency_key": "k"}),
            "invalid_uuid",
        ),
        (json!({"amount": 100, "metadata": null}), "invalid_metadata"),
        (json!({"amount": 100, "memo": 5}), "invalid_string"),
    ] {
        assert_error(&create_link(&http, &sb, body.clone()).await, 400, code);
    }
    assert_error(
        &create_link(
            &http,
            &sb,
            json!({"amount": 100, "user_id": uuid::Uuid::new_v4()}),
        )
        .await,
        404,
        "not_found",
    );
    assert_eq!(
        call(post_raw(
            &http,
            &sb,
            "/v2/payout-links",
            "{\"amount\": 1e999}"
        ))
        .await
        .0,
        400
    );
    assert_eq!(
        (sb.payout_link_count(), sb.app_balance_cents()),
        (0, DEFAULT_APP_BALANCE_CENTS)
    );
    // sms with a phone is fine.
    let (s, l) = create_link(&http, &sb, json!({"amount": 100, "delivery": {"method": "sms"}, "payee": {"country_code": "1", "phone_number": "4155550100"}})).await;
    assert_eq!(
        (
            s,
            l["status"].as_str(),
            l["delivery"]["phone_number"].as_str()
        ),
        (201, Some("delivered"), Some("4155550100"))
    );
}

#[tokio::test]
async fn unfunded_links_are_202_and_reserve_nothing() {
    let sb = sandbox().await;
    let http = client();
    sb.set_app_balance_cents(1000);
    let (s, link) = create_link(&http, &sb, json!({"amount": 1500})).await;
    assert_eq!(s, 202, "{link:#}");
    // The status the spec's 202 names, although its status enum omits it.
    assert_eq!(link["status"], "funds_pending");
    assert_eq!(sb.app_balance_cents(), 1000);
    // Still pending when read back, and after a redelivery.
    let id = link["id"].as_str().unwrap();
    let (_, got) = call(get_api(&http, &sb, &format!("/v2/payout-links/{id}"))).await;
    assert_eq!(got["status"], "funds_pending");
    let (s, sms) = create_link(&http, &sb, json!({"amount": 1500, "delivery": {"method": "sms"}, "payee": {"country_code": "1", "phone_number": "4155550100"}})).await;
    assert_eq!((s, sms["status"].as_str()), (202, Some("funds_pending")));
    let (_, again) = call(post_api(&http, &sb, &format!("/v2/payout-links/{}/redeliver", id_of(&sms)), &json!({}))).await;
    assert_eq!(again["payout_link"]["status"], "funds_pending");
    // Canceling an unfunded link returns nothing (nothing was reserved).
    let id = link["id"].as_str().unwrap();
    let (s, c) = call(delete_api(&http, &sb, &format!("/v2/payout-links/{id}"))).await;
    assert_eq!((s, c["status"].as_str()), (200, Some("canceled")));
    assert_eq!(sb.app_balance_cents(), 1000);
    // ACH-funded links do not touch the Dots balance.
    let (s, ach) = create_link(&http, &sb, json!({"amount": 5000, "funding_source": "ach"})).await;
    assert_eq!((s, ach["funding_source"].as_str()), (201, Some("ach")));
    assert_eq!(sb.app_balance_cents(), 1000);
}

#[tokio::test]
async fn cancel_returns_the_money_once_and_claimed_links_cannot_be_canceled() {
    let sb = sandbox().await;
    let http = client();
    let (_, link) = create_link(&http, &sb, json!({"amount": 700})).await;
    let id = id_of(&link);
    assert_eq!(link["status"], "created");
    assert_eq!(sb.app_balance_cents(), DEFAULT_APP_BALANCE_CENTS - 700);
    for _ in 0..2 {
        let (s, c) = call(delete_api(&http, &sb, &format!("/v2/payout-links/{id}"))).await;
        assert_eq!((s, c["status"].as_str()), (200, Some("canceled")));
        assert_eq!(
            sb.app_balance_cents(),
            DEFAULT_APP_BALANCE_CENTS,
            "returned exactly once"
        );
    }
    let (_, r) = call(post_api(
        &http,
        &sb,
        &format!("/v2/payout-links/{id}/redeliver"),
        &json!({}),
    ))
    .await;
    assert_eq!(r["redelivered"], false);

    let (_, claimed) = create_link(&http, &sb, json!({"amount": 300})).await;
    let cid = id_of(&claimed);
    let resp = press(&http, &claimed, "/claim").await;
    assert_eq!(resp.status(), 303);
    assert_error(
        &call(delete_api(&http, &sb, &format!("/v2/payout-links/{cid}"))).await,
        400,
        "payout_link_claimed",
    );
    assert_eq!(sb.payout_link(&cid).unwrap()["status"], "claimed");
    assert_error(
        &call(delete_api(
            &http,
            &sb,
            &format!("/v2/payout-links/{}", uuid::Uuid::new_v4()),
        ))
        .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn redeliver_up_to_five_times() {
    let sb = sandbox().await;
    let http = client();
    let (_, link) = create_link(
        &http,
        &sb,
        json!({"amount": 100, "delivery": {"method": "email"}, "payee": {"email": "a@b.co"}}),
    )
    .await;
    let id = link["id"].as_str().unwrap();
    let path = format!("/v2/payout-links/{id}/redeliver");
    // The first delivery counts: four more are allowed.
    for _ in 0..4 {
        let (s, r) = call(post_api(&http, &sb, &path, &json!({}))).await;
        assert_eq!((s, &r["redelivered"]), (200, &json!(true)), "{r:#}");
        assert_eq!(r["payout_link"]["id"], id);
    }
    let (s, r) = call(post_api(&http, &sb, &path, &json!({}))).await;
    assert_eq!((s, &r["redelivered"]), (200, &json!(false)));
    assert_error(
        &call(post_api(
            &http,
            &sb,
            "/v2/payout-links/nope/redeliver",
            &json!({}),
        ))
        .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn list_pages_newest_first() {
    let sb = sandbox().await;
    let http = client();
    let mut made = Vec::new();
    for amount in [1, 2, 3] {
        let (_, l) = create_link(&http, &sb, json!({"amount": amount})).await;
        made.push(id_of(&l));
    }
    made.reverse();
    let (_, p) = call(get_api(&http, &sb, "/v2/payout-links?limit=2")).await;
    assert_eq!(
        (ids(&p), p["has_more"].as_bool()),
        (made[0..2].to_vec(), Some(true))
    );
    let after = format!("/v2/payout-links?starting_after={}", made[1]);
    let (_, p) = call(get_api(&http, &sb, &after)).await;
    assert_eq!(p["data"][0]["id"], made[2]);
    assert_eq!(p["has_more"], false);
    assert_get_error(
        &http,
        &sb,
        "/v2/payout-links?limit=abc",
        400,
        "invalid_limit",
    )
    .await;
}
