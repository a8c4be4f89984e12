//! The one poll scheduler watches every open flow and payout link. Its events update each
//! flow's last known progress in History, then go to whoever listens ([`CoreEvent::Watch`]).
//!
//! Payout links are watched by the same scheduler as flows. The scheduler reads flows, so
//! a link is shown to it as a one-step flow: the step is done when the link reaches a
//! final status, and the status itself rides in `metadata.payout_link_status`.

use std::sync::Arc;

use flowdesk_dots::money::PayoutLink;
use flowdesk_dots::watch::FlowFuture;
use flowdesk_dots::{DotsClient, Flow, FlowSource, WatchEvent};
use serde_json::json;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::error::CoreResult;
use crate::events::CoreEvent;
use crate::Core;

impl Core {
    /// Watches a flow with the key of the environment it was created in; polls at once.
    /// On the local sandbox hosted here its events push each change, so the flow is read
    /// on each push and otherwise only at [`PUSHED_FALLBACK`].
    pub async fn watch_flow(&self, id: String, environment_id: &str) -> CoreResult<()> {
        let source: Arc<dyn FlowSource> = match self.pushed_reader(environment_id) {
            Some(reader) => Arc::new(InProcess { reader, links: false }),
            None => Arc::new(self.client(environment_id).await?),
        };
        self.watcher.watch_now(id, source);
        Ok(())
    }

    /// The local sandbox's objects, read in process, when its changes are pushed here
    /// (Local, hosted by this process).
    fn pushed_reader(&self, environment_id: &str) -> Option<flowdesk_sandbox::SandboxReader> {
        if environment_id == flowdesk_settings::LOCAL {
            self.local.reader()
        } else {
            None
        }
    }

    /// A poll interval for this process only (the CLI's `watch --interval`); the saved
    /// setting is unchanged.
    pub fn set_poll_interval_for_this_run(&self, every: std::time::Duration) {
        self.watcher.set_interval(every);
    }

    /// How many flows and links the scheduler watches now.
    pub fn watched_count(&self) -> usize {
        self.watcher.watched_count()
    }

    pub fn unwatch_flow(&self, id: String) {
        self.watcher.unwatch(id);
    }

    /// Polls now (no sooner than a Retry-After the server asked for).
    pub fn refresh_flow(&self, id: String) {
        self.watcher.refresh(id);
    }

    /// Watches a payout link's status with the flows' scheduler.
    pub async fn payout_link_watch(&self, environment_id: Option<&str>, id: String) -> CoreResult<()> {
        let env = self.environment(environment_id)?;
        let source: Arc<dyn FlowSource> = match self.pushed_reader(env.id()) {
            Some(reader) => Arc::new(InProcess { reader, links: true }),
            None => Arc::new(PayoutLinkSource(self.client(env.id()).await?)),
        };
        self.watcher.watch_now(id, source);
        Ok(())
    }
}

/// Remembers each flow's progress in History, then passes the event on.
/// Holds the core weakly, so dropping the core ends the scheduler and this task.
pub(crate) fn pump(core: std::sync::Weak<crate::service::Inner>, mut events: UnboundedReceiver<WatchEvent>) {
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            let Some(core) = Core::upgrade(&core) else { break };
            if let WatchEvent::Updated { id, progress, checked_at, .. } | WatchEvent::Done { id, progress, checked_at, .. } =
                &event
            {
                let (id, progress, at) = (id.clone(), progress.clone(), *checked_at);
                let saved = core.blocking(move |c| Ok(c.history.write(&c.data, |h| h.update_progress(&id, progress, at))?)).await;
                if let Err(e) = saved {
                    tracing::warn!(error = %e, "progress not written to history");
                }
            }
            core.emit(CoreEvent::Watch(event));
        }
    });
}

pub const STEP: &str = "payout-link";

/// How often a pushed flow is read anyway, in case a push was missed.
pub const PUSHED_FALLBACK: std::time::Duration = std::time::Duration::from_secs(3600);

/// The local sandbox hosted by this process, read without HTTP. Its events push every
/// change (see `webhooks::push_local_events`), so it is polled only as a fallback.
struct InProcess {
    reader: flowdesk_sandbox::SandboxReader,
    /// Payout links (shown to the scheduler as one-step flows) rather than flows.
    links: bool,
}

impl FlowSource for InProcess {
    fn get_flow<'a>(&'a self, id: &'a str) -> FlowFuture<'a> {
        Box::pin(async move {
            let gone = || flowdesk_dots::DotsError::NotFound { message: format!("{id} is not in the local sandbox") };
            let unreadable = |e: serde_json::Error| flowdesk_dots::DotsError::Decode(e.to_string());
            if self.links {
                let json = self.reader.payout_link(id).ok_or_else(gone)?;
                Ok(as_flow(serde_json::from_value::<PayoutLink>(json).map_err(unreadable)?))
            } else {
                serde_json::from_value::<Flow>(self.reader.flow(id).ok_or_else(gone)?).map_err(unreadable)
            }
        })
    }

    fn pushed_fallback(&self) -> Option<std::time::Duration> {
        Some(PUSHED_FALLBACK)
    }
}

pub struct PayoutLinkSource(pub DotsClient);

impl FlowSource for PayoutLinkSource {
    fn get_flow<'a>(&'a self, id: &'a str) -> FlowFuture<'a> {
        Box::pin(async move { self.0.get_payout_link(id).await.map(as_flow) })
    }
}

/// The payout link status of a watched link (`None` for a real flow).
pub fn link_status(flow: &Flow) -> Option<&str> {
    if flow.steps != [STEP] {
        return None;
    }
    flow.metadata.as_ref()?.get("payout_link_status")?.as_str()
}

pub fn as_flow(l: PayoutLink) -> Flow {
    Flow {
        id: l.id.clone(),
        created: None,
        user_id: l.claimed_user_id.clone(),
        steps: vec![STEP.into()],
        completed_steps: if l.status.is_final() { vec![STEP.into()] } else { Vec::new() },
        link: l.link.clone(),
        metadata: Some(json!({ "payout_link_status": l.status.as_str(), "amount_cents": l.amount })),
        payout_link_id: Some(l.id),
        updated: None,
    }
}

#[cfg(test)]
mod tests {
    use flowdesk_dots::money::PayoutLinkStatus;

    use super::*;

    #[test]
    fn a_link_is_done_when_its_status_is_final() {
        let mut l: PayoutLink =
            serde_json::from_value(json!({"id": "l", "amount": 500, "status": "sent", "link": "http://x"})).unwrap();
        assert!(!as_flow(l.clone()).progress().done);
        l.status = PayoutLinkStatus::Claimed;
        let f = as_flow(l);
        assert!(f.progress().done);
        assert_eq!(link_status(&f), Some("claimed"));
        let flow: Flow = serde_json::from_value(json!({"id": "f", "steps": ["payout"], "completed_steps": []})).unwrap();
        assert_eq!(link_status(&flow), None);
    }
}
