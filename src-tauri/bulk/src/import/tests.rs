use super::*;
use proptest::prelude::*;

fn ok(csv: &[u8]) -> Import {
    parse_csv(csv).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn columns_metadata_and_every_row_kept() {
    let imp = ok(b"Email,name,reference,user_id,meta.team,country\n\
        ann@example.com,Ann,INV-1,,blue,FR\n\
        bob@example.com,\"Bob, Jr.\",INV-2,0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60,,\n");
    assert_eq!(imp.rows.len(), 2);
    let ann = &imp.rows[0];
    assert!(ann.is_valid());
    assert_eq!((ann.row, ann.line), (1, 2));
    assert_eq!(ann.meta.get("team"), Some(&Value::String("blue".into())));
    assert_eq!(ann.meta.get("country"), Some(&Value::String("FR".into())));
    let bob = &imp.rows[1];
    assert_eq!(bob.name.as_deref(), Some("Bob, Jr."));
    assert_eq!(
        bob.user_id.as_deref(),
        Some("0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60")
    );
    assert!(bob.meta.is_empty(), "empty cells set no metadata");
}

#[test]
fn invalid_rows_are_kept_with_their_reason() {
    let imp = ok(b"email,user_id\n\
        good@example.com,\n\
        not-an-email,\n\
        ,\n\
        GOOD@example.com,\n\
        uuid@example.com,1234\n\
        braced@example.com,{0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60}\n\
        extra@example.com,,surplus\n");
    let reasons: Vec<_> = imp
        .rows
        .iter()
        .map(|r| r.problem.clone().unwrap_or_default())
        .collect();
    assert_eq!(imp.rows.len(), 7, "{reasons:?}");
    assert_eq!(reasons[0], "");
    assert!(reasons[1].contains("has no @"), "{}", reasons[1]);
    assert_eq!(reasons[2], "email is missing");
    assert!(
        reasons[3].contains("duplicate email") && reasons[3].contains("row 1"),
        "{}",
        reasons[3]
    );
    assert!(reasons[4].contains("not a UUID"), "{}", reasons[4]);
    assert!(reasons[5].contains("not a UUID"), "{}", reasons[5]);
    assert!(reasons[6].contains("3 fields"), "{}", reasons[6]);
    let report = imp.report();
    assert!(report.starts_with("7 rows: 1 valid, 6 invalid"), "{report}");
    assert!(
        report.contains("row 2 (line 3): email \"not-an-email\" has no @"),
        "{report}"
    );
}

#[test]
fn non_utf8_rows_are_reported_not_dropped() {
    let mut csv = b"email,name\nann@example.com,Ann\nbea@example.com,B".to_vec();
    csv.extend_from_slice(&[0xE9, b'a']); // Latin-1 "é"
    csv.extend_from_slice(b"\ncid@example.com,Cid\n");
    let imp = ok(&csv);
    assert_eq!(imp.rows.len(), 3);
    assert_eq!(
        imp.rows[1].problem.as_deref(),
        Some("line 3 is not UTF-8 (save the file as UTF-8)")
    );
    assert!(imp.rows[0].is_valid() && imp.rows[2].is_valid());
}

#[test]
fn quoted_newlines_and_bom_and_crlf() {
    let imp = ok(
        "\u{feff}email,meta.note\r\nann@example.com,\"two\r\nlines\"\r\nbob@example.com,x\r\n"
            .as_bytes(),
    );
    assert_eq!(imp.rows.len(), 2);
    assert_eq!(
        imp.rows[0].meta["note"],
        Value::String("two\r\nlines".into())
    );
    assert_eq!(
        (imp.rows[1].row, imp.rows[1].line),
        (2, 4),
        "line counts the quoted newline"
    );
}

#[test]
fn whole_file_problems_are_clear() {
    let cases: Vec<(&[u8], &str)> = vec![
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (
            b"ann@example.com,Ann\nbob@example.com,Bob\n",
            "looks like data",
        ),
        (b"mail,name\nann@example.com,Ann\n", "no \"email\" column"),
        (b"email,Email\nx@y.z,x@y.z\n", "appears twice"),
        (&[0xFF, 0xFE, b'e', 0, b'm', 0], "UTF-16"),
        (b"em\xE9il,name\n", "header) is not UTF-8"),
    ];
    for (bytes, expected) in cases {
        let err = parse_csv(bytes).unwrap_err().to_string();
        assert!(err.contains(expected), "{expected:?} not in {err:?}");
    }
}

#[test]
fn header_only_is_zero_rows_not_an_error() {
    let imp = ok(b"email\n");
    assert!(imp.rows.is_empty());
}

#[test]
fn reserved_metadata_keys_are_ignored_with_a_note() {
    let imp = ok(b"email,meta.flowdesk_row,meta.\nann@example.com,99,x\n");
    assert!(imp.rows[0].meta.is_empty());
    assert_eq!(imp.warnings.len(), 2, "{:?}", imp.warnings);
}

#[test]
fn huge_files_are_refused_with_the_limit() {
    let mut csv = String::from("email\n");
    for i in 0..=MAX_ROWS {
        csv.push_str(&format!("p{i}@example.com\n"));
    }
    let err = parse_csv(csv.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("50000 rows"), "{err}");
    let big = vec![b'a'; MAX_BYTES + 1];
    assert!(parse_csv(&big).unwrap_err().to_string().contains("MiB"));
}

#[test]
fn email_shapes() {
    for good in [
        "a@b.co",
        "first.last+tag@sub.example.org",
        "x@xn--bcher-kva.example",
    ] {
        assert_eq!(email_problem(good), None, "{good}");
    }
    for bad in [
        "a@b",
        "@b.com",
        "a@@b.com",
        "a b@c.com",
        "a@b..com",
        "a@-b.com",
        "a@b.com;c@d.com",
    ] {
        assert!(email_problem(bad).is_some(), "{bad}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(imp) = parse_csv(&bytes) {
            for (i, r) in imp.rows.iter().enumerate() {
                prop_assert_eq!(r.row as usize, i + 1);
            }
        }
    }

    #[test]
    fn csv_like_text_never_panics_and_keeps_rows(body in "[a-z@.,\"\n\r é]{0,400}") {
        let text = format!("email,name,meta.x\n{body}");
        let imp = parse_csv(text.as_bytes());
        prop_assert!(imp.is_ok());
    }
}
