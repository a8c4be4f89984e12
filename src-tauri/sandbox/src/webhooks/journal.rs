//! The webhook journal: one JSON record per line, appended and synced before the change it
//! records is reported. Replayed at start; a line a crash left half written is dropped.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
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
    file: File,
}

impl Journal {
    /// Opens (creating, 0600) the journal and reads its records.
    pub fn open(path: PathBuf) -> io::Result<(Journal, Vec<Record>)> {
        let mut records = Vec::new();
        match File::open(&path) {
            Ok(f) => {
                for (n, line) in BufReader::new(f).lines().enumerate() {
                    let line = line?;
                    if line.trim().is_empty() {
                        continue;
                    }
                    match serde_json::from_str(&line) {
                        Ok(r) => records.push(r),
                        // Never the line itself: it may hold an endpoint's secret.
                        Err(e) => tracing::warn!(line = n + 1, error = %e, path = %path.display(), "webhook journal line skipped"),
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let needs_newline = !ends_with_newline(&path)?;
        let mut file = open_private(&path, OpenMode::Append)?;
        // It holds the endpoints' secrets: private even if it was not before.
        #[cfg(unix)]
        file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
        if needs_newline {
            file.write_all(b"\n")?;
        }
        Ok((Journal { file }, records))
    }

    pub fn append(&mut self, record: &Record) -> io::Result<()> {
        let mut line = serde_json::to_vec(record).map_err(io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.sync_data()
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
