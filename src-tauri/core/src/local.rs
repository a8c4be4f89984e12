//! The local sandbox: one per user, durable, shared. Its state lives in the data folder and
//! survives restarts and crashes; its address (port 4010 when free, else one chosen once)
//! stays the same from run to run. Only the app and `flowdesk sandbox` host it; every other
//! process finds the host through `sandbox.json` (0600) in the data folder.

use std::path::Path;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use flowdesk_dots::ClientConfig;
use flowdesk_money::AuditEntry;
use flowdesk_sandbox::home::{Endpoint, HostGuard, Hosted, SandboxHome};
use flowdesk_settings::LOCAL;
use serde::Deserialize;
use serde_json::Value;

use crate::confirm::Ask;
use crate::error::{AppErrorKind, AppOnlyKind, CoreError, CoreResult};
use crate::service::lock;
use crate::Core;

/// How a shell relates to the local sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalMode {
    /// Host it unless another process does (the app, `flowdesk sandbox`).
    Host,
    /// Use the running host; never host one that would die with this process (CLI verbs).
    Connect,
}

pub(crate) struct Local {
    home: SandboxHome,
    endpoint: Option<Endpoint>,
    guard: Mutex<Option<HostGuard>>,
    problem: Option<String>,
}

fn no_sandbox(message: impl Into<String>) -> CoreError {
    CoreError::new(AppErrorKind::App(AppOnlyKind::NoLocalSandbox), message)
}

impl Local {
    pub(crate) async fn open(data_dir: &Path, mode: LocalMode) -> Local {
        let home = SandboxHome::new(data_dir);
        let (endpoint, guard, problem) = match mode {
            LocalMode::Host => match home.host().await {
                Ok(Hosted::Here(guard)) => {
                    tracing::info!(base_url = %guard.endpoint.base_url(), "local sandbox started");
                    (Some(guard.endpoint.clone()), Some(guard), None)
                }
                Ok(Hosted::Elsewhere(endpoint)) => {
                    tracing::info!(origin = %endpoint.origin, "the local sandbox is hosted by another process");
                    (Some(endpoint), None, None)
                }
                Err(e) => {
                    tracing::error!(error = %e, "the local sandbox could not start");
                    (None, None, Some(format!("The local sandbox could not start: {e}")))
                }
            },
            LocalMode::Connect => match home.endpoint() {
                Ok(endpoint) => (Some(endpoint), None, None),
                Err(e) => (None, None, Some(format!("The local sandbox's address file cannot be read: {e}"))),
            },
        };
        Local { home, endpoint, guard: Mutex::new(guard), problem }
    }

    pub(crate) fn notice(&self) -> Option<String> {
        lock(&self.guard).as_ref().and_then(|g| g.sandbox.notice())
    }

    /// "http://127.0.0.1:PORT", where its hosted pages live.
    pub(crate) fn origin(&self) -> Option<String> {
        self.endpoint.as_ref().map(|e| e.origin.clone())
    }

    pub(crate) fn base_url(&self) -> Option<String> {
        self.endpoint.as_ref().map(Endpoint::base_url)
    }

    pub(crate) fn hosted_here(&self) -> bool {
        lock(&self.guard).is_some()
    }

    /// Reads of the hosted sandbox's objects, when this process hosts it.
    pub(crate) fn reader(&self) -> Option<flowdesk_sandbox::SandboxReader> {
        lock(&self.guard).as_ref().map(|g| g.sandbox.reader())
    }

    /// The hosted sandbox's events, when this process hosts it.
    pub(crate) fn subscribe(&self) -> Option<tokio::sync::broadcast::Receiver<flowdesk_sandbox::webhooks::Happened>> {
        lock(&self.guard).as_ref().map(|g| g.sandbox.subscribe())
    }

    /// The client settings for the sandbox, when some process hosts it.
    pub(crate) fn client_config(&self, timeout: Duration) -> CoreResult<ClientConfig> {
        let Some(endpoint) = &self.endpoint else {
            return Err(no_sandbox(self.problem.clone().unwrap_or_else(|| "No local sandbox.".into())));
        };
        if !self.hosted_here() && !self.home.is_hosted() {
            return Err(no_sandbox(
                "No local sandbox is running: start one with `flowdesk sandbox` (or open Flow Desk), then try again.",
            ));
        }
        let mut config = ClientConfig::new(&endpoint.base_url(), endpoint.client_id.clone(), endpoint.api_key.clone())?;
        config.timeout = timeout;
        Ok(config)
    }

    /// What stays the same for this user's sandbox whatever its port: the client id made
    /// once with its credentials.
    pub(crate) fn identity(&self) -> Option<&str> {
        self.endpoint.as_ref().map(|e| e.client_id.as_str())
    }

    /// The address and credentials, for the process that hosts it (`flowdesk sandbox`).
    pub(crate) fn endpoint(&self) -> Option<&Endpoint> {
        self.endpoint.as_ref()
    }
}

impl Core {
    /// Where the local sandbox answers ("http://127.0.0.1:PORT"), when known.
    pub fn local_origin(&self) -> Option<String> {
        self.local.origin()
    }

    /// Whether this process hosts the local sandbox.
    pub fn hosts_local_sandbox(&self) -> bool {
        self.local.hosted_here()
    }

    /// Forgets every flow, user, wallet, transfer and payout link of the local sandbox,
    /// after asking the person.
    pub async fn reset_local_sandbox(&self) -> CoreResult<()> {
        let origin = self.local.origin().unwrap_or_default();
        self.ask(Ask {
            action: "sandbox.reset".into(),
            environment_id: LOCAL.into(),
            environment_name: "Local sandbox".into(),
            host: None,
            title: "Reset the local sandbox?".into(),
            detail: format!(
                "Every flow, user, wallet, transfer and payout link of the local sandbox at {origin} is forgotten; links already handed out stop working."
            ),
            amount_cents: None,
        })
        .await?;
        // Off the async workers: the reset rewrites the sandbox's state and webhook journal.
        let reset_here = self.blocking(|c| Ok(lock(&c.local.guard).as_ref().map(|g| g.sandbox.reset()).is_some())).await?;
        if !reset_here {
            self.local_control(reqwest::Method::POST, "/_sandbox/reset", Some(serde_json::json!({}))).await?;
        }
        self.blocking(|c| Ok(c.audit(AuditEntry::new(LOCAL, "sandbox.reset", "done")))).await
    }

    /// Calls a `/_sandbox` control of the local sandbox (whichever process hosts it).
    pub(crate) async fn local_control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> CoreResult<Value> {
        self.local.client_config(Duration::from_secs(10))?; // says how to start one if none runs
        let endpoint = self.local.endpoint().ok_or_else(|| no_sandbox("No local sandbox."))?;
        let mut request = http()
            .request(method, format!("{}{path}", endpoint.origin))
            .basic_auth(&endpoint.client_id, Some(&endpoint.api_key));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.map_err(|e| {
            CoreError::new(
                AppErrorKind::App(AppOnlyKind::NoLocalSandbox),
                format!("The local sandbox did not answer: {}", e.without_url()),
            )
        })?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        if !status.is_success() {
            return Err(refusal(status, &text));
        }
        serde_json::from_str(&text).map_err(|e| CoreError::internal(format!("The local sandbox's answer could not be read: {e}")))
    }

    /// The address and credentials of the sandbox this process hosts (for `flowdesk sandbox`
    /// to print where it listens; the key itself stays in the 0600 file).
    pub fn local_endpoint(&self) -> Option<(String, String)> {
        self.local.endpoint().map(|e| (e.origin.clone(), e.base_url()))
    }
}

fn http() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(10)).build().unwrap_or_else(|_| reqwest::Client::new())
    })
}

/// The sandbox's error body: `{"success": false, "error": CODE, "message": TEXT}`.
#[derive(Deserialize)]
struct ControlRefusal {
    error: String,
    message: String,
}

fn refusal(status: reqwest::StatusCode, body: &str) -> CoreError {
    let parsed: Option<ControlRefusal> = serde_json::from_str(body).ok();
    let message = parsed.as_ref().map(|r| r.message.clone()).unwrap_or_else(|| format!("The local sandbox answered {status}."));
    let kind = match (status.as_u16(), parsed.as_ref().map(|r| r.error.as_str())) {
        (404, _) => AppErrorKind::Dots(flowdesk_dots::ErrorKind::NotFound),
        (400 | 409, _) => AppErrorKind::Dots(flowdesk_dots::ErrorKind::InvalidRequest),
        _ => AppErrorKind::App(AppOnlyKind::Internal),
    };
    CoreError::new(kind, message)
}
