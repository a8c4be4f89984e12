//! The money records of this install: intents (`intents.jsonl`), the audit log
//! (`audit.jsonl`) and the limits (`money-limits.json`), beside the settings file.

use std::path::Path;
use std::sync::Mutex;

use flowdesk_money::{AuditEntry, AuditLog, IntentStore, LimitsBook, MoneyError};

pub struct Ledger {
    pub intents: Mutex<IntentStore>,
    pub audit: AuditLog,
    pub limits: Mutex<LimitsBook>,
}

impl Ledger {
    pub fn open(dir: &Path) -> Result<Self, MoneyError> {
        Ok(Ledger {
            intents: Mutex::new(IntentStore::open(dir.join("intents.jsonl"))?),
            audit: AuditLog::new(dir.join("audit.jsonl")),
            limits: Mutex::new(LimitsBook::open(dir.join("money-limits.json"))?),
        })
    }

    /// Appends to the audit log; a failed write is logged, never hidden and never fatal
    /// to an action that already happened on Dots.
    pub fn record(&self, entry: AuditEntry) {
        if let Err(e) = self.audit.append(&entry) {
            tracing::error!(error = %e, action = %entry.action, "audit log append failed");
        }
    }
}
