//! Request-body plumbing shared by the money routes: reading a JSON object, typed fields with
//! Dots-shaped 400s, and cursor paging over any table.

use axum::extract::Request;
use axum::http::StatusCode;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::flows::{is_json_content_type, read_limited, BodyTooLarge, ListQuery, MAX_CREATE_BODY};
use super::ApiError;
use crate::ledger::MAX_AMOUNT_CENTS;
use crate::model::{parse_uuid, Keyed};

pub(crate) type Obj = Map<String, Value>;

/// Content type, size limit and JSON parsing, as `POST /v2/flows` does them; the body must
/// be a JSON object.
pub(crate) async fn json_object(req: Request) -> Result<Obj, ApiError> {
    if !is_json_content_type(req.headers()) {
        return Err(ApiError::bad_request(
            "invalid_content_type",
            "request body must be sent as Content-Type: application/json",
        ));
    }
    let bytes = read_limited(req.into_body(), MAX_CREATE_BODY)
        .await
        .map_err(|BodyTooLarge| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("request body is larger than {MAX_CREATE_BODY} bytes"),
            )
        })?;
    // Numbers too large for f64 (e.g. 1e400) fail here, as invalid JSON for serde_json.
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(ApiError::bad_request(
            "invalid_body",
            "request body must be a JSON object",
        )),
        Err(e) => Err(ApiError::bad_request(
            "invalid_json",
            format!("request body is not valid JSON: {e}"),
        )),
    }
}

pub(crate) fn missing(field: &str) -> ApiError {
    ApiError::bad_request("missing_field", format!("`{field}` is required"))
}

/// An integer number of cents, never a float or string, within ±`MAX_AMOUNT_CENTS`.
pub(crate) fn amount(obj: &Obj, field: &str) -> Result<i64, ApiError> {
    let v = obj.get(field).ok_or_else(|| missing(field))?;
    let bad =
        |why: &str| ApiError::bad_request("invalid_amount", format!("`{field}` {why}, got {v}"));
    let n = match v {
        Value::Number(n) => n,
        _ => return Err(bad("must be an integer number of cents")),
    };
    // as_i64 is None for floats (1.5, 10.0) and for integers beyond i64.
    let cents = match n.as_i64() {
        Some(c) => c,
        None if n.is_f64() => return Err(bad("must be an integer number of cents")),
        None => return Err(bad("is out of range")),
    };
    if cents.unsigned_abs() > MAX_AMOUNT_CENTS as u64 {
        return Err(bad(&format!(
            "is out of range (at most {MAX_AMOUNT_CENTS} cents either way)"
        )));
    }
    Ok(cents)
}

/// An optional string; `null` only where the spec's type allows it.
pub(crate) fn opt_string(
    obj: &Obj,
    field: &str,
    nullable: bool,
) -> Result<Option<String>, ApiError> {
    match obj.get(field) {
        None => Ok(None),
        Some(Value::Null) if nullable => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(ApiError::bad_request(
            "invalid_string",
            format!("`{field}` must be a string, got {v}"),
        )),
    }
}

pub(crate) fn opt_bool(obj: &Obj, field: &str, nullable: bool) -> Result<Option<bool>, ApiError> {
    match obj.get(field) {
        None => Ok(None),
        Some(Value::Null) if nullable => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(v) => Err(ApiError::bad_request(
            "invalid_boolean",
            format!("`{field}` must be a boolean, got {v}"),
        )),
    }
}

pub(crate) fn opt_uuid(obj: &Obj, field: &str, nullable: bool) -> Result<Option<Uuid>, ApiError> {
    match opt_string(obj, field, nullable) {
        Ok(None) => Ok(None),
        Ok(Some(s)) => parse_uuid(&s).map(Some).ok_or_else(|| bad_uuid(field, &s)),
        Err(_) => Err(bad_uuid(field, &obj[field].to_string())),
    }
}

fn bad_uuid(field: &str, got: &str) -> ApiError {
    ApiError::bad_request(
        "invalid_uuid",
        format!("`{field}` must be a UUID string (8-4-4-4-12 hex digits), got {got}"),
    )
}

/// `metadata`: a string or an object (or null where allowed), stored exactly as sent.
pub(crate) fn metadata(obj: &Obj, nullable: bool) -> Result<Value, ApiError> {
    match obj.get("metadata") {
        None => Ok(Value::Null),
        Some(Value::Null) if nullable => Ok(Value::Null),
        Some(v @ (Value::String(_) | Value::Object(_))) => Ok(v.clone()),
        Some(_) => Err(ApiError::bad_request(
            "invalid_metadata",
            "`metadata` must be a string or an object",
        )),
    }
}

/// One of `allowed`, exactly (the spec's enums are case-sensitive).
pub(crate) fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<(), ApiError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "invalid_enum",
            format!(
                "`{field}` must be one of: {}; got {value:?}",
                allowed.join(", ")
            ),
        ))
    }
}

/// The flows list's cursor paging over any ordered rows, with a filter. Cursors name any
/// existing row (filtered out or not) and are exclusive; `has_more` counts matching rows only.
pub(crate) fn page_filtered<'a, T: Keyed>(
    ordered: &[&'a T],
    keep: impl Fn(&T) -> bool,
    q: &ListQuery,
    what: &str,
) -> Result<(Vec<&'a T>, bool), ApiError> {
    let position = |name: &str, id: &Uuid| {
        ordered.iter().position(|t| t.key() == *id).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_cursor",
                format!("`{name}` {id} is not the id of an existing {what}"),
            )
        })
    };
    let matching =
        |rows: &[&'a T]| -> Vec<&'a T> { rows.iter().copied().filter(|t| keep(t)).collect() };
    if let Some(after) = &q.starting_after {
        let rest = matching(&ordered[position("starting_after", after)? + 1..]);
        let n = rest.len().min(q.limit);
        Ok((rest[..n].to_vec(), rest.len() > n))
    } else if let Some(before) = &q.ending_before {
        let newer = matching(&ordered[..position("ending_before", before)?]);
        let start = newer.len().saturating_sub(q.limit);
        Ok((newer[start..].to_vec(), start > 0))
    } else {
        let all = matching(ordered);
        let n = all.len().min(q.limit);
        Ok((all[..n].to_vec(), all.len() > n))
    }
}

/// One page of a money list, as Dots answers it: `{"data": [...], "has_more": bool}`.
pub(crate) fn list_page<T: Keyed>(
    ordered: &[&T],
    keep: impl Fn(&T) -> bool,
    q: &ListQuery,
    what: &str,
    to_json: impl Fn(&T) -> Value,
) -> Result<Value, ApiError> {
    let (rows, has_more) = page_filtered(ordered, keep, q, what)?;
    let data: Vec<Value> = rows.into_iter().map(to_json).collect();
    Ok(serde_json::json!({"data": data, "has_more": has_more}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Obj {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn amounts() {
        assert_eq!(
            amount(&obj(json!({"amount": -1000})), "amount").unwrap(),
            -1000
        );
        for bad in [
            json!(1.5),
            json!(10.0),
            json!("100"),
            json!(null),
            json!(u64::MAX),
            json!(MAX_AMOUNT_CENTS + 1),
            json!(-MAX_AMOUNT_CENTS - 1),
            json!(i64::MIN),
        ] {
            let e = amount(&obj(json!({"amount": bad})), "amount").unwrap_err();
            assert_eq!(e.code, "invalid_amount", "{bad}");
        }
        assert_eq!(
            amount(&obj(json!({})), "amount").unwrap_err().code,
            "missing_field"
        );
    }

    #[test]
    fn typed_fields() {
        let o = obj(json!({"k": null, "s": "x", "b": true, "u": "nope", "n": 3}));
        assert_eq!(opt_string(&o, "k", true).unwrap(), None);
        assert!(opt_string(&o, "k", false).is_err());
        assert!(opt_string(&o, "n", true).is_err());
        assert_eq!(opt_bool(&o, "b", false).unwrap(), Some(true));
        assert_eq!(opt_uuid(&o, "u", false).unwrap_err().code, "invalid_uuid");
        assert_eq!(opt_uuid(&o, "n", false).unwrap_err().code, "invalid_uuid");
        assert_eq!(opt_uuid(&o, "missing", false).unwrap(), None);
    }
}
