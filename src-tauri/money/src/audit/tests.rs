use super::*;

fn entry(env: &str, result: &str, cents: Option<i64>, intent: &str) -> AuditEntry {
    AuditEntry {
        amount_cents: cents,
        intent_id: Some(intent.into()),
        ..AuditEntry::new(env, "wallet.fund", result)
    }
}

#[test]
fn entries_append_and_read_back_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::new(dir.path().join("audit.jsonl"));
    assert_eq!(log.read().unwrap(), AuditRead::default());
    log.append(&entry("sandbox", "confirmed", Some(-1234), "i1")).unwrap();
    log.append(&entry("sandbox", "done", Some(-1234), "i1")).unwrap();
    let read = log.read().unwrap();
    assert_eq!(read.entries.iter().map(|e| e.result.as_str()).collect::<Vec<_>>(), ["confirmed", "done"]);
    assert_eq!(read.skipped_lines, 0);
}

#[test]
fn a_write_cut_short_by_a_crash_loses_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let log = AuditLog::new(&path);
    log.append(&entry("sandbox", "confirmed", Some(-500), "i1")).unwrap();
    // What a crash in the middle of a write leaves: half a line, no newline.
    let whole = serde_json::to_string(&entry("sandbox", "done", Some(-500), "i1")).unwrap();
    let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
    f.write_all(&whole.as_bytes()[..whole.len() / 2]).unwrap();
    drop(f);
    let before = std::fs::read(&path).unwrap();

    log.append(&entry("sandbox", "confirmed", Some(-700), "i2")).unwrap();
    let after = std::fs::read(&path).unwrap();
    assert!(after.starts_with(&before), "earlier bytes are never rewritten");
    let read = log.read().unwrap();
    assert_eq!(read.skipped_lines, 1);
    assert_eq!(read.entries.len(), 2);
    assert_eq!(read.entries[1].intent_id.as_deref(), Some("i2"));
}

#[test]
fn spent_today_counts_confirmed_intents_that_did_not_fail() {
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::new(dir.path().join("audit.jsonl"));
    log.append(&entry("production", "confirmed", Some(-10_000), "a")).unwrap();
    log.append(&entry("production", "done", Some(-10_000), "a")).unwrap();
    log.append(&entry("production", "confirmed", Some(2_500), "b")).unwrap();
    log.append(&entry("production", "unknown", Some(2_500), "b")).unwrap();
    log.append(&entry("production", "confirmed", Some(-99_999), "c")).unwrap();
    log.append(&entry("production", "failed", Some(-99_999), "c")).unwrap();
    log.append(&entry("sandbox", "confirmed", Some(-7), "d")).unwrap();
    let mut old = entry("production", "confirmed", Some(-1), "e");
    old.time = Utc::now() - chrono::Duration::days(2);
    log.append(&old).unwrap();
    assert_eq!(log.spent_today("production", Utc::now()).unwrap(), 12_500);
    assert_eq!(log.spent_today("sandbox", Utc::now()).unwrap(), 7);
}

#[test]
fn csv_export_has_a_header_and_quotes_what_needs_it() {
    let mut e = entry("sandbox", "done", Some(-123456), "i1");
    e.recipient = Some("Lovelace, Ada".into());
    e.dots_ids = vec!["t1".into(), "t2".into()];
    let csv = to_csv(&[e]).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "time,os_user,environment,action,amount,amount_cents,recipient,idempotency_key,intent_id,result,dots_ids,message"
    );
    let row = lines.next().unwrap();
    assert!(row.contains(",-1234.56,-123456,\"Lovelace, Ada\",,i1,done,t1 t2,"), "{row}");
}

#[test]
fn a_payee_chosen_formula_is_exported_as_inert_text_and_cents_stay_numbers() {
    let mut e = entry("sandbox", "done", Some(-1234), "i1");
    e.recipient = Some("=HYPERLINK(\"http://x\",\"y\") (8d0c2a76-0000-4000-8000-000000000001)".into());
    let csv = to_csv(&[e]).unwrap();
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let row = rows.records().next().unwrap().unwrap();
    assert_eq!(&row[6], "'=HYPERLINK(\"http://x\",\"y\") (8d0c2a76-0000-4000-8000-000000000001)");
    assert_eq!(&row[5], "-1234", "cents are a number, not text");
}
