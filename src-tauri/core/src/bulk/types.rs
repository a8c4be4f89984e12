use chrono::{DateTime, Utc};
use flowdesk_bulk::{BatchProgress, Import, Recipient, RowState};
use flowdesk_dots::Step;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One row of a batch as the window shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct BulkRowView {
    pub row: u32,
    pub line: u32,
    pub email: String,
    pub name: Option<String>,
    pub reference: Option<String>,
    pub user_id: Option<String>,
    /// invalid | pending | sending | created | failed | unknown
    pub state: String,
    /// Why a row is invalid, failed or unknown.
    pub detail: Option<String>,
    pub flow_id: Option<String>,
    pub link: Option<String>,
}

impl BulkRowView {
    pub fn new(r: &Recipient, state: &RowState) -> Self {
        let (detail, flow_id, link) = match state {
            RowState::Invalid { reason } | RowState::Unknown { reason } => (Some(reason.clone()), None, None),
            RowState::Failed { message } => (Some(message.clone()), None, None),
            RowState::Created { flow_id, link } => (None, Some(flow_id.clone()), Some(link.clone())),
            RowState::Pending | RowState::Sending => (None, None, None),
        };
        BulkRowView {
            row: r.row,
            line: u32::try_from(r.line).unwrap_or(u32::MAX),
            email: r.email.clone(),
            name: r.name.clone(),
            reference: r.reference.clone(),
            user_id: r.user_id.clone(),
            state: state.label().to_string(),
            detail,
            flow_id,
            link,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct BulkPreview {
    pub rows: Vec<BulkRowView>,
    pub valid: u32,
    pub invalid: u32,
    pub warnings: Vec<String>,
}

impl From<&Import> for BulkPreview {
    fn from(import: &Import) -> Self {
        let rows: Vec<BulkRowView> = import
            .rows
            .iter()
            .map(|r| {
                let state = match &r.problem {
                    Some(reason) => RowState::Invalid { reason: reason.clone() },
                    None => RowState::Pending,
                };
                BulkRowView::new(r, &state)
            })
            .collect();
        let valid = import.valid().count() as u32;
        BulkPreview { invalid: rows.len() as u32 - valid, valid, rows, warnings: import.warnings.clone() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BulkProgress {
    pub total: u32,
    pub created: u32,
    pub failed: u32,
    pub unknown: u32,
    pub remaining: u32,
    pub invalid: u32,
}

impl From<BatchProgress> for BulkProgress {
    fn from(p: BatchProgress) -> Self {
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        BulkProgress {
            total: n(p.total),
            created: n(p.created),
            failed: n(p.failed),
            unknown: n(p.unknown),
            remaining: n(p.remaining),
            invalid: n(p.invalid),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct BatchView {
    pub batch_id: String,
    pub environment_id: String,
    pub started_at: DateTime<Utc>,
    pub progress: BulkProgress,
    pub running: bool,
    pub finished: bool,
    /// Why the last run stopped before the batch was finished (bad credentials, the host
    /// refused, a journal that cannot be written), when it did in this session.
    pub stopped_by: Option<crate::error::CoreError>,
}

/// The steps and options every flow of a batch shares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BulkTemplate {
    pub steps: Vec<Step>,
    pub require_auth: Option<bool>,
    pub hide_go_to_dashboard_on_complete: Option<bool>,
}
