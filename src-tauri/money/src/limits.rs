//! Per-environment money limits: the most one action may move, and the most all actions
//! of one day (UTC) may move together. Checked before an intent is made.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::amount::format_cents;
use crate::error::MoneyError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Limits {
    /// Cents; `None` = no limit.
    #[ts(type = "number | null")]
    pub per_action_cents: Option<i64>,
    #[ts(type = "number | null")]
    pub per_day_cents: Option<i64>,
}

impl Default for Limits {
    /// $10,000 per action and $50,000 per day until someone sets their own.
    fn default() -> Self {
        Limits { per_action_cents: Some(1_000_000), per_day_cents: Some(5_000_000) }
    }
}

impl Limits {
    pub fn validate(&self) -> Result<(), MoneyError> {
        for (name, v) in [("per-action", self.per_action_cents), ("per-day", self.per_day_cents)] {
            if let Some(v) = v {
                if !(1..=crate::amount::MAX_CENTS * 100).contains(&v) {
                    return Err(MoneyError::Invalid(format!("the {name} limit must be more than $0.00")));
                }
            }
        }
        Ok(())
    }

    /// `amount` is the size of the new action (cents, any sign); `spent_today` the sum of
    /// today's earlier actions in this environment.
    pub fn check(&self, amount: i64, spent_today: i64) -> Result<(), MoneyError> {
        let amount = amount.unsigned_abs() as i64;
        if let Some(max) = self.per_action_cents {
            if amount > max {
                return Err(MoneyError::OverLimit(format!(
                    "{} is over this environment's limit of {} per action; nothing was sent",
                    format_cents(amount),
                    format_cents(max)
                )));
            }
        }
        if let Some(max) = self.per_day_cents {
            let total = spent_today.saturating_add(amount);
            if total > max {
                return Err(MoneyError::OverLimit(format!(
                    "{} today plus {} would be {}, over this environment's limit of {} per day; nothing was sent",
                    format_cents(spent_today),
                    format_cents(amount),
                    format_cents(total),
                    format_cents(max)
                )));
            }
        }
        Ok(())
    }
}

/// Limits per environment id, kept in `money-limits.json` beside the settings.
#[derive(Debug, Clone, Default)]
pub struct LimitsBook {
    path: PathBuf,
    by_env: BTreeMap<String, Limits>,
}

impl LimitsBook {
    /// A missing file means defaults; an unreadable one is an error (limits are a safety
    /// net, so they are never silently dropped).
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, MoneyError> {
        let path = path.into();
        let by_env = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                MoneyError::Invalid(format!("the limits file {} is not readable ({e}); fix or remove it", path.display()))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(MoneyError::io("read", &path, e)),
        };
        Ok(LimitsBook { path, by_env })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn get(&self, environment: &str) -> Limits {
        self.by_env.get(environment).copied().unwrap_or_default()
    }

    pub fn set(&mut self, environment: &str, limits: Limits) -> Result<(), MoneyError> {
        limits.validate()?;
        let mut next = self.by_env.clone();
        next.insert(environment.to_string(), limits);
        let bytes = serde_json::to_vec_pretty(&next).map_err(|e| MoneyError::Invalid(e.to_string()))?;
        flowdesk_files::write_atomic(&self.path, &bytes).map_err(|e| MoneyError::io("write", &self.path, e))?;
        self.by_env = next;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn limits_say_what_they_are() {
        let l = Limits { per_action_cents: Some(10_000), per_day_cents: Some(25_000) };
        assert!(l.check(10_000, 0).is_ok());
        let e = l.check(10_001, 0).unwrap_err().to_string();
        assert!(e.contains("$100.01") && e.contains("$100.00 per action"), "{e}");
        assert!(l.check(-5_000, 20_000).is_ok());
        let e = l.check(-5_001, 20_000).unwrap_err().to_string();
        assert!(e.contains("$250.01") && e.contains("per day"), "{e}");
        assert!(Limits { per_action_cents: None, per_day_cents: None }.check(i64::MIN + 1, i64::MAX).is_ok());
    }

    #[test]
    fn limits_persist_per_environment_and_bad_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("money-limits.json");
        let mut book = LimitsBook::open(&path).unwrap();
        assert_eq!(book.get("production"), Limits::default());
        let tight = Limits { per_action_cents: Some(500), per_day_cents: None };
        book.set("production", tight).unwrap();
        assert!(book.set("production", Limits { per_action_cents: Some(0), per_day_cents: None }).is_err());
        let again = LimitsBook::open(&path).unwrap();
        assert_eq!(again.get("production"), tight);
        assert_eq!(again.get("sandbox"), Limits::default());
        std::fs::write(&path, b"{not json").unwrap();
        assert!(LimitsBook::open(&path).unwrap_err().to_string().contains("not readable"));
    }

    proptest! {
        /// Allowed exactly when under both limits, for any amounts and spending.
        #[test]
        fn check_matches_the_arithmetic(
            action in proptest::option::of(1i64..1_000_000_000),
            day in proptest::option::of(1i64..10_000_000_000),
            amount in -1_000_000_000i64..1_000_000_000,
            spent in 0i64..10_000_000_000,
        ) {
            let l = Limits { per_action_cents: action, per_day_cents: day };
            let a = amount.abs();
            let expect = action.is_none_or(|m| a <= m) && day.is_none_or(|m| spent + a <= m);
            prop_assert_eq!(l.check(amount, spent).is_ok(), expect);
        }
    }
}
