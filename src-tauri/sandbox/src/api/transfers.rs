//! `/v2/transfers`: create (moving money between the app and a user), retrieve, list.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, Request, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::fields::{amount, json_object, list_page, metadata, missing, opt_bool, opt_uuid, Obj};
use super::flows::parse_list_query;
use super::{reply, ApiError};
use crate::ledger::{NewTransfer, Transfer};
use crate::model::parse_uuid;
use crate::server::{lock, AppState};

/// Validates a `POST /v2/transfers` body. Unknown fields are ignored (no
/// `additionalProperties: false` in the spec); `tax_exempt`, `idempotency_key` and `metadata`
/// may be null, as the spec's types say.
pub(crate) fn parse_new_transfer(obj: &Obj) -> Result<NewTransfer, ApiError> {
    let amount = amount(obj, "amount")?;
    if amount == 0 {
        return Err(ApiError::bad_request(
            "invalid_amount",
            "`amount` must not be 0: negative sends money to the user, positive debits them",
        ));
    }
    let user_id = opt_uuid(obj, "user_id", false)?.ok_or_else(|| missing("user_id"))?;
    Ok(NewTransfer {
        amount,
        user_id,
        tax_exempt: opt_bool(obj, "tax_exempt", true)?.unwrap_or(false),
        idempotency_key: opt_uuid(obj, "idempotency_key", true)?,
        metadata: metadata(obj, true)?,
    })
}

pub(crate) async fn create(State(st): State<AppState>, req: Request) -> Response {
    let result = async {
        let new = parse_new_transfer(&json_object(req).await?)?;
        let t = lock(&st.store).create_transfer(new)?;
        tracing::debug!(transfer_id = %t.id, amount = t.amount, "transfer created");
        Ok::<_, ApiError>(t.to_json())
    }
    .await;
    // The spec answers a created transfer with 200 (not 201).
    reply(result)
}

pub(crate) async fn get(
    State(st): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let raw = path.map(|Path(p)| p).unwrap_or_default();
    match parse_uuid(&raw).and_then(|id| {
        lock(&st.store)
            .ledger
            .transfers
            .get(&id)
            .map(Transfer::to_json)
    }) {
        Some(v) => Json(v).into_response(),
        None => ApiError::not_found(format!("transfer {raw:?} not found")).into_response(),
    }
}

/// The list's filters beyond the cursors.
#[derive(Debug, Default)]
struct Filters {
    user_id: Option<Uuid>,
    reverse_order: bool,
    kind: Option<String>,
    status: Option<String>,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
}

impl Filters {
    fn parse(raw: Option<&str>) -> Result<Filters, ApiError> {
        let mut f = Filters::default();
        let date = |name: &str, v: &str| {
            DateTime::parse_from_rfc3339(v)
                .map(|d| d.to_utc())
                .map_err(|_| {
                    ApiError::bad_request(
                        "invalid_date",
                        format!("`{name}` must be an RFC 3339 date-time (e.g. 2024-07-11T21:10:30Z), got {v:?}"),
                    )
                })
        };
        for (k, v) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            match k.as_ref() {
                "user_id" => {
                    f.user_id = Some(parse_uuid(&v).ok_or_else(|| {
                        ApiError::bad_request(
                            "invalid_uuid",
                            format!("`user_id` must be a UUID, got {v:?}"),
                        )
                    })?)
                }
                "reverse_order" => {
                    f.reverse_order = match v.as_ref() {
                        "true" => true,
                        "false" => false,
                        _ => {
                            return Err(ApiError::bad_request(
                                "invalid_boolean",
                                format!("`reverse_order` must be true or false, got {v:?}"),
                            ))
                        }
                    }
                }
                "type" => f.kind = Some(v.into_owned()),
                "status" => f.status = Some(v.into_owned()),
                "start_date" => f.start = Some(date("start_date", &v)?),
                "end_date" => f.end = Some(date("end_date", &v)?),
                _ => {}
            }
        }
        Ok(f)
    }

    fn keep(&self, t: &Transfer) -> bool {
        self.user_id.is_none_or(|u| t.user_id == u)
            && self.kind.as_deref().is_none_or(|k| t.kind == k)
            && self.status.as_deref().is_none_or(|s| t.status == s)
            && self.start.is_none_or(|s| t.created_at >= s)
            && self.end.is_none_or(|e| t.created_at <= e)
    }
}

pub(crate) async fn list(State(st): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let result = (|| {
        let q = parse_list_query(raw.as_deref())?;
        let f = Filters::parse(raw.as_deref())?;
        let store = lock(&st.store);
        // Newest first by default; reverse_order=true lists oldest first.
        let ordered: Vec<&Transfer> = if f.reverse_order {
            store.ledger.transfers.oldest_first().collect()
        } else {
            store.ledger.transfers.newest_first().collect()
        };
        list_page(&ordered, |t| f.keep(t), &q, "transfer", Transfer::to_json)
    })();
    reply(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn parse(v: Value) -> Result<NewTransfer, ApiError> {
        parse_new_transfer(v.as_object().unwrap())
    }

    #[test]
    fn bodies() {
        let u = Uuid::new_v4();
        let t = parse(json!({"amount": -1000, "user_id": u, "idempotency_key": null, "metadata": null, "tax_exempt": null})).unwrap();
        assert_eq!((t.amount, t.user_id, t.idempotency_key), (-1000, u, None));
        assert_eq!(
            parse(json!({"amount": 0, "user_id": u})).unwrap_err().code,
            "invalid_amount"
        );
        assert_eq!(
            parse(json!({"amount": "5", "user_id": u}))
                .unwrap_err()
                .code,
            "invalid_amount"
        );
        assert_eq!(
            parse(json!({"amount": 5})).unwrap_err().code,
            "missing_field"
        );
        assert_eq!(
            parse(json!({"amount": 5, "user_id": "x"}))
                .unwrap_err()
                .code,
            "invalid_uuid"
        );
        assert_eq!(
            parse(json!({"amount": 5, "user_id": u, "idempotency_key": "k1"}))
                .unwrap_err()
                .code,
            "invalid_uuid"
        );
        assert_eq!(
            parse(json!({"amount": 5, "user_id": u, "tax_exempt": "no"}))
                .unwrap_err()
                .code,
            "invalid_boolean"
        );
        assert_eq!(
            parse(json!({"amount": 5, "user_id": u, "metadata": [1]}))
                .unwrap_err()
                .code,
            "invalid_metadata"
        );
    }

    #[test]
    fn filters() {
        assert!(
            Filters::parse(Some("reverse_order=true&type=balance"))
                .unwrap()
                .reverse_order
        );
        for bad in [
            "reverse_order=yes",
            "user_id=1",
            "start_date=2024-01-01",
            "end_date=soon",
        ] {
            assert!(Filters::parse(Some(bad)).is_err(), "{bad}");
        }
    }
}
