//! What the core reports as it happens, for any shell that listens: the app turns these
//! into window events and desktop notifications, the CLI into progress lines.

use flowdesk_dots::WatchEvent;

use crate::bulk::BatchView;

#[derive(Debug, Clone)]
pub enum CoreEvent {
    /// A watched flow or payout link changed, finished or stopped being watched.
    Watch(WatchEvent),
    /// A batch moved on, finished or stopped (with the reason in `stopped_by`).
    Batch(BatchView),
}
