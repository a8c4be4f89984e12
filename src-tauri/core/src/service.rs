//! The one service: loads the data folder, checks the keychain, reaches the local sandbox,
//! starts the watch scheduler, and hands out a Dots client per environment. Everything
//! that touches disk or the keychain runs off the async workers (`spawn_blocking`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use flowdesk_dots::{DotsClient, Scheduler, WatchConfig, WatchHandle};
use flowdesk_history::{History, Templates};
use flowdesk_money::{AuditEntry, Ledger};
use flowdesk_settings::{Credentials, Environment, Settings, SettingsFile, LOCAL};
use serde::Serialize;
use tokio::sync::broadcast;
use ts_rs::TS;

use crate::bulk::Runs;
use crate::confirm::{Ask, Clearance, Confirmation, Confirmer};
use crate::environments::KeychainStatus;
use crate::error::{CoreError, CoreResult};
use crate::events::CoreEvent;
use crate::local::{Local, LocalMode};
use crate::shared::{stamp, DataLock, Stamp, Synced};

/// What the window shows about the app itself. Never carries a key.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub environment: String,
    /// The local sandbox's Dots base URL, when it is known.
    pub base_url: String,
    pub local_sandbox: bool,
    pub version: String,
}

/// How a shell starts the core.
pub struct CoreOptions {
    /// The data folder: settings, history, templates, money, batches, the local sandbox.
    pub data_dir: PathBuf,
    pub credentials: Credentials,
    pub confirmer: Arc<dyn Confirmer>,
    /// The app hosts the local sandbox when nobody does; the CLI's one-shot verbs connect.
    pub local: LocalMode,
    /// How long each Dots request may take.
    pub request_timeout: Duration,
    /// Ask the keychain whether it answers while starting (the app shows the answer at once);
    /// otherwise when first asked (a CLI verb on `local` needs no key: the round trip over
    /// D-Bus was most of its start).
    pub check_keychain_at_start: bool,
}

impl CoreOptions {
    pub fn new(data_dir: impl Into<PathBuf>, credentials: Credentials, confirmer: Arc<dyn Confirmer>) -> Self {
        CoreOptions {
            data_dir: data_dir.into(),
            credentials,
            confirmer,
            local: LocalMode::Connect,
            request_timeout: Duration::from_secs(20),
            check_keychain_at_start: true,
        }
    }

    /// `<platform data dir>/com.flowdesk.desk`: the same folder as the app's `app_data_dir()`.
    pub fn default_data_dir() -> CoreResult<PathBuf> {
        flowdesk_files::default_data_dir()
            .ok_or_else(|| CoreError::internal("This system has no per-user data folder (no HOME?)."))
    }
}

#[doc(hidden)]
pub struct Inner {
    /// The lock every change to a shared file is made under (see `shared.rs`).
    pub(crate) data: DataLock,
    settings_file: SettingsFile,
    settings: Synced<Settings>,
    credentials: Credentials,
    /// None until checked (see `CoreOptions::check_keychain_at_start`).
    keychain: Mutex<Option<KeychainStatus>>,
    pub(crate) notice: Option<String>,
    pub(crate) local: Local,
    clients: Mutex<HashMap<String, DotsClient>>,
    pub(crate) data_dir: PathBuf,
    pub(crate) runs: Runs,
    pub(crate) history: Synced<History>,
    pub(crate) templates: Synced<Templates>,
    /// Creates in flight, so a killed process's create is looked for at the next start.
    pub(crate) pending: crate::pending::Pending,
    /// When this process last read the money intents and limits (another may have written).
    money_stamps: Mutex<(Option<Stamp>, Option<Stamp>)>,
    pub(crate) watcher: WatchHandle,
    /// The ids the watcher reads as payout links (their events go out as links), with how
    /// many watches of each have not ended yet.
    pub(crate) watched_links: Mutex<HashMap<String, usize>>,
    pub(crate) ledger: Ledger,
    pub(crate) events: broadcast::Sender<CoreEvent>,
    confirmer: Arc<dyn Confirmer>,
    timeout: Duration,
}

/// A cheap handle to the one service (clone it freely).
#[derive(Clone)]
pub struct Core(Arc<Inner>);

impl std::ops::Deref for Core {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not take the data down with it.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Core {
    /// Loads the settings, history, templates and money records (a corrupt file is set
    /// aside and reported once), checks the keychain (unavailable is reported, never worked
    /// around), reaches the local sandbox, and starts the watch scheduler.
    pub async fn start(options: CoreOptions) -> CoreResult<Core> {
        let CoreOptions { data_dir, credentials, confirmer, local, request_timeout, check_keychain_at_start } = options;
        let dir = data_dir.clone();
        // The data files and the local sandbox's state load side by side: after a year of
        // use each takes a good part of a second, and the first paint waits for both.
        let loading = tokio::task::spawn_blocking(move || {
            // Stamps first, then the reads: a write by another process in between is then
            // seen as a change (and read again), never lost.
            let t = std::time::Instant::now();
            let stamps = Stamps::of(&dir);
            let parts = load_data(&dir).map(|p| (p, stamps));
            crate::timings::phase("core_data_files", t);
            let t = std::time::Instant::now();
            let keychain = check_keychain_at_start.then(|| check_keychain(&credentials));
            crate::timings::phase("core_keychain_check", t);
            (parts.map(|p| (p, keychain)), credentials)
        });
        let opening = async {
            let t = std::time::Instant::now();
            let local = Local::open(&data_dir, local).await;
            crate::timings::phase("core_local_sandbox", t);
            local
        };
        let (loaded, local) = tokio::join!(loading, opening);
        let (loaded_parts, credentials) = loaded.map_err(|e| CoreError::internal(format!("start-up failed: {e}")))?;
        let ((parts, stamps), keychain) = loaded_parts?;
        let watch_config =
            WatchConfig { interval: Duration::from_secs(parts.settings.poll_interval_secs()), ..WatchConfig::default() };
        let (scheduler, watcher, watch_events) = Scheduler::new(watch_config);
        tokio::spawn(scheduler.run());
        let (events, _) = broadcast::channel(1024);
        let notices: Vec<String> = parts.notices.into_iter().chain(local.notice()).collect();
        for notice in &notices {
            tracing::warn!(%notice, "a data file needed repair");
        }
        let data = DataLock::open(&data_dir)?;
        let pending = crate::pending::Pending::open(&data_dir)?;
        let history_path = data_dir.join(flowdesk_history::history::FILE_NAME);
        let templates_path = data_dir.join(flowdesk_history::templates::FILE_NAME);
        let settings_path = parts.file.path().to_path_buf();
        let core = Core(Arc::new(Inner {
            data,
            settings_file: parts.file,
            settings: Synced::new(parts.settings, stamps.settings, settings_path, reload_settings),
            credentials,
            keychain: Mutex::new(keychain),
            notice: (!notices.is_empty()).then(|| notices.join(" ")),
            local,
            clients: Mutex::new(HashMap::new()),
            data_dir,
            runs: Runs::default(),
            history: Synced::new(parts.history, stamps.history, history_path, reload_history),
            templates: Synced::new(parts.templates, stamps.templates, templates_path, reload_templates),
            pending,
            money_stamps: Mutex::new(stamps.money),
            watcher,
            watched_links: Mutex::default(),
            ledger: parts.ledger,
            events,
            confirmer,
            timeout: request_timeout,
        }));
        crate::link_watch::pump(Arc::downgrade(&core.0), watch_events);
        crate::webhooks::push_local_events(Arc::downgrade(&core.0));
        spawn_change_watch(Arc::downgrade(&core.0));
        // Creates a killed process left unrecorded: looked for in the background.
        let recovering = core.clone();
        tokio::spawn(async move {
            match recovering.recover_creates().await {
                Ok(0) => {}
                Ok(n) => tracing::warn!(flows = n, "flows of interrupted creates found on Dots and added to History"),
                Err(e) => tracing::warn!(error = %e, "interrupted creates not checked"),
            }
        });
        Ok(core)
    }

    pub(crate) fn upgrade(weak: &std::sync::Weak<Inner>) -> Option<Core> {
        weak.upgrade().map(Core)
    }

    /// Every change the core reports, from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<CoreEvent> {
        self.events.subscribe()
    }

    pub(crate) fn emit(&self, event: CoreEvent) {
        // No listener (the CLI does not always listen) is fine.
        let _ = self.events.send(event);
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The settings as they are on disk now (another process may have changed them).
    pub fn settings(&self) -> Settings {
        self.settings.read(Settings::clone)
    }

    /// An environment by id, or the active one.
    pub fn environment(&self, id: Option<&str>) -> CoreResult<Environment> {
        let settings = self.settings();
        Ok(match id {
            Some(id) => settings.environment(id)?.clone(),
            None => settings.active().clone(),
        })
    }

    /// Runs blocking work (files, fsync, keychain D-Bus calls) off the async workers. Shells
    /// use it for the core's plain reads, which re-read a shared file another process changed.
    pub async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Core) -> CoreResult<T> + Send + 'static,
    ) -> CoreResult<T> {
        let core = self.clone();
        tokio::task::spawn_blocking(move || f(&core))
            .await
            .map_err(|e| CoreError::internal(format!("a background task failed: {e}")))?
    }

    /// Changes a copy of the settings as they are on disk, saves it atomically under the
    /// data folder's lock, and only then makes it the current one: a failed rule or a failed
    /// write changes nothing, and no other process's change is overwritten. Blocking.
    pub(crate) fn change<T>(&self, f: impl FnOnce(&mut Settings, &Credentials) -> CoreResult<T>) -> CoreResult<T> {
        let out = self.settings.write(&self.data, |current| {
            let mut next = current.clone();
            let out = f(&mut next, &self.credentials)?;
            self.settings_file.save(&next)?;
            *current = next;
            Ok::<T, CoreError>(out)
        })?;
        lock(&self.clients).clear();
        Ok(out)
    }

    /// Which shared files changed on disk since this process last read them (each is then
    /// re-read by its next read). Blocking.
    fn changed_elsewhere(&self) -> Vec<crate::events::DataKind> {
        use crate::events::DataKind;
        let mut changed = Vec::new();
        if self.settings.changed_on_disk() {
            changed.push(DataKind::Settings);
        }
        if self.history.changed_on_disk() {
            changed.push(DataKind::History);
        }
        if self.templates.changed_on_disk() {
            changed.push(DataKind::Templates);
        }
        if money_stamps(&self.data_dir) != *lock(&self.money_stamps) {
            self.refresh_money();
            changed.push(DataKind::Money);
        }
        changed
    }

    /// Re-reads the money intents and limits when another process wrote them, so the guard
    /// ("no open intent for this recipient") consults what is on disk. Blocking.
    pub(crate) fn refresh_money(&self) {
        let mut stamps = lock(&self.money_stamps);
        // Taken before the reads below, for the same reason as at start.
        let now = money_stamps(&self.data_dir);
        if now.0 != stamps.0 {
            match flowdesk_money::IntentStore::open(self.data_dir.join(INTENTS)) {
                Ok(store) => *lock(&self.ledger.intents) = store,
                Err(e) => tracing::warn!(error = %e, "could not re-read the money intents"),
            }
        }
        if now.1 != stamps.1 {
            match flowdesk_money::LimitsBook::open(self.data_dir.join(LIMITS)) {
                Ok(book) => *lock(&self.ledger.limits) = book,
                Err(e) => tracing::warn!(error = %e, "could not re-read the money limits"),
            }
        }
        *stamps = now;
    }

    /// The client for an environment: the local sandbox's, or one built from the keychain,
    /// bound to that environment's host, with the extra CA from settings.
    pub async fn client(&self, environment_id: &str) -> CoreResult<DotsClient> {
        if let Some(client) = lock(&self.clients).get(environment_id) {
            return Ok(client.clone());
        }
        let id = environment_id.to_string();
        let timeout = self.timeout;
        let client = if environment_id == LOCAL {
            DotsClient::new(self.local.client_config(timeout)?)?
        } else {
            self.blocking(move |core| {
                let settings = core.settings();
                let mut config = core.credentials.client_config(&settings, &id, timeout)?;
                if let Some(path) = settings.extra_ca_path() {
                    let pem = std::fs::read(path).map_err(|e| {
                        CoreError::invalid(format!("The extra CA certificate {} cannot be read: {e}", path.display()))
                    })?;
                    config.extra_ca_pem = Some(pem);
                }
                Ok(DotsClient::new(config)?)
            })
            .await?
        };
        lock(&self.clients).insert(environment_id.to_string(), client.clone());
        Ok(client)
    }

    /// Where an environment points: its origin (`https://host[:port]`), or for the Local
    /// sandbox its identity (kept with its state, whatever its port). A money retry or a batch
    /// resume goes only where the original went.
    pub(crate) fn origin_of(&self, env: &Environment) -> Option<String> {
        if env.is_local() {
            return self.local.identity().map(|id| format!("local-sandbox:{id}"));
        }
        env.base_url().map(|u| u.origin().ascii_serialization())
    }

    /// Refuses to send an intent or a batch where its environment no longer points.
    pub(crate) fn same_origin(&self, env: &Environment, recorded: Option<&str>, what: &str) -> CoreResult<()> {
        let now = self.origin_of(env);
        match recorded {
            Some(then) if now.as_deref() != Some(then) => Err(CoreError::invalid(format!(
                "{what} was made for {then}, but {} now points at {}: nothing was sent. Point it back, or start again.",
                env.name(),
                now.as_deref().unwrap_or("nothing")
            ))
            .with_details(|d| d.environment_id = Some(env.id().to_string()))),
            _ => Ok(()),
        }
    }

    pub(crate) fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    pub(crate) fn keychain_status(&self) -> KeychainStatus {
        lock(&self.keychain).get_or_insert_with(|| check_keychain(&self.credentials)).clone()
    }

    /// After a keychain operation: what it taught us about the keychain.
    pub(crate) fn note_keychain<T>(&self, result: &CoreResult<T>) {
        let status = match result {
            Ok(_) => KeychainStatus { available: true, message: None },
            Err(e) if e.is_keychain_failure() => KeychainStatus { available: false, message: Some(e.message.clone()) },
            Err(_) => return,
        };
        *lock(&self.keychain) = Some(status);
    }

    /// Production is confirmed by the person through the shell's confirmer, or the action
    /// does not happen. Outside Production no one is asked.
    pub(crate) async fn clear(&self, env: &Environment, ask: impl FnOnce(&Environment) -> Ask) -> CoreResult<Clearance> {
        if !env.is_production() {
            return Ok(Clearance::not_production());
        }
        self.ask(ask(env)).await.map(Clearance::Confirmed)
    }

    /// Asks the person whatever the environment (e.g. before resetting the local sandbox).
    pub(crate) async fn ask(&self, ask: Ask) -> CoreResult<Confirmation> {
        if self.confirmer.confirm(&ask).await {
            tracing::info!(action = %ask.action, environment = %ask.environment_id, "confirmed by the person");
            Ok(Confirmation::granted(&ask))
        } else {
            self.audit(AuditEntry {
                message: Some("not confirmed: nothing was sent".into()),
                ..AuditEntry::new(&ask.environment_id, &ask.action, "declined")
            });
            Err(CoreError::not_confirmed(format!(
                "{} was not confirmed: nothing was sent.",
                ask.title.trim_end_matches('?')
            ))
            .with_details(|d| d.environment_id = Some(ask.environment_id.clone())))
        }
    }

    /// One audit line per action; a failed write is logged, never fatal to an action that
    /// already happened on Dots.
    pub(crate) fn audit(&self, entry: AuditEntry) {
        self.ledger.record(entry);
    }

    pub fn info(&self) -> AppInfo {
        let settings = self.settings();
        AppInfo {
            environment: settings.active().name().to_string(),
            base_url: self.local.base_url().unwrap_or_default(),
            local_sandbox: settings.active().is_local(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// How often the shared files are checked for other processes' changes (a stat each).
const CHANGE_CHECK: Duration = Duration::from_secs(2);

/// Tells listeners when another process changed shared data, so a window open all day
/// shows the CLI's work without a restart. Ends when the core is dropped.
fn spawn_change_watch(core: std::sync::Weak<Inner>) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(CHANGE_CHECK);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let Some(core) = Core::upgrade(&core) else { break };
            if core.events.receiver_count() == 0 {
                continue;
            }
            let changed = core.blocking(|c| Ok(c.changed_elsewhere())).await.unwrap_or_default();
            if !changed.is_empty() {
                core.emit(CoreEvent::DataChanged(changed));
            }
        }
    });
}

const INTENTS: &str = "intents.jsonl";
const LIMITS: &str = "money-limits.json";

/// Every shared file's stamp, taken before the files are read at start.
struct Stamps {
    settings: Option<Stamp>,
    history: Option<Stamp>,
    templates: Option<Stamp>,
    money: (Option<Stamp>, Option<Stamp>),
}

impl Stamps {
    fn of(dir: &Path) -> Stamps {
        Stamps {
            settings: stamp(&dir.join(flowdesk_settings::FILE_NAME)),
            history: stamp(&dir.join(flowdesk_history::history::FILE_NAME)),
            templates: stamp(&dir.join(flowdesk_history::templates::FILE_NAME)),
            money: money_stamps(dir),
        }
    }
}

fn money_stamps(dir: &Path) -> (Option<Stamp>, Option<Stamp>) {
    (stamp(&dir.join(INTENTS)), stamp(&dir.join(LIMITS)))
}

fn reload_settings(path: &Path) -> CoreResult<Settings> {
    Ok(SettingsFile::at(path).load()?.settings)
}

fn reload_history(path: &Path) -> CoreResult<History> {
    Ok(History::open(path)?.0)
}

fn reload_templates(path: &Path) -> CoreResult<Templates> {
    Ok(Templates::open(path)?.0)
}

struct Loaded {
    file: SettingsFile,
    settings: Settings,
    history: History,
    templates: Templates,
    ledger: Ledger,
    notices: Vec<String>,
}

/// Whether the keychain answers; unavailable is reported, never worked around.
fn check_keychain(credentials: &Credentials) -> KeychainStatus {
    match credentials.check_available() {
        Ok(()) => KeychainStatus { available: true, message: None },
        Err(e) => {
            tracing::warn!(error = %e, "keychain unavailable");
            KeychainStatus { available: false, message: Some(e.to_string()) }
        }
    }
}

fn load_data(dir: &Path) -> CoreResult<Loaded> {
    let file = SettingsFile::at(dir.join(flowdesk_settings::FILE_NAME));
    let loaded = file.load()?;
    let (history, history_notice) = History::open(dir.join(flowdesk_history::history::FILE_NAME))?;
    let (templates, templates_notice) = Templates::open(dir.join(flowdesk_history::templates::FILE_NAME))?;
    let ledger = Ledger::open(dir)?;
    let notices = [loaded.notice, history_notice, templates_notice].into_iter().flatten().collect();
    Ok(Loaded { file, settings: loaded.settings, history, templates, ledger, notices })
}
