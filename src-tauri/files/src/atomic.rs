//! Crash-safe writes: the new content goes to a temp file beside the target (0600, synced),
//! which is then renamed (or linked) into place and the folder synced. A crash at any point
//! leaves the old file or the new one, never part of either.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::TempPath;

use crate::{context, create_private_dir, folder_of};

/// `.<file name>.tmp-`: every temp file for `path` starts with this, so a caller can sweep
/// the ones a crash left behind.
pub fn temp_prefix(path: &Path) -> io::Result<String> {
    match path.file_name() {
        Some(name) => Ok(format!(".{}.tmp-", name.to_string_lossy())),
        None => Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{} is not a file path", path.display()))),
    }
}

/// A temp file beside `path` holding `bytes`, flushed to disk, that deletes itself if
/// dropped. A missing folder is an error here: see [`write_atomic`].
fn staged(path: &Path, bytes: &[u8]) -> io::Result<TempPath> {
    let prefix = temp_prefix(path)?;
    let dir = folder_of(path);
    // tempfile makes it 0600 on unix and with a random name, so racing writers never meet.
    let mut file = tempfile::Builder::new()
        .prefix(&prefix)
        .tempfile_in(dir)
        .map_err(|e| context(e, "create a temporary file in", dir))?;
    let written = file.write_all(bytes).and_then(|()| file.as_file().sync_all());
    written.map_err(|e| context(e, "write", file.path()))?;
    Ok(file.into_temp_path())
}

/// Step one of a two-step replace: a synced 0600 temp file beside `path`, named
/// `.<file name>.tmp-<random>`, that stays until [`commit`] renames it (or a sweep removes it).
pub fn write_temp(path: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    let tmp = staged(path, bytes)?;
    let kept = tmp.keep().map_err(|e| context(e.error, "keep", &e.path))?;
    Ok(kept)
}

/// Step two: renames `tmp` over `path` (removing `tmp` if that fails), then syncs the folder
/// so the rename itself survives a power cut.
pub fn commit(tmp: &Path, path: &Path) -> io::Result<()> {
    if let Err(e) = std::fs::rename(tmp, path) {
        let _ = std::fs::remove_file(tmp);
        return Err(context(e, "replace", path));
    }
    sync_dir(folder_of(path))
}

/// Replaces `path` with `bytes` atomically ([`write_temp`] then [`commit`]). The file is 0600
/// on unix; a missing folder is created 0700. (Only here: a caller that must notice its
/// folder vanished uses the two steps.)
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    create_private_dir(folder_of(path))?;
    commit(&write_temp(path, bytes)?, path)
}

/// Creates `path` holding `bytes` unless it exists, atomically: readers never see a partial
/// file and of two racing creators exactly one wins. `Ok(false)` when it was already there.
pub fn create_once(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    let tmp = staged(path, bytes)?;
    // Never replaces an existing file (rename-no-replace, or a hard link, then unlink).
    match tmp.persist_noclobber(path) {
        Ok(()) => {}
        Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
        // A file system with neither: check, then rename (a narrow race only there).
        Err(_) if path.exists() => return Ok(false),
        Err(e) => e.path.persist(path).map_err(|e| context(e.error, "create", path))?,
    }
    sync_dir(folder_of(path))?;
    Ok(true)
}

/// Makes a rename or a new file in `dir` durable (a no-op off unix, where folders cannot be
/// opened for syncing).
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(|e| context(e, "sync the folder", dir))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
