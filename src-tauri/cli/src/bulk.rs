//! `bulk`: one flow per CSV row through `flowdesk-bulk`, with a journal beside the output so
//! a stopped or killed run resumes without duplicates.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use flowdesk_bulk::journal::write_atomically;
use flowdesk_bulk::{
    mail_merge_csv, parse_csv, results_csv, BatchProgress, BatchTemplate, CancellationToken,
    Journal, MailTemplate, RunOptions,
};
use tokio::sync::watch;

use crate::context::target;
use crate::error::{CliError, INTERRUPTED, PARTIAL};
use crate::Global;

#[derive(Args)]
pub struct BulkArgs {
    /// Recipients CSV (UTF-8, header: email, name, reference, user_id, meta.<key>…).
    csv: PathBuf,
    /// The flow template, JSON: {"steps": ["compliance", {"name": "redirect", "redirect_url": "https://…"}],
    /// "require_auth": true, "hide_go_to_dashboard_on_complete": false}.
    #[arg(long, value_name = "FILE.json")]
    template: PathBuf,
    /// Results CSV to write: row, email, reference, flow_id, link, status, detail.
    #[arg(short, long, value_name = "FILE.csv")]
    output: PathBuf,
    /// The batch journal [default: OUTPUT.journal]. If it exists the batch is resumed
    /// (the CSV and template are then not read again).
    #[arg(long, value_name = "FILE")]
    journal: Option<PathBuf>,
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
    let journal_path = a.journal.clone().unwrap_or_else(|| {
        let mut p = a.output.clone().into_os_string();
        p.push(".journal");
        PathBuf::from(p)
    });
    let journal = if journal_path.exists() {
        let j = Journal::open(&journal_path)?;
        let named = a.csv.file_name().map(|n| n.to_string_lossy().into_owned());
        if j.source().is_some() && j.source() != named.as_deref() {
            eprintln!(
                "flowdesk: note: {} belongs to a batch from {}, not {}: resuming that batch (use another -o or --journal for a new one)",
                journal_path.display(),
                j.source().unwrap_or_default(),
                a.csv.display()
            );
        }
        let p = j.progress();
        eprintln!(
            "Resuming batch {} from {}: {} created, {} failed, {} to check, {} to send",
            j.batch_id(),
            journal_path.display(),
            p.created,
            p.failed,
            p.unknown,
            p.remaining
        );
        j
    } else {
        let bytes = std::fs::read(&a.csv)
            .map_err(|e| CliError::invalid(format!("{}: {e}", a.csv.display())))?;
        let import = parse_csv(&bytes)?;
        eprintln!("{}: {}", a.csv.display(), import.report());
        let template = read_template(&a.template)?;
        template.check()?;
        if a.dry_run {
            return Ok(ExitCode::SUCCESS);
        }
        if import.valid().next().is_none() {
            return Err(CliError::invalid(format!(
                "{}: no valid row to send",
                a.csv.display()
            )));
        }
        let source = a.csv.file_name().map(|n| n.to_string_lossy().into_owned());
        Journal::create(&journal_path, &template, &import, source)?
    };
    if a.dry_run {
        return Ok(ExitCode::SUCCESS);
    }

    let t = target(g)?;
    eprintln!("Environment: {}", t.env_name);
    let mut opts = RunOptions {
        concurrency: a.concurrency as usize,
        ..RunOptions::default()
    };
    if let Some(ms) = a.settle_ms {
        opts.settle = Duration::from_millis(ms);
    }
    let cancel = CancellationToken::new();
    let (tx, rx) = watch::channel(journal.progress());
    let reporter = tokio::spawn(report(rx));
    let ctrl_c = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("Stopping: creates in flight finish, nothing new starts…");
                cancel.cancel();
            }
        })
    };
    let result = flowdesk_bulk::run(&t.client, &journal, &opts, Some(&tx), &cancel).await;
    drop(tx);
    let _ = reporter.await;
    ctrl_c.abort();

    // The results are written whatever happened, so the links made so far are never lost.
    write_atomically(&a.output, &results_csv(&journal)?)?;
    audit_batch(&t, &journal);
    if let Some(path) = &a.mail_merge {
        let mail = t.settings.email_template();
        let mail = MailTemplate {
            subject: mail.subject.clone(),
            body: mail.body.clone(),
        };
        write_atomically(path, &mail_merge_csv(&journal, &mail)?)?;
    }
    let summary = result.map_err(|e| match e {
        flowdesk_bulk::BulkError::Dots(d) => t.error(d),
        other => other.into(),
    })?;
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
        eprintln!(
            "flowdesk: warning: rows with more than one flow in Dots: {:?}",
            summary.duplicates
        );
    }
    if summary.cancelled {
        return Err(CliError::new(
            INTERRUPTED,
            "interrupted: run the same command again to resume",
        ));
    }
    if p.finished() && p.failed == 0 {
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::from(PARTIAL))
    }
}

fn read_template(path: &Path) -> Result<BatchTemplate, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::invalid(format!("{}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| CliError::invalid(format!("template {}: {e}", path.display())))
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

/// The app's audit log records every flow creation: one line per run, with the batch's flows.
fn audit_batch(t: &crate::context::Target, journal: &flowdesk_bulk::Journal) {
    let created: Vec<String> = journal
        .snapshot()
        .into_iter()
        .filter_map(|(_, state)| match state {
            flowdesk_bulk::RowState::Created { flow_id, .. } => Some(flow_id),
            _ => None,
        })
        .collect();
    let p = journal.progress();
    let counts = format!("{} created, {} failed, {} unknown, {} not sent", p.created, p.failed, p.unknown, p.remaining);
    let entry = flowdesk_money::AuditEntry::flow_batch(&t.env_id, &journal.batch_id().to_string(), created, &counts);
    if let Err(e) = flowdesk_money::AuditLog::new(t.data_dir.join("audit.jsonl")).append(&entry) {
        eprintln!("flowdesk: note: the batch's flows were not written to the audit log: {e}");
    }
}
