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
