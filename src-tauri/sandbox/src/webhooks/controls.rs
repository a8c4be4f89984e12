//! `/_sandbox/webhooks`: what Dots' dashboard does for real webhooks (endpoints, their
//! secrets, the delivery log, resend, a test event), as controls behind the sandbox's
//! credentials like every other control (see `controls.rs`).
//!
//! - `GET /endpoints`, `POST /endpoints {"url"}`, `PATCH /endpoints/{id} {"enabled"}`,
//!   `DELETE /endpoints/{id}`, `GET /endpoints/{id}/secret`
//! - `GET /deliveries?event=&status=&endpoint_id=&before=&limit=` (newest first),
//!   `GET /deliveries/{id}` (body, headers and every attempt), `POST /deliveries/{id}/resend`
//! - `POST /trigger {"event", "id"?}`: sends an event about an object (the newest of its
//!   kind when no id is given); `GET /events`: the event names.

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::{DeliveryFilter, EventType, Subject, WebhookError, Webhooks};
use crate::api::{reply, ApiError};
use crate::controls::{json_body, loopback_only};
use crate::model::parse_uuid;
use crate::server::{lock, AppState};

impl From<WebhookError> for ApiError {
    fn from(e: WebhookError) -> Self {
        let (status, code) = match &e {
            WebhookError::EndpointNotFound(_) | WebhookError::DeliveryNotFound(_) | WebhookError::SubjectNotFound(..) => {
                (StatusCode::NOT_FOUND, "not_found")
            }
            WebhookError::BadUrl(_) => (StatusCode::BAD_REQUEST, "invalid_url"),
            WebhookError::UnknownEvent(_) => (StatusCode::BAD_REQUEST, "unknown_event"),
            WebhookError::NoSubject(_) => (StatusCode::CONFLICT, "no_subject"),
            WebhookError::Sending(_) => (StatusCode::CONFLICT, "sending"),
            WebhookError::Journal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "not_saved"),
        };
        ApiError::new(status, code, e.to_string())
    }
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/endpoints", get(list_endpoints).post(add_endpoint))
        .route("/endpoints/{id}", axum::routing::patch(set_enabled).delete(remove_endpoint))
        .route("/endpoints/{id}/secret", get(secret))
        .route("/deliveries", get(list_deliveries))
        .route("/deliveries/{id}", get(delivery))
        .route("/deliveries/{id}/resend", post(resend))
        .route("/trigger", post(trigger))
        .route("/events", get(events))
}

fn id_of(raw: &str, what: &'static str) -> Result<Uuid, ApiError> {
    parse_uuid(raw).ok_or_else(|| ApiError::not_found(format!("{what} {raw:?} not found")))
}

/// Runs a change to the webhooks off the async workers (the journal is synced to disk).
async fn change<T: Send + 'static>(
    st: &AppState,
    f: impl FnOnce(&mut Webhooks) -> Result<T, WebhookError> + Send + 'static,
) -> Result<T, ApiError> {
    let st = st.clone();
    let out = tokio::task::spawn_blocking(move || {
        let out = f(&mut lock(&st.webhooks));
        st.webhook_wake.notify_one();
        out
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    Ok(out?)
}

async fn list_endpoints(State(st): State<AppState>, req: Request) -> Response {
    reply(loopback_only(&req).map(|_| Value::Array(lock(&st.webhooks).endpoints().iter().map(|e| e.view()).collect())))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewEndpoint {
    url: String,
}

async fn add_endpoint(State(st): State<AppState>, req: Request) -> Response {
    reply(
        async {
            let body: NewEndpoint = json_body(req).await?;
            let e = change(&st, move |w| w.add_endpoint(&body.url)).await?;
            Ok(e.view())
        }
        .await,
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Enabled {
    enabled: bool,
}

async fn set_enabled(State(st): State<AppState>, Path(raw): Path<String>, req: Request) -> Response {
    reply(
        async {
            let id = id_of(&raw, "endpoint")?;
            let body: Enabled = json_body(req).await?;
            Ok(change(&st, move |w| w.set_enabled(id, body.enabled)).await?.view())
        }
        .await,
    )
}

async fn remove_endpoint(State(st): State<AppState>, Path(raw): Path<String>, req: Request) -> Response {
    let gate = loopback_only(&req);
    drop(req); // a request is not Sync: none may live across an await
    reply(
        async {
            gate?;
            let id = id_of(&raw, "endpoint")?;
            change(&st, move |w| w.remove_endpoint(id)).await?;
            Ok(json!({"removed": id}))
        }
        .await,
    )
}

/// The endpoint's `whsec_` secret, only when asked for by id.
async fn secret(State(st): State<AppState>, Path(raw): Path<String>, req: Request) -> Response {
    reply(loopback_only(&req).and_then(|_| {
        let id = id_of(&raw, "endpoint")?;
        let w = lock(&st.webhooks);
        Ok(json!({"id": id, "secret": w.endpoint(id)?.secret()}))
    }))
}

async fn list_deliveries(State(st): State<AppState>, query: Result<Query<DeliveryFilter>, axum::extract::rejection::QueryRejection>, req: Request) -> Response {
    reply(loopback_only(&req).and_then(|_| {
        let Query(filter) = query.map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
        if let Some(event) = &filter.event {
            EventType::parse(event).ok_or_else(|| WebhookError::UnknownEvent(event.clone()))?;
        }
        let w = lock(&st.webhooks);
        let (page, has_more) = w.page(&filter);
        let data: Vec<Value> = page.iter().map(|d| d.summary()).collect();
        Ok(json!({"data": data, "has_more": has_more, "total": w.delivery_count()}))
    }))
}

async fn delivery(State(st): State<AppState>, Path(raw): Path<String>, req: Request) -> Response {
    reply(loopback_only(&req).and_then(|_| {
        let id = id_of(&raw, "delivery")?;
        let w = lock(&st.webhooks);
        let d = w.delivery(id)?;
        let mut full = serde_json::to_value(d).map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
        full["message_id"] = json!(d.message_id());
        Ok(full)
    }))
}

async fn resend(State(st): State<AppState>, Path(raw): Path<String>, req: Request) -> Response {
    let gate = loopback_only(&req);
    drop(req);
    reply(
        async {
            gate?;
            let id = id_of(&raw, "delivery")?;
            change(&st, move |w| {
                w.resend(id)?;
                Ok(w.delivery(id)?.summary())
            })
            .await
        }
        .await,
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Trigger {
    event: String,
    #[serde(default)]
    id: Option<String>,
}

/// Sends the event as if it had happened, about a real object.
async fn trigger(State(st): State<AppState>, req: Request) -> Response {
    reply(
        async {
            let body: Trigger = json_body(req).await?;
            let event = EventType::parse(&body.event).ok_or_else(|| WebhookError::UnknownEvent(body.event.clone()))?;
            let subject = event.subject();
            let (id, body) = {
                let store = lock(&st.store);
                let id = match &body.id {
                    Some(raw) => {
                        let id = parse_uuid(raw).ok_or_else(|| ApiError::bad_request("invalid_id", format!("{raw:?} is not a UUID")))?;
                        if !store.holds(subject, id) {
                            return Err(WebhookError::SubjectNotFound(subject.as_str(), id).into());
                        }
                        id
                    }
                    None => store.newest(subject).ok_or(WebhookError::NoSubject(subject.as_str()))?,
                };
                let body = event.body(id, &store, &st.origin).ok_or(WebhookError::SubjectNotFound(subject.as_str(), id))?;
                (id, body)
            };
            // Sent like any other event (its own deliveries, not another request's).
            let publisher = st.clone();
            let deliveries = tokio::task::spawn_blocking(move || publisher.send_event(crate::webhooks::Happened { event, id }, &body))
                .await
                .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))??;
            Ok(json!({"event": event.as_str(), "subject": subject.as_str(), "id": id, "deliveries": deliveries}))
        }
        .await,
    )
}

async fn events(req: Request) -> Response {
    reply(loopback_only(&req).map(|_| json!(EventType::ALL.map(EventType::as_str))))
}

impl crate::model::Store {
    fn holds(&self, subject: Subject, id: Uuid) -> bool {
        match subject {
            Subject::Flow => self.get(&id).is_some(),
            Subject::PayoutLink => self.ledger.links.contains(&id),
            Subject::Transfer => self.ledger.transfers.contains(&id),
            Subject::User => self.users.contains(&id),
        }
    }

    fn newest(&self, subject: Subject) -> Option<Uuid> {
        match subject {
            Subject::Flow => self.newest_first().next().map(|f| f.id),
            Subject::PayoutLink => self.ledger.links.newest_first().next().map(|l| l.id),
            Subject::Transfer => self.ledger.transfers.newest_first().next().map(|t| t.id),
            Subject::User => self.users.newest_first().next().map(|u| u.id),
        }
    }
}
