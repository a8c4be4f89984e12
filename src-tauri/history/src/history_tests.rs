use super::*;
use chrono::TimeZone;
use proptest::prelude::*;
use serde_json::json;

fn t(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
}

fn entry(id: &str, created_at: DateTime<Utc>) -> HistoryEntry {
    HistoryEntry {
        flow_id: id.into(),
        environment_id: "sandbox".into(),
        environment_name: "Sandbox".into(),
        created_at,
        steps: vec!["compliance".into(), "id-verification".into()],
        link: format!("https://dots.dev/flow/{id}"),
        reference: None,
        user_id: None,
        metadata: None,
        progress: None,
        last_checked: None,
        batch: None,
    }
}

fn progress(completed: u32) -> Progress {
    Progress { claimed: true, completed, total: 2, done: completed == 2, pending: vec![] }
}

fn log_lines(path: &Path) -> usize {
    fs::read_to_string(path).unwrap().lines().count()
}

#[test]
fn record_then_reopen_gives_the_same_entries() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/history.jsonl");
    let mut a = entry("flow_a", t(1, 9));
    a.reference = Some("INV-42".into());
    a.user_id = Some("0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60".into());
    a.metadata = Some(json!({"email": "ana@example.com", "n": 3}));
    a.batch = Some(BatchRef { batch_id: "b1".into(), row: 7 });
    let b = entry("flow_b", t(2, 9));
    {
        let (mut h, notice) = History::open(&path).unwrap();
        assert!(notice.is_none());
        h.record(a.clone()).unwrap();
        h.record(b.clone()).unwrap();
        assert!(h.update_progress("flow_a", progress(1), t(3, 9)).unwrap());
    }
    let (h, notice) = History::open(&path).unwrap();
    assert!(notice.is_none());
    let mut expect_a = a;
    expect_a.progress = Some(progress(1));
    expect_a.last_checked = Some(t(3, 9));
    assert_eq!(h.get("flow_a"), Some(&expect_a));
    assert_eq!(h.get("flow_b"), Some(&b));
    assert_eq!(h.len(), 2);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[test]
fn torn_last_line_is_dropped_with_a_notice_and_earlier_entries_survive() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.jsonl");
    {
        let (mut h, _) = History::open(&path).unwrap();
        h.record(entry("flow_a", t(1, 9))).unwrap();
        h.record(entry("flow_b", t(1, 10))).unwrap();
    }
    // A crash mid-append: half of a third line, no newline.
    let mut line = serde_json::to_string(&Op::Record { entry: entry("flow_c", t(1, 11)) }).unwrap();
    line.truncate(line.len() / 2);
    fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(line.as_bytes()).unwrap();

    let (mut h, notice) = History::open(&path).unwrap();
    let notice = notice.expect("a notice about the torn line");
    assert!(notice.contains("cut off"), "{notice}");
    assert!(!notice.contains("flow_c"), "never quotes content: {notice}");
    assert_eq!(h.len(), 2);
    assert!(h.get("flow_c").is_none());
    // Nothing but the torn line was lost, so no copy was set aside; the log is clean again.
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    assert!(fs::read(&path).unwrap().ends_with(b"\n"));
    h.record(entry("flow_d", t(1, 12))).unwrap();
    let (h, notice) = History::open(&path).unwrap();
    assert!(notice.is_none());
    assert_eq!(h.len(), 3);
}

#[test]
fn garbage_lines_are_skipped_reported_and_kept_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.jsonl");
    let good = |id: &str, h: u32| serde_json::to_string(&Op::Record { entry: entry(id, t(1, h)) }).unwrap();
    let content = format!(
        "{}\nnot json at all\n{}\n{{\"op\":\"teleport\"}}\n\n\u{FFFD}\u{0}\n{}\n",
        good("flow_a", 1),
        good("flow_b", 2),
        good("flow_c", 3)
    );
    fs::write(&path, &content).unwrap();
    let (h, notice) = History::open(&path).unwrap();
    let notice = notice.unwrap();
    assert!(notice.contains("3 line(s)"), "{notice}");
    assert!(notice.contains("line 2, 4, 6"), "{notice}");
    let ids: Vec<_> = h.search("", 10).into_iter().map(|e| e.flow_id).collect();
    assert_eq!(ids, ["flow_c", "flow_b", "flow_a"]);
    let aside: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(fs::read_to_string(&aside[0]).unwrap(), content);
    assert_eq!(log_lines(&path), 3);
    // Second open: clean.
    assert!(History::open(&path).unwrap().1.is_none());
}

#[test]
fn compaction_keeps_exactly_the_live_entries() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.jsonl");
    let (mut h, _) = History::open(&path).unwrap();
    h.record(entry("flow_a", t(1, 1))).unwrap();
    h.record(entry("flow_b", t(1, 2))).unwrap();
    let mut lines_seen = Vec::new();
    for i in 0..40u32 {
        // Alternate progress so each update really changes and appends.
        h.update_progress("flow_a", progress(i % 2), t(2, i % 24)).unwrap();
        lines_seen.push(log_lines(&path));
    }
    // Never allowed to grow past twice the live entries once past the floor.
    assert!(lines_seen.iter().all(|&n| n < MIN_COMPACT_LINES), "{lines_seen:?}");
    assert!(lines_seen.contains(&2), "compacted at some point: {lines_seen:?}");
    let expect_a = h.get("flow_a").unwrap().clone();
    let (re, _) = History::open(&path).unwrap();
    assert_eq!(re.len(), 2);
    assert_eq!(re.get("flow_a"), Some(&expect_a));
    assert_eq!(re.get("flow_a").unwrap().progress, Some(progress(1)));
    assert!(re.get("flow_b").is_some());
    // Unchanged progress appends nothing.
    let before = log_lines(&path);
    assert!(!h.update_progress("flow_a", progress(1), t(9, 9)).unwrap());
    assert!(!h.update_progress("nope", progress(1), t(9, 9)).unwrap());
    assert_eq!(log_lines(&path), before);
}

#[test]
fn compaction_on_open_of_an_overgrown_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.jsonl");
    let mut s = String::new();
    for i in 0..30 {
        s += &serde_json::to_string(&Op::Record { entry: entry(&format!("f{i}"), t(1, 1)) }).unwrap();
        s.push('\n');
        s += &serde_json::to_string(&Op::Delete { flow_id: format!("f{i}") }).unwrap();
        s.push('\n');
    }
    s += &serde_json::to_string(&Op::Record { entry: entry("keep", t(1, 1)) }).unwrap();
    s.push('\n');
    fs::write(&path, s).unwrap();
    let (h, notice) = History::open(&path).unwrap();
    assert!(notice.is_none());
    assert_eq!(h.len(), 1);
    assert_eq!(log_lines(&path), 1);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"keep\"") && !text.contains("\"f3\""));
}

#[test]
fn search_by_reference_email_step_id_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, _) = History::open(dir.path().join("h.jsonl")).unwrap();
    let mut a = entry("flow_AAA", t(1, 9));
    a.reference = Some("Invoice-2026-17".into());
    let mut b = entry("flow_BBB", t(3, 9));
    b.metadata = Some(json!({"contact": {"email": "Maria.Lopez@Example.com"}, "tags": ["vip"], "n": 5}));
    b.steps = vec!["redirect".into()];
    let mut c = entry("flow_CCC", t(2, 9));
    c.environment_name = "Production EU".into();
    c.user_id = Some("0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60".into());
    h.record_many(vec![a, b, c]).unwrap();
    let ids_in = |h: &History, q: &str, limit: usize| h.search(q, limit).into_iter().map(|e| e.flow_id).collect::<Vec<_>>();
    let ids = |q: &str, limit: usize| ids_in(&h, q, limit);
    assert_eq!(ids("invoice-2026", 10), ["flow_AAA"]);
    assert_eq!(ids("maria.lopez@example", 10), ["flow_BBB"]);
    assert_eq!(ids("VIP", 10), ["flow_BBB"]);
    assert_eq!(ids("redirect", 10), ["flow_BBB"]);
    assert_eq!(ids("id-verification", 10), ["flow_CCC", "flow_AAA"]);
    assert_eq!(ids("flow_ccc", 10), ["flow_CCC"]);
    assert_eq!(ids("production eu", 10), ["flow_CCC"]);
    assert_eq!(ids("0b0c5e8f", 10), ["flow_CCC"]);
    assert_eq!(ids("dots.dev/flow/flow_aaa", 10), ["flow_AAA"]);
    assert_eq!(ids("nothing-like-this", 10), Vec::<String>::new());
    assert_eq!(ids("", 10), ["flow_BBB", "flow_CCC", "flow_AAA"]);
    assert_eq!(ids("   ", 2), ["flow_BBB", "flow_CCC"]);
    // Numbers in metadata are not strings: no match on "5" via metadata.
    let mut d = entry("x", t(1, 1));
    d.steps.clear();
    d.link = "l".into();
    d.environment_name = "e".into();
    d.metadata = Some(json!({"n": 5}));
    h.record(d).unwrap();
    assert!(!ids_in(&h, "5", 10).contains(&"x".to_string()));
}

#[test]
fn delete_and_clear_remove_data_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.jsonl");
    let (mut h, _) = History::open(&path).unwrap();
    let mut a = entry("flow_a", t(1, 1));
    a.metadata = Some(json!({"email": "secret.person@example.com"}));
    h.record(a).unwrap();
    h.record(entry("flow_b", t(1, 2))).unwrap();
    assert!(h.delete("flow_a").unwrap());
    assert!(!h.delete("flow_a").unwrap());
    assert!(!fs::read_to_string(&path).unwrap().contains("secret.person"));
    assert!(History::open(&path).unwrap().0.get("flow_a").is_none());
    assert!(History::open(&path).unwrap().0.get("flow_b").is_some());
    h.clear().unwrap();
    assert!(h.is_empty());
    assert_eq!(fs::read(&path).unwrap().len(), 0);
    assert!(History::open(&path).unwrap().0.is_empty());
    // Still usable after clear.
    h.record(entry("flow_c", t(1, 3))).unwrap();
    assert_eq!(History::open(&path).unwrap().0.len(), 1);
}

#[test]
fn replayed_delete_and_clear_ops_apply() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.jsonl");
    let line = |op: Op| serde_json::to_string(&op).unwrap() + "\n";
    let s = line(Op::Record { entry: entry("a", t(1, 1)) })
        + &line(Op::Clear)
        + &line(Op::Record { entry: entry("b", t(1, 1)) })
        + &line(Op::Record { entry: entry("c", t(1, 1)) })
        + &line(Op::Delete { flow_id: "b".into() });
    fs::write(&path, s).unwrap();
    let (h, _) = History::open(&path).unwrap();
    assert_eq!(h.search("", 10).into_iter().map(|e| e.flow_id).collect::<Vec<_>>(), ["c"]);
}

#[test]
fn retention_with_a_fixed_clock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.jsonl");
    let (mut h, _) = History::open(&path).unwrap();
    h.record_many(vec![entry("old", t(1, 0)), entry("edge", t(11, 12)), entry("new", t(21, 0))]).unwrap();
    let now = t(21, 12);
    assert_eq!(h.apply_retention_at(10, now).unwrap(), 1);
    assert!(h.get("old").is_none());
    assert!(h.get("edge").is_some(), "exactly N days old is kept");
    assert_eq!(h.apply_retention_at(10, now).unwrap(), 0);
    assert_eq!(h.apply_retention_at(1, now).unwrap(), 1);
    let (re, _) = History::open(&path).unwrap();
    assert_eq!(re.search("", 10).into_iter().map(|e| e.flow_id).collect::<Vec<_>>(), ["new"]);
    assert_eq!(log_lines(&path), 1);
}

#[test]
fn record_many_is_one_write_and_one_sync() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.jsonl");
    let (mut h, _) = History::open(&path).unwrap();
    let batch: Vec<_> = (0..50u32)
        .map(|i| {
            let mut e = entry(&format!("bulk_{i}"), t(5, 1));
            e.batch = Some(BatchRef { batch_id: "batch-1".into(), row: i + 1 });
            e
        })
        .collect();
    h.record_many(batch).unwrap();
    assert_eq!(h.syncs(), 1);
    h.record_many(vec![]).unwrap();
    assert_eq!(h.syncs(), 1);
    assert_eq!(log_lines(&path), 50);
    let (re, _) = History::open(&path).unwrap();
    assert_eq!(re.len(), 50);
    assert_eq!(re.get("bulk_49").unwrap().batch, Some(BatchRef { batch_id: "batch-1".into(), row: 50 }));
    // Recording an id again replaces it, it does not duplicate.
    h.record(entry("bulk_3", t(6, 1))).unwrap();
    assert_eq!(h.len(), 50);
    assert_eq!(History::open(&path).unwrap().0.get("bulk_3").unwrap().created_at, t(6, 1));
}

#[test]
fn default_path_is_beside_the_settings_file() {
    if let Ok(p) = History::default_path() {
        assert!(p.ends_with("com.flowdesk.desk/history.jsonl"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    #[test]
    fn arbitrary_bytes_as_a_log_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.jsonl");
        fs::write(&path, &bytes).unwrap();
        let (mut h, _) = History::open(&path).unwrap();
        let _ = h.search("a", 5);
        h.record(entry("after", t(1, 1))).unwrap();
        let (re, _) = History::open(&path).unwrap();
        prop_assert!(re.get("after").is_some());
    }

    #[test]
    fn arbitrary_json_lines_never_panic(lines in proptest::collection::vec("\\{\"op\":\"(record|progress|delete|clear)\"[^\\n]{0,60}", 0..20)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.jsonl");
        fs::write(&path, lines.join("\n")).unwrap();
        let _ = History::open(&path).unwrap();
    }
}

#[test]
fn text_matches_case_insensitively_in_and_out_of_ascii() {
    assert!(contains_lowercased("REF-0042", "ref-004"));
    assert!(!contains_lowercased("REF-0042", "ref-0043"));
    assert!(!contains_lowercased("ab", "abc"));
    assert!(contains_lowercased("Élodie MARTIN", "élodie m"));
    assert!(!contains_lowercased("Élodie", "elodie"));
    assert!(contains_lowercased("anything", ""));
}
