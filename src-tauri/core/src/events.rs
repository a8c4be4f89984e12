//! What the core reports as it happens, for any shell that listens: the app turns these
//! into window events and desktop notifications, the CLI into progress lines.

use flowdesk_dots::WatchEvent;

use crate::bulk::BatchView;

#[derive(Debug, Clone)]
pub enum CoreEvent {
    /// A watched flow changed, finished or stopped being watched.
    Watch(WatchEvent),
    /// A watched payout link changed, reached a final status or stopped being watched.
    PayoutLink(crate::link_watch::PayoutLinkEvent),
    /// A batch moved on, finished or stopped (with the reason in `stopped_by`).
    Batch(BatchView),
    /// Another process (the CLI, a script) changed shared data: read it again.
    DataChanged(Vec<DataKind>),
}

/// What another process changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DataKind {
    Settings,
    History,
    Templates,
    Money,
}
