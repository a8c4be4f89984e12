//! The host's loopback API. Every request must carry `Authorization: Bearer <token>`.
//!
//! - `POST /invoke {cmd, args}` -> `{ok: value}` or `{reject: error}`
//! - `GET /events?after=N` -> the events after N (waits up to 10 s for one)
//! - `POST /confirm {answers: [bool]}` queues the native dialog's next answers
//! - `GET /confirm` -> every question the dialog was asked

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;

use crate::app::{Emitted, Hosted};

#[derive(Clone)]
struct Host {
    hosted: Arc<Hosted>,
    bearer: Arc<str>,
}

#[derive(Deserialize)]
struct Invoke {
    cmd: String,
    #[serde(default)]
    args: Value,
}

#[derive(Deserialize)]
struct After {
    #[serde(default)]
    after: u64,
}

#[derive(Deserialize)]
struct Answers {
    answers: Vec<bool>,
}

pub async fn serve(hosted: Arc<Hosted>, token: String) {
    let host = Host { hosted, bearer: format!("Bearer {token}").into() };
    let app = Router::new()
        .route("/invoke", post(invoke))
        .route("/events", get(events))
        .route("/confirm", get(asked).post(answers))
        .layer(middleware::from_fn_with_state(host.clone(), require_token))
        .with_state(host);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let addr = listener.local_addr().expect("the bound address");
    // The one line the test harness waits for.
    println!("listening http://{addr}");
    axum::serve(listener, app).await.expect("the server runs");
}

async fn require_token(State(host): State<Host>, request: Request, next: Next) -> Response {
    let given = request.headers().get(header::AUTHORIZATION).map(|v| v.as_bytes());
    if given != Some(host.bearer.as_bytes()) {
        return (StatusCode::UNAUTHORIZED, "a token is required").into_response();
    }
    next.run(request).await
}

async fn invoke(State(host): State<Host>, Json(call): Json<Invoke>) -> Response {
    let hosted = host.hosted.clone();
    match tokio::task::spawn_blocking(move || hosted.invoke(call.cmd, call.args)).await {
        Ok(reply) => Json(reply).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("the command did not answer: {e}")).into_response(),
    }
}

async fn events(State(host): State<Host>, Query(after): Query<After>) -> Json<Vec<Emitted>> {
    let hosted = &host.hosted;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        // Registered before looking, so an event between the look and the wait still wakes us.
        let woken = hosted.new_event.notified();
        let found = hosted.events_after(after.after);
        if !found.is_empty() {
            return Json(found);
        }
        if tokio::time::timeout_at(deadline, woken).await.is_err() {
            return Json(Vec::new());
        }
    }
}

async fn answers(State(host): State<Host>, Json(body): Json<Answers>) -> StatusCode {
    host.hosted.queue_answers(&body.answers);
    StatusCode::NO_CONTENT
}

async fn asked(State(host): State<Host>) -> impl IntoResponse {
    Json(host.hosted.asked())
}
