//! Shared by the CLI tests: the `flowdesk` binary on throwaway HOME and XDG folders, the
//! local sandbox of that data folder hosted by the test (as the app would host it), and
//! small output helpers.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use flowdesk_dots::{ClientConfig, DotsClient, ListParams};
use flowdesk_sandbox::home::{HostGuard, Hosted, SandboxHome};
use flowdesk_sandbox::SandboxHandle;

pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("flowdesk-cli-test")
            .tempdir_in("/tmp")
            .unwrap();
        for sub in ["home", "data", "config", "cache"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        Scratch { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `flowdesk` with the throwaway folders. The keyring is only reachable when the whole
    /// test run is inside `scripts/with-keyring.sh` (a throwaway D-Bus session and keyring).
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(assert_cmd::cargo::cargo_bin("flowdesk"));
        c.env("HOME", self.path("home"))
            .env("XDG_DATA_HOME", self.path("data"))
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("XDG_CACHE_HOME", self.path("cache"))
            .env_remove("RUST_LOG")
            .stdin(Stdio::null());
        if !keyring_is_throwaway() {
            c.env_remove("DBUS_SESSION_BUS_ADDRESS");
        }
        c
    }

    /// The data folder the CLI uses (the app's, on this scratch HOME).
    pub fn data_dir(&self) -> PathBuf {
        self.path("data/com.flowdesk.desk")
    }

    /// `flowdesk --env local`: it finds the sandbox the test hosts through the data folder.
    pub fn local(&self, _sb: &SandboxHandle) -> Command {
        let mut c = self.cmd();
        c.args(["--env", "local"]);
        c
    }
}

/// The local sandbox of a scratch data folder, hosted by the test as the app would.
pub struct TestSandbox {
    pub guard: HostGuard,
}

impl std::ops::Deref for TestSandbox {
    type Target = SandboxHandle;
    fn deref(&self) -> &SandboxHandle {
        &self.guard.sandbox
    }
}

pub fn keyring_is_throwaway() -> bool {
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        && std::env::var("HOME").is_ok_and(|h| h.starts_with("/tmp/"))
}

pub async fn sandbox(s: &Scratch) -> TestSandbox {
    match SandboxHome::new(s.data_dir()).host().await.unwrap() {
        Hosted::Here(guard) => TestSandbox { guard },
        Hosted::Elsewhere(_) => panic!("a fresh data folder has no host"),
    }
}

pub fn client(sb: &TestSandbox) -> DotsClient {
    let e = &sb.guard.endpoint;
    DotsClient::new(ClientConfig::new(&e.base_url(), e.client_id.clone(), e.api_key.clone()).unwrap()).unwrap()
}

/// Runs the command off the async runtime, so the sandbox keeps serving meanwhile.
pub async fn run(mut c: Command) -> Output {
    tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap()
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// Flows by `metadata.flowdesk_row`, from the sandbox's own listing (only `batch`'s when
/// given): a row counted twice is a duplicate, a row missing is lost.
pub async fn flows_per_row(c: &DotsClient, batch: Option<&str>) -> BTreeMap<u64, usize> {
    let mut out = BTreeMap::new();
    let mut params = ListParams { limit: Some(100), ..Default::default() };
    loop {
        let page = c.list_flows(&params).await.unwrap();
        for f in &page.data {
            let meta = f.metadata_value().unwrap_or_default();
            if batch.is_some_and(|b| meta["flowdesk_batch"].as_str() != Some(b)) {
                continue;
            }
            if let Some(row) = meta["flowdesk_row"].as_u64() {
                *out.entry(row).or_insert(0) += 1;
            }
        }
        if !page.has_more {
            break;
        }
        params.starting_after = page.data.last().map(|f| f.id.clone());
    }
    out
}
