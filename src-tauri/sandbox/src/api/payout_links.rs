//! `/v2/payout-links`: create, retrieve, list, cancel (DELETE) and redeliver.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use uuid::Uuid;

use super::fields::{
    amount, json_object, list_page, metadata, one_of, opt_bool, opt_string, opt_uuid, Obj,
};
use super::flows::parse_list_query;
use super::{reply, ApiError};
use crate::ledger::{NewPayoutLink, Payee, PayoutLink};
use crate::model::{parse_uuid, StepName};
use crate::server::{lock, AppState};
use crate::validate::is_uri;

/// The request schema has `additionalProperties: false`: anything else is a 400.
const KNOWN_FIELDS: [&str; 15] = [
    "user_id",
    "payee",
    "amount",
    "delivery",
    "force_collect_compliance_information",
    "tax_exempt",
    "metadata",
    "memo",
    "idempotency_key",
    "payout_fee_party",
    "additional_steps",
    "accounting_data",
    "funding_source",
    "hide_go_to_dashboard_on_complete",
    "description",
];

fn sub_object<'a>(obj: &'a Obj, field: &str) -> Result<Option<&'a Obj>, ApiError> {
    match obj.get(field) {
        None => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(v) => Err(ApiError::bad_request(
            "invalid_object",
            format!("`{field}` must be an object, got {v}"),
        )),
    }
}

fn parse_payee(obj: &Obj) -> Result<Payee, ApiError> {
    let Some(p) = sub_object(obj, "payee")? else {
        return Ok(Payee::default());
    };
    let field = |name: &str| {
        opt_string(p, name, false).map_err(|_| {
            ApiError::bad_request("invalid_string", format!("`payee.{name}` must be a string"))
        })
    };
    Ok(Payee {
        first_name: field("first_name")?,
        last_name: field("last_name")?,
        email: field("email")?,
        country_code: field("country_code")?,
        phone_number: field("phone_number")?,
    })
}

/// `additional_steps` are checked as the schema states them (names from the enum, unique;
/// an object's options typed, `redirect_url` a URI, `payout_fee_party` from its enum) and
/// then not used: the sandbox's payout link page has no flow of its own.
fn check_additional_steps(obj: &Obj) -> Result<(), ApiError> {
    let Some(v) = obj.get("additional_steps") else {
        return Ok(());
    };
    let bad = |why: String| ApiError::bad_request("invalid_steps", why);
    let items = v
        .as_array()
        .ok_or_else(|| bad("`additional_steps` must be an array".into()))?;
    let mut seen = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let name = match item {
            Value::String(s) => s.as_str(),
            Value::Object(o) => o.get("name").and_then(Value::as_str).unwrap_or(""),
            _ => "",
        };
        let step = StepName::parse(name).ok_or_else(|| {
            bad(format!(
                "additional_steps[{i}]: expected one of {} (or an object with such a `name`)",
                StepName::list()
            ))
        })?;
        if seen.contains(&step) {
            return Err(bad(format!(
                "additional_steps[{i}]: `{step}` appears twice"
            )));
        }
        seen.push(step);
        if let Value::Object(o) = item {
            check_step_options(i, o)?;
        }
    }
    Ok(())
}

/// The options of one `additional_steps` object, typed as the schema says.
fn check_step_options(i: usize, o: &Obj) -> Result<(), ApiError> {
    let bad = |code: &'static str, why: String| ApiError::bad_request(code, why);
    for flag in [
        "auto_payout_enabled",
        "force",
        "require_default_payout_method",
        "require_auto_payout_method",
        "hide_continue_button",
    ] {
        if o.get(flag).is_some_and(|v| !v.is_boolean()) {
            return Err(bad(
                "invalid_step_option",
                format!("additional_steps[{i}].{flag} must be a boolean"),
            ));
        }
    }
    if o.get("payment_intent_id").is_some_and(|v| !v.is_string()) {
        return Err(bad(
            "invalid_step_option",
            format!("additional_steps[{i}].payment_intent_id must be a string"),
        ));
    }
    match o.get("redirect_url") {
        None => {}
        Some(Value::String(url)) if is_uri(url) => {}
        Some(v) => {
            return Err(bad(
                "invalid_redirect_url",
                format!("additional_steps[{i}].redirect_url must be a URI (the spec's `format: uri`, RFC 3986), got {v}"),
            ))
        }
    }
    if let Some(p) = o.get("payout_fee_party") {
        one_of(
            &format!("additional_steps[{i}].payout_fee_party"),
            p.as_str().unwrap_or_default(),
            &["platform", "user"],
        )?;
    }
    Ok(())
}

fn parse_accounting(obj: &Obj) -> Result<Option<Value>, ApiError> {
    let Some(a) = sub_object(obj, "accounting_data")? else {
        return Ok(None);
    };
    for k in ["quickbooks_account_id", "quickbooks_class_id"] {
        if let Some(v) = a.get(k) {
            if !v.is_i64() {
                return Err(ApiError::bad_request(
                    "invalid_accounting_data",
                    format!("`accounting_data.{k}` must be an integer"),
                ));
            }
        }
    }
    Ok(Some(Value::Object(a.clone())))
}

pub(crate) fn parse_new_link(obj: &Obj) -> Result<NewPayoutLink, ApiError> {
    if let Some(k) = obj.keys().find(|k| !KNOWN_FIELDS.contains(&k.as_str())) {
        return Err(ApiError::bad_request(
            "unknown_field",
            format!(
                "unknown field `{k}`: payout link bodies allow only {}",
                KNOWN_FIELDS.join(", ")
            ),
        ));
    }
    let amount = amount(obj, "amount")?;
    if amount <= 0 {
        return Err(ApiError::bad_request(
            "invalid_amount",
            format!("`amount` must be a positive number of cents, got {amount}"),
        ));
    }
    let payee = parse_payee(obj)?;
    let (method, message) = match sub_object(obj, "delivery")? {
        None => ("link".to_string(), None),
        Some(d) => {
            let method = opt_string(d, "method", false)?.unwrap_or_else(|| "link".into());
            one_of("delivery.method", &method, &["sms", "link", "email", "all"])?;
            (method, opt_string(d, "message", false)?)
        }
    };
    let needs = |what: &str| {
        ApiError::bad_request(
            "invalid_delivery",
            format!("delivery method `{method}` requires {what}"),
        )
    };
    if method == "sms" && (payee.country_code.is_none() || payee.phone_number.is_none()) {
        return Err(needs("`payee.country_code` and `payee.phone_number`"));
    }
    if method == "email" && payee.email.is_none() {
        return Err(needs("`payee.email`"));
    }
    for b in [
        "force_collect_compliance_information",
        "hide_go_to_dashboard_on_complete",
    ] {
        opt_bool(obj, b, false)?;
    }
    if let Some(p) = opt_string(obj, "payout_fee_party", true)? {
        one_of("payout_fee_party", &p, &["user", "platform"])?;
    }
    check_additional_steps(obj)?;
    let funding_source =
        opt_string(obj, "funding_source", false)?.unwrap_or_else(|| "dots_balance".into());
    one_of("funding_source", &funding_source, &["dots_balance", "ach"])?;
    Ok(NewPayoutLink {
        amount,
        user_id: opt_uuid(obj, "user_id", false)?,
        payee,
        delivery_method: method,
        delivery_message: message,
        memo: opt_string(obj, "memo", false)?,
        description: opt_string(obj, "description", false)?,
        metadata: metadata(obj, false)?,
        idempotency_key: opt_uuid(obj, "idempotency_key", true)?,
        tax_exempt: opt_bool(obj, "tax_exempt", false)?.unwrap_or(false),
        accounting_data: parse_accounting(obj)?,
        funding_source,
    })
}

/// 201 when funded, 202 while the app balance cannot cover it, with status `funds_pending` as
/// the spec's 202 says (a status its own enum omits: see the README). A replayed idempotency
/// key answers the same way for the link that exists, and creates nothing.
pub(crate) async fn create(State(st): State<AppState>, req: Request) -> Response {
    let result = async {
        let new = parse_new_link(&json_object(req).await?)?;
        let out = lock(&st.store).create_link(new)?;
        if !out.replayed {
            tracing::debug!(payout_link_id = %out.link.id, funded = out.link.funded, "payout link created");
        }
        Ok::<_, ApiError>(out.link)
    }
    .await;
    match result {
        Ok(link) => {
            let status = if link.funded || link.is_final() {
                StatusCode::CREATED
            } else {
                StatusCode::ACCEPTED
            };
            (status, Json(link.to_json(&st.origin))).into_response()
        }
        Err(e) => e.into_response(),
    }
}

fn path_id(path: Result<Path<String>, PathRejection>) -> Result<Uuid, ApiError> {
    let raw = path.map(|Path(p)| p).unwrap_or_default();
    parse_uuid(&raw).ok_or_else(|| ApiError::not_found(format!("payout link {raw:?} not found")))
}

pub(crate) async fn get(
    State(st): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let result = path_id(path).and_then(|id| {
        lock(&st.store)
            .ledger
            .links
            .get(&id)
            .map(|l| l.to_json(&st.origin))
            .ok_or_else(|| ApiError::not_found(format!("payout link {id} not found")))
    });
    reply(result)
}

pub(crate) async fn cancel(
    State(st): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    reply(path_id(path).and_then(|id| Ok(lock(&st.store).cancel_link(id)?.to_json(&st.origin))))
}

pub(crate) async fn redeliver(
    State(st): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let result = path_id(path).and_then(|id| Ok(lock(&st.store).redeliver_link(id)?));
    reply(result.map(|(link, redelivered)| {
        json!({"payout_link": link.to_json(&st.origin), "redelivered": redelivered})
    }))
}

pub(crate) async fn list(State(st): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let result = (|| {
        let q = parse_list_query(raw.as_deref())?;
        let store = lock(&st.store);
        let ordered: Vec<&PayoutLink> = store.ledger.links.newest_first().collect();
        list_page(
            &ordered,
            |_| true,
            &q,
            "payout link",
            |l| l.to_json(&st.origin),
        )
    })();
    reply(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(v: Value) -> &'static str {
        parse_new_link(v.as_object().unwrap()).unwrap_err().code
    }

    #[test]
    fn bodies() {
        let ok = parse_new_link(
            json!({"amount": 500, "payee": {"email": "a@b.co"}, "delivery": {"method": "email", "message": "hi"},
                   "additional_steps": ["compliance", {"name": "payout"}], "accounting_data": {"quickbooks_account_id": 3},
                   "payout_fee_party": null, "idempotency_key": null, "funding_source": "ach"})
            .as_object()
            .unwrap(),
        )
        .unwrap();
        assert_eq!(
            (ok.delivery_method.as_str(), ok.funding_source.as_str()),
            ("email", "ach")
        );
        assert_eq!(code(json!({"amount": 5, "surprise": 1})), "unknown_field");
        assert_eq!(code(json!({"amount": 0})), "invalid_amount");
        assert_eq!(code(json!({"amount": -5})), "invalid_amount");
        assert_eq!(code(json!({"amount": 5.5})), "invalid_amount");
        assert_eq!(code(json!({})), "missing_field");
        assert_eq!(
            code(
                json!({"amount": 5, "delivery": {"method": "sms"}, "payee": {"country_code": "1"}})
            ),
            "invalid_delivery"
        );
        assert_eq!(
            code(json!({"amount": 5, "delivery": {"method": "email"}})),
            "invalid_delivery"
        );
        assert_eq!(
            code(json!({"amount": 5, "delivery": {"method": "fax"}})),
            "invalid_enum"
        );
        assert_eq!(
            code(json!({"amount": 5, "delivery": "sms"})),
            "invalid_object"
        );
        assert_eq!(
            code(json!({"amount": 5, "payee": {"email": 3}})),
            "invalid_string"
        );
        assert_eq!(
            code(json!({"amount": 5, "additional_steps": ["kyc"]})),
            "invalid_steps"
        );
        assert_eq!(
            code(json!({"amount": 5, "additional_steps": ["payout", "payout"]})),
            "invalid_steps"
        );
        assert_eq!(
            code(json!({"amount": 5, "payout_fee_party": "app"})),
            "invalid_enum"
        );
        assert_eq!(
            code(json!({"amount": 5, "funding_source": "card"})),
            "invalid_enum"
        );
        assert_eq!(
            code(json!({"amount": 5, "tax_exempt": "y"})),
            "invalid_boolean"
        );
        assert_eq!(
            code(json!({"amount": 5, "accounting_data": {"quickbooks_class_id": "7"}})),
            "invalid_accounting_data"
        );
        assert_eq!(code(json!({"amount": 5, "user_id": "u"})), "invalid_uuid");
        assert_eq!(
            code(json!({"amount": 5, "additional_steps": [{"name": "redirect", "redirect_url": "https://www.10%8Ry-.yFQg/K0C"}]})),
            "invalid_redirect_url"
        );
        assert_eq!(
            code(json!({"amount": 5, "additional_steps": [{"name": "payout", "force": "yes"}]})),
            "invalid_step_option"
        );
        assert_eq!(
            code(json!({"amount": 5, "additional_steps": [{"name": "payout", "payout_fee_party": "app"}]})),
            "invalid_enum"
        );
        assert!(parse_new_link(
            json!({"amount": 5, "additional_steps": [{"name": "redirect", "redirect_url": "https://acme.digital/done"}]})
                .as_object()
                .unwrap()
        )
        .is_ok());
    }
}
