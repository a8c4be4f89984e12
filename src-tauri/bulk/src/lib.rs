//! `flowdesk-bulk`: onboarding links for a list of people, with no duplicates and no losses.
//!
//! 1. [`import::parse_csv`] reads recipients; every row is kept, valid or with its reason.
//! 2. [`Journal::create`] starts a batch (a [`BatchTemplate`] × the valid rows) in a
//!    crash-safe journal file; [`Journal::open`] resumes one.
//! 3. [`run::run`] creates the flows with bounded concurrency, progress and cancel, and
//!    reconciles every create whose outcome is unknown instead of retrying it blindly.
//! 4. [`export`] writes the results CSV and a mail-merge CSV.
//!
//! No Tauri: the app and the CLI both drive it.

pub mod error;
pub mod export;
pub mod import;
pub mod journal;
pub mod run;
pub mod template;

pub use error::{BulkError, ImportError, Result};
pub use export::{mail_merge_csv, results_csv, MailTemplate};
pub use import::{parse_csv, Import, Recipient, MAX_BYTES, MAX_ROWS};
pub use journal::{BatchProgress, Journal, RowState};
pub use run::{run, RunOptions, RunSummary};
pub use template::{BatchTemplate, BOOKKEEPING_KEYS};
pub use tokio_util::sync::CancellationToken;
