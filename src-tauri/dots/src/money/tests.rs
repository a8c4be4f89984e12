use serde_json::json;

use super::*;

#[test]
fn a_user_reads_leniently_with_money_in_cents() {
    let user: User = serde_json::from_value(json!({
        "id": "8d0c2a76-0000-4000-8000-000000000001",
        "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
        "phone_number": {"country_code": "1", "phone_number": "4155550100"},
        "status": "verified",
        "wallet": {"amount": 12345, "withdrawable_amount": 12000.0},
        "compliance": {"has_criminal_activity": true, "background_check": {"status": "consider"}},
        "some_new_field": [1, 2]
    }))
    .unwrap();
    assert_eq!(user.display_name(), "Ada Lovelace");
    let wallet = user.wallet.unwrap();
    assert_eq!((wallet.amount, wallet.withdrawable_amount), (12345, 12000));
    assert_eq!(user.compliance.unwrap().has_criminal_activity, Some(true));

    let bare: User = serde_json::from_value(json!({"id": "u1", "email": "x@y.z"})).unwrap();
    assert_eq!(bare.display_name(), "x@y.z");
    assert!(serde_json::from_value::<User>(json!({"id": "u", "wallet": {"amount": 1.5}})).is_err());
}

#[test]
fn a_transfer_finds_its_intent_in_object_or_string_metadata() {
    let t: Transfer = serde_json::from_value(json!({
        "id": "t1", "amount": -1234, "type": "balance",
        "metadata": {"flowdesk_intent_id": "i-1"}
    }))
    .unwrap();
    assert_eq!(t.intent_id().as_deref(), Some("i-1"));
    assert_eq!(t.kind.as_deref(), Some("balance"));
    let s: Transfer = serde_json::from_value(json!({
        "id": "t2", "amount": 5, "metadata": "{\"flowdesk_intent_id\":\"i-2\"}"
    }))
    .unwrap();
    assert_eq!(s.intent_id().as_deref(), Some("i-2"));
    let none: Transfer = serde_json::from_value(json!({"id": "t3", "amount": 5, "metadata": null})).unwrap();
    assert_eq!(none.intent_id(), None);
}

#[test]
fn payout_link_statuses_keep_unknown_values() {
    let l: PayoutLink = serde_json::from_value(json!({"id": "p", "amount": 500, "status": "claimed", "link": "x"})).unwrap();
    assert!(l.status.is_final());
    let n: PayoutLink = serde_json::from_value(json!({"id": "p", "amount": 500, "status": "funds_pending"})).unwrap();
    assert_eq!(n.status, PayoutLinkStatus::Other("funds_pending".into()));
    assert!(!n.status.is_final());
    assert_eq!(n.status.as_str(), "funds_pending");
}

#[test]
fn a_payout_link_request_sends_only_what_is_set() {
    let body = serde_json::to_value(NewPayoutLink {
        amount: 2500,
        user_id: Some("u".into()),
        payee: None,
        delivery: Delivery { method: DeliveryMethod::Link, message: None },
        memo: None,
        description: None,
        metadata: json!({INTENT_KEY: "i"}),
        idempotency_key: "k".into(),
    })
    .unwrap();
    assert_eq!(
        body,
        json!({"amount": 2500, "user_id": "u", "delivery": {"method": "link"}, "metadata": {"flowdesk_intent_id": "i"}, "idempotency_key": "k"})
    );
}
