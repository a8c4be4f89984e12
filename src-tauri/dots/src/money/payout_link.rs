//! `POST /v2/payout-links` and the payout-link object.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::amount::cents;
use crate::normalize;
use crate::rules::RuleViolation;

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

/// A payout-link request (only the fields Flow Desk offers). It is sent as
/// [`wire_body`](NewPayoutLink::wire_body): normalised, checked first by the client.
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

impl Payee {
    /// Every field trimmed, blank ones unset.
    pub fn normalized(&self) -> Payee {
        Payee {
            first_name: normalize::opt_text(&self.first_name),
            last_name: normalize::opt_text(&self.last_name),
            email: normalize::opt_text(&self.email),
            country_code: normalize::opt_text(&self.country_code),
            phone_number: normalize::opt_text(&self.phone_number),
        }
    }
}

impl NewPayoutLink {
    /// The request as it is checked and sent: text trimmed (blank fields and an empty payee
    /// left out), ids in any UUID form made canonical, a null metadata left out.
    pub fn normalized(&self) -> NewPayoutLink {
        NewPayoutLink {
            amount: self.amount,
            user_id: normalize::opt_text(&self.user_id).map(|u| normalize::uuid_or_text(&u)),
            payee: self.payee.as_ref().map(Payee::normalized).filter(|p| *p != Payee::default()),
            delivery: Delivery { method: self.delivery.method, message: normalize::opt_text(&self.delivery.message) },
            memo: normalize::opt_text(&self.memo),
            description: normalize::opt_text(&self.description),
            metadata: self.metadata.clone(),
            idempotency_key: normalize::uuid_or_text(&self.idempotency_key),
        }
    }

    /// What Dots' schema refuses in the normalised request: ids that are not UUIDs
    /// (`format: uuid`) and metadata that is neither a string nor an object.
    pub fn violations(&self) -> Vec<RuleViolation> {
        let n = self.normalized();
        let mut out = Vec::new();
        if let Some(u) = n.user_id.as_deref().filter(|u| normalize::uuid(u).is_none()) {
            out.push(RuleViolation::on_field("user_id", crate::rules::user_id_problem(u)));
        }
        key_and_metadata_violations(&n.idempotency_key, &n.metadata, &mut out);
        out
    }

    /// The exact JSON body for `POST /v2/payout-links`, from the normalised request.
    pub fn wire_body(&self) -> Value {
        let n = self.normalized();
        money_body(&n, &n.metadata, &n.idempotency_key)
    }
}

/// What transfers and payout links share: an idempotency key must be a UUID, metadata a
/// string or an object.
pub(crate) fn key_and_metadata_violations(key: &str, metadata: &Value, out: &mut Vec<RuleViolation>) {
    if !key.is_empty() && normalize::uuid(key).is_none() {
        out.push(not_a_uuid("idempotency_key", key));
    }
    if !matches!(metadata, Value::Null | Value::String(_) | Value::Object(_)) {
        out.push(RuleViolation::on_field("metadata", "metadata: Dots accepts only a string or an object (its API's rule)."));
    }
}

/// A money request's JSON body, without the metadata and key it does not carry.
pub(crate) fn money_body(request: &impl serde::Serialize, metadata: &Value, key: &str) -> Value {
    let mut body = serde_json::to_value(request).unwrap_or(Value::Null);
    if let Value::Object(o) = &mut body {
        if metadata.is_null() {
            o.remove("metadata");
        }
        if key.is_empty() {
            o.remove("idempotency_key");
        }
    }
    body
}

pub(crate) fn not_a_uuid(field: &str, value: &str) -> RuleViolation {
    RuleViolation::on_field(
        field,
        format!(
            "{field}: Dots accepts only a UUID here, like 0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60 (its API's rule); \"{}\" is not one.",
            crate::rules::shorten(value)
        ),
    )
}

/// The spec's status enum, and `funds_pending`: the status Dots gives a link created while
/// the app's balance cannot cover it (its 202 reply says so, though its enum omits it).
/// Unknown values are kept as `Other` so a new status is shown, not an unreadable reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PayoutLinkStatus {
    Created,
    FundsPending,
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
            PayoutLinkStatus::FundsPending => "funds_pending",
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
    /// The payee's page: an http(s) URL (anything else fails the reply), or empty.
    #[serde(default, deserialize_with = "crate::flow::http_link")]
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
