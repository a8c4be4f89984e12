//! Creates in flight, on disk. A create is written here before it is sent and closed off
//! once its flow is in History (or it is known that none was made). A process killed in
//! between leaves an open line; the next start of any shell looks for that create's flow on
//! Dots (never sends it again) and records what it finds, so no created flow is lost from
//! History. A line belongs to the process that wrote it: each process holds a lock on its
//! own file in `procs/` for as long as it runs, so a free lock means its owner is gone.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use flowdesk_dots::{Flow, FlowRequest, ListParams, ReadRetry};
use flowdesk_money::AuditEntry;
use serde::{Deserialize, Serialize};

use crate::error::{CoreError, CoreResult};
use crate::flows::entry_for;
use crate::shared::DataLock;
use crate::Core;

const FILE: &str = "creates-pending.jsonl";
const PROCS: &str = "procs";
/// Dots' clock may run behind ours.
const CLOCK_SKEW_MINUTES: i64 = 2;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Line {
    Start { id: String, owner: String, environment_id: String, environment_name: String, request: FlowRequest, started_at: DateTime<Utc> },
    End { id: String },
}

/// This process's share of the creates-in-flight file.
pub(crate) struct Pending {
    path: PathBuf,
    procs: PathBuf,
    owner: String,
    /// Held (locked) while this process runs.
    _alive: File,
}

/// A create whose owner is gone before it was closed off.
pub(crate) struct Orphan {
    id: String,
    environment_id: String,
    environment_name: String,
    request: FlowRequest,
    started_at: DateTime<Utc>,
}

fn io(e: std::io::Error) -> CoreError {
    CoreError::internal(e.to_string())
}

impl Pending {
    pub(crate) fn open(dir: &Path) -> CoreResult<Pending> {
        let procs = dir.join(PROCS);
        flowdesk_files::create_private_dir(&procs).map_err(io)?;
        let owner = uuid::Uuid::new_v4().simple().to_string();
        let alive = flowdesk_files::open_private(&procs.join(format!("{owner}.lock")), flowdesk_files::OpenMode::ReadWrite)
            .map_err(io)?;
        alive.try_lock().map_err(|e| CoreError::internal(format!("this process's lock: {e}")))?;
        Ok(Pending { path: dir.join(FILE), procs, owner, _alive: alive })
    }

    fn append(&self, data: &DataLock, line: &Line) -> CoreResult<()> {
        let mut bytes = serde_json::to_vec(line).map_err(|e| CoreError::internal(e.to_string()))?;
        bytes.push(b'\n');
        data.hold(|| {
            use std::io::Write;
            let mut f = flowdesk_files::open_private(&self.path, flowdesk_files::OpenMode::Append)?;
            // A leading newline closes off a line a killed process left half written.
            if !flowdesk_files::ends_with_newline(&self.path)? {
                f.write_all(b"\n")?;
            }
            f.write_all(&bytes)?;
            f.sync_data()
        })
        .map_err(io)
    }

    /// Before a create is sent: its id here.
    pub(crate) fn start(&self, data: &DataLock, env_id: &str, env_name: &str, request: &FlowRequest) -> CoreResult<String> {
        let id = uuid::Uuid::new_v4().to_string();
        self.append(
            data,
            &Line::Start {
                id: id.clone(),
                owner: self.owner.clone(),
                environment_id: env_id.into(),
                environment_name: env_name.into(),
                request: request.clone(),
                started_at: Utc::now(),
            },
        )?;
        Ok(id)
    }

    /// Once the create's flow is in History, or it is known that there is none.
    pub(crate) fn end(&self, data: &DataLock, id: &str) {
        if let Err(e) = self.append(data, &Line::End { id: id.into() }) {
            tracing::warn!(error = %e, "a finished create was not closed off; the next start looks for its flow");
        }
    }

    /// Open creates whose owner is gone. Blocking; call under the data lock.
    fn orphans(&self) -> Vec<Orphan> {
        let Ok(text) = std::fs::read_to_string(&self.path) else { return Vec::new() };
        let mut open: HashMap<String, (String, Orphan)> = HashMap::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            match serde_json::from_str::<Line>(line) {
                Ok(Line::Start { id, owner, environment_id, environment_name, request, started_at }) => {
                    open.insert(id.clone(), (owner, Orphan { id, environment_id, environment_name, request, started_at }));
                }
                Ok(Line::End { id }) => {
                    open.remove(&id);
                }
                // A torn line: its create never started (the start is written before sending).
                Err(_) => {}
            }
        }
        let mut alive: HashMap<String, bool> = HashMap::new();
        open.into_values()
            .filter(|(owner, _)| !*alive.entry(owner.clone()).or_insert_with(|| self.owner_alive(owner)))
            .map(|(_, orphan)| orphan)
            .collect()
    }

    fn owner_alive(&self, owner: &str) -> bool {
        if owner == self.owner {
            return true;
        }
        let path = self.procs.join(format!("{owner}.lock"));
        let Ok(f) = File::open(&path) else { return false };
        match f.try_lock() {
            Ok(()) => {
                let _ = f.unlock();
                let _ = std::fs::remove_file(&path);
                false
            }
            Err(_) => true,
        }
    }

    /// Drops every closed-off line (keeps open ones). Call under the data lock.
    fn compact(&self) -> std::io::Result<()> {
        let Ok(text) = std::fs::read_to_string(&self.path) else { return Ok(()) };
        let lines: Vec<(Option<String>, &str)> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| match serde_json::from_str::<Line>(l) {
                Ok(Line::Start { id, .. }) => (Some(id), l),
                Ok(Line::End { id }) => (Some(id), l),
                Err(_) => (None, l),
            })
            .collect();
        let mut ended = std::collections::HashSet::new();
        for (id, l) in &lines {
            if l.contains("\"op\":\"end\"") {
                ended.extend(id.clone());
            }
        }
        let kept: String = lines
            .iter()
            .filter(|(id, _)| id.as_ref().is_some_and(|id| !ended.contains(id)))
            .map(|(_, l)| format!("{l}\n"))
            .collect();
        if kept.len() == text.len() {
            return Ok(());
        }
        flowdesk_files::write_atomic(&self.path, kept.as_bytes())
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.procs.join(format!("{}.lock", self.owner)));
    }
}


/// The flows among `listed` that a create of `request` started at `since` may have made.
pub(crate) fn made_by(listed: Vec<Flow>, request: &FlowRequest, started: DateTime<Utc>) -> Vec<Flow> {
    let steps: Vec<String> = request.steps.iter().map(|s| s.name.as_str().to_string()).collect();
    let metadata = request.wire_body().get("metadata").cloned();
    let since = started - chrono::Duration::minutes(CLOCK_SKEW_MINUTES);
    listed
        .into_iter()
        .filter(|f| {
            f.steps == steps
                && f.metadata_value() == metadata
                && request.user_id().is_none_or(|u| f.user_id.as_deref() == Some(u))
                && f.created.is_none_or(|c| c >= since)
        })
        .collect()
}

impl Core {
    /// Looks for the flows of creates whose process was killed before recording them, and
    /// records what it finds in History (with an audit line). Sends nothing. Returns how
    /// many flows were recovered; creates it could not check stay open for the next start.
    pub async fn recover_creates(&self) -> CoreResult<usize> {
        let orphans = self.blocking(|c| Ok(c.data.hold(|| c.pending.orphans()))).await?;
        let mut recovered = 0;
        for orphan in orphans {
            let listed = match self.client(&orphan.environment_id).await {
                Ok(client) => {
                    let newest = ListParams { limit: Some(100), ..Default::default() };
                    ReadRetry::default().run(|| client.list_flows(&newest)).await.map(|p| p.data)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "an interrupted create cannot be checked yet");
                    continue;
                }
            };
            let Ok(listed) = listed else { continue };
            let found = made_by(listed, &orphan.request, orphan.started_at);
            let (id, found_ids) = (orphan.id.clone(), found.iter().map(|f| f.id.clone()).collect::<Vec<_>>());
            recovered += found.len();
            self.blocking(move |c| {
                // What the killed process did record stays; only what is missing is added,
                // so each flow ends with one History entry and one audit line.
                let fresh: Vec<_> = found
                    .iter()
                    .filter(|f| c.history.read(|h| h.get(&f.id).is_none()))
                    .map(|f| entry_for(f, &orphan.request, &orphan.environment_id, &orphan.environment_name))
                    .collect();
                if !fresh.is_empty() {
                    c.history.write(&c.data, |h| h.record_many(fresh))?;
                }
                let audited: std::collections::HashSet<String> = c
                    .ledger
                    .audit
                    .read()?
                    .entries
                    .into_iter()
                    .filter(|e| e.action == "flow.create")
                    .flat_map(|e| e.dots_ids)
                    .collect();
                let unaudited: Vec<String> = found_ids.iter().filter(|id| !audited.contains(*id)).cloned().collect();
                if found_ids.is_empty() || !unaudited.is_empty() {
                    let result = if found_ids.is_empty() { "not_made" } else { "recovered" };
                    c.audit(AuditEntry {
                        dots_ids: unaudited,
                        recipient: orphan.request.user_id().map(str::to_string),
                        message: Some("a create cut short by a quit or crash; its flow was looked for on Dots".into()),
                        ..AuditEntry::new(&orphan.environment_id, "flow.create", result)
                    });
                }
                c.pending.end(&c.data, &id);
                Ok(())
            })
            .await?;
        }
        self.blocking(|c| c.data.hold(|| c.pending.compact()).map_err(io)).await?;
        Ok(recovered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowdesk_dots::{Metadata, Step, StepName};

    #[test]
    fn a_lost_create_is_found_when_dots_returns_its_metadata_as_text() {
        let mut meta = serde_json::Map::new();
        meta.insert("reference".into(), "T-9".into());
        let request = FlowRequest {
            steps: vec![Step::new(StepName::Compliance)],
            metadata: Some(Metadata::Object(meta.clone())),
            ..Default::default()
        };
        let as_text = serde_json::Value::String(serde_json::Value::Object(meta).to_string());
        let listed: Flow = serde_json::from_value(serde_json::json!({"id": "f1", "steps": ["compliance"], "metadata": as_text})).unwrap();
        let other: Flow = serde_json::from_value(serde_json::json!({"id": "f2", "steps": ["compliance"], "metadata": "{\"reference\":\"T-8\"}"})).unwrap();
        let found = made_by(vec![listed, other], &request, Utc::now());
        assert_eq!(found.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), ["f1"]);
    }
}
