//! The money calls on [`DotsClient`]. Reads may be asked again; creates carry an
//! idempotency key and are only ever repeated with that same key (see flowdesk-money).

use reqwest::Method;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::payout_link::{NewPayoutLink, PayoutLink, Redelivery};
use super::transfer::{NewTransfer, Transfer};
use super::user::{PayoutMethod, User};
use crate::client::{DotsClient, ListParams, Page};
use crate::error::DotsError;

/// `GET /v2/users` filters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UserFilter {
    #[serde(default, flatten)]
    pub page: ListParams,
    /// verified | unverified | in_review | disabled
    #[serde(default)]
    #[ts(optional)]
    pub status: Option<String>,
}

/// `GET /v2/transfers` filters (the ones Flow Desk uses).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TransferFilter {
    pub page: ListParams,
    pub user_id: Option<String>,
}

fn page_query(p: &ListParams) -> Vec<(&'static str, String)> {
    p.query()
}

impl DotsClient {
    /// `GET /v2/users/{id}`.
    pub async fn get_user(&self, id: &str) -> Result<User, DotsError> {
        let url = self.url(&["v2", "users", id.trim()], &[])?;
        self.send(Method::GET, url, None).await
    }

    /// `GET /v2/users` one page at a time.
    pub async fn list_users(&self, filter: &UserFilter) -> Result<Page<User>, DotsError> {
        let mut query = page_query(&filter.page);
        if let Some(status) = filter.status.as_deref().filter(|s| !s.is_empty()) {
            query.push(("status", status.to_string()));
        }
        let url = self.url(&["v2", "users"], &query)?;
        self.send(Method::GET, url, None).await
    }

    /// `GET /v2/users/{id}/payout-methods`.
    pub async fn payout_methods(&self, user_id: &str) -> Result<Vec<PayoutMethod>, DotsError> {
        let url = self.url(&["v2", "users", user_id.trim(), "payout-methods"], &[])?;
        self.send(Method::GET, url, None).await
    }

    /// `POST /v2/transfers`, normalised and checked against Dots' schema first (refused
    /// with nothing sent). A repeated idempotency key is rejected by Dots: a caller that
    /// repeats one must be ready to find the first transfer instead.
    pub async fn create_transfer(&self, request: &NewTransfer) -> Result<Transfer, DotsError> {
        let violations = request.violations();
        if !violations.is_empty() {
            return Err(DotsError::Invalid(violations));
        }
        let url = self.url(&["v2", "transfers"], &[])?;
        self.send(Method::POST, url, Some(request.wire_body())).await
    }

    /// `GET /v2/transfers/{id}`.
    pub async fn get_transfer(&self, id: &str) -> Result<Transfer, DotsError> {
        let url = self.url(&["v2", "transfers", id.trim()], &[])?;
        self.send(Method::GET, url, None).await
    }

    /// `GET /v2/transfers`, newest first.
    pub async fn list_transfers(&self, filter: &TransferFilter) -> Result<Page<Transfer>, DotsError> {
        let mut query = page_query(&filter.page);
        if let Some(user) = &filter.user_id {
            query.push(("user_id", crate::normalize::uuid_or_text(user)));
        }
        let url = self.url(&["v2", "transfers"], &query)?;
        self.send(Method::GET, url, None).await
    }

    /// `POST /v2/payout-links` (201, or 202 with status `funds_pending` while the app's
    /// balance cannot cover it), normalised and checked against Dots' schema first (refused
    /// with nothing sent). A repeated idempotency key returns the existing link.
    pub async fn create_payout_link(&self, request: &NewPayoutLink) -> Result<PayoutLink, DotsError> {
        let violations = request.violations();
        if !violations.is_empty() {
            return Err(DotsError::Invalid(violations));
        }
        let url = self.url(&["v2", "payout-links"], &[])?;
        self.send(Method::POST, url, Some(request.wire_body())).await
    }

    /// `GET /v2/payout-links/{id}`.
    pub async fn get_payout_link(&self, id: &str) -> Result<PayoutLink, DotsError> {
        let url = self.url(&["v2", "payout-links", id.trim()], &[])?;
        self.send(Method::GET, url, None).await
    }

    /// `GET /v2/payout-links` one page at a time.
    pub async fn list_payout_links(&self, page: &ListParams) -> Result<Page<PayoutLink>, DotsError> {
        let url = self.url(&["v2", "payout-links"], &page_query(page))?;
        self.send(Method::GET, url, None).await
    }

    /// `DELETE /v2/payout-links/{id}`: cancels the link.
    pub async fn cancel_payout_link(&self, id: &str) -> Result<PayoutLink, DotsError> {
        let url = self.url(&["v2", "payout-links", id.trim()], &[])?;
        self.send(Method::DELETE, url, None).await
    }

    /// `POST /v2/payout-links/{id}/redeliver`.
    pub async fn redeliver_payout_link(&self, id: &str) -> Result<Redelivery, DotsError> {
        let url = self.url(&["v2", "payout-links", id.trim(), "redeliver"], &[])?;
        self.send(Method::POST, url, None).await
    }
}
