//! `FLOWDESK_TIMINGS=1`: one stderr line per phase of a verb (`flowdesk-timing <phase> <ms>`),
//! for the benchmark of docs/benchmarks.md to split a CLI run into its parts. Off, it costs
//! one cached env lookup per phase.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("FLOWDESK_TIMINGS").is_some_and(|v| v == "1"))
}

/// Prints how long the phase that began at `since` took, when timings are on.
pub fn phase(name: &str, since: Instant) {
    if enabled() {
        eprintln!("flowdesk-timing {name} {:.3}", since.elapsed().as_secs_f64() * 1e3);
    }
}
