//! Resume after a crash: rows stuck in `sending` (some of whose flows were created, some
//! not) are reconciled before anything is created again. Also the listing's stop rule.

mod common;

use std::fs::OpenOptions;
use std::io::Write;
use std::time::Duration;

use common::*;
use flowdesk_bulk::{parse_csv, run, CancellationToken, Journal, RowState, RunOptions};
use flowdesk_sandbox::{Fault, FaultSpec, FaultWhen};

#[tokio::test]
async fn rows_stuck_in_sending_are_reconciled_before_anything_is_recreated() {
    let sb = sandbox().await;
    let c = client(&sb);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("batch.journal");
    let import = recipients(12);
    let journal = new_journal(dir.path(), &import);
    let batch = journal.batch_id();

    // What a crashed run left behind: rows 1-3 were sent and created (the app died before
    // recording it), rows 4-5 were marked sending but never left, row 6 finished, and the
    // last append was torn.
    for r in &journal.rows()[..3] {
        c.create_flow(&journal.template().request_for(batch, r))
            .await
            .unwrap();
    }
    for row in 1..=5 {
        journal.record(row, RowState::Sending).unwrap();
    }
    let six = c
        .create_flow(&journal.template().request_for(batch, &journal.rows()[5]))
        .await
        .unwrap();
    journal.record(6, RowState::Sending).unwrap();
    journal
        .record(
            6,
            RowState::Created {
                flow_id: six.id.clone(),
                link: six.link.clone(),
            },
        )
        .unwrap();
    drop(journal);
    OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(br#"{"kind":"row","row":7,"sta"#)
        .unwrap();
    assert_eq!(sb.flow_count(), 4);

    let journal = Journal::open(&path).unwrap();
    for row in 1..=5 {
        assert!(
            matches!(journal.state(row), Some(RowState::Unknown { .. })),
            "row {row}"
        );
    }
    assert_eq!(
        journal.state(7),
        Some(RowState::Pending),
        "a torn line changes nothing"
    );
    let opts = RunOptions {
        page_size: 5,
        ..options()
    };
    let summary = run(&c, &journal, &opts, None, &CancellationToken::new())
        .await
        .unwrap();
    println!(
        "resume: rows 12, stuck sending 5 (3 created before the crash), found {}, re-created {}, creates sent {}, flows {}",
        summary.reconciled_found,
        summary.reconciled_missing,
        summary.creates_sent,
        sb.flow_count()
    );
    assert_eq!(
        (summary.reconciled_found, summary.reconciled_missing),
        (3, 2)
    );
    assert_eq!(
        summary.creates_sent,
        12 - 4,
        "only rows without a flow were sent"
    );
    assert_eq!(sb.flow_count(), 12);
    let by_row = flows_by_row(&c, &batch.to_string()).await;
    assert_eq!(
        duplicates_and_lost(&by_row, &(1..=12).collect::<Vec<_>>()),
        (0, 0)
    );
    assert_eq!(
        journal.state(6),
        Some(RowState::Created {
            flow_id: six.id,
            link: six.link
        }),
        "finished rows are kept"
    );
}

#[tokio::test]
async fn the_listing_stops_at_a_page_older_than_the_batch() {
    let sb = sandbox().await;
    let c = client(&sb);
    let dir = tempfile::tempdir().unwrap();

    // An earlier batch of 40 flows, all created before this batch starts.
    let earlier = new_journal(dir.path(), &recipients(40));
    run(&c, &earlier, &options(), None, &CancellationToken::new())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;

    let import = parse_csv(b"email\na@example.com\nb@example.com\nc@example.com\n").unwrap();
    let journal = flowdesk_bulk::Journal::create(
        &dir.path().join("second.journal"),
        &template(),
        &import,
        None,
    )
    .unwrap();
    sb.inject(
        FaultSpec::new(Fault::Drop, FaultWhen::AfterCommit)
            .method("POST")
            .count(2),
    );
    // No skew allowance: with the same clock on both sides, the first page holding only
    // the earlier batch's flows ends the listing.
    let opts = RunOptions {
        page_size: 2,
        clock_skew: Duration::ZERO,
        concurrency: 1,
        ..options()
    };
    let summary = run(&c, &journal, &opts, None, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(summary.reconciled_found, 2);
    assert_eq!(summary.progress.created, 3);
    assert_eq!(sb.flow_count(), 43);
    // 3 new flows + at most one page of old ones: 2 or 3 pages, never the 22 a full listing takes.
    assert!(summary.list_pages <= 3, "read {} pages", summary.list_pages);

    // With the default 10-minute allowance the whole (young) environment is read instead.
    let import = parse_csv(b"email\nd@example.com\n").unwrap();
    let third = flowdesk_bulk::Journal::create(
        &dir.path().join("third.journal"),
        &template(),
        &import,
        None,
    )
    .unwrap();
    sb.inject(FaultSpec::new(Fault::Drop, FaultWhen::AfterCommit).method("POST"));
    let opts = RunOptions {
        page_size: 10,
        ..options()
    };
    let summary = run(&c, &third, &opts, None, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!((summary.reconciled_found, summary.list_pages), (1, 5));
    assert_eq!(sb.flow_count(), 44);
}
