use std::fs;
use std::path::Path;
use std::sync::{Arc, Barrier};

use super::*;

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_data_folder_is_named_by_the_identifier() {
    if let Some(dir) = default_data_dir() {
        assert!(dir.ends_with(APP_IDENTIFIER));
        assert_eq!(dir.parent(), dirs::data_dir().as_deref());
    }
}

#[cfg(unix)]
#[test]
fn files_are_0600_and_folders_0700() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("a/b");
    create_private_dir(&dir).unwrap();
    assert_eq!((mode(&root.path().join("a")), mode(&dir)), (0o700, 0o700));

    let nested = root.path().join("new/file.json");
    write_atomic(&nested, b"{}").unwrap();
    assert_eq!((mode(nested.parent().unwrap()), mode(&nested)), (0o700, 0o600));

    assert!(create_once(&dir.join("once"), b"x").unwrap());
    assert_eq!(mode(&dir.join("once")), 0o600);
    for (name, how) in [("new", OpenMode::CreateNew), ("log", OpenMode::Append), ("lock", OpenMode::ReadWrite)] {
        open_private(&dir.join(name), how).unwrap();
        assert_eq!(mode(&dir.join(name)), 0o600, "{name}");
    }
    let tmp = write_temp(&dir.join("two-step"), b"x").unwrap();
    assert_eq!(mode(&tmp), 0o600);
}

#[test]
fn a_replace_leaves_only_the_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    write_atomic(&path, b"old").unwrap();
    // The two steps: the temp file waits beside the target, named for sweeping.
    let tmp = write_temp(&path, b"new").unwrap();
    assert_eq!(tmp.parent(), Some(dir.path()));
    let name = tmp.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with(".settings.json.tmp-") && name.starts_with(&temp_prefix(&path).unwrap()), "{name}");
    assert_eq!(fs::read(&path).unwrap(), b"old", "nothing replaced before the commit");
    commit(&tmp, &path).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"new");
    write_atomic(&path, b"newer").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"newer");
    assert_eq!(names(dir.path()), ["settings.json"], "no temp file left behind");
}

#[test]
fn create_once_never_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.json");
    assert!(create_once(&path, b"first").unwrap());
    assert!(!create_once(&path, b"second").unwrap());
    assert_eq!(fs::read(&path).unwrap(), b"first");
    assert_eq!(names(dir.path()), ["sandbox.json"], "no temp file left behind");
}

#[test]
fn of_two_racing_creators_exactly_one_wins() {
    for _ in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let path = Arc::new(dir.path().join("once.json"));
        let start = Arc::new(Barrier::new(2));
        let racers: Vec<_> = [b"one", b"two"]
            .into_iter()
            .map(|bytes| {
                let (path, start) = (Arc::clone(&path), Arc::clone(&start));
                std::thread::spawn(move || {
                    start.wait();
                    (create_once(&path, bytes).unwrap(), bytes)
                })
            })
            .collect();
        let results: Vec<_> = racers.into_iter().map(|r| r.join().unwrap()).collect();
        let winners: Vec<_> = results.iter().filter(|(won, _)| *won).collect();
        assert_eq!(winners.len(), 1, "{results:?}");
        assert_eq!(fs::read(&*path).unwrap(), winners[0].1);
        assert_eq!(names(dir.path()), ["once.json"]);
    }
}

#[test]
fn errors_name_the_path_and_the_action() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain");
    fs::write(&file, b"").unwrap();
    // A file where a folder should be.
    let e = write_atomic(&file.join("x.json"), b"").unwrap_err();
    assert!(e.to_string().starts_with(&format!("cannot create the folder {}", file.display())), "{e}");
    let e = open_private(&file, OpenMode::CreateNew).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
    assert!(e.to_string().starts_with(&format!("cannot open {}: ", file.display())), "{e}");
    let e = commit(&dir.path().join("gone"), &dir.path().join("target")).unwrap_err();
    assert!(e.to_string().contains("cannot replace"), "{e}");
    assert!(write_atomic(Path::new("/"), b"").is_err(), "not a file path");
    // Only write_atomic makes a missing folder: the two steps and create_once never do.
    let missing = dir.path().join("missing/x");
    assert!(write_temp(&missing, b"").is_err() && create_once(&missing, b"").is_err());
    assert!(!missing.parent().unwrap().exists());
}
