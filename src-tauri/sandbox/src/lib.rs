//! `flowdesk-sandbox`: a stateful local emulator of Dots' API (flows, users, transfers, payout
//! links and the app's balance), served on 127.0.0.1 for tests and demos. It is an independent implementation of the contract (it does
//! not use the app's client crate), so it can check that client honestly.
//!
//! With `SandboxConfig::state_file` the state survives restarts and crashes (see [`start`]);
//! [`home::SandboxHome`] runs one such sandbox per data folder, shared by the processes using it.
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
mod guard;
pub mod home;
pub mod hosted;
mod hosted_links;
pub mod ledger;
pub mod model;
mod persist;
pub mod receiver;
pub mod seed;
mod server;
pub mod validate;
pub mod webhooks;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use controls::ControlError;
pub use faults::{Fault, FaultSpec, FaultSpecError, FaultWhen};
pub use ledger::{LedgerError, DEFAULT_APP_BALANCE_CENTS, MAX_AMOUNT_CENTS, MAX_DELIVERIES};
pub use model::{Flow, StepName, Wallet};
pub use persist::STATE_VERSION;
pub use seed::SeedUser;
pub use uuid::Uuid;
pub use validate::ValidationError;

use server::{lock, Shared};

/// How to start a sandbox. `port: 0` picks a free port.
#[derive(Clone)]
pub struct SandboxConfig {
    pub client_id: String,
    pub api_key: String,
    pub port: u16,
    /// Where the state is kept across restarts and crashes (see `start`); `None` keeps it in
    /// memory only.
    pub state_file: Option<PathBuf>,
    /// Svix's webhook retry delays are divided by this (1 = real time); tests compress them.
    pub webhook_speedup: u32,
}

impl SandboxConfig {
    pub fn new(client_id: impl Into<String>, api_key: impl Into<String>) -> Self {
        SandboxConfig {
            client_id: client_id.into(),
            api_key: api_key.into(),
            port: 0,
            state_file: None,
            webhook_speedup: 1,
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
            .field("state_file", &self.state_file)
            .field("webhook_speedup", &self.webhook_speedup)
            .finish()
    }
}

/// Binds 127.0.0.1 (never another interface) and serves until `shutdown` or drop. Every
/// route refuses a `Host` other than `127.0.0.1:PORT` / `localhost:PORT` (421) and a
/// state-changing request from a foreign `Origin` (403); the `/_sandbox` controls need the
/// same HTTP Basic credentials as the API (401) and JSON bodies (415).
///
/// With a `state_file`, the flows, users, wallets, transfers, payout links, app balance and
/// idempotency keys are loaded from it (when it exists) and saved to it, crash-safely, after
/// every request that may have changed them and before that request is answered. Faults and
/// request counts are not saved. A file that cannot be parsed is renamed to
/// `<name>.corrupt-<unix secs>` and the sandbox starts empty, saying so in
/// [`SandboxHandle::notice`]; a file that cannot be read, a newer format, or a folder that
/// cannot be written is an error.
pub async fn start(config: SandboxConfig) -> std::io::Result<SandboxHandle> {
    // Bind first: a port in use then leaves the state file untouched.
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
    let addr = listener.local_addr()?;
    let base = Shared::new(config.client_id, config.api_key, addr);
    let speedup = config.webhook_speedup.max(1);
    let shared = match config.state_file {
        None => Shared {
            webhooks: Mutex::new(webhooks::Webhooks::in_memory(speedup)),
            ..base
        },
        Some(path) => {
            let (store, notice, hooks, path) = tokio::task::spawn_blocking(move || {
                let (store, notice) = persist::open(&path)?;
                let hooks = webhooks::Webhooks::open(webhooks_journal(&path), speedup)?;
                Ok::<_, std::io::Error>((store, notice, hooks, path))
            })
            .await
            .map_err(|e| std::io::Error::other(format!("loading the state failed: {e}")))??;
            if let Some(n) = &notice {
                tracing::warn!("{n}");
            }
            Shared {
                store: Mutex::new(store),
                webhooks: Mutex::new(hooks),
                durable: Some(persist::Durable::new(path)),
                notice,
                ..base
            }
        }
    };
    let shared = Arc::new(shared);
    let app = server::router(shared.clone());
    let (tx, rx) = oneshot::channel();
    let task = tokio::spawn(server::accept_loop(listener, app, rx));
    // Deliveries left pending by the last run go out now.
    let dispatcher = tokio::spawn(webhooks::run_dispatcher(shared.clone()));
    Ok(SandboxHandle {
        addr,
        shared,
        shutdown: Some(tx),
        task: Some(task),
        dispatcher: Some(dispatcher),
    })
}

/// A running sandbox. Dropping it stops the server too (without waiting).
pub struct SandboxHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    dispatcher: Option<JoinHandle<()>>,
}

/// The webhook journal beside a state file: `sandbox-state.json` → `sandbox-state.webhooks.jsonl`.
pub fn webhooks_journal(state_file: &Path) -> PathBuf {
    let stem = state_file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "sandbox".into());
    state_file.with_file_name(format!("{stem}.webhooks.jsonl"))
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

    /// The origin and the credentials the API and the `/_sandbox` controls take (HTTP Basic
    /// `client_id:api_key`).
    pub fn endpoint(&self) -> home::Endpoint {
        home::Endpoint {
            origin: self.shared.origin.clone(),
            client_id: self.shared.client_id.clone(),
            api_key: self.shared.api_key.clone(),
        }
    }

    /// The state file, when the state is durable.
    pub fn state_file(&self) -> Option<&Path> {
        self.shared.durable.as_ref().map(|d| d.path())
    }

    /// A one-line message about how the state was loaded, e.g. that a corrupt state file was
    /// set aside and the sandbox started empty. `None` when there is nothing to say.
    pub fn notice(&self) -> Option<String> {
        self.shared.notice.clone()
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

    /// Answers flows with their metadata as JSON text (the spec allows a string), as some Dots
    /// deployment might; for tests of clients that must match either form.
    pub fn set_metadata_as_text(&self, on: bool) {
        self.shared.metadata_as_text.store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Reads flows and payout links straight from the store, for the process hosting the
    /// sandbox (no HTTP, no faults): what the app's live status reads on a push.
    pub fn reader(&self) -> SandboxReader {
        SandboxReader { shared: self.shared.clone() }
    }

    /// Every event the sandbox notes (what its webhooks are about), as it is sent: the app's
    /// live status follows these instead of polling. A receiver that falls behind gets
    /// `Lagged` and should read everything it watches again.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<webhooks::Happened> {
        self.shared.events.subscribe()
    }

    /// Adds a webhook endpoint (as `POST /_sandbox/webhooks/endpoints`); returns it with its
    /// secret.
    pub fn add_webhook_endpoint(&self, url: &str) -> Result<webhooks::Endpoint, webhooks::WebhookError> {
        lock(&self.shared.webhooks).add_endpoint(url)
    }

    /// A delivery as `GET /_sandbox/webhooks/deliveries/{id}` shows it.
    pub fn webhook_delivery(&self, id: Uuid) -> Option<webhooks::Delivery> {
        lock(&self.shared.webhooks).delivery(id).ok().cloned()
    }

    /// How many webhook deliveries the sandbox keeps.
    pub fn webhook_delivery_count(&self) -> usize {
        lock(&self.shared.webhooks).delivery_count()
    }

    /// Deliveries newest first, as the list control filters them.
    pub fn webhook_deliveries(&self, filter: &webhooks::DeliveryFilter) -> Vec<webhooks::Delivery> {
        lock(&self.shared.webhooks).list(filter).into_iter().cloned().collect()
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
        let flow = self.shared.complete_step(flow_id.as_ref(), step.as_ref())?;
        self.shared.persist_logged();
        Ok(flow)
    }

    /// Mirror of `POST /_sandbox/flows/{id}/claim`: `None` claims for a new user.
    pub fn claim(
        &self,
        flow_id: impl AsRef<str>,
        user_id: Option<Uuid>,
    ) -> Result<Flow, ControlError> {
        let flow = self.shared.claim(flow_id.as_ref(), user_id)?;
        self.shared.persist_logged();
        Ok(flow)
    }

    /// Mirror of `POST /_sandbox/users`: puts a user in the store as given (any status,
    /// compliance and wallet) and returns it as `GET /v2/users/{id}` would.
    pub fn seed_user(&self, seed: SeedUser) -> Result<serde_json::Value, ControlError> {
        let user = self.shared.seed_user(seed)?;
        self.shared.persist_logged();
        Ok(user)
    }

    /// The user as `GET /v2/users/{id}` returns it.
    pub fn user(&self, user_id: impl AsRef<str>) -> Option<serde_json::Value> {
        let id = model::parse_uuid(user_id.as_ref())?;
        lock(&self.shared.store)
            .users
            .get(&id)
            .map(model::User::to_json)
    }

    pub fn user_count(&self) -> usize {
        lock(&self.shared.store).users.len()
    }

    /// The user's wallet `amount` in cents (the sandbox never holds funds, so it always equals
    /// `withdrawable_amount`). Mirror of `GET /_sandbox/users/{id}/wallet`.
    pub fn wallet_cents(&self, user_id: impl AsRef<str>) -> Option<i64> {
        let id = model::parse_uuid(user_id.as_ref())?;
        lock(&self.shared.store)
            .users
            .get(&id)
            .map(|u| u.wallet.amount)
    }

    /// The app's own Dots wallet, in cents (`DEFAULT_APP_BALANCE_CENTS` after start or reset).
    pub fn app_balance_cents(&self) -> i64 {
        lock(&self.shared.store).ledger.app_balance
    }

    /// Mirror of `POST /_sandbox/app-balance`, except that a negative value is stored as 0.
    pub fn set_app_balance_cents(&self, cents: i64) {
        lock(&self.shared.store).ledger.app_balance = cents.max(0);
        self.shared.persist_logged();
    }

    /// The user's transfers as `GET /v2/transfers/{id}` returns them, oldest first.
    pub fn transfers_for(&self, user_id: impl AsRef<str>) -> Vec<serde_json::Value> {
        let Some(id) = model::parse_uuid(user_id.as_ref()) else {
            return Vec::new();
        };
        lock(&self.shared.store)
            .ledger
            .transfers
            .oldest_first()
            .filter(|t| t.user_id == id)
            .map(ledger::Transfer::to_json)
            .collect()
    }

    pub fn transfer_count(&self) -> usize {
        lock(&self.shared.store).ledger.transfers.len()
    }

    /// The payout link as `GET /v2/payout-links/{id}` returns it.
    pub fn payout_link(&self, link_id: impl AsRef<str>) -> Option<serde_json::Value> {
        let id = model::parse_uuid(link_id.as_ref())?;
        lock(&self.shared.store)
            .ledger
            .links
            .get(&id)
            .map(|l| l.to_json(&self.shared.origin))
    }

    pub fn payout_link_count(&self) -> usize {
        lock(&self.shared.store).ledger.links.len()
    }

    /// Mirror of `POST /_sandbox/reset`: drops all flows, users, transfers, payout links,
    /// faults and request counts, and restores the default app balance. With a state file the
    /// emptied state is saved too (the methods that change the state all save before they
    /// return; a failed save is logged, and the next save includes the change).
    pub fn reset(&self) {
        self.shared.reset();
        self.shared.persist_logged();
    }

    /// Writes the state file now (a no-op without a state file).
    pub fn save(&self) -> std::io::Result<()> {
        self.shared.save_upto(self.shared.changed())
    }

    /// Stops accepting, closes open connections and waits for the server task; then saves
    /// anything unsaved and stops saving, so nothing this sandbox does can overwrite the state
    /// file after it returns.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(d) = self.dispatcher.take() {
            d.abort();
            let _ = d.await;
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        if self.shared.durable.is_some() {
            let shared = self.shared.clone();
            match tokio::task::spawn_blocking(move || shared.close()).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::error!(error = %e, "sandbox state not saved at shutdown"),
                Err(e) => tracing::error!(error = %e, "sandbox state not saved at shutdown"),
            }
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        // Dropping the sender alone also wakes the loop; sending makes the intent explicit.
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(d) = self.dispatcher.take() {
            d.abort();
        }
    }
}

/// A cheap, cloneable view of a running sandbox's objects, as its API answers them.
#[derive(Clone)]
pub struct SandboxReader {
    shared: Arc<Shared>,
}

impl SandboxReader {
    /// The flow as `GET /v2/flows/{id}` would return it.
    pub fn flow(&self, id: &str) -> Option<serde_json::Value> {
        let id = model::parse_uuid(id)?;
        self.shared.flow_json(&id).and_then(|f| serde_json::to_value(f).ok())
    }

    /// The payout link as `GET /v2/payout-links/{id}` would return it.
    pub fn payout_link(&self, id: &str) -> Option<serde_json::Value> {
        let id = model::parse_uuid(id)?;
        lock(&self.shared.store).ledger.links.get(&id).map(|l| l.to_json(&self.shared.origin))
    }
}
