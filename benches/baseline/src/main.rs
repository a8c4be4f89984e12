//! An empty Tauri 2 window whose page says when its first frame is painted, exactly as
//! Flow Desk does (the same `ui_ready` command, from the app's own source file).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[path = "../../../src-tauri/startup.rs"]
mod startup;

fn main() {
    startup::mark();
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![startup::ui_ready])
        .run(tauri::generate_context!())
        .expect("the baseline app failed to start");
}
