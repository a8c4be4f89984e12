//! The batch journal: one JSON-lines file per batch, the only record of what was sent.
//!
//! Line 1 is the batch (id, start time, template, every imported row), written atomically
//! and only if no journal is there yet (temp file, fsync, link into place, fsync of the
//! folder). The file is 0600: it holds the people's emails and names. Each later line is one row's new state,
//! appended *before* the action it announces: `sending` is fsynced before the create
//! leaves, so a crash can never hide a create. The runner announces a whole wave of rows at
//! once ([`Journal::mark_sending`]): one fsync covers all their `sending` lines (group commit).
//! Outcomes (`created`, `failed`, ...) are appended without a sync of their own (the next
//! `sending`, or the batch's last line, syncs them): losing one to a power cut leaves that row
//! `sending`, which a resume reconciles like any unknown create, so it saves syncs without
//! risking a duplicate. The file is written by its own thread ([`appender`]), so an
//! async worker never waits on the disk. Opening a journal replays it: a row
//! last seen `sending` becomes `unknown` and must be reconciled before anything is re-sent.
//! A torn last line (a crash mid-append) is cut off; damage anywhere else is refused.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{BulkError, Result};
use crate::import::{Import, Recipient};
use crate::template::BatchTemplate;
use appender::{Appender, Receipt, Wait};

mod appender;

const VERSION: u32 = 1;

/// Where one row stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RowState {
    /// Refused at import; never sent.
    Invalid {
        reason: String,
    },
    /// Not sent yet (or proven not created by a reconcile).
    Pending,
    /// A create is (or was, at a crash) on its way.
    Sending,
    Created {
        flow_id: String,
        link: String,
    },
    /// Dots definitely refused it (400, validation…); re-sending the same request would fail again.
    Failed {
        message: String,
    },
    /// The create may or may not have been committed; reconcile decides.
    Unknown {
        reason: String,
    },
}

impl RowState {
    pub fn label(&self) -> &'static str {
        match self {
            RowState::Invalid { .. } => "invalid",
            RowState::Pending => "pending",
            RowState::Sending => "sending",
            RowState::Created { .. } => "created",
            RowState::Failed { .. } => "failed",
            RowState::Unknown { .. } => "unknown",
        }
    }

    pub fn is_final(&self) -> bool {
        matches!(
            self,
            RowState::Invalid { .. } | RowState::Created { .. } | RowState::Failed { .. }
        )
    }
}

/// Counts over a batch. `total` counts valid rows only; `remaining` is pending plus sending.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchProgress {
    pub total: usize,
    pub created: usize,
    pub failed: usize,
    pub unknown: usize,
    pub remaining: usize,
    pub invalid: usize,
}

impl BatchProgress {
    pub fn of<'a>(states: impl IntoIterator<Item = &'a RowState>) -> Self {
        let mut p = BatchProgress::default();
        for s in states {
            match s {
                RowState::Invalid { .. } => p.invalid += 1,
                RowState::Pending | RowState::Sending => p.remaining += 1,
                RowState::Created { .. } => p.created += 1,
                RowState::Failed { .. } => p.failed += 1,
                RowState::Unknown { .. } => p.unknown += 1,
            }
        }
        p.total = p.created + p.failed + p.unknown + p.remaining;
        p
    }

    /// Every valid row has an outcome (created or definitely failed).
    pub fn finished(&self) -> bool {
        self.unknown == 0 && self.remaining == 0
    }

    /// Moves one row from `from` to `to`, so the counts never need a pass over every row.
    fn shift(&mut self, from: &RowState, to: &RowState) {
        *self.slot(from) -= 1;
        *self.slot(to) += 1;
        self.total = self.created + self.failed + self.unknown + self.remaining;
    }

    fn slot(&mut self, s: &RowState) -> &mut usize {
        match s {
            RowState::Invalid { .. } => &mut self.invalid,
            RowState::Pending | RowState::Sending => &mut self.remaining,
            RowState::Created { .. } => &mut self.created,
            RowState::Failed { .. } => &mut self.failed,
            RowState::Unknown { .. } => &mut self.unknown,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Header {
    kind: String,
    version: u32,
    batch_id: Uuid,
    started_at: DateTime<Utc>,
    #[serde(default)]
    source: Option<String>,
    /// Where the environment pointed when the batch started (see [`Journal::origin`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    origin: Option<String>,
    template: BatchTemplate,
    rows: Vec<Recipient>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    kind: String,
    row: u32,
    #[serde(flatten)]
    state: RowState,
    at: DateTime<Utc>,
}

/// An open batch journal. Cheap to share by reference across concurrent creates: appends
/// are queued under an internal lock, so the file's order is the order of the states.
pub struct Journal {
    path: PathBuf,
    header: Header,
    inner: Mutex<Inner>,
    /// Owns the file (and its lock) until the journal is dropped.
    appender: Appender,
}

struct Inner {
    states: Vec<RowState>,
    progress: BatchProgress,
}

impl Inner {
    fn new(states: Vec<RowState>) -> Inner {
        let progress = BatchProgress::of(states.iter());
        Inner { states, progress }
    }
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal")
            .field("path", &self.path)
            .field("batch_id", &self.header.batch_id)
            .finish()
    }
}

impl Journal {
    /// Starts a new batch: a fresh id, `started_at` = now, every row pending or invalid.
    /// Refuses to overwrite an existing journal (resume it with `open` instead).
    pub fn create(
        path: &Path,
        template: &BatchTemplate,
        import: &Import,
        source: Option<String>,
    ) -> Result<Journal> {
        Journal::create_for(path, template, import, source, None)
    }

    /// [`Journal::create`], remembering where the environment pointed (its origin), so a
    /// resume can refuse to send the batch anywhere else.
    pub fn create_for(
        path: &Path,
        template: &BatchTemplate,
        import: &Import,
        source: Option<String>,
        origin: Option<String>,
    ) -> Result<Journal> {
        template.check()?;
        let header = Header {
            kind: "batch".into(),
            version: VERSION,
            batch_id: Uuid::new_v4(),
            started_at: Utc::now(),
            source,
            origin,
            template: template.clone(),
            rows: import.rows.clone(),
        };
        let mut line =
            serde_json::to_vec(&header).map_err(|e| journal_err(path, &e.to_string()))?;
        line.push(b'\n');
        // Never over another batch's journal, even one made a moment ago by another process.
        if !flowdesk_files::create_once(path, &line).map_err(|e| io_err(path, e))? {
            return Err(journal_err(
                path,
                "already exists: open it to resume that batch, or choose another name",
            ));
        }
        let states = header
            .rows
            .iter()
            .map(|r| match &r.problem {
                Some(reason) => RowState::Invalid {
                    reason: reason.clone(),
                },
                None => RowState::Pending,
            })
            .collect();
        let file = open_locked(path)?;
        Ok(Journal {
            path: path.to_path_buf(),
            header,
            inner: Mutex::new(Inner::new(states)),
            appender: Appender::start(file).map_err(|e| io_err(path, e))?,
        })
    }

    /// Reopens a batch after a stop or a crash. Rows last recorded `sending` become `unknown`
    /// (recorded as such), so the runner reconciles them before creating anything.
    pub fn open(path: &Path) -> Result<Journal> {
        // Locked before reading, so no other run can append between our read and our writes.
        let append = open_locked(path)?;
        let file = File::open(path).map_err(|e| io_err(path, e))?;
        let mut reader = BufReader::new(file);
        let mut good_len: u64 = 0;
        let mut header: Option<Header> = None;
        let mut states: Vec<RowState> = Vec::new();
        let mut number = 0usize;
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let n = reader
                .read_until(b'\n', &mut buf)
                .map_err(|e| io_err(path, e))?;
            if n == 0 {
                break;
            }
            number += 1;
            let complete = buf.ends_with(b"\n");
            let is_header = header.is_none();
            if !complete && !is_header {
                // A torn last line: the append was cut by a crash. Its action never started,
                // because each state is on disk before the action it announces.
                break;
            }
            let parsed: std::result::Result<(), String> = if header.is_none() {
                serde_json::from_slice::<Header>(&buf)
                    .map_err(|e| e.to_string())
                    .and_then(|h| {
                        if h.kind != "batch" || h.version != VERSION {
                            return Err(format!(
                                "not a Flow Desk batch journal (version {})",
                                h.version
                            ));
                        }
                        states = h
                            .rows
                            .iter()
                            .map(|r| match &r.problem {
                                Some(reason) => RowState::Invalid {
                                    reason: reason.clone(),
                                },
                                None => RowState::Pending,
                            })
                            .collect();
                        header = Some(h);
                        Ok(())
                    })
            } else {
                serde_json::from_slice::<Entry>(&buf)
                    .map_err(|e| e.to_string())
                    .and_then(|e| match states.get_mut((e.row as usize).wrapping_sub(1)) {
                        Some(s) => {
                            *s = e.state;
                            Ok(())
                        }
                        None => Err(format!("row {} is not in the batch", e.row)),
                    })
            };
            match parsed {
                Ok(()) if complete => good_len += n as u64,
                Ok(()) => return Err(journal_err(path, "line 1 is cut short")),
                Err(message) => {
                    return Err(journal_err(path, &format!("line {number}: {message}")))
                }
            }
        }
        let Some(header) = header else {
            return Err(journal_err(
                path,
                "is empty or was cut before its first line was written",
            ));
        };
        let file = append;
        if file.metadata().map_err(|e| io_err(path, e))?.len() > good_len {
            file.set_len(good_len).map_err(|e| io_err(path, e))?;
        }
        let journal = Journal {
            path: path.to_path_buf(),
            header,
            inner: Mutex::new(Inner::new(states)),
            appender: Appender::start(file).map_err(|e| io_err(path, e))?,
        };
        let stuck: Vec<u32> = journal
            .snapshot()
            .into_iter()
            .filter(|(_, s)| *s == RowState::Sending)
            .map(|(r, _)| r.row)
            .collect();
        for row in stuck {
            journal.note(
                row,
                RowState::Unknown {
                    reason: "the app stopped while this row was being sent".into(),
                },
            )?;
        }
        journal.written()?;
        Ok(journal)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn batch_id(&self) -> Uuid {
        self.header.batch_id
    }

    /// When the batch was first started (not resumed): reconciliation lists back to here.
    pub fn started_at(&self) -> DateTime<Utc> {
        self.header.started_at
    }

    pub fn template(&self) -> &BatchTemplate {
        &self.header.template
    }

    /// Where the environment pointed when the batch started, if recorded.
    pub fn origin(&self) -> Option<&str> {
        self.header.origin.as_deref()
    }

    pub fn source(&self) -> Option<&str> {
        self.header.source.as_deref()
    }

    pub fn rows(&self) -> &[Recipient] {
        &self.header.rows
    }

    pub fn state(&self, row: u32) -> Option<RowState> {
        self.lock()
            .states
            .get((row as usize).wrapping_sub(1))
            .cloned()
    }

    /// Every row with its current state, in file order.
    pub fn snapshot(&self) -> Vec<(Recipient, RowState)> {
        let inner = self.lock();
        self.header
            .rows
            .iter()
            .cloned()
            .zip(inner.states.iter().cloned())
            .collect()
    }

    pub fn progress(&self) -> BatchProgress {
        self.lock().progress
    }

    /// Appends the row's new state, call it before the action; it is written when this
    /// returns, and a `sending` (and the line that finishes the batch) is on disk. Blocks the
    /// calling thread: the runner uses [`Journal::mark_sending`] and [`Journal::note`].
    pub fn record(&self, row: u32, state: RowState) -> Result<()> {
        let receipt = {
            let mut inner = self.lock();
            let (line, durable) = self.apply(&mut inner, row, state)?;
            self.queue(line, durable, Wait::Thread)?
        };
        self.settle_blocking(receipt)
    }

    /// Announces a wave of creates: every row becomes `sending`, and all their lines are on
    /// disk, under one fsync, when this returns. Send none of them before it returns `Ok`.
    pub(crate) async fn mark_sending(&self, rows: &[u32]) -> Result<()> {
        let receipt = {
            let mut inner = self.lock();
            let mut lines = Vec::new();
            for &row in rows {
                lines.extend(self.apply(&mut inner, row, RowState::Sending)?.0);
            }
            self.queue(lines, true, Wait::Task)?
        };
        match receipt {
            Some(r) => r.arrived().await.map_err(|e| io_err(&self.path, e)),
            None => Ok(()),
        }
    }

    /// Records an outcome without waiting for the disk (never a `sending`: see
    /// [`Journal::mark_sending`]). A write that fails shows at the next append or flush.
    pub(crate) fn note(&self, row: u32, state: RowState) -> Result<()> {
        let mut inner = self.lock();
        let (line, durable) = self.apply(&mut inner, row, state)?;
        self.queue(line, durable, Wait::No).map(drop)
    }

    /// Every line so far is on disk when this returns (or the first write error).
    pub(crate) async fn flush(&self) -> Result<()> {
        match self.queue(Vec::new(), true, Wait::Task)? {
            Some(r) => r.arrived().await.map_err(|e| io_err(&self.path, e)),
            None => Ok(()),
        }
    }

    /// Fsyncs of the file since it was opened: with group commit, about one per wave.
    pub fn syncs(&self) -> usize {
        self.appender.syncs()
    }

    /// Every line so far is written (not necessarily synced) when this returns.
    fn written(&self) -> Result<()> {
        let receipt = self.queue(Vec::new(), false, Wait::Thread)?;
        self.settle_blocking(receipt)
    }

    /// The row's new state in memory, and its line with whether it must be durable: a
    /// `sending`, and the line that finishes the batch.
    fn apply(&self, inner: &mut Inner, row: u32, state: RowState) -> Result<(Vec<u8>, bool)> {
        let index = (row as usize).wrapping_sub(1);
        if index >= inner.states.len() {
            return Err(journal_err(
                &self.path,
                &format!("row {row} is not in the batch"),
            ));
        }
        let entry = Entry {
            kind: "row".into(),
            row,
            state,
            at: Utc::now(),
        };
        let mut line =
            serde_json::to_vec(&entry).map_err(|e| journal_err(&self.path, &e.to_string()))?;
        line.push(b'\n');
        let old = std::mem::replace(&mut inner.states[index], entry.state);
        inner.progress.shift(&old, &inner.states[index]);
        let durable = inner.states[index] == RowState::Sending || inner.progress.finished();
        Ok((line, durable))
    }

    fn queue(&self, bytes: Vec<u8>, durable: bool, wait: Wait) -> Result<Option<Receipt>> {
        self.appender
            .queue(bytes, durable, wait)
            .map_err(|e| io_err(&self.path, e))
    }

    fn settle_blocking(&self, receipt: Option<Receipt>) -> Result<()> {
        match receipt {
            Some(r) => r.wait().map_err(|e| io_err(&self.path, e)),
            None => Ok(()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere while holding the lock leaves the states as valid as before.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The journal's append handle, with an exclusive advisory lock held as long as it is open
/// (the OS drops it when the process dies). Two runs of one batch at once, say the app and
/// the CLI, would each create the same pending rows: the second is refused instead.
fn open_locked(path: &Path) -> Result<File> {
    let file = OpenOptions::new()
        .read(true)
        .append(true)
        .open(path)
        .map_err(|e| io_err(path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(journal_err(
            path,
            "is in use by another run of this batch (the app or another flowdesk bulk): wait for it to finish",
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(io_err(path, e)),
    }
}

fn journal_err(path: &Path, message: &str) -> BulkError {
    BulkError::Journal {
        path: path.display().to_string(),
        message: message.into(),
    }
}

fn io_err(path: &Path, source: std::io::Error) -> BulkError {
    BulkError::Io {
        path: path.display().to_string(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::parse_csv;
    use flowdesk_dots::{Step, StepName};
    use std::fs;
    use std::io::Write;

    fn setup(dir: &Path) -> Journal {
        let import = parse_csv(b"email\na@example.com\nbad\nc@example.com\n").unwrap();
        let t = BatchTemplate::new(vec![Step::new(StepName::Compliance)]);
        Journal::create(
            &dir.join("b.journal"),
            &t,
            &import,
            Some("people.csv".into()),
        )
        .unwrap()
    }

    #[test]
    fn replay_keeps_finished_rows_and_turns_sending_into_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let j = setup(dir.path());
        assert_eq!(
            j.progress(),
            BatchProgress {
                total: 2,
                remaining: 2,
                invalid: 1,
                ..Default::default()
            }
        );
        j.record(1, RowState::Sending).unwrap();
        j.record(
            1,
            RowState::Created {
                flow_id: "f1".into(),
                link: "http://x/f1".into(),
            },
        )
        .unwrap();
        j.record(3, RowState::Sending).unwrap();
        let id = j.batch_id();
        drop(j);

        let j = Journal::open(&dir.path().join("b.journal")).unwrap();
        assert_eq!(j.batch_id(), id);
        assert_eq!(j.source(), Some("people.csv"));
        assert!(matches!(j.state(1), Some(RowState::Created { .. })));
        assert!(matches!(j.state(2), Some(RowState::Invalid { .. })));
        assert!(matches!(j.state(3), Some(RowState::Unknown { .. })));
        drop(j);
        // The unknown is on disk too.
        let j = Journal::open(&dir.path().join("b.journal")).unwrap();
        assert!(matches!(j.state(3), Some(RowState::Unknown { .. })));
    }

    #[test]
    fn a_torn_last_line_is_cut_and_middle_damage_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.journal");
        let j = setup(dir.path());
        j.record(1, RowState::Sending).unwrap();
        drop(j);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(br#"{"kind":"row","row":1,"state":"crea"#)
            .unwrap();
        drop(f);
        let j = Journal::open(&path).unwrap();
        assert!(matches!(j.state(1), Some(RowState::Unknown { .. })));
        j.record(1, RowState::Pending).unwrap();
        drop(j);
        assert_eq!(
            Journal::open(&path).unwrap().state(1),
            Some(RowState::Pending),
            "appends after the cut parse"
        );

        let text = fs::read_to_string(&path).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines.insert(1, "{garbage");
        fs::write(&path, lines.join("\n") + "\n").unwrap();
        let err = Journal::open(&path).unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn one_run_per_batch_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let j = setup(dir.path());
        let err = Journal::open(&dir.path().join("b.journal")).unwrap_err();
        assert!(err.to_string().contains("in use by another run"), "{err}");
        drop(j);
        Journal::open(&dir.path().join("b.journal")).unwrap();
    }

    #[test]
    fn create_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        setup(dir.path());
        let import = parse_csv(b"email\na@example.com\n").unwrap();
        let t = BatchTemplate::new(vec![Step::new(StepName::Compliance)]);
        let err = Journal::create(&dir.path().join("b.journal"), &t, &import, None).unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err}");
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .collect();
        assert_eq!(leftovers.len(), 1, "no temp files left behind");
    }

    #[tokio::test]
    async fn one_fsync_covers_a_whole_wave_and_outcomes_wait_for_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let mut csv = String::from("email\n");
        for i in 1..=20 {
            csv.push_str(&format!("p{i}@example.com\n"));
        }
        let import = parse_csv(csv.as_bytes()).unwrap();
        let t = BatchTemplate::new(vec![Step::new(StepName::Compliance)]);
        let j = Journal::create(&dir.path().join("b.journal"), &t, &import, None).unwrap();
        let sending = |j: &Journal| {
            let text = fs::read_to_string(j.path()).unwrap();
            text.matches(r#""state":"sending""#).count()
        };
        let wave: Vec<u32> = (1..=16).collect();
        j.mark_sending(&wave).await.unwrap();
        assert_eq!(
            (j.syncs(), sending(&j)),
            (1, 16),
            "one sync, every line in the file"
        );
        for row in 1..=16 {
            j.note(
                row,
                RowState::Created {
                    flow_id: format!("f{row}"),
                    link: String::new(),
                },
            )
            .unwrap();
        }
        j.mark_sending(&[17, 18, 19, 20]).await.unwrap();
        assert_eq!(
            (j.syncs(), sending(&j)),
            (2, 20),
            "the outcomes rode on the next wave's sync"
        );
        drop(j);
        let j = Journal::open(&dir.path().join("b.journal")).unwrap();
        let p = j.progress();
        assert_eq!((p.created, p.unknown), (16, 4));
        assert_eq!(
            p,
            BatchProgress::of(j.snapshot().iter().map(|(_, s)| s)),
            "counts kept in step"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_journal_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let j = setup(dir.path());
        j.record(1, RowState::Sending).unwrap();
        let mode = fs::metadata(j.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "it holds people's emails and names");
    }
}
