//! A messy recipients file end to end: every row is accounted for in the results, the valid
//! ones get exactly one flow each, the invalid ones none, each with its reason.

mod common;

use common::*;
use flowdesk_bulk::{mail_merge_csv, parse_csv, results_csv, run, CancellationToken, MailTemplate};

#[tokio::test]
async fn a_messy_file_loses_no_row() {
    let sb = sandbox().await;
    let c = client(&sb);
    let dir = tempfile::tempdir().unwrap();
    let mut csv = b"email,name,reference,user_id,meta.note\n\
        ann@example.com,Ann,R1,,\"line one\nline two\"\n\
        not-an-email,Bob,R2,,\n\
        ann@EXAMPLE.com,Ann again,R3,,\n\
        cid@example.com,Cid,R4,12345,\n\
        dee@example.com,D"
        .to_vec();
    csv.extend_from_slice(&[0xFC]); // Latin-1 "ü"
    csv.extend_from_slice(b",R5,,\n=evil@example.com,Eve,=1+1,,\nfay@example.com,Fay,R7,0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60,\n");
    let import = parse_csv(&csv).unwrap();
    println!("{}", import.report());
    assert_eq!(import.rows.len(), 7);
    assert_eq!(
        import.valid().count(),
        3,
        "ann, =evil (a valid address), fay"
    );
    let journal = new_journal(dir.path(), &import);
    let summary = run(&c, &journal, &options(), None, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!((summary.progress.created, summary.progress.invalid), (3, 4));
    assert_eq!(sb.flow_count(), 3);

    let results = String::from_utf8(results_csv(&journal).unwrap()).unwrap();
    let mut reader = csv::Reader::from_reader(results.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 7, "{results}");
    let status: Vec<&str> = rows.iter().map(|r| &r[5]).collect();
    assert_eq!(
        status,
        ["created", "invalid", "invalid", "invalid", "invalid", "created", "created"]
    );
    assert!(rows[3][6].contains("not a UUID"));
    assert_eq!(
        &rows[4][6], "line 7 is not UTF-8 (save the file as UTF-8)",
        "the quoted newline counts as a line"
    );
    assert_eq!(&rows[5][1], "'=evil@example.com", "formula guarded");
    assert_eq!(&rows[5][2], "'=1+1");

    let merged =
        String::from_utf8(mail_merge_csv(&journal, &MailTemplate::default()).unwrap()).unwrap();
    let mut reader = csv::Reader::from_reader(merged.as_bytes());
    let mails: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(mails.len(), 3);
    assert!(
        mails[0][2].contains("Hello Ann")
            && mails[0][2].contains("Compliance, Manage payouts, Redirect")
    );
    assert!(
        mails[0][2].contains(&sb.origin()),
        "the link is in the body"
    );
}
