//! Users and money: look users up, fund a wallet, pay out by link, watch and cancel links,
//! and read the audit log. The rules live in flowdesk-money; this is the app's adapter.

pub mod commands;
mod link_watch;

pub use flowdesk_money::Ledger;
pub use link_watch::{link_status, PayoutLinkSource};

use flowdesk_dots::money::{PayoutMethod, User};
use serde::Serialize;
use ts_rs::TS;

/// A user with their payout methods (read separately; a failure there does not hide the user).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct UserView {
    pub user: User,
    pub display_name: String,
    pub payout_methods: Vec<PayoutMethod>,
    pub payout_methods_error: Option<String>,
    pub environment_id: String,
}
