//! Named step templates in `templates.json`, beside the settings file. Writes are atomic;
//! an unreadable file is set aside (never overwritten) and the user told where.
//! A template has no field that could hold a secret: names, steps and flow options only.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use flowdesk_dots::{FlowRequest, Metadata, Step};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::error::{io, HistoryError, Result};

pub const FILE_NAME: &str = "templates.json";
/// The format marker of the file and of exports.
pub const FORMAT_KEY: &str = "flowdesk_templates";
pub const FORMAT_VERSION: u64 = 1;
pub const MAX_NAME_CHARS: usize = 80;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Template {
    pub name: String,
    pub steps: Vec<Step>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub require_auth: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub hide_go_to_dashboard_on_complete: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub metadata: Option<Metadata>,
}

impl Template {
    /// The flow request this template starts (no user id: that is per flow).
    pub fn to_request(&self) -> FlowRequest {
        FlowRequest {
            steps: self.steps.clone(),
            user_id: None,
            require_auth: self.require_auth,
            hide_go_to_dashboard_on_complete: self.hide_go_to_dashboard_on_complete,
            metadata: self.metadata.clone(),
        }
    }

    /// Why this template cannot make a valid flow, if it cannot. The rule that "require
    /// sign-in needs a user id" is left out: the user id is given when the flow is created.
    pub fn problems(&self) -> Vec<String> {
        flowdesk_dots::validate(&self.to_request())
            .into_iter()
            .filter(|v| v.field != "require_auth")
            .map(|v| v.message)
            .collect()
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub added: Vec<String>,
    pub replaced: Vec<String>,
    /// (name, or `#n` when it had none; why it was skipped)
    pub skipped: Vec<(String, String)>,
}

#[derive(Serialize)]
struct FileOut<'a> {
    flowdesk_templates: u64,
    templates: Vec<&'a Template>,
}

#[derive(Debug)]
pub struct Templates {
    path: PathBuf,
    /// Sorted by name, case-insensitively.
    items: Vec<Template>,
}

impl Templates {
    /// `<data dir>/com.flowdesk.desk/templates.json`.
    pub fn default_path() -> Result<PathBuf> {
        crate::data_file(FILE_NAME)
    }

    /// Missing file: no templates. A file that cannot be used is renamed to
    /// `templates.json.corrupt-<unix seconds>` and a notice says so.
    pub fn open(path: impl Into<PathBuf>) -> Result<(Templates, Option<String>)> {
        let path = path.into();
        let problem = match fs::read(&path) {
            Ok(bytes) => match parse_file(&bytes) {
                Ok(items) => {
                    let mut t = Templates { path, items };
                    t.sort();
                    return Ok((t, None));
                }
                Err(e) => e,
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Templates { path, items: Vec::new() }, None)),
            Err(e) => format!("it could not be read: {e}"),
        };
        let aside = set_aside(&path)?;
        tracing::warn!(path = %path.display(), moved_to = %aside.display(), %problem, "templates file set aside");
        let notice = format!(
            "Your templates file could not be used ({problem}). It was kept as {} and Flow Desk started with no templates.",
            aside.display()
        );
        Ok((Templates { path, items: Vec::new() }, Some(notice)))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn list(&self) -> &[Template] {
        &self.items
    }

    pub fn get(&self, name: &str) -> Option<&Template> {
        let name = name.trim();
        self.items.iter().find(|t| t.name == name)
    }

    /// Saves (overwriting one of the same name). The name is trimmed and must be 1..=80
    /// characters; the steps must make a valid flow.
    pub fn save(&mut self, mut template: Template) -> Result<()> {
        template.name = check_name(&template.name)?;
        let problems = template.problems();
        if !problems.is_empty() {
            return Err(HistoryError::Invalid(format!(
                "Template \"{}\" cannot make a valid flow: {}",
                template.name,
                problems.join(" ")
            )));
        }
        let mut items = self.items.clone();
        upsert(&mut items, template);
        self.commit(items)
    }

    pub fn rename(&mut self, old: &str, new: &str) -> Result<()> {
        let old = old.trim();
        let new = check_name(new)?;
        let Some(i) = self.items.iter().position(|t| t.name == old) else {
            return Err(HistoryError::NotFound(old.to_string()));
        };
        if new == old {
            return Ok(());
        }
        if self.items.iter().any(|t| t.name == new) {
            return Err(HistoryError::Conflict(new));
        }
        let mut items = self.items.clone();
        items[i].name = new;
        self.commit(items)
    }

    pub fn delete(&mut self, name: &str) -> Result<()> {
        let name = name.trim();
        if self.get(name).is_none() {
            return Err(HistoryError::NotFound(name.to_string()));
        }
        let items = self.items.iter().filter(|t| t.name != name).cloned().collect();
        self.commit(items)
    }

    /// `{"flowdesk_templates": 1, "templates": [...]}` with the named templates (all when
    /// `None`). A name that does not exist is an error, so an export is never silently short.
    pub fn export(&self, names: Option<&[String]>) -> Result<String> {
        let chosen: Vec<&Template> = match names {
            None => self.items.iter().collect(),
            Some(names) => names
                .iter()
                .map(|n| self.get(n).ok_or_else(|| HistoryError::NotFound(n.trim().to_string())))
                .collect::<Result<_>>()?,
        };
        Ok(serde_json::to_string_pretty(&FileOut { flowdesk_templates: FORMAT_VERSION, templates: chosen })
            .expect("templates serialise"))
    }

    /// Adds or replaces each usable template; the others are skipped with the reason.
    /// Unknown fields are ignored. Input that is not an export at all is an error.
    pub fn import(&mut self, json: &str) -> Result<ImportReport> {
        let raw = export_entries(json.as_bytes()).map_err(HistoryError::BadImport)?;
        let mut report = ImportReport::default();
        let mut items = self.items.clone();
        for (i, value) in raw.into_iter().enumerate() {
            let label = value
                .get("name")
                .and_then(Value::as_str)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| format!("#{}", i + 1));
            let mut t: Template = match serde_json::from_value(value) {
                Ok(t) => t,
                Err(e) => {
                    report.skipped.push((label, format!("not a template: {e}")));
                    continue;
                }
            };
            match check_name(&t.name) {
                Ok(n) => t.name = n,
                Err(e) => {
                    report.skipped.push((label, e.to_string()));
                    continue;
                }
            }
            let problems = t.problems();
            if !problems.is_empty() {
                report.skipped.push((t.name, problems.join(" ")));
                continue;
            }
            let name = t.name.clone();
            if upsert(&mut items, t) {
                report.replaced.push(name);
            } else {
                report.added.push(name);
            }
        }
        if !report.added.is_empty() || !report.replaced.is_empty() {
            self.commit(items)?;
        }
        Ok(report)
    }

    /// Writes first, then takes the new list: a failed write changes nothing.
    fn commit(&mut self, mut items: Vec<Template>) -> Result<()> {
        sort(&mut items);
        let mut bytes = serde_json::to_vec_pretty(&FileOut { flowdesk_templates: FORMAT_VERSION, templates: items.iter().collect() })
            .expect("templates serialise");
        bytes.push(b'\n');
        flowdesk_files::write_atomic(&self.path, &bytes).map_err(|e| io("write", &self.path, e))?;
        self.items = items;
        Ok(())
    }

    fn sort(&mut self) {
        sort(&mut self.items);
    }
}

fn sort(items: &mut [Template]) {
    items.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.name.cmp(&b.name)));
}

/// Returns true when it replaced one.
fn upsert(items: &mut Vec<Template>, t: Template) -> bool {
    match items.iter_mut().find(|x| x.name == t.name) {
        Some(slot) => {
            *slot = t;
            true
        }
        None => {
            items.push(t);
            false
        }
    }
}

fn check_name(raw: &str) -> Result<String> {
    let name = raw.trim();
    let n = name.chars().count();
    if n == 0 {
        return Err(HistoryError::Invalid("Give the template a name.".into()));
    }
    if n > MAX_NAME_CHARS {
        return Err(HistoryError::Invalid(format!(
            "Template names are at most {MAX_NAME_CHARS} characters; this one has {n}. Shorten it."
        )));
    }
    Ok(name.to_string())
}

/// The `templates` array of an export, or why the input is not one.
fn export_entries(bytes: &[u8]) -> std::result::Result<Vec<Value>, String> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| format!("not valid JSON: {e}"))?;
    let obj = value.as_object().ok_or("it is not a JSON object")?;
    match obj.get(FORMAT_KEY).and_then(Value::as_u64) {
        Some(FORMAT_VERSION) => {}
        Some(v) => return Err(format!("format version {v} is not supported; this Flow Desk reads version {FORMAT_VERSION}")),
        None => return Err(format!("the \"{FORMAT_KEY}\" marker is missing")),
    }
    match obj.get("templates") {
        Some(Value::Array(a)) => Ok(a.clone()),
        _ => Err("it has no \"templates\" list".into()),
    }
}

/// The stored file must be entirely good; one bad template makes it unusable as a whole.
fn parse_file(bytes: &[u8]) -> std::result::Result<Vec<Template>, String> {
    export_entries(bytes)?
        .into_iter()
        // Not serde's message: it quotes the offending value, which could be a secret.
        .map(|v| serde_json::from_value(v).map_err(|_| "a template has a value of the wrong type or shape".to_string()))
        .collect()
}

fn set_aside(path: &Path) -> Result<PathBuf> {
    let ts = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| FILE_NAME.into());
    let mut aside = path.with_file_name(format!("{name}.corrupt-{ts}"));
    let mut n = 1;
    while aside.symlink_metadata().is_ok() {
        aside = path.with_file_name(format!("{name}.corrupt-{ts}-{n}"));
        n += 1;
    }
    fs::rename(path, &aside).map_err(|e| io("move aside the unreadable templates file", path, e))?;
    Ok(aside)
}

#[cfg(test)]
#[path = "templates_tests.rs"]
mod tests;
