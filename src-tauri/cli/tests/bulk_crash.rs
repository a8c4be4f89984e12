//! A real `kill -9` of `flowdesk bulk` in the middle of a 10,000-row batch, then a resume of
//! the same batch: every row ends with exactly one flow (none twice, none missing), counted
//! from the sandbox's own listing by `metadata.flowdesk_row`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;
use flowdesk_sandbox::home::SandboxHome;

const ROWS: usize = 10_000;
/// Kill once this many flows exist: thousands sent, thousands still to go.
const KILL_AT: usize = 3_000;

/// The data folder's local sandbox, hosted by the test with its state in memory: the
/// state file is rewritten whole after every change, which at 10,000 flows would take
/// minutes, not seconds. The CLI finds it as it finds the app's.
async fn memory_sandbox(s: &Scratch) -> TestSandbox {
    let guard = SandboxHome::new(s.data_dir())
        .host_in_memory()
        .await
        .unwrap();
    TestSandbox { guard }
}

/// The batch's journal in the data folder, once the run has made it.
fn journal_in(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.extension().is_some_and(|e| e == "journal")
                && !p.file_name().unwrap().to_string_lossy().starts_with("new-")
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_killed_mid_ten_thousand_rows_then_resumed_makes_one_flow_per_row() {
    let s = Scratch::new();
    let sb = memory_sandbox(&s).await;
    let mut csv = String::from("email,name,reference\n");
    for i in 1..=ROWS {
        csv.push_str(&format!("p{i}@example.com,Person {i},R{i}\n"));
    }
    std::fs::write(s.path("people.csv"), csv).unwrap();
    std::fs::write(s.path("template.json"), r#"{"steps": ["compliance"]}"#).unwrap();

    let mut c = s.local(&sb);
    c.arg("bulk")
        .arg(s.path("people.csv"))
        .arg("--template")
        .arg(s.path("template.json"))
        .arg("-o")
        .arg(s.path("links.csv"))
        .args(["--concurrency", "32", "--settle-ms", "50"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = c.spawn().unwrap();
    let started = Instant::now();
    while sb.flow_count() < KILL_AT {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the batch did not reach {KILL_AT} flows: {}",
            sb.flow_count()
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "flowdesk bulk ended before the kill"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let flows_at_kill = sb.flow_count();
    let took = started.elapsed();
    assert!(flows_at_kill < ROWS, "killed before the end");

    let journal = journal_in(&s.data_dir().join("batches/local")).expect("the batch's journal");
    let text_at_kill = std::fs::read_to_string(&journal).unwrap();
    let created_at_kill = text_at_kill.matches(r#""state":"created""#).count();
    let sending_at_kill = text_at_kill.matches(r#""state":"sending""#).count();
    let batch = journal.file_stem().unwrap().to_string_lossy().to_string();

    let mut c = s.local(&sb);
    c.args([
        "bulk",
        "--resume",
        &batch,
        "--concurrency",
        "32",
        "--settle-ms",
        "50",
        "-o",
    ])
    .arg(s.path("links.csv"));
    let out = run(c).await;
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));

    let per_row = flows_per_row(&client(&sb), Some(batch.as_str())).await;
    let duplicates: usize = per_row.values().map(|n| n - 1).sum();
    let lost = (1..=ROWS as u64)
        .filter(|r| !per_row.contains_key(r))
        .count();
    println!(
        "kill -9 test: rows {ROWS}, killed after {:.1} s with {flows_at_kill} flows made \
         (journal: {sending_at_kill} sending lines, {created_at_kill} created); after resume \
         {} flows, duplicates {duplicates}, lost {lost}; resume said: {}",
        took.as_secs_f64(),
        sb.flow_count(),
        text(&out.stdout).trim()
    );
    assert_eq!((duplicates, lost), (0, 0));
    assert_eq!(sb.flow_count(), ROWS, "no flow outside the batch either");
    let links = std::fs::read_to_string(s.path("links.csv")).unwrap();
    assert_eq!(links.matches(",created,").count(), ROWS);
}
