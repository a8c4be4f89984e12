//! `history`: the flows created on this computer, from the app or the CLI (one History).

use std::process::ExitCode;

use clap::Subcommand;

use crate::context::core;
use crate::error::CliError;
use crate::Global;

#[derive(Subcommand)]
pub enum HistoryAction {
    /// Newest first; QUERY matches the flow id, reference, user, link or step names.
    List {
        #[arg(default_value = "")]
        query: String,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// One entry per line as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Forget one flow (it stays on Dots).
    Delete { flow_id: String },
}

pub async fn history(g: &Global, action: HistoryAction) -> Result<ExitCode, CliError> {
    let core = core(g).await?;
    match action {
        HistoryAction::List { query, limit, json } => {
            for item in core.history_search(&query, Some(limit)) {
                if json {
                    say!("{}", serde_json::to_string(&item).unwrap_or_default());
                    continue;
                }
                let e = &item.entry;
                let done = e.progress.as_ref().map(|p| format!("{}/{}", p.completed, p.total)).unwrap_or_else(|| "-".into());
                let old = if item.old_local_sandbox { "  (old local sandbox)" } else { "" };
                say!(
                    "{}  {}  {:<12} {:>5}  {}  {}{old}",
                    e.flow_id,
                    e.created_at.format("%Y-%m-%d %H:%M"),
                    e.environment_id,
                    done,
                    e.reference.as_deref().unwrap_or("-"),
                    e.link
                );
            }
        }
        HistoryAction::Delete { flow_id } => {
            if !core.history_delete(flow_id.clone()).await? {
                return Err(CliError::new(crate::error::NOT_FOUND, format!("{flow_id} is not in History")));
            }
            say!("Forgot {flow_id}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
