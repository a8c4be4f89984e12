//! Shared state, the router, and our own accept loop. The loop is ours (not `axum::serve`) so the
//! `drop` fault can close a connection without a single response byte.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{Method, Response};
use axum::middleware::{self, Next};
use axum::Router;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{broadcast, oneshot, Notify};
use tokio::task::JoinSet;
use tower::ServiceExt;
use uuid::Uuid;

use crate::controls::ControlError;
use crate::faults::{fault_response, Fault, FaultQueue, FaultWhen};
use crate::guard::OwnNames;
use crate::model::{parse_uuid, Flow, StepName, Store, User};
use crate::persist::Durable;
use crate::webhooks::{Happened, Webhooks};

/// Everything the handlers share. Locks are std mutexes held only for short, non-async sections.
pub(crate) struct Shared {
    pub client_id: String,
    pub api_key: String,
    /// "http://127.0.0.1:PORT", known once bound; used in every flow's `link`.
    pub origin: String,
    /// The Host and Origin values that name this sandbox (see `guard.rs`).
    pub own: OwnNames,
    pub store: Mutex<Store>,
    pub faults: Mutex<FaultQueue>,
    pub stats: Mutex<BTreeMap<String, u64>>,
    /// Set when the store is saved to a state file (`SandboxConfig::state_file`).
    pub durable: Option<Durable>,
    /// A one-line message about how the state was loaded (e.g. a corrupt file set aside).
    pub notice: Option<String>,
    /// Test quirk: answer flows with their metadata as JSON text, which the spec allows
    /// (`metadata` may be a string), so clients are shown meeting it.
    pub metadata_as_text: std::sync::atomic::AtomicBool,
    /// Webhook endpoints and deliveries (see `webhooks`).
    pub webhooks: Mutex<Webhooks>,
    /// Wakes the webhook sender: something is due.
    pub webhook_wake: Notify,
    /// Every event published, for in-process listeners (the app's live status).
    pub events: broadcast::Sender<Happened>,
}

pub(crate) type AppState = Arc<Shared>;

/// A poisoned lock only means another handler panicked mid-update; the data is still usable
/// for an emulator, and refusing to serve would hide the real failure.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub fn new(client_id: String, api_key: String, addr: SocketAddr) -> Self {
        Shared {
            client_id,
            api_key,
            origin: format!("http://{addr}"),
            own: OwnNames::new(addr.port()),
            store: Mutex::default(),
            faults: Mutex::default(),
            stats: Mutex::default(),
            durable: None,
            notice: None,
            metadata_as_text: Default::default(),
            webhooks: Mutex::new(Webhooks::in_memory(1)),
            webhook_wake: Notify::new(),
            events: broadcast::channel(1024).0,
        }
    }

    /// A flow as this sandbox answers it, with the metadata-as-text quirk applied when set.
    pub fn answer(&self, flow: Flow) -> Flow {
        let mut flow = flow;
        if self.metadata_as_text.load(std::sync::atomic::Ordering::Relaxed) {
            if let serde_json::Value::Object(_) = flow.metadata {
                flow.metadata = serde_json::Value::String(flow.metadata.to_string());
            }
        }
        flow
    }

    /// Call after changing the store: the generation `save_upto` must reach (0 when not durable).
    pub fn changed(&self) -> u64 {
        self.durable.as_ref().map_or(0, Durable::changed)
    }

    /// Blocks until the store as of `generation` is on disk (group commit; no-op when not durable).
    pub fn save_upto(&self, generation: u64) -> std::io::Result<()> {
        match &self.durable {
            Some(d) => d.save_upto(generation, &self.store),
            None => Ok(()),
        }
    }

    /// For the `SandboxHandle` methods that change the store: saves now, and since they cannot
    /// report it, logs a failure (the next successful save includes the change).
    pub fn persist_logged(&self) {
        self.publish();
        if let Err(e) = self.save_upto(self.changed()) {
            tracing::error!(error = %e, "sandbox state not saved");
        }
    }

    /// At shutdown: saves anything unsaved, then refuses later saves.
    pub fn close(&self) -> std::io::Result<()> {
        match &self.durable {
            Some(d) => d.close(&self.store),
            None => Ok(()),
        }
    }

    pub fn flow_json(&self, id: &Uuid) -> Option<Flow> {
        let flow = lock(&self.store).get(id).map(|f| f.to_json(&self.origin));
        flow.map(|f| self.answer(f))
    }

    /// Test control: mark a step completed, in any order; completing twice is a no-op.
    pub fn complete_step(&self, flow_id: &str, step: &str) -> Result<Flow, ControlError> {
        let id = parse_uuid(flow_id).ok_or_else(|| ControlError::NotFound(flow_id.to_string()))?;
        let name =
            StepName::parse(step).ok_or_else(|| ControlError::UnknownStep(step.to_string()))?;
        let mut store = lock(&self.store);
        let flow = store
            .get_mut(&id)
            .ok_or_else(|| ControlError::NotFound(flow_id.to_string()))?;
        if flow.step(name).is_none() {
            return Err(ControlError::StepNotInFlow(name));
        }
        let newly = !flow.is_completed(name);
        if newly {
            flow.completed.push(name);
        }
        let (json, user) = (flow.to_json(&self.origin), flow.user_id);
        if newly {
            store.note_step_done(id, name, user);
        }
        Ok(json)
    }

    /// Test control: a user claims the flow (a new user when `user_id` is None). Claiming again
    /// with the same user is a no-op; a different user gets `AlreadyClaimed`.
    pub fn claim(&self, flow_id: &str, user_id: Option<Uuid>) -> Result<Flow, ControlError> {
        let id = parse_uuid(flow_id).ok_or_else(|| ControlError::NotFound(flow_id.to_string()))?;
        let mut store = lock(&self.store);
        let flow = store
            .get_mut(&id)
            .ok_or_else(|| ControlError::NotFound(flow_id.to_string()))?;
        match (flow.user_id, user_id) {
            (Some(existing), Some(wanted)) if existing == wanted => {}
            (Some(existing), _) => return Err(ControlError::AlreadyClaimed(existing)),
            (None, wanted) => {
                let user = wanted.unwrap_or_else(Uuid::new_v4);
                flow.user_id = Some(user);
                flow.authenticated = true;
                let json = flow.to_json(&self.origin);
                if !store.users.contains(&user) {
                    store.users.insert(User::blank(user));
                }
                // Onboarding done: the sandbox sends `flow.updated` for it too (see the README).
                store.note(crate::webhooks::EventType::FlowUpdated, id);
                return Ok(json);
            }
        }
        flow.authenticated = true;
        Ok(flow.to_json(&self.origin))
    }

    pub fn seed_user(
        &self,
        seed: crate::seed::SeedUser,
    ) -> Result<serde_json::Value, ControlError> {
        let user = seed.into_user()?;
        Ok(lock(&self.store).users.insert(user).to_json())
    }

    /// Sends the events the last changes noted: one delivery per enabled endpoint each
    /// (journaled, so a crash after this loses none), and each to in-process listeners.
    /// Blocks on the journal's disk sync: call it off the async workers. Returns the new
    /// deliveries' ids.
    pub fn publish(&self) -> Vec<Uuid> {
        let ready: Vec<(Happened, serde_json::Value)> = {
            let mut store = lock(&self.store);
            let happened = store.take_outbox();
            happened.into_iter().filter_map(|h| h.event.body(h.id, &store, &self.origin).map(|b| (h, b))).collect()
        };
        if ready.is_empty() {
            return Vec::new();
        }
        let mut ids = Vec::new();
        for (happened, body) in &ready {
            match self.send_event(*happened, body) {
                Ok(new) => ids.extend(new),
                Err(e) => tracing::error!(error = %e, event = happened.event.as_str(), "webhook not queued"),
            }
        }
        ids
    }

    /// One delivery of `body` per enabled endpoint (journaled), and the event to in-process
    /// listeners. Blocking.
    pub fn send_event(&self, happened: Happened, body: &serde_json::Value) -> Result<Vec<Uuid>, crate::webhooks::WebhookError> {
        let ids = lock(&self.webhooks).enqueue(happened.event, body)?;
        // No listener is fine: the app may not be watching.
        let _ = self.events.send(happened);
        self.webhook_wake.notify_one();
        Ok(ids)
    }

    pub fn reset(&self) {
        if let Err(e) = lock(&self.webhooks).clear_deliveries() {
            tracing::error!(error = %e, "webhook deliveries not cleared");
        }
        lock(&self.store).clear();
        lock(&self.faults).clear();
        lock(&self.stats).clear();
    }
}

/// Per-connection context put in every request's extensions by the accept loop.
#[derive(Clone)]
pub(crate) struct ConnCtx {
    /// Fired by the `drop` fault: the connection task then drops the connection unanswered.
    pub kill: Arc<Notify>,
    pub peer: SocketAddr,
}

/// "POST /api/v2/flows/{id}": UUID path segments are folded so stats group by route.
pub(crate) fn stats_key(method: &Method, path: &str) -> String {
    let folded: Vec<&str> = path
        .split('/')
        .map(|seg| {
            if parse_uuid(seg).is_some() {
                "{id}"
            } else {
                seg
            }
        })
        .collect();
    format!("{method} {}", folded.join("/"))
}

/// Outermost layer: counts, logs (method, path, status; never headers), and applies faults to `/api/`.
async fn observe_and_inject(
    State(st): State<AppState>,
    req: Request,
    next: Next,
) -> Response<Body> {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    if !path.starts_with("/_sandbox") {
        *lock(&st.stats)
            .entry(stats_key(&method, &path))
            .or_default() += 1;
    }
    let hit = if path == "/api" || path.starts_with("/api/") {
        lock(&st.faults).take(method.as_str(), &path)
    } else {
        None
    };
    let resp = match hit {
        None => next.run(req).await,
        Some((fault, when)) => {
            tracing::info!(%method, %path, ?fault, ?when, "injecting fault");
            apply_fault(fault, when, req, next).await
        }
    };
    tracing::info!(%method, %path, status = resp.status().as_u16(), ms = started.elapsed().as_millis() as u64, "request");
    resp
}

/// Inside the fault layer, around every handler: after a request that may have changed the
/// state (any method but GET/HEAD/OPTIONS, except the fault controls), the state is saved
/// before the response goes out. A save that fails turns the response into a 500, so no
/// client is told of a change that a crash would lose.
async fn persist_changes(State(st): State<AppState>, req: Request, next: Next) -> Response<Body> {
    let reads_only = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if reads_only || req.uri().path().starts_with("/_sandbox/faults") {
        return next.run(req).await;
    }
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let resp = next.run(req).await;
    // Refused before any handler ran (no credentials, not JSON): nothing to save.
    if matches!(
        resp.status(),
        axum::http::StatusCode::UNAUTHORIZED | axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE
    ) {
        return resp;
    }
    let writer = st.clone();
    // The events this request noted are queued (journaled) first, then the state is saved:
    // a crash in between can send news of a change that was lost, never lose news of one.
    let saved = tokio::task::spawn_blocking(move || {
        writer.publish();
        writer.save_upto(writer.changed())
    })
        .await
        .unwrap_or_else(|e| Err(std::io::Error::other(format!("the writer failed: {e}"))));
    match saved {
        Ok(()) => resp,
        Err(e) => {
            tracing::error!(%method, %path, error = %e, "state not saved");
            let body =
                serde_json::json!({"success": false, "error": format!("state not saved: {e}")});
            let mut r = Response::new(Body::from(body.to_string()));
            *r.status_mut() = axum::http::StatusCode::INTERNAL_SERVER_ERROR;
            r.headers_mut().insert(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("application/json"),
            );
            r
        }
    }
}

/// An injected latency, as exact as the OS timer allows. Tokio's timer is millisecond-grained
/// and rounds up (a 20 ms sleep lasts about 21 ms), which skews any benchmark that is bound by
/// this latency; so the last 2 ms are slept on a blocking thread, on a high-resolution timer.
async fn latency(ms: u64) {
    let until = tokio::time::Instant::now() + std::time::Duration::from_millis(ms);
    let margin = std::time::Duration::from_millis(2);
    if let Some(early) = until.checked_sub(margin) {
        tokio::time::sleep_until(early).await;
    }
    let rest = until.saturating_duration_since(tokio::time::Instant::now());
    if !rest.is_zero() {
        let _ = tokio::task::spawn_blocking(move || std::thread::sleep(rest)).await;
    }
}

async fn apply_fault(fault: Fault, when: FaultWhen, req: Request, next: Next) -> Response<Body> {
    let kill = req.extensions().get::<ConnCtx>().map(|c| c.kill.clone());
    match (fault, when) {
        (Fault::Latency { ms }, FaultWhen::Before) => {
            latency(ms).await;
            next.run(req).await
        }
        (Fault::Latency { ms }, FaultWhen::AfterCommit) => {
            let resp = next.run(req).await;
            latency(ms).await;
            resp
        }
        (Fault::Drop, when) => {
            if when == FaultWhen::AfterCommit {
                drop(next.run(req).await);
            }
            match kill {
                Some(kill) => {
                    tracing::info!("dropping connection without a response");
                    kill.notify_one();
                    // Never answer: the connection task drops this future with the connection.
                    std::future::pending::<Response<Body>>().await
                }
                // Only when the router is driven without our accept loop.
                None => fault_response(
                    &Fault::Status {
                        status: 502,
                        retry_after: None,
                        body: None,
                    },
                    None,
                ),
            }
        }
        (fault, FaultWhen::Before) => fault_response(&fault, None),
        (fault, FaultWhen::AfterCommit) => {
            let resp = next.run(req).await;
            let body = to_bytes(resp.into_body(), usize::MAX).await.ok();
            fault_response(&fault, body.as_deref())
        }
    }
}

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .nest("/api", crate::api::router(state.clone()))
        .merge(crate::hosted::router())
        .nest("/_sandbox", crate::controls::router(state.clone()))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            persist_changes,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            observe_and_inject,
        ))
        // Outermost: a foreign Host or Origin is refused before anything is counted or faulted.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::guard::same_origin_only,
        ))
        .with_state(state)
}

/// Accepts until `shutdown` fires (or its sender is dropped), then aborts open connections.
pub(crate) async fn accept_loop(
    listener: TcpListener,
    app: Router,
    mut shutdown: oneshot::Receiver<()>,
) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    conns.spawn(serve_connection(stream, peer, app.clone()));
                }
                Err(e) => {
                    // e.g. EMFILE: back off briefly instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    conns.shutdown().await;
}

async fn serve_connection(stream: tokio::net::TcpStream, peer: SocketAddr, app: Router) {
    let ctx = ConnCtx {
        kill: Arc::new(Notify::new()),
        peer,
    };
    let kill = ctx.kill.clone();
    let svc = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
        req.extensions_mut().insert(ctx.clone());
        app.clone().oneshot(req.map(Body::new))
    });
    let conn =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc);
    tokio::select! {
        res = conn => {
            if let Err(e) = res {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
        }
        // Dropping `conn` here closes the socket with nothing written.
        _ = kill.notified() => tracing::debug!(%peer, "connection killed by fault"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_keys_fold_ids() {
        let id = Uuid::new_v4();
        assert_eq!(
            stats_key(&Method::GET, &format!("/api/v2/flows/{id}")),
            "GET /api/v2/flows/{id}"
        );
        assert_eq!(
            stats_key(&Method::POST, "/api/v2/flows"),
            "POST /api/v2/flows"
        );
        assert_eq!(
            stats_key(&Method::POST, &format!("/flow/{id}/steps/payout/complete")),
            "POST /flow/{id}/steps/payout/complete"
        );
    }
}
