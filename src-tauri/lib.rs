//! Flow Desk's Tauri shell over `flowdesk_core`: plugins, the command list, the native
//! confirmation dialog, and the core's events forwarded to the window. Each command is a
//! few lines in `commands/`; every rule lives in the core.

mod bootstrap;
mod commands;
mod confirm_dialog;
mod events;
mod qr;
mod rendering;
mod startup;
mod view_state;

use std::sync::Arc;

pub use events::{BULK_EVENT, DATA_EVENT, LINK_EVENT, WATCH_EVENT, WINDOW_EVENTS};
pub use flowdesk_core::Core;

use flowdesk_core::{Confirmer, CoreOptions, LocalMode};
use flowdesk_settings::Credentials;
use tauri::{AppHandle, Manager, Runtime};

/// Plugins and commands, shared by the real app and the mock-runtime tests.
pub fn app_builder<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    use commands::*;
    builder
        .plugin(tauri_plugin_opener::init())
        .plugin(navigation_guard())
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(tauri::generate_handler![
            app_info,
            flows::step_catalog,
            flows::validate_flow,
            flows::preview_request,
            flows::create_flow,
            flows::get_flow,
            flows::list_remote_flows,
            flows::watch_flow,
            flows::unwatch_flow,
            flows::refresh_flow,
            flows::reset_local_sandbox,
            environments::environments,
            environments::set_active_environment,
            environments::add_environment,
            environments::update_environment,
            environments::remove_environment,
            environments::save_credentials,
            environments::delete_credentials,
            environments::test_connection,
            environments::pick_extra_ca,
            environments::clear_extra_ca,
            environments::preferences,
            environments::set_email_template,
            environments::set_poll_interval,
            handoff::link_qr,
            handoff::email_link,
            handoff::email_open,
            saved::history_search,
            saved::history_view,
            saved::history_draft,
            saved::history_delete,
            saved::history_clear,
            saved::history_retention,
            saved::templates_list,
            saved::template_save,
            saved::template_rename,
            saved::template_delete,
            saved::templates_export,
            saved::templates_import,
            bulk::bulk_preview,
            bulk::bulk_start,
            bulk::bulk_resume,
            bulk::bulk_cancel,
            bulk::bulk_batches,
            bulk::bulk_rows,
            bulk::bulk_results_csv,
            bulk::bulk_mail_merge_csv,
            startup::ui_ready,
            bootstrap::bootstrap,
            view_state::view_state,
            view_state::set_view_state,
            money::users_list,
            money::user_get,
            money::money_summary,
            money::money_send,
            money::money_intents,
            money::money_retry,
            money::payout_link_get,
            money::payout_link_cancel,
            money::payout_link_redeliver,
            money::payout_link_watch,
            money::audit_read,
            money::audit_export_csv,
            money::limits_get,
            money::limits_set,
            money::app_wallet,
            money::amount_preview,
            webhooks::webhooks_scope,
            webhooks::webhook_events,
            webhooks::webhook_endpoints,
            webhooks::webhook_endpoint_add,
            webhooks::webhook_endpoint_set_enabled,
            webhooks::webhook_endpoint_remove,
            webhooks::webhook_endpoint_secret,
            webhooks::webhook_deliveries,
            webhooks::webhook_delivery,
            webhooks::webhook_resend,
            webhooks::webhook_trigger,
        ])
}

/// The window only ever shows the app's own pages: any other navigation (a link in a reply,
/// an injected redirect) is refused; links open in the system browser instead.
fn navigation_guard<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(|_webview, url| {
            let own = matches!(url.scheme(), "tauri" | "asset")
                || url.host_str() == Some("tauri.localhost")
                || (cfg!(debug_assertions) && url.origin().ascii_serialization() == "http://localhost:5173");
            if !own {
                tracing::warn!(%url, "navigation away from the app refused");
            }
            own
        })
        .build()
}

/// Starts the core on the app's data folder, with a confirmer (the native dialog in the
/// app, a script in tests), and connects its events to the window.
pub fn attach<R: Runtime>(app: &AppHandle<R>, core: Core) {
    events::forward(app.clone(), &core);
    app.manage(core);
}

pub async fn start_core(data_dir: std::path::PathBuf, credentials: Credentials, confirmer: Arc<dyn Confirmer>) -> Result<Core, flowdesk_core::CoreError> {
    let mut options = CoreOptions::new(data_dir, credentials, confirmer);
    options.local = LocalMode::Host;
    Core::start(options).await
}

/// Logs to `writer`, filtered by the environment variable `var` as tracing-subscriber's
/// `Targets` reads it ("warn", "info,flowdesk_core=debug"); unset, empty or unreadable, the
/// `default` level. (`Targets` instead of `EnvFilter`: no regex engine in the app.)
pub fn init_logs<W>(var: &str, default: tracing::Level, writer: W)
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    use tracing_subscriber::{filter::Targets, prelude::*};
    let filter = std::env::var(var).ok().filter(|v| !v.trim().is_empty()).and_then(|v| v.parse::<Targets>().ok());
    let filter = filter.unwrap_or_else(|| Targets::new().with_default(default));
    tracing_subscriber::registry().with(tracing_subscriber::fmt::layer().with_writer(writer)).with(filter).init();
}

pub fn run() {
    startup::mark();
    rendering::prefer_cpu_rendering_without_gpu();
    init_logs("FLOWDESK_LOG", tracing::Level::INFO, std::io::stdout);
    // First, so a second launch hands over to the first window before anything starts.
    // Without a session bus it lets this one run (it cannot find the other).
    let builder = tauri::Builder::default().plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
        if let Some(window) = app.get_webview_window("main") {
            let _ = window.unminimize();
            let _ = window.set_focus();
        }
    }));
    let result = app_builder(builder)
        .setup(|app| {
            let dir = app.path().app_data_dir()?;
            let confirmer = Arc::new(confirm_dialog::DialogConfirmer(app.handle().clone()));
            // Not awaited here: the window loads while the core starts (`bootstrap` waits).
            bootstrap::CoreStart::spawn(app.handle(), dir, Credentials::keychain(), confirmer);
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!(error = %e, "Flow Desk stopped");
        std::process::exit(1);
    }
}
