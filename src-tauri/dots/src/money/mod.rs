//! Users, wallets, transfers and payout links as Dots returns them, and the client calls
//! that read and move money. Amounts are integer cents (`i64`) end to end: no float ever
//! holds money, not even while parsing a reply.

mod amount;
mod app;
mod client;
mod payout_link;
mod transfer;
mod user;

#[cfg(test)]
mod tests;

pub use app::{dollars_to_cents, App, AppMetrics};
pub use client::{TransferFilter, UserFilter};
pub use payout_link::{Delivery, DeliveryMethod, NewPayoutLink, Payee, PayoutLink, PayoutLinkStatus, Redelivery};
pub use transfer::{NewTransfer, Transfer};
pub use user::{BackgroundCheck, Compliance, PayoutMethod, Phone, User, Wallet};

/// The metadata key that carries Flow Desk's intent id on every money request, so a
/// request whose reply was lost can be found again.
pub const INTENT_KEY: &str = "flowdesk_intent_id";
