//! `flowdesk-core`: the whole of Flow Desk with no Tauri in it. One [`Core`] owns the
//! settings and keys, a Dots client per environment, history and templates, the money
//! ledger and audit log, bulk runs, the watch scheduler and the local sandbox, and every
//! rule a person can observe: production confirmation ([`confirm`]), creates never
//! retried and recovered into history when their reply is lost, read retries, an audit
//! line for every action, money limits and unresolved intents.
//!
//! The app's Tauri commands and the `flowdesk` CLI's verbs are adapters over it: parse,
//! call one method, render. Each shell brings only a [`Confirmer`] (how it asks) and its
//! way of showing [`CoreEvent`]s.

mod amounts;
mod app_wallet;
mod bulk;
pub mod confirm;
mod connection;
pub mod email;
mod environments;
mod error;
mod events;
mod flows;
mod from_history;
mod link_watch;
mod local;
mod money;
mod pending;
mod saved;
mod service;
mod shared;
pub mod timings;
mod webhooks;

pub use amounts::{amount_preview, AmountPreview};
pub use app_wallet::AppWallet;
pub use bulk::{BatchView, BulkPreview, BulkProgress, BulkRowView, BulkStart, BulkTemplate, RunHandle};
pub use confirm::{Ask, BoxFuture, Clearance, Confirmation, Confirmer, Refuse, Scripted};
pub use connection::ConnectionReport;
pub use email::{mailto, EmailDraft};
pub use environments::{EnvironmentEntry, EnvironmentUpdateView, EnvironmentsView, KeychainStatus, Preferences};
pub use error::{AppErrorKind, AppOnlyKind, CoreError, CoreResult, ErrorDetails};
pub use events::{CoreEvent, DataKind};
pub use flows::{FlowView, StepCatalog};
pub use from_history::HistoryDraft;
pub use link_watch::PayoutLinkEvent;
pub use local::LocalMode;
pub use money::{IntentView, UserView};
pub use saved::HistoryItem;
pub use service::{AppInfo, Core, CoreOptions};
pub use webhooks::{
    webhook_events, DeliveryDetail, DeliveryPage, DeliveryQuery, DeliveryState, TriggerResult, WebhookAttempt, WebhookDelivery,
    WebhookEndpoint, WebhooksScope,
};

/// The app's identifier: its data folder's name and the keychain's service.
pub use flowdesk_settings::APP_IDENTIFIER;
