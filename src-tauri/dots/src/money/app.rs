//! `GET /v2/apps/{app_id}`: the app's own Dots wallet, which payouts draw on. Dots answers it
//! to Organization keys (sent with `Api-App-Id`); its `wallet_balance` is a decimal string
//! of dollars, read here into exact cents.

use reqwest::Method;
use serde::{Deserialize, Deserializer};

use crate::client::DotsClient;
use crate::error::DotsError;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct App {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub metrics: AppMetrics,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AppMetrics {
    /// The wallet balance in cents.
    #[serde(deserialize_with = "decimal_dollars")]
    pub wallet_balance: i64,
}

/// "1234.5" → 123450; more than two decimals only when they are zeros. Never a float.
pub fn dollars_to_cents(text: &str) -> Option<i64> {
    let t = text.trim();
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (whole, fraction) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (cents_part, rest) = fraction.split_at(fraction.len().min(2));
    if rest.bytes().any(|b| b != b'0') {
        return None;
    }
    let cents: i64 = format!("{cents_part:0<2}").parse().ok()?;
    let total = whole.parse::<i64>().ok()?.checked_mul(100)?.checked_add(cents)?;
    Some(if negative { -total } else { total })
}

fn decimal_dollars<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    // The spec says a decimal string; a bare JSON number is read too (as text, never a float).
    let raw = serde_json::Value::deserialize(d)?;
    let text = match &raw {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => return Err(serde::de::Error::custom("wallet_balance is not a decimal")),
    };
    dollars_to_cents(&text).ok_or_else(|| serde::de::Error::custom(format!("wallet_balance {text:?} is not dollars and cents")))
}

impl DotsClient {
    /// `GET /v2/apps/{app_id}` (an Organization key's call).
    pub async fn get_app(&self, app_id: &str) -> Result<App, DotsError> {
        let url = self.url(&["v2", "apps", app_id.trim()], &[])?;
        self.send(Method::GET, url, None).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_dollars_become_exact_cents() {
        assert_eq!(dollars_to_cents("1234.56"), Some(123_456));
        assert_eq!(dollars_to_cents("0.5"), Some(50));
        assert_eq!(dollars_to_cents("7"), Some(700));
        assert_eq!(dollars_to_cents("10.000"), Some(1000));
        assert_eq!(dollars_to_cents("-3.10"), Some(-310));
        assert_eq!(dollars_to_cents("0.001"), None, "a fraction of a cent");
        for bad in ["", ".5", "1,000.00", "1e3", "abc", "1.2.3", "92233720368547758.08"] {
            assert_eq!(dollars_to_cents(bad), None, "{bad}");
        }
        let app: App = serde_json::from_str(r#"{"id":"a","metrics":{"wallet_balance":"25.10","money_out":"0","connected_users":0}}"#).unwrap();
        assert_eq!(app.metrics.wallet_balance, 2510);
    }
}
