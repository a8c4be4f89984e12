//! Batches over real loopback HTTP against the local sandbox, with injected faults: every
//! valid row ends with exactly one flow, none lost, none duplicated.

mod common;

use std::time::Duration;

use common::*;
use flowdesk_bulk::{
    results_csv, run, BatchProgress, BulkError, CancellationToken, Journal, RowState,
};
use flowdesk_dots::DotsError;
use flowdesk_sandbox::{Fault, FaultSpec, FaultWhen};
use tokio::sync::watch;

fn post(fault: Fault, when: FaultWhen, count: u32) -> FaultSpec {
    FaultSpec::new(fault, when)
        .method("POST")
        .path_prefix("/api/v2/flows")
        .count(count)
}

fn status(status: u16, retry_after: Option<u64>) -> Fault {
    Fault::Status {
        status,
        retry_after,
        body: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_rows_with_faults_end_with_exactly_one_flow_each() {
    let sb = sandbox().await;
    let c = client(&sb);
    let dir = tempfile::tempdir().unwrap();
    let import = recipients(60);
    let journal = new_journal(dir.path(), &import);

    // Creates that commit but whose reply is lost: the flow exists, the client cannot know.
    let after_commit = [
        post(Fault::Latency { ms: 1500 }, FaultWhen::AfterCommit, 3), // client timeout
        post(Fault::Drop, FaultWhen::AfterCommit, 3),                 // connection dropped
        post(status(500, None), FaultWhen::AfterCommit, 2),           // 5xx after the write
        post(Fault::MalformedJson, FaultWhen::AfterCommit, 2),        // undecodable reply
    ];
    // Creates that never reached the store: looking unknown the same way, they must be re-sent.
    let before = [
        post(status(502, None), FaultWhen::Before, 2),
        post(Fault::Drop, FaultWhen::Before, 2),
    ];
    // Rate limited: not processed, retried after Retry-After.
    let limited = [post(status(429, Some(1)), FaultWhen::Before, 3)];
    let mut injected = 0;
    // Interleaved so the faults hit rows spread over the batch, with concurrency 4.
    for spec in [
        &after_commit[0],
        &before[0],
        &limited[0],
        &after_commit[1],
        &before[1],
        &after_commit[2],
        &after_commit[3],
    ] {
        injected += spec.count;
        sb.inject(spec.clone());
    }
    // And the reconcile's own listing meets a 503 once (a read: retried).
    sb.inject(
        FaultSpec::new(status(503, None), FaultWhen::Before)
            .method("GET")
            .path_prefix("/api/v2/flows"),
    );
    injected += 1;

    let (tx, mut rx) = watch::channel(BatchProgress::default());
    let watcher = tokio::spawn(async move {
        let mut updates = 0;
        while rx.changed().await.is_ok() {
            let p = *rx.borrow();
            assert_eq!(p.created + p.failed + p.unknown + p.remaining, p.total);
            updates += 1;
        }
        updates
    });
    let summary = run(
        &c,
        &journal,
        &options(),
        Some(&tx),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    drop(tx);
    let updates = watcher.await.unwrap();

    let by_row = flows_by_row(&c, &journal.batch_id().to_string()).await;
    let valid: Vec<u32> = import.valid().map(|r| r.row).collect();
    let (duplicates, lost) = duplicates_and_lost(&by_row, &valid);
    println!(
        "rows: {}, faults injected: {injected} (after-commit 10, before-commit 4, 429 3, list 503 1), \
         creates sent: {}, outcome unknown: {}, reconciled found: {}, reconciled missing: {}, \
         rate limited: {}, list pages: {}, flows created: {}, duplicates: {duplicates}, lost: {lost}, progress updates: {updates}",
        valid.len(),
        summary.creates_sent,
        summary.outcome_unknown,
        summary.reconciled_found,
        summary.reconciled_missing,
        summary.rate_limited,
        summary.list_pages,
        sb.flow_count(),
    );
    assert!(
        sb.pending_faults().is_empty(),
        "every fault was hit: {:?}",
        sb.pending_faults()
    );
    assert_eq!(sb.flow_count(), 60);
    assert_eq!((duplicates, lost), (0, 0));
    assert!(by_row.values().all(|v| v.len() == 1));
    assert_eq!(summary.outcome_unknown, 14);
    assert_eq!(
        summary.reconciled_found, 10,
        "committed creates were found, not re-sent"
    );
    assert_eq!(summary.reconciled_missing, 4, "lost creates were re-sent");
    assert_eq!(summary.rate_limited, 3);
    assert_eq!(summary.creates_sent, 60 + 4 + 3);
    assert!(summary.duplicates.is_empty());
    assert_eq!(
        summary.progress,
        BatchProgress {
            total: 60,
            created: 60,
            ..Default::default()
        }
    );
    assert!(updates > 0);

    // The journal's flow ids are the ones in the sandbox.
    for (r, state) in journal.snapshot() {
        let RowState::Created { flow_id, link } = state else {
            panic!("row {} is {state:?}", r.row)
        };
        assert_eq!(by_row[&(r.row as u64)], vec![flow_id.clone()]);
        assert!(link.ends_with(&flow_id));
    }
}

#[tokio::test]
async fn definite_failures_are_failed_with_the_message_and_never_resent() {
    let sb = sandbox().await;
    let c = client(&sb);
    let dir = tempfile::tempdir().unwrap();
    let import = recipients(6);
    let journal = new_journal(dir.path(), &import);
    sb.inject(
        FaultSpec::new(
            Fault::Status {
                status: 400,
                retry_after: None,
                body: Some(r#"{"success":false,"error":"bad","message":"user_id unknown"}"#.into()),
            },
            FaultWhen::Before,
        )
        .method("POST"),
    );
    let opts = flowdesk_bulk::RunOptions {
        concurrency: 1,
        ..options()
    };
    let summary = run(&c, &journal, &opts, None, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(summary.progress.created, 5);
    assert_eq!(summary.progress.failed, 1);
    assert_eq!(summary.creates_sent, 6);
    assert_eq!(sb.flow_count(), 5);
    let RowState::Failed { message } = journal.state(1).unwrap() else {
        panic!()
    };
    assert_eq!(message, "Dots refused the request (400): user_id unknown");
    // A second run sends nothing more.
    let again = run(&c, &journal, &opts, None, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!((again.creates_sent, sb.flow_count()), (0, 5));
    let csv = String::from_utf8(results_csv(&journal).unwrap()).unwrap();
    assert!(
        csv.contains(
            "1,person1@example.com,REF-1,,,failed,Dots refused the request (400): user_id unknown"
        ),
        "{csv}"
    );
}

#[tokio::test]
async fn bad_credentials_stop_the_batch_and_keep_rows_pending() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let import = recipients(8);
    let journal = new_journal(dir.path(), &import);
    let err = run(
        &client_with_key(&sb, "sk_wrong"),
        &journal,
        &options(),
        None,
        &CancellationToken::new(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, BulkError::Dots(DotsError::Unauthorized { .. })),
        "{err}"
    );
    let p = journal.progress();
    assert_eq!(
        (p.remaining, p.failed, p.created),
        (8, 0, 0),
        "no row is marked failed for a key problem"
    );
    // With the right key the same journal completes.
    let summary = run(
        &client(&sb),
        &journal,
        &options(),
        None,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(summary.progress.created, 8);
    assert_eq!(sb.flow_count(), 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_stops_new_creates_and_a_later_run_finishes() {
    let sb = sandbox().await;
    let c = client(&sb);
    let dir = tempfile::tempdir().unwrap();
    let import = recipients(30);
    let journal = new_journal(dir.path(), &import);
    // Slow every create a little so the cancel lands mid-batch.
    sb.inject(
        FaultSpec::new(Fault::Latency { ms: 40 }, FaultWhen::Before)
            .method("POST")
            .count(1000),
    );
    let cancel = CancellationToken::new();
    let (tx, mut rx) = watch::channel(BatchProgress::default());
    let stopper = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            while rx.changed().await.is_ok() {
                if rx.borrow().created >= 5 {
                    cancel.cancel();
                    break;
                }
            }
        })
    };
    let opts = flowdesk_bulk::RunOptions {
        concurrency: 2,
        ..options()
    };
    let first = run(&c, &journal, &opts, Some(&tx), &cancel).await.unwrap();
    stopper.await.unwrap();
    assert!(first.cancelled);
    assert!(
        first.progress.created >= 5 && first.progress.remaining > 0,
        "{:?}",
        first.progress
    );
    assert_eq!(
        sb.flow_count(),
        first.progress.created,
        "in-flight creates finished and were recorded"
    );
    drop(journal);

    let journal = Journal::open(&dir.path().join("batch.journal")).unwrap();
    let second = run(&c, &journal, &opts, None, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(second.progress.created, 30);
    assert_eq!(first.creates_sent + second.creates_sent, 30);
    let by_row = flows_by_row(&c, &journal.batch_id().to_string()).await;
    assert_eq!(
        duplicates_and_lost(&by_row, &(1..=30).collect::<Vec<_>>()),
        (0, 0)
    );
    tokio::time::sleep(Duration::from_millis(10)).await;
}
