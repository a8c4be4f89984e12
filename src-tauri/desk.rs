//! The service every command works through: the Dots client for the active environment.
//! For now that is always the local sandbox, started in-process on a free loopback port
//! so a fresh install works with no Dots account.

use flowdesk_dots::{ClientConfig, DotsClient};
use flowdesk_sandbox::{SandboxConfig, SandboxHandle};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{AppError, AppResult};

/// What the window shows about where requests go. Never carries a key.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub environment: String,
    pub base_url: String,
    pub local_sandbox: bool,
    pub version: String,
}

pub struct Desk {
    pub client: DotsClient,
    pub info: AppInfo,
    /// Kept so the in-process sandbox lives as long as the app.
    _sandbox: Option<SandboxHandle>,
}

impl Desk {
    /// Starts the local sandbox with credentials made up for this run (they never leave
    /// the process) and points a client at it.
    pub async fn local_sandbox() -> AppResult<Self> {
        let client_id = format!("local_{}", uuid::Uuid::new_v4().simple());
        let api_key = format!("sk_local_{}", uuid::Uuid::new_v4().simple());
        let sandbox = flowdesk_sandbox::start(SandboxConfig::new(client_id.clone(), api_key.clone()))
            .await
            .map_err(|e| AppError::internal(format!("The local sandbox could not start: {e}")))?;
        let client = DotsClient::new(ClientConfig::new(&sandbox.base_url(), client_id, api_key)?)?;
        let info = AppInfo {
            environment: "Local sandbox".into(),
            base_url: sandbox.base_url(),
            local_sandbox: true,
            version: env!("CARGO_PKG_VERSION").into(),
        };
        tracing::info!(base_url = %info.base_url, "local sandbox started");
        Ok(Desk { client, info, _sandbox: Some(sandbox) })
    }
}

#[tauri::command]
pub fn app_info(desk: tauri::State<'_, Desk>) -> AppInfo {
    desk.info.clone()
}
