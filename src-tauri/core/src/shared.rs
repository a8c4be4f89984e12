//! The data folder is shared by every process of one user (the app open all day, CLI verbs
//! in a terminal or a script). The model: every change to a shared file happens under one
//! advisory lock on `data.lock` in the folder, after re-reading what another process wrote,
//! so nothing one process wrote is lost when another rewrites or compacts the file. Reads
//! re-read a file only when it changed on disk (size, time or identity), so each process
//! always shows what is on disk without a restart. See the core's README.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::error::{CoreError, CoreResult};
use crate::service::lock;

pub(crate) const LOCK_FILE: &str = "data.lock";

/// The data folder's lock: exclusive across processes (the OS advisory lock) and across
/// this process's threads (the mutex; an advisory lock is per open file, not per thread).
pub(crate) struct DataLock {
    file: File,
    threads: Mutex<()>,
}

impl DataLock {
    pub(crate) fn open(dir: &Path) -> CoreResult<DataLock> {
        flowdesk_files::create_private_dir(dir).map_err(|e| CoreError::internal(e.to_string()))?;
        let path = dir.join(LOCK_FILE);
        let file = flowdesk_files::open_private(&path, flowdesk_files::OpenMode::ReadWrite)
            .map_err(|e| CoreError::internal(format!("the data folder's lock {}: {e}", path.display())))?;
        Ok(DataLock { file, threads: Mutex::new(()) })
    }

    /// Runs `f` holding the lock. Blocking: call it off the async workers.
    pub(crate) fn hold<T>(&self, f: impl FnOnce() -> T) -> T {
        let _threads = lock(&self.threads);
        // If the OS lock cannot be taken (a file system without locks) the change still
        // happens: the in-process mutex keeps this process consistent.
        let locked = self.file.lock();
        if let Err(e) = &locked {
            tracing::warn!(error = %e, "the data folder's lock is unavailable");
        }
        let out = f();
        if locked.is_ok() {
            let _ = self.file.unlock();
        }
        out
    }
}

/// What tells a file changed: its size, modification time and identity (an atomic rewrite
/// is a new file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    id: u64,
}

pub(crate) fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let id = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let id = 0;
    Some(Stamp { len: meta.len(), modified: meta.modified().ok(), id })
}

type Reload<T> = fn(&Path) -> CoreResult<T>;

/// A value kept in a shared file: re-read when the file changed on disk, changed only
/// under the data folder's lock after that re-read.
pub(crate) struct Synced<T> {
    state: Mutex<(T, Option<Stamp>)>,
    path: PathBuf,
    reload: Reload<T>,
}

impl<T> Synced<T> {
    /// `read_at` is the file's stamp taken before `value` was read from it: a change made
    /// in between then shows as a change, never as the value already read.
    pub(crate) fn new(value: T, read_at: Option<Stamp>, path: PathBuf, reload: Reload<T>) -> Self {
        Synced { state: Mutex::new((value, read_at)), path, reload }
    }

    /// Whether another process changed the file since this one last read or wrote it.
    pub(crate) fn changed_on_disk(&self) -> bool {
        lock(&self.state).1 != stamp(&self.path)
    }

    fn refresh(&self, state: &mut (T, Option<Stamp>)) {
        let now = stamp(&self.path);
        if now == state.1 {
            return;
        }
        match (self.reload)(&self.path) {
            Ok(value) => *state = (value, now),
            // Keep what we have; the next read tries again.
            Err(e) => tracing::warn!(path = %self.path.display(), error = %e, "could not re-read a shared file"),
        }
    }

    /// Reads the freshest value.
    pub(crate) fn read<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        let mut state = lock(&self.state);
        self.refresh(&mut state);
        f(&state.0)
    }

    /// Changes it under the data folder's lock, after re-reading what is on disk.
    pub(crate) fn write<R>(&self, data: &DataLock, f: impl FnOnce(&mut T) -> R) -> R {
        data.hold(|| {
            let mut state = lock(&self.state);
            self.refresh(&mut state);
            let out = f(&mut state.0);
            state.1 = stamp(&self.path);
            out
        })
    }
}
