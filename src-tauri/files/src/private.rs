//! Files and folders only their owner can read: 0600 files, 0700 folders on unix (elsewhere
//! the platform's defaults, which are per-user already).

use std::fs::{DirBuilder, File, OpenOptions};
use std::io;
use std::path::Path;

use crate::context;

/// How [`open_private`] opens a file. Each creates the file when it is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// A new file for writing; an existing one is an `AlreadyExists` error.
    CreateNew,
    /// Appends (O_APPEND), for logs written a line at a time.
    Append,
    /// Reads and writes without truncating, for lock files.
    ReadWrite,
}

/// Opens `path` as `mode` says; a file it creates is 0600 on unix. An existing file keeps
/// its mode.
pub fn open_private(path: &Path, mode: OpenMode) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    match mode {
        OpenMode::CreateNew => opts.write(true).create_new(true),
        OpenMode::Append => opts.append(true).create(true),
        OpenMode::ReadWrite => opts.read(true).write(true).create(true).truncate(false),
    };
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path).map_err(|e| context(e, "open", path))
}

/// Creates `dir` and any missing parents, 0700 on unix. A folder that exists already is
/// left as it is (its mode included): it may be shared on purpose.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| context(e, "create the folder", dir))
}

/// The folder `path` is in: `.` for a bare file name, since `Path::parent` gives `""` then.
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Whether an append-only file ends with a newline (or is empty or absent). A line a killed
/// process left half written does not, and the next append first closes it off.
pub fn ends_with_newline(path: &Path) -> io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(true),
        Err(e) => return Err(e),
    };
    if f.metadata()?.len() == 0 {
        return Ok(true);
    }
    f.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    f.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}
