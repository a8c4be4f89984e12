//! Seeding users for tests (`POST /_sandbox/users`, `SandboxHandle::seed_user`): any status,
//! any compliance state, any wallet, none of which the real API lets a caller set.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::controls::ControlError;
use crate::ledger::MAX_AMOUNT_CENTS;
use crate::model::{
    dots_timestamp, User, BACKGROUND_CHECK_STATUSES, RAILS, TAX_ID_VERIFICATIONS, USER_STATUSES,
};

/// A user to put in the store as is. Every field is optional; unknown fields are refused so a
/// typo in a test does not silently seed the default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedUser {
    /// A fixed id (replacing any user with it); a new one when absent.
    pub id: Option<Uuid>,
    /// Default "Sandbox".
    pub first_name: Option<String>,
    /// Default "User".
    pub last_name: Option<String>,
    /// Default `user-<8 hex>@example.com`.
    pub email: Option<String>,
    pub country_code: Option<String>,
    pub phone_number: Option<String>,
    /// verified | unverified | disabled | in_review; default "unverified".
    pub status: Option<String>,
    pub has_criminal_activity: Option<bool>,
    pub id_verified: Option<bool>,
    /// unsubmitted | pending | matched | mismatched; default "unsubmitted".
    pub tax_id_verification: Option<String>,
    /// When set, the user has a background check in this status (updated now).
    pub background_check_status: Option<String>,
    /// Both `amount` and `withdrawable_amount`; default 0.
    pub wallet_cents: Option<i64>,
    /// A rail; it is added to the user's payout methods too.
    pub default_payout_method: Option<String>,
    /// Connected rails (`GET /v2/users/{id}/payout-methods`).
    pub payout_methods: Option<Vec<String>>,
    pub metadata: Option<Value>,
}

fn check(field: &str, value: &str, allowed: &[&str]) -> Result<(), ControlError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(ControlError::InvalidSeed(format!(
            "`{field}` must be one of {}; got {value:?}",
            allowed.join(", ")
        )))
    }
}

impl SeedUser {
    pub fn into_user(self) -> Result<User, ControlError> {
        let mut u = User::blank(self.id.unwrap_or_else(Uuid::new_v4));
        if let Some(s) = &self.status {
            check("status", s, &USER_STATUSES)?;
            u.status = s.clone();
        }
        if let Some(t) = &self.tax_id_verification {
            check("tax_id_verification", t, &TAX_ID_VERIFICATIONS)?;
            u.compliance.tax_id_verification = t.clone();
        }
        if let Some(b) = &self.background_check_status {
            check("background_check_status", b, &BACKGROUND_CHECK_STATUSES)?;
            u.compliance.background_check = Some((b.clone(), dots_timestamp(chrono::Utc::now())));
        }
        u.compliance.id_verified = self.id_verified.unwrap_or(false);
        u.compliance.has_criminal_activity = self.has_criminal_activity.unwrap_or(false);
        let cents = self.wallet_cents.unwrap_or(0);
        if !(0..=MAX_AMOUNT_CENTS).contains(&cents) {
            return Err(ControlError::InvalidSeed(format!(
                "`wallet_cents` must be between 0 and {MAX_AMOUNT_CENTS}; got {cents}"
            )));
        }
        u.wallet.credit(cents);
        for rail in self.payout_methods.iter().flatten() {
            check("payout_methods[]", rail, &RAILS)?;
            if !u.payout_methods.contains(rail) {
                u.payout_methods.push(rail.clone());
            }
        }
        if let Some(m) = &self.default_payout_method {
            check("default_payout_method", m, &RAILS)?;
            if !u.payout_methods.contains(m) {
                u.payout_methods.push(m.clone());
            }
            u.default_payout_method = Some(m.clone());
        }
        match &self.metadata {
            None | Some(Value::Null) => {}
            Some(v @ (Value::String(_) | Value::Object(_))) => u.metadata = v.clone(),
            Some(_) => {
                return Err(ControlError::InvalidSeed(
                    "`metadata` must be a string or an object".into(),
                ))
            }
        }
        u.first_name = self.first_name.unwrap_or_else(|| "Sandbox".into());
        u.last_name = self.last_name.unwrap_or_else(|| "User".into());
        let short = u.id.simple().to_string();
        u.email = Some(
            self.email
                .unwrap_or_else(|| format!("user-{}@example.com", &short[..8])),
        );
        u.country_code = self.country_code;
        u.phone_number = self.phone_number;
        Ok(u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_checks() {
        let u = SeedUser::default().into_user().unwrap();
        assert_eq!((u.status.as_str(), u.wallet.amount), ("unverified", 0));
        assert_eq!(u.compliance.tax_id_verification, "unsubmitted");
        assert!(u.compliance.background_check.is_none());
        let u = SeedUser {
            status: Some("in_review".into()),
            background_check_status: Some("consider".into()),
            wallet_cents: Some(2500),
            default_payout_method: Some("venmo".into()),
            ..Default::default()
        }
        .into_user()
        .unwrap();
        assert_eq!(u.wallet.withdrawable_amount, 2500);
        assert_eq!(u.payout_methods, vec!["venmo".to_string()]);
        let v = u.to_json();
        assert_eq!(v["compliance"]["background_check"]["status"], "consider");
        assert_eq!(v["compliance"]["flagged"], true);
        for bad in [
            SeedUser {
                status: Some("banned".into()),
                ..Default::default()
            },
            SeedUser {
                wallet_cents: Some(-1),
                ..Default::default()
            },
            SeedUser {
                default_payout_method: Some("zelle".into()),
                ..Default::default()
            },
            SeedUser {
                metadata: Some(Value::Bool(true)),
                ..Default::default()
            },
        ] {
            assert!(bad.into_user().is_err());
        }
    }
}
