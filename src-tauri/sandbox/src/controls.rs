//! Test controls under `/_sandbox`. Not part of Dots' API, but they can reset the sandbox or
//! make the API answer anything, so every one of them (GETs too) needs the API's own HTTP
//! Basic credentials (`client_id:api_key`), and a POST needs `Content-Type: application/json`
//! (so a browser cannot send one without a CORS preflight, which the sandbox never grants).
//! The server binds 127.0.0.1 only, the outer layer (`guard.rs`) refuses foreign Host and
//! Origin headers, and each handler also refuses non-loopback peers.

use axum::body::to_bytes;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;
use thiserror::Error;
use uuid::Uuid;

use crate::api::{is_authorized, reply, ApiError};
use crate::faults::FaultSpec;
use crate::model::{parse_uuid, StepName};
use crate::seed::SeedUser;
use crate::server::{lock, AppState, ConnCtx};

/// Why a test control (HTTP or `SandboxHandle` method) refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ControlError {
    #[error("flow {0:?} not found")]
    NotFound(String),
    #[error("unknown step {0:?}; expected one of: {list}", list = StepName::list())]
    UnknownStep(String),
    #[error("the flow has no `{0}` step")]
    StepNotInFlow(StepName),
    #[error("the flow is already claimed by user {0}")]
    AlreadyClaimed(Uuid),
    #[error("user {0:?} not found")]
    UserNotFound(String),
    #[error("invalid seed user: {0}")]
    InvalidSeed(String),
}

impl From<ControlError> for ApiError {
    fn from(e: ControlError) -> Self {
        let (status, code) = match &e {
            ControlError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ControlError::UnknownStep(_) => (StatusCode::BAD_REQUEST, "unknown_step"),
            ControlError::StepNotInFlow(_) => (StatusCode::BAD_REQUEST, "step_not_in_flow"),
            ControlError::AlreadyClaimed(_) => (StatusCode::CONFLICT, "already_claimed"),
            ControlError::UserNotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ControlError::InvalidSeed(_) => (StatusCode::BAD_REQUEST, "invalid_seed"),
        };
        ApiError::new(status, code, e.to_string())
    }
}

pub(crate) fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/flows/{flow_id}/complete", post(complete))
        .route("/flows/{flow_id}/claim", post(claim))
        .route(
            "/faults",
            post(add_fault).delete(clear_faults).get(list_faults),
        )
        .route("/users", post(seed_user))
        .route("/users/{user_id}/wallet", get(wallet))
        .route("/app-balance", get(app_balance).post(set_app_balance))
        .route("/stats", get(stats))
        .route("/reset", post(reset))
        .nest("/webhooks", crate::webhooks::controls::router())
        .fallback(|| async { ApiError::not_found("no such sandbox control") })
        .layer(middleware::from_fn_with_state(state, controls_gate))
}

/// Before routing, so unknown controls also answer 401 without credentials: the API's
/// credentials (401, nothing done), then a JSON content type on POST/PUT/PATCH (415).
async fn controls_gate(State(st): State<AppState>, req: Request, next: Next) -> Response {
    if !is_authorized(req.headers(), &st.client_id, &st.api_key) {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "sandbox controls need the sandbox's HTTP Basic credentials (client_id:api_key)",
        )
        .into_response();
    }
    let has_body = matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH);
    if has_body && !is_json(req.headers()) {
        return ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "sandbox control bodies must be sent as Content-Type: application/json",
        )
        .into_response();
    }
    next.run(req).await
}

/// `Content-Type: application/json`, any case, with or without parameters (`; charset=utf-8`).
fn is_json(headers: &HeaderMap) -> bool {
    let mut values = headers.get_all(header::CONTENT_TYPE).iter();
    match (values.next(), values.next()) {
        (Some(v), None) => v.to_str().is_ok_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        }),
        _ => false,
    }
}

/// Defence in depth; the listener is loopback-only anyway.
pub(crate) fn loopback_only(req: &Request) -> Result<(), ApiError> {
    match req.extensions().get::<ConnCtx>() {
        Some(ctx) if !ctx.peer.ip().is_loopback() => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "sandbox controls are loopback-only",
        )),
        _ => Ok(()),
    }
}

/// Reads a small JSON body; an empty body counts as `{}`.
pub(crate) async fn json_body<T: DeserializeOwned>(req: Request) -> Result<T, ApiError> {
    loopback_only(&req)?;
    let bytes = to_bytes(req.into_body(), 64 * 1024).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "control bodies are limited to 64 KiB",
        )
    })?;
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &bytes
    };
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request("invalid_json", format!("invalid control body: {e}")))
}

#[derive(Deserialize)]
struct CompleteBody {
    step: String,
}

async fn complete(
    State(st): State<AppState>,
    Path(flow_id): Path<String>,
    req: Request,
) -> Response {
    reply(
        async {
            let body: CompleteBody = json_body(req).await?;
            Ok(st.complete_step(&flow_id, &body.step)?)
        }
        .await,
    )
}

#[derive(Deserialize)]
struct ClaimBody {
    #[serde(default)]
    user_id: Option<String>,
}

async fn claim(State(st): State<AppState>, Path(flow_id): Path<String>, req: Request) -> Response {
    reply(
        async {
            let body: ClaimBody = json_body(req).await?;
            let user = match body.user_id {
                None => None,
                Some(s) => Some(parse_uuid(&s).ok_or_else(|| {
                    ApiError::bad_request("invalid_user_id", "`user_id` must be a UUID string")
                })?),
            };
            Ok(st.claim(&flow_id, user)?)
        }
        .await,
    )
}

async fn add_fault(State(st): State<AppState>, req: Request) -> Response {
    reply(
        async {
            let spec: FaultSpec = json_body(req).await?;
            spec.validate()
                .map_err(|e| ApiError::bad_request("invalid_fault", e.to_string()))?;
            let mut q = lock(&st.faults);
            q.push(spec.clone());
            Ok(json!({"queued": spec, "pending": q.len()}))
        }
        .await,
    )
}

async fn clear_faults(State(st): State<AppState>, req: Request) -> Response {
    reply(loopback_only(&req).map(|_| json!({"cleared": lock(&st.faults).clear()})))
}

async fn list_faults(State(st): State<AppState>, req: Request) -> Response {
    reply(loopback_only(&req).map(|_| json!({"pending": lock(&st.faults).pending()})))
}

async fn stats(State(st): State<AppState>, req: Request) -> Response {
    reply(loopback_only(&req).map(|_| {
        let (flows, users, transfers, payout_links, app_balance_cents) = {
            let s = lock(&st.store);
            (
                s.len(),
                s.users.len(),
                s.ledger.transfers.len(),
                s.ledger.links.len(),
                s.ledger.app_balance,
            )
        };
        let requests = lock(&st.stats).clone();
        json!({"flows": flows, "users": users, "transfers": transfers, "payout_links": payout_links,
               "app_balance_cents": app_balance_cents, "requests": requests})
    }))
}

async fn reset(State(st): State<AppState>, req: Request) -> Response {
    let gate = loopback_only(&req);
    drop(req); // a request is not Sync: none may live across an await
    let outcome = match gate {
        // Off the async workers: forgetting the deliveries rewrites the webhook journal.
        Ok(()) => tokio::task::spawn_blocking(move || st.reset())
            .await
            .map(|()| json!({"reset": true}))
            .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())),
        Err(e) => Err(e),
    };
    reply(outcome)
}

/// `POST /_sandbox/users` with a `SeedUser` body: the user as `GET /v2/users/{id}` shows it.
async fn seed_user(State(st): State<AppState>, req: Request) -> Response {
    reply(
        async {
            let seed: SeedUser = json_body(req).await?;
            Ok(st.seed_user(seed)?)
        }
        .await,
    )
}

/// `GET /_sandbox/users/{id}/wallet`: `{"user_id", "wallet": {amount, withdrawable_amount,
/// credit_balance}}`, in cents.
async fn wallet(State(st): State<AppState>, Path(user_id): Path<String>, req: Request) -> Response {
    reply(loopback_only(&req).and_then(|_| {
        let wallet = parse_uuid(&user_id)
            .and_then(|id| lock(&st.store).users.get(&id).map(|u| u.wallet))
            .ok_or_else(|| ControlError::UserNotFound(user_id.clone()))?;
        Ok(json!({"user_id": user_id, "wallet": wallet}))
    }))
}

async fn app_balance(State(st): State<AppState>, req: Request) -> Response {
    reply(
        loopback_only(&req)
            .map(|_| json!({"app_balance_cents": lock(&st.store).ledger.app_balance})),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AppBalanceBody {
    cents: i64,
}

/// `POST /_sandbox/app-balance {"cents": N}`: sets the app's Dots wallet (0 or more).
async fn set_app_balance(State(st): State<AppState>, req: Request) -> Response {
    reply(
        async {
            let body: AppBalanceBody = json_body(req).await?;
            if body.cents < 0 {
                return Err(ApiError::bad_request(
                    "invalid_amount",
                    "`cents` must be 0 or more",
                ));
            }
            lock(&st.store).ledger.app_balance = body.cents;
            Ok(json!({"app_balance_cents": body.cents}))
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn only_json_bodies() {
        let with = |values: &[&'static str]| {
            let mut h = HeaderMap::new();
            for v in values {
                h.append(header::CONTENT_TYPE, HeaderValue::from_static(v));
            }
            is_json(&h)
        };
        assert!(with(&["application/json"]));
        assert!(with(&["Application/JSON; charset=utf-8"]));
        assert!(!with(&[]));
        assert!(!with(&["text/plain"]));
        assert!(!with(&["text/plain; a=application/json"]));
        assert!(!with(&["application/x-www-form-urlencoded"]));
        assert!(!with(&["multipart/form-data; boundary=x"]));
        assert!(!with(&["application/jsonp"]));
        assert!(!with(&["application/json", "text/plain"]));
    }
}
