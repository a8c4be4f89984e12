//! Production confirmation as a type. Every core method that acts in Production needs a
//! [`Clearance`], and the only way to get one is [`crate::Core`] asking the shell's
//! [`Confirmer`] (a native dialog in the app, a prompt or an explicit flag in the CLI, a
//! script in tests). Nothing deserialises into one, so no IPC argument can stand in for it.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use serde::Serialize;
use ts_rs::TS;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a confirmer is asked: enough for the person to know exactly what will happen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Ask {
    /// The audit name of the action: `flow.create`, `bulk.start`, `transfer.fund`, ...
    pub action: String,
    pub environment_id: String,
    pub environment_name: String,
    pub host: Option<String>,
    /// One line, e.g. "Create a flow in Production?".
    pub title: String,
    /// What happens and to whom.
    pub detail: String,
    /// For money: the amount in cents, which a script must repeat.
    #[ts(type = "number | null")]
    pub amount_cents: Option<i64>,
}

impl Ask {
    /// A question about an action in `env`.
    pub(crate) fn about(
        env: &flowdesk_settings::Environment,
        action: &str,
        title: String,
        detail: String,
        amount_cents: Option<i64>,
    ) -> Ask {
        Ask {
            action: action.into(),
            environment_id: env.id().into(),
            environment_name: env.name().into(),
            host: env.host(),
            title,
            detail,
            amount_cents,
        }
    }
}

/// The shell's way of asking the person. Answers `true` only on an explicit yes.
pub trait Confirmer: Send + Sync {
    fn confirm<'a>(&'a self, ask: &'a Ask) -> BoxFuture<'a, bool>;
}

/// Proof that the person confirmed one action in one environment. Its fields are private
/// and it has no public constructor: only the core makes one, after a confirmer said yes.
#[derive(Debug)]
pub struct Confirmation {
    environment_id: String,
    action: String,
}

impl Confirmation {
    pub(crate) fn granted(ask: &Ask) -> Self {
        Confirmation { environment_id: ask.environment_id.clone(), action: ask.action.clone() }
    }

    pub fn environment_id(&self) -> &str {
        &self.environment_id
    }

    pub fn action(&self) -> &str {
        &self.action
    }
}

/// What a gated action needs: either the environment is not Production, or the person
/// confirmed. Made only by the core.
#[derive(Debug)]
pub enum Clearance {
    NotProduction,
    Confirmed(Confirmation),
}

impl Clearance {
    pub(crate) fn not_production() -> Self {
        Clearance::NotProduction
    }
}

/// Says no to everything: for a shell that cannot ask (a headless run).
pub struct Refuse;

impl Confirmer for Refuse {
    fn confirm<'a>(&'a self, _ask: &'a Ask) -> BoxFuture<'a, bool> {
        Box::pin(async { false })
    }
}

/// Answers from a script and remembers every question: for tests.
#[derive(Default)]
pub struct Scripted {
    answers: Mutex<VecDeque<bool>>,
    default: bool,
    asked: Mutex<Vec<Ask>>,
}

impl Scripted {
    /// Answers `yes` to every question.
    pub fn always(yes: bool) -> Self {
        Scripted { default: yes, ..Scripted::default() }
    }

    /// Queues the next answers (then falls back to the default).
    pub fn answer(&self, yes: bool) -> &Self {
        self.answers.lock().unwrap_or_else(|p| p.into_inner()).push_back(yes);
        self
    }

    /// Every question asked so far.
    pub fn asked(&self) -> Vec<Ask> {
        self.asked.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Confirmer for Scripted {
    fn confirm<'a>(&'a self, ask: &'a Ask) -> BoxFuture<'a, bool> {
        self.asked.lock().unwrap_or_else(|p| p.into_inner()).push(ask.clone());
        let yes = self.answers.lock().unwrap_or_else(|p| p.into_inner()).pop_front().unwrap_or(self.default);
        Box::pin(async move { yes })
    }
}

impl<T: Confirmer + ?Sized> Confirmer for std::sync::Arc<T> {
    fn confirm<'a>(&'a self, ask: &'a Ask) -> BoxFuture<'a, bool> {
        (**self).confirm(ask)
    }
}
