//! The webhook journal: one JSON record per line, appended and synced before the change it
//! records is reported. Replayed at start; a line a crash left half written is dropped.

use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use flowdesk_files::{ends_with_newline, open_private, OpenMode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Attempt, Delivery, DeliveryStatus, Endpoint};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub(crate) enum Record {
    /// An endpoint added or changed (the whole endpoint).
    Endpoint(Endpoint),
    EndpointRemoved { id: Uuid },
    /// A new delivery, pending.
    Delivery(Delivery),
    /// An attempt and where it left the delivery; without an attempt, a resend.
    Attempt { delivery_id: Uuid, attempt: Option<Attempt>, status: DeliveryStatus, next_attempt: Option<DateTime<Utc>> },
    /// Every delivery forgotten (the sandbox was reset).
    Cleared,
}

pub(crate) struct Journal {
    path: PathBuf,
    file: File,
    /// A failed append may have left half a line: the next one starts on a line of its own.
    broken: bool,
}

impl Journal {
    /// Opens (creating, 0600) the journal and reads its records. A line that is not a record
    /// (half written by a crash, garbled) is skipped and said so, by its number only: it may
    /// hold a secret.
    pub fn open(path: PathBuf) -> io::Result<(Journal, Vec<Record>)> {
        let mut records = Vec::new();
        match std::fs::read(&path) {
            Ok(bytes) => {
                for (n, line) in bytes.split(|b| *b == b'\n').enumerate() {
                    if line.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    match serde_json::from_slice(line) {
                        Ok(r) => records.push(r),
                        // Never serde's message: it may quote the line.
                        Err(_) => tracing::warn!(line = n + 1, path = %path.display(), "webhook journal line skipped"),
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io::Error::new(e.kind(), format!("cannot read the webhook journal {}: {e}", path.display()))),
        }
        let broken = !ends_with_newline(&path)?;
        let file = Self::open_append(&path)?;
        Ok((Journal { path, file, broken }, records))
    }

    fn open_append(path: &std::path::Path) -> io::Result<File> {
        let file = open_private(path, OpenMode::Append)?;
        // It holds the endpoints' secrets: private even if it was not before.
        #[cfg(unix)]
        file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
        Ok(file)
    }

    pub fn append(&mut self, record: &Record) -> io::Result<()> {
        let mut line = Vec::with_capacity(256);
        if self.broken {
            line.push(b'\n');
        }
        serde_json::to_writer(&mut line, record).map_err(io::Error::other)?;
        line.push(b'\n');
        let written = self.file.write_all(&line).and_then(|()| self.file.sync_data());
        self.broken = written.is_err();
        written
    }

    /// Replaces the journal with just `records` (atomically, 0600): what was forgotten
    /// (a removed endpoint's secret, cleared deliveries) leaves the disk too.
    pub fn rewrite(&mut self, records: &[Record]) -> io::Result<()> {
        let mut bytes = Vec::new();
        for r in records {
            serde_json::to_writer(&mut bytes, r).map_err(io::Error::other)?;
            bytes.push(b'\n');
        }
        flowdesk_files::write_atomic(&self.path, &bytes)?;
        self.file = Self::open_append(&self.path)?;
        self.broken = false;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_half_written_line_is_dropped_and_the_next_append_starts_clean() {
        let dir = tempfile_dir();
        let path = dir.join("j.jsonl");
        let (mut j, none) = Journal::open(path.clone()).unwrap();
        assert!(none.is_empty());
        j.append(&Record::Cleared).unwrap();
        drop(j);
        std::fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(b"{\"t\":\"endpoint_rem").unwrap();
        let (mut j, records) = Journal::open(path.clone()).unwrap();
        assert_eq!(records.len(), 1);
        j.append(&Record::Cleared).unwrap();
        let (_, records) = Journal::open(path.clone()).unwrap();
        assert_eq!(records.len(), 2, "the half line is skipped, the new record read");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn tempfile_dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("flowdesk-journal-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
