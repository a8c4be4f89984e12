//! The journal's writer: one thread owns the file and appends what the journal hands it, so
//! no async worker ever waits on a write or an fsync. Group commit: everything queued while
//! the previous write (and fsync) ran goes out in one `write`, covered by one fsync when any
//! of it has to be durable. Lines reach the file in the order they were queued.

use std::fs::File;
use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;

use tokio::sync::oneshot;

/// Why the writer stopped: kept, so every later append fails the same way (after a failed
/// write the file may end in a torn line, which only a reopen may cut).
#[derive(Clone, Debug)]
pub(crate) struct Failure {
    kind: io::ErrorKind,
    message: String,
}

impl Failure {
    fn of(e: &io::Error) -> Failure {
        Failure {
            kind: e.kind(),
            message: e.to_string(),
        }
    }

    fn to_io(&self) -> io::Error {
        io::Error::new(self.kind, self.message.clone())
    }
}

type Outcome = Result<(), Failure>;

/// Who is told once the lines are written (and on disk, for a durable append).
enum Notify {
    Thread(mpsc::SyncSender<Outcome>),
    Task(oneshot::Sender<Outcome>),
}

struct Append {
    bytes: Vec<u8>,
    durable: bool,
    notify: Option<Notify>,
}

/// What a caller waits on after queueing (outside any lock of its own).
pub(crate) enum Receipt {
    Thread(mpsc::Receiver<Outcome>),
    Task(oneshot::Receiver<Outcome>),
}

impl Receipt {
    /// Blocks the calling thread: for callers outside an async task.
    pub(crate) fn wait(self) -> io::Result<()> {
        let outcome = match self {
            Receipt::Thread(rx) => rx.recv().map_err(|_| gone())?,
            // Its sender answers a task; blocking on it is not what it was made for.
            Receipt::Task(_) => return Err(io::Error::other("a task receipt waited on a thread")),
        };
        outcome.map_err(|f| f.to_io())
    }

    /// Awaits the writer without blocking the async worker.
    pub(crate) async fn arrived(self) -> io::Result<()> {
        let outcome = match self {
            Receipt::Task(rx) => rx.await.map_err(|_| gone())?,
            // Blocking on it here would stall the worker.
            Receipt::Thread(_) => {
                return Err(io::Error::other("a thread receipt awaited in a task"))
            }
        };
        outcome.map_err(|f| f.to_io())
    }
}

/// How the caller of [`Appender::queue`] will wait, if at all.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wait {
    No,
    Thread,
    Task,
}

pub(crate) struct Appender {
    tx: Option<mpsc::Sender<Append>>,
    thread: Option<JoinHandle<()>>,
    failed: Arc<OnceLock<Failure>>,
    syncs: Arc<AtomicUsize>,
}

impl Appender {
    /// Takes the file (and with it the journal's lock, held until the appender is dropped).
    pub(crate) fn start(file: File) -> io::Result<Appender> {
        let (tx, rx) = mpsc::channel();
        let failed = Arc::new(OnceLock::new());
        let syncs = Arc::new(AtomicUsize::new(0));
        let thread = {
            let (failed, syncs) = (failed.clone(), syncs.clone());
            std::thread::Builder::new()
                .name("flowdesk-journal".into())
                .spawn(move || write_loop(file, rx, &failed, &syncs))?
        };
        Ok(Appender {
            tx: Some(tx),
            thread: Some(thread),
            failed,
            syncs,
        })
    }

    /// Fsyncs done so far (one per group that had to be durable).
    pub(crate) fn syncs(&self) -> usize {
        self.syncs.load(Ordering::Relaxed)
    }

    /// Queues lines behind everything queued before. With `Wait::No` nothing is returned to
    /// wait on; a failure then shows at the next append.
    pub(crate) fn queue(
        &self,
        bytes: Vec<u8>,
        durable: bool,
        wait: Wait,
    ) -> io::Result<Option<Receipt>> {
        if let Some(f) = self.failed.get() {
            return Err(f.to_io());
        }
        let (notify, receipt) = match wait {
            Wait::No => (None, None),
            Wait::Thread => {
                let (tx, rx) = mpsc::sync_channel(1);
                (Some(Notify::Thread(tx)), Some(Receipt::Thread(rx)))
            }
            Wait::Task => {
                let (tx, rx) = oneshot::channel();
                (Some(Notify::Task(tx)), Some(Receipt::Task(rx)))
            }
        };
        let append = Append {
            bytes,
            durable,
            notify,
        };
        match &self.tx {
            Some(tx) => tx.send(append).map_err(|_| gone())?,
            None => return Err(gone()),
        }
        Ok(receipt)
    }
}

impl Drop for Appender {
    /// Everything queued is written and synced before the file, and its lock, are let go.
    fn drop(&mut self) {
        drop(self.tx.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn write_loop(
    mut file: File,
    rx: mpsc::Receiver<Append>,
    failed: &OnceLock<Failure>,
    syncs: &AtomicUsize,
) {
    let mut buf = Vec::new();
    // Written since the last fsync: only then does closing need one.
    let mut unsynced = false;
    while let Ok(first) = rx.recv() {
        let mut group = vec![first];
        group.extend(rx.try_iter());
        buf.clear();
        let mut durable = false;
        for a in &group {
            buf.extend_from_slice(&a.bytes);
            durable |= a.durable;
        }
        if failed.get().is_none() {
            let mut written = file.write_all(&buf);
            unsynced |= !buf.is_empty();
            if durable && unsynced && written.is_ok() {
                written = file.sync_data();
                syncs.fetch_add(1, Ordering::Relaxed);
                unsynced = false;
            }
            if let Err(e) = written {
                let _ = failed.set(Failure::of(&e));
            }
        }
        let outcome = failed.get().map_or(Ok(()), |f| Err(f.clone()));
        for a in group {
            match a.notify {
                Some(Notify::Thread(tx)) => {
                    let _ = tx.send(outcome.clone());
                }
                Some(Notify::Task(tx)) => {
                    let _ = tx.send(outcome.clone());
                }
                None => {}
            }
        }
    }
    if unsynced && failed.get().is_none() {
        let _ = file.sync_data();
    }
}

fn gone() -> io::Error {
    io::Error::other("the journal's writer stopped")
}
