//! Fault matrix (issue #7), imported inputs of the history crate: whatever bytes
//! `history.jsonl` and `templates.json` hold, and whatever text is imported as templates,
//! there is no panic, the files stay usable, and a notice or error is a clear message that
//! never repeats their content (a secret planted in it stands for personal data or a key).

use flowdesk_history::{History, Templates};
use proptest::prelude::*;

const SECRET: &str = "fake_PLANTED_secret_s3cr3tQ9x";

fn clear(message: &str) -> Result<(), TestCaseError> {
    prop_assert!(!message.trim().is_empty(), "empty message");
    prop_assert!(!message.contains(SECRET), "the message repeats the content: {message}");
    Ok(())
}

fn history_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(format!(r#"{{"op":"record","entry":{{"flow_id":"f1","environment_id":"local","environment_name":"L","created_at":"2024-07-11T21:10:30Z","steps":["payout"],"link":"https://x/{SECRET}","reference":"{SECRET}"}}}}"#)),
        Just(format!(r#"{{"op":"record","entry":{{"flow_id":"{SECRET}","created_at":"not a time"}}}}"#)),
        Just(format!(r#"{{"op":"progress","flow_id":"f1","progress":"{SECRET}","checked_at":"2024-07-11T21:10:30Z"}}"#)),
        Just(format!(r#"{{"op":"{SECRET}"}}"#)),
        Just(r#"{"op":"clear"}"#.to_string()),
        Just(format!(r#"{{"op":"delete","flow_id":"{SECRET}"}}"#)),
        "[ -~]{0,40}".prop_map(|s| format!("{s}{SECRET}")),
        prop::collection::vec(any::<u8>(), 0..40).prop_map(|b| format!("{}{SECRET}", String::from_utf8_lossy(&b))),
    ]
}

/// The secret where a wrong type is expected (a string for the steps list).
fn mistyped_doc() -> String {
    format!(r#"{{"flowdesk_templates":1,"templates":[{{"name":"a","steps":"{SECRET}"}}]}}"#)
}

/// Documents that never put the secret where the file wants another type (see
/// `a_mistyped_value_is_not_quoted_in_the_notice`).
fn templates_file_doc() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(format!(r#"{{"flowdesk_templates":1,"templates":[{{"name":"a","steps":[{{"name":"payout"}}],"metadata":{{"note":"{SECRET}"}}}}]}}"#)),
        Just(format!(r#"{{"flowdesk_templates":1,"templates":[{{"name":"a","steps":[7],"x":"{SECRET}"}}]}}"#)),
        Just(format!(r#"{{"flowdesk_templates":1,"templates":[{{"name":"b","steps":[{{"name":"redirect","redirect_url":"{SECRET}"}}],"metadata":7}}]}}"#)),
        Just(format!(r#"{{"flowdesk_templates":99,"templates":[],"x":"{SECRET}"}}"#)),
        Just(format!(r#"["{SECRET}"]"#)),
        "[\\[\\]{}\",:a-z0-9 ]{0,100}".prop_map(|s| format!("{s}\"{SECRET}\"")),
    ]
}

fn templates_doc() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(format!(r#"{{"flowdesk_templates":1,"templates":[{{"name":"a","steps":[{{"name":"payout"}}],"metadata":{{"note":"{SECRET}"}}}}]}}"#)),
        Just(mistyped_doc()),
        Just(format!(r#"{{"flowdesk_templates":"{SECRET}","templates":[]}}"#)),
        Just(format!(r#"{{"flowdesk_templates":1,"templates":[{{"name":"b","steps":[{{"name":"redirect","redirect_url":"{SECRET}"}}],"metadata":7}}]}}"#)),
        Just(format!(r#"{{"flowdesk_templates":99,"templates":[],"x":"{SECRET}"}}"#)),
        Just(format!(r#"["{SECRET}"]"#)),
        "[\\[\\]{}\",:a-z0-9 ]{0,100}".prop_map(|s| format!("{s}\"{SECRET}\"")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn history_log_with_any_lines(lines in prop::collection::vec(history_line(), 0..6), torn in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let mut text = lines.join("\n");
        if !torn {
            text.push('\n');
        }
        std::fs::write(&path, text).unwrap();
        let (mut h, notice) = match History::open(&path) {
            Ok(v) => v,
            Err(e) => return clear(&e.to_string()),
        };
        if let Some(n) = &notice {
            clear(n)?;
        }
        let _ = h.search(SECRET, 10);
        // Still writable, and it reads back.
        let before = h.len();
        h.clear().unwrap();
        prop_assert_eq!(History::open(&path).unwrap().0.len(), 0);
        let _ = before;
    }

    #[test]
    fn history_log_with_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        std::fs::write(&path, [bytes.as_slice(), SECRET.as_bytes(), b"\n", &bytes].concat()).unwrap();
        match History::open(&path) {
            Ok((_, Some(n))) => clear(&n)?,
            Ok((_, None)) => {}
            Err(e) => clear(&e.to_string())?,
        }
    }

    #[test]
    fn templates_file_with_any_content(doc in templates_file_doc(), noise in prop_oneof![Just(Vec::new()), Just(b"\n".to_vec()), prop::collection::vec(any::<u8>(), 0..64)], cut in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("templates.json");
        let mut bytes = [doc.as_bytes(), &noise].concat();
        if cut {
            bytes.truncate(bytes.len() / 2);
        }
        std::fs::write(&path, &bytes).unwrap();
        match Templates::open(&path) {
            Ok((t, notice)) => {
                if let Some(n) = &notice {
                    clear(n)?;
                }
                let _ = t.export(None).unwrap();
            }
            Err(e) => clear(&e.to_string())?,
        }
    }

    #[test]
    fn templates_import_of_any_text(doc in templates_doc()) {
        let dir = tempfile::tempdir().unwrap();
        let (mut t, _) = Templates::open(dir.path().join("templates.json")).unwrap();
        match t.import(&doc) {
            Ok(report) => {
                for (_, why) in &report.skipped {
                    prop_assert!(!why.trim().is_empty());
                }
            }
            Err(e) => clear(&e.to_string())?,
        }
    }
}

/// A string where the file wants another type must not be quoted in the notice the window
/// shows (it could be a key pasted into the wrong field): serde's own message would quote it.
#[test]
fn a_mistyped_value_is_not_quoted_in_the_notice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("templates.json");
    std::fs::write(&path, mistyped_doc()).unwrap();
    let (_, notice) = Templates::open(&path).unwrap();
    let notice = notice.expect("set aside");
    assert!(!notice.contains(SECRET), "{notice}");
}
