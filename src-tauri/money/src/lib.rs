//! Money actions for Flow Desk, shared by the app and the CLI: funding a user's wallet
//! (`POST /v2/transfers`) and paying out by link (`POST /v2/payout-links`).
//!
//! The rule is "no double payment, ever". Every action gets an idempotency key and an
//! intent id when the person confirms it; both are written to disk before the request is
//! sent, and any retry (after a timeout, a dropped connection, a 5xx, or a crash and
//! restart) re-sends the same key. Dots treats a repeated key differently per endpoint:
//! a payout link returns the existing link, a transfer is rejected. So a rejected repeat
//! transfer is looked up by its intent id and the original is shown.

pub mod amount;
pub mod audit;
pub mod error;
pub mod execute;
pub mod intents;
pub mod ledger;
pub mod limits;
pub mod link_view;
pub mod request;

pub use amount::{format_cents, parse_dollars, AmountError, Sign};
pub use audit::{AuditEntry, AuditLog, AuditRead};
pub use error::{MoneyError, MoneyErrorKind};
pub use execute::{carry_out, confirm, MoneyApi, Outcome, OutcomeState, RetryPolicy};
pub use intents::{Intent, IntentState, IntentStore};
pub use ledger::Ledger;
pub use limits::{Limits, LimitsBook};
pub use link_view::{PayoutLinkView, RedeliveryView};
pub use request::{Action, MoneyRequest, Summary};

/// The OS user name for the audit log ("who did it"), never a secret.
pub fn os_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "unknown".into())
}
