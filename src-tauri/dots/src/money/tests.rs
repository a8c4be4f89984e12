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
    let l: PayoutLink =
        serde_json::from_value(json!({"id": "p", "amount": 500, "status": "claimed", "link": "https://x.example/p"})).unwrap();
    assert!(l.status.is_final());
    let n: PayoutLink = serde_json::from_value(json!({"id": "p", "amount": 500, "status": "teleported"})).unwrap();
    assert_eq!(n.status, PayoutLinkStatus::Other("teleported".into()));
    assert!(!n.status.is_final());
    assert_eq!(n.status.as_str(), "teleported");
}

#[test]
fn funds_pending_is_a_known_status() {
    // Dots answers an unfunded payout link with 202 and `funds_pending`, a status its own
    // enum omits.
    let n: PayoutLink = serde_json::from_value(json!({"id": "p", "amount": 500, "status": "funds_pending"})).unwrap();
    assert_eq!(n.status, PayoutLinkStatus::FundsPending);
    assert!(!n.status.is_final());
    assert_eq!(n.status.as_str(), "funds_pending");
    assert_eq!(serde_json::to_value(&n.status).unwrap(), json!("funds_pending"));
}

#[test]
fn a_payout_link_whose_link_is_not_http_is_refused() {
    for bad in ["javascript:alert(1)", "file:///etc/passwd", "x"] {
        let r = serde_json::from_value::<PayoutLink>(json!({"id": "p", "amount": 5, "status": "created", "link": bad}));
        assert!(r.unwrap_err().to_string().contains("is not an http(s) URL"), "{bad}");
        let redelivery = json!({"payout_link": {"id": "p", "amount": 5, "status": "sent", "link": bad}, "redelivered": true});
        assert!(serde_json::from_value::<Redelivery>(redelivery).is_err(), "{bad}");
    }
}

#[test]
fn money_bodies_carry_normalised_values() {
    let link = NewPayoutLink {
        amount: 2500,
        user_id: Some(" {8D0C2A76-0000-4000-8000-000000000001} ".into()),
        payee: Some(Payee { first_name: Some(" Ada ".into()), email: Some("  ".into()), ..Default::default() }),
        delivery: Delivery { method: DeliveryMethod::Link, message: Some("\n".into()) },
        memo: Some("  thanks ".into()),
        description: Some("".into()),
        metadata: json!({INTENT_KEY: "i"}),
        idempotency_key: "URN:UUID:5F2B1C3D-0000-4000-8000-00000000000A".into(),
    };
    assert!(link.violations().is_empty());
    assert_eq!(
        link.wire_body(),
        json!({"amount": 2500, "user_id": "8d0c2a76-0000-4000-8000-000000000001", "payee": {"first_name": "Ada"},
               "delivery": {"method": "link"}, "memo": "thanks", "metadata": {"flowdesk_intent_id": "i"},
               "idempotency_key": "5f2b1c3d-0000-4000-8000-00000000000a"})
    );
    let blank_payee = NewPayoutLink { payee: Some(Payee { last_name: Some(" ".into()), ..Default::default() }), ..link.clone() };
    assert!(blank_payee.wire_body().get("payee").is_none());

    let transfer = NewTransfer {
        amount: -100,
        user_id: "8D0C2A76000040008000000000000001".into(),
        idempotency_key: " 5f2b1c3d-0000-4000-8000-00000000000a\n".into(),
        metadata: serde_json::Value::Null,
    };
    assert!(transfer.violations().is_empty());
    assert_eq!(
        transfer.wire_body(),
        json!({"amount": -100, "user_id": "8d0c2a76-0000-4000-8000-000000000001", "idempotency_key": "5f2b1c3d-0000-4000-8000-00000000000a"})
    );
}

#[test]
fn money_requests_dots_would_refuse_are_named() {
    let transfer = NewTransfer { amount: 5, user_id: "bob@example.com".into(), idempotency_key: "k1".into(), metadata: json!([1]) };
    let v = transfer.violations();
    assert_eq!(v.iter().map(|v| v.field.as_str()).collect::<Vec<_>>(), vec!["user_id", "idempotency_key", "metadata"]);
    assert!(v[1].message.starts_with("idempotency_key: Dots accepts only a UUID") && v[1].message.contains("its API's rule"), "{}", v[1].message);
    let link = NewPayoutLink {
        amount: 5,
        user_id: Some("u".into()),
        payee: None,
        delivery: Delivery { method: DeliveryMethod::Link, message: None },
        memo: None,
        description: None,
        metadata: json!(7),
        idempotency_key: "".into(),
    };
    let v = link.violations();
    assert_eq!(v.iter().map(|v| v.field.as_str()).collect::<Vec<_>>(), vec!["user_id", "metadata"]);
    assert!(link.wire_body().get("idempotency_key").is_none());
}

#[test]
fn a_payout_link_request_sends_only_what_is_set() {
    let body = NewPayoutLink {
        amount: 2500,
        user_id: Some("u".into()),
        payee: None,
        delivery: Delivery { method: DeliveryMethod::Link, message: None },
        memo: None,
        description: None,
        metadata: json!({INTENT_KEY: "i"}),
        idempotency_key: "k".into(),
    }
    .wire_body();
    assert_eq!(
        body,
        json!({"amount": 2500, "user_id": "u", "delivery": {"method": "link"}, "metadata": {"flowdesk_intent_id": "i"}, "idempotency_key": "k"})
    );
}
