//! Bulk commands: preview a CSV, start / cancel / resume a batch, read its rows, export.

use std::sync::Arc;

use flowdesk_bulk::{parse_csv, BatchTemplate, BulkError, Journal, MailTemplate, RunOptions};
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

use super::{history_entries, journal_path, journals, view, BatchView, BulkPreview, BulkRowView, BulkTemplate, EVENT};
use crate::desk::Desk;
use crate::error::{AppError, AppResult};

fn bulk_error(e: BulkError) -> AppError {
    match e {
        BulkError::Dots(e) => e.into(),
        BulkError::Io { .. } | BulkError::Journal { .. } => AppError::internal(e.to_string()),
        other => AppError::invalid(other.to_string()),
    }
}

#[tauri::command]
pub fn bulk_preview(bytes: Vec<u8>) -> AppResult<BulkPreview> {
    let import = parse_csv(&bytes).map_err(|e| AppError::invalid(e.to_string()))?;
    Ok(BulkPreview::from(&import))
}

/// Starts a batch: one flow per valid row, `concurrency` at a time, in the background.
/// Production needs the person's confirmation, as for a single flow.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub fn bulk_start<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    bytes: Vec<u8>,
    template: BulkTemplate,
    environment_id: String,
    concurrency: u32,
    confirm_production: bool,
) -> AppResult<BatchView> {
    let settings = desk.settings();
    let env = settings.environment(&environment_id)?;
    if env.is_production() && !confirm_production {
        return Err(AppError::confirmation_required(format!(
            "Creating a batch of flows in {} ({}) reaches real people: confirm it first.",
            env.name(),
            env.host().unwrap_or_default()
        )));
    }
    desk.client(&environment_id)?;
    let import = parse_csv(&bytes).map_err(|e| AppError::invalid(e.to_string()))?;
    if import.valid().next().is_none() {
        return Err(AppError::invalid("The file has no valid row: nothing to create."));
    }
    let template = BatchTemplate {
        steps: template.steps,
        require_auth: template.require_auth,
        hide_go_to_dashboard_on_complete: template.hide_go_to_dashboard_on_complete,
    };
    // The journal names itself (its batch id): created under a temporary name, then
    // renamed, before anything is sent.
    let folder = desk.batches_dir().join(&environment_id);
    std::fs::create_dir_all(&folder).map_err(|e| AppError::internal(format!("{}: {e}", folder.display())))?;
    let draft = folder.join(format!("new-{}.journal", uuid::Uuid::new_v4()));
    let batch_id = Journal::create(&draft, &template, &import, None).map_err(bulk_error)?.batch_id().to_string();
    let path = journal_path(&desk.batches_dir(), &environment_id, &batch_id);
    std::fs::rename(&draft, &path).map_err(|e| AppError::internal(format!("{}: {e}", path.display())))?;
    spawn_run(app, desk.inner(), &environment_id, &batch_id, concurrency)
}

/// Resumes a batch cut short (quit, crash, cancel): rows whose create was in flight are
/// reconciled first, so every valid row still ends with exactly one flow.
#[tauri::command]
pub fn bulk_resume<R: Runtime>(app: AppHandle<R>, desk: State<'_, Desk>, batch_id: String) -> AppResult<BatchView> {
    let (environment_id, _) = find(desk.inner(), &batch_id)?;
    spawn_run(app, desk.inner(), &environment_id, &batch_id, 4)
}

#[tauri::command]
pub fn bulk_cancel(desk: State<'_, Desk>, batch_id: String) -> bool {
    desk.runs().cancel(&batch_id)
}

/// Every batch on disk, unfinished ones first.
#[tauri::command]
pub fn bulk_batches(desk: State<'_, Desk>) -> Vec<BatchView> {
    let mut views: Vec<BatchView> = journals(&desk.batches_dir())
        .into_iter()
        .filter_map(|(env, path)| {
            let id = path.file_stem()?.to_string_lossy().to_string();
            if desk.runs().is_running(&id) {
                return desk.running_view(&id);
            }
            Journal::open(&path).ok().map(|j| view(&j, &env, false))
        })
        .collect();
    views.sort_by(|a, b| a.finished.cmp(&b.finished).then(b.started_at.cmp(&a.started_at)));
    views
}

#[tauri::command]
pub fn bulk_rows(desk: State<'_, Desk>, batch_id: String) -> AppResult<Vec<BulkRowView>> {
    with_journal(desk.inner(), &batch_id, |j| j.snapshot().iter().map(|(r, s)| BulkRowView::new(r, s)).collect())
}

#[tauri::command]
pub fn bulk_results_csv(desk: State<'_, Desk>, batch_id: String) -> AppResult<String> {
    let bytes = with_journal(desk.inner(), &batch_id, flowdesk_bulk::results_csv)?.map_err(bulk_error)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[tauri::command]
pub fn bulk_mail_merge_csv(desk: State<'_, Desk>, batch_id: String) -> AppResult<String> {
    let template = desk.settings().email_template().clone();
    let mail = MailTemplate { subject: template.subject, body: template.body };
    let bytes =
        with_journal(desk.inner(), &batch_id, |j| flowdesk_bulk::mail_merge_csv(j, &mail))?.map_err(bulk_error)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn find(desk: &Desk, batch_id: &str) -> AppResult<(String, std::path::PathBuf)> {
    journals(&desk.batches_dir())
        .into_iter()
        .find(|(_, p)| p.file_stem().is_some_and(|s| s == batch_id))
        .ok_or_else(|| AppError::invalid(format!("No batch {batch_id} on this computer.")))
}

/// A running batch's journal is the runner's; others are opened (and locked) briefly.
fn with_journal<T>(desk: &Desk, batch_id: &str, f: impl FnOnce(&Journal) -> T) -> AppResult<T> {
    if let Some(journal) = desk.running_journal(batch_id) {
        return Ok(f(&journal));
    }
    let (_, path) = find(desk, batch_id)?;
    let journal = Journal::open(&path).map_err(bulk_error)?;
    Ok(f(&journal))
}

fn spawn_run<R: Runtime>(
    app: AppHandle<R>,
    desk: &Desk,
    environment_id: &str,
    batch_id: &str,
    concurrency: u32,
) -> AppResult<BatchView> {
    let client = desk.client(environment_id)?;
    let environment_name = desk.settings().environment(environment_id)?.name().to_string();
    let (_, path) = find(desk, batch_id)?;
    let token = desk.runs().start(batch_id).ok_or_else(|| AppError::invalid("That batch is already running."))?;
    let journal = match Journal::open(&path) {
        Ok(j) => Arc::new(j),
        Err(e) => {
            desk.runs().finish(batch_id);
            return Err(bulk_error(e));
        }
    };
    desk.set_running_journal(batch_id, journal.clone(), environment_id);
    let first = view(&journal, environment_id, true);
    let (env, id) = (environment_id.to_string(), batch_id.to_string());
    let options = RunOptions { concurrency: concurrency.clamp(1, 32) as usize, ..RunOptions::default() };
    tauri::async_runtime::spawn(async move {
        let (tx, mut rx) = tokio::sync::watch::channel(journal.progress());
        let progress_app = app.clone();
        let (progress_journal, progress_env) = (journal.clone(), env.clone());
        let forwarder = tauri::async_runtime::spawn(async move {
            while rx.changed().await.is_ok() {
                let _ = progress_app.emit(EVENT, view(&progress_journal, &progress_env, true));
            }
        });
        let result = flowdesk_bulk::run(&client, &journal, &options, Some(&tx), &token).await;
        drop(tx);
        let _ = forwarder.await;
        let desk = app.state::<Desk>();
        if let Err(e) = &result {
            tracing::warn!(batch = %id, error = %e, "bulk run stopped");
        }
        // Every created row joins the history (recording one again replaces it).
        let entries = history_entries(&journal, &env, &environment_name);
        let created: Vec<String> = entries.iter().map(|e| e.flow_id.clone()).collect();
        if let Err(e) = desk.history(|h| h.record_many(entries)) {
            tracing::error!(batch = %id, error = %e, "bulk rows not written to history");
        }
        let p = journal.progress();
        let counts = format!("{} created, {} failed, {} unknown, {} not sent", p.created, p.failed, p.unknown, p.remaining);
        desk.ledger().record(flowdesk_money::AuditEntry::flow_batch(&env, &id, created, &counts));
        desk.clear_running_journal(&id);
        desk.runs().finish(&id);
        let _ = app.emit(EVENT, view(&journal, &env, false));
    });
    Ok(first)
}
