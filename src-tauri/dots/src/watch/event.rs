//! What the scheduler reports, shaped for the UI (generated TypeScript types via ts-rs).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::ErrorKind;
use crate::flow::{Flow, Progress};

/// One thing the scheduler saw about one flow. Every event names the flow and the time of
/// the check it comes from.
///
/// JSON: `{"type": "updated" | "done" | "failed" | "stopped", "id": "...", "checked_at":
/// "2024-07-11T21:10:30.846081Z", ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum WatchEvent {
    /// The flow changed since the last poll (or this is the first reply). Still watched.
    Updated { id: String, checked_at: DateTime<Utc>, flow: Flow, progress: Progress },
    /// Every step is completed. No longer watched.
    Done { id: String, checked_at: DateTime<Utc>, flow: Flow, progress: Progress },
    /// A poll failed in a way that asking again may fix. Still watched: the next poll is in
    /// `retry_in_ms` milliseconds.
    Failed {
        id: String,
        checked_at: DateTime<Utc>,
        kind: ErrorKind,
        message: String,
        #[ts(type = "number")]
        retry_in_ms: u64,
    },
    /// No longer watched: unwatched, or an error that asking again cannot fix (`kind` then
    /// says which).
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

/// Why a flow is no longer watched (besides being done).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StopReason {
    /// `unwatch` was called.
    Unwatched,
    /// Dots refused the GET in a way that asking again cannot fix.
    Error,
}

impl WatchEvent {
    pub fn id(&self) -> &str {
        match self {
            WatchEvent::Updated { id, .. }
            | WatchEvent::Done { id, .. }
            | WatchEvent::Failed { id, .. }
            | WatchEvent::Stopped { id, .. } => id,
        }
    }

    pub fn checked_at(&self) -> DateTime<Utc> {
        match self {
            WatchEvent::Updated { checked_at, .. }
            | WatchEvent::Done { checked_at, .. }
            | WatchEvent::Failed { checked_at, .. }
            | WatchEvent::Stopped { checked_at, .. } => *checked_at,
        }
    }

    /// True for the events after which the flow is no longer watched.
    pub fn is_final(&self) -> bool {
        matches!(self, WatchEvent::Done { .. } | WatchEvent::Stopped { .. })
    }
}
