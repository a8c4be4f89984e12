//! `POST /v2/transfers` and the transfer object.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::amount::cents;

/// A transfer request. `amount` follows Dots' sign: negative moves money from the app to
/// the user (funding their wallet), positive takes it from the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewTransfer {
    pub amount: i64,
    pub user_id: String,
    pub idempotency_key: String,
    pub metadata: Value,
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
