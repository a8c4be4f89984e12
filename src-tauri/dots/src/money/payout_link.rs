//! `POST /v2/payout-links` and the payout-link object.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::amount::cents;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DeliveryMethod {
    Link,
    Sms,
    Email,
    All,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Delivery {
    pub method: DeliveryMethod,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Payee {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub country_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub phone_number: Option<String>,
}

/// A payout-link request as sent (only the fields Flow Desk offers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewPayoutLink {
    pub amount: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payee: Option<Payee>,
    pub delivery: Delivery,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub metadata: Value,
    pub idempotency_key: String,
}

/// The spec's status enum. Unknown values are kept as `Other` so a new status is shown,
/// not an unreadable reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PayoutLinkStatus {
    Created,
    DeliveryPending,
    DeliveryFailed,
    Sent,
    Delivered,
    Claimed,
    Reversed,
    Canceled,
    Expired,
    Failed,
    #[serde(untagged)]
    Other(String),
}

impl PayoutLinkStatus {
    /// Nothing more will happen to the link: watching it can stop.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            PayoutLinkStatus::Claimed
                | PayoutLinkStatus::Reversed
                | PayoutLinkStatus::Canceled
                | PayoutLinkStatus::Expired
                | PayoutLinkStatus::Failed
        )
    }

    pub fn as_str(&self) -> &str {
        match self {
            PayoutLinkStatus::Created => "created",
            PayoutLinkStatus::DeliveryPending => "delivery_pending",
            PayoutLinkStatus::DeliveryFailed => "delivery_failed",
            PayoutLinkStatus::Sent => "sent",
            PayoutLinkStatus::Delivered => "delivered",
            PayoutLinkStatus::Claimed => "claimed",
            PayoutLinkStatus::Reversed => "reversed",
            PayoutLinkStatus::Canceled => "canceled",
            PayoutLinkStatus::Expired => "expired",
            PayoutLinkStatus::Failed => "failed",
            PayoutLinkStatus::Other(s) => s,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PayoutLink {
    pub id: String,
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub link: String,
    #[serde(default, deserialize_with = "cents")]
    #[ts(type = "number")]
    pub amount: i64,
    pub status: PayoutLinkStatus,
    #[serde(default)]
    pub payee: Option<Payee>,
    #[serde(default)]
    pub claimed_user_id: Option<String>,
    #[serde(default)]
    pub flow_id: Option<String>,
    #[serde(default)]
    pub transfer_id: Option<String>,
    #[serde(default)]
    pub memo: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub metadata: Option<Value>,
}

/// `POST /v2/payout-links/{id}/redeliver` reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Redelivery {
    pub payout_link: PayoutLink,
    #[serde(default)]
    pub redelivered: bool,
}
