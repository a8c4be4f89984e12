//! What the desk makes of a History entry: the flow card it shows again, and the draft a
//! new flow starts from ("Use as new").

use flowdesk_dots::{Flow, StepName};
use flowdesk_history::HistoryEntry;
use serde::Serialize;
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::error::{AppErrorKind, CoreError, CoreResult};
use crate::flows::FlowView;
use crate::Core;

/// A new flow's starting point from a History entry: the steps this app knows, in order,
/// the user, the reference, and the rest of the metadata without a batch's bookkeeping.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct HistoryDraft {
    pub steps: Vec<StepName>,
    pub user_id: Option<String>,
    pub reference: Option<String>,
    #[ts(type = "Record<string, unknown>")]
    pub metadata: Map<String, Value>,
}

impl Core {
    /// The entry's flow card as it was last seen (still watched if not done).
    pub fn history_view(&self, flow_id: &str) -> CoreResult<FlowView> {
        Ok(view_of(&self.entry_or_not_found(flow_id)?))
    }

    /// The entry as a new draft.
    pub fn history_draft(&self, flow_id: &str) -> CoreResult<HistoryDraft> {
        Ok(draft_of(&self.entry_or_not_found(flow_id)?))
    }

    fn entry_or_not_found(&self, flow_id: &str) -> CoreResult<HistoryEntry> {
        self.history_entry(flow_id)
            .ok_or_else(|| CoreError::new(AppErrorKind::History(flowdesk_history::ErrorKind::NotFound), format!("Flow {flow_id} is not in History (it may have been deleted or cleared).")))
    }
}

fn view_of(e: &HistoryEntry) -> FlowView {
    let completed = match &e.progress {
        Some(p) => e.steps.iter().filter(|s| !p.pending.contains(s)).cloned().collect(),
        None => Vec::new(),
    };
    let flow = Flow {
        id: e.flow_id.clone(),
        created: Some(e.created_at),
        user_id: e.user_id.clone(),
        steps: e.steps.clone(),
        completed_steps: completed,
        link: e.link.clone(),
        metadata: e.metadata.clone(),
        payout_link_id: None,
        updated: e.last_checked,
    };
    let mut view = FlowView::new(flow, &e.environment_id);
    // Claimed is known only from the last read (a flow made for a user is claimed from the start).
    if let Some(p) = &e.progress {
        view.progress.claimed = p.claimed;
    }
    view
}

fn draft_of(e: &HistoryEntry) -> HistoryDraft {
    let mut metadata = match &e.metadata {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    metadata.remove("reference");
    for key in flowdesk_bulk::BOOKKEEPING_KEYS {
        metadata.remove(key);
    }
    HistoryDraft {
        steps: e.steps.iter().filter_map(|s| StepName::parse(s)).collect(),
        user_id: e.user_id.clone(),
        reference: e.reference.clone(),
        metadata,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use flowdesk_dots::Progress;
    use serde_json::json;

    fn entry(progress: Option<Progress>) -> HistoryEntry {
        serde_json::from_value(json!({
            "flow_id": "f1", "environment_id": "local", "environment_name": "Local sandbox",
            "created_at": Utc::now(), "steps": ["compliance", "no-such-step", "payout"], "link": "http://x/f1",
            "reference": "INV-7", "user_id": null,
            "metadata": {"reference": "INV-7", "flowdesk_batch": "b", "flowdesk_row": 3, "email": "a@b.c", "team": "ops"},
            "progress": progress,
        }))
        .unwrap()
    }

    #[test]
    fn a_draft_keeps_known_steps_and_own_metadata_only() {
        let d = draft_of(&entry(None));
        assert_eq!(d.steps, vec![StepName::Compliance, StepName::Payout]);
        assert_eq!(d.reference.as_deref(), Some("INV-7"));
        assert_eq!(Value::Object(d.metadata), json!({"email": "a@b.c", "team": "ops"}));
    }

    #[test]
    fn a_view_counts_progress_from_the_last_read_or_from_nothing() {
        let fresh = view_of(&entry(None));
        assert_eq!((fresh.progress.completed, fresh.progress.total, fresh.progress.done), (0, 3, false));
        let read = Progress {
            claimed: true,
            completed: 2,
            total: 3,
            done: false,
            pending: vec!["payout".into()],
        };
        let v = view_of(&entry(Some(read)));
        assert_eq!(v.flow.completed_steps, vec!["compliance", "no-such-step"]);
        assert_eq!((v.progress.completed, v.progress.claimed, v.progress.pending.clone()), (2, true, vec!["payout".to_string()]));
    }
}
