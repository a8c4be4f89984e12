//! The Dots API surface under `/api`: HTTP Basic auth and Dots-shaped JSON errors.

mod apps;
pub(crate) mod fields;
pub mod flows;
pub mod payout_links;
pub mod transfers;
pub mod users;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;

use crate::server::AppState;

/// A Dots error reply: `{"success": false, "error": code, "message": message}`.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }
}

impl From<crate::ledger::LedgerError> for ApiError {
    fn from(e: crate::ledger::LedgerError) -> Self {
        ApiError::new(e.status(), e.code(), e.to_string())
    }
}

/// A struct rather than `json!` so the keys keep Dots' order: success, error, message.
#[derive(serde::Serialize)]
pub(crate) struct ErrorBody<'a> {
    pub success: bool,
    pub error: &'a str,
    pub message: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            success: false,
            error: self.code,
            message: &self.message,
        };
        let mut resp = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"dots-sandbox\""),
            );
        }
        resp
    }
}

/// `200` with the value as JSON, or the Dots-shaped error.
pub(crate) fn reply<T: serde::Serialize>(r: Result<T, ApiError>) -> Response {
    match r {
        Ok(v) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

pub(crate) fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/v2/apps/{app_id}", get(apps::get))
        .route("/v2/flows", get(flows::list).post(flows::create))
        .route("/v2/flows/{flow_id}", get(flows::get))
        .route("/v2/users", get(users::list).post(users::create))
        .route("/v2/users/{user_id}", get(users::get))
        .route(
            "/v2/users/{user_id}/payout-methods",
            get(users::payout_methods),
        )
        .route(
            "/v2/transfers",
            get(transfers::list).post(transfers::create),
        )
        .route("/v2/transfers/{transfer_id}", get(transfers::get))
        .route(
            "/v2/payout-links",
            get(payout_links::list).post(payout_links::create),
        )
        .route(
            "/v2/payout-links/{payout_link_id}",
            get(payout_links::get).delete(payout_links::cancel),
        )
        .route(
            "/v2/payout-links/{payout_link_id}/redeliver",
            post(payout_links::redeliver),
        )
        .fallback(|| async { ApiError::not_found("no such API route") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "method not allowed on this route",
            )
        })
        .layer(middleware::from_fn_with_state(state, require_basic_auth))
}

/// Auth comes before routing, so unknown paths also answer 401 without credentials (as a real
/// API gateway would), and nothing about the routes leaks.
async fn require_basic_auth(State(st): State<AppState>, req: Request, next: Next) -> Response {
    if is_authorized(req.headers(), &st.client_id, &st.api_key) {
        next.run(req).await
    } else {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing or invalid HTTP Basic credentials (client_id:api_key)",
        )
        .into_response()
    }
}

pub(crate) fn is_authorized(headers: &HeaderMap, client_id: &str, api_key: &str) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some((scheme, encoded)) = value.trim().split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let Ok(decoded) = String::from_utf8(decoded) else {
        return false;
    };
    let Some((user, pass)) = decoded.split_once(':') else {
        return false;
    };
    // Both compared fully so timing does not tell which half was wrong.
    let user_ok = constant_time_eq(user.as_bytes(), client_id.as_bytes());
    let pass_ok = constant_time_eq(pass.as_bytes(), api_key.as_bytes());
    user_ok & pass_ok
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(v).unwrap());
        h
    }

    fn basic(u: &str, p: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
        )
    }

    #[test]
    fn basic_auth() {
        assert!(is_authorized(&headers(&basic("cid", "key")), "cid", "key"));
        assert!(is_authorized(
            &headers(&basic("cid", "key:with:colons")),
            "cid",
            "key:with:colons"
        ));
        assert!(!is_authorized(
            &headers(&basic("cid", "nope")),
            "cid",
            "key"
        ));
        assert!(!is_authorized(
            &headers(&basic("other", "key")),
            "cid",
            "key"
        ));
        assert!(!is_authorized(&headers("Bearer key"), "cid", "key"));
        assert!(!is_authorized(&headers("Basic !!!"), "cid", "key"));
        assert!(!is_authorized(&headers("Basic"), "cid", "key"));
        assert!(!is_authorized(&HeaderMap::new(), "cid", "key"));
    }
}
