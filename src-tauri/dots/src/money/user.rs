//! The user object, read leniently: every field but the id may be missing, and enums stay
//! strings so a status Dots adds later does not make a user unreadable.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::amount::cents;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Wallet {
    #[serde(default, deserialize_with = "cents")]
    #[ts(type = "number")]
    pub amount: i64,
    #[serde(default, deserialize_with = "cents")]
    #[ts(type = "number")]
    pub withdrawable_amount: i64,
    #[serde(default, deserialize_with = "super::amount::opt_cents", skip_serializing_if = "Option::is_none")]
    #[ts(type = "number", optional)]
    pub credit_balance: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Phone {
    #[serde(default)]
    pub country_code: String,
    #[serde(default)]
    pub phone_number: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackgroundCheck {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub updated: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Compliance {
    #[serde(default)]
    pub tax_id_verification: Option<String>,
    #[serde(default)]
    pub id_verified: Option<bool>,
    #[serde(default)]
    pub has_criminal_activity: Option<bool>,
    #[serde(default)]
    pub background_check: Option<BackgroundCheck>,
    #[serde(default)]
    pub flagged: Option<bool>,
}

/// One of the user's payout methods (`payment-method` in the spec).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PayoutMethod {
    #[serde(default)]
    pub platform: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub mask: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone_number: Option<Phone>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub wallet: Option<Wallet>,
    #[serde(default)]
    pub default_payout_method: Option<String>,
    #[serde(default)]
    pub compliance: Option<Compliance>,
    #[serde(default)]
    pub metadata: Option<Value>,
}

impl User {
    /// "Ada Lovelace", or the email, or the id: what a person recognises.
    pub fn display_name(&self) -> String {
        let name = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if !name.is_empty() {
            name
        } else if let Some(email) = self.email.as_deref().filter(|e| !e.trim().is_empty()) {
            email.trim().to_string()
        } else {
            self.id.clone()
        }
    }
}
