//! Watching open flows until they are done.
//!
//! One [`Scheduler`] polls every watched flow from a single tokio task: each flow is due at
//! its own instant, the task sleeps until the earliest one (or until a command arrives), and
//! runs the GETs that are due concurrently inside that same task, at most
//! [`WatchConfig::max_in_flight`] at a time. What it sees comes out as [`WatchEvent`]s, which
//! the app forwards to the UI and a CLI can print.
//!
//! Per poll:
//! - the flow changed (steps, completed_steps, user_id or metadata differ from the last one
//!   seen; the first reply always counts as a change) → [`WatchEvent::Updated`], and the
//!   flow's interval goes back to the base interval;
//! - unchanged → no event, the interval is multiplied by the backoff factor, up to
//!   `max_interval`;
//! - done (`progress.done`) → [`WatchEvent::Done`], and the flow is no longer watched;
//! - 429 → [`WatchEvent::Failed`]; with a `Retry-After` the next poll is exactly that far
//!   away (never sooner, even on `refresh`), without one the interval backs off;
//! - other transient errors (server, timeout, network) and unreadable replies (decode) →
//!   [`WatchEvent::Failed`] and the interval backs off: a GET is safe to ask again;
//! - errors that asking again cannot fix (unauthorized, forbidden, not found, any other 4xx,
//!   a refused host or a bad configuration) → [`WatchEvent::Stopped`] with
//!   [`StopReason::Error`], and the flow is no longer watched. A person can fix the key and
//!   watch it again.
//!
//! This module never creates flows, and nothing here ever retries a create: Dots flows have
//! no idempotency key, so a `POST /v2/flows` whose reply was lost may still have made a flow
//! (see [`DotsError::outcome_unknown`]). Only `GET /v2/flows/{id}` is repeated.

mod event;
mod scheduler;

#[cfg(test)]
mod sandbox_tests;
#[cfg(test)]
mod tests;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

pub use event::{StopReason, WatchEvent};
pub use scheduler::{Scheduler, WatchHandle};

use crate::client::DotsClient;
use crate::error::DotsError;
use crate::flow::Flow;

/// What [`FlowSource::get_flow`] returns: a boxed, sendable future.
pub type FlowFuture<'a> = Pin<Box<dyn Future<Output = Result<Flow, DotsError>> + Send + 'a>>;

/// Where a watched flow is read from. Each watched flow carries its own source: a flow is
/// only ever polled with the client of the environment it was created in.
pub trait FlowSource: Send + Sync {
    /// `GET` the flow. Called again after transient errors, so it must be a pure read.
    fn get_flow<'a>(&'a self, id: &'a str) -> FlowFuture<'a>;

    /// For a source that pushes its changes (the local sandbox's events call
    /// [`WatchHandle::refresh`]): polling is only a fallback, this often. `None`: poll on the
    /// scheduler's intervals.
    fn pushed_fallback(&self) -> Option<Duration> {
        None
    }
}

impl FlowSource for DotsClient {
    fn get_flow<'a>(&'a self, id: &'a str) -> FlowFuture<'a> {
        Box::pin(DotsClient::get_flow(self, id))
    }
}

/// No interval is ever shorter than this, so a zero cannot turn the scheduler into a busy loop.
pub const MIN_INTERVAL: Duration = Duration::from_millis(10);

/// How often flows are polled. Out-of-range values are corrected, never rejected: the
/// interval is at least [`MIN_INTERVAL`], `max_interval` at least `interval`, the factor at
/// least 1 and `max_in_flight` at least 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchConfig {
    /// The base interval: after a change, and for a newly watched flow. Default 5 s.
    pub interval: Duration,
    /// Backoff never goes past this (a `Retry-After` may). Default 60 s.
    pub max_interval: Duration,
    /// The interval is multiplied by this after each unchanged poll or transient error. Default 2.
    pub backoff_factor: u32,
    /// GETs running at once, across all flows. Default 8.
    pub max_in_flight: usize,
}

impl Default for WatchConfig {
    fn default() -> Self {
        WatchConfig {
            interval: Duration::from_secs(5),
            max_interval: Duration::from_secs(60),
            backoff_factor: 2,
            max_in_flight: 8,
        }
    }
}

impl WatchConfig {
    /// The same settings, corrected into range.
    pub fn normalized(&self) -> WatchConfig {
        let interval = self.interval.max(MIN_INTERVAL);
        WatchConfig {
            interval,
            max_interval: self.max_interval.max(interval),
            backoff_factor: self.backoff_factor.max(1),
            max_in_flight: self.max_in_flight.max(1),
        }
    }

    /// The interval after one more backoff step from `current`.
    pub fn backoff(&self, current: Duration) -> Duration {
        current.checked_mul(self.backoff_factor.max(1)).unwrap_or(self.max_interval).min(self.max_interval)
    }
}
