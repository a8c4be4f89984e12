//! `GET /v2/apps/{app_id}`: the sandbox has one app, its own wallet; any app id names it (real
//! Dots answers this to Organization keys for the apps of the organization; see the README).

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;

use super::{reply, ApiError};
use crate::model::parse_uuid;
use crate::server::{lock, AppState};

/// Cents as Dots' decimal string of dollars: 123456 → "1234.56".
fn decimal(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

pub(crate) async fn get(State(st): State<AppState>, Path(raw): Path<String>) -> Response {
    reply(match parse_uuid(&raw) {
        None => Err(ApiError::not_found(format!("app {raw:?} not found"))),
        Some(id) => {
            let store = lock(&st.store);
            let money_out: i64 = store.ledger.transfers.oldest_first().filter(|t| t.kind == "payout").map(|t| t.amount).sum();
            Ok(json!({
                "id": id,
                "name": "Local sandbox app",
                "status": "approved",
                "metrics": {
                    "wallet_balance": decimal(store.ledger.app_balance),
                    "money_out": decimal(money_out),
                    "connected_users": store.users.len(),
                },
                "metadata": {},
            }))
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimals() {
        assert_eq!(super::decimal(123_456), "1234.56");
        assert_eq!(super::decimal(5), "0.05");
        assert_eq!(super::decimal(-310), "-3.10");
    }
}
