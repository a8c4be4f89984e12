// Capabilities live beside the Rust sources, and the app's own commands get
// `allow-*` permissions so the window's capability lists exactly what it may call.
fn main() {
    let commands = &[
        "app_info",
        "step_catalog",
        "validate_flow",
        "preview_request",
        "create_flow",
        "get_flow",
        "list_remote_flows",
        "environments",
        "set_active_environment",
        "add_environment",
        "update_environment",
        "remove_environment",
        "save_credentials",
        "delete_credentials",
        "test_connection",
        "set_extra_ca",
        "preferences",
        "set_email_template",
        "watch_flow",
        "unwatch_flow",
        "refresh_flow",
        "set_poll_interval",
        "link_qr",
        "email_link",
        "history_search",
        "history_delete",
        "history_clear",
        "history_retention",
        "templates_list",
        "template_save",
        "template_rename",
        "template_delete",
        "templates_export",
        "templates_import",
        "bulk_preview",
        "bulk_start",
        "bulk_resume",
        "bulk_cancel",
        "bulk_batches",
        "bulk_rows",
        "bulk_results_csv",
        "bulk_mail_merge_csv",
    ];
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/*.json")
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("tauri build script failed");
}
