//! Bulk onboarding links: one flow per valid CSV row, through `flowdesk_bulk`'s crash-safe
//! journal. Every batch's journal lives in the data folder
//! (`batches/{environment}/{batch}.journal`) whichever shell started it, so the app and the
//! CLI list and resume each other's; created rows join History, and each run is one audit
//! line. Starting or resuming in Production is confirmed first.

mod types;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use flowdesk_bulk::{
    parse_csv, BatchProgress, BatchTemplate, CancellationToken, Journal, MailTemplate, RowState, RunOptions, RunSummary,
};
use flowdesk_history::{BatchRef, HistoryEntry};
use flowdesk_money::AuditEntry;
use flowdesk_settings::Environment;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use types::{BatchView, BulkPreview, BulkProgress, BulkRowView, BulkTemplate};

use crate::confirm::{Ask, Clearance};
use crate::error::{AppOnlyKind, CoreError, CoreResult};
use crate::events::CoreEvent;
use crate::service::lock;
use crate::Core;

/// What starts a batch.
pub struct BulkStart {
    /// The recipients CSV, as read from the file.
    pub csv: Vec<u8>,
    pub template: BulkTemplate,
    pub environment_id: String,
    pub concurrency: u32,
    /// The CSV's file name, kept in the journal.
    pub source: Option<String>,
    /// Pause before reconciling uncertain creates (tests shorten it).
    pub settle: Option<Duration>,
}

/// A batch running in this process: its progress as it goes, and its end.
pub struct RunHandle {
    pub batch_id: String,
    /// The batch as it was when the run started.
    pub first: BatchView,
    pub progress: watch::Receiver<BatchProgress>,
    pub done: JoinHandle<CoreResult<RunSummary>>,
    cancel: CancellationToken,
}

impl RunHandle {
    pub fn cancel(&self) {
        self.cancel.cancel();
    }
}

struct Running {
    token: CancellationToken,
    journal: Arc<Journal>,
    environment_id: String,
}

/// Batches running in this process, and why the last run of each stopped.
#[derive(Default)]
pub(crate) struct Runs {
    running: Mutex<HashMap<String, Running>>,
    stops: Mutex<HashMap<String, CoreError>>,
}

fn journal_path(batches: &Path, environment_id: &str, batch_id: &str) -> PathBuf {
    batches.join(environment_id).join(format!("{batch_id}.journal"))
}

/// Every journal on disk, with the environment it belongs to (its folder's name).
fn journals(batches: &Path) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    let Ok(envs) = std::fs::read_dir(batches) else { return found };
    for env in envs.flatten() {
        let env_id = env.file_name().to_string_lossy().to_string();
        let Ok(files) = std::fs::read_dir(env.path()) else { continue };
        for file in files.flatten() {
            let path = file.path();
            let named = path.file_stem().is_some_and(|s| !s.to_string_lossy().starts_with("new-"));
            if named && path.extension().is_some_and(|e| e == "journal") {
                found.push((env_id.clone(), path));
            }
        }
    }
    found
}

fn view(journal: &Journal, environment_id: &str, running: bool, stopped_by: Option<CoreError>) -> BatchView {
    let progress: BatchProgress = journal.progress();
    BatchView {
        batch_id: journal.batch_id().to_string(),
        environment_id: environment_id.to_string(),
        started_at: journal.started_at(),
        finished: progress.finished(),
        progress: progress.into(),
        running,
        stopped_by,
    }
}

/// The batch's created rows as history entries (re-recording one replaces it).
fn history_entries(journal: &Journal, environment_id: &str, environment_name: &str) -> Vec<HistoryEntry> {
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

fn bulk_ask(env: &Environment, action: &str, title: String, rows: usize) -> Ask {
    let detail = format!("{} is Production: {rows} flow links will reach real people.", env.name());
    Ask::about(env, action, title, detail, None)
}

impl Core {
    fn batches_dir(&self) -> PathBuf {
        self.data_dir.join("batches")
    }

    /// Checks a CSV: every row, invalid ones with their reason. Sends nothing.
    pub fn bulk_preview(&self, csv: &[u8]) -> CoreResult<BulkPreview> {
        Ok(BulkPreview::from(&parse_csv(csv)?))
    }

    /// Starts a batch in the background: its journal is on disk (named by its batch id)
    /// before anything is sent. Production is confirmed first.
    pub async fn bulk_start(&self, start: BulkStart) -> CoreResult<RunHandle> {
        let env = self.environment(Some(&start.environment_id))?;
        let import = parse_csv(&start.csv)?;
        let valid = import.valid().count();
        if valid == 0 {
            return Err(CoreError::invalid("The file has no valid row: nothing to create."));
        }
        let template = BatchTemplate {
            steps: start.template.steps,
            require_auth: start.template.require_auth,
            hide_go_to_dashboard_on_complete: start.template.hide_go_to_dashboard_on_complete,
        };
        template.check()?;
        let clearance = self
            .clear(&env, |e| bulk_ask(e, "flow.batch", format!("Create {valid} flows in {}?", e.name()), valid))
            .await?;
        self.client(env.id()).await?;
        let (env_id, source, origin) = (env.id().to_string(), start.source, self.origin_of(&env));
        let batch_id = self
            .blocking(move |c| {
                let folder = c.batches_dir().join(&env_id);
                flowdesk_files::create_private_dir(&folder).map_err(|e| CoreError::internal(e.to_string()))?;
                let draft = folder.join(format!("new-{}.journal", uuid::Uuid::new_v4()));
                let batch_id = Journal::create_for(&draft, &template, &import, source, origin)?.batch_id().to_string();
                let path = journal_path(&c.batches_dir(), &env_id, &batch_id);
                std::fs::rename(&draft, &path).map_err(|e| CoreError::internal(format!("{}: {e}", path.display())))?;
                Ok(batch_id)
            })
            .await?;
        self.spawn_run(&clearance, &env, &batch_id, start.concurrency, start.settle).await
    }

    /// Resumes a batch cut short (quit, crash, cancel, another shell): rows whose create
    /// was in flight are reconciled first, so every valid row ends with exactly one flow.
    pub async fn bulk_resume(&self, batch_id: &str, concurrency: u32) -> CoreResult<RunHandle> {
        let (environment_id, path) = self.find_batch(batch_id)?;
        if lock(&self.runs.running).contains_key(batch_id) {
            return Err(CoreError::new(crate::AppErrorKind::App(AppOnlyKind::BatchRunning), "That batch is already running."));
        }
        let env = self.environment(Some(&environment_id))?;
        let (remaining, origin) = match Journal::open(&path) {
            Ok(j) => (j.progress().remaining, j.origin().map(str::to_string)),
            Err(e) => return Err(CoreError::from(e).with_details(|d| d.batch_id = Some(batch_id.to_string()))),
        };
        self.same_origin(&env, origin.as_deref(), &format!("Batch {batch_id}"))?;
        let clearance = self
            .clear(&env, |e| bulk_ask(e, "flow.batch", format!("Resume batch {batch_id} in {}?", e.name()), remaining))
            .await?;
        self.spawn_run(&clearance, &env, batch_id, concurrency, None).await
    }

    pub fn bulk_cancel(&self, batch_id: &str) -> bool {
        match lock(&self.runs.running).get(batch_id) {
            Some(r) => {
                r.token.cancel();
                true
            }
            None => false,
        }
    }

    /// Every batch on disk, unfinished ones first.
    pub async fn bulk_batches(&self) -> CoreResult<Vec<BatchView>> {
        self.blocking(|c| {
            let mut views: Vec<BatchView> = journals(&c.batches_dir())
                .into_iter()
                .filter_map(|(env, path)| {
                    let id = path.file_stem()?.to_string_lossy().to_string();
                    let stop = lock(&c.runs.stops).get(&id).cloned();
                    // Under the same lock a run starts and ends under: running, or openable.
                    let running = lock(&c.runs.running);
                    if let Some(r) = running.get(&id) {
                        return Some(view(&r.journal, &r.environment_id, true, None));
                    }
                    Journal::open(&path).ok().map(|j| view(&j, &env, false, stop))
                })
                .collect();
            views.sort_by(|a, b| a.finished.cmp(&b.finished).then(b.started_at.cmp(&a.started_at)));
            Ok(views)
        })
        .await
    }

    pub async fn bulk_rows(&self, batch_id: String) -> CoreResult<Vec<BulkRowView>> {
        self.blocking(move |c| {
            c.with_journal(&batch_id, |j| j.snapshot().iter().map(|(r, s)| BulkRowView::new(r, s)).collect())
        })
        .await
    }

    pub async fn bulk_results_csv(&self, batch_id: String) -> CoreResult<Vec<u8>> {
        self.blocking(move |c| Ok(c.with_journal(&batch_id, flowdesk_bulk::results_csv)??)).await
    }

    /// `to,subject,body` for every created row, from the email template in settings.
    pub async fn bulk_mail_merge_csv(&self, batch_id: String) -> CoreResult<Vec<u8>> {
        let template = self.settings().email_template().clone();
        let mail = MailTemplate { subject: template.subject, body: template.body };
        self.blocking(move |c| Ok(c.with_journal(&batch_id, |j| flowdesk_bulk::mail_merge_csv(j, &mail))??)).await
    }

    fn find_batch(&self, batch_id: &str) -> CoreResult<(String, PathBuf)> {
        journals(&self.batches_dir())
            .into_iter()
            .find(|(_, p)| p.file_stem().is_some_and(|s| s == batch_id))
            .ok_or_else(|| CoreError::invalid(format!("No batch {batch_id} on this computer.")))
    }

    /// A running batch's journal is the runner's; others are opened (and locked) briefly.
    fn with_journal<T>(&self, batch_id: &str, f: impl FnOnce(&Journal) -> T) -> CoreResult<T> {
        if let Some(r) = lock(&self.runs.running).get(batch_id) {
            return Ok(f(&r.journal));
        }
        let (_, path) = self.find_batch(batch_id)?;
        let journal = Journal::open(&path)?;
        Ok(f(&journal))
    }

    async fn spawn_run(
        &self,
        _clearance: &Clearance,
        env: &Environment,
        batch_id: &str,
        concurrency: u32,
        settle: Option<Duration>,
    ) -> CoreResult<RunHandle> {
        let client = self.client(env.id()).await?;
        let (_, path) = self.find_batch(batch_id)?;
        if lock(&self.runs.running).contains_key(batch_id) {
            return Err(CoreError::new(crate::AppErrorKind::App(AppOnlyKind::BatchRunning), "That batch is already running."));
        }
        // The journal's lock says whether another process runs it.
        let token = CancellationToken::new();
        // Opened (its lock taken) and listed as running in one step, so a listing never sees
        // the journal locked but not yet running (and leaves the batch out).
        let journal = {
            let mut running = lock(&self.runs.running);
            if running.contains_key(batch_id) {
                return Err(CoreError::new(crate::AppErrorKind::App(AppOnlyKind::BatchRunning), "That batch is already running."));
            }
            // The journal's lock says whether another process runs it.
            let journal = Arc::new(Journal::open(&path).map_err(|e| {
                CoreError::new(crate::AppErrorKind::App(AppOnlyKind::BatchRunning), CoreError::from(e).message)
                    .with_details(|d| d.batch_id = Some(batch_id.to_string()))
            })?);
            running.insert(
                batch_id.to_string(),
                Running { token: token.clone(), journal: journal.clone(), environment_id: env.id().to_string() },
            );
            journal
        };
        lock(&self.runs.stops).remove(batch_id);
        let first = view(&journal, env.id(), true, None);
        self.emit(CoreEvent::Batch(first.clone()));
        let mut options = RunOptions { concurrency: concurrency.clamp(1, 32) as usize, ..RunOptions::default() };
        if let Some(settle) = settle {
            options.settle = settle;
        }
        let (tx, rx) = watch::channel(journal.progress());
        let core = self.clone();
        let (env_id, env_name, id) = (env.id().to_string(), env.name().to_string(), batch_id.to_string());
        let cancel = token.clone();
        let done = tokio::spawn(async move {
            let mut progress = tx.subscribe();
            let forward = {
                let (core, journal, env_id) = (core.clone(), journal.clone(), env_id.clone());
                tokio::spawn(async move {
                    while progress.changed().await.is_ok() {
                        core.emit(CoreEvent::Batch(view(&journal, &env_id, true, None)));
                    }
                })
            };
            let result = flowdesk_bulk::run(&client, &journal, &options, Some(&tx), &token).await;
            drop(tx);
            let _ = forward.await;
            let result = result.map_err(|e| CoreError::from(e).with_details(|d| d.batch_id = Some(id.clone())));
            core.finish_run(journal, &env_id, &env_name, &id, result.as_ref().err().cloned()).await;
            result
        });
        Ok(RunHandle { batch_id: batch_id.to_string(), first, progress: rx, done, cancel })
    }

    /// Whatever the run's end: created rows join History, one audit line, the stop reason
    /// is kept and reported.
    async fn finish_run(&self, journal: Arc<Journal>, env_id: &str, env_name: &str, id: &str, stop: Option<CoreError>) {
        if let Some(e) = &stop {
            tracing::warn!(batch = %id, error = %e, "bulk run stopped");
            lock(&self.runs.stops).insert(id.to_string(), e.clone());
        }
        let entries = history_entries(&journal, env_id, env_name);
        let created: Vec<String> = entries.iter().map(|e| e.flow_id.clone()).collect();
        let p = journal.progress();
        let counts = format!("{} created, {} failed, {} unknown, {} not sent", p.created, p.failed, p.unknown, p.remaining);
        let mut audit = AuditEntry::flow_batch(env_id, id, created, &counts);
        if let Some(e) = &stop {
            audit.message = Some(format!("{counts}; stopped: {}", e.message));
        }
        let saved = self
            .blocking(move |c| {
                c.audit(audit);
                Ok(c.history.write(&c.data, |h| h.record_many(entries))?)
            })
            .await;
        if let Err(e) = saved {
            tracing::error!(batch = %id, error = %e, "bulk rows not written to history");
        }
        let last = view(&journal, env_id, false, stop);
        // The journal's last handle goes with its entry in `running`, under that lock: a
        // listing sees the batch either running or openable again, never neither.
        drop(journal);
        lock(&self.runs.running).remove(id);
        self.emit(CoreEvent::Batch(last));
    }
}
