//! One local sandbox per user, durable and shared: a flow created through the app's core is
//! still there after that process is killed, served by `flowdesk sandbox` at the same address
//! and read back by the CLI. The app's side runs in a child process (this test binary again,
//! in its child role) so that it can be killed for real.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

const CHILD_ROLE: &str = "FLOWDESK_TEST_APP_CORE_DIR";

/// The child role: the app's core on the given data folder (hosting the local sandbox, as
/// the app does), one flow created, its id and link printed, then it waits to be killed.
fn app_core_child(dir: &Path) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let credentials = flowdesk_settings::Credentials::new(flowdesk_settings::MemoryStore::new());
        let core = flow_desk_lib::start_core(dir.to_path_buf(), credentials, Arc::new(flowdesk_core::Refuse)).await.unwrap();
        assert!(core.hosts_local_sandbox());
        let request = flowdesk_dots::FlowRequest::new(vec![flowdesk_dots::Step::new(flowdesk_dots::StepName::Compliance)]);
        let view = core.create_flow(request, Some("local")).await.unwrap();
        println!("{} {}", view.flow.id, view.flow.link);
        std::future::pending::<()>().await;
    });
}

fn cli_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().and_then(Path::parent).unwrap().join(format!("flowdesk{}", std::env::consts::EXE_SUFFIX));
    assert!(bin.exists(), "{} is missing: run `cargo test --workspace`, which builds it", bin.display());
    bin
}

fn first_line(child: &mut Child) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    line.trim().to_string()
}

#[test]
fn a_flow_made_by_the_app_survives_a_kill_and_is_read_back_through_flowdesk_sandbox_and_the_cli() {
    if let Ok(dir) = std::env::var(CHILD_ROLE) {
        return app_core_child(Path::new(&dir));
    }
    let scratch = tempfile::Builder::new().prefix("flowdesk-survives").tempdir_in("/tmp").unwrap();
    let data = scratch.path().join("data");
    let dir = data.join("com.flowdesk.desk");
    let env = |c: &mut Command| {
        c.env("HOME", scratch.path().join("home")).env("XDG_DATA_HOME", &data).env("XDG_CONFIG_HOME", scratch.path().join("config"));
    };

    let mut app = Command::new(std::env::current_exe().unwrap());
    app.args(["--exact", "a_flow_made_by_the_app_survives_a_kill_and_is_read_back_through_flowdesk_sandbox_and_the_cli", "--nocapture", "--test-threads=1"])
        .env(CHILD_ROLE, &dir)
        .stdout(Stdio::piped());
    env(&mut app);
    let mut app = app.spawn().unwrap();
    // libtest prints "running 1 test" first; the child's own line is the one with a link.
    let mut reader = BufReader::new(app.stdout.take().unwrap());
    let made = loop {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "the app's core ended without creating a flow");
        if line.contains("/flow/") {
            break line;
        }
    };
    // The line may start with libtest's own "name ... ": the id and link are its last words.
    let words: Vec<&str> = made.split_whitespace().collect();
    let (id, link) = (words[words.len() - 2], words[words.len() - 1]);
    app.kill().unwrap(); // SIGKILL: no shutdown, no last save
    app.wait().unwrap();

    let mut host = Command::new(cli_binary());
    host.arg("sandbox").stdout(Stdio::piped()).stderr(Stdio::null());
    env(&mut host);
    let mut host = host.spawn().unwrap();
    let said = first_line(&mut host);
    let origin = link.split("/flow/").next().unwrap();
    assert_eq!(said, format!("Dots sandbox base URL: {origin}/api"), "the same address as before the kill");

    let mut get = Command::new(cli_binary());
    get.args(["--env", "local", "get", id, "--json"]).stdin(Stdio::null());
    env(&mut get);
    let out = get.output().unwrap();
    host.kill().unwrap();
    host.wait().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let flow: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((flow["id"].as_str(), flow["link"].as_str()), (Some(id), Some(link)));
    // And the app's History, read by the CLI, has it.
    let mut history = Command::new(cli_binary());
    history.args(["history", "list", id]).stdin(Stdio::null());
    env(&mut history);
    let listed = String::from_utf8_lossy(&history.output().unwrap().stdout).to_string();
    assert!(listed.contains(id) && !listed.contains("old local sandbox"), "{listed}");
}
