//! The window's first read: everything it needs before its first paint, in one round trip.

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
pub async fn bootstrap<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    core: tauri::State<'_, flowdesk_core::Core>,
) -> Result<Startup, flowdesk_core::CoreError> {
    let (info, catalog, environments) = core.blocking(|c| Ok((c.info(), c.step_catalog(), c.environments()))).await?;
    let view_state = crate::view_state::view_state(app).await?;
    Ok(Startup { info, catalog, environments, view_state })
}
