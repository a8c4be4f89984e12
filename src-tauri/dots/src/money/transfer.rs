//! `POST /v2/transfers` and the transfer object.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::amount::cents;
use super::payout_link::{key_and_metadata_violations, money_body};
use crate::normalize;
use crate::rules::RuleViolation;

/// A transfer request. `amount` follows Dots' sign: negative moves money from the app to
/// the user (funding their wallet), positive takes it from the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewTransfer {
    pub amount: i64,
    pub user_id: String,
    pub idempotency_key: String,
    pub metadata: Value,
}

impl NewTransfer {
    /// The request as it is checked and sent: ids in any UUID form made canonical (other
    /// text trimmed, for [`violations`](NewTransfer::violations) to name).
    pub fn normalized(&self) -> NewTransfer {
        NewTransfer {
            amount: self.amount,
            user_id: normalize::uuid_or_text(&self.user_id),
            idempotency_key: normalize::uuid_or_text(&self.idempotency_key),
            metadata: self.metadata.clone(),
        }
    }

    /// What Dots' schema refuses in the normalised request: ids that are not UUIDs
    /// (`format: uuid`) and metadata that is neither a string, an object nor null.
    pub fn violations(&self) -> Vec<RuleViolation> {
        let n = self.normalized();
        let mut out = Vec::new();
        if normalize::uuid(&n.user_id).is_none() {
            out.push(RuleViolation::on_field("user_id", crate::rules::user_id_problem(&n.user_id)));
        }
        key_and_metadata_violations(&n.idempotency_key, &n.metadata, &mut out);
        out
    }

    /// The exact JSON body for `POST /v2/transfers`, from the normalised request.
    pub fn wire_body(&self) -> Value {
        let n = self.normalized();
        money_body(&n, &n.metadata, &n.idempotency_key)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Transfer {
    pub id: String,
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "cents")]
    #[ts(type = "number")]
    pub amount: i64,
    #[serde(default)]
    pub payout_link_id: Option<String>,
    #[serde(default)]
    pub metadata: Option<Value>,
}

impl Transfer {
    /// The intent id Flow Desk put in the metadata, if this transfer is one of ours.
    /// Metadata may come back as an object or as a JSON string.
    pub fn intent_id(&self) -> Option<String> {
        let meta = self.metadata.as_ref()?;
        let object = match meta {
            Value::String(s) => serde_json::from_str::<Value>(s).ok()?,
            other => other.clone(),
        };
        object.get(super::INTENT_KEY)?.as_str().map(str::to_string)
    }
}
