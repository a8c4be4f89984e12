//! What a person asks for (typed text), checked into an [`Action`] (cents, ids), and the
//! summary the two-step confirmation shows.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use flowdesk_dots::money::{Delivery, DeliveryMethod, NewPayoutLink, NewTransfer, Payee, INTENT_KEY};

use crate::amount::{format_cents, parse_dollars, Sign};
use crate::error::MoneyError;
use crate::limits::Limits;

/// A money action as the form sends it: the amount is the text the person typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum MoneyRequest {
    /// Move money from the app's Dots wallet into the user's wallet.
    Fund { user_id: String, amount: String },
    PayoutLink {
        amount: String,
        #[serde(default)]
        #[ts(optional)]
        user_id: Option<String>,
        #[serde(default)]
        #[ts(optional)]
        payee: Option<Payee>,
        delivery: Delivery,
        #[serde(default)]
        #[ts(optional)]
        memo: Option<String>,
        #[serde(default)]
        #[ts(optional)]
        description: Option<String>,
    },
}

/// A checked money action. Amounts are positive cents; the sign Dots wants is applied
/// when the request is built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum Action {
    Fund {
        user_id: String,
        #[ts(type = "number")]
        amount_cents: i64,
    },
    PayoutLink {
        #[ts(type = "number")]
        amount_cents: i64,
        user_id: Option<String>,
        payee: Option<Payee>,
        delivery: Delivery,
        memo: Option<String>,
        description: Option<String>,
    },
}

fn user_id(raw: &str) -> Result<String, MoneyError> {
    let t = raw.trim();
    uuid::Uuid::parse_str(t)
        .map(|u| u.to_string())
        .map_err(|_| MoneyError::Invalid(format!("\"{}\" is not a Dots user id (a UUID like 8d0c2a76-…)", cut(t))))
}

fn cut(s: &str) -> String {
    s.chars().take(60).collect()
}

fn clean(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

impl MoneyRequest {
    pub fn check(&self) -> Result<Action, MoneyError> {
        match self {
            MoneyRequest::Fund { user_id: id, amount } => {
                Ok(Action::Fund { user_id: user_id(id)?, amount_cents: parse_dollars(amount, Sign::PositiveOnly)? })
            }
            MoneyRequest::PayoutLink { amount, user_id: id, payee, delivery, memo, description } => {
                let amount_cents = parse_dollars(amount, Sign::PositiveOnly)?;
                let id = clean(id).map(|s| user_id(&s)).transpose()?;
                let payee = payee.as_ref().map(clean_payee).filter(|p| *p != Payee::default());
                check_delivery(delivery, payee.as_ref())?;
                if memo.as_deref().is_some_and(|m| m.chars().count() > 500) {
                    return Err(MoneyError::Invalid("the memo is longer than 500 characters".into()));
                }
                Ok(Action::PayoutLink {
                    amount_cents,
                    user_id: id,
                    payee,
                    delivery: Delivery { method: delivery.method, message: clean(&delivery.message) },
                    memo: clean(memo),
                    description: clean(description),
                })
            }
        }
    }
}

fn clean_payee(p: &Payee) -> Payee {
    Payee {
        first_name: clean(&p.first_name),
        last_name: clean(&p.last_name),
        email: clean(&p.email),
        country_code: clean(&p.country_code),
        phone_number: clean(&p.phone_number),
    }
}

/// The spec: `sms` needs the payee's phone, `email` the payee's email.
fn check_delivery(d: &Delivery, payee: Option<&Payee>) -> Result<(), MoneyError> {
    let has_phone = payee.is_some_and(|p| p.phone_number.is_some() && p.country_code.is_some());
    let has_email = payee.is_some_and(|p| p.email.is_some());
    if let Some(p) = payee {
        if let Some(cc) = &p.country_code {
            if !(1..=3).contains(&cc.len()) || !cc.bytes().all(|b| b.is_ascii_digit()) {
                return Err(MoneyError::Invalid(format!("country code \"{}\" must be 1 to 3 digits, like 1", cut(cc))));
            }
        }
        if let Some(n) = &p.phone_number {
            if !(1..=20).contains(&n.len()) || !n.bytes().all(|b| b.is_ascii_digit()) {
                return Err(MoneyError::Invalid("the phone number must be digits only, like 4155550100".into()));
            }
        }
        if let Some(e) = &p.email {
            if !e.contains('@') || e.starts_with('@') || e.ends_with('@') || e.contains(char::is_whitespace) {
                return Err(MoneyError::Invalid(format!("\"{}\" is not an email address", cut(e))));
            }
        }
    }
    match d.method {
        DeliveryMethod::Sms if !has_phone => {
            Err(MoneyError::Invalid("delivery by SMS needs the payee's country code and phone number".into()))
        }
        DeliveryMethod::Email if !has_email => Err(MoneyError::Invalid("delivery by email needs the payee's email".into())),
        _ => Ok(()),
    }
}

impl Action {
    pub fn amount_cents(&self) -> i64 {
        match self {
            Action::Fund { amount_cents, .. } | Action::PayoutLink { amount_cents, .. } => *amount_cents,
        }
    }

    /// The audit log's action name.
    pub fn audit_name(&self) -> &'static str {
        match self {
            Action::Fund { .. } => "wallet.fund",
            Action::PayoutLink { .. } => "payout_link.create",
        }
    }

    /// Who the money is for, as a stable key: a user id, else the payee's email or phone.
    pub fn recipient_key(&self) -> Option<String> {
        match self {
            Action::Fund { user_id, .. } => Some(user_id.clone()),
            Action::PayoutLink { user_id: Some(u), .. } => Some(u.clone()),
            Action::PayoutLink { payee: Some(p), .. } => p.email.clone().or_else(|| p.phone_number.clone()),
            Action::PayoutLink { .. } => None,
        }
    }

    pub fn transfer(&self, key: &str, intent_id: &str) -> Option<NewTransfer> {
        match self {
            // Dots: a negative amount moves money from the app to the user.
            Action::Fund { user_id, amount_cents } => Some(NewTransfer {
                amount: -amount_cents,
                user_id: user_id.clone(),
                idempotency_key: key.to_string(),
                metadata: intent_metadata(intent_id),
            }),
            Action::PayoutLink { .. } => None,
        }
    }

    pub fn payout_link(&self, key: &str, intent_id: &str) -> Option<NewPayoutLink> {
        match self {
            Action::PayoutLink { amount_cents, user_id, payee, delivery, memo, description } => Some(NewPayoutLink {
                amount: *amount_cents,
                user_id: user_id.clone(),
                payee: payee.clone(),
                delivery: delivery.clone(),
                memo: memo.clone(),
                description: description.clone(),
                metadata: intent_metadata(intent_id),
                idempotency_key: key.to_string(),
            }),
            Action::Fund { .. } => None,
        }
    }
}

fn intent_metadata(intent_id: &str) -> Value {
    serde_json::json!({ INTENT_KEY: intent_id })
}

/// What the confirmation states before anything is made or sent.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Summary {
    pub action: Action,
    /// "Fund wallet" / "Pay out by link".
    pub title: String,
    pub amount_text: String,
    pub recipient: String,
    /// The direction in words.
    pub direction: String,
    pub environment: String,
    pub is_production: bool,
    /// Production: the person types the amount again to confirm.
    pub requires_typed_amount: bool,
    pub limits: Limits,
    #[ts(type = "number")]
    pub spent_today_cents: i64,
    /// One sentence that says it all.
    pub sentence: String,
}

impl Summary {
    pub fn new(action: Action, recipient: String, environment: &str, is_production: bool, limits: Limits, spent_today_cents: i64) -> Self {
        let amount_text = format_cents(action.amount_cents());
        let (title, direction) = match &action {
            Action::Fund { .. } => {
                ("Fund wallet", format!("from the app's Dots wallet to {recipient}'s Dots wallet"))
            }
            Action::PayoutLink { delivery, .. } => (
                "Pay out by link",
                format!(
                    "from the app's Dots wallet to whoever claims the link ({recipient}), delivered by {}",
                    match delivery.method {
                        DeliveryMethod::Link => "link only (you hand it over)",
                        DeliveryMethod::Sms => "SMS",
                        DeliveryMethod::Email => "email",
                        DeliveryMethod::All => "every contact given",
                    }
                ),
            ),
        };
        let sentence = format!("{title}: {amount_text} {direction}, in {environment}.");
        Summary {
            action,
            title: title.into(),
            amount_text,
            recipient,
            direction,
            environment: environment.to_string(),
            is_production,
            requires_typed_amount: is_production,
            limits,
            spent_today_cents,
            sentence,
        }
    }

    /// Production needs the amount typed again: the same cents, whatever the formatting.
    pub fn check_typed_amount(&self, typed: Option<&str>) -> Result<(), MoneyError> {
        if !self.requires_typed_amount {
            return Ok(());
        }
        let want = self.action.amount_cents();
        match typed.map(|t| parse_dollars(t, Sign::PositiveOnly)) {
            Some(Ok(c)) if c == want => Ok(()),
            _ => Err(MoneyError::ConfirmationMismatch(format!(
                "in {} type the amount ({}) to confirm; nothing was sent",
                self.environment, self.amount_text
            ))),
        }
    }
}

#[cfg(test)]
mod tests;
