//! Money: the app's own wallet, transfers and payout links. Every amount is integer cents
//! (i64), and every operation checks before it moves anything, so a refused request changes
//! nothing and an accepted one moves the money exactly once.

use crate::webhooks::EventType;
use std::collections::HashMap;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use thiserror::Error;
use uuid::Uuid;

use crate::model::{dots_timestamp, Keyed, Store, Table, User};

/// The app's Dots wallet when a sandbox starts or is reset: $1,000,000.
pub const DEFAULT_APP_BALANCE_CENTS: i64 = 100_000_000;
/// Larger amounts are refused outright ($10,000,000): nobody moves that through a support desk,
/// and it keeps every sum far from i64 overflow.
pub const MAX_AMOUNT_CENTS: i64 = 1_000_000_000;
/// Dots delivers a payout link at most this many times (the first delivery included).
pub const MAX_DELIVERIES: u32 = 5;
/// The rail a payout uses when the user has no default payout method.
pub const FALLBACK_RAIL: &str = "paypal";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Transfer {
    pub id: Uuid,
    pub created: String,
    pub created_at: DateTime<Utc>,
    pub user_id: Uuid,
    pub status: String,
    /// The spec's `type`: "balance" between wallets, "payout" out of Dots.
    pub kind: String,
    /// Signed as the caller sent it: negative moved money from the app to the user.
    pub amount: i64,
    pub platform: Option<String>,
    pub payout_link_id: Option<Uuid>,
    pub metadata: Value,
    pub tax_exempt: bool,
    pub idempotency_key: Option<Uuid>,
    transaction_id: i64,
    source_name: String,
    destination_name: String,
}

impl Keyed for Transfer {
    fn key(&self) -> Uuid {
        self.id
    }
}

impl Transfer {
    pub fn to_json(&self) -> Value {
        let mut external = Map::new();
        if let Some(p) = &self.platform {
            external.insert("platform".into(), Value::String(p.clone()));
        }
        let mut v = json!({
            "id": self.id,
            "created": self.created,
            "user_id": self.user_id,
            "status": self.status,
            "type": self.kind,
            "amount": self.amount,
            "external_data": external,
            "transactions": [{
                "id": self.transaction_id,
                "amount": self.amount.abs(),
                "created": self.created,
                "source_name": self.source_name,
                "destination_name": self.destination_name,
                "type": self.kind,
                "metadata": self.metadata,
                "transfer_id": self.id,
            }],
        });
        // Omitted rather than null: the spec's type for it is a plain uuid string.
        if let Some(l) = self.payout_link_id {
            v["payout_link_id"] = json!(l);
        }
        v["metadata"] = self.metadata.clone();
        v
    }
}

/// Who a payout link is for; every field optional, as in the spec.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payee {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub country_code: Option<String>,
    pub phone_number: Option<String>,
}

impl Payee {
    fn to_json(&self) -> Value {
        let mut m = Map::new();
        for (k, v) in [
            ("first_name", &self.first_name),
            ("last_name", &self.last_name),
            ("email", &self.email),
            ("country_code", &self.country_code),
            ("phone_number", &self.phone_number),
        ] {
            if let Some(v) = v {
                m.insert(k.into(), Value::String(v.clone()));
            }
        }
        Value::Object(m)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PayoutLink {
    pub id: Uuid,
    pub created: String,
    pub amount: i64,
    pub status: String,
    pub payee: Payee,
    pub delivery_method: String,
    pub delivery_message: Option<String>,
    pub tax_exempt: bool,
    /// The user the link was created for, if any; the claimer otherwise becomes a new user.
    pub user_id: Option<Uuid>,
    pub claimed_user_id: Option<Uuid>,
    pub transfer_id: Option<Uuid>,
    pub memo: Option<String>,
    pub metadata: Value,
    pub description: Option<String>,
    pub accounting_data: Option<Value>,
    pub funding_source: String,
    pub idempotency_key: Option<Uuid>,
    /// Whether the amount is reserved out of the app balance (or comes by ACH).
    pub funded: bool,
    pub deliveries: u32,
}

impl Keyed for PayoutLink {
    fn key(&self) -> Uuid {
        self.id
    }
}

impl PayoutLink {
    pub fn to_json(&self, origin: &str) -> Value {
        let mut delivery = json!({"method": self.delivery_method});
        if let Some(e) = &self.payee.email {
            delivery["email"] = json!(e);
        }
        if let (Some(c), Some(p)) = (&self.payee.country_code, &self.payee.phone_number) {
            delivery["country_code"] = json!(c);
            delivery["phone_number"] = json!(p);
        }
        let mut v = json!({
            "id": self.id,
            "created": self.created,
            "link": format!("{origin}/payout-link/{}", self.id),
            "amount": self.amount,
            "status": self.status,
            "payee": self.payee.to_json(),
            "delivery": delivery,
            "tax_exempt": self.tax_exempt,
        });
        if let Some(u) = self.claimed_user_id {
            v["claimed_user_id"] = json!(u);
        }
        if let Some(t) = self.transfer_id {
            v["transfer_id"] = json!(t);
        }
        v["memo"] = json!(self.memo);
        v["metadata"] = self.metadata.clone();
        v["description"] = json!(self.description);
        if let Some(a) = &self.accounting_data {
            v["accounting_data"] = a.clone();
        }
        v["funding_source"] = json!(self.funding_source);
        v
    }

    /// Claimed, canceled and the other final states cannot change any more.
    pub fn is_final(&self) -> bool {
        matches!(
            self.status.as_str(),
            "claimed" | "canceled" | "expired" | "reversed" | "failed"
        )
    }
}

/// The status of a payout link created while the app balance cannot cover it. Dots' spec
/// names it in its 202 reply but not in its status enum (see the README).
pub const FUNDS_PENDING: &str = "funds_pending";

/// The money side of the store. Serialized as is for the state file (`crate::persist`).
#[derive(Debug, Serialize, Deserialize)]
pub struct Ledger {
    pub transfers: Table<Transfer>,
    pub links: Table<PayoutLink>,
    transfer_keys: HashMap<Uuid, Uuid>,
    link_keys: HashMap<Uuid, Uuid>,
    pub app_balance: i64,
    next_transaction: i64,
}

impl Default for Ledger {
    fn default() -> Self {
        Ledger {
            transfers: Table::default(),
            links: Table::default(),
            transfer_keys: HashMap::new(),
            link_keys: HashMap::new(),
            app_balance: DEFAULT_APP_BALANCE_CENTS,
            next_transaction: 1,
        }
    }
}

/// Why a money operation refused. Nothing moved when one of these comes back.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LedgerError {
    #[error("user {0} not found")]
    UserNotFound(Uuid),
    #[error("user {0} is disabled")]
    UserDisabled(Uuid),
    #[error("a transfer with idempotency_key {key} already exists ({existing}); transfers with existing idempotency keys are rejected")]
    IdempotencyKeyReused { key: Uuid, existing: Uuid },
    #[error("insufficient funds in the app balance: {needed} cents needed, {available} available")]
    AppFunds { needed: i64, available: i64 },
    #[error("insufficient funds in user {user}'s wallet: {needed} cents needed, {available} withdrawable")]
    UserFunds {
        user: Uuid,
        needed: i64,
        available: i64,
    },
    #[error("payout link {0} not found")]
    LinkNotFound(Uuid),
    #[error("payout link {0} is already claimed and cannot be canceled")]
    LinkClaimed(Uuid),
    #[error("payout link {id} is {status} and cannot be claimed")]
    LinkNotClaimable { id: Uuid, status: String },
}

impl LedgerError {
    pub fn status(&self) -> StatusCode {
        match self {
            LedgerError::UserNotFound(_) | LedgerError::LinkNotFound(_) => StatusCode::NOT_FOUND,
            // 409: the request is well-formed but conflicts with a transfer that exists.
            LedgerError::IdempotencyKeyReused { .. } | LedgerError::LinkNotClaimable { .. } => {
                StatusCode::CONFLICT
            }
            _ => StatusCode::BAD_REQUEST,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            LedgerError::UserNotFound(_) | LedgerError::LinkNotFound(_) => "not_found",
            LedgerError::UserDisabled(_) => "user_disabled",
            LedgerError::IdempotencyKeyReused { .. } => "idempotency_key_reused",
            LedgerError::AppFunds { .. } | LedgerError::UserFunds { .. } => "insufficient_funds",
            LedgerError::LinkClaimed(_) => "payout_link_claimed",
            LedgerError::LinkNotClaimable { .. } => "payout_link_not_claimable",
        }
    }
}

/// A validated `POST /v2/transfers` body.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTransfer {
    pub amount: i64,
    pub user_id: Uuid,
    pub tax_exempt: bool,
    pub idempotency_key: Option<Uuid>,
    pub metadata: Value,
}

/// A validated `POST /v2/payout-links` body (the options Dots keeps but does not return are
/// validated and dropped).
#[derive(Debug, Clone, PartialEq)]
pub struct NewPayoutLink {
    pub amount: i64,
    pub user_id: Option<Uuid>,
    pub payee: Payee,
    pub delivery_method: String,
    pub delivery_message: Option<String>,
    pub memo: Option<String>,
    pub description: Option<String>,
    pub metadata: Value,
    pub idempotency_key: Option<Uuid>,
    pub tax_exempt: bool,
    pub accounting_data: Option<Value>,
    pub funding_source: String,
}

/// How `create_link` went: a replayed key returns the link that exists.
#[derive(Debug, Clone)]
pub struct LinkOutcome {
    pub link: PayoutLink,
    pub replayed: bool,
}

impl Store {
    fn user_for_money(&self, id: &Uuid) -> Result<&User, LedgerError> {
        let user = self.users.get(id).ok_or(LedgerError::UserNotFound(*id))?;
        if user.status == "disabled" {
            return Err(LedgerError::UserDisabled(*id));
        }
        Ok(user)
    }

    fn record_transfer(
        &mut self,
        user_id: Uuid,
        kind: &str,
        amount: i64,
        platform: Option<String>,
        (source_name, destination_name): (String, String),
    ) -> &mut Transfer {
        let now = Utc::now();
        let transaction_id = self.ledger.next_transaction;
        self.ledger.next_transaction += 1;
        let id = Uuid::new_v4();
        // The sandbox completes every transfer at once.
        self.note_transfer(id, true);
        self.ledger.transfers.insert(Transfer {
            id,
            created: dots_timestamp(now),
            created_at: now,
            user_id,
            status: "completed".into(),
            kind: kind.into(),
            amount,
            platform,
            payout_link_id: None,
            metadata: Value::Null,
            tax_exempt: false,
            idempotency_key: None,
            transaction_id,
            source_name,
            destination_name,
        })
    }

    /// `POST /v2/transfers`: negative moves |amount| from the app to the user's wallet,
    /// positive moves it from the user's wallet to the app.
    pub fn create_transfer(&mut self, new: NewTransfer) -> Result<Transfer, LedgerError> {
        if let Some(key) = new.idempotency_key {
            if let Some(&existing) = self.ledger.transfer_keys.get(&key) {
                return Err(LedgerError::IdempotencyKeyReused { key, existing });
            }
        }
        let user = self.user_for_money(&new.user_id)?;
        let who = user.display_name();
        let cents = new.amount.saturating_abs();
        let names = if new.amount < 0 {
            if self.ledger.app_balance < cents {
                return Err(LedgerError::AppFunds {
                    needed: cents,
                    available: self.ledger.app_balance,
                });
            }
            ("App wallet".to_string(), who)
        } else {
            let available = user.wallet.withdrawable_amount;
            if available < cents {
                return Err(LedgerError::UserFunds {
                    user: new.user_id,
                    needed: cents,
                    available,
                });
            }
            (who, "App wallet".to_string())
        };
        // Checked above; from here on nothing can fail.
        let wallet = &mut self
            .users
            .get_mut(&new.user_id)
            .expect("user checked above")
            .wallet;
        if new.amount < 0 {
            wallet.credit(cents);
            self.ledger.app_balance -= cents;
        } else {
            wallet.debit(cents);
            self.ledger.app_balance = self.ledger.app_balance.saturating_add(cents);
        }
        let t = self.record_transfer(new.user_id, "balance", new.amount, None, names);
        t.metadata = new.metadata;
        t.tax_exempt = new.tax_exempt;
        t.idempotency_key = new.idempotency_key;
        let t = t.clone();
        if let Some(key) = new.idempotency_key {
            self.ledger.transfer_keys.insert(key, t.id);
        }
        Ok(t)
    }

    /// The hosted payout step's "Withdraw": pays the whole withdrawable amount out to the
    /// user's default rail. An empty wallet moves nothing and yields `None`.
    pub fn withdraw_all(&mut self, user_id: Uuid) -> Result<Option<Transfer>, LedgerError> {
        let user = self.user_for_money(&user_id)?;
        let cents = user.wallet.withdrawable_amount;
        if cents <= 0 {
            return Ok(None);
        }
        let rail = user
            .default_payout_method
            .clone()
            .unwrap_or_else(|| FALLBACK_RAIL.to_string());
        let names = (user.display_name(), rail.clone());
        if let Some(u) = self.users.get_mut(&user_id) {
            u.wallet.debit(cents);
        }
        Ok(Some(
            self.record_transfer(user_id, "payout", cents, Some(rail), names)
                .clone(),
        ))
    }

    /// `POST /v2/payout-links`. The amount is reserved from the app balance at once; when the
    /// balance cannot cover it the link is still created, unfunded (`funded == false`, status
    /// "funds_pending", as Dots' 202 says), and is funded when claimed if the balance allows.
    pub fn create_link(&mut self, new: NewPayoutLink) -> Result<LinkOutcome, LedgerError> {
        if let Some(key) = new.idempotency_key {
            if let Some(link) = self
                .ledger
                .link_keys
                .get(&key)
                .and_then(|id| self.ledger.links.get(id))
            {
                return Ok(LinkOutcome {
                    link: link.clone(),
                    replayed: true,
                });
            }
        }
        if let Some(u) = &new.user_id {
            self.user_for_money(u)?;
        }
        let funded = if new.funding_source == "ach" {
            true // Funded by the app's bank, not its Dots wallet.
        } else if self.ledger.app_balance >= new.amount {
            self.ledger.app_balance -= new.amount;
            true
        } else {
            false
        };
        // `all` delivers to whatever contact the payee has; with none it is a plain link.
        let reachable = match new.delivery_method.as_str() {
            "sms" | "email" => true,
            "all" => new.payee.email.is_some() || new.payee.phone_number.is_some(),
            _ => false,
        };
        let status = if !funded {
            FUNDS_PENDING
        } else if reachable {
            "delivered"
        } else {
            "created"
        };
        let link = PayoutLink {
            id: Uuid::new_v4(),
            created: dots_timestamp(Utc::now()),
            amount: new.amount,
            status: status.into(),
            payee: new.payee,
            delivery_method: new.delivery_method,
            delivery_message: new.delivery_message,
            tax_exempt: new.tax_exempt,
            user_id: new.user_id,
            claimed_user_id: None,
            transfer_id: None,
            memo: new.memo,
            metadata: new.metadata,
            description: new.description,
            accounting_data: new.accounting_data,
            funding_source: new.funding_source,
            idempotency_key: new.idempotency_key,
            funded,
            deliveries: u32::from(funded),
        };
        if let Some(key) = link.idempotency_key {
            self.ledger.link_keys.insert(key, link.id);
        }
        if link.status == "delivered" {
            self.note(EventType::PayoutLinkSent, link.id);
        }
        Ok(LinkOutcome {
            link: self.ledger.links.insert(link).clone(),
            replayed: false,
        })
    }

    /// `DELETE /v2/payout-links/{id}`: cancels and returns the reserved money to the app.
    /// Canceling twice is a no-op; a claimed link cannot be canceled.
    pub fn cancel_link(&mut self, id: Uuid) -> Result<PayoutLink, LedgerError> {
        let link = self
            .ledger
            .links
            .get_mut(&id)
            .ok_or(LedgerError::LinkNotFound(id))?;
        match link.status.as_str() {
            "claimed" => return Err(LedgerError::LinkClaimed(id)),
            "canceled" => return Ok(link.clone()),
            _ => {}
        }
        link.status = "canceled".into();
        if link.funded && link.funding_source != "ach" {
            self.ledger.app_balance = self.ledger.app_balance.saturating_add(link.amount);
        }
        link.funded = false;
        let link = link.clone();
        self.note(EventType::PayoutLinkUpdated, id);
        Ok(link)
    }

    /// `POST /v2/payout-links/{id}/redeliver`: `false` once delivered `MAX_DELIVERIES` times
    /// or when the link can no longer be claimed.
    pub fn redeliver_link(&mut self, id: Uuid) -> Result<(PayoutLink, bool), LedgerError> {
        let link = self
            .ledger
            .links
            .get_mut(&id)
            .ok_or(LedgerError::LinkNotFound(id))?;
        if link.is_final() || link.deliveries >= MAX_DELIVERIES {
            return Ok((link.clone(), false));
        }
        link.deliveries += 1;
        // A link waiting for funds stays `funds_pending` until it is funded.
        let sent = link.delivery_method != "link" && link.status != FUNDS_PENDING;
        if sent {
            link.status = "delivered".into();
        }
        let link = link.clone();
        if sent {
            self.note(EventType::PayoutLinkSent, id);
            self.note(EventType::PayoutLinkUpdated, id);
        }
        Ok((link, true))
    }

    /// The payee claims on the hosted page: the link's user (or a new one made from the payee)
    /// is paid out through a `payout` transfer. Claiming again returns the claimed link.
    pub fn claim_link(&mut self, id: Uuid) -> Result<PayoutLink, LedgerError> {
        let link = self
            .ledger
            .links
            .get(&id)
            .ok_or(LedgerError::LinkNotFound(id))?
            .clone();
        if link.status == "claimed" {
            return Ok(link);
        }
        if link.is_final() {
            return Err(LedgerError::LinkNotClaimable {
                id,
                status: link.status,
            });
        }
        let existing = match link.user_id {
            Some(u) => Some(self.user_for_money(&u)?.clone()),
            None => None,
        };
        if !link.funded {
            if self.ledger.app_balance < link.amount {
                return Err(LedgerError::AppFunds {
                    needed: link.amount,
                    available: self.ledger.app_balance,
                });
            }
            self.ledger.app_balance -= link.amount;
        }
        let user = match existing {
            Some(u) => u,
            None => {
                let mut u = User::blank(Uuid::new_v4());
                let p = &link.payee;
                u.first_name = p.first_name.clone().unwrap_or_default();
                u.last_name = p.last_name.clone().unwrap_or_default();
                u.email = p.email.clone();
                u.country_code = p.country_code.clone();
                u.phone_number = p.phone_number.clone();
                self.users.insert(u).clone()
            }
        };
        let rail = user
            .default_payout_method
            .clone()
            .unwrap_or_else(|| FALLBACK_RAIL.to_string());
        let names = ("App wallet".to_string(), user.display_name());
        let t = self.record_transfer(user.id, "payout", link.amount, Some(rail), names);
        t.payout_link_id = Some(id);
        t.metadata = link.metadata.clone();
        t.tax_exempt = link.tax_exempt;
        let transfer_id = t.id;
        let stored = self
            .ledger
            .links
            .get_mut(&id)
            .expect("link looked up above");
        stored.status = "claimed".into();
        stored.funded = true;
        stored.claimed_user_id = Some(user.id);
        stored.transfer_id = Some(transfer_id);
        let claimed = stored.clone();
        // Claimed and paid out at once: the sandbox's payouts complete immediately.
        for event in [EventType::PayoutLinkClaimed, EventType::PayoutLinkPaidOut, EventType::PayoutLinkUpdated] {
            self.note(event, id);
        }
        Ok(claimed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with_user(wallet: i64) -> (Store, Uuid) {
        let mut s = Store::default();
        let mut u = User::blank(Uuid::new_v4());
        u.wallet.credit(wallet);
        let id = s.users.insert(u).id;
        (s, id)
    }

    fn transfer(user_id: Uuid, amount: i64, key: Option<Uuid>) -> NewTransfer {
        NewTransfer {
            amount,
            user_id,
            tax_exempt: false,
            idempotency_key: key,
            metadata: Value::Null,
        }
    }

    #[test]
    fn transfers_move_both_sides_once() {
        let (mut s, u) = store_with_user(0);
        let key = Uuid::new_v4();
        s.create_transfer(transfer(u, -500, Some(key))).unwrap();
        assert_eq!(s.users.get(&u).unwrap().wallet.withdrawable_amount, 500);
        assert_eq!(s.ledger.app_balance, DEFAULT_APP_BALANCE_CENTS - 500);
        let e = s.create_transfer(transfer(u, -500, Some(key))).unwrap_err();
        assert_eq!(e.code(), "idempotency_key_reused");
        assert_eq!(s.users.get(&u).unwrap().wallet.amount, 500);
        s.create_transfer(transfer(u, 200, None)).unwrap();
        assert_eq!(s.users.get(&u).unwrap().wallet.amount, 300);
        assert_eq!(s.ledger.app_balance, DEFAULT_APP_BALANCE_CENTS - 300);
        assert_eq!(
            s.create_transfer(transfer(u, 301, None))
                .unwrap_err()
                .code(),
            "insufficient_funds"
        );
        s.ledger.app_balance = 10;
        assert!(matches!(
            s.create_transfer(transfer(u, -11, None)),
            Err(LedgerError::AppFunds { .. })
        ));
        assert_eq!(s.ledger.transfers.len(), 2);
    }

    #[test]
    fn huge_balances_saturate_instead_of_panicking() {
        let (mut s, u) = store_with_user(i64::MAX);
        s.ledger.app_balance = i64::MAX;
        s.create_transfer(transfer(u, 5, None)).unwrap();
        assert_eq!(s.ledger.app_balance, i64::MAX);
        s.create_transfer(transfer(u, -5, None)).unwrap();
        assert_eq!(s.users.get(&u).unwrap().wallet.amount, i64::MAX);
    }

    #[test]
    fn withdraw_empties_the_wallet() {
        let (mut s, u) = store_with_user(1234);
        let t = s.withdraw_all(u).unwrap().unwrap();
        assert_eq!((t.kind.as_str(), t.amount), ("payout", 1234));
        assert_eq!(s.users.get(&u).unwrap().wallet, Default::default());
        assert!(s.withdraw_all(u).unwrap().is_none());
    }
}
