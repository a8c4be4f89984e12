//! Two processes, one data folder, for real: the app's core runs in this process while
//! `flowdesk` processes work on the same data folder at the same time, some of them killed
//! with SIGKILL at random points. Afterwards (and after the next start's recovery) nothing
//! is lost and nothing is paid twice.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::process::{Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use flowdesk_core::{Core, CoreOptions, LocalMode, Scripted};
use flowdesk_dots::{FlowRequest, ListParams, Step, StepName};
use flowdesk_money::{IntentState, MoneyRequest};
use flowdesk_sandbox::SeedUser;
use flowdesk_settings::{Credentials, MemoryStore};

/// Rounds per CLI worker and for the app; each round is a create, a switch of the active
/// environment, a payment to the same user, and every third round a History delete.
const ROUNDS: usize = 6;
const WORKERS: usize = 3;

/// A small deterministic generator (the seed is printed, so a failure can be replayed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % below.max(1)
    }
}

fn verified_user(sb: &TestSandbox) -> String {
    let user = sb.seed_user(SeedUser { status: Some("verified".into()), ..Default::default() }).unwrap();
    user["id"].as_str().unwrap().to_string()
}

async fn core_at(dir: &Path) -> Core {
    let mut options =
        CoreOptions::new(dir, Credentials::new(MemoryStore::new()), Arc::new(Scripted::always(true)));
    options.local = LocalMode::Connect;
    Core::start(options).await.unwrap()
}

/// Runs one CLI verb, killing it after `kill_after` when given. `None` when it was killed.
fn run_cli(s: &Scratch, args: &[&str], kill_after: Option<Duration>) -> Option<Output> {
    let mut c = s.cmd();
    c.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    if let Some(after) = kill_after {
        // Fault injection: the kill lands wherever the process happens to be.
        std::thread::sleep(after);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            return None;
        }
    }
    Some(child.wait_with_output().unwrap())
}

#[derive(Default)]
struct Tally {
    commands: usize,
    killed: usize,
    creates_ok: usize,
    funds_ok: usize,
    funds_refused: usize,
    /// Flows someone asked to forget (done or cut short).
    delete_attempts: HashSet<String>,
}

fn cli_worker(s: &Scratch, worker: usize, user: &str, seed: u64, tally: &Mutex<Tally>) {
    let mut rng = Lcg(seed ^ (worker as u64 + 1) * 0x9E37_79B9);
    let mut mine: Vec<String> = Vec::new();
    for round in 0..ROUNDS {
        let reference = format!("reference=cli-{worker}-{round}");
        let env = if rng.next(2) == 0 { "local" } else { "sandbox" };
        let mut steps: Vec<Vec<String>> = vec![
            ["--env", "local", "create", "--step", "compliance", "--meta", &reference].map(String::from).to_vec(),
            ["env", "use", env].map(String::from).to_vec(),
            ["--env", "local", "--yes", "fund", user, "--amount", "1"].map(String::from).to_vec(),
        ];
        if round % 3 == 2 {
            if let Some(id) = mine.pop() {
                tally.lock().unwrap().delete_attempts.insert(id.clone());
                steps.push(vec!["history".into(), "delete".into(), id]);
            }
        }
        for args in steps {
            // About one command in four is killed at a random point of its run.
            let kill = (rng.next(4) == 0).then(|| Duration::from_millis(150 + rng.next(300)));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = run_cli(s, &args, kill);
            let mut t = tally.lock().unwrap();
            t.commands += 1;
            let Some(out) = out else {
                t.killed += 1;
                continue;
            };
            match args.iter().find(|a| ["create", "fund"].contains(a)).copied() {
                Some("create") if out.status.success() => {
                    t.creates_ok += 1;
                    let link = text(&out.stdout);
                    mine.extend(link.trim().rsplit('/').next().map(str::to_string));
                }
                Some("fund") if out.status.success() => t.funds_ok += 1,
                Some("fund") => t.funds_refused += 1,
                _ => {}
            }
        }
    }
}

async fn app_loop(app: &Core, user: &str, tally: &Mutex<Tally>) {
    let mut mine = Vec::new();
    for round in 0..ROUNDS {
        let mut meta = serde_json::Map::new();
        meta.insert("reference".into(), format!("app-{round}").into());
        let request = FlowRequest {
            steps: vec![Step::new(StepName::Compliance)],
            metadata: Some(flowdesk_dots::Metadata::Object(meta)),
            ..Default::default()
        };
        if let Ok(view) = app.create_flow(request, Some("local")).await {
            tally.lock().unwrap().creates_ok += 1;
            mine.push(view.flow.id);
        }
        app.set_active_environment(if round % 2 == 0 { "sandbox" } else { "local" }.into()).await.unwrap();
        let fund = MoneyRequest::Fund { user_id: user.into(), amount: "1".into() };
        match app.money_send(Some("local"), &fund, None, None).await {
            Ok(_) => tally.lock().unwrap().funds_ok += 1,
            Err(_) => tally.lock().unwrap().funds_refused += 1,
        }
        if round % 3 == 2 {
            if let Some(id) = mine.pop() {
                tally.lock().unwrap().delete_attempts.insert(id.clone());
                app.history_delete(id).await.unwrap();
            }
            // A rewrite of the whole file while the CLIs append to it.
            app.history_retention(3650).await.unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_app_and_clis_at_once_lose_nothing_and_never_pay_twice() {
    let s = Arc::new(Scratch::new());
    let sb = sandbox(&s).await;
    let user = verified_user(&sb);
    // Creates commit at once but answer 200 ms later, so a kill often lands with a flow made
    // and not yet in History: the case the next start's recovery is for.
    sb.inject(
        flowdesk_sandbox::FaultSpec::new(flowdesk_sandbox::Fault::Latency { ms: 200 }, flowdesk_sandbox::FaultWhen::AfterCommit)
            .method("POST")
            .path_prefix("/api/v2/flows")
            .count(10_000),
    );
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    println!("concurrency test seed {seed}");
    let tally = Arc::new(Mutex::new(Tally::default()));
    let app = core_at(&s.data_dir()).await;

    let started = Instant::now();
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| {
            let (s, tally, user) = (s.clone(), tally.clone(), user.clone());
            tokio::task::spawn_blocking(move || cli_worker(&s, w, &user, seed, &tally))
        })
        .collect();
    app_loop(&app, &user, &tally).await;
    for w in workers {
        w.await.unwrap();
    }
    // The last change to the settings, made when nobody else writes.
    let last = run_cli(&s, &["env", "use", "local"], None).unwrap();
    assert!(last.status.success(), "{}", text(&last.stderr));
    drop(app);

    // The next start: its recovery looks for the flows of creates cut short.
    let next = core_at(&s.data_dir()).await;
    let recovered = next.recover_creates().await.unwrap();

    // Every flow on the sandbox is in History exactly once (unless someone forgot it).
    let mut on_sandbox = Vec::new();
    let mut params = ListParams { limit: Some(100), ..Default::default() };
    loop {
        let page = next.list_flows("local", params.clone()).await.unwrap();
        on_sandbox.extend(page.data.iter().map(|f| f.id.clone()));
        match page.data.last() {
            Some(last) if page.has_more => params.starting_after = Some(last.id.clone()),
            _ => break,
        }
    }
    let history = next.history_search("", Some(100_000));
    let mut in_history: HashMap<String, usize> = HashMap::new();
    for item in &history {
        *in_history.entry(item.entry.flow_id.clone()).or_default() += 1;
    }
    let t = tally.lock().unwrap();
    let lost: Vec<&String> =
        on_sandbox.iter().filter(|id| !in_history.contains_key(*id) && !t.delete_attempts.contains(*id)).collect();
    let twice: Vec<(&String, &usize)> = in_history.iter().filter(|(_, n)| **n > 1).collect();
    assert!(lost.is_empty(), "flows made but missing from History: {lost:?}");
    assert!(twice.is_empty(), "flows in History more than once: {twice:?}");

    // One audit line per created flow, and torn lines closed off (counted, never parsed).
    let audit = flowdesk_money::AuditLog::new(s.data_dir().join("audit.jsonl")).read().unwrap();
    let mut create_lines: HashMap<String, usize> = HashMap::new();
    for e in audit.entries.iter().filter(|e| e.action == "flow.create") {
        for id in &e.dots_ids {
            *create_lines.entry(id.clone()).or_default() += 1;
        }
    }
    let unaudited: Vec<&String> = on_sandbox.iter().filter(|id| create_lines.get(*id) != Some(&1)).collect();
    assert!(unaudited.is_empty(), "flows without exactly one flow.create audit line: {unaudited:?}");

    // Money: never two open intents for one recipient; transfers and intents one to one.
    let intents = next.money_intents().await.unwrap();
    let mut open: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for i in intents.iter().filter(|i| i.state.is_unresolved()) {
        open.entry(format!("{}/{:?}", i.environment, i.action.recipient_key())).or_default().push(i.id.clone());
    }
    assert!(open.values().all(|ids| ids.len() == 1), "two open intents for one recipient: {open:?}");
    let transfers = sb.transfers_for(&user);
    let mut per_intent: HashMap<String, usize> = HashMap::new();
    for tr in &transfers {
        let text = tr["metadata"].to_string();
        let owner = intents.iter().find(|i| text.contains(&i.id)).unwrap_or_else(|| panic!("a transfer with no intent: {tr}"));
        *per_intent.entry(owner.id.clone()).or_default() += 1;
    }
    assert!(per_intent.values().all(|n| *n == 1), "an intent paid more than once: {per_intent:?}");
    let done = intents.iter().filter(|i| i.state == IntentState::Done).count();
    let done_paid = intents.iter().filter(|i| i.state == IntentState::Done && per_intent.contains_key(&i.id)).count();
    assert_eq!(done, done_paid, "a settled payment with no transfer");

    // The settings file parses and holds the last change.
    let settings = flowdesk_settings::SettingsFile::at(s.data_dir().join("settings.json")).load().unwrap();
    assert!(settings.notice.is_none(), "the settings file needed repair: {:?}", settings.notice);
    assert_eq!(settings.settings.active_environment(), "local");
    assert_eq!(next.settings().active_environment(), "local");

    println!(
        "concurrency: {} CLI commands ({} killed with SIGKILL) beside {ROUNDS} app rounds in {:.1} s; \
         {} creates answered, {} flows on the sandbox, {} in History, {} forgotten on purpose, {} recovered after a kill ({} at the next start); \
         {} audit lines ({} torn and closed off); {} payments made, {} refused by the guard, {} intents ({} open), {} transfers",
        t.commands,
        t.killed,
        started.elapsed().as_secs_f64(),
        t.creates_ok,
        on_sandbox.len(),
        in_history.len(),
        t.delete_attempts.len(),
        audit.entries.iter().filter(|e| e.action == "flow.create" && e.result == "recovered").map(|e| e.dots_ids.len()).sum::<usize>(),
        recovered,
        audit.entries.len(),
        audit.skipped_lines,
        t.funds_ok,
        t.funds_refused,
        intents.len(),
        open.len(),
        transfers.len()
    );
}

/// Two processes pay the same recipient at the same moment: one proceeds, the other is
/// refused with the first one's intent named (the guard's check and the intent's write
/// happen under one lock across processes).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_paying_one_recipient_at_once_pay_once() {
    let s = Arc::new(Scratch::new());
    let sb = sandbox(&s).await;
    let user = verified_user(&sb);
    // The winner's transfer stays in flight (8 s) far longer than the other process can take
    // to start, even on a loaded machine, so the other always meets the winner's open intent.
    sb.inject(
        flowdesk_sandbox::FaultSpec::new(flowdesk_sandbox::Fault::Latency { ms: 8000 }, flowdesk_sandbox::FaultWhen::Before)
            .method("POST")
            .path_prefix("/api/v2/transfers")
            .count(1),
    );
    let both: Vec<_> = (0..2)
        .map(|_| {
            let (s, user) = (s.clone(), user.clone());
            tokio::task::spawn_blocking(move || run_cli(&s, &["--env", "local", "--yes", "fund", &user, "--amount", "5"], None))
        })
        .collect();
    let mut outs = Vec::new();
    for b in both {
        outs.push(b.await.unwrap().unwrap());
    }
    let (ok, refused): (Vec<_>, Vec<_>) = outs.iter().partition(|o| o.status.success());
    assert_eq!(
        (ok.len(), refused.len()),
        (1, 1),
        "{:?}",
        outs.iter().map(|o| text(&o.stderr)).collect::<Vec<_>>()
    );
    let intents = core_at(&s.data_dir()).await.money_intents().await.unwrap();
    assert_eq!(intents.len(), 1, "one intent only");
    let said = text(&refused[0].stderr);
    assert!(said.contains(&intents[0].id), "the refusal names the first one's intent: {said}");
    assert_eq!(refused[0].status.code(), Some(3));
    assert_eq!(sb.wallet_cents(&user), Some(500), "paid once");
}

/// The app's core sees what a CLI process changed without a restart, and says so with an
/// event (the window refreshes on it): the active environment, a new History entry and a new
/// money intent, which the app's guard then consults.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_sees_the_clis_changes_without_a_restart() {
    use flowdesk_core::{CoreEvent, DataKind};
    let s = Arc::new(Scratch::new());
    let sb = sandbox(&s).await;
    let user = sb.seed_user(SeedUser::default()).unwrap()["id"].as_str().unwrap().to_string();
    let app = core_at(&s.data_dir()).await;
    let mut events = app.subscribe();
    assert_eq!(app.settings().active_environment(), "local");

    for args in [
        vec!["env", "use", "sandbox"],
        vec!["--env", "local", "create", "--step", "compliance", "--meta", "reference=from-the-cli"],
        vec!["--env", "local", "--yes", "fund", user.as_str(), "--amount", "1"],
    ] {
        let out = run_cli(&s, &args, None).unwrap();
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    }
    // Told first (nothing in this process has read the files since), then read.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut told: Vec<DataKind> = Vec::new();
    while ![DataKind::Settings, DataKind::History, DataKind::Money].iter().all(|k| told.contains(k)) {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, events.recv()).await {
            Ok(Ok(CoreEvent::DataChanged(what))) => told.extend(what),
            Ok(_) => {}
            Err(_) => panic!("no data-changed event for all three within 10 s: {told:?}"),
        }
    }
    assert_eq!(app.settings().active_environment(), "sandbox");
    assert_eq!(app.environments().active, "sandbox");
    assert_eq!(app.history_search("from-the-cli", None).len(), 1, "the CLI's flow is in the app's History");
    assert_eq!(app.money_intents().await.unwrap().len(), 1, "the CLI's intent is seen by the app's guard");
}
