//! History of created flows: an append-only JSON-lines log of operations, replayed on open.
//!
//! Every append is written and fsync'd before the call returns, so a link the app shows is
//! already on disk. A crash mid-append leaves a torn last line: it is dropped with a notice.
//! Any other unreadable line is skipped and reported; the original log is first copied aside
//! so nothing is lost. The log holds personal data (emails, references): delete, clear and
//! retention rewrite it at once so removed entries are really gone from disk, and it is
//! compacted when it grows past twice the live entries.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Duration, Utc};
use flowdesk_dots::Progress;
use flowdesk_files::{create_private_dir, folder_of, open_private, sync_dir, write_atomic, OpenMode};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::error::{io, Result};

pub const FILE_NAME: &str = "history.jsonl";
/// Below this many lines a log is never worth rewriting.
const MIN_COMPACT_LINES: usize = 16;

/// Which bulk run (and which row of its CSV) created a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BatchRef {
    pub batch_id: String,
    pub row: u32,
}

/// One created flow as the app remembers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HistoryEntry {
    pub flow_id: String,
    pub environment_id: String,
    pub environment_name: String,
    pub created_at: DateTime<Utc>,
    pub steps: Vec<String>,
    pub link: String,
    #[serde(default)]
    pub reference: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub metadata: Option<Value>,
    #[serde(default)]
    pub progress: Option<Progress>,
    #[serde(default)]
    pub last_checked: Option<DateTime<Utc>>,
    #[serde(default)]
    pub batch: Option<BatchRef>,
}

/// One line of the log.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // short-lived, one per line
enum Op {
    Record { entry: HistoryEntry },
    Progress { flow_id: String, progress: Progress, checked_at: DateTime<Utc> },
    Delete { flow_id: String },
    Clear,
}

/// The history, in memory, backed by its log.
#[derive(Debug)]
pub struct History {
    path: PathBuf,
    /// In the order first recorded.
    entries: Vec<HistoryEntry>,
    /// Where each flow id sits in `entries`: a year's replay (tens of thousands of records)
    /// and every lookup stay linear in the log, not quadratic.
    index: HashMap<String, usize>,
    /// Lines in the log file now.
    log_lines: usize,
    /// fsyncs of the log done by appends (lets tests prove a group is one sync).
    syncs: u64,
}

impl History {
    /// `<data dir>/com.flowdesk.desk/history.jsonl`, beside the settings file.
    pub fn default_path() -> Result<PathBuf> {
        crate::data_file(FILE_NAME)
    }

    /// Replays the log. A missing file is an empty history. The notice, when present, is for
    /// the user: a torn last line was dropped or bad lines were skipped (never their content).
    pub fn open(path: impl Into<PathBuf>) -> Result<(History, Option<String>)> {
        let path = path.into();
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(io("read", &path, e)),
        };
        let mut h = History { path, entries: Vec::new(), index: HashMap::new(), log_lines: 0, syncs: 0 };
        let replay = replay(&bytes);
        for op in replay.ops {
            h.apply(op);
        }
        h.log_lines = replay.good_lines;

        let mut notices = Vec::new();
        if !replay.bad_lines.is_empty() {
            let aside = h.copy_aside()?;
            let lines: Vec<String> = replay.bad_lines.iter().map(|n| n.to_string()).collect();
            tracing::warn!(path = %h.path.display(), lines = ?replay.bad_lines, "history: unreadable lines skipped");
            notices.push(format!(
                "{} line(s) of the flow history could not be read and were skipped (line {}). The original file was kept as {}.",
                replay.bad_lines.len(),
                lines.join(", "),
                aside.display()
            ));
        }
        if replay.torn_tail {
            tracing::warn!(path = %h.path.display(), "history: torn last line dropped");
            notices.push(
                "The last flow history entry was cut off (Flow Desk or the computer stopped while saving it) and was dropped; earlier entries are intact."
                    .to_string(),
            );
        }
        // A log with bad or torn lines is rewritten clean, so later appends start on a fresh line.
        if replay.torn_tail || !replay.bad_lines.is_empty() || (!bytes.is_empty() && !bytes.ends_with(b"\n")) {
            h.compact()?;
        } else {
            h.maybe_compact()?;
        }
        let notice = if notices.is_empty() { None } else { Some(notices.join(" ")) };
        Ok((h, notice))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Durable when it returns: written and fsync'd. Recording a flow id again replaces it.
    pub fn record(&mut self, entry: HistoryEntry) -> Result<()> {
        self.record_many(vec![entry])
    }

    /// All entries in one write and one fsync (a bulk run's group).
    pub fn record_many(&mut self, entries: Vec<HistoryEntry>) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let ops: Vec<Op> = entries.into_iter().map(|entry| Op::Record { entry }).collect();
        self.append(&ops)?;
        for op in ops {
            self.apply(op);
        }
        self.maybe_compact()
    }

    /// Appends only when the progress differs from what is stored. Returns whether it did;
    /// an unknown flow id (deleted meanwhile) is not an error.
    pub fn update_progress(&mut self, flow_id: &str, progress: Progress, checked_at: DateTime<Utc>) -> Result<bool> {
        match self.get(flow_id) {
            None => return Ok(false),
            Some(e) if e.progress.as_ref() == Some(&progress) => return Ok(false),
            Some(_) => {}
        }
        let op = Op::Progress { flow_id: flow_id.to_string(), progress, checked_at };
        self.append(std::slice::from_ref(&op))?;
        self.apply(op);
        self.maybe_compact()?;
        Ok(true)
    }

    pub fn get(&self, flow_id: &str) -> Option<&HistoryEntry> {
        self.index.get(flow_id).map(|&i| &self.entries[i])
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Newest first (by `created_at`, then most recently recorded). Case-insensitive match on
    /// flow id, link, reference, user id, environment name, step names and metadata string
    /// values. An empty (or blank) query matches everything.
    pub fn search(&self, query: &str, limit: usize) -> Vec<HistoryEntry> {
        let q = query.trim().to_lowercase();
        let mut hits: Vec<(usize, &HistoryEntry)> =
            self.entries.iter().enumerate().filter(|(_, e)| q.is_empty() || matches(e, &q)).collect();
        hits.sort_by(|(ia, a), (ib, b)| b.created_at.cmp(&a.created_at).then(ib.cmp(ia)));
        hits.into_iter().take(limit).map(|(_, e)| e.clone()).collect()
    }

    /// Removes the entry and rewrites the log so its personal data leaves the disk.
    /// Returns whether there was such an entry.
    pub fn delete(&mut self, flow_id: &str) -> Result<bool> {
        if self.get(flow_id).is_none() {
            return Ok(false);
        }
        self.apply(Op::Delete { flow_id: flow_id.to_string() });
        self.compact()?;
        Ok(true)
    }

    /// Forgets everything; the log becomes an empty file.
    pub fn clear(&mut self) -> Result<()> {
        self.apply(Op::Clear);
        self.compact()
    }

    /// Removes entries created more than `days` days ago. Returns how many.
    pub fn apply_retention(&mut self, days: u32) -> Result<usize> {
        self.apply_retention_at(days, Utc::now())
    }

    /// [`History::apply_retention`] with the clock given (tests, or a caller with its own).
    pub fn apply_retention_at(&mut self, days: u32, now: DateTime<Utc>) -> Result<usize> {
        let cutoff = now - Duration::days(i64::from(days));
        let before = self.entries.len();
        self.entries.retain(|e| e.created_at >= cutoff);
        self.reindex();
        let removed = before - self.entries.len();
        if removed > 0 {
            self.compact()?;
        }
        Ok(removed)
    }

    fn apply(&mut self, op: Op) {
        match op {
            Op::Record { entry } => match self.index.get(&entry.flow_id) {
                Some(&i) => self.entries[i] = entry,
                None => {
                    self.index.insert(entry.flow_id.clone(), self.entries.len());
                    self.entries.push(entry);
                }
            },
            Op::Progress { flow_id, progress, checked_at } => {
                if let Some(&i) = self.index.get(&flow_id) {
                    let e = &mut self.entries[i];
                    e.progress = Some(progress);
                    e.last_checked = Some(checked_at);
                }
            }
            Op::Delete { flow_id } => {
                if self.index.contains_key(&flow_id) {
                    self.entries.retain(|e| e.flow_id != flow_id);
                    self.reindex();
                }
            }
            Op::Clear => {
                self.entries.clear();
                self.index.clear();
            }
        }
    }

    fn reindex(&mut self) {
        self.index = self.entries.iter().enumerate().map(|(i, e)| (e.flow_id.clone(), i)).collect();
    }

    /// One write of whole lines, then fsync. The file is opened per append (O_APPEND), so
    /// after another process compacted it we append to the new file, not the replaced one.
    fn append(&mut self, ops: &[Op]) -> Result<()> {
        let mut buf = Vec::new();
        for op in ops {
            serde_json::to_writer(&mut buf, op).expect("history ops serialise");
            buf.push(b'\n');
        }
        let dir = folder_of(&self.path);
        create_private_dir(dir).map_err(|e| io("create", dir, e))?;
        let existed = self.path.exists();
        let mut f = open_private(&self.path, OpenMode::Append).map_err(|e| io("open", &self.path, e))?;
        f.write_all(&buf).map_err(|e| io("write", &self.path, e))?;
        f.sync_all().map_err(|e| io("sync", &self.path, e))?;
        if !existed {
            // A new file's name is durable only once its folder is synced.
            sync_dir(dir).map_err(|e| io("sync", dir, e))?;
        }
        self.syncs += 1;
        self.log_lines += ops.len();
        Ok(())
    }

    fn maybe_compact(&mut self) -> Result<()> {
        if self.log_lines >= MIN_COMPACT_LINES && self.log_lines > 2 * self.entries.len() {
            self.compact()?;
        }
        Ok(())
    }

    /// Rewrites the log as one Record per live entry, atomically (temp + fsync + rename).
    fn compact(&mut self) -> Result<()> {
        let mut buf = Vec::new();
        for entry in &self.entries {
            serde_json::to_writer(&mut buf, &Op::Record { entry: entry.clone() }).expect("history ops serialise");
            buf.push(b'\n');
        }
        write_atomic(&self.path, &buf).map_err(|e| io("write", &self.path, e))?;
        self.log_lines = self.entries.len();
        tracing::debug!(path = %self.path.display(), entries = self.entries.len(), "history compacted");
        Ok(())
    }

    /// Keeps the log as it was before a rewrite drops its unreadable lines.
    fn copy_aside(&self) -> Result<PathBuf> {
        let ts = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let name = self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| FILE_NAME.into());
        let mut aside = self.path.with_file_name(format!("{name}.corrupt-{ts}"));
        let mut n = 1;
        while aside.symlink_metadata().is_ok() {
            aside = self.path.with_file_name(format!("{name}.corrupt-{ts}-{n}"));
            n += 1;
        }
        fs::copy(&self.path, &aside).map_err(|e| io("keep a copy of", &self.path, e))?;
        Ok(aside)
    }

    #[cfg(test)]
    fn syncs(&self) -> u64 {
        self.syncs
    }
}

struct Replay {
    ops: Vec<Op>,
    good_lines: usize,
    /// 1-based line numbers.
    bad_lines: Vec<usize>,
    torn_tail: bool,
}

fn replay(bytes: &[u8]) -> Replay {
    let mut r = Replay { ops: Vec::new(), good_lines: 0, bad_lines: Vec::new(), torn_tail: false };
    let ends_clean = bytes.is_empty() || bytes.ends_with(b"\n");
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    let count = if ends_clean { lines.len().saturating_sub(1) } else { lines.len() };
    for (i, line) in lines.iter().take(count).enumerate() {
        let trimmed = line.trim_ascii();
        if trimmed.is_empty() {
            continue;
        }
        match serde_json::from_slice::<Op>(trimmed) {
            Ok(op) => {
                r.ops.push(op);
                r.good_lines += 1;
            }
            // A last line with no newline that does not parse is an append cut short.
            Err(_) if i + 1 == count && !ends_clean => r.torn_tail = true,
            Err(_) => r.bad_lines.push(i + 1),
        }
    }
    r
}

fn matches(e: &HistoryEntry, q: &str) -> bool {
    let hit = |s: &str| contains_lowercased(s, q);
    hit(&e.flow_id)
        || hit(&e.link)
        || e.reference.as_deref().is_some_and(hit)
        || e.user_id.as_deref().is_some_and(hit)
        || hit(&e.environment_name)
        || e.steps.iter().any(|s| hit(s))
        || e.metadata.as_ref().is_some_and(|m| value_matches(m, q))
}

/// Whether `s`, lowercased, contains `q` (already lowercase). ASCII text, nearly all of it
/// (ids, links, emails, references), is compared in place: a search of a year's History
/// then allocates nothing per field.
fn contains_lowercased(s: &str, q: &str) -> bool {
    if q.is_empty() {
        return true;
    }
    if s.is_ascii() && q.is_ascii() {
        return s.as_bytes().windows(q.len()).any(|w| w.eq_ignore_ascii_case(q.as_bytes()));
    }
    s.to_lowercase().contains(q)
}

fn value_matches(v: &Value, q: &str) -> bool {
    match v {
        Value::String(s) => contains_lowercased(s, q),
        Value::Array(a) => a.iter().any(|v| value_matches(v, q)),
        Value::Object(o) => o.values().any(|v| value_matches(v, q)),
        _ => false,
    }
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
