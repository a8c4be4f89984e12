//! The audit log: one JSON line per money action and flow creation, appended and synced,
//! never edited in place. A crash mid-write leaves a torn last line; the next append
//! starts on a fresh line and readers skip the torn one (and say so).


use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::MoneyError;

/// What happened, as one line. Holds ids, amounts and names, never a credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditEntry {
    pub time: DateTime<Utc>,
    pub os_user: String,
    pub environment: String,
    /// `flow.create`, `wallet.fund`, `payout_link.create`, `payout_link.cancel`, `payout_link.redeliver`.
    pub action: String,
    #[serde(default)]
    #[ts(type = "number | null")]
    pub amount_cents: Option<i64>,
    #[serde(default)]
    pub recipient: Option<String>,
    #[serde(default)]
    pub idempotency_key: Option<String>,
    #[serde(default)]
    pub intent_id: Option<String>,
    /// `confirmed`, `done`, `recovered`, `retrying`, `unknown`, `failed`.
    pub result: String,
    #[serde(default)]
    pub dots_ids: Vec<String>,
    #[serde(default)]
    pub message: Option<String>,
}

impl AuditEntry {
    pub fn new(environment: &str, action: &str, result: &str) -> Self {
        AuditEntry {
            time: Utc::now(),
            os_user: crate::os_user(),
            environment: environment.to_string(),
            action: action.to_string(),
            amount_cents: None,
            recipient: None,
            idempotency_key: None,
            intent_id: None,
            result: result.to_string(),
            dots_ids: Vec::new(),
            message: None,
        }
    }
}

impl AuditEntry {
    /// A flow created from the CLI or a single create.
    pub fn flow_created(environment: &str, flow_id: &str, user_id: Option<&str>) -> Self {
        AuditEntry {
            dots_ids: vec![flow_id.to_string()],
            recipient: user_id.map(str::to_string),
            ..AuditEntry::new(environment, "flow.create", "done")
        }
    }

    /// One line per bulk run: every flow its batch holds, and the batch's counts.
    pub fn flow_batch(environment: &str, batch_id: &str, created: Vec<String>, counts: &str) -> Self {
        AuditEntry {
            dots_ids: created,
            message: Some(format!("batch {batch_id}: {counts}")),
            ..AuditEntry::new(environment, "flow.create_batch", "done")
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AuditRead {
    /// Oldest first: every entry, or the latest ones when a read asked for a page.
    pub entries: Vec<AuditEntry>,
    /// Lines that could not be read (a write cut short by a crash), skipped.
    pub skipped_lines: u32,
    /// How many entries the log holds (more than `entries` when only the latest were read).
    pub total: u32,
}

#[derive(Debug, Clone)]
pub struct AuditLog {
    path: PathBuf,
}

impl AuditLog {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        AuditLog { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line and syncs it to disk before returning.
    pub fn append(&self, entry: &AuditEntry) -> Result<(), MoneyError> {
        let dir = flowdesk_files::folder_of(&self.path);
        flowdesk_files::create_private_dir(dir).map_err(|e| MoneyError::io("create", dir, e))?;
        let mut line = serde_json::to_vec(entry).map_err(|e| MoneyError::Invalid(e.to_string()))?;
        line.push(b'\n');
        if !flowdesk_files::ends_with_newline(&self.path).map_err(|e| MoneyError::io("read", &self.path, e))? {
            // Close off a torn line from a crash: appended, not an edit of what is there.
            line.insert(0, b'\n');
        }
        let mut f = flowdesk_files::open_private(&self.path, flowdesk_files::OpenMode::Append)
            .map_err(|e| MoneyError::io("open", &self.path, e))?;
        f.write_all(&line).map_err(|e| MoneyError::io("append to", &self.path, e))?;
        f.sync_data().map_err(|e| MoneyError::io("sync", &self.path, e))
    }

    pub fn read(&self) -> Result<AuditRead, MoneyError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(AuditRead::default()),
            Err(e) => return Err(MoneyError::io("read", &self.path, e)),
        };
        let mut out = AuditRead::default();
        for line in bytes.split(|b| *b == b'\n').filter(|l| !l.iter().all(u8::is_ascii_whitespace)) {
            match serde_json::from_slice::<AuditEntry>(line) {
                Ok(e) => out.entries.push(e),
                Err(_) => out.skipped_lines += 1,
            }
        }
        out.total = u32::try_from(out.entries.len()).unwrap_or(u32::MAX);
        Ok(out)
    }

    /// The latest `limit` entries (oldest first) and the total: a year's log is 100,000
    /// lines, too many to send to a window that shows a screenful.
    pub fn read_latest(&self, limit: usize) -> Result<AuditRead, MoneyError> {
        let mut read = self.read()?;
        let older = read.entries.len().saturating_sub(limit);
        read.entries.drain(..older);
        Ok(read)
    }

    /// Cents committed today (UTC) in `environment`: every confirmed money intent, unless
    /// it later failed for certain. Unknown outcomes count: they may have moved money.
    pub fn spent_today(&self, environment: &str, now: DateTime<Utc>) -> Result<i64, MoneyError> {
        let read = self.read()?;
        let today = now.date_naive();
        let failed: std::collections::HashSet<&str> = read
            .entries
            .iter()
            .filter(|e| e.result == "failed")
            .filter_map(|e| e.intent_id.as_deref())
            .collect();
        Ok(read
            .entries
            .iter()
            .filter(|e| e.environment == environment && e.result == "confirmed" && e.time.date_naive() == today)
            .filter(|e| e.intent_id.as_deref().is_none_or(|id| !failed.contains(id)))
            .filter_map(|e| e.amount_cents)
            .fold(0i64, |sum, c| sum.saturating_add(c.saturating_abs())))
    }
}


/// Dollars as a plain decimal number ("-1234.56"), so a spreadsheet sums it.
fn decimal_dollars(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// The entries as CSV, with a header; amounts in dollars and in cents, both numbers.
pub fn to_csv(entries: &[AuditEntry]) -> Result<String, MoneyError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "time", "os_user", "environment", "action", "amount", "amount_cents", "recipient", "idempotency_key",
        "intent_id", "result", "dots_ids", "message",
    ];
    let bad = |e: csv::Error| MoneyError::Invalid(format!("could not write the CSV: {e}"));
    w.write_record(header).map_err(bad)?;
    // Text cells (a recipient is built from the payee's own name) go through the one CSV
    // guard; `amount_cents` is a number and stays one (a negative is not a formula).
    let text = |s: &str| flowdesk_files::csv_text_cell(s).into_owned();
    for e in entries {
        let amount = e.amount_cents.map(decimal_dollars).unwrap_or_default();
        let cents = e.amount_cents.map(|c| c.to_string()).unwrap_or_default();
        w.write_record([
            text(&e.time.to_rfc3339()),
            text(&e.os_user),
            text(&e.environment),
            text(&e.action),
            amount,
            cents,
            text(e.recipient.as_deref().unwrap_or("")),
            text(e.idempotency_key.as_deref().unwrap_or("")),
            text(e.intent_id.as_deref().unwrap_or("")),
            text(&e.result),
            text(&e.dots_ids.join(" ")),
            text(e.message.as_deref().unwrap_or("")),
        ])
        .map_err(bad)?;
    }
    let bytes = w.into_inner().map_err(|e| MoneyError::Invalid(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| MoneyError::Invalid(e.to_string()))
}

#[cfg(test)]
mod tests;
