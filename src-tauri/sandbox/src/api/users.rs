//! `/v2/users`: create, retrieve, list, and a user's payout methods.

use std::sync::OnceLock;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use regex::Regex;
use serde_json::{json, Value};
use uuid::Uuid;

use super::fields::{json_object, list_page, metadata, missing, one_of, opt_string, Obj};
use super::flows::parse_list_query;
use super::{reply, ApiError};
use crate::model::{parse_uuid, User, RAILS, USER_STATUSES};
use crate::server::{lock, AppState};

fn digits(max: usize) -> &'static Regex {
    static THREE: OnceLock<Regex> = OnceLock::new();
    static TWENTY: OnceLock<Regex> = OnceLock::new();
    let (cell, pattern) = if max == 3 {
        (&THREE, "^[0-9]{1,3}$")
    } else {
        (&TWENTY, "^[0-9]{1,20}$")
    };
    cell.get_or_init(|| Regex::new(pattern).expect("static pattern compiles"))
}

/// Something that looks like an email; Dots would reject worse, the sandbox need not.
pub fn plausible_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(|c| c.is_whitespace() || c.is_control())
                && s.len() <= 254
        }
        None => false,
    }
}

/// The spec's `format: email` for `POST /v2/users`, in the everyday form: a dot-atom local
/// part (RFC 5322 `atext` between single dots, at most 64 bytes) and a host name (labels of
/// letters, digits and inner hyphens) with a dot in it. Everything it accepts is a valid
/// `format: email`; quoted local parts and address literals are refused, as is a host without
/// a dot (which the format would take, but no mailbox has).
pub fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    let local_ok = (1..=64).contains(&local.len())
        && local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(atext));
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let domain_ok = domain.len() <= 253 && domain.contains('.') && domain.split('.').all(label_ok);
    local_ok && domain_ok && s.len() <= 254
}

/// `YYYY-MM-DD` exactly, and a real day: the spec's `format: date` (RFC 3339 full-date).
pub fn valid_date(s: &str) -> bool {
    let shape = s.len() == 10
        && s.bytes()
            .enumerate()
            .all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    shape && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// The spec's country code (`^[0-9]{1,3}$`) and phone number (`^[0-9]{1,20}$`) patterns.
pub fn valid_phone(country_code: &str, phone_number: &str) -> bool {
    digits(3).is_match(country_code) && digits(20).is_match(phone_number)
}

fn required_name(obj: &Obj, field: &str) -> Result<String, ApiError> {
    let s = opt_string(obj, field, false)?.ok_or_else(|| missing(field))?;
    let n = s.chars().count();
    if !(1..=50).contains(&n) {
        return Err(ApiError::bad_request(
            "invalid_string",
            format!("`{field}` must be 1 to 50 characters, got {n}"),
        ));
    }
    Ok(s)
}

/// Validates a `POST /v2/users` body into a new user. Unknown fields are ignored, as the
/// schema does not forbid them.
pub(crate) fn parse_new_user(obj: &Obj) -> Result<User, ApiError> {
    let first_name = required_name(obj, "first_name")?;
    let last_name = required_name(obj, "last_name")?;
    let email = opt_string(obj, "email", false)?.ok_or_else(|| missing("email"))?;
    if !valid_email(&email) {
        return Err(ApiError::bad_request(
            "invalid_email",
            format!("`email` {email:?} is not an email address (the spec's `format: email`)"),
        ));
    }
    let cc = opt_string(obj, "country_code", false)?.ok_or_else(|| missing("country_code"))?;
    let phone = opt_string(obj, "phone_number", false)?.ok_or_else(|| missing("phone_number"))?;
    if !digits(3).is_match(&cc) {
        return Err(ApiError::bad_request(
            "invalid_phone_number",
            format!("`country_code` must be 1 to 3 digits, got {cc:?}"),
        ));
    }
    if !digits(20).is_match(&phone) {
        return Err(ApiError::bad_request(
            "invalid_phone_number",
            format!("`phone_number` must be 1 to 20 digits, got {phone:?}"),
        ));
    }
    if let Some(u) = opt_string(obj, "username", false)? {
        if !(1..=50).contains(&u.chars().count()) {
            return Err(ApiError::bad_request(
                "invalid_string",
                "`username` must be 1 to 50 characters",
            ));
        }
    }
    if let Some(d) = opt_string(obj, "date_of_birth", false)? {
        if !valid_date(&d) {
            return Err(ApiError::bad_request(
                "invalid_date",
                format!("`date_of_birth` must be a date (YYYY-MM-DD, the spec's `format: date`), got {d:?}"),
            ));
        }
    }
    let exclude = match obj.get("payout_options_exclude_list") {
        None => Vec::new(),
        Some(Value::Array(items)) => {
            let mut out: Vec<String> = Vec::new();
            for item in items {
                let rail = item.as_str().unwrap_or_default();
                one_of("payout_options_exclude_list[]", rail, &RAILS)?;
                if out.iter().any(|r| r == rail) {
                    return Err(ApiError::bad_request(
                        "invalid_enum",
                        format!(
                            "`payout_options_exclude_list` repeats {rail:?}; items must be unique"
                        ),
                    ));
                }
                out.push(rail.to_string());
            }
            out
        }
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_enum",
                "`payout_options_exclude_list` must be an array of rails",
            ))
        }
    };
    let mut user = User::blank(Uuid::new_v4());
    user.first_name = first_name;
    user.last_name = last_name;
    user.email = Some(email);
    user.country_code = Some(cc);
    user.phone_number = Some(phone);
    user.metadata = metadata(obj, false)?;
    user.payout_options_exclude_list = exclude;
    Ok(user)
}

pub(crate) async fn create(State(st): State<AppState>, req: Request) -> Response {
    let result = async {
        let obj = json_object(req).await?;
        let user = parse_new_user(&obj)?;
        Ok::<_, ApiError>(lock(&st.store).users.insert(user).to_json())
    }
    .await;
    match result {
        Ok(v) => (StatusCode::CREATED, Json(v)).into_response(),
        Err(e) => e.into_response(),
    }
}

fn path_user(st: &AppState, path: Result<Path<String>, PathRejection>) -> Result<User, ApiError> {
    // A malformed id cannot name a user: 404, as for flows.
    let raw = path.map(|Path(p)| p).unwrap_or_default();
    parse_uuid(&raw)
        .and_then(|id| lock(&st.store).users.get(&id).cloned())
        .ok_or_else(|| ApiError::not_found(format!("user {raw:?} not found")))
}

pub(crate) async fn get(
    State(st): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    reply(path_user(&st, path).map(|u| u.to_json()))
}

/// `GET /v2/users/{id}/payout-methods`: the rails the user connected. The spec's
/// payment-method enum spells `intl_bank` as `intl_transfer`.
pub(crate) async fn payout_methods(
    State(st): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    match path_user(&st, path) {
        Ok(u) => {
            let methods: Vec<Value> = u
                .payout_methods
                .iter()
                .map(|rail| {
                    let platform = if rail == "intl_bank" { "intl_transfer" } else { rail };
                    json!({"id": format!("pm_{rail}_{}", u.id.simple()), "platform": platform, "description": format!("{rail} (sandbox)")})
                })
                .collect();
            Json(methods).into_response()
        }
        Err(e) => e.into_response(),
    }
}

pub(crate) async fn list(State(st): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let result = (|| {
        let q = parse_list_query(raw.as_deref())?;
        let mut status = None;
        for (k, v) in url::form_urlencoded::parse(raw.as_deref().unwrap_or("").as_bytes()) {
            if k == "status" {
                one_of("status", &v, &USER_STATUSES)?;
                status = Some(v.into_owned());
            }
        }
        let store = lock(&st.store);
        let ordered: Vec<&User> = store.users.newest_first().collect();
        let keep = |u: &User| status.as_deref().is_none_or(|s| u.status == s);
        list_page(&ordered, keep, &q, "user", User::to_json)
    })();
    reply(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> Value {
        json!({"first_name": "Bob", "last_name": "Loblaw", "email": "bob@bobloblaw.com",
               "country_code": "1", "phone_number": "4154332334", "metadata": {"internal_id": "u1"}})
    }

    fn err(mutate: impl FnOnce(&mut Value)) -> &'static str {
        let mut b = body();
        mutate(&mut b);
        parse_new_user(b.as_object().unwrap()).unwrap_err().code
    }

    #[test]
    fn accepts_the_spec_example() {
        let u = parse_new_user(body().as_object().unwrap()).unwrap();
        assert_eq!(u.status, "unverified");
        assert_eq!(u.metadata, json!({"internal_id": "u1"}));
    }

    #[test]
    fn rejects_per_field() {
        for f in [
            "first_name",
            "last_name",
            "email",
            "country_code",
            "phone_number",
        ] {
            assert_eq!(
                err(|b| {
                    b.as_object_mut().unwrap().remove(f);
                }),
                "missing_field",
                "{f}"
            );
        }
        assert_eq!(err(|b| b["first_name"] = json!("")), "invalid_string");
        assert_eq!(
            err(|b| b["first_name"] = json!("x".repeat(51))),
            "invalid_string"
        );
        assert_eq!(err(|b| b["last_name"] = json!(5)), "invalid_string");
        assert_eq!(err(|b| b["email"] = json!("nope")), "invalid_email");
        for bad in ["a..b@x.co", ".a@x.co", "<b>eve</b>@x.io", "a@-x.co", "a@x_y.co", "a@x..co", "\"a b\"@x.co", "a@[127.0.0.1]"] {
            assert_eq!(err(|b| b["email"] = json!(bad)), "invalid_email", "{bad}");
        }
        assert_eq!(err(|b| b["date_of_birth"] = json!("1990-1-1")), "invalid_date");
        assert_eq!(err(|b| b["date_of_birth"] = json!("1990-01-01T00:00:00Z")), "invalid_date");
        assert!(valid_email("o'brien+tag@mail.example.co.uk") && valid_date("1990-02-28"));
        assert_eq!(
            err(|b| b["country_code"] = json!("+1")),
            "invalid_phone_number"
        );
        assert_eq!(
            err(|b| b["country_code"] = json!("1234")),
            "invalid_phone_number"
        );
        assert_eq!(
            err(|b| b["phone_number"] = json!("415-433")),
            "invalid_phone_number"
        );
        assert_eq!(
            err(|b| b["date_of_birth"] = json!("1990-13-01")),
            "invalid_date"
        );
        assert_eq!(err(|b| b["metadata"] = json!(1)), "invalid_metadata");
        assert_eq!(
            err(|b| b["payout_options_exclude_list"] = json!(["zelle"])),
            "invalid_enum"
        );
        assert_eq!(
            err(|b| b["payout_options_exclude_list"] = json!(["ach", "ach"])),
            "invalid_enum"
        );
    }
}
