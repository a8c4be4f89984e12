//! `flowdesk-sandbox`: a stateful local emulator of the flows part of Dots' API, served on
//! 127.0.0.1 for tests and demos. It is an independent implementation of the contract (it does
//! not use the app's client crate), so it can check that client honestly.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = flowdesk_sandbox::start(flowdesk_sandbox::SandboxConfig::new("cid", "key")).await?;
//! println!("Dots base URL: {}", sandbox.base_url()); // http://127.0.0.1:PORT/api
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```

pub mod api;
pub mod controls;
pub mod faults;
pub mod hosted;
mod hosted_links;
pub mod ledger;
pub mod model;
mod server;
pub mod validate;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use controls::ControlError;
pub use faults::{Fault, FaultSpec, FaultSpecError, FaultWhen};
pub use model::{Flow, StepName};
pub use uuid::Uuid;
pub use validate::ValidationError;

use server::{lock, Shared};

/// How to start a sandbox. `port: 0` picks a free port.
#[derive(Clone)]
pub struct SandboxConfig {
    pub client_id: String,
    pub api_key: String,
    pub port: u16,
}

impl SandboxConfig {
    pub fn new(client_id: impl Into<String>, api_key: impl Into<String>) -> Self {
        SandboxConfig {
            client_id: client_id.into(),
            api_key: api_key.into(),
            port: 0,
        }
    }
}

// Hand-written so the API key never reaches a log line through `{:?}`.
impl std::fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("client_id", &self.client_id)
            .field("api_key", &"<redacted>")
            .field("port", &self.port)
            .finish()
    }
}

/// Binds 127.0.0.1 (never another interface: the test controls have no auth) and serves
/// until `shutdown` or drop.
pub async fn start(config: SandboxConfig) -> std::io::Result<SandboxHandle> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
    let addr = listener.local_addr()?;
    let shared = Arc::new(Shared::new(
        config.client_id,
        config.api_key,
        format!("http://{addr}"),
    ));
    let app = server::router(shared.clone());
    let (tx, rx) = oneshot::channel();
    let task = tokio::spawn(server::accept_loop(listener, app, rx));
    Ok(SandboxHandle {
        addr,
        shared,
        shutdown: Some(tx),
        task: Some(task),
    })
}

/// A running sandbox. Dropping it stops the server too (without waiting).
pub struct SandboxHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl SandboxHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The Dots base URL: request paths start with `/v2`.
    pub fn base_url(&self) -> String {
        format!("{}/api", self.shared.origin)
    }

    /// "http://127.0.0.1:PORT", where the hosted pages and `/_sandbox` controls live.
    pub fn origin(&self) -> String {
        self.shared.origin.clone()
    }

    pub fn flow_count(&self) -> usize {
        lock(&self.shared.store).len()
    }

    /// The flow as `GET /v2/flows/{id}` would return it.
    pub fn flow(&self, flow_id: impl AsRef<str>) -> Option<Flow> {
        model::parse_uuid(flow_id.as_ref()).and_then(|id| self.shared.flow_json(&id))
    }

    /// Queues a fault (see `POST /_sandbox/faults`). Unlike the HTTP control this does not
    /// reject: a zero count acts as 1, an invalid status as 500, a huge size is capped.
    pub fn inject(&self, f: FaultSpec) {
        let f = FaultSpec {
            count: f.count.max(1),
            ..f
        };
        lock(&self.shared.faults).push(f);
    }

    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    pub fn pending_faults(&self) -> Vec<FaultSpec> {
        lock(&self.shared.faults).pending()
    }

    /// Mirror of `POST /_sandbox/flows/{id}/complete`: any order, idempotent.
    pub fn complete_step(
        &self,
        flow_id: impl AsRef<str>,
        step: impl AsRef<str>,
    ) -> Result<Flow, ControlError> {
        self.shared.complete_step(flow_id.as_ref(), step.as_ref())
    }

    /// Mirror of `POST /_sandbox/flows/{id}/claim`: `None` claims for a new user.
    pub fn claim(
        &self,
        flow_id: impl AsRef<str>,
        user_id: Option<Uuid>,
    ) -> Result<Flow, ControlError> {
        self.shared.claim(flow_id.as_ref(), user_id)
    }

    /// Mirror of `POST /_sandbox/reset`: drops all flows, users, faults and request counts.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Stops accepting, closes open connections and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        // Dropping the sender alone also wakes the loop; sending makes the intent explicit.
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
