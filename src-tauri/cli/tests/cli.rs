//! End to end: the `flowdesk` binary against a sandbox started by the test, on a throwaway
//! HOME and XDG folders (never the user's settings or keyring).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use std::time::Duration;

use common::*;

use flowdesk_dots::{FlowRequest, Step, StepName};
use flowdesk_sandbox::home::SandboxHome;
use flowdesk_sandbox::{Fault, FaultSpec, FaultWhen, SandboxHandle};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_get_and_watch_to_completion() {
    let s = Scratch::new();
    let sb = sandbox(&s).await;
    let mut c = s.local(&sb);
    c.args([
        "create",
        "--step",
        "compliance",
        "--step",
        "manage-payouts:hide_continue_button",
        "--step",
        "redirect:redirect_url=https://acme.example.com/done",
        "--meta",
        "ticket=T-1",
        "--json",
    ]);
    let out = run(c).await;
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let flow: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = flow["id"].as_str().unwrap().to_string();
    assert_eq!(
        flow["steps"],
        serde_json::json!(["compliance", "manage-payouts", "redirect"])
    );
    assert_eq!(flow["metadata"]["ticket"], "T-1");

    let mut c = s.local(&sb);
    c.args(["create", "--step", "payout"]);
    let out = run(c).await;
    assert_eq!(code(&out), 0);
    assert!(
        text(&out.stdout)
            .trim()
            .starts_with(&format!("{}/flow/", sb.origin())),
        "prints the link"
    );

    let mut c = s.local(&sb);
    c.args(["get", &id]);
    let out = run(c).await;
    assert!(
        text(&out.stdout).contains("0/3 steps done, not opened yet"),
        "{}",
        text(&out.stdout)
    );

    // watch follows while the person completes the steps.
    let mut c = s.local(&sb);
    c.args(["watch", &id, "--interval", "1", "--timeout", "60"])
        .stdout(Stdio::piped());
    let child = c.spawn().unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    sb.claim(&id, None).unwrap();
    for step in ["compliance", "manage-payouts", "redirect"] {
        sb.complete_step(&id, step).unwrap();
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let shown = text(&out.stdout);
    assert_eq!(code(&out), 0, "{shown}");
    assert!(
        shown.contains(
            "0/3 steps done, not opened yet (next: compliance, manage-payouts, redirect)"
        ),
        "{shown}"
    );
    assert!(
        shown.trim_end().ends_with("3/3 steps done: complete"),
        "{shown}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_pages_newest_first() {
    let s = Scratch::new();
    let sb = sandbox(&s).await;
    let c = client(&sb);
    let mut ids = Vec::new();
    for _ in 0..23 {
        ids.push(
            c.create_flow(&FlowRequest::new(vec![Step::new(StepName::Compliance)]))
                .await
                .unwrap()
                .id,
        );
    }
    ids.reverse();
    let mut cmd = s.local(&sb);
    cmd.args(["list", "--limit", "10"]);
    let out = run(cmd).await;
    let lines: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    assert_eq!(lines.len(), 10);
    assert!(lines[0].starts_with(&ids[0]));
    assert!(text(&out.stderr).contains(&format!("--starting-after {}", ids[9])));

    let mut cmd = s.local(&sb);
    cmd.args(["list", "--limit", "10", "--all", "--json"]);
    let out = run(cmd).await;
    let listed: Vec<String> = text(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(listed, ids);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_and_one_line_errors() {
    let s = Scratch::new();
    let sb = sandbox(&s).await;
    let cases: Vec<(Vec<String>, i32, &str)> = vec![
        (
            vec!["create".into(), "--step".into(), "nope".into()],
            2,
            "unknown step",
        ),
        (
            vec!["create".into(), "--step".into(), "redirect".into()],
            3,
            "needs a redirect URL",
        ),
        (
            vec!["get".into(), "0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60".into()],
            5,
            "no such object",
        ),
        (
            vec!["list".into(), "--limit".into(), "500".into()],
            2,
            "500",
        ),
    ];
    for (args, expected, says) in cases {
        let mut c = s.local(&sb);
        c.args(&args);
        let out = run(c).await;
        let err = text(&out.stderr);
        assert_eq!(code(&out), expected, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    // One line, prefixed, for errors of our own: with nobody hosting the local sandbox,
    // a one-shot verb says how to start one (and never hosts one that dies with it).
    let nobody = Scratch::new();
    let mut c = nobody.cmd();
    c.args(["--env", "local", "list"]);
    let out = run(c).await;
    let err = text(&out.stderr);
    assert_eq!((code(&out), err.lines().count()), (1, 1), "{err}");
    assert!(
        err.starts_with("flowdesk: No local sandbox is running") && err.contains("flowdesk sandbox"),
        "{err}"
    );
    assert!(!SandboxHome::new(nobody.data_dir()).is_hosted());
    // A real environment without a saved key: 4, and the keychain is not even asked.
    let mut c = s.cmd();
    c.args(["--env", "sandbox", "list"]);
    let out = run(c).await;
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("flowdesk creds set"));
}

#[tokio::test]
async fn help_is_complete() {
    let s = Scratch::new();
    let mut c = s.cmd();
    c.arg("--help");
    let out = run(c).await;
    let help = text(&out.stdout);
    for word in [
        "creds",
        "env",
        "create",
        "get",
        "watch",
        "list",
        "bulk",
        "sandbox",
        "Exit codes",
        "130",
        "--confirm-production",
    ] {
        assert!(help.contains(word), "{word} missing from --help");
    }
    let mut c = s.cmd();
    c.args(["bulk", "--help"]);
    let help = text(&run(c).await.stdout);
    for word in [
        "--template",
        "--output",
        "--resume",
        "--mail-merge",
        "--concurrency",
        "--dry-run",
    ] {
        assert!(help.contains(word), "{word} missing from bulk --help");
    }
}

#[tokio::test]
async fn env_list_and_use_share_the_settings_file() {
    let s = Scratch::new();
    let mut c = s.cmd();
    c.args(["env", "use", "sandbox"]);
    let out = run(c).await;
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let file = s
        .path("data")
        .join("com.flowdesk.desk")
        .join("settings.json");
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(saved["active_environment"], "sandbox");
    let mut c = s.cmd();
    c.args(["env", "list"]);
    let listed = text(&run(c).await.stdout);
    assert!(
        listed.lines().any(|l| l.starts_with("* sandbox")),
        "{listed}"
    );
    assert!(listed.contains("[production]"), "{listed}");
    let mut c = s.cmd();
    c.args(["env", "use", "nowhere"]);
    assert_eq!(code(&run(c).await), 5);
}

#[tokio::test]
async fn creds_set_status_delete_in_a_throwaway_keyring() {
    if !keyring_is_throwaway() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must run this inside scripts/with-keyring.sh"
        );
        eprintln!("skipped: no throwaway keyring (run inside scripts/with-keyring.sh with HOME under /tmp)");
        return;
    }
    let s = Scratch::new();
    let mut c = s.cmd();
    c.args(["--env", "sandbox", "creds", "set", "--client-id", "cid_cli"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"sk_test_cli_ZZZZ9876\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains("sk_test_cli_ZZZZ9876"));
    let mut c = s.cmd();
    c.args(["--env", "sandbox", "creds", "status"]);
    let out = run(c).await;
    assert!(
        text(&out.stdout).contains("configured, client ID cid_cli, key …9876"),
        "{}",
        text(&out.stdout)
    );
    let mut c = s.cmd();
    c.args(["--env", "sandbox", "creds", "delete"]);
    assert_eq!(code(&run(c).await), 0);
    let mut c = s.cmd();
    c.args(["--env", "sandbox", "creds", "status"]);
    assert_eq!(code(&run(c).await), 4);
}

fn write_inputs(s: &Scratch, rows: usize) -> (PathBuf, PathBuf) {
    let mut csv = String::from("email,name,reference\n");
    for i in 1..=rows {
        csv.push_str(&format!("p{i}@example.com,Person {i},R{i}\n"));
    }
    let csv_path = s.path("recipients.csv");
    std::fs::write(&csv_path, csv).unwrap();
    let template = s.path("template.json");
    std::fs::write(
        &template,
        r#"{"steps": ["compliance", {"name": "redirect", "redirect_url": "https://acme.example.com/done"}]}"#,
    )
    .unwrap();
    (csv_path, template)
}

fn bulk_cmd(s: &Scratch, sb: &SandboxHandle, csv: &Path, template: &Path) -> Command {
    let mut c = s.local(sb);
    c.arg("bulk")
        .arg(csv)
        .arg("--template")
        .arg(template)
        .arg("-o")
        .arg(s.path("links.csv"))
        .args(["--concurrency", "2", "--settle-ms", "50"]);
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_writes_links_and_mail_merge() {
    let s = Scratch::new();
    let sb = sandbox(&s).await;
    let (csv, template) = write_inputs(&s, 12);
    let mut c = bulk_cmd(&s, &sb, &csv, &template);
    c.arg("--mail-merge").arg(s.path("mail.csv"));
    let out = run(c).await;
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("12 created, 0 failed"),
        "{}",
        text(&out.stdout)
    );
    let links = std::fs::read_to_string(s.path("links.csv")).unwrap();
    assert_eq!(links.lines().count(), 13);
    assert!(links.lines().skip(1).all(|l| l.contains(",created,")));
    let mail = std::fs::read_to_string(s.path("mail.csv")).unwrap();
    assert!(
        mail.starts_with("to,subject,body") && mail.contains(&format!("{}/flow/", sb.origin()))
    );
    assert_eq!(sb.flow_count(), 12);
    // The batch's flows are in the audit log the app shares.
    let audit = std::fs::read_to_string(s.path("data/com.flowdesk.desk/audit.jsonl")).unwrap();
    let batch: serde_json::Value = serde_json::from_str(audit.lines().last().unwrap()).unwrap();
    assert_eq!(batch["action"], "flow.create_batch");
    assert_eq!(batch["dots_ids"].as_array().unwrap().len(), 12);

    // Every file the app and the CLI keep in the data folder is 0600 and every folder 0700;
    // the files written where the person asked keep the person's own umask.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fn walk(dir: &Path, bad: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let (path, meta) = (e.path(), e.metadata().unwrap());
                let mode = meta.permissions().mode() & 0o777;
                let want = if meta.is_dir() { 0o700 } else { 0o600 };
                if mode != want {
                    bad.push(format!("{} is {mode:o}", path.display()));
                }
                if meta.is_dir() {
                    walk(&path, bad);
                }
            }
        }
        let mut bad = Vec::new();
        walk(&s.data_dir(), &mut bad);
        assert!(bad.is_empty(), "not private: {bad:?}");
        let mode = |p: PathBuf| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        std::fs::write(s.path("umask-probe"), "").unwrap();
        assert_eq!(mode(s.path("links.csv")), mode(s.path("umask-probe")), "the person's umask");
    }

    // Its journal is in the data folder: listed (as the app lists it) and resumable; a
    // finished batch resumed sends nothing new.
    let mut c = s.local(&sb);
    c.arg("batches");
    let listed = text(&run(c).await.stdout);
    let batch_id = listed.split_whitespace().next().expect("one batch listed").to_string();
    assert!(listed.contains("finished") && listed.contains("12 created"), "{listed}");
    let mut c = s.local(&sb);
    c.args(["bulk", "--resume", &batch_id, "-o"]).arg(s.path("again.csv"));
    let out = run(c).await;
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(sb.flow_count(), 12);

    // A bad file: exit 3, one clear line.
    std::fs::write(s.path("empty.csv"), "").unwrap();
    let mut c = s.local(&sb);
    c.arg("bulk")
        .arg(s.path("empty.csv"))
        .arg("--template")
        .arg(&template)
        .arg("-o")
        .arg(s.path("x.csv"));
    let out = run(c).await;
    assert_eq!(code(&out), 3);
    assert!(
        text(&out.stderr).starts_with("flowdesk: The file is empty"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_killed_mid_run_then_resumed_makes_exactly_one_flow_per_row() {
    let s = Scratch::new();
    let sb = sandbox(&s).await;
    let rows = 30;
    let (csv, template) = write_inputs(&s, rows);
    // Every create commits at once but answers 300 ms later: a kill lands with creates in
    // flight whose flows exist while the journal says "sending".
    sb.inject(
        FaultSpec::new(Fault::Latency { ms: 300 }, FaultWhen::AfterCommit)
            .method("POST")
            .count(10_000),
    );
    let mut child = bulk_cmd(&s, &sb, &csv, &template)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let batches = s.data_dir().join("batches/local");
    let journal_in = |dir: &Path| -> Option<PathBuf> {
        std::fs::read_dir(dir).ok()?.flatten().map(|e| e.path()).find(|p| {
            p.extension().is_some_and(|e| e == "journal") && !p.file_name().unwrap().to_string_lossy().starts_with("new-")
        })
    };
    let started = std::time::Instant::now();
    let mut journal = PathBuf::new();
    loop {
        if let Some(found) = journal_in(&batches) {
            journal = found;
        }
        let created = std::fs::read_to_string(&journal)
            .map(|j| j.matches(r#""state":"created""#).count())
            .unwrap_or(0);
        if created >= 8 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the batch did not progress"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(150)).await; // mid-flight
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let flows_at_kill = sb.flow_count();
    let text_at_kill = std::fs::read_to_string(&journal).unwrap();
    let created_at_kill = text_at_kill.matches(r#""state":"created""#).count();
    assert!(flows_at_kill < rows, "killed before the end");
    sb.clear_faults();

    let batch_id = journal.file_stem().unwrap().to_string_lossy().to_string();
    let mut c = s.local(&sb);
    c.args(["bulk", "--resume", &batch_id, "--settle-ms", "50", "-o"]).arg(s.path("links.csv"));
    let out = run(c).await;
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let per_row = flows_per_row(&client(&sb), None).await;
    let duplicates: usize = per_row.values().map(|n| n - 1).sum();
    let lost = (1..=rows as u64)
        .filter(|r| !per_row.contains_key(r))
        .count();
    println!(
        "kill test: rows {rows}, flows at kill {flows_at_kill} (journal had {created_at_kill} created), \
         after resume {} flows, duplicates {duplicates}, lost {lost}; {}",
        sb.flow_count(),
        text(&out.stdout).trim()
    );
    // Usually the kill lands with creates committed but unrecorded (the reply is 300 ms
    // late); resume.rs in flowdesk-bulk covers both kinds of stuck row deterministically.
    if flows_at_kill == created_at_kill {
        println!("kill test: the kill landed between creates this time");
    }
    assert_eq!(sb.flow_count(), rows);
    assert_eq!((duplicates, lost), (0, 0));
    let links = std::fs::read_to_string(s.path("links.csv")).unwrap();
    assert_eq!(links.matches(",created,").count(), rows);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_command_serves_the_local_environment() {
    use std::io::BufRead;
    let s = Scratch::new();
    let mut c = s.cmd();
    c.arg("sandbox").stdout(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let first = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    assert!(first.starts_with("Dots sandbox base URL: http://127.0.0.1:"), "{first}");
    // The CLI finds it through the data folder: no URL, no key on the command line.
    let mut c = s.cmd();
    c.args(["--env", "local", "create", "--step", "compliance"]);
    let out = run(c).await;
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("/flow/"));
}
