//! The single task that polls every watched flow, and the handle that steers it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::event::{StopReason, WatchEvent};
use super::{FlowSource, WatchConfig, MIN_INTERVAL};
use crate::error::{DotsError, ErrorKind};
use crate::flow::Flow;

enum Command {
    Watch { id: String, source: Arc<dyn FlowSource>, now: bool },
    Refresh { id: String },
    RefreshPushed,
    Unwatch { id: String },
    SetInterval(Duration),
    Shutdown,
}

/// Steers a running [`Scheduler`]. Cheap to clone; every method returns at once (commands
/// are queued to the scheduler task, which applies them in order). The methods that send
/// a command return false when the scheduler has stopped (or, for ids, when the id is
/// empty). When the last handle is dropped the scheduler stops too.
#[derive(Clone)]
pub struct WatchHandle {
    commands: mpsc::UnboundedSender<Command>,
    watched: Arc<Mutex<BTreeSet<String>>>,
}

impl fmt::Debug for WatchHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WatchHandle").field("watched", &lock(&self.watched).len()).field("running", &self.is_running()).finish()
    }
}

impl WatchHandle {
    /// Starts watching `id`, read through `source`; the first poll is one interval away.
    /// Watching a flow that is already watched changes nothing (its schedule and its source
    /// stay as they are): a flow is never polled twice as often.
    pub fn watch(&self, id: impl Into<String>, source: Arc<dyn FlowSource>) -> bool {
        self.add(id.into(), source, false)
    }

    /// Like [`watch`](Self::watch), but the first poll is now. On a flow already watched it
    /// acts as [`refresh`](Self::refresh).
    pub fn watch_now(&self, id: impl Into<String>, source: Arc<dyn FlowSource>) -> bool {
        self.add(id.into(), source, true)
    }

    /// Polls a watched flow now (and puts its interval back to the base one), unless a poll
    /// of it is already running, or Dots asked with `Retry-After` to wait longer: then it
    /// polls as soon as that allows. Unknown ids are ignored.
    pub fn refresh(&self, id: impl Into<String>) -> bool {
        let id = clean(id.into());
        !id.is_empty() && self.commands.send(Command::Refresh { id }).is_ok()
    }

    /// Reads every flow of a pushed source again (after pushes may have been missed); flows
    /// polled on the intervals are left alone.
    pub fn refresh_pushed(&self) -> bool {
        self.commands.send(Command::RefreshPushed).is_ok()
    }

    /// Stops watching `id`, with a [`WatchEvent::Stopped`] (reason `unwatched`) if it was
    /// watched. A reply to a GET still running for it is dropped.
    pub fn unwatch(&self, id: impl Into<String>) -> bool {
        let id = clean(id.into());
        if id.is_empty() {
            return false;
        }
        lock(&self.watched).remove(&id);
        self.commands.send(Command::Unwatch { id }).is_ok()
    }

    /// Sets the base interval (at least [`MIN_INTERVAL`]; `max_interval` grows to it if
    /// needed). Every flow goes back to the new base interval, and one due later than that
    /// from now is polled sooner (never sooner than a `Retry-After` allows).
    pub fn set_interval(&self, interval: Duration) -> bool {
        self.commands.send(Command::SetInterval(interval)).is_ok()
    }

    /// Stops the scheduler: running GETs are dropped, no further events are sent (no
    /// `Stopped` per flow) and the event receiver then yields `None`.
    pub fn shutdown(&self) {
        lock(&self.watched).clear();
        let _ = self.commands.send(Command::Shutdown);
    }

    /// The ids watched, sorted. Reflects this handle's own calls at once and the scheduler's
    /// own decisions (done, stopped) as soon as it has made them.
    pub fn watched(&self) -> Vec<String> {
        lock(&self.watched).iter().cloned().collect()
    }

    pub fn is_watched(&self, id: &str) -> bool {
        lock(&self.watched).contains(id.trim())
    }

    pub fn watched_count(&self) -> usize {
        lock(&self.watched).len()
    }

    /// False once the scheduler task has ended.
    pub fn is_running(&self) -> bool {
        !self.commands.is_closed()
    }

    fn add(&self, id: String, source: Arc<dyn FlowSource>, now: bool) -> bool {
        let id = clean(id);
        if id.is_empty() || self.commands.is_closed() {
            return false;
        }
        lock(&self.watched).insert(id.clone());
        self.commands.send(Command::Watch { id, source, now }).is_ok()
    }
}

fn clean(id: String) -> String {
    let trimmed = id.trim();
    if trimmed.len() == id.len() {
        id
    } else {
        trimmed.to_string()
    }
}

/// A poisoned lock only means another thread panicked mid-update of a plain set: go on.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// One watched flow.
struct Entry {
    source: Arc<dyn FlowSource>,
    /// Which `watch` this entry belongs to, so a reply to a GET started before an
    /// unwatch/watch pair is not taken for the new one.
    token: u64,
    last: Option<Flow>,
    /// The current (backed-off) interval.
    interval: Duration,
    /// Its place in the due queue; `None` while its GET is running.
    slot: Option<Slot>,
    /// Set by a 429's `Retry-After`: no poll before this instant.
    not_before: Option<Instant>,
    /// A pushed source's fallback interval: it replaces the base and backed-off ones.
    pushed: Option<Duration>,
    /// A push came while a GET was running: that GET may predate the change, read again.
    pushed_again: bool,
}

type Slot = (Instant, u64);

/// The end of one GET.
struct Finished {
    id: String,
    token: u64,
    result: Result<Flow, DotsError>,
}

type PollFuture = Pin<Box<dyn Future<Output = Finished> + Send>>;

/// The GETs running now, all polled by the scheduler task itself (no task per GET). The set
/// is at most `max_in_flight` long, so polling each one on a wake-up costs next to nothing.
#[derive(Default)]
struct InFlight(Vec<PollFuture>);

impl InFlight {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn push(&mut self, f: PollFuture) {
        self.0.push(f);
    }

    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Finished> {
        for i in 0..self.0.len() {
            if let Poll::Ready(done) = self.0[i].as_mut().poll(cx) {
                drop(self.0.swap_remove(i));
                return Poll::Ready(done);
            }
        }
        Poll::Pending
    }
}

enum Wake {
    Command(Option<Command>),
    Finished(Finished),
    Due,
}

/// The poll scheduler: see the [module docs](super) for what it does on each reply.
pub struct Scheduler {
    config: WatchConfig,
    commands: mpsc::UnboundedReceiver<Command>,
    events: mpsc::UnboundedSender<WatchEvent>,
    watched: Arc<Mutex<BTreeSet<String>>>,
    flows: HashMap<String, Entry>,
    /// Due instant (then insertion order) → flow id, for every flow not being polled.
    queue: BTreeMap<Slot, String>,
    seq: u64,
    in_flight: InFlight,
}

impl Scheduler {
    /// Starts the scheduler on the current tokio runtime (like `tokio::spawn`, this must be
    /// called from within one). To run it elsewhere (e.g. `tauri::async_runtime::spawn`),
    /// use [`Scheduler::new`] and spawn [`Scheduler::run`].
    ///
    /// Events go through an unbounded channel: the scheduler must never wait on a slow or
    /// busy UI (that would stall every flow's polling), and dropping events would lose a
    /// `Done`. The volume is bounded by the polling itself (at most one event per GET, and
    /// GETs are spaced by at least the interval per flow), so the queue cannot grow faster
    /// than polling does. If the receiver is dropped, the scheduler stops.
    pub fn spawn(config: WatchConfig) -> (WatchHandle, mpsc::UnboundedReceiver<WatchEvent>) {
        let (scheduler, handle, events) = Scheduler::new(config);
        let _task: JoinHandle<()> = tokio::spawn(scheduler.run());
        (handle, events)
    }

    /// The scheduler, not started yet: spawn [`run`](Self::run) on any tokio runtime.
    pub fn new(config: WatchConfig) -> (Scheduler, WatchHandle, mpsc::UnboundedReceiver<WatchEvent>) {
        let (command_tx, command_rx) = mpsc::unbounded_channel();
        let (event_tx, event_rx) = mpsc::unbounded_channel();
        let watched = Arc::new(Mutex::new(BTreeSet::new()));
        let scheduler = Scheduler {
            config: config.normalized(),
            commands: command_rx,
            events: event_tx,
            watched: watched.clone(),
            flows: HashMap::new(),
            queue: BTreeMap::new(),
            seq: 0,
            in_flight: InFlight::default(),
        };
        (scheduler, WatchHandle { commands: command_tx, watched }, event_rx)
    }

    /// Runs until `shutdown`, until every handle is dropped, or until the event receiver is
    /// dropped.
    pub async fn run(mut self) {
        loop {
            self.start_due(Instant::now());
            let wake_at = if self.in_flight.len() < self.config.max_in_flight {
                self.queue.first_key_value().map(|((at, _), _)| *at)
            } else {
                None // full: the next finished GET wakes us
            };
            let busy = !self.in_flight.is_empty();
            let wake = {
                let in_flight = &mut self.in_flight;
                tokio::select! {
                    biased;
                    cmd = self.commands.recv() => Wake::Command(cmd),
                    done = poll_fn(|cx| in_flight.poll_next(cx)), if busy => Wake::Finished(done),
                    _ = sleep_until(wake_at), if wake_at.is_some() => Wake::Due,
                }
            };
            match wake {
                Wake::Command(None) | Wake::Command(Some(Command::Shutdown)) => break,
                Wake::Command(Some(cmd)) => self.command(cmd),
                Wake::Finished(done) => self.finished(done),
                Wake::Due => {}
            }
            if self.events.is_closed() {
                break;
            }
        }
        self.commands.close();
        lock(&self.watched).clear();
        tracing::debug!(flows = self.flows.len(), "watch scheduler stopped");
    }

    /// Starts the GETs that are due, oldest due first, up to `max_in_flight`.
    fn start_due(&mut self, now: Instant) {
        while self.in_flight.len() < self.config.max_in_flight {
            let Some(first) = self.queue.first_entry() else { break };
            if first.key().0 > now {
                break;
            }
            let id = first.remove();
            let Some(entry) = self.flows.get_mut(&id) else { continue };
            entry.slot = None;
            let source = entry.source.clone();
            let token = entry.token;
            self.in_flight.push(Box::pin(async move {
                let result = source.get_flow(&id).await;
                Finished { id, token, result }
            }));
        }
    }

    fn command(&mut self, cmd: Command) {
        let now = Instant::now();
        match cmd {
            Command::Watch { id, source, now: at_once } => {
                lock(&self.watched).insert(id.clone());
                if self.flows.contains_key(&id) {
                    if at_once {
                        self.refresh(&id, now);
                    }
                    return;
                }
                self.seq += 1;
                let pushed = source.pushed_fallback();
                let interval = pushed.unwrap_or(self.config.interval);
                let entry = Entry { source, token: self.seq, last: None, interval, slot: None, not_before: None, pushed, pushed_again: false };
                self.flows.insert(id.clone(), entry);
                let due = if at_once { now } else { now + interval };
                self.schedule(&id, due);
            }
            Command::Refresh { id } => self.refresh(&id, now),
            Command::RefreshPushed => {
                let pushed: Vec<String> = self.flows.iter().filter(|(_, e)| e.pushed.is_some()).map(|(id, _)| id.clone()).collect();
                for id in pushed {
                    self.refresh(&id, now);
                }
            }
            Command::Unwatch { id } => {
                if self.remove(&id) {
                    self.emit(WatchEvent::Stopped {
                        id,
                        checked_at: Utc::now(),
                        reason: StopReason::Unwatched,
                        kind: None,
                        message: "No longer watched.".into(),
                    });
                }
            }
            Command::SetInterval(interval) => {
                let base = interval.max(MIN_INTERVAL);
                self.config.interval = base;
                self.config.max_interval = self.config.max_interval.max(base);
                let ids: Vec<String> = self.flows.keys().cloned().collect();
                for id in ids {
                    let Some(entry) = self.flows.get_mut(&id) else { continue };
                    if entry.pushed.is_some() {
                        continue; // pushed: the poll interval does not apply
                    }
                    entry.interval = base;
                    let Some((due, _)) = entry.slot else { continue };
                    let sooner = (now + base).max(entry.not_before.unwrap_or(now));
                    if sooner < due {
                        self.schedule(&id, sooner);
                    }
                }
            }
            Command::Shutdown => {}
        }
    }

    fn refresh(&mut self, id: &str, now: Instant) {
        let Some(entry) = self.flows.get_mut(id) else { return };
        entry.interval = entry.pushed.unwrap_or(self.config.interval);
        let Some((due, _)) = entry.slot else {
            // A GET is running. Its reply is fresh enough for a person's "refresh", but a
            // push says something changed, maybe after that GET started.
            entry.pushed_again = entry.pushed.is_some();
            return;
        };
        let at = entry.not_before.map_or(now, |nb| nb.max(now));
        if at < due {
            self.schedule(id, at);
        }
    }

    /// (Re)places a watched flow in the due queue.
    fn schedule(&mut self, id: &str, due: Instant) {
        let Some(entry) = self.flows.get_mut(id) else { return };
        if let Some(old) = entry.slot.take() {
            self.queue.remove(&old);
        }
        self.seq += 1;
        let slot = (due, self.seq);
        entry.slot = Some(slot);
        self.queue.insert(slot, id.to_string());
    }

    fn remove(&mut self, id: &str) -> bool {
        lock(&self.watched).remove(id);
        match self.flows.remove(id) {
            Some(entry) => {
                if let Some(slot) = entry.slot {
                    self.queue.remove(&slot);
                }
                true
            }
            None => false,
        }
    }

    fn emit(&self, event: WatchEvent) {
        // A closed receiver ends the loop right after; nothing to do here.
        let _ = self.events.send(event);
    }

    fn finished(&mut self, Finished { id, token, result }: Finished) {
        let now = Instant::now();
        let checked_at = Utc::now();
        let Some(entry) = self.flows.get_mut(&id) else { return };
        if entry.token != token {
            return; // the reply to a GET from before an unwatch
        }
        entry.not_before = None;
        let again = std::mem::take(&mut entry.pushed_again);
        match result {
            Ok(flow) => {
                let progress = flow.progress();
                if progress.done {
                    self.remove(&id);
                    self.emit(WatchEvent::Done { id, checked_at, flow, progress });
                    return;
                }
                let changed = match &entry.last {
                    Some(last) => changed(last, &flow),
                    None => true,
                };
                entry.last = Some(flow.clone());
                entry.interval = match entry.pushed {
                    Some(fallback) => fallback,
                    None if changed => self.config.interval,
                    None => self.config.backoff(entry.interval),
                };
                let due = if again { now } else { now + entry.interval };
                self.schedule(&id, due);
                if changed {
                    self.emit(WatchEvent::Updated { id, checked_at, flow, progress });
                }
            }
            Err(error) if retry_later(&error) => {
                // A pushed source that fails is asked again at the longest poll interval,
                // not its (much longer) fallback: its pushes may be what failed.
                entry.interval = match entry.pushed {
                    Some(_) => self.config.max_interval,
                    None => self.config.backoff(entry.interval),
                };
                let wait = match &error {
                    // Exactly what Dots asked for, no sooner and (being Dots' own word) no later.
                    DotsError::RateLimited { retry_after: Some(after), .. } if !after.is_zero() => {
                        entry.not_before = Some(now + *after);
                        *after
                    }
                    _ => entry.interval,
                };
                self.schedule(&id, now + wait);
                tracing::debug!(flow = %id, kind = ?error.kind(), retry_in_ms = wait.as_millis() as u64, "watch poll failed");
                self.emit(WatchEvent::Failed {
                    id,
                    checked_at,
                    kind: error.kind(),
                    message: error.to_string(),
                    retry_in_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                });
            }
            Err(error) => {
                self.remove(&id);
                tracing::info!(flow = %id, kind = ?error.kind(), "stopped watching a flow");
                self.emit(WatchEvent::Stopped {
                    id,
                    checked_at,
                    reason: StopReason::Error,
                    kind: Some(error.kind()),
                    message: error.to_string(),
                });
            }
        }
    }
}

/// What counts as a change worth an `Updated` event.
fn changed(last: &Flow, now: &Flow) -> bool {
    last.steps != now.steps
        || last.completed_steps != now.completed_steps
        || last.user_id != now.user_id
        || last.metadata != now.metadata
}

/// Errors after which the same GET is worth asking again. A reply that could not be read
/// is one: GETs are safe, and a proxy page or a cut-off body is often passing.
fn retry_later(error: &DotsError) -> bool {
    error.is_transient() || error.kind() == ErrorKind::Decode
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
