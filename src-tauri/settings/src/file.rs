//! Reading and writing the settings file. A bad file is never silently replaced: it is
//! set aside under a new name and the user is told where. Writes are atomic.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::SettingsError;
use crate::settings::Settings;

pub const FILE_NAME: &str = "settings.json";
const STALE_TEMP_SECS: u64 = 600;

/// The settings file on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsFile {
    path: PathBuf,
}

/// What [`SettingsFile::load`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub settings: Settings,
    /// Set once, when the old file could not be used and was moved aside: show it to the user.
    pub notice: Option<String>,
}

impl SettingsFile {
    /// `<data dir>/com.flowdesk.desk/settings.json`: the same folder as Tauri's
    /// `app_data_dir()` for this identifier (Linux `~/.local/share`, macOS
    /// `~/Library/Application Support`, Windows `%APPDATA%`).
    pub fn default_path() -> Result<PathBuf, SettingsError> {
        Ok(flowdesk_files::default_data_dir().ok_or(SettingsError::NoDataDir)?.join(FILE_NAME))
    }

    pub fn open_default() -> Result<SettingsFile, SettingsError> {
        Ok(SettingsFile::at(SettingsFile::default_path()?))
    }

    pub fn at(path: impl Into<PathBuf>) -> SettingsFile {
        SettingsFile { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Missing file: defaults. A file that cannot be read, parsed or validated is renamed
    /// to `settings.json.corrupt-<unix seconds>` and defaults come back with a notice.
    /// Errs only when such a file could not even be moved aside (so a later save would
    /// destroy it).
    pub fn load(&self) -> Result<Loaded, SettingsError> {
        let problem = match fs::read(&self.path) {
            Ok(bytes) => match parse(&bytes) {
                Ok(settings) => return Ok(Loaded { settings, notice: None }),
                Err(e) => e,
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Loaded { settings: Settings::default(), notice: None })
            }
            Err(e) => format!("it could not be read: {e}"),
        };
        let aside = self.set_aside()?;
        tracing::warn!(path = %self.path.display(), moved_to = %aside.display(), %problem, "settings file set aside");
        let notice = format!(
            "Your settings file could not be used ({problem}). It was kept as {} and Flow Desk started with default settings.",
            aside.display()
        );
        Ok(Loaded { settings: Settings::default(), notice: Some(notice) })
    }

    /// Validates, then writes atomically: a temp file in the same folder, flushed to disk,
    /// renamed over the old one. A crash at any point leaves the old file or the new one.
    pub fn save(&self, settings: &Settings) -> Result<(), SettingsError> {
        settings.validate()?;
        let tmp = self.write_temp(settings)?;
        self.commit(&tmp)?;
        self.sweep_stale_temps();
        Ok(())
    }

    /// Step one of a save: the temp file (0600, in a folder created 0700 if missing), fully
    /// written and synced.
    pub(crate) fn write_temp(&self, settings: &Settings) -> Result<PathBuf, SettingsError> {
        let mut bytes = serde_json::to_vec_pretty(settings).expect("settings serialise");
        bytes.push(b'\n');
        let dir = flowdesk_files::folder_of(&self.path);
        flowdesk_files::create_private_dir(dir).map_err(|e| io("create", dir, e))?;
        flowdesk_files::write_temp(&self.path, &bytes).map_err(|e| io("write", &self.path, e))
    }

    /// Step two: the rename that makes the new content the file, then a sync of the folder
    /// so the rename itself survives a power cut.
    pub(crate) fn commit(&self, tmp: &Path) -> Result<(), SettingsError> {
        flowdesk_files::commit(tmp, &self.path).map_err(|e| io("replace", &self.path, e))?;
        tracing::debug!(path = %self.path.display(), "settings saved");
        Ok(())
    }

    /// Temp files a crashed save left. Only old ones: a young one may be another
    /// process's save (the app's and a CLI's) about to be renamed.
    fn sweep_stale_temps(&self) {
        let Ok(prefix) = flowdesk_files::temp_prefix(&self.path) else { return };
        let Ok(entries) = fs::read_dir(flowdesk_files::folder_of(&self.path)) else { return };
        for entry in entries.flatten() {
            let stale = entry.file_name().to_string_lossy().starts_with(&prefix)
                && entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t.elapsed().is_ok_and(|age| age.as_secs() > STALE_TEMP_SECS));
            if stale {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    fn set_aside(&self) -> Result<PathBuf, SettingsError> {
        let ts = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let mut aside = self.path.with_file_name(format!("{}.corrupt-{ts}", self.file_name()));
        // Never overwrite an earlier set-aside file.
        let mut n = 1;
        while aside.symlink_metadata().is_ok() {
            aside = self.path.with_file_name(format!("{}.corrupt-{ts}-{n}", self.file_name()));
            n += 1;
        }
        fs::rename(&self.path, &aside).map_err(|e| io("move aside the unreadable settings file", &self.path, e))?;
        Ok(aside)
    }

    fn file_name(&self) -> String {
        self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| FILE_NAME.into())
    }
}

/// Bytes → valid settings, or why not (the reason never quotes the file's content).
fn parse(bytes: &[u8]) -> Result<Settings, String> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| format!("not valid JSON: {e}"))?;
    if !value.is_object() {
        return Err("it is not a JSON object".into());
    }
    let mut settings: Settings = serde_json::from_value(value).map_err(|e| where_only(&e))?;
    settings.ensure_builtins();
    settings.validate().map_err(|e| e.to_string())?;
    Ok(settings)
}

/// serde's message quotes the offending value (which could be a key pasted into the wrong
/// field); say only what kind of problem it is.
fn where_only(e: &serde_json::Error) -> String {
    match e.classify() {
        serde_json::error::Category::Data => "a value has the wrong type or an unknown shape".into(),
        _ => "unexpected content".into(),
    }
}

fn io(action: &'static str, path: &Path, source: std::io::Error) -> SettingsError {
    SettingsError::Io { action, path: path.to_path_buf(), source }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environment::{NewEnvironment, SANDBOX};

    fn corrupt_files(dir: &Path) -> Vec<PathBuf> {
        let mut v: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("settings.json.corrupt-"))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn missing_file_gives_defaults_and_save_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::at(dir.path().join("sub/settings.json"));
        let loaded = file.load().unwrap();
        assert_eq!(loaded, Loaded { settings: Settings::default(), notice: None });
        let mut s = loaded.settings;
        s.add_environment(NewEnvironment {
            name: "Dev".into(),
            base_url: "http://127.0.0.1:4010/api".into(),
            ..Default::default()
        })
        .unwrap();
        s.set_active("dev").unwrap();
        s.set_client_id(SANDBOX, Some("cid")).unwrap();
        file.save(&s).unwrap();
        assert_eq!(file.load().unwrap(), Loaded { settings: s, notice: None });
    }

    #[test]
    fn the_file_is_a_top_level_key_value_object() {
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::at(dir.path().join("settings.json"));
        file.save(&Settings::default()).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&fs::read(file.path()).unwrap()).unwrap();
        let obj = v.as_object().unwrap();
        for key in ["environments", "active_environment", "poll_interval_secs", "email_template", "extra_ca_path"] {
            assert!(obj.contains_key(key), "{key}");
        }
        assert_eq!(obj["active_environment"], "local");
        assert_eq!(obj["environments"][1]["base_url"], "https://pls.senddotssandbox.com/api");
    }

    #[test]
    fn unknown_keys_survive_a_save_and_missing_keys_default() {
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::at(dir.path().join("settings.json"));
        fs::write(
            file.path(),
            r#"{"theme": "dark", "poll_interval_secs": 9,
                "environments": [{"id": "sandbox", "name": "Sandbox", "base_url": "https://pls.senddotssandbox.com/api", "color": "red"}]}"#,
        )
        .unwrap();
        let loaded = file.load().unwrap();
        assert_eq!(loaded.notice, None);
        let s = loaded.settings;
        assert_eq!(s.poll_interval_secs(), 9);
        assert_eq!(s.active_environment(), "local");
        assert_eq!(s.environments().len(), 3, "built-ins put back");
        file.save(&s).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&fs::read(file.path()).unwrap()).unwrap();
        assert_eq!(v["theme"], "dark");
        let sandbox = v["environments"].as_array().unwrap().iter().find(|e| e["id"] == "sandbox").unwrap();
        assert_eq!(sandbox["color"], "red");
    }

    #[test]
    fn corrupt_file_is_set_aside_with_a_notice() {
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::at(dir.path().join("settings.json"));
        for (i, bad) in [
            &b"{\"environments\": [tru"[..],
            b"[1, 2]",
            br#"{"active_environment": "gone"}"#,
            br#"{"poll_interval_secs": "x"}"#,
            b"\xff\xfe",
        ]
        .into_iter()
        .enumerate()
        {
            fs::write(file.path(), bad).unwrap();
            let loaded = file.load().unwrap();
            assert_eq!(loaded.settings, Settings::default());
            let notice = loaded.notice.expect("a notice");
            let aside = corrupt_files(dir.path());
            assert_eq!(aside.len(), i + 1, "each bad file is kept, none overwritten");
            assert!(!file.path().exists());
            let newest = aside
                .iter()
                .find(|p| notice.contains(&format!("kept as {} and", p.display())))
                .expect("notice names the file");
            assert_eq!(fs::read(newest).unwrap(), bad, "the old bytes are kept as they were");
            // One-time: the next load finds no file and says nothing.
            assert_eq!(file.load().unwrap().notice, None);
        }
    }

    #[test]
    fn a_crash_before_the_rename_leaves_the_old_settings() {
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::at(dir.path().join("settings.json"));
        let mut old = Settings::default();
        old.set_poll_interval(42).unwrap();
        file.save(&old).unwrap();

        let mut new = old.clone();
        new.set_poll_interval(7).unwrap();
        let tmp = file.write_temp(&new).unwrap(); // …and the process dies here.
        assert!(tmp.exists() && tmp.parent() == file.path().parent());
        assert_eq!(file.load().unwrap(), Loaded { settings: old.clone(), notice: None });

        // A temp file cut short by the crash is no better than one fully written.
        let bytes = fs::read(&tmp).unwrap();
        fs::write(&tmp, &bytes[..bytes.len() / 2]).unwrap();
        assert_eq!(file.load().unwrap().settings, old);

        // The next save works as usual and sweeps the dead process's temp file once it is old.
        let an_hour_ago = SystemTime::now() - std::time::Duration::from_secs(3600);
        fs::File::options().write(true).open(&tmp).unwrap().set_modified(an_hour_ago).unwrap();
        file.save(&new).unwrap();
        assert_eq!(file.load().unwrap().settings, new);
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers, ["settings.json"], "no temp file left behind");
    }

    #[test]
    fn invalid_settings_are_never_written() {
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::at(dir.path().join("settings.json"));
        let s = Settings { poll_interval_secs: 0, ..Default::default() };
        assert!(file.save(&s).is_err());
        assert!(!file.path().exists());
    }

    #[test]
    fn default_path_is_tauris_app_data_dir() {
        let p = SettingsFile::default_path().unwrap();
        assert!(p.ends_with("com.flowdesk.desk/settings.json"));
        assert_eq!(p.parent().unwrap().parent().unwrap(), dirs::data_dir().unwrap());
    }
}
