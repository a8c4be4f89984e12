//! One durable local sandbox per data folder, shared by every process of one user: whoever
//! comes first hosts it, the others find it through a file.
//!
//! The folder holds (all 0600 on unix, the folder itself 0700 when created here):
//! - `sandbox.json`: `{"version": 1, "port": N|null, "client_id", "api_key"}`. The credentials are
//!   random, made once per installation; the port is remembered by the first host, so links
//!   handed out keep working across restarts.
//! - `sandbox-state.json`: the durable state (see [`crate::start`]).
//! - `sandbox.lock`: locked (`File::try_lock`) by the process hosting the sandbox, for as long
//!   as it does. The OS drops the lock when that process dies, even by `kill -9`.
//!
//! ```no_run
//! # async fn demo(dir: std::path::PathBuf) -> std::io::Result<()> {
//! use flowdesk_sandbox::home::{Hosted, SandboxHome};
//! let home = SandboxHome::new(dir);
//! let (endpoint, _guard) = match home.host().await? {
//!     Hosted::Here(guard) => (guard.endpoint.clone(), Some(guard)),
//!     Hosted::Elsewhere(endpoint) => (endpoint, None),
//! };
//! println!("Dots base URL: {}", endpoint.base_url());
//! # Ok(()) }
//! ```

use std::fs::{File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use flowdesk_files::{create_once, create_private_dir, open_private, write_atomic, OpenMode};
use serde::{Deserialize, Serialize};

use crate::{SandboxConfig, SandboxHandle};

const ENDPOINT_FILE: &str = "sandbox.json";
const STATE_FILE: &str = "sandbox-state.json";
const LOCK_FILE: &str = "sandbox.lock";

/// How long `host` waits for a host that has just taken the lock to remember its port.
const PORT_WAIT: Duration = Duration::from_secs(2);
/// The lock must be seen held this many times, `LOCK_RETRY` apart, before `host` believes
/// another process hosts the sandbox (a probe by `is_hosted` holds it for an instant).
const LOCK_TRIES: u32 = 3;
const LOCK_RETRY: Duration = Duration::from_millis(20);

/// The local sandbox of one data folder: `sandbox.json` (0600: port, client_id, api_key — a
/// random key made once per installation), `sandbox-state.json` (the durable state),
/// `sandbox.lock` (held by the process hosting it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxHome {
    dir: PathBuf,
}

/// Where a sandbox is and how to authenticate to it.
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `http://127.0.0.1:PORT`: the hosted pages and `/_sandbox` controls live here.
    pub origin: String,
    /// The HTTP Basic user.
    pub client_id: String,
    /// The HTTP Basic password. Never printed by `{:?}`.
    pub api_key: String,
}

impl Endpoint {
    /// The Dots base URL (`origin` + `/api`): request paths start with `/v2`.
    pub fn base_url(&self) -> String {
        format!("{}/api", self.origin)
    }
}

// Hand-written so the API key never reaches a log line through `{:?}`.
impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("origin", &self.origin)
            .field("client_id", &self.client_id)
            .field("api_key", &"<redacted>")
            .finish()
    }
}

/// What [`SandboxHome::host`] found.
#[derive(Debug)]
pub enum Hosted {
    /// This process hosts the sandbox until the guard is dropped (or shut down).
    Here(HostGuard),
    /// Another process hosts it; use this endpoint.
    Elsewhere(Endpoint),
}

/// The running sandbox of a home, and the lock that says this process hosts it. Dropping the
/// guard releases the lock at once (and stops the server without waiting); `shutdown` stops
/// the server, saves, and only then releases the lock.
pub struct HostGuard {
    pub sandbox: SandboxHandle,
    pub endpoint: Endpoint,
    lock: File,
}

impl HostGuard {
    /// Stops the sandbox (waiting for it, state saved), then releases the lock, so whoever
    /// hosts next can bind the same port and reads the final state.
    pub async fn shutdown(self) {
        let HostGuard { sandbox, lock, .. } = self;
        sandbox.shutdown().await;
        drop(lock);
    }
}

impl std::fmt::Debug for HostGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostGuard")
            .field("endpoint", &self.endpoint)
            .field("addr", &self.sandbox.addr())
            .finish_non_exhaustive()
    }
}

/// `sandbox.json`.
#[derive(Serialize, Deserialize)]
struct EndpointFile {
    #[serde(default = "one")]
    version: u32,
    #[serde(default)]
    port: Option<u16>,
    client_id: String,
    api_key: String,
}

fn one() -> u32 {
    1
}

impl EndpointFile {
    fn fresh() -> Self {
        EndpointFile {
            version: 1,
            port: None,
            client_id: format!("local_{}", uuid::Uuid::new_v4().simple()),
            api_key: format!("sk_local_{}", uuid::Uuid::new_v4().simple()),
        }
    }

    fn endpoint(&self, port: u16) -> Endpoint {
        Endpoint {
            origin: format!("http://127.0.0.1:{port}"),
            client_id: self.client_id.clone(),
            api_key: self.api_key.clone(),
        }
    }

    fn to_bytes(&self) -> io::Result<Vec<u8>> {
        let mut v = serde_json::to_vec_pretty(self).map_err(io::Error::other)?;
        v.push(b'\n');
        Ok(v)
    }
}

impl SandboxHome {
    /// The port a home's sandbox asks for first (when it has none remembered yet).
    pub const DEFAULT_PORT: u16 = 4010;

    pub fn new(dir: impl Into<PathBuf>) -> Self {
        SandboxHome { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `sandbox.json`: port and credentials.
    pub fn endpoint_file(&self) -> PathBuf {
        self.dir.join(ENDPOINT_FILE)
    }

    /// `sandbox-state.json`: the durable state.
    pub fn state_file(&self) -> PathBuf {
        self.dir.join(STATE_FILE)
    }

    /// `sandbox.lock`: held by the hosting process.
    pub fn lock_file(&self) -> PathBuf {
        self.dir.join(LOCK_FILE)
    }

    /// For clients: the address and credentials. Reads `sandbox.json`, creating it once
    /// (0600, atomically: of two racing creators one wins and both read its credentials) with
    /// random credentials (`local_<hex>`, `sk_local_<hex>`) and no port yet. Without a
    /// remembered port the address uses `DEFAULT_PORT`.
    pub fn endpoint(&self) -> io::Result<Endpoint> {
        let file = self.load_or_create()?;
        Ok(file.endpoint(file.port.unwrap_or(Self::DEFAULT_PORT)))
    }

    /// Hosts the sandbox in this process unless another process already does.
    ///
    /// Takes `sandbox.lock`; if another process holds it, returns `Hosted::Elsewhere` with the
    /// endpoint (waiting up to 2 s for a host that is just starting to remember its port).
    /// Otherwise binds the remembered port; with none remembered, `DEFAULT_PORT` when free,
    /// else any free port, and remembers the one it got. A remembered port that something else
    /// now uses is an `AddrInUse` error (links already handed out point at that port, so it
    /// does not silently move). The state lives in `sandbox-state.json`.
    pub async fn host(&self) -> io::Result<Hosted> {
        let started = Instant::now();
        let mut seen_held = 0;
        loop {
            if let Some(lock) = self.try_lock()? {
                return self
                    .host_locked(lock, Some(self.state_file()))
                    .await
                    .map(Hosted::Here);
            }
            seen_held += 1;
            let file = self.load_or_create()?;
            if seen_held >= LOCK_TRIES && (file.port.is_some() || started.elapsed() >= PORT_WAIT) {
                return Ok(Hosted::Elsewhere(
                    file.endpoint(file.port.unwrap_or(Self::DEFAULT_PORT)),
                ));
            }
            tokio::time::sleep(LOCK_RETRY).await;
        }
    }

    /// Whether a process hosts the sandbox now (`sandbox.lock` is held, by this process through
    /// a `HostGuard` or by another). Takes the lock for an instant to find out.
    pub fn is_hosted(&self) -> bool {
        if !self.dir.is_dir() {
            return false;
        }
        match self.try_lock() {
            Ok(Some(_free)) => false,
            Ok(None) => true,
            Err(e) => {
                tracing::debug!(error = %e, "cannot check the sandbox lock");
                false
            }
        }
    }

    /// [`SandboxHome::host`] with the state in memory only (`sandbox-state.json` is neither
    /// read nor written), for tests and benchmarks that make thousands of flows: the state
    /// file is rewritten whole after every change. Clients find it as they find the other.
    /// An error when another process hosts this home's sandbox.
    pub async fn host_in_memory(&self) -> io::Result<HostGuard> {
        match self.try_lock()? {
            Some(lock) => self.host_locked(lock, None).await,
            None => Err(io::Error::new(
                io::ErrorKind::WouldBlock,
                format!(
                    "another process hosts the sandbox of {}",
                    self.dir.display()
                ),
            )),
        }
    }

    async fn host_locked(&self, lock: File, state_file: Option<PathBuf>) -> io::Result<HostGuard> {
        // Read again under the lock: the previous host may have remembered a port meanwhile.
        let mut file = self.load_or_create()?;
        let config = |port| SandboxConfig {
            client_id: file.client_id.clone(),
            api_key: file.api_key.clone(),
            port,
            state_file: state_file.clone(),
            webhook_speedup: webhook_speedup_from_env(),
        };
        let sandbox = match file.port {
            Some(port) => crate::start(config(port)).await.map_err(|e| {
                if e.kind() == io::ErrorKind::AddrInUse {
                    io::Error::new(
                        io::ErrorKind::AddrInUse,
                        format!(
                            "the local sandbox's port {port} (remembered in {}) is used by another program; \
                             stop that program and try again, or, to move the sandbox to a new port \
                             (breaking links already handed out), delete the \"port\" entry from that file",
                            self.endpoint_file().display()
                        ),
                    )
                } else {
                    e
                }
            })?,
            None => match crate::start(config(Self::DEFAULT_PORT)).await {
                Err(e) if e.kind() == io::ErrorKind::AddrInUse => crate::start(config(0)).await?,
                other => other?,
            },
        };
        let port = sandbox.addr().port();
        if file.port != Some(port) {
            file.port = Some(port);
            let bytes = file.to_bytes()?;
            let path = self.endpoint_file();
            if let Err(e) = write_atomic(&path, &bytes) {
                sandbox.shutdown().await;
                return Err(e);
            }
        }
        let endpoint = file.endpoint(port);
        tracing::info!(origin = %endpoint.origin, dir = %self.dir.display(), "hosting the local sandbox");
        Ok(HostGuard {
            sandbox,
            endpoint,
            lock,
        })
    }

    /// The lock file, locked, or `None` when another open file holds it.
    fn try_lock(&self) -> io::Result<Option<File>> {
        create_private_dir(&self.dir)?;
        let path = self.lock_file();
        let f = open_private(&path, OpenMode::ReadWrite)?;
        match f.try_lock() {
            Ok(()) => Ok(Some(f)),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(io::Error::new(
                e.kind(),
                format!("cannot lock {}: {e}", path.display()),
            )),
        }
    }

    fn read_file(&self) -> io::Result<Option<EndpointFile>> {
        let path = self.endpoint_file();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(io::Error::new(
                    e.kind(),
                    format!("cannot read {}: {e}", path.display()),
                ))
            }
        };
        let invalid = |why: String| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{} is not a valid sandbox endpoint file ({why}); delete it to make new credentials",
                    path.display()
                ),
            )
        };
        let file: EndpointFile =
            serde_json::from_slice(&bytes).map_err(|e| invalid(e.to_string()))?;
        if file.version != 1 {
            return Err(invalid(format!("unknown version {}", file.version)));
        }
        if file.client_id.is_empty() || file.api_key.is_empty() {
            return Err(invalid("empty credentials".into()));
        }
        Ok(Some(file))
    }

    fn load_or_create(&self) -> io::Result<EndpointFile> {
        if let Some(f) = self.read_file()? {
            return Ok(f);
        }
        create_private_dir(&self.dir)?;
        create_once(&self.endpoint_file(), &EndpointFile::fresh().to_bytes()?)?;
        // Whoever won the race to create it, its credentials are the ones on disk.
        self.read_file()?.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "{} vanished after it was created",
                    self.endpoint_file().display()
                ),
            )
        })
    }
}

/// `FLOWDESK_WEBHOOK_SPEEDUP=N` divides Svix's retry delays by N in the sandbox a data folder
/// hosts: for tests of retries through the app or the CLI. Anything else means real time.
pub fn webhook_speedup_from_env() -> u32 {
    std::env::var("FLOWDESK_WEBHOOK_SPEEDUP")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|n| *n >= 1)
        .unwrap_or(1)
}
