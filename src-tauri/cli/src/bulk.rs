//! `bulk`: one flow per CSV row through the core's batch runner. The batch's journal lives
//! in the data folder (the app lists and resumes it too); the results go where you ask.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use flowdesk_bulk::{parse_csv, BatchProgress};
use flowdesk_core::{BulkStart, BulkTemplate};
use tokio::sync::watch;

use crate::context::{core, env_id};
use crate::error::{CliError, INTERRUPTED, PARTIAL};
use crate::Global;

#[derive(Args)]
pub struct BulkArgs {
    /// Recipients CSV (UTF-8, header: email, name, reference, user_id, meta.<key>…).
    #[arg(required_unless_present = "resume")]
    csv: Option<PathBuf>,
    /// The flow template, JSON: {"steps": ["compliance", {"name": "redirect", "redirect_url": "https://…"}],
    /// "require_auth": true, "hide_go_to_dashboard_on_complete": false}.
    #[arg(long, value_name = "FILE.json", required_unless_present = "resume")]
    template: Option<PathBuf>,
    /// Results CSV to write: row, email, reference, flow_id, link, status, detail.
    #[arg(short, long, value_name = "FILE.csv")]
    output: PathBuf,
    /// Resume this batch (see `flowdesk batches`) instead of starting one.
    #[arg(long, value_name = "BATCH_ID", conflicts_with_all = ["csv", "template"])]
    resume: Option<String>,
    /// Also write a mail-merge CSV (to, subject, body) from the email template in Settings.
    #[arg(long, value_name = "FILE.csv")]
    mail_merge: Option<PathBuf>,
    /// Creates in flight at once.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32))]
    concurrency: u16,
    /// Only check the CSV and template; send nothing.
    #[arg(long)]
    dry_run: bool,
    /// Milliseconds to wait before reconciling uncertain creates (tests).
    #[arg(long, hide = true)]
    settle_ms: Option<u64>,
}

pub async fn bulk(g: &Global, a: BulkArgs) -> Result<ExitCode, CliError> {
    let core = core(g).await?;
    let handle = match &a.resume {
        Some(batch_id) => core.bulk_resume(batch_id, u32::from(a.concurrency)).await?,
        None => {
            let (csv, template_path) = (a.csv.clone().unwrap_or_default(), a.template.clone().unwrap_or_default());
            let bytes = std::fs::read(&csv).map_err(|e| CliError::invalid(format!("{}: {e}", csv.display())))?;
            let import = parse_csv(&bytes).map_err(|e| CliError::invalid(e.to_string()))?;
            eprintln!("{}: {}", csv.display(), import.report());
            let template = read_template(&template_path)?;
            if a.dry_run {
                return Ok(ExitCode::SUCCESS);
            }
            let start = BulkStart {
                csv: bytes,
                template,
                environment_id: env_id(g, &core)?,
                concurrency: u32::from(a.concurrency),
                source: csv.file_name().map(|n| n.to_string_lossy().into_owned()),
                settle: a.settle_ms.map(Duration::from_millis),
            };
            core.bulk_start(start).await?
        }
    };
    let batch_id = handle.batch_id.clone();
    eprintln!("Batch {batch_id} in {}", handle.first.environment_id);
    let reporter = tokio::spawn(report(handle.progress.clone()));
    let ctrl_c = {
        let core = core.clone();
        let id = batch_id.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("Stopping: creates in flight finish, nothing new starts…");
                core.bulk_cancel(&id);
            }
        })
    };
    let result = handle.done.await.map_err(|e| CliError::other(format!("the batch task failed: {e}")))?;
    ctrl_c.abort();
    let _ = reporter.await;

    // The results are written whatever happened, so the links made so far are never lost.
    write_chosen(&a.output, &core.bulk_results_csv(batch_id.clone()).await?)?;
    if let Some(path) = &a.mail_merge {
        write_chosen(path, &core.bulk_mail_merge_csv(batch_id.clone()).await?)?;
    }
    let summary = result?;
    let p = summary.progress;
    say!(
        "{} created, {} failed, {} invalid, {} unknown, {} not sent; {} uncertain creates reconciled ({} found, {} re-sent); results in {}",
        p.created,
        p.failed,
        p.invalid,
        p.unknown,
        p.remaining,
        summary.reconciled_found + summary.reconciled_missing,
        summary.reconciled_found,
        summary.reconciled_missing,
        a.output.display()
    );
    if !summary.duplicates.is_empty() {
        eprintln!("flowdesk: warning: rows with more than one flow in Dots: {:?}", summary.duplicates);
    }
    if summary.cancelled {
        return Err(CliError::new(
            INTERRUPTED,
            format!("interrupted: resume with `flowdesk bulk --resume {batch_id} -o {}`", a.output.display()),
        ));
    }
    if p.finished() && p.failed == 0 {
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::from(PARTIAL))
    }
}

/// `flowdesk batches`: every batch in the data folder, the app's included.
pub async fn batches(g: &Global) -> Result<ExitCode, CliError> {
    let core = core(g).await?;
    for b in core.bulk_batches().await? {
        let p = b.progress;
        let state = if b.running { "running" } else if b.finished { "finished" } else { "unfinished" };
        say!(
            "{}  {:<10} {:<12} {} created, {} failed, {} unknown, {} remaining  {}",
            b.batch_id,
            state,
            b.environment_id,
            p.created,
            p.failed,
            p.unknown,
            p.remaining,
            b.started_at.format("%Y-%m-%d %H:%M")
        );
        if let Some(stop) = b.stopped_by {
            say!("    stopped: {}", stop.message);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The results and mail merge hold people's emails: 0600, written whole or not at all.
/// A file where the person asked for it: complete or absent (temp, fsync, rename), with the
/// person's own umask, like any file they make (the data folder's files are the 0600 ones).
fn write_chosen(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write;
    let fail = |e: std::io::Error| CliError::other(format!("{}: {e}", path.display()));
    let dir = flowdesk_files::folder_of(path);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}

fn read_template(path: &Path) -> Result<BulkTemplate, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| CliError::invalid(format!("{}: {e}", path.display())))?;
    let t: flowdesk_bulk::BatchTemplate =
        serde_json::from_str(&text).map_err(|e| CliError::invalid(format!("template {}: {e}", path.display())))?;
    Ok(BulkTemplate { steps: t.steps, require_auth: t.require_auth, hide_go_to_dashboard_on_complete: t.hide_go_to_dashboard_on_complete })
}

/// A progress bar on a terminal; otherwise a plain line at most once a second and at the end.
async fn report(mut rx: watch::Receiver<BatchProgress>) {
    let line = |p: &BatchProgress| {
        format!(
            "{} done, {} failed, {} to check, {} remaining",
            p.created, p.failed, p.unknown, p.remaining
        )
    };
    if std::io::stderr().is_terminal() {
        let total = rx.borrow().total as u64;
        let bar = indicatif::ProgressBar::new(total);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} ({eta})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        while rx.changed().await.is_ok() {
            let p = *rx.borrow();
            bar.set_position((p.created + p.failed) as u64);
            bar.set_message(line(&p));
        }
        // Left where it stopped: a cancelled run is not shown as full.
        bar.abandon_with_message(line(&rx.borrow()));
    } else {
        let mut last = String::new();
        let mut printed_at = tokio::time::Instant::now() - Duration::from_secs(2);
        loop {
            let changed = rx.changed().await.is_ok();
            let p = *rx.borrow();
            let now = tokio::time::Instant::now();
            let text = line(&p);
            if text != last && (!changed || now - printed_at >= Duration::from_secs(1)) {
                eprintln!("{text}");
                last = text;
                printed_at = now;
            }
            if !changed {
                break;
            }
        }
    }
}

