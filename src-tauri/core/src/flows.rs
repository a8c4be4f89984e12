//! Composing, creating and reading flows. A create is sent once (flows have no idempotency
//! key on Dots); when its reply is lost, the flows it may have made are looked for and
//! recorded in History instead of sending it again.

use chrono::Utc;
use flowdesk_dots::{
    validate, DotsClient, DotsError, ErrorKind, Flow, FlowRequest, ImplicitStep, ListParams, Metadata, Page, Progress,
    ReadRetry, RuleViolation, StepInfo, StepName,
};
use flowdesk_history::HistoryEntry;
use flowdesk_money::AuditEntry;
use flowdesk_settings::Environment;
use serde::Serialize;
use ts_rs::TS;

use crate::confirm::{Ask, Clearance};
use crate::pending::made_by;
use crate::error::{AppErrorKind, CoreError, CoreResult};
use crate::Core;

/// Everything the builder's palette draws.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct StepCatalog {
    pub steps: Vec<StepInfo>,
    /// Drawn greyed at the head of the list while no user_id is given; never sent.
    pub implicit: ImplicitStep,
}

impl StepCatalog {
    pub fn new() -> Self {
        StepCatalog { steps: StepName::ALL.into_iter().map(StepName::info).collect(), implicit: ImplicitStep::onboarding() }
    }
}

impl Default for StepCatalog {
    fn default() -> Self {
        StepCatalog::new()
    }
}

/// A flow with the progress derived from it, so no shell recomputes the rules, and the
/// environment it lives in, so it is only ever read with that environment's key.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FlowView {
    pub flow: Flow,
    pub progress: Progress,
    pub environment_id: String,
}

impl FlowView {
    pub fn new(flow: Flow, environment_id: &str) -> Self {
        FlowView { progress: flow.progress(), flow, environment_id: environment_id.to_string() }
    }
}

impl Core {
    pub fn step_catalog(&self) -> StepCatalog {
        StepCatalog::new()
    }

    /// Every broken rule, each naming its step: the builder asks on every edit.
    pub fn validate_flow(&self, request: &FlowRequest) -> Vec<RuleViolation> {
        validate(request)
    }

    /// The exact body a create would send.
    pub fn preview_request(&self, request: &FlowRequest) -> serde_json::Value {
        request.wire_body()
    }

    /// Creates in the given environment (the active one when `None`). Production is
    /// confirmed by the person first. Sent once; written to History and the audit log
    /// before the link is returned.
    pub async fn create_flow(&self, request: FlowRequest, environment_id: Option<&str>) -> CoreResult<FlowView> {
        let env = self.environment(environment_id)?;
        let problems = validate(&request);
        if !problems.is_empty() {
            return Err(DotsError::Invalid(problems).into());
        }
        let clearance = self
            .clear(&env, |e| {
                let steps = request.steps.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ");
                let detail = format!(
                    "{} ({}) is Production: the link reaches a real person. Steps: {steps}.",
                    e.name(),
                    e.host().unwrap_or_default()
                );
                Ask::about(e, "flow.create", format!("Create a flow in {}?", e.name()), detail, None)
            })
            .await?;
        self.send_create(&clearance, &env, request).await
    }

    async fn send_create(&self, _clearance: &Clearance, env: &Environment, request: FlowRequest) -> CoreResult<FlowView> {
        let t = std::time::Instant::now();
        let client = self.client(env.id()).await?;
        crate::timings::phase("client", t);
        let t = std::time::Instant::now();
        let (env_id, env_name, written) = (env.id().to_string(), env.name().to_string(), request.clone());
        let pending = self.blocking(move |c| c.pending.start(&c.data, &env_id, &env_name, &written)).await?;
        crate::timings::phase("pending_write", t);
        let started = Utc::now();
        let t = std::time::Instant::now();
        let sent = client.create_flow(&request).await;
        crate::timings::phase("request", t);
        let flow = match sent {
            Ok(flow) => flow,
            Err(e) => {
                let (error, settled) = self.after_failed_create(&client, &request, env, started, e).await;
                if settled {
                    self.close_pending(pending).await;
                }
                return Err(error);
            }
        };
        tracing::info!(flow_id = %flow.id, environment = %env.id(), steps = flow.steps.len(), "flow created");
        // The flow exists on Dots whatever happens here: a failed write is logged and the
        // link still returned.
        let entry = entry_for(&flow, &request, env.id(), env.name());
        let audit = AuditEntry::flow_created(env.id(), &flow.id, request.user_id());
        // History first: a kill between the two leaves the create open on disk, and the next
        // start adds only the audit line that is missing.
        let t = std::time::Instant::now();
        let recorded = self
            .blocking(move |c| {
                let t = std::time::Instant::now();
                c.history.write(&c.data, |h| h.record(entry))?;
                crate::timings::phase("history_write", t);
                let t = std::time::Instant::now();
                c.audit(audit);
                crate::timings::phase("audit_write", t);
                Ok(())
            })
            .await;
        crate::timings::phase("durable_writes", t);
        match recorded {
            Ok(()) => {
                let t = std::time::Instant::now();
                self.close_pending(pending).await;
                crate::timings::phase("pending_close", t);
            }
            // Left open: the next start records it.
            Err(e) => tracing::error!(flow_id = %flow.id, error = %e, "flow not written to history"),
        }
        Ok(FlowView::new(flow, env.id()))
    }

    async fn close_pending(&self, id: String) {
        let _ = self.blocking(move |c| Ok(c.pending.end(&c.data, &id))).await;
    }

    /// A create that failed after it was sent may still have made a flow (a lost reply, a
    /// timeout, a proxy page, a server that committed and then answered with an error).
    /// Never sent again: one page of the environment's newest flows is read, and any flow
    /// made since this create started that matches the request and is not in History yet
    /// is recorded there. The error keeps its kind; `details.flow_ids` names what was found.
    /// `settled` is false when Dots could not be asked: the create stays open on disk.
    async fn after_failed_create(
        &self,
        client: &DotsClient,
        request: &FlowRequest,
        env: &Environment,
        started: chrono::DateTime<Utc>,
        error: DotsError,
    ) -> (CoreError, bool) {
        let unknown = error.outcome_unknown();
        let mut core_error = CoreError::from(error);
        // Refused before anything was sent: nothing can exist.
        if matches!(core_error.kind, AppErrorKind::Dots(ErrorKind::Invalid | ErrorKind::HostNotAllowed | ErrorKind::Config)) {
            return (core_error, true);
        }
        let newest = ListParams { limit: Some(20), ..Default::default() };
        let listed = ReadRetry::default().run(|| client.list_flows(&newest)).await;
        let (found, settled): (Vec<Flow>, bool) = match listed {
            Ok(page) => (
                made_by(page.data, request, started)
                    .into_iter()
                    .filter(|f| self.history.read(|h| h.get(&f.id).is_none()))
                    .collect(),
                true,
            ),
            Err(e) => {
                tracing::warn!(kind = ?e.kind(), error = %e, "could not look for the flow of a failed create");
                (Vec::new(), false)
            }
        };
        let user = request.user_id().map(str::to_string);
        if found.is_empty() {
            let entry = AuditEntry {
                recipient: user,
                message: Some(core_error.message.clone()),
                ..AuditEntry::new(env.id(), "flow.create", if unknown { "unknown" } else { "failed" })
            };
            let _ = self.blocking(move |c| Ok(c.audit(entry))).await;
            if unknown {
                core_error.message.push_str(
                    " The flow may still have been created: check History or \"From Dots\" before creating it again.",
                );
            }
            return (core_error, settled);
        }
        let ids: Vec<String> = found.iter().map(|f| f.id.clone()).collect();
        tracing::warn!(flows = ?ids, environment = %env.id(), "a failed create made a flow; saved to history");
        let entries: Vec<HistoryEntry> = found.iter().map(|f| entry_for(f, request, env.id(), env.name())).collect();
        let audit = AuditEntry {
            dots_ids: ids.clone(),
            recipient: user,
            message: Some(core_error.message.clone()),
            ..AuditEntry::new(env.id(), "flow.create", "recovered")
        };
        let recorded = self
            .blocking(move |c| {
                c.audit(audit);
                Ok(c.history.write(&c.data, |h| h.record_many(entries))?)
            })
            .await;
        if let Err(e) = recorded {
            tracing::error!(flows = ?ids, error = %e, "flow of a failed create not written to history");
        }
        core_error.message.push_str(&format!(
            " A flow matching this request was found on Dots afterwards and saved to History ({}): check it before creating another.",
            ids.join(", ")
        ));
        (core_error.with_details(|d| d.flow_ids = Some(ids)), true)
    }

    /// Reads a flow with the key of the environment it was created in. A read: transient
    /// failures are asked again (bounded) before anyone sees them.
    pub async fn get_flow(&self, id: &str, environment_id: &str) -> CoreResult<FlowView> {
        let client = self.client(environment_id).await?;
        let flow = ReadRetry::default().run(|| client.get_flow(id)).await?;
        Ok(FlowView::new(flow, environment_id))
    }

    /// "From Dots": one page of the environment's flows, newest first (cursor paging).
    /// The limit goes out within Dots' 1–100 (the client keeps it there).
    pub async fn list_flows(&self, environment_id: &str, params: ListParams) -> CoreResult<Page<Flow>> {
        let client = self.client(environment_id).await?;
        Ok(ReadRetry::default().run(|| client.list_flows(&params)).await?)
    }

    /// The same page with each flow's progress, as "From Dots" shows it.
    pub async fn list_flow_views(&self, environment_id: &str, params: ListParams) -> CoreResult<Page<FlowView>> {
        let page = self.list_flows(environment_id, params).await?;
        let data = page.data.into_iter().map(|f| FlowView::new(f, environment_id)).collect();
        Ok(Page { data, has_more: page.has_more })
    }
}

/// The history entry for a flow just created, written before its link is shown.
pub(crate) fn entry_for(flow: &Flow, request: &FlowRequest, environment_id: &str, environment_name: &str) -> HistoryEntry {
    HistoryEntry {
        flow_id: flow.id.clone(),
        environment_id: environment_id.to_string(),
        environment_name: environment_name.to_string(),
        created_at: flow.created.unwrap_or_else(Utc::now),
        steps: flow.steps.clone(),
        link: flow.link.clone(),
        reference: reference(request),
        user_id: flow.user_id.clone().or_else(|| request.user_id().map(String::from)),
        metadata: flow.metadata.clone(),
        progress: Some(flow.progress()),
        last_checked: Some(Utc::now()),
        batch: None,
    }
}

/// The builder's free "reference" (a ticket number, the person's email): metadata's
/// `reference` key, or the whole metadata when it is a plain string.
fn reference(request: &FlowRequest) -> Option<String> {
    match &request.metadata {
        Some(Metadata::Text(t)) => Some(t.clone()),
        Some(Metadata::Object(map)) => map.get("reference").and_then(|v| v.as_str()).map(String::from),
        None => None,
    }
}
