//! Start to interactive, for the benchmarks (docs/benchmarks.md): the window calls
//! `ui_ready` once the builder's first frame is painted, and the app prints one line to
//! stderr, `flowdesk: ui-ready <ms since start>`. Later calls print nothing.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Instant> = OnceLock::new();
static REPORTED: AtomicBool = AtomicBool::new(false);

/// Called first thing in `run()`: the instant the times are measured from.
pub fn mark() {
    START.get_or_init(Instant::now);
}

#[tauri::command]
pub fn ui_ready() {
    if !REPORTED.swap(true, Ordering::Relaxed) {
        let ms = START.get().map_or(0, |start| start.elapsed().as_millis());
        eprintln!("flowdesk: ui-ready {ms}");
    }
}

/// Everything the window needs before its first paint, in one round trip instead of four
/// (`app_info`, `step_catalog`, `environments`, `view_state`).
#[derive(serde::Serialize)]
pub struct Startup {
    info: flowdesk_core::AppInfo,
    catalog: flowdesk_core::StepCatalog,
    environments: flowdesk_core::EnvironmentsView,
    view_state: serde_json::Map<String, serde_json::Value>,
}

#[tauri::command]
pub async fn bootstrap<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    core: tauri::State<'_, flowdesk_core::Core>,
) -> Result<Startup, flowdesk_core::CoreError> {
    let (info, catalog, environments) = core.blocking(|c| Ok((c.info(), c.step_catalog(), c.environments()))).await?;
    let view_state = crate::view_state::view_state(app).await?;
    Ok(Startup { info, catalog, environments, view_state })
}
