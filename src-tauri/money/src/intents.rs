//! Money intents, persisted before anything is sent. `intents.jsonl` holds one full
//! snapshot per line, appended and synced; the last line for an id is its state. So a
//! crash at any point leaves every confirmed intent, with its idempotency key, on disk.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::MoneyError;
use crate::request::Action;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum IntentState {
    /// Confirmed and on disk; not sent yet (or a crash came before the send).
    Confirmed,
    /// A request is (or was, before a crash) on its way.
    Sending,
    Done,
    /// A repeat was refused as a duplicate and the original was found.
    Recovered,
    /// Every attempt ended without a usable reply: the money may or may not have moved.
    Unknown,
    /// Dots refused it for certain; no money moved.
    Failed,
}

impl IntentState {
    /// Still open: asking again with the same key is the only safe next step.
    pub fn is_unresolved(self) -> bool {
        matches!(self, IntentState::Confirmed | IntentState::Sending | IntentState::Unknown)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Intent {
    pub id: String,
    pub idempotency_key: String,
    pub environment: String,
    pub action: Action,
    /// Who it is for, as the person saw it.
    pub recipient: String,
    pub state: IntentState,
    pub attempts: u32,
    /// The transfer or payout link id once known.
    #[serde(default)]
    pub dots_id: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// Where the environment pointed when the person confirmed (its origin, or the local
    /// sandbox's identity): a retry goes nowhere else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub origin: Option<String>,
}

impl Intent {
    /// A fresh intent: new intent id and new idempotency key, both UUIDs.
    pub fn new(environment: &str, action: Action, recipient: String) -> Self {
        let now = Utc::now();
        Intent {
            id: uuid::Uuid::new_v4().to_string(),
            idempotency_key: uuid::Uuid::new_v4().to_string(),
            environment: environment.to_string(),
            action,
            recipient,
            state: IntentState::Confirmed,
            attempts: 0,
            dots_id: None,
            message: None,
            created: now,
            updated: now,
            origin: None,
        }
    }
}

#[derive(Debug)]
pub struct IntentStore {
    path: PathBuf,
    latest: HashMap<String, Intent>,
    order: Vec<String>,
}

impl IntentStore {
    /// Reads every snapshot; a torn last line (crash mid-write) is skipped.
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, MoneyError> {
        let path = path.into();
        let mut store = IntentStore { path, latest: HashMap::new(), order: Vec::new() };
        let bytes = match std::fs::read(&store.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(store),
            Err(e) => return Err(MoneyError::io("read", &store.path, e)),
        };
        for line in bytes.split(|b| *b == b'\n') {
            if let Ok(intent) = serde_json::from_slice::<Intent>(line) {
                store.remember(intent);
            }
        }
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn remember(&mut self, intent: Intent) {
        if !self.latest.contains_key(&intent.id) {
            self.order.push(intent.id.clone());
        }
        self.latest.insert(intent.id.clone(), intent);
    }

    /// Appends the snapshot and syncs it; only then is it the intent's state.
    pub fn save(&mut self, intent: &Intent) -> Result<(), MoneyError> {
        let dir = flowdesk_files::folder_of(&self.path);
        flowdesk_files::create_private_dir(dir).map_err(|e| MoneyError::io("create", dir, e))?;
        let mut line = serde_json::to_vec(intent).map_err(|e| MoneyError::Invalid(e.to_string()))?;
        // A leading newline closes off a torn line a crash may have left.
        line.insert(0, b'\n');
        line.push(b'\n');
        let mut f = flowdesk_files::open_private(&self.path, flowdesk_files::OpenMode::Append)
            .map_err(|e| MoneyError::io("open", &self.path, e))?;
        f.write_all(&line).map_err(|e| MoneyError::io("append to", &self.path, e))?;
        f.sync_data().map_err(|e| MoneyError::io("sync", &self.path, e))?;
        self.remember(intent.clone());
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&Intent> {
        self.latest.get(id)
    }

    /// Newest first.
    pub fn all(&self) -> Vec<Intent> {
        self.order.iter().rev().filter_map(|id| self.latest.get(id)).cloned().collect()
    }

    pub fn unresolved(&self) -> Vec<Intent> {
        self.all().into_iter().filter(|i| i.state.is_unresolved()).collect()
    }

    /// An open intent in this environment for the same recipient, if any.
    pub fn unresolved_for(&self, environment: &str, action: &Action) -> Option<Intent> {
        let key = action.recipient_key()?;
        self.unresolved()
            .into_iter()
            .find(|i| i.environment == environment && i.action.recipient_key().as_deref() == Some(key.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fund(cents: i64) -> Action {
        Action::Fund { user_id: "8d0c2a76-0000-4000-8000-000000000001".into(), amount_cents: cents }
    }

    #[test]
    fn the_last_snapshot_wins_and_survives_a_reopen_and_a_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("intents.jsonl");
        let mut store = IntentStore::open(&path).unwrap();
        let mut a = Intent::new("sandbox", fund(100), "Ada".into());
        store.save(&a).unwrap();
        a.state = IntentState::Sending;
        a.attempts = 1;
        store.save(&a).unwrap();
        let b = Intent::new("sandbox", fund(200), "Bob".into());
        store.save(&b).unwrap();
        // A crash in the middle of the next write.
        std::fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(b"{\"id\":\"half").unwrap();

        let mut again = IntentStore::open(&path).unwrap();
        assert_eq!(again.get(&a.id).unwrap().state, IntentState::Sending);
        assert_eq!(again.get(&a.id).unwrap().idempotency_key, a.idempotency_key);
        assert_eq!(again.all().iter().map(|i| i.recipient.as_str()).collect::<Vec<_>>(), ["Bob", "Ada"]);
        a.state = IntentState::Done;
        again.save(&a).unwrap();
        let last = IntentStore::open(&path).unwrap();
        assert_eq!(last.get(&a.id).unwrap().state, IntentState::Done);
        assert_eq!(last.unresolved().len(), 1, "b is confirmed but never sent");
        assert_eq!(last.unresolved_for("sandbox", &fund(1)).unwrap().id, b.id);
        assert!(last.unresolved_for("production", &fund(1)).is_none());
    }

    #[test]
    fn keys_and_ids_are_fresh_uuids() {
        let a = Intent::new("s", fund(1), "x".into());
        let b = Intent::new("s", fund(1), "x".into());
        assert_ne!(a.idempotency_key, b.idempotency_key);
        assert_ne!(a.id, b.id);
        assert!(uuid::Uuid::parse_str(&a.idempotency_key).is_ok());
    }
}
