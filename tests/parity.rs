//! Parity: the same scenarios through both shells, the app's commands (Tauri's mock
//! runtime) and the `flowdesk` CLI (a real process), each on a fresh data folder with its
//! own local sandbox. For every scenario the requests that reached the sandbox, the History
//! entries written and the audit lines appended must be the same.
//!
//! The CLI binary is the one `cargo test --workspace` builds beside this test.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{app_in, keychain_session, steps, TestApp};
use flowdesk_sandbox::home::{Endpoint, HostGuard, Hosted, SandboxHome};
use serde_json::{json, Value};

/// What a scenario left behind, with ids and times taken out.
#[derive(Debug, PartialEq)]
struct Observed {
    /// "METHOD /api/…" → count, from the sandbox's own request counter.
    requests: BTreeMap<String, u64>,
    /// (environment, steps, reference, from a batch) per History entry, sorted.
    history: Vec<(String, Vec<String>, Option<String>, bool)>,
    /// (environment, action, result, amount in cents, number of Dots ids) per audit line.
    audit: Vec<(String, String, String, Option<i64>, usize)>,
}

fn observe(data_dir: &Path, sandbox: &Endpoint) -> Observed {
    let stats = http(sandbox, reqwest::Method::GET, "/_sandbox/stats", None);
    let requests = stats["requests"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.contains(" /api/"))
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect();
    let (history, _) = flowdesk_history::History::open(data_dir.join(flowdesk_history::history::FILE_NAME)).unwrap();
    let mut history: Vec<_> = history
        .search("", 10_000)
        .into_iter()
        .map(|e| (e.environment_id, e.steps, e.reference, e.batch.is_some()))
        .collect();
    history.sort();
    let audit = flowdesk_money::AuditLog::new(data_dir.join("audit.jsonl"))
        .read()
        .unwrap()
        .entries
        .into_iter()
        .map(|e| (e.environment, e.action, e.result, e.amount_cents, e.dots_ids.len()))
        .collect();
    Observed { requests, history, audit }
}

/// A sandbox control, with the sandbox's credentials.
fn http(sandbox: &Endpoint, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
    let url = format!("{}{path}", sandbox.origin);
    let (client_id, api_key) = (sandbox.client_id.clone(), sandbox.api_key.clone());
    tauri::async_runtime::block_on(async move {
        let mut req = reqwest::Client::new().request(method, url).basic_auth(client_id, Some(api_key));
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.expect("sandbox reachable");
        assert!(resp.status().is_success(), "sandbox control refused: {}", resp.status());
        resp.json().await.unwrap_or(Value::Null)
    })
}

fn inject(sandbox: &Endpoint, fault: Value, when: &str, method: &str, path: &str, count: u32) {
    http(
        sandbox,
        reqwest::Method::POST,
        "/_sandbox/faults",
        Some(json!({"fault": fault, "when": when, "method": method, "path_prefix": path, "count": count})),
    );
}

fn seed_user(sandbox: &Endpoint) -> String {
    let user = http(sandbox, reqwest::Method::POST, "/_sandbox/users", Some(json!({"status": "verified"})));
    user["id"].as_str().unwrap().to_string()
}

/// What a scenario does, the same for both shells.
trait Shell {
    /// Where this shell's local sandbox is, and its credentials (from its data folder).
    fn sandbox(&self) -> Endpoint;
    fn data_dir(&self) -> PathBuf;
    /// Creates a flow with these steps and reference; Ok(flow id) or the error's kind.
    fn create(&self, env: Option<&str>, steps: &[&str], reference: &str, confirm: bool) -> Result<String, String>;
    fn get(&self, flow_id: &str) -> Result<(), String>;
    fn bulk(&self, csv: &str) -> Result<(), String>;
    fn fund(&self, user: &str, amount: &str) -> Result<(), String>;
    fn payout_link(&self, email: &str, amount: &str) -> Result<(), String>;
    /// A production-marked environment on this shell's own sandbox (loopback), with its key.
    fn add_production_mirror(&self) -> String;
}

struct App {
    t: TestApp,
}

impl App {
    fn new() -> App {
        App { t: app_in(tempfile::tempdir().unwrap()) }
    }

    fn call(&self, cmd: &str, args: Value) -> Result<Value, String> {
        self.t.invoke(cmd, args).map_err(|e| e["kind"].as_str().unwrap_or("?").to_string())
    }
}

impl Shell for App {
    fn sandbox(&self) -> Endpoint {
        let endpoint = SandboxHome::new(self.data_dir()).endpoint().unwrap();
        let origin = self.t.ok("app_info", json!({}))["base_url"].as_str().unwrap().trim_end_matches("/api").to_string();
        assert_eq!(endpoint.origin, origin, "sandbox.json names the app's sandbox");
        endpoint
    }
    fn data_dir(&self) -> PathBuf {
        self.t.settings_path.parent().unwrap().to_path_buf()
    }
    fn create(&self, env: Option<&str>, names: &[&str], reference: &str, confirm: bool) -> Result<String, String> {
        self.t.confirmer.answer(confirm);
        let request = json!({"steps": steps(names), "metadata": {"reference": reference}});
        let flow = self.call("create_flow", json!({"request": request, "environmentId": env}))?;
        Ok(flow["flow"]["id"].as_str().unwrap().to_string())
    }
    fn get(&self, flow_id: &str) -> Result<(), String> {
        self.call("get_flow", json!({"id": flow_id, "environmentId": "local"})).map(|_| ())
    }
    fn bulk(&self, csv: &str) -> Result<(), String> {
        let template = json!({"steps": steps(&["compliance"]), "require_auth": null, "hide_go_to_dashboard_on_complete": null});
        let args = json!({"bytes": csv.as_bytes(), "template": template, "environmentId": "local", "concurrency": 2});
        let batch = self.call("bulk_start", args)?["batch_id"].as_str().unwrap().to_string();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let batches = self.call("bulk_batches", json!({}))?;
            let b = batches.as_array().unwrap().iter().find(|b| b["batch_id"] == batch.as_str()).cloned().unwrap();
            if b["running"] == false {
                return if b["finished"] == true { Ok(()) } else { Err(format!("batch stopped: {b}")) };
            }
            assert!(std::time::Instant::now() < deadline, "the batch did not finish");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
    /// As the window does: the summary first, then the send.
    fn fund(&self, user: &str, amount: &str) -> Result<(), String> {
        let request = json!({"kind": "fund", "user_id": user, "amount": amount});
        self.call("money_summary", json!({"request": request}))?;
        self.call("money_send", json!({"request": request})).map(|_| ())
    }
    fn payout_link(&self, email: &str, amount: &str) -> Result<(), String> {
        let request = json!({"kind": "payout_link", "amount": amount, "payee": {"email": email}, "delivery": {"method": "email"}});
        self.call("money_summary", json!({"request": request}))?;
        self.call("money_send", json!({"request": request})).map(|_| ())
    }
    fn add_production_mirror(&self) -> String {
        let endpoint = SandboxHome::new(self.data_dir()).endpoint().unwrap();
        let env = json!({"name": "Prod mirror", "base_url": endpoint.base_url(), "app_id": null, "production": true});
        let view = self.t.ok("add_environment", json!({"environment": env}));
        let id = view["environments"].as_array().unwrap().iter().find(|e| e["environment"]["name"] == "Prod mirror").unwrap()
            ["environment"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        self.t.ok("save_credentials", json!({"environmentId": id, "clientId": endpoint.client_id, "apiKey": endpoint.api_key}));
        id
    }
}

/// The CLI on a scratch HOME, with the local sandbox of its data folder hosted by the test
/// (as the app would host it).
struct Cli {
    dir: tempfile::TempDir,
    guard: HostGuard,
}

fn cli_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().and_then(Path::parent).unwrap().join(format!("flowdesk{}", std::env::consts::EXE_SUFFIX));
    assert!(bin.exists(), "{} is missing: run `cargo test --workspace`, which builds it", bin.display());
    bin
}

impl Cli {
    fn new() -> Cli {
        let dir = tempfile::Builder::new().prefix("flowdesk-parity").tempdir_in("/tmp").unwrap();
        let data = dir.path().join("data/com.flowdesk.desk");
        let guard = match tauri::async_runtime::block_on(SandboxHome::new(&data).host()).unwrap() {
            Hosted::Here(guard) => guard,
            Hosted::Elsewhere(_) => panic!("a fresh data folder has no host"),
        };
        Cli { dir, guard }
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> Result<Output, String> {
        let mut c = Command::new(cli_binary());
        let p = |s: &str| self.dir.path().join(s);
        c.env("HOME", p("home")).env("XDG_DATA_HOME", p("data")).env("XDG_CONFIG_HOME", p("config"));
        c.env_remove("RUST_LOG").args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
        c.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
        let mut child = c.spawn().unwrap();
        if let Some(text) = stdin {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        }
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            Ok(out)
        } else {
            Err(format!("exit {:?}: {}", out.status.code(), String::from_utf8_lossy(&out.stderr).trim()))
        }
    }

    fn env_args(env: Option<&str>) -> Vec<String> {
        vec!["--env".into(), env.unwrap_or("local").into()]
    }
}

impl Shell for Cli {
    fn sandbox(&self) -> Endpoint {
        self.guard.endpoint.clone()
    }
    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data/com.flowdesk.desk")
    }
    fn create(&self, env: Option<&str>, names: &[&str], reference: &str, confirm: bool) -> Result<String, String> {
        let mut args = Cli::env_args(env);
        if confirm {
            args.extend(["--confirm-production".into(), env.unwrap_or("local").into()]);
        }
        args.extend(["create".into(), "--json".into(), "--meta".into(), format!("reference={reference}")]);
        for n in names {
            args.extend(["--step".into(), n.to_string()]);
        }
        let out = self.run(&args.iter().map(String::as_str).collect::<Vec<_>>(), None)?;
        let flow: Value = serde_json::from_slice(&out.stdout).unwrap();
        Ok(flow["id"].as_str().unwrap().to_string())
    }
    fn get(&self, flow_id: &str) -> Result<(), String> {
        self.run(&["--env", "local", "get", flow_id], None).map(|_| ())
    }
    fn bulk(&self, csv: &str) -> Result<(), String> {
        std::fs::write(self.dir.path().join("people.csv"), csv).unwrap();
        std::fs::write(self.dir.path().join("t.json"), r#"{"steps": ["compliance"]}"#).unwrap();
        let p = |s: &str| self.dir.path().join(s).display().to_string();
        let args = ["--env", "local", "bulk", &p("people.csv"), "--template", &p("t.json"), "-o", &p("links.csv"), "--concurrency", "2"];
        self.run(&args, None).map(|_| ())
    }
    fn fund(&self, user: &str, amount: &str) -> Result<(), String> {
        self.run(&["--env", "local", "--yes", "fund", user, "--amount", amount], None).map(|_| ())
    }
    fn payout_link(&self, email: &str, amount: &str) -> Result<(), String> {
        let args = ["--env", "local", "--yes", "payout-link", "create", "--amount", amount, "--email", email, "--delivery", "email"];
        self.run(&args, None).map(|_| ())
    }
    fn add_production_mirror(&self) -> String {
        let e = &self.guard.endpoint;
        let out = self.run(&["env", "add", "--name", "Prod mirror", "--base-url", &e.base_url(), "--production"], None).unwrap();
        let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
        self.run(&["--env", &id, "creds", "set", "--client-id", &e.client_id], Some(&format!("{}\n", e.api_key))).unwrap();
        id
    }
}

/// Runs one scenario through each shell and compares what it left. Returns a table row.
fn parity(name: &str, scenario: impl Fn(&dyn Shell) -> String) -> String {
    let app = App::new();
    let app_said = scenario(&app);
    let from_app = observe(&app.data_dir(), &app.sandbox());
    let cli = Cli::new();
    let cli_said = scenario(&cli);
    let from_cli = observe(&cli.data_dir(), &cli.sandbox());
    assert_eq!(app_said, cli_said, "{name}: the shells' outcomes differ");
    assert_eq!(from_app, from_cli, "{name}: what reached the sandbox, History or the audit log differs");
    let requests: Vec<String> = from_app.requests.iter().map(|(k, v)| format!("{k} ×{v}")).collect();
    let audit: Vec<String> = from_app.audit.iter().map(|a| format!("{} {}", a.1, a.2)).collect();
    format!(
        "| {name} | {app_said} | {} | {} | {} | same |",
        if requests.is_empty() { "none".into() } else { requests.join(", ") },
        from_app.history.len(),
        if audit.is_empty() { "-".into() } else { audit.join(", ") }
    )
}

fn outcome<T>(r: Result<T, String>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(kind) if kind.starts_with("exit Some(7)") || kind == "confirmation_required" => "not confirmed".into(),
        Err(kind) => format!("error {}", kind.split(':').next().unwrap_or("")),
    }
}

#[test]
fn both_shells_send_record_and_audit_the_same() {
    let mut rows = vec![
        "| scenario | outcome | requests that reached the sandbox | History entries | audit lines | app vs CLI |".to_string(),
        "|---|---|---|---|---|---|".into(),
    ];
    rows.push(parity("create on Local", |s| outcome(s.create(None, &["compliance", "payout"], "T-1", false))));
    rows.push(parity("create whose reply is lost", |s| {
        inject(&s.sandbox(), json!({"kind": "drop"}), "after_commit", "POST", "/api/v2/flows", 1);
        outcome(s.create(None, &["compliance"], "T-2", false).map_err(|_| "lost".to_string()))
    }));
    rows.push(parity("bulk run, 3 rows", |s| outcome(s.bulk("email,name,reference\na@x.io,A,R1\nb@x.io,B,R2\nc@x.io,C,R3\n"))));
    rows.push(parity("fund $5.00", |s| {
        let user = seed_user(&s.sandbox());
        outcome(s.fund(&user, "5"))
    }));
    rows.push(parity("payout link $7.50", |s| outcome(s.payout_link("pat@example.com", "7.50"))));
    rows.push(parity("read answered 503, then 200", |s| {
        let id = s.create(None, &["compliance"], "T-3", false).unwrap();
        inject(&s.sandbox(), json!({"kind": "status", "status": 503}), "before", "GET", "/api/v2/flows/", 1);
        outcome(s.get(&id))
    }));
    if keychain_session() {
        rows.push(parity("create in a production-marked environment, not confirmed", |s| {
            let env = s.add_production_mirror();
            outcome(s.create(Some(&env), &["compliance"], "T-4", false))
        }));
        rows.push(parity("create in a production-marked environment, confirmed", |s| {
            let env = s.add_production_mirror();
            outcome(s.create(Some(&env), &["compliance"], "T-5", true))
        }));
    }
    println!("\n{}", rows.join("\n"));
}
