//! Flow Desk's Tauri shell: one module per domain, each a few thin commands over the
//! plain-Rust crates (`flowdesk_dots`, `flowdesk_settings`, `flowdesk_sandbox`).

mod bulk_runs;
mod desk;
mod environments;
mod error;
mod flows;
mod handoff;
mod live;
mod payouts;
mod rendering;
mod saved;
mod settings_store;
mod startup;

pub use desk::{AppInfo, Desk};
pub use environments::{ConnectionReport, EnvironmentsView};
pub use error::{AppError, AppErrorKind};
pub use flows::{FlowView, StepCatalog};
pub use live::{forward as forward_watch_events, EVENT as WATCH_EVENT};

use tauri::{Manager, Runtime};

/// Plugins and commands, shared by the real app and the mock-runtime tests.
pub fn app_builder<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(tauri::generate_handler![
            desk::app_info,
            flows::commands::step_catalog,
            flows::commands::validate_flow,
            flows::commands::preview_request,
            flows::commands::create_flow,
            flows::commands::get_flow,
            flows::commands::list_remote_flows,
            environments::commands::environments,
            environments::commands::set_active_environment,
            environments::commands::add_environment,
            environments::commands::update_environment,
            environments::commands::remove_environment,
            environments::commands::save_credentials,
            environments::commands::delete_credentials,
            environments::commands::test_connection,
            environments::commands::set_extra_ca,
            environments::commands::preferences,
            environments::commands::set_email_template,
            live::commands::watch_flow,
            live::commands::unwatch_flow,
            live::commands::refresh_flow,
            live::commands::set_poll_interval,
            handoff::commands::link_qr,
            handoff::commands::email_link,
            saved::commands::history_search,
            saved::commands::history_delete,
            saved::commands::history_clear,
            saved::commands::history_retention,
            saved::commands::templates_list,
            saved::commands::template_save,
            saved::commands::template_rename,
            saved::commands::template_delete,
            saved::commands::templates_export,
            saved::commands::templates_import,
            bulk_runs::commands::bulk_preview,
            bulk_runs::commands::bulk_start,
            bulk_runs::commands::bulk_resume,
            bulk_runs::commands::bulk_cancel,
            bulk_runs::commands::bulk_batches,
            bulk_runs::commands::bulk_rows,
            bulk_runs::commands::bulk_results_csv,
            bulk_runs::commands::bulk_mail_merge_csv,
            startup::ui_ready,
            payouts::commands::users_list,
            payouts::commands::user_get,
            payouts::commands::money_summary,
            payouts::commands::money_send,
            payouts::commands::money_intents,
            payouts::commands::money_retry,
            payouts::commands::payout_link_get,
            payouts::commands::payout_link_cancel,
            payouts::commands::payout_link_redeliver,
            payouts::commands::payout_link_watch,
            payouts::commands::audit_read,
            payouts::commands::audit_export_csv,
            payouts::commands::limits_get,
            payouts::commands::limits_set,
        ])
}

pub fn run() {
    startup::mark();
    rendering::prefer_cpu_rendering_without_gpu();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("FLOWDESK_LOG").unwrap_or_else(|_| "info".into()),
        )
        .init();
    let result = app_builder(tauri::Builder::default())
        .setup(|app| {
            let desk = settings_store::start_desk(app.handle())?;
            if let Some(events) = desk.take_watch_events() {
                live::forward(app.handle().clone(), events);
            }
            app.manage(desk);
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!(error = %e, "Flow Desk stopped");
        std::process::exit(1);
    }
}
