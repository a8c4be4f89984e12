//! The app's own Dots wallet, which payouts and funding draw on, where it can be known:
//! the local sandbox's app balance; with an Organization key (`Api-App-Id` set), Dots'
//! `GET /v2/apps/{app_id}`; an App key cannot read it, and the core says so.

use serde::Serialize;
use ts_rs::TS;

use crate::error::{CoreError, CoreResult};
use crate::Core;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AppWallet {
    /// The balance in cents; None when these keys cannot read it.
    #[ts(type = "number | null")]
    pub cents: Option<i64>,
    /// Where the balance comes from, or why it cannot be shown.
    pub note: String,
}

pub const APP_KEYS_CANNOT: &str = "Dots shows the app wallet's balance to Organization keys only. To see it here, set this environment's App id and save an Organization key for it.";

impl Core {
    pub async fn app_wallet(&self, environment_id: Option<&str>) -> CoreResult<AppWallet> {
        let env = self.environment(environment_id)?;
        if env.is_local() {
            let origin = self.local_origin().unwrap_or_default();
            let v = self.local_control(reqwest::Method::GET, "/_sandbox/app-balance", None).await?;
            let cents = v["app_balance_cents"].as_i64().ok_or_else(|| CoreError::internal("The local sandbox sent no balance."))?;
            return Ok(AppWallet { cents: Some(cents), note: format!("The local sandbox's app wallet ({origin}).") });
        }
        let Some(app_id) = env.app_id().map(str::to_string) else {
            return Ok(AppWallet { cents: None, note: APP_KEYS_CANNOT.into() });
        };
        let app = self.client(env.id()).await?.get_app(&app_id).await?;
        Ok(AppWallet { cents: Some(app.metrics.wallet_balance), note: format!("From Dots, app {}.", app.id) })
    }
}
