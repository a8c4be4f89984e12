//! What the desk keeps between runs besides settings: the history of created flows (with
//! their last known progress) and named step templates.

use flowdesk_history::{HistoryEntry, ImportReport, Template};
use serde::Serialize;
use ts_rs::TS;

use crate::error::CoreResult;
use crate::Core;

/// A History entry as shown, with what the core derives about it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct HistoryItem {
    #[serde(flatten)]
    #[ts(flatten)]
    pub entry: HistoryEntry,
    /// A Local flow made by a local sandbox that no longer exists (before the sandbox
    /// became durable, each run had a new one on a random port): its link leads nowhere.
    pub old_local_sandbox: bool,
}

impl Core {
    pub fn history_search(&self, query: &str, limit: Option<usize>) -> Vec<HistoryItem> {
        let origin = self.local.origin();
        let entries = self.history.read(|h| h.search(query, limit.unwrap_or(200).min(5000)));
        entries
            .into_iter()
            .map(|entry| {
                let old_local_sandbox = entry.environment_id == flowdesk_settings::LOCAL
                    && origin.as_deref().is_none_or(|o| !entry.link.starts_with(&format!("{o}/")));
                HistoryItem { entry, old_local_sandbox }
            })
            .collect()
    }

    pub async fn history_delete(&self, flow_id: String) -> CoreResult<bool> {
        self.blocking(move |c| Ok(c.history.write(&c.data, |h| h.delete(&flow_id))?)).await
    }

    pub async fn history_clear(&self) -> CoreResult<()> {
        self.blocking(|c| Ok(c.history.write(&c.data, |h| h.clear())?)).await
    }

    /// Removes entries older than `days`; the history holds personal data.
    pub async fn history_retention(&self, days: u32) -> CoreResult<usize> {
        self.blocking(move |c| Ok(c.history.write(&c.data, |h| h.apply_retention(days))?)).await
    }

    pub fn history_entry(&self, flow_id: &str) -> Option<HistoryEntry> {
        self.history.read(|h| h.get(flow_id).cloned())
    }

    pub fn templates_list(&self) -> Vec<Template> {
        self.templates.read(|t| t.list().to_vec())
    }

    pub async fn template_save(&self, template: Template) -> CoreResult<()> {
        self.blocking(move |c| Ok(c.templates.write(&c.data, |t| t.save(template))?)).await
    }

    pub async fn template_rename(&self, from: String, to: String) -> CoreResult<()> {
        self.blocking(move |c| Ok(c.templates.write(&c.data, |t| t.rename(&from, &to))?)).await
    }

    pub async fn template_delete(&self, name: String) -> CoreResult<()> {
        self.blocking(move |c| Ok(c.templates.write(&c.data, |t| t.delete(&name))?)).await
    }

    /// Templates as JSON (names, steps and options only: there is no field for a secret).
    pub fn templates_export(&self, names: Option<&[String]>) -> CoreResult<String> {
        Ok(self.templates.read(|t| t.export(names))?)
    }

    pub async fn templates_import(&self, json: String) -> CoreResult<ImportReport> {
        self.blocking(move |c| Ok(c.templates.write(&c.data, |t| t.import(&json))?)).await
    }
}
