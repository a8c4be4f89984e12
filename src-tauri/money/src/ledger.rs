//! The money records of one install, in one folder (the app's data folder, shared with the
//! CLI): intents (`intents.jsonl`), the audit log (`audit.jsonl`), the limits
//! (`money-limits.json`).

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use crate::audit::{AuditEntry, AuditLog};
use crate::error::MoneyError;
use crate::intents::{Intent, IntentStore};
use crate::limits::{Limits, LimitsBook};
use crate::request::Action;

pub struct Ledger {
    pub intents: Mutex<IntentStore>,
    pub audit: AuditLog,
    pub limits: Mutex<LimitsBook>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
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

    pub fn limits_for(&self, environment: &str) -> Limits {
        lock(&self.limits).get(environment)
    }

    /// The environment's limits and what it spent today, after checking `action` fits.
    pub fn check_limits(&self, environment: &str, action: &Action) -> Result<(Limits, i64), MoneyError> {
        let limits = self.limits_for(environment);
        let spent = self.audit.spent_today(environment, chrono::Utc::now())?;
        limits.check(action.amount_cents(), spent)?;
        Ok((limits, spent))
    }

    /// An earlier action for the same recipient in this environment whose outcome is open.
    pub fn open_intent_for(&self, environment: &str, action: &Action) -> Option<Intent> {
        lock(&self.intents).unresolved_for(environment, action)
    }

    pub fn intent(&self, id: &str) -> Option<Intent> {
        lock(&self.intents).get(id).cloned()
    }

    /// Every intent, newest first.
    pub fn intents(&self) -> Vec<Intent> {
        lock(&self.intents).all()
    }
}
