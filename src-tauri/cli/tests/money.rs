//! `flowdesk user`, `fund`, `payout-link` and `money` against a sandbox started by the test,
//! on throwaway folders. Money is checked through the sandbox's wallets.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use flowdesk_sandbox::{Fault, FaultSpec, FaultWhen, SandboxHandle, SeedUser};

fn seed(sb: &SandboxHandle, seed: SeedUser) -> String {
    sb.seed_user(seed).unwrap()["id"].as_str().unwrap().to_string()
}

fn args(mut c: Command, a: &[&str]) -> Command {
    c.args(a);
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_get_and_list_show_wallet_status_and_criminal_activity() {
    let s = Scratch::new();
    let sb = sandbox(&s).await;
    let flagged = seed(
        &sb,
        SeedUser {
            first_name: Some("Ada".into()),
            last_name: Some("Lovelace".into()),
            status: Some("verified".into()),
            has_criminal_activity: Some(true),
            background_check_status: Some("consider".into()),
            wallet_cents: Some(123456),
            ..SeedUser::default()
        },
    );
    let clean = seed(&sb, SeedUser { first_name: Some("Bob".into()), status: Some("unverified".into()), ..SeedUser::default() });
    let out = run(args(s.local(&sb), &["user", "get", &flagged])).await;
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(shown.contains("Ada Lovelace") && shown.contains("$1,234.56") && shown.contains("verified"), "{shown}");
    assert!(shown.contains("criminal activity") && shown.contains("consider"), "{shown}");
    let out = run(args(s.local(&sb), &["user", "get", &clean])).await;
    assert!(!text(&out.stdout).contains("criminal activity"));

    let out = run(args(s.local(&sb), &["user", "list", "--status", "verified"])).await;
    assert_eq!(code(&out), 0);
    assert!(text(&out.stdout).contains(&flagged) && !text(&out.stdout).contains(&clean));
    let out = run(args(s.local(&sb), &["user", "get", "not-a-uuid"])).await;
    assert_ne!(code(&out), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fund_moves_exact_cents_once_and_bad_amounts_move_nothing() {
    let s = Scratch::new();
    let sb = sandbox(&s).await;
    let user = seed(&sb, SeedUser::default());
    let out = run(args(s.local(&sb), &["fund", &user, "--amount", "12.34"])).await;
    assert_eq!(code(&out), 7, "not confirmed without --yes at no terminal: {}", text(&out.stderr));
    assert_eq!(sb.wallet_cents(&user), Some(0));

    for bad in ["12.345", "-5", "0", "abc", "99999999999"] {
        let amount = format!("--amount={bad}");
        let out = run(args(s.local(&sb), &["fund", &user, &amount, "--yes"])).await;
        assert_eq!(code(&out), 3, "{bad}: {}", text(&out.stderr));
        assert!(text(&out.stderr).starts_with("flowdesk: "));
    }
    assert_eq!(sb.wallet_cents(&user), Some(0));

    let out = run(args(s.local(&sb), &["fund", &user, "--amount", "$12.34", "--yes"])).await;
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("$12.34 from the app's Dots wallet to"), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("transfer "));
    assert_eq!(sb.wallet_cents(&user), Some(1234));

    // A flow created here is audited too.
    let out = run(args(s.local(&sb), &["create", "--step", "payout", "--json"])).await;
    let flow: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    // The audit log has the confirmation and the result, the flow, and no key.
    let out = run(args(s.local(&sb), &["money", "audit"])).await;
    let csv = text(&out.stdout);
    assert!(csv.contains("wallet.fund") && csv.contains(",confirmed,") && csv.contains(",done,"), "{csv}");
    assert!(csv.contains("flow.create") && csv.contains(flow["id"].as_str().unwrap()), "{csv}");
    assert!(!csv.contains(&sb.guard.endpoint.api_key));
}

/// The process is killed (SIGKILL) after the server committed and before the reply: the
/// intent is on disk, `money retry` re-sends its key, the money moved once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_fund_is_retried_with_the_same_key_and_pays_once() {
    let s = Scratch::new();
    let sb = sandbox(&s).await;
    let user = seed(&sb, SeedUser::default());
    sb.inject(FaultSpec {
        path_prefix: Some("/api/v2/transfers".into()),
        method: Some("POST".into()),
        ..FaultSpec::new(Fault::Latency { ms: 5_000 }, FaultWhen::AfterCommit)
    });
    let mut c = args(s.local(&sb), &["fund", &user, "--amount", "20", "--yes"]);
    c.stdout(Stdio::null()).stderr(Stdio::null());
    let mut child = c.spawn().unwrap();
    // Wait until the server has committed (the wallet moved), then kill.
    for _ in 0..100 {
        if sb.wallet_cents(&user) == Some(2000) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(sb.wallet_cents(&user), Some(2000));
    child.kill().unwrap();
    let _ = child.wait();
    sb.clear_faults();

    let out = run(args(s.local(&sb), &["money", "intents"])).await;
    let line = text(&out.stdout);
    assert!(line.contains("sending"), "{line}");
    let intent = line.split_whitespace().next().unwrap().to_string();

    // A new fund to the same user is refused while the first is unsettled.
    let out = run(args(s.local(&sb), &["fund", &user, "--amount", "20", "--yes"])).await;
    assert_eq!(code(&out), 3);
    assert!(text(&out.stderr).contains("unsettled"), "{}", text(&out.stderr));

    let out = run(args(s.local(&sb), &["money", "retry", &intent])).await;
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("no money moved twice"), "{}", text(&out.stderr));
    assert_eq!(sb.wallet_cents(&user), Some(2000));
    assert_eq!(sb.transfers_for(&user).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payout_link_create_get_cancel() {
    let s = Scratch::new();
    let sb = sandbox(&s).await;
    let before = sb.app_balance_cents();
    let out = run(args(
        s.local(&sb),
        &["payout-link", "create", "--amount", "25", "--email", "pat@example.com", "--delivery", "email", "--yes"],
    ))
    .await;
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let link = text(&out.stdout).trim().to_string();
    assert!(link.contains("/payout-link/"), "{link}");
    let id = link.rsplit('/').next().unwrap().to_string();
    assert_eq!(before - sb.app_balance_cents(), 2500);
    let out = run(args(s.local(&sb), &["payout-link", "get", &id])).await;
    assert!(text(&out.stdout).contains("$25.00"));
    let out = run(args(s.local(&sb), &["payout-link", "cancel", &id])).await;
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("canceled"));
    let out = run(args(s.local(&sb), &["payout-link", "create", "--amount", "5", "--delivery", "sms", "--yes"])).await;
    assert_eq!(code(&out), 3, "sms needs a phone: {}", text(&out.stderr));
}

/// Production: `--yes` alone is refused; `--confirm-amount` must repeat the amount and
/// `--confirm-production` name the environment. Needs a key in a keychain, so only inside
/// scripts/with-keyring.sh.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_needs_the_amount_repeated() {
    if !cfg!(target_os = "linux") {
        eprintln!("skipped: the real keychain is tested on Linux only");
        return;
    }
    if !keyring_is_throwaway() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI must run this inside scripts/with-keyring.sh");
        eprintln!("skipped: no throwaway keyring (run inside scripts/with-keyring.sh with HOME under /tmp)");
        return;
    }
    let s = Scratch::new();
    let sb = sandbox(&s).await;
    // A production-marked environment pointed at the sandbox (loopback is allowed over http).
    let mut c = s.cmd();
    c.args(["env", "add", "--name", "Prod mirror", "--base-url", &sb.base_url(), "--production"]);
    let out = run(c).await;
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let env = text(&out.stdout).trim().to_string();
    let endpoint = sb.guard.endpoint.clone();
    let mut c = s.cmd();
    c.args(["--env", &env, "creds", "set", "--client-id", &endpoint.client_id]).stdin(Stdio::piped()).stdout(Stdio::null());
    let mut child = c.spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(format!("{}\n", endpoint.api_key).as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());

    let user = seed(&sb, SeedUser::default());
    let fund = |extra: &[&str]| {
        let mut c = s.cmd();
        c.args(["--env", &env, "fund", &user, "--amount", "12.34", "--yes"]).args(extra);
        c
    };
    let out = run(fund(&[])).await;
    assert_eq!(code(&out), 7, "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--confirm-amount"), "{}", text(&out.stderr));
    let out = run(fund(&["--confirm-amount", "12.43", "--confirm-production", &env])).await;
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    // The amount right but the environment not named: the core's confirmer says no.
    let out = run(fund(&["--confirm-amount", "12.34"])).await;
    assert_eq!(code(&out), 7, "{}", text(&out.stderr));
    assert_eq!(sb.wallet_cents(&user), Some(0));
    let out = run(fund(&["--confirm-amount", "12.34", "--confirm-production", &env])).await;
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(sb.wallet_cents(&user), Some(1234));

    // Every other action that sends in Production: without --confirm-production naming the
    // environment, exit 7 and nothing reaches Dots.
    let confirm = ["--confirm-production", env.as_str()];
    let mut c = s.cmd();
    c.args(["--env", &env]).args(confirm).args(["payout-link", "create", "--amount", "4", "--confirm-amount", "4", "--email", "pat@example.com"]);
    let out = run(c).await;
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let link = text(&out.stdout).trim().rsplit('/').next().unwrap().to_string();
    std::fs::write(s.path("people.csv"), "email\nann@example.com\n").unwrap();
    std::fs::write(s.path("t.json"), r#"{"steps": ["compliance"]}"#).unwrap();
    let (people, template, links) = (s.path("people.csv"), s.path("t.json"), s.path("links.csv"));
    let before = (sb.flow_count(), sb.transfer_count(), sb.payout_link_count(), sb.payout_link(&link).map(|l| l["status"].clone()));
    let unconfirmed: Vec<Vec<String>> = vec![
        vec!["create".into(), "--step".into(), "compliance".into()],
        vec!["bulk".into(), people.display().to_string(), "--template".into(), template.display().to_string(), "-o".into(), links.display().to_string()],
        vec!["fund".into(), user.clone(), "--amount".into(), "1".into(), "--confirm-amount".into(), "1".into()],
        vec!["payout-link".into(), "create".into(), "--amount".into(), "2".into(), "--confirm-amount".into(), "2".into()],
        vec!["payout-link".into(), "cancel".into(), link.clone()],
        vec!["payout-link".into(), "redeliver".into(), link.clone()],
        vec!["env".into(), "edit".into(), env.clone(), "--production".into(), "false".into()],
        vec!["env".into(), "edit".into(), env.clone(), "--base-url".into(), "http://127.0.0.1:9/api".into()],
        vec!["env".into(), "remove".into(), env.clone()],
    ];
    for args in unconfirmed {
        let mut c = s.cmd();
        c.args(["--env", &env]).args(&args);
        let out = run(c).await;
        assert_eq!(code(&out), 7, "{args:?}: {}", text(&out.stderr));
        let now = (sb.flow_count(), sb.transfer_count(), sb.payout_link_count(), sb.payout_link(&link).map(|l| l["status"].clone()));
        assert_eq!(now, before, "{args:?} changed something on Dots");
    }
    let mut c = s.cmd();
    c.args(["env", "list"]);
    assert!(text(&run(c).await.stdout).contains("[production]"), "the environment is still there, still Production");

    let mut c = s.cmd();
    c.args(["--env", &env, "creds", "delete"]);
    let _ = run(c).await;
}
