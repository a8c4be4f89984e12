//! `/v2/users` over loopback HTTP, plus the user seeding controls.

mod common;

use common::*;
use flowdesk_sandbox::SeedUser;
use serde_json::{json, Value};

fn bob() -> Value {
    json!({"first_name": "Bob", "last_name": "Loblaw", "email": "bob@bobloblaw.com",
           "country_code": "1", "phone_number": "4154332334", "metadata": {"internal_id": "user_121344"}})
}

#[tokio::test]
async fn create_then_get() {
    let sb = sandbox().await;
    let http = client();
    let (s, u) = call(post_api(&http, &sb, "/v2/users", &bob())).await;
    assert_eq!(s, 201, "{u:#}");
    let id = id_of(&u);
    let id = id.as_str();
    assert_eq!(u["first_name"], "Bob");
    assert_eq!(u["email"], "bob@bobloblaw.com");
    assert_eq!(
        u["phone_number"],
        json!({"country_code": "1", "phone_number": "4154332334"})
    );
    assert_eq!(
        u["wallet"],
        json!({"amount": 0, "withdrawable_amount": 0, "credit_balance": 0})
    );
    assert_eq!(u["status"], "unverified");
    assert_eq!(u["compliance"]["tax_id_verification"], "unsubmitted");
    assert_eq!(u["compliance"]["id_verified"], false);
    assert_eq!(u["compliance"]["has_criminal_activity"], false);
    assert!(u["compliance"].get("background_check").is_none());
    assert_eq!(u["metadata"], json!({"internal_id": "user_121344"}));

    let (s, got) = call(get_api(&http, &sb, &format!("/v2/users/{id}"))).await;
    assert_eq!((s, &got), (200, &u));
    assert_eq!(sb.user(id), Some(u));
    assert_eq!(sb.wallet_cents(id), Some(0));

    let unknown = format!("/v2/users/{}", uuid::Uuid::new_v4());
    assert_get_error(&http, &sb, &unknown, 404, "not_found").await;
    assert_get_error(&http, &sb, "/v2/users/not-a-uuid", 404, "not_found").await;
    let (s, pm) = call(get_api(
        &http,
        &sb,
        &format!("/v2/users/{id}/payout-methods"),
    ))
    .await;
    assert_eq!((s, pm), (200, json!([])));
}

#[tokio::test]
async fn create_validation() {
    let sb = sandbox().await;
    let http = client();
    for (field, value, code) in [
        ("first_name", Value::Null, "missing_field"),
        ("last_name", json!(""), "invalid_string"),
        ("email", json!("bob"), "invalid_email"),
        ("email", json!(5), "invalid_string"),
        ("country_code", json!("+1"), "invalid_phone_number"),
        ("phone_number", json!("415 433"), "invalid_phone_number"),
        ("metadata", json!([1]), "invalid_metadata"),
        ("date_of_birth", json!("yesterday"), "invalid_date"),
    ] {
        let mut body = bob();
        if value.is_null() {
            body.as_object_mut().unwrap().remove(field);
        } else {
            body[field] = value;
        }
        assert_error(
            &call(post_api(&http, &sb, "/v2/users", &body)).await,
            400,
            code,
        );
    }
    assert_error(
        &call(post_raw(&http, &sb, "/v2/users", "{\"first_name\":")).await,
        400,
        "invalid_json",
    );
    assert_error(
        &call(post_raw(&http, &sb, "/v2/users", "[]")).await,
        400,
        "invalid_body",
    );
    assert_eq!(sb.user_count(), 0);
}

#[tokio::test]
async fn list_pages_and_filters_by_status() {
    let sb = sandbox().await;
    let http = client();
    let mut ids = Vec::new();
    for status in ["verified", "unverified", "verified", "disabled", "verified"] {
        let u = sb
            .seed_user(SeedUser {
                status: Some(status.into()),
                ..Default::default()
            })
            .unwrap();
        ids.push(id_of(&u));
    }
    ids.reverse(); // newest first
    let page = |q: String| {
        let http = http.clone();
        let sb = &sb;
        async move {
            let (s, v) = call(get_api(&http, sb, &format!("/v2/users{q}"))).await;
            assert_eq!(s, 200, "{v:#}");
            (common::ids(&v), v["has_more"].as_bool().unwrap())
        }
    };
    assert_eq!(page(String::new()).await, (ids.clone(), false));
    assert_eq!(page("?limit=2".into()).await, (ids[0..2].to_vec(), true));
    assert_eq!(
        page(format!("?limit=2&starting_after={}", ids[1])).await,
        (ids[2..4].to_vec(), true)
    );
    assert_eq!(
        page(format!("?limit=2&ending_before={}", ids[4])).await,
        (ids[2..4].to_vec(), true)
    );
    // verified are ids[0], ids[2], ids[4]
    assert_eq!(
        page("?status=verified".into()).await,
        (vec![ids[0].clone(), ids[2].clone(), ids[4].clone()], false)
    );
    assert_eq!(
        page("?status=verified&limit=1".into()).await,
        (vec![ids[0].clone()], true)
    );
    assert_eq!(
        page(format!(
            "?status=verified&limit=1&starting_after={}",
            ids[0]
        ))
        .await,
        (vec![ids[2].clone()], true)
    );
    assert_eq!(page("?status=in_review".into()).await, (vec![], false));
    let unknown_cursor = format!("/v2/users?starting_after={}", uuid::Uuid::new_v4());
    for (path, code) in [
        ("/v2/users?status=Verified", "invalid_enum"),
        ("/v2/users?limit=0", "invalid_limit"),
        (unknown_cursor.as_str(), "invalid_cursor"),
    ] {
        assert_get_error(&http, &sb, path, 400, code).await;
    }
}

#[tokio::test]
async fn seeding_over_http_and_wallet_control() {
    let sb = sandbox().await;
    let http = client();
    let resp = control(
        &http,
        &sb,
        "/users",
        json!({"first_name": "Cam", "last_name": "Ng", "email": "cam@example.com", "country_code": "44",
               "phone_number": "7700900123", "status": "in_review", "has_criminal_activity": true,
               "id_verified": true, "tax_id_verification": "matched", "background_check_status": "consider",
               "wallet_cents": 4321, "default_payout_method": "venmo"}),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let u: Value = resp.json().await.unwrap();
    let id = id_of(&u);
    let id = id.as_str();
    assert_eq!(u["status"], "in_review");
    assert_eq!(u["compliance"]["has_criminal_activity"], true);
    assert_eq!(u["compliance"]["id_verified"], true);
    assert_eq!(u["compliance"]["tax_id_verification"], "matched");
    assert_eq!(u["compliance"]["background_check"]["status"], "consider");
    assert_eq!(u["default_payout_method"], "venmo");
    assert_eq!(u["wallet"]["withdrawable_amount"], 4321);
    let (_, api) = call(get_api(&http, &sb, &format!("/v2/users/{id}"))).await;
    assert_eq!(api, u);
    let (_, pm) = call(get_api(
        &http,
        &sb,
        &format!("/v2/users/{id}/payout-methods"),
    ))
    .await;
    assert_eq!(pm[0]["platform"], "venmo");

    let w = control_get(&http, &sb, &format!("/users/{id}/wallet")).await;
    assert_eq!(
        w["wallet"],
        json!({"amount": 4321, "withdrawable_amount": 4321, "credit_balance": 0})
    );
    let missing = control_req(
        &http,
        &sb,
        reqwest::Method::GET,
        &format!("/users/{}/wallet", uuid::Uuid::new_v4()),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(missing.status(), 404);

    for bad in [
        json!({"status": "banned"}),
        json!({"wallet_cents": -5}),
        json!({"walet_cents": 5}),
        json!({"wallet_cents": 1.5}),
    ] {
        let resp = control(&http, &sb, "/users", bad.clone()).await;
        assert_eq!(resp.status(), 400, "{bad}");
    }
    // A fixed id replaces the user with it.
    let again = sb
        .seed_user(SeedUser {
            id: Some(id.parse().unwrap()),
            wallet_cents: Some(1),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(again["id"], id);
    assert_eq!(sb.wallet_cents(id), Some(1));
    assert_eq!(sb.user_count(), 1);

    let stats = control_get(&http, &sb, "/stats").await;
    assert_eq!(stats["users"], 1);
    control(&http, &sb, "/reset", json!({})).await;
    assert_eq!(sb.user_count(), 0);
    assert!(sb.user(id).is_none());
}
