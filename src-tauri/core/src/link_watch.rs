//! The one poll scheduler watches every open flow and payout link. Its events update each
//! flow's last known progress in History, then go to whoever listens ([`CoreEvent::Watch`]).
//!
//! Payout links are watched by the same scheduler as flows. The scheduler reads flows, so
//! a link is shown to it as a one-step flow: the step is done when the link reaches a
//! final status, and the link itself rides in `metadata.payout_link`. Listeners never see
//! that disguise: a link's news goes out as its own type ([`PayoutLinkEvent`]).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use flowdesk_dots::money::PayoutLink;
use flowdesk_dots::watch::{FlowFuture, StopReason};
use flowdesk_dots::{DotsClient, ErrorKind, Flow, FlowSource, WatchEvent};
use flowdesk_money::PayoutLinkView;
use serde::Serialize;
use serde_json::json;
use tokio::sync::mpsc::UnboundedReceiver;
use ts_rs::TS;

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
        // Counted, so a link watched again while its last watch's final event is still on
        // its way stays a link (the scheduler trims ids, so the count is kept trimmed too).
        *crate::service::lock(&self.watched_links).entry(id.trim().to_string()).or_insert(0) += 1;
        self.watcher.watch_now(id, source);
        Ok(())
    }

    /// The scheduler's event as listeners see it: a watched payout link's as a
    /// [`PayoutLinkEvent`], a flow's as it is. A watch's last event (done or stopped) ends
    /// one watch of the link; the link is forgotten with its last watch.
    fn typed(&self, event: WatchEvent) -> CoreEvent {
        let mut links = crate::service::lock(&self.watched_links);
        let Some(watches) = links.get_mut(event.id()) else {
            return CoreEvent::Watch(event);
        };
        if matches!(event, WatchEvent::Done { .. } | WatchEvent::Stopped { .. }) {
            *watches -= 1;
            if *watches == 0 {
                links.remove(event.id());
            }
        }
        drop(links);
        match PayoutLinkEvent::from_watch(event) {
            Ok(link_event) => CoreEvent::PayoutLink(link_event),
            Err(event) => CoreEvent::Watch(event),
        }
    }
}

/// A watched payout link changed, reached a final status, could not be read, or stopped
/// being watched.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum PayoutLinkEvent {
    /// The link changed since the last read (or this is the first). Still watched.
    Updated { id: String, checked_at: DateTime<Utc>, link: PayoutLinkView },
    /// Its status is final. No longer watched.
    Done { id: String, checked_at: DateTime<Utc>, link: PayoutLinkView },
    /// A read failed in a way that asking again may fix; the next is in `retry_in_ms`.
    Failed {
        id: String,
        checked_at: DateTime<Utc>,
        kind: ErrorKind,
        message: String,
        #[ts(type = "number")]
        retry_in_ms: u64,
    },
    /// No longer watched: unwatched, or an error that asking again cannot fix.
    Stopped {
        id: String,
        checked_at: DateTime<Utc>,
        reason: StopReason,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        kind: Option<ErrorKind>,
        message: String,
    },
}

impl PayoutLinkEvent {
    /// The event of a link shown to the scheduler by [`as_flow`]; a flow that carries no
    /// link comes back as it was.
    pub fn from_watch(event: WatchEvent) -> Result<Self, WatchEvent> {
        let link_of = |flow: &Flow| -> Option<PayoutLinkView> {
            let json = flow.metadata.as_ref()?.get("payout_link")?.clone();
            serde_json::from_value::<PayoutLink>(json).ok().map(PayoutLinkView::from)
        };
        Ok(match event {
            WatchEvent::Updated { ref id, checked_at, ref flow, .. } => match link_of(flow) {
                Some(link) => PayoutLinkEvent::Updated { id: id.clone(), checked_at, link },
                None => return Err(event),
            },
            WatchEvent::Done { ref id, checked_at, ref flow, .. } => match link_of(flow) {
                Some(link) => PayoutLinkEvent::Done { id: id.clone(), checked_at, link },
                None => return Err(event),
            },
            WatchEvent::Failed { id, checked_at, kind, message, retry_in_ms } => {
                PayoutLinkEvent::Failed { id, checked_at, kind, message, retry_in_ms }
            }
            WatchEvent::Stopped { id, checked_at, reason, kind, message } => {
                PayoutLinkEvent::Stopped { id, checked_at, reason, kind, message }
            }
        })
    }
}

/// Remembers each flow's progress in History, then passes the event on (a payout link's
/// as a [`PayoutLinkEvent`]).
/// Holds the core weakly, so dropping the core ends the scheduler and this task.
pub(crate) fn pump(core: std::sync::Weak<crate::service::Inner>, mut events: UnboundedReceiver<WatchEvent>) {
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            let Some(core) = Core::upgrade(&core) else { break };
            let event = match core.typed(event) {
                CoreEvent::Watch(event) => event,
                link_event => {
                    core.emit(link_event);
                    continue;
                }
            };
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

pub fn as_flow(l: PayoutLink) -> Flow {
    Flow {
        id: l.id.clone(),
        created: None,
        user_id: l.claimed_user_id.clone(),
        steps: vec![STEP.into()],
        completed_steps: if l.status.is_final() { vec![STEP.into()] } else { Vec::new() },
        link: l.link.clone(),
        metadata: Some(json!({ "payout_link": &l })),
        payout_link_id: Some(l.id),
        updated: None,
    }
}

#[cfg(test)]
mod tests {
    use flowdesk_dots::money::PayoutLinkStatus;

    use super::*;

    fn event(flow: Flow) -> WatchEvent {
        let progress = flow.progress();
        let (id, checked_at) = (flow.id.clone(), Utc::now());
        if progress.done {
            WatchEvent::Done { id, checked_at, flow, progress }
        } else {
            WatchEvent::Updated { id, checked_at, flow, progress }
        }
    }

    #[test]
    fn a_link_is_done_when_its_status_is_final_and_comes_back_whole_as_a_link_event() {
        let mut l: PayoutLink = serde_json::from_value(
            json!({"id": "l", "amount": 500, "status": "sent", "link": "http://x", "payee": {"email": "a@b.c"}}),
        )
        .unwrap();
        match PayoutLinkEvent::from_watch(event(as_flow(l.clone()))) {
            Ok(PayoutLinkEvent::Updated { link, .. }) => assert!(!link.done && link.payout_link == l),
            other => panic!("{other:?}"),
        }
        l.status = PayoutLinkStatus::Claimed;
        match PayoutLinkEvent::from_watch(event(as_flow(l.clone()))) {
            Ok(PayoutLinkEvent::Done { link, .. }) => assert!(link.done && link.payout_link == l),
            other => panic!("{other:?}"),
        }
        let flow: Flow = serde_json::from_value(json!({"id": "f", "steps": ["payout"], "completed_steps": []})).unwrap();
        assert!(PayoutLinkEvent::from_watch(event(flow)).is_err(), "a flow stays a flow");
    }
}
