//! Folders the core makes are private to the user (0700 on Unix).

use std::path::Path;

use crate::error::{CoreError, CoreResult};

pub(crate) fn create_private_dir(dir: &Path) -> CoreResult<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| CoreError::internal(format!("{}: {e}", dir.display())))
}
