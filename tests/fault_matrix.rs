//! The fault matrix through the app (issue #7): `create_flow` as the window invokes it, on
//! the local sandbox the app owns, with each fault injected before and after the sandbox
//! committed the flow. For each cell: the `{kind, message}` the UI receives, that the create
//! was sent exactly once (never retried), and that every flow the sandbox actually made is
//! in the history (`history_search`): no created flow is lost.
//!
//! `cargo test -p flow-desk --features custom-protocol --test fault_matrix -- --nocapture`
//! prints the table.

mod common;

use std::fmt::Write as _;
use std::time::Duration;

use common::{app, sandbox_delete, sandbox_endpoint, sandbox_get, sandbox_post, steps, TestApp};
use serde_json::{json, Value};

/// The app's request timeout (desk.rs REQUEST_TIMEOUT) is 20 s; a longer latency times out.
const TIMEOUT_LATENCY_MS: u64 = 21_500;

struct Cell {
    fault: &'static str,
    spec: Value,
    kind: &'static str,
}

fn cells() -> Vec<Cell> {
    let status = |s: u16| json!({"kind": "status", "status": s});
    vec![
        Cell { fault: "400", spec: json!({"kind": "status", "status": 400, "body": "{\"message\":\"steps are odd\"}"}), kind: "invalid_request" },
        Cell { fault: "401", spec: status(401), kind: "unauthorized" },
        Cell { fault: "403", spec: status(403), kind: "forbidden" },
        Cell { fault: "404", spec: status(404), kind: "not_found" },
        Cell { fault: "429 + Retry-After: 1", spec: json!({"kind": "status", "status": 429, "retry_after": 1}), kind: "rate_limited" },
        Cell { fault: "429, no Retry-After", spec: status(429), kind: "rate_limited" },
        Cell { fault: "500", spec: status(500), kind: "server" },
        Cell { fault: "502", spec: json!({"kind": "status", "status": 502, "body": "<html>Bad Gateway</html>"}), kind: "server" },
        Cell { fault: "503", spec: status(503), kind: "server" },
        Cell { fault: "connection reset", spec: json!({"kind": "drop"}), kind: "network" },
        Cell { fault: "malformed JSON", spec: json!({"kind": "malformed_json"}), kind: "decode" },
        Cell { fault: "wrong content type", spec: json!({"kind": "wrong_content_type"}), kind: "decode" },
        Cell { fault: "10 MB body", spec: json!({"kind": "huge_body", "bytes": 10 * 1024 * 1024}), kind: "decode" },
    ]
}

fn timeout_cell() -> Cell {
    Cell { fault: "timeout (20 s)", spec: json!({"kind": "latency", "ms": TIMEOUT_LATENCY_MS}), kind: "timeout" }
}


/// Every flow id on the app's sandbox, read through the app's own list command.
fn sandbox_flow_ids(t: &TestApp) -> Vec<String> {
    let page = t.ok("list_remote_flows", json!({"environmentId": "local", "params": {"limit": 100}}));
    page["data"].as_array().unwrap().iter().map(|v| v["flow"]["id"].as_str().unwrap().to_string()).collect()
}

struct Row {
    fault: &'static str,
    when: &'static str,
    kind: String,
    message: String,
    posts: u64,
    made: usize,
    in_history: usize,
    problems: Vec<String>,
}

fn run(cell: &Cell, when: &'static str) -> Row {
    let t = app();
    let sandbox = sandbox_endpoint(&t);
    sandbox_post(
        &sandbox,
        "/_sandbox/faults",
        json!({"fault": cell.spec, "when": when, "method": "POST", "path_prefix": "/api/v2/flows"}),
    );
    let request = json!({"steps": steps(&["compliance", "manage-payouts"]), "metadata": {"reference": format!("{} {when}", cell.fault)}});
    let mut problems = Vec::new();
    let err = match t.invoke("create_flow", json!({ "request": request })) {
        Ok(v) => {
            problems.push(format!("create succeeded: {v}"));
            json!({"kind": "-", "message": "-"})
        }
        Err(e) => e,
    };
    if cell.spec["kind"] == "latency" {
        // Let the sandbox finish sleeping, so a late commit would be seen.
        std::thread::sleep(Duration::from_millis(TIMEOUT_LATENCY_MS.saturating_sub(20_000) + 1_000));
    }
    let kind = err["kind"].as_str().unwrap_or("?").to_string();
    let message = err["message"].as_str().unwrap_or("").to_string();
    if kind != cell.kind {
        problems.push(format!("kind {kind}, want {}", cell.kind));
    }
    if message.trim().is_empty() || err.as_object().map_or(0, |o| o.len()) != 3 || !err["details"].is_object() {
        problems.push(format!("not a {{kind, message, details}}: {err}"));
    }
    let stats = sandbox_get(&sandbox, "/_sandbox/stats");
    let posts = stats["requests"]["POST /api/v2/flows"].as_u64().unwrap_or(0);
    if posts != 1 {
        problems.push(format!("POST /v2/flows sent {posts} times: a create is never retried"));
    }
    let made = sandbox_flow_ids(&t);
    let history: Vec<String> = t.ok("history_search", json!({"query": ""}))
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["flow_id"].as_str().unwrap().to_string())
        .collect();
    let in_history = made.iter().filter(|id| history.contains(id)).count();
    if in_history != made.len() {
        problems.push(format!("{} flow(s) made but only {in_history} in history: a created flow was lost", made.len()));
    }
    if history.len() != made.len() {
        problems.push(format!("history has {} entries for {} flows made", history.len(), made.len()));
    }
    let want_made = usize::from(when == "after_commit");
    if made.len() != want_made && !(cell.spec["kind"] == "latency" && when == "before") {
        problems.push(format!("{} flows made, want {want_made}", made.len()));
    }
    let named: Vec<String> = err["details"]["flow_ids"]
        .as_array()
        .map(|ids| ids.iter().filter_map(|i| i.as_str().map(String::from)).collect())
        .unwrap_or_default();
    if named != made {
        problems.push(format!("details.flow_ids {named:?}, but the flows made are {made:?}"));
    }
    if !made.is_empty() && !message.contains("saved to History") {
        problems.push(format!("the message does not say the flow was found and kept: {message}"));
    }
    if made.is_empty() && matches!(cell.kind, "server" | "timeout" | "network" | "decode") && !message.contains("may still have been created") {
        problems.push(format!("an unknown outcome is not said: {message}"));
    }
    Row { fault: cell.fault, when, kind, message, posts, made: made.len(), in_history, problems }
}

fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    writeln!(out, "| Fault on POST /v2/flows | When | `kind` (UI) | `message` (UI) | POSTs sent | Flows made | In history | Cell |").unwrap();
    writeln!(out, "|---|---|---|---|---|---|---|---|").unwrap();
    for r in rows {
        let cell = if r.problems.is_empty() { "ok".to_string() } else { format!("FAIL: {}", r.problems.join("; ")) };
        writeln!(
            out,
            "| {} | {} | `{}` | {} | {} | {} | {} | {} |",
            r.fault,
            r.when.replace('_', " "),
            r.kind,
            redact_ids(&r.message).replace('|', "\\|"),
            r.posts,
            r.made,
            r.in_history,
            cell
        )
        .unwrap();
    }
    out
}

/// UUIDs vary from run to run; print them as `<id>`.
fn redact_ids(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(|c: char| c.is_ascii_hexdigit()) {
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        let token: String = tail.chars().take(36).collect();
        let is_uuid = token.len() == 36
            && token.chars().enumerate().all(|(n, c)| if [8, 13, 18, 23].contains(&n) { c == '-' } else { c.is_ascii_hexdigit() });
        if is_uuid {
            out.push_str("<id>");
            rest = &tail[36..];
        } else {
            let c = tail.chars().next().unwrap();
            out.push(c);
            rest = &tail[c.len_utf8()..];
        }
    }
    out.push_str(rest);
    out
}

fn check(rows: &[Row]) {
    println!("\n{}", table(rows));
    let failures: Vec<String> = rows
        .iter()
        .filter(|r| !r.problems.is_empty())
        .map(|r| format!("{} / {}: {}", r.fault, r.when, r.problems.join("; ")))
        .collect();
    assert!(failures.is_empty(), "{} cell(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn create_through_the_app_never_retries_and_never_loses_a_flow() {
    let mut rows = Vec::new();
    for cell in cells() {
        for when in ["before", "after_commit"] {
            rows.push(run(&cell, when));
        }
    }
    assert_eq!(rows.len(), 26);
    check(&rows);
}

// The two timeout cells wait out the app's 20 s timeout; as separate tests they run at the
// same time as each other and the rest.
#[test]
fn create_timeout_before_commit() {
    check(&[run(&timeout_cell(), "before")]);
}

#[test]
fn create_timeout_after_commit() {
    check(&[run(&timeout_cell(), "after_commit")]);
}

/// One-shot reads (opening a flow, "From Dots", a user) are GETs: a transient failure is
/// asked again with backoff (3 requests at most) before the person sees it; an error that
/// asking again cannot fix is shown after one request.
#[test]
fn one_shot_reads_retry_transient_errors_with_backoff_and_nothing_else() {
    let t = app();
    let sandbox = sandbox_endpoint(&t);
    let flow = t.ok("create_flow", json!({"request": {"steps": steps(&["compliance"])}}));
    let id = flow["flow"]["id"].as_str().unwrap().to_string();
    let gets = || -> u64 {
        let stats = sandbox_get(&sandbox, "/_sandbox/stats");
        stats["requests"]["GET /api/v2/flows/{id}"].as_u64().unwrap_or(0)
    };
    let fault = |spec: Value, count: u32| {
        sandbox_post(
            &sandbox,
            "/_sandbox/faults",
            json!({"fault": spec, "count": count, "method": "GET", "path_prefix": format!("/api/v2/flows/{id}")}),
        );
    };
    let mut rows = String::from("| read | fault | GETs sent | result |\n|---|---|---|---|\n");
    for (name, spec, count, want_ok, want_gets) in [
        ("503 twice", json!({"kind": "status", "status": 503}), 2, true, 3),
        ("connection reset", json!({"kind": "drop"}), 1, true, 2),
        ("429 (Retry-After: 1)", json!({"kind": "status", "status": 429, "retry_after": 1}), 1, true, 2),
        ("500 every time", json!({"kind": "status", "status": 500}), 5, false, 3),
        ("404", json!({"kind": "status", "status": 404}), 1, false, 1),
        ("401", json!({"kind": "status", "status": 401}), 1, false, 1),
    ] {
        let before = gets();
        fault(spec, count);
        let result = t.invoke("get_flow", json!({"id": id, "environmentId": "local"}));
        let sent = gets() - before;
        sandbox_delete(&sandbox, "/_sandbox/faults");
        assert_eq!(result.is_ok(), want_ok, "{name}: {result:?}");
        assert_eq!(sent, want_gets, "{name}");
        let shown = match &result {
            Ok(_) => "the flow".to_string(),
            Err(e) => format!("`{}`", e["kind"].as_str().unwrap_or("?")),
        };
        let _ = writeln!(rows, "| get_flow | {name} | {sent} | {shown} |");
    }
    println!("\n{rows}");
}
