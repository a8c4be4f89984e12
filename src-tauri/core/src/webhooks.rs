//! Webhooks for QA, on the local sandbox: its endpoints (with their `whsec_` test secrets),
//! the log of every delivery and attempt, resend, and test events. All of it goes through the
//! sandbox's `/_sandbox/webhooks` controls, so it works the same whether this process hosts
//! the sandbox or another one does. Sandbox and Production webhooks are set in Dots'
//! dashboard: Dots has no API for them, and the core says so.
//!
//! On Local, the sandbox's events also drive the live status of watched flows and payout
//! links at once ([`push_local_events`]), with no HTTP hop; polling is then a fallback.


use flowdesk_money::AuditEntry;
use flowdesk_settings::LOCAL;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::error::{AppErrorKind, AppOnlyKind, CoreError, CoreResult};
use crate::Core;

/// A receiver of the local sandbox's webhooks. Its secret is read on its own, on request.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WebhookEndpoint {
    pub id: String,
    pub url: String,
    pub enabled: bool,
    pub created: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DeliveryState {
    Pending,
    Succeeded,
    Failed,
}

impl DeliveryState {
    /// The name the sandbox's controls and the CLI use.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Succeeded => "succeeded",
            DeliveryState::Failed => "failed",
        }
    }
}

/// A row of the delivery log.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WebhookDelivery {
    pub id: String,
    pub event: String,
    pub endpoint_id: String,
    pub endpoint_url: String,
    pub created: String,
    pub status: DeliveryState,
    pub attempts: u32,
    pub next_attempt: Option<String>,
    pub last_status_code: Option<u16>,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DeliveryPage {
    pub data: Vec<WebhookDelivery>,
    pub has_more: bool,
    /// Deliveries in the log, all filters aside.
    pub total: u32,
}

/// One POST and what came back.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WebhookAttempt {
    pub at: String,
    pub request_headers: Vec<(String, String)>,
    pub status_code: Option<u16>,
    pub latency_ms: u64,
    /// The first kilobyte of the reply.
    pub reply: String,
    pub error: Option<String>,
}

/// A delivery opened: the request as sent and every reply.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DeliveryDetail {
    pub id: String,
    pub message_id: String,
    pub event: String,
    pub endpoint_id: String,
    pub endpoint_url: String,
    pub created: String,
    pub status: DeliveryState,
    pub next_attempt: Option<String>,
    /// The exact body signed and sent.
    pub body: String,
    pub attempts: Vec<WebhookAttempt>,
}

/// Which deliveries to list, newest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DeliveryQuery {
    #[ts(optional)]
    pub event: Option<String>,
    #[ts(optional)]
    pub status: Option<DeliveryState>,
    #[ts(optional)]
    pub endpoint_id: Option<String>,
    /// The last id of the page before.
    #[ts(optional)]
    pub before: Option<String>,
    #[ts(optional)]
    pub limit: Option<u32>,
}

/// What a test event sent.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TriggerResult {
    pub event: String,
    /// `flow`, `payout_link`, `transfer` or `user`.
    pub subject: String,
    pub id: String,
    /// One per enabled endpoint.
    pub deliveries: Vec<String>,
}

/// Where an environment's webhooks are managed.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct WebhooksScope {
    /// True on the local sandbox: endpoints and deliveries are managed here.
    pub here: bool,
    pub message: String,
}

/// The events Dots sends (and the local sandbox emulates), by name.
pub fn webhook_events() -> Vec<String> {
    flowdesk_sandbox::webhooks::EventType::ALL.iter().map(|e| e.as_str().to_string()).collect()
}

const DASHBOARD: &str = "Dots sends this environment's webhooks to the endpoints set in Dots' dashboard; Dots has no API for them, so Flow Desk cannot list or change them. Use the Local sandbox to test a receiver here.";

fn not_local() -> CoreError {
    CoreError::new(AppErrorKind::App(AppOnlyKind::WebhooksNotLocal), DASHBOARD)
}

impl Core {
    /// Where `environment_id`'s webhooks are managed (None: the active environment).
    pub fn webhooks_scope(&self, environment_id: Option<&str>) -> CoreResult<WebhooksScope> {
        let env = self.environment(environment_id)?;
        Ok(if env.is_local() {
            WebhooksScope { here: true, message: "Endpoints registered here get the local sandbox's signed webhooks.".into() }
        } else {
            WebhooksScope { here: false, message: DASHBOARD.into() }
        })
    }

    /// Calls a `/_sandbox/webhooks` control of the local sandbox.
    async fn webhook_control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> CoreResult<Value> {
        self.local_control(method, &format!("/_sandbox/webhooks{path}"), body).await
    }

    async fn webhook_typed<T: serde::de::DeserializeOwned>(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> CoreResult<T> {
        let value = self.webhook_control(method, path, body).await?;
        serde_json::from_value(value).map_err(|e| CoreError::internal(format!("The local sandbox's answer could not be read: {e}")))
    }

    /// Audits a webhook action on Local (never with a secret in it).
    async fn audit_webhook(&self, action: &str, ids: Vec<String>, message: Option<String>) {
        let entry = AuditEntry { dots_ids: ids, message, ..AuditEntry::new(LOCAL, action, "done") };
        let _ = self.blocking(move |c| Ok(c.audit(entry))).await;
    }

    pub async fn webhook_endpoints(&self, env: Option<&str>) -> CoreResult<Vec<WebhookEndpoint>> {
        self.require_local_webhooks(env)?;
        self.webhook_typed(reqwest::Method::GET, "/endpoints", None).await
    }

    /// Registers a receiver (any http or https URL) for the local sandbox's webhooks.
    pub async fn webhook_endpoint_add(&self, env: Option<&str>, url: &str) -> CoreResult<WebhookEndpoint> {
        self.require_local_webhooks(env)?;
        let e: WebhookEndpoint = self.webhook_typed(reqwest::Method::POST, "/endpoints", Some(serde_json::json!({"url": url.trim()}))).await?;
        self.audit_webhook("webhook.endpoint_add", vec![e.id.clone()], Some(e.url.clone())).await;
        Ok(e)
    }

    pub async fn webhook_endpoint_set_enabled(&self, env: Option<&str>, id: &str, enabled: bool) -> CoreResult<WebhookEndpoint> {
        self.require_local_webhooks(env)?;
        let path = format!("/endpoints/{}", segment(id));
        let e: WebhookEndpoint = self.webhook_typed(reqwest::Method::PATCH, &path, Some(serde_json::json!({"enabled": enabled}))).await?;
        let action = if enabled { "webhook.endpoint_enable" } else { "webhook.endpoint_disable" };
        self.audit_webhook(action, vec![e.id.clone()], None).await;
        Ok(e)
    }

    pub async fn webhook_endpoint_remove(&self, env: Option<&str>, id: &str) -> CoreResult<()> {
        self.require_local_webhooks(env)?;
        self.webhook_control(reqwest::Method::DELETE, &format!("/endpoints/{}", segment(id)), None).await?;
        self.audit_webhook("webhook.endpoint_remove", vec![id.to_string()], None).await;
        Ok(())
    }

    /// The endpoint's `whsec_` secret: a test secret of the local sandbox, shown on request.
    pub async fn webhook_endpoint_secret(&self, env: Option<&str>, id: &str) -> CoreResult<String> {
        self.require_local_webhooks(env)?;
        let v = self.webhook_control(reqwest::Method::GET, &format!("/endpoints/{}/secret", segment(id)), None).await?;
        let secret = v["secret"].as_str().ok_or_else(|| CoreError::internal("The local sandbox sent no secret."))?.to_string();
        self.audit_webhook("webhook.secret_reveal", vec![id.to_string()], None).await;
        Ok(secret)
    }

    pub async fn webhook_deliveries(&self, env: Option<&str>, query: &DeliveryQuery) -> CoreResult<DeliveryPage> {
        self.require_local_webhooks(env)?;
        let path = format!("/deliveries?{}", query_string(query));
        self.webhook_typed(reqwest::Method::GET, &path, None).await
    }

    pub async fn webhook_delivery(&self, env: Option<&str>, id: &str) -> CoreResult<DeliveryDetail> {
        self.require_local_webhooks(env)?;
        self.webhook_typed(reqwest::Method::GET, &format!("/deliveries/{}", segment(id)), None).await
    }

    /// Sends a delivery again, on a fresh retry schedule.
    pub async fn webhook_resend(&self, env: Option<&str>, id: &str) -> CoreResult<WebhookDelivery> {
        self.require_local_webhooks(env)?;
        let d: WebhookDelivery = self.webhook_typed(reqwest::Method::POST, &format!("/deliveries/{}/resend", segment(id)), Some(serde_json::json!({}))).await?;
        self.audit_webhook("webhook.resend", vec![d.id.clone()], Some(d.event.clone())).await;
        Ok(d)
    }

    /// Sends a test event about an object of the local sandbox (the newest of its kind when
    /// `id` is None).
    pub async fn webhook_trigger(&self, env: Option<&str>, event: &str, id: Option<&str>) -> CoreResult<TriggerResult> {
        self.require_local_webhooks(env)?;
        let mut body = serde_json::json!({"event": event.trim()});
        if let Some(id) = id {
            body["id"] = Value::String(id.trim().to_string());
        }
        let t: TriggerResult = self.webhook_typed(reqwest::Method::POST, "/trigger", Some(body)).await?;
        self.audit_webhook("webhook.trigger", vec![t.id.clone()], Some(t.event.clone())).await;
        Ok(t)
    }

    /// Refuses anything but Local (`env`; None: the active environment) with the message that
    /// says where Dots keeps that environment's webhooks. Every webhook method checks it.
    pub fn require_local_webhooks(&self, environment_id: Option<&str>) -> CoreResult<()> {
        if self.webhooks_scope(environment_id)?.here {
            Ok(())
        } else {
            Err(not_local())
        }
    }
}

fn query_string(query: &DeliveryQuery) -> String {
    let mut params = url::form_urlencoded::Serializer::new(String::new());
    if let Some(e) = &query.event {
        params.append_pair("event", e);
    }
    if let Some(s) = query.status {
        params.append_pair("status", s.as_str());
    }
    if let Some(e) = &query.endpoint_id {
        params.append_pair("endpoint_id", e);
    }
    if let Some(b) = &query.before {
        params.append_pair("before", b);
    }
    if let Some(l) = query.limit {
        params.append_pair("limit", &l.to_string());
    }
    params.finish()
}

/// An id as one path segment: anything else is percent-encoded, so it cannot reach another
/// control.
fn segment(id: &str) -> String {
    percent_encoding::utf8_percent_encode(id.trim(), percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// On Local, with the sandbox hosted in this process: each flow or payout-link event makes
/// the scheduler read that object now (in process, see `link_watch::InProcess`). A listener
/// that fell behind reads every pushed flow again.
pub(crate) fn push_local_events(core: std::sync::Weak<crate::service::Inner>) {
    let Some(strong) = Core::upgrade(&core) else { return };
    let Some(mut events) = strong.local.subscribe() else { return };
    drop(strong);
    tokio::spawn(async move {
        use flowdesk_sandbox::webhooks::Subject;
        use tokio::sync::broadcast::error::RecvError;
        loop {
            let next = events.recv().await;
            let Some(core) = Core::upgrade(&core) else { break };
            match next {
                Ok(h) if matches!(h.event.subject(), Subject::Flow | Subject::PayoutLink) => core.watcher.refresh(h.id.to_string()),
                Ok(_) => continue,
                // Only the pushed flows: the others are polled anyway, some of them in Production.
                Err(RecvError::Lagged(_)) => core.watcher.refresh_pushed(),
                Err(RecvError::Closed) => break,
            };
        }
    });
}
