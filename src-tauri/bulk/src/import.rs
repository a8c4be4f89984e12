//! CSV import of recipients. Every data row is kept and classified valid or invalid with a
//! reason a person can act on; only problems with the file as a whole (empty, no header,
//! too big, not text) refuse the import.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::ImportError;

/// Larger files are refused whole: split them. A batch of this size already takes hours at
/// a few creates per second.
pub const MAX_ROWS: usize = 50_000;
/// Refused before parsing, so a wrong file (a video, a database dump) fails at once.
pub const MAX_BYTES: usize = 32 * 1024 * 1024;

/// Metadata keys the batch itself sets; a column cannot override them.
pub const RESERVED_KEYS: [&str; 4] = ["flowdesk_batch", "flowdesk_row", "reference", "email"];

/// One data row of the file, valid or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recipient {
    /// 1-based data row number (the header is not counted). Goes into `metadata.flowdesk_row`.
    pub row: u32,
    /// The file line where the row starts (a quoted field may span lines).
    pub line: u64,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// From `meta.<key>` columns and any column the import does not know.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub meta: Map<String, Value>,
    /// Why the row will not be sent; `None` for a valid row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

impl Recipient {
    pub fn is_valid(&self) -> bool {
        self.problem.is_none()
    }
}

/// The outcome of reading a file: all rows plus remarks about columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Import {
    pub rows: Vec<Recipient>,
    /// Remarks that refuse nothing, e.g. a column ignored because its key is reserved.
    pub warnings: Vec<String>,
}

impl Import {
    pub fn valid(&self) -> impl Iterator<Item = &Recipient> {
        self.rows.iter().filter(|r| r.is_valid())
    }

    pub fn invalid(&self) -> impl Iterator<Item = &Recipient> {
        self.rows.iter().filter(|r| !r.is_valid())
    }

    /// "58 valid, 2 invalid" plus one line per invalid row.
    pub fn report(&self) -> String {
        let valid = self.valid().count();
        let mut out = format!(
            "{} rows: {} valid, {} invalid",
            self.rows.len(),
            valid,
            self.rows.len() - valid
        );
        for w in &self.warnings {
            out.push_str(&format!("\nnote: {w}"));
        }
        for r in self.invalid() {
            out.push_str(&format!(
                "\nrow {} (line {}): {}",
                r.row,
                r.line,
                r.problem.as_deref().unwrap_or("")
            ));
        }
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    Email,
    Name,
    Reference,
    UserId,
    Meta(usize),
    Ignored,
}

/// Reads recipients from CSV bytes. The header is required and must name an `email` column
/// (case and surrounding blanks do not matter). Never panics, whatever the bytes.
pub fn parse_csv(bytes: &[u8]) -> Result<Import, ImportError> {
    if bytes.len() > MAX_BYTES {
        return Err(ImportError::TooLarge {
            bytes: bytes.len(),
            max_bytes: MAX_BYTES,
        });
    }
    let bytes = check_encoding(bytes)?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::Empty);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.byte_records();

    let header = match records.next() {
        None => return Err(ImportError::Empty),
        Some(Err(e)) => return Err(ImportError::Unreadable(e.to_string())),
        Some(Ok(h)) => h,
    };
    let (columns, meta_keys, warnings) = read_header(&header)?;
    let width = columns.len();

    let mut lines = LineCounter::default();
    let mut rows = Vec::new();
    let mut first_row_of_email: HashMap<String, u32> = HashMap::new();
    for (index, result) in records.enumerate() {
        let row = index as u32 + 1;
        if rows.len() >= MAX_ROWS {
            return Err(ImportError::TooManyRows { max_rows: MAX_ROWS });
        }
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                // With flexible byte records only I/O can fail; keep the row, say why.
                let line = e
                    .position()
                    .map(|p| lines.line_at(bytes, p.byte()))
                    .unwrap_or(0);
                rows.push(invalid(row, line, format!("could not be read: {e}")));
                continue;
            }
        };
        let line = record
            .position()
            .map(|p| lines.line_at(bytes, p.byte()))
            .unwrap_or(0);
        let mut r = Recipient {
            row,
            line,
            email: String::new(),
            name: None,
            reference: None,
            user_id: None,
            meta: Map::new(),
            problem: None,
        };
        let mut fields = Vec::with_capacity(record.len());
        for field in record.iter() {
            match std::str::from_utf8(field) {
                Ok(s) => fields.push(s.trim().to_string()),
                Err(_) => {
                    r.problem = Some(format!("line {line} is not UTF-8 (save the file as UTF-8)"));
                    break;
                }
            }
        }
        if r.problem.is_none()
            && fields.len() > width
            && fields[width..].iter().any(|f| !f.is_empty())
        {
            r.problem = Some(format!(
                "has {} fields but the header names {width} columns (a comma inside a value needs quotes)",
                fields.len()
            ));
        }
        if r.problem.is_none() {
            for (i, value) in fields.into_iter().enumerate().take(width) {
                if value.is_empty() {
                    continue;
                }
                match columns[i] {
                    Column::Email => r.email = value,
                    Column::Name => r.name = Some(value),
                    Column::Reference => r.reference = Some(value),
                    Column::UserId => r.user_id = Some(value),
                    Column::Meta(k) => {
                        r.meta.insert(meta_keys[k].clone(), Value::String(value));
                    }
                    Column::Ignored => {}
                }
            }
            r.problem = row_problem(&r, &first_row_of_email);
        }
        if r.problem.is_none() {
            first_row_of_email.insert(r.email.to_lowercase(), row);
        }
        rows.push(r);
    }
    Ok(Import { rows, warnings })
}

/// The 1-based line of a byte offset, counting every `\n` (also those inside quotes, which
/// the csv crate's own line count leaves out). Offsets only grow, so this is one pass.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    newlines: u64,
}

impl LineCounter {
    fn line_at(&mut self, bytes: &[u8], offset: u64) -> u64 {
        let mut offset = (offset as usize).min(bytes.len());
        // With CRLF the reader reports a record as starting on the previous line's `\n`.
        while matches!(bytes.get(offset), Some(b'\r' | b'\n')) {
            offset += 1;
        }
        if offset > self.offset {
            self.newlines += bytes[self.offset..offset]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            self.offset = offset;
        }
        self.newlines + 1
    }
}

fn invalid(row: u32, line: u64, problem: String) -> Recipient {
    Recipient {
        row,
        line,
        email: String::new(),
        name: None,
        reference: None,
        user_id: None,
        meta: Map::new(),
        problem: Some(problem),
    }
}

/// Strips a UTF-8 BOM; refuses UTF-16/32 (a spreadsheet's "Unicode text") outright, since
/// every row would otherwise be garbage.
fn check_encoding(bytes: &[u8]) -> Result<&[u8], ImportError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return Ok(rest);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ImportError::Encoding(
            "the file is UTF-16 (save it as \"CSV UTF-8\")".into(),
        ));
    }
    let nuls = bytes.iter().take(4096).filter(|b| **b == 0).count();
    if nuls > 0 {
        return Err(ImportError::Encoding(
            "the file holds NUL bytes: it is not a text CSV (save it as \"CSV UTF-8\")".into(),
        ));
    }
    Ok(bytes)
}

/// What each column means, the metadata key of each `Column::Meta`, and remarks.
type Header = (Vec<Column>, Vec<String>, Vec<String>);

fn read_header(header: &csv::ByteRecord) -> Result<Header, ImportError> {
    let mut names = Vec::new();
    for field in header.iter() {
        let Ok(name) = std::str::from_utf8(field) else {
            return Err(ImportError::Encoding(
                "line 1 (the header) is not UTF-8 (save the file as UTF-8)".into(),
            ));
        };
        names.push(name.trim().to_string());
    }
    let lower: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    if !lower.iter().any(|n| n == "email") {
        let looks_like_data = names.iter().any(|n| n.contains('@'));
        return Err(ImportError::MissingHeader(if looks_like_data {
            "the first line looks like data: add a header line naming the columns (email, name, reference, user_id, meta.<key>)".into()
        } else {
            format!(
                "the header has no \"email\" column (found: {})",
                names
                    .iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }));
    }
    let mut columns = Vec::new();
    let mut meta_keys: Vec<String> = Vec::new();
    let mut warnings = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, (name, low)) in names.iter().zip(&lower).enumerate() {
        if !name.is_empty() {
            if let Some(first) = seen.insert(low.clone(), i) {
                return Err(ImportError::MissingHeader(format!(
                    "column \"{name}\" appears twice (columns {} and {})",
                    first + 1,
                    i + 1
                )));
            }
        }
        let column = match low.as_str() {
            "email" => Column::Email,
            "name" => Column::Name,
            "reference" => Column::Reference,
            "user_id" => Column::UserId,
            "" => Column::Ignored,
            _ => {
                let key = match name.get(..5) {
                    Some(p) if p.eq_ignore_ascii_case("meta.") => name[5..].trim().to_string(),
                    _ => name.clone(),
                };
                if key.is_empty() {
                    warnings.push(format!(
                        "column {} (\"{name}\") names no metadata key and is ignored",
                        i + 1
                    ));
                    Column::Ignored
                } else if RESERVED_KEYS.contains(&key.as_str()) {
                    warnings.push(format!(
                        "column \"{name}\" is ignored: metadata key \"{key}\" is set by the batch"
                    ));
                    Column::Ignored
                } else {
                    meta_keys.push(key);
                    Column::Meta(meta_keys.len() - 1)
                }
            }
        };
        columns.push(column);
    }
    Ok((columns, meta_keys, warnings))
}

fn row_problem(r: &Recipient, first_row_of_email: &HashMap<String, u32>) -> Option<String> {
    if r.email.is_empty() {
        return Some("email is missing".into());
    }
    if let Some(why) = email_problem(&r.email) {
        return Some(format!("email \"{}\" {why}", shorten(&r.email)));
    }
    if let Some(first) = first_row_of_email.get(&r.email.to_lowercase()) {
        return Some(format!(
            "duplicate email: {} is already on row {first}",
            shorten(&r.email)
        ));
    }
    if let Some(user_id) = &r.user_id {
        if !is_hyphenated_uuid(user_id) {
            return Some(format!(
                "user_id \"{}\" is not a UUID (like 0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60)",
                shorten(user_id)
            ));
        }
    }
    None
}

/// A plain shape check: one `@`, something before it, a dotted domain after it, no blanks.
/// Whether the mailbox exists only the mail server knows.
pub fn email_problem(email: &str) -> Option<&'static str> {
    if email.len() > 254 {
        return Some("is too long");
    }
    if email
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, ',' | ';' | '<' | '>' | '"'))
    {
        return Some("contains spaces or separators (one address per row)");
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Some("has no @");
    };
    if domain.contains('@') {
        return Some("has more than one @");
    }
    if local.is_empty() {
        return Some("has nothing before the @");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2
        || labels
            .iter()
            .any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-'))
    {
        return Some("has no valid domain after the @ (like example.com)");
    }
    None
}

/// The 8-4-4-4-12 form Dots accepts (not braced, URN or bare 32 digits).
pub fn is_hyphenated_uuid(s: &str) -> bool {
    s.len() == 36 && uuid::Uuid::try_parse(s).is_ok() && s.as_bytes()[8] == b'-'
}

fn shorten(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}

#[cfg(test)]
mod tests;
