//! The window's first read: everything it needs before its first paint, in one round trip.
//! The core starts beside the window (keychain, local sandbox, data files) instead of
//! before it, so the page loads meanwhile; this first read waits for the core.

use std::path::PathBuf;
use std::sync::Arc;

use flowdesk_core::{Confirmer, CoreError};
use flowdesk_settings::Credentials;
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::watch;

/// The core's start, for whoever needs the core before it is managed.
pub struct CoreStart(watch::Receiver<Option<Result<(), CoreError>>>);

impl CoreStart {
    /// Starts the core on the async runtime and returns at once; once it is up it is
    /// managed (every command's `State<Core>`) and its events go to the window.
    pub fn spawn<R: Runtime>(app: &AppHandle<R>, dir: PathBuf, credentials: Credentials, confirmer: Arc<dyn Confirmer>) {
        let (tx, rx) = watch::channel(None);
        app.manage(CoreStart(rx));
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            let started = crate::start_core(dir, credentials, confirmer).await.map(|core| {
                crate::view_state::prepare(&app);
                crate::attach(&app, core);
            });
            if let Err(e) = &started {
                tracing::error!(error = %e, "the core did not start");
            }
            let _ = tx.send(Some(started));
        });
    }

    /// Waits until the core is up, or says why it could not start.
    async fn ready(&self) -> Result<(), CoreError> {
        let mut rx = self.0.clone();
        let started = rx.wait_for(Option::is_some).await.map_err(|_| CoreError::internal("the core's start was lost"))?;
        started.clone().unwrap_or_else(|| Err(CoreError::internal("the core's start was lost")))
    }
}

/// What the window reads first, in one round trip instead of four (`app_info`,
/// `step_catalog`, `environments`, `view_state`).
#[derive(serde::Serialize)]
pub struct Startup {
    info: flowdesk_core::AppInfo,
    catalog: flowdesk_core::StepCatalog,
    environments: flowdesk_core::EnvironmentsView,
    view_state: serde_json::Map<String, serde_json::Value>,
}

#[tauri::command]
pub async fn bootstrap<R: Runtime>(app: AppHandle<R>) -> Result<Startup, CoreError> {
    // The app starts its core beside the window; a host that attached one itself (the UI
    // tests' host) has no start to wait for.
    if let Some(start) = app.try_state::<CoreStart>() {
        start.ready().await?;
    }
    let core = app.state::<flowdesk_core::Core>().inner().clone();
    let (info, catalog, environments) = core.blocking(|c| Ok((c.info(), c.step_catalog(), c.environments()))).await?;
    let view_state = crate::view_state::view_state(app).await?;
    Ok(Startup { info, catalog, environments, view_state })
}
