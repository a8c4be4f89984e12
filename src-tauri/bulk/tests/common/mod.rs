//! Shared set-up: a local sandbox on a free loopback port, a client with a short timeout,
//! recipient files, and an independent count of the flows each row got.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use flowdesk_bulk::{parse_csv, BatchTemplate, Import, Journal, RunOptions};
use flowdesk_dots::{ClientConfig, DotsClient, ListParams, Step, StepName};
use flowdesk_sandbox::{SandboxConfig, SandboxHandle};

pub const CLIENT_ID: &str = "cid_bulk";
pub const API_KEY: &str = "sk_test_bulk_Qw3rTy";
/// Short, so an injected after-commit latency of 1.5 s is a real client timeout.
pub const TIMEOUT: Duration = Duration::from_millis(1000);

pub async fn sandbox() -> SandboxHandle {
    flowdesk_sandbox::start(SandboxConfig::new(CLIENT_ID, API_KEY))
        .await
        .expect("sandbox starts")
}

pub fn client_with_key(sb: &SandboxHandle, key: &str) -> DotsClient {
    let mut config = ClientConfig::new(&sb.base_url(), CLIENT_ID, key).unwrap();
    config.timeout = TIMEOUT;
    DotsClient::new(config).unwrap()
}

pub fn client(sb: &SandboxHandle) -> DotsClient {
    client_with_key(sb, API_KEY)
}

pub fn template() -> BatchTemplate {
    let mut redirect = Step::new(StepName::Redirect);
    redirect.redirect_url = Some("https://acme.example.com/welcome".into());
    BatchTemplate::new(vec![
        Step::new(StepName::Compliance),
        Step::new(StepName::ManagePayouts),
        redirect,
    ])
}

/// `n` valid recipients (every third with a user id, every fifth with a meta column).
pub fn recipients(n: usize) -> Import {
    let mut csv = String::from("email,name,reference,user_id,meta.team\n");
    for i in 1..=n {
        let user = if i % 3 == 0 {
            format!("{:08x}-6b3a-4d2e-9a77-3f1c2d4e5f60", i)
        } else {
            String::new()
        };
        let team = if i % 5 == 0 { "blue" } else { "" };
        csv.push_str(&format!(
            "person{i}@example.com,Person {i},REF-{i},{user},{team}\n"
        ));
    }
    parse_csv(csv.as_bytes()).unwrap()
}

pub fn options() -> RunOptions {
    RunOptions {
        settle: Duration::from_millis(50),
        ..RunOptions::default()
    }
}

pub fn new_journal(dir: &Path, import: &Import) -> Journal {
    Journal::create(
        &dir.join("batch.journal"),
        &template(),
        import,
        Some("recipients.csv".into()),
    )
    .unwrap()
}

/// Lists every flow in the sandbox (independently of the crate's own reconcile) and groups
/// this batch's flows by `metadata.flowdesk_row`.
pub async fn flows_by_row(c: &DotsClient, batch: &str) -> BTreeMap<u64, Vec<String>> {
    let mut out: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    let mut params = ListParams {
        limit: Some(100),
        ..Default::default()
    };
    loop {
        let page = c.list_flows(&params).await.unwrap();
        for f in &page.data {
            let meta = f.metadata.as_ref().and_then(|m| m.as_object());
            if let Some(meta) =
                meta.filter(|m| m.get("flowdesk_batch").and_then(|b| b.as_str()) == Some(batch))
            {
                let row = meta["flowdesk_row"].as_u64().unwrap();
                out.entry(row).or_default().push(f.id.clone());
            }
        }
        if !page.has_more {
            break;
        }
        params.starting_after = page.data.last().map(|f| f.id.clone());
    }
    out
}

/// Rows with more than one flow, and valid rows with none.
pub fn duplicates_and_lost(
    by_row: &BTreeMap<u64, Vec<String>>,
    valid_rows: &[u32],
) -> (usize, usize) {
    let duplicates = by_row.values().map(|v| v.len().saturating_sub(1)).sum();
    let lost = valid_rows
        .iter()
        .filter(|r| !by_row.contains_key(&(**r as u64)))
        .count();
    (duplicates, lost)
}
