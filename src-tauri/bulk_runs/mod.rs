//! Bulk onboarding links in the app: thin commands over `flowdesk_bulk`. Each batch has a
//! journal in the data folder (`batches/{environment}/{batch}.journal`), so a batch cut
//! short by a quit or a crash is listed on the next start and resumed in the environment
//! it was started in; its created rows then join the history.

pub mod commands;
mod types;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use flowdesk_bulk::{BatchProgress, CancellationToken, Journal, RowState};
use flowdesk_history::{BatchRef, HistoryEntry};

pub use types::{BatchView, BulkPreview, BulkRowView, BulkTemplate};

/// The event a running batch sends to the window; its payload is a `BatchView`.
pub const EVENT: &str = "bulk-progress";

/// Batches running now, by id, with the token that cancels each.
#[derive(Default)]
pub struct Runs {
    running: Mutex<HashMap<String, CancellationToken>>,
}

impl Runs {
    pub fn start(&self, batch_id: &str) -> Option<CancellationToken> {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if running.contains_key(batch_id) {
            return None;
        }
        let token = CancellationToken::new();
        running.insert(batch_id.to_string(), token.clone());
        Some(token)
    }

    pub fn finish(&self, batch_id: &str) {
        self.running.lock().unwrap_or_else(|p| p.into_inner()).remove(batch_id);
    }

    pub fn cancel(&self, batch_id: &str) -> bool {
        match self.running.lock().unwrap_or_else(|p| p.into_inner()).get(batch_id) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    pub fn is_running(&self, batch_id: &str) -> bool {
        self.running.lock().unwrap_or_else(|p| p.into_inner()).contains_key(batch_id)
    }
}

pub fn journal_path(batches: &Path, environment_id: &str, batch_id: &str) -> PathBuf {
    batches.join(environment_id).join(format!("{batch_id}.journal"))
}

/// Every journal on disk, with the environment it belongs to (its folder's name).
pub fn journals(batches: &Path) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    let Ok(envs) = std::fs::read_dir(batches) else { return found };
    for env in envs.flatten() {
        let env_id = env.file_name().to_string_lossy().to_string();
        let Ok(files) = std::fs::read_dir(env.path()) else { continue };
        for file in files.flatten() {
            if file.path().extension().is_some_and(|e| e == "journal") {
                found.push((env_id.clone(), file.path()));
            }
        }
    }
    found
}

pub fn view(journal: &Journal, environment_id: &str, running: bool) -> BatchView {
    let progress: BatchProgress = journal.progress();
    BatchView {
        batch_id: journal.batch_id().to_string(),
        environment_id: environment_id.to_string(),
        started_at: journal.started_at(),
        finished: progress.finished(),
        progress: progress.into(),
        running,
    }
}

/// The batch's created rows as history entries (re-recording one replaces it).
pub fn history_entries(journal: &Journal, environment_id: &str, environment_name: &str) -> Vec<HistoryEntry> {
    let steps: Vec<String> = journal.template().steps.iter().map(|s| s.name.as_str().to_string()).collect();
    journal
        .snapshot()
        .into_iter()
        .filter_map(|(r, state)| match state {
            RowState::Created { flow_id, link } => Some(HistoryEntry {
                flow_id,
                environment_id: environment_id.to_string(),
                environment_name: environment_name.to_string(),
                created_at: journal.started_at(),
                steps: steps.clone(),
                link,
                reference: r.reference.clone().or_else(|| Some(r.email.clone())),
                user_id: r.user_id.clone(),
                metadata: Some(serde_json::json!({"email": r.email, "name": r.name, "reference": r.reference})),
                progress: None,
                last_checked: None,
                batch: Some(BatchRef { batch_id: journal.batch_id().to_string(), row: r.row }),
            }),
            _ => None,
        })
        .collect()
}

pub type SharedJournal = Arc<Journal>;
