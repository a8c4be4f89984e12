//! `flowdesk-bench`: the in-process benchmarks of docs/benchmarks.md. Each run prints one
//! JSON object on stdout (scripts/bench.sh repeats runs and builds the table).
//!
//!     flowdesk-bench create-latency [CREATES=200]   the app's create_flow command vs raw HTTP
//!     flowdesk-bench watch [FLOWS=200]               polls/min and CPU while watching
//!     flowdesk-bench bulk [ROWS=1000]                1000 links, 20 ms per create, 16 at once
//!     flowdesk-bench bulk-crash [ROWS=10000]         the release CLI killed -9 mid-batch, then resumed
//!     flowdesk-bench seed-year DIR [SCALE=50000]     a data folder after a year of use (seed.rs)
//!     flowdesk-bench year DIR [SCALE=50000]          History, search and audit on that folder
//!
//! Environment: BENCH_WATCH_FIRST_SECS (60), BENCH_WATCH_STEADY_FROM (90), BENCH_WATCH_STEADY_SECS
//! (60), BENCH_BULK_LATENCY_MS (20), BENCH_BULK_CONCURRENCY (16).

mod app;
mod bulk;
mod create;
mod seed;
mod watch;
mod year;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count = |default: usize| args.get(1).and_then(|s| s.parse().ok()).unwrap_or(default);
    let result = match args.first().map(String::as_str) {
        Some("create-latency") => create::run(count(200)),
        Some("watch") => watch::run(count(200)),
        Some("bulk") => bulk::run(count(1000)),
        Some("bulk-crash") => bulk::crash(count(10_000)),
        Some(verb @ ("seed-year" | "year")) if args.len() >= 2 => {
            let dir = std::path::PathBuf::from(&args[1]);
            let scale = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(50_000);
            if verb == "year" { year::run(&dir, scale) } else { seed::run(&dir, scale) }
        }
        _ => {
            eprintln!("usage: flowdesk-bench create-latency|watch|bulk [COUNT] | seed-year|year DIR [SCALE]");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("flowdesk-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// An environment variable as a number, or the default.
pub fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The value at quantile `q` (0..=1) of an unsorted sample, in the sample's unit.
pub fn quantile(sample: &[f64], q: f64) -> f64 {
    let mut v = sample.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    v[((v.len() - 1) as f64 * q).round() as usize]
}

/// This process's CPU time so far (user + system, every thread, exited ones included), in
/// milliseconds, with microsecond resolution (`/proc/self/stat` only counts 10 ms ticks).
pub fn cpu_ms() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1e3 + t.tv_usec as f64 / 1e3;
    ms(usage.ru_utime) + ms(usage.ru_stime)
}
