//! The service every command works through: the settings (validated, saved atomically),
//! the credentials in the OS keychain, the in-process local sandbox, and a Dots client per
//! environment. Commands stay thin: they call a method here and map the error.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use flowdesk_dots::{ClientConfig, DotsClient, Scheduler, WatchConfig, WatchEvent, WatchHandle};
use flowdesk_sandbox::{SandboxConfig, SandboxHandle};
use flowdesk_history::{History, Templates};
use flowdesk_settings::{Credentials, Settings, SettingsFile, LOCAL};
use serde::Serialize;
use tokio::sync::mpsc::UnboundedReceiver;
use ts_rs::TS;

use crate::environments::{EnvironmentEntry, EnvironmentsView, KeychainStatus};
use crate::error::{AppError, AppResult};

const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// What the window shows about the app itself. Never carries a key.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub environment: String,
    pub base_url: String,
    pub local_sandbox: bool,
    pub version: String,
}

struct Config {
    file: SettingsFile,
    settings: Settings,
}

/// Called after every successful save, e.g. to keep tauri-plugin-store's view in step.
type SavedHook = Box<dyn Fn(&Settings) + Send + Sync>;

pub struct Desk {
    config: Mutex<Config>,
    credentials: Credentials,
    keychain: Mutex<KeychainStatus>,
    notice: Option<String>,
    local_client: DotsClient,
    local_base_url: String,
    /// Clients for remote environments, dropped whenever settings or keys change.
    clients: Mutex<HashMap<String, DotsClient>>,
    on_saved: Option<SavedHook>,
    data_dir: std::path::PathBuf,
    runs: crate::bulk_runs::Runs,
    /// Journals of the batches running now (the runner holds their lock), with their environment.
    running_journals: Mutex<HashMap<String, (crate::bulk_runs::SharedJournal, String)>>,
    history: Mutex<History>,
    templates: Mutex<Templates>,
    watcher: WatchHandle,
    ledger: crate::payouts::Ledger,
    watch_events: Mutex<Option<UnboundedReceiver<WatchEvent>>>,
    /// Kept so the in-process sandbox lives as long as the app.
    _sandbox: SandboxHandle,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not take the settings down with it.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Desk {
    /// Loads the settings, history and templates from the settings file's folder (a
    /// corrupt file is set aside and reported once), checks the
    /// keychain (unavailable is reported, never worked around), and starts the local
    /// sandbox with credentials made up for this run that never leave the process.
    pub async fn start(file: SettingsFile, credentials: Credentials) -> AppResult<Self> {
        let loaded = file.load()?;
        let dir = file.path().parent().map(std::path::Path::to_path_buf).unwrap_or_default();
        let (history, history_notice) = History::open(dir.join(flowdesk_history::history::FILE_NAME))?;
        let (templates, templates_notice) = Templates::open(dir.join(flowdesk_history::templates::FILE_NAME))?;
        let notices: Vec<String> = [loaded.notice.clone(), history_notice, templates_notice].into_iter().flatten().collect();
        for notice in &notices {
            tracing::warn!(%notice, "a data file needed repair");
        }
        let ledger = crate::payouts::Ledger::open(&dir)?;
        let keychain = match credentials.check_available() {
            Ok(()) => KeychainStatus { available: true, message: None },
            Err(e) => {
                tracing::warn!(error = %e, "keychain unavailable");
                KeychainStatus { available: false, message: Some(e.to_string()) }
            }
        };
        let client_id = format!("local_{}", uuid::Uuid::new_v4().simple());
        let api_key = format!("sk_local_{}", uuid::Uuid::new_v4().simple());
        let sandbox = flowdesk_sandbox::start(SandboxConfig::new(client_id.clone(), api_key.clone()))
            .await
            .map_err(|e| AppError::internal(format!("The local sandbox could not start: {e}")))?;
        let mut local = ClientConfig::new(&sandbox.base_url(), client_id, api_key)?;
        local.timeout = REQUEST_TIMEOUT;
        tracing::info!(base_url = %sandbox.base_url(), "local sandbox started");
        let watch_config =
            WatchConfig { interval: Duration::from_secs(loaded.settings.poll_interval_secs()), ..WatchConfig::default() };
        let (scheduler, watcher, watch_events) = Scheduler::new(watch_config);
        tokio::spawn(scheduler.run());
        Ok(Desk {
            config: Mutex::new(Config { file, settings: loaded.settings }),
            credentials,
            keychain: Mutex::new(keychain),
            notice: (!notices.is_empty()).then(|| notices.join(" ")),
            local_client: DotsClient::new(local)?,
            local_base_url: sandbox.base_url(),
            clients: Mutex::new(HashMap::new()),
            on_saved: None,
            data_dir: dir.clone(),
            runs: crate::bulk_runs::Runs::default(),
            running_journals: Mutex::new(HashMap::new()),
            history: Mutex::new(history),
            templates: Mutex::new(templates),
            watcher,
            ledger,
            watch_events: Mutex::new(Some(watch_events)),
            _sandbox: sandbox,
        })
    }

    pub fn on_saved(mut self, hook: impl Fn(&Settings) + Send + Sync + 'static) -> Self {
        hook(&lock(&self.config).settings);
        self.on_saved = Some(Box::new(hook));
        self
    }

    pub fn settings(&self) -> Settings {
        lock(&self.config).settings.clone()
    }

    /// Changes a copy of the settings, saves it atomically, and only then makes it the
    /// current one: a failed rule or a failed write changes nothing.
    pub fn change<T>(&self, f: impl FnOnce(&mut Settings, &Credentials) -> AppResult<T>) -> AppResult<T> {
        let mut config = lock(&self.config);
        let mut next = config.settings.clone();
        let out = f(&mut next, &self.credentials)?;
        config.file.save(&next)?;
        config.settings = next;
        lock(&self.clients).clear();
        if let Some(hook) = &self.on_saved {
            hook(&config.settings);
        }
        Ok(out)
    }

    /// The client for an environment: the local sandbox's, or one built from the
    /// keychain, bound to that environment's host.
    pub fn client(&self, environment_id: &str) -> AppResult<DotsClient> {
        if environment_id == LOCAL {
            return Ok(self.local_client.clone());
        }
        if let Some(client) = lock(&self.clients).get(environment_id) {
            return Ok(client.clone());
        }
        let settings = self.settings();
        let mut config = self.credentials.client_config(&settings, environment_id, REQUEST_TIMEOUT)?;
        if let Some(path) = settings.extra_ca_path() {
            let pem = std::fs::read(path).map_err(|e| {
                AppError::invalid(format!("The extra CA certificate {} cannot be read: {e}", path.display()))
            })?;
            config.extra_ca_pem = Some(pem);
        }
        let client = DotsClient::new(config)?;
        lock(&self.clients).insert(environment_id.to_string(), client.clone());
        Ok(client)
    }

    /// Where batch journals live: `batches/{environment}/{batch}.journal`.
    pub fn batches_dir(&self) -> std::path::PathBuf {
        self.data_dir.join("batches")
    }

    pub fn runs(&self) -> &crate::bulk_runs::Runs {
        &self.runs
    }

    pub fn set_running_journal(&self, id: &str, journal: crate::bulk_runs::SharedJournal, environment_id: &str) {
        lock(&self.running_journals).insert(id.to_string(), (journal, environment_id.to_string()));
    }

    pub fn clear_running_journal(&self, id: &str) {
        lock(&self.running_journals).remove(id);
    }

    pub fn running_journal(&self, id: &str) -> Option<crate::bulk_runs::SharedJournal> {
        lock(&self.running_journals).get(id).map(|(j, _)| j.clone())
    }

    pub fn running_view(&self, id: &str) -> Option<crate::bulk_runs::BatchView> {
        lock(&self.running_journals).get(id).map(|(j, env)| crate::bulk_runs::view(j, env, true))
    }

    pub fn history<T>(&self, f: impl FnOnce(&mut History) -> T) -> T {
        f(&mut lock(&self.history))
    }

    pub fn templates<T>(&self, f: impl FnOnce(&mut Templates) -> T) -> T {
        f(&mut lock(&self.templates))
    }

    /// The one poll scheduler for every open flow.
    pub fn watcher(&self) -> &WatchHandle {
        &self.watcher
    }

    /// The scheduler's events, for whoever forwards them (taken once).
    pub fn take_watch_events(&self) -> Option<UnboundedReceiver<WatchEvent>> {
        lock(&self.watch_events).take()
    }

    /// Money intents, the audit log and the limits.
    pub fn ledger(&self) -> &crate::payouts::Ledger {
        &self.ledger
    }

    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// After a keychain operation: what it taught us about the keychain.
    pub fn note_keychain(&self, result: Result<(), &AppError>) {
        let status = match result {
            Ok(()) => KeychainStatus { available: true, message: None },
            Err(e) if e.is_keychain_failure() => KeychainStatus { available: false, message: Some(e.message.clone()) },
            Err(_) => return,
        };
        *lock(&self.keychain) = status;
    }

    pub fn environments(&self) -> EnvironmentsView {
        let settings = self.settings();
        let environments = settings
            .environments()
            .iter()
            .map(|env| {
                let (credential, credential_error) = match self.credentials.status(&settings, env.id()) {
                    Ok(status) => (Some(status), None),
                    Err(e) => (None, Some(AppError::from(e))),
                };
                EnvironmentEntry { environment: env.view(), credential, credential_error }
            })
            .collect();
        EnvironmentsView {
            active: settings.active_environment().to_string(),
            environments,
            keychain: lock(&self.keychain).clone(),
            notice: self.notice.clone(),
        }
    }

    pub fn info(&self) -> AppInfo {
        let settings = self.settings();
        AppInfo {
            environment: settings.active().name().to_string(),
            base_url: self.local_base_url.clone(),
            local_sandbox: settings.active().is_local(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

#[tauri::command]
pub fn app_info(desk: tauri::State<'_, Desk>) -> AppInfo {
    desk.info()
}
