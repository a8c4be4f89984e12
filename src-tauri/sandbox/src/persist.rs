//! Durable state: the whole store as one versioned JSON file, replaced crash-safely (temp file
//! in the same folder, fsync, rename over, fsync the folder) after every change and before the
//! reply that reports the change is sent. Faults and request counts are not saved.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use flowdesk_files::{commit, write_temp};
use serde::{Deserialize, Serialize};

use crate::ledger::Ledger;
use crate::model::{FlowRecord, Store, Table, User};
use crate::server::lock;

/// The state file format this build writes and reads.
pub const STATE_VERSION: u32 = 1;

#[derive(Serialize)]
struct StateRef<'a> {
    version: u32,
    flows: &'a [FlowRecord],
    users: &'a Table<User>,
    ledger: &'a Ledger,
}

#[derive(Deserialize)]
struct StateOwned {
    flows: Vec<FlowRecord>,
    users: Table<User>,
    ledger: Ledger,
}

#[derive(Deserialize)]
struct VersionOnly {
    version: u32,
}

/// `{"version": 1, "flows": [...], "users": [...], "ledger": {...}}`.
pub(crate) fn encode(store: &Store) -> io::Result<Vec<u8>> {
    serde_json::to_vec(&StateRef {
        version: STATE_VERSION,
        flows: store.flows_oldest_first(),
        users: &store.users,
        ledger: &store.ledger,
    })
    .map_err(|e| io::Error::other(format!("cannot encode the sandbox state: {e}")))
}

#[derive(Debug)]
pub(crate) enum DecodeError {
    /// Not a state file this build can make sense of (truncated, garbled, wrong shape).
    Corrupt(String),
    /// A well-formed file from a newer build: never set aside or overwritten.
    Unsupported(u32),
}

pub(crate) fn decode(bytes: &[u8]) -> Result<Store, DecodeError> {
    let corrupt = |e: serde_json::Error| DecodeError::Corrupt(e.to_string());
    let version = serde_json::from_slice::<VersionOnly>(bytes)
        .map_err(corrupt)?
        .version;
    if version > STATE_VERSION {
        return Err(DecodeError::Unsupported(version));
    }
    if version != STATE_VERSION {
        return Err(DecodeError::Corrupt(format!("unknown version {version}")));
    }
    let s: StateOwned = serde_json::from_slice(bytes).map_err(corrupt)?;
    Store::from_parts(s.flows, s.users, s.ledger).map_err(DecodeError::Corrupt)
}

/// Loads the state file (an empty store when there is none) and writes it straight back, so a
/// folder that cannot be written fails now rather than on the first change. A file that cannot
/// be parsed is renamed to `<name>.corrupt-<unix secs>` and the store starts empty; the second
/// value is then a one-line notice saying so.
pub(crate) fn open(path: &Path) -> io::Result<(Store, Option<String>)> {
    let (store, notice) = match fs::read(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => (Store::default(), None),
        Err(e) => {
            return Err(io::Error::new(
                e.kind(),
                format!("cannot read the sandbox state file {}: {e}", path.display()),
            ))
        }
        Ok(bytes) => match decode(&bytes) {
            Ok(store) => (store, None),
            Err(DecodeError::Unsupported(v)) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "the sandbox state file {} has format version {v}, newer than this \
                         build reads ({STATE_VERSION}); use a newer flowdesk-sandbox or move the file away",
                        path.display()
                    ),
                ))
            }
            Err(DecodeError::Corrupt(why)) => {
                let aside = set_aside(path)?;
                let why = why.replace(['\n', '\r'], " ");
                let notice = format!(
                    "The sandbox state file {} could not be read ({why}); it was moved to {} and the sandbox started empty.",
                    path.display(),
                    aside.display()
                );
                (Store::default(), Some(notice))
            }
        },
    };
    save_file(path, &encode(&store)?)?;
    Ok((store, notice))
}

/// Renames a corrupt file to `<name>.corrupt-<unix secs>` (with `-2`, `-3`... if taken).
fn set_aside(path: &Path) -> io::Result<PathBuf> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let name = file_name(path)?;
    let mut n = 1u32;
    loop {
        let suffix = if n == 1 {
            format!(".corrupt-{secs}")
        } else {
            format!(".corrupt-{secs}-{n}")
        };
        let aside = path.with_file_name(format!("{name}{suffix}"));
        if !aside.exists() {
            fs::rename(path, &aside).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!(
                        "the sandbox state file {} is corrupt and cannot be moved aside: {e}",
                        path.display()
                    ),
                )
            })?;
            return Ok(aside);
        }
        n += 1;
    }
}

fn file_name(path: &Path) -> io::Result<String> {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} is not a file path", path.display()),
            )
        })
}

/// Replaces the state file crash-safely (0600). Unlike `flowdesk_files::write_atomic` it never
/// creates the folder: a folder deleted under a running sandbox makes saves fail (500s), rather
/// than quietly bringing the state back where someone removed it.
fn save_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    commit(&write_temp(path, bytes)?, path)
}

/// Group commit for one state file. Every change bumps `generation`; a writer saves everything
/// up to the generation it read, so a writer that finds its own change already saved returns at
/// once, and concurrent changes share one write.
pub(crate) struct Durable {
    path: PathBuf,
    generation: AtomicU64,
    /// The persist mutex: what has been saved, and whether the sandbox has shut down.
    saved: Mutex<Saved>,
}

struct Saved {
    generation: u64,
    closed: bool,
}

impl Durable {
    pub fn new(path: PathBuf) -> Self {
        Durable {
            path,
            generation: AtomicU64::new(0),
            saved: Mutex::new(Saved {
                generation: 0,
                closed: false,
            }),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Call after a change to the store: the generation to save up to.
    pub fn changed(&self) -> u64 {
        self.generation.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Blocks until everything up to `generation` is on disk (written here or by another writer).
    pub fn save_upto(&self, generation: u64, store: &Mutex<Store>) -> io::Result<()> {
        let mut saved = lock(&self.saved);
        if saved.generation >= generation {
            return Ok(());
        }
        if saved.closed {
            return Err(io::Error::other("the sandbox has shut down"));
        }
        self.write(&mut saved, store)
    }

    /// Saves whatever is unsaved, then refuses further saves (for shutdown, so no late writer
    /// can replace the file after another process took it over).
    pub fn close(&self, store: &Mutex<Store>) -> io::Result<()> {
        let mut saved = lock(&self.saved);
        if saved.closed {
            return Ok(());
        }
        let result = if self.generation.load(Ordering::SeqCst) > saved.generation {
            self.write(&mut saved, store)
        } else {
            Ok(())
        };
        saved.closed = true;
        result
    }

    fn write(&self, saved: &mut Saved, store: &Mutex<Store>) -> io::Result<()> {
        // Every change counted up to `now` happened before its count, so the snapshot taken
        // after reading `now` holds all of them (and maybe later ones, saved again later).
        let now = self.generation.load(Ordering::SeqCst);
        let bytes = encode(&lock(store))?;
        save_file(&self.path, &bytes)?;
        saved.generation = now;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NewFlow, StepName, StepSpec};

    fn sample() -> Store {
        let mut s = Store::default();
        s.insert(NewFlow {
            steps: vec![StepSpec::plain(StepName::IdVerification)],
            user_id: None,
            require_auth: true,
            hide_go_to_dashboard_on_complete: false,
            metadata: serde_json::json!({"k": "v"}),
        });
        s.users.insert(User::blank(uuid::Uuid::new_v4()));
        s.ledger.app_balance = 42;
        s
    }

    #[test]
    fn writers_coalesce_and_nothing_is_saved_after_close() {
        let dir = std::env::temp_dir().join(format!("flowdesk-persist-{}", uuid::Uuid::new_v4()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        let store = Mutex::new(sample());
        let d = Durable::new(path.clone());
        let (g1, g2) = (d.changed(), d.changed());
        d.save_upto(g1, &store).unwrap();
        // The first write covered both changes: the second writer does not write again.
        fs::remove_file(&path).unwrap();
        d.save_upto(g2, &store).unwrap();
        assert!(!path.exists());
        let g3 = d.changed();
        d.close(&store).unwrap();
        assert_eq!(decode(&fs::read(&path).unwrap()).unwrap().len(), 1);
        d.save_upto(g3, &store).unwrap();
        let g4 = d.changed();
        assert!(d.save_upto(g4, &store).is_err(), "closed");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn round_trip_and_versions() {
        let s = sample();
        let bytes = encode(&s).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["version"], 1);
        assert_eq!(v["flows"][0]["steps"][0]["name"], "id-verification");
        let back = decode(&bytes).unwrap();
        assert_eq!(encode(&back).unwrap(), bytes);
        assert_eq!(back.len(), 1);
        assert_eq!(back.ledger.app_balance, 42);

        let mut newer = v.clone();
        newer["version"] = 2.into();
        assert!(matches!(
            decode(&serde_json::to_vec(&newer).unwrap()),
            Err(DecodeError::Unsupported(2))
        ));
        for bad in [
            &b""[..],
            b"{",
            b"[]",
            b"{\"version\":1}",
            b"{\"version\":0}",
        ] {
            assert!(
                matches!(decode(bad), Err(DecodeError::Corrupt(_))),
                "{bad:?}"
            );
        }
        let mut dup = v;
        let flow = dup["flows"][0].clone();
        dup["flows"].as_array_mut().unwrap().push(flow);
        assert!(matches!(
            decode(&serde_json::to_vec(&dup).unwrap()),
            Err(DecodeError::Corrupt(m)) if m.contains("twice")
        ));
    }
}
