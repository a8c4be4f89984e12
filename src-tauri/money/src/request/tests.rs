use serde_json::json;

use super::*;

const U: &str = "8d0c2a76-0000-4000-8000-000000000001";

fn link(method: DeliveryMethod, payee: Option<Payee>) -> MoneyRequest {
    MoneyRequest::PayoutLink {
        amount: "25".into(),
        user_id: None,
        payee,
        delivery: Delivery { method, message: None },
        memo: None,
        description: None,
    }
}

#[test]
fn a_fund_request_becomes_a_negative_transfer_with_the_intent() {
    let action = MoneyRequest::Fund { user_id: format!(" {U} "), amount: "$12.34".into() }.check().unwrap();
    assert_eq!(action, Action::Fund { user_id: U.into(), amount_cents: 1234 });
    let t = action.transfer("k-1", "i-1").unwrap();
    assert_eq!(t.amount, -1234);
    assert_eq!(t.metadata, json!({"flowdesk_intent_id": "i-1"}));
    assert_eq!(t.idempotency_key, "k-1");
}

#[test]
fn bad_requests_say_what_is_wrong() {
    let e = MoneyRequest::Fund { user_id: "bob".into(), amount: "1".into() }.check().unwrap_err();
    assert!(e.to_string().contains("not a Dots user id"));
    let e = MoneyRequest::Fund { user_id: U.into(), amount: "-1".into() }.check().unwrap_err();
    assert!(matches!(e, MoneyError::Amount(_)));
    let e = link(DeliveryMethod::Sms, None).check().unwrap_err();
    assert!(e.to_string().contains("SMS needs"));
    let e = link(DeliveryMethod::Email, Some(Payee { email: Some("  ".into()), ..Payee::default() })).check().unwrap_err();
    assert!(e.to_string().contains("email needs"));
    let e = link(DeliveryMethod::Link, Some(Payee { country_code: Some("+1".into()), ..Payee::default() })).check().unwrap_err();
    assert!(e.to_string().contains("country code"));
    let ok = link(
        DeliveryMethod::Sms,
        Some(Payee { country_code: Some("1".into()), phone_number: Some("4155550100".into()), ..Payee::default() }),
    );
    assert!(ok.check().is_ok());
}

#[test]
fn the_summary_states_amount_recipient_direction_and_environment() {
    let action = Action::Fund { user_id: U.into(), amount_cents: 123456 };
    let s = Summary::new(action, "Ada Lovelace".into(), "Production", true, Limits::default(), 0);
    assert_eq!(
        s.sentence,
        "Fund wallet: $1,234.56 from the app's Dots wallet to Ada Lovelace's Dots wallet, in Production."
    );
    assert!(s.requires_typed_amount);
    assert!(s.check_typed_amount(None).is_err());
    assert!(s.check_typed_amount(Some("1234.5")).is_err());
    assert!(s.check_typed_amount(Some("1,234.56")).is_ok());
    let sandbox = Summary { requires_typed_amount: false, ..s };
    assert!(sandbox.check_typed_amount(None).is_ok());
}
