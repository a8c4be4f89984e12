//! Users and money: look users up, fund a wallet, pay out by link, cancel and redeliver
//! links, the intents on record, the audit log and the limits. The rules (cents, limits,
//! intents on disk before sending, retries with the same key) live in `flowdesk-money`;
//! this is where they are put together, once, for every shell.

use flowdesk_dots::money::{PayoutLink, PayoutMethod, User, UserFilter};
use flowdesk_dots::{Page, ReadRetry};
use flowdesk_money::{
    audit, carry_out, confirm, format_cents, Action, AuditEntry, AuditRead, Intent, Limits, MoneyError, MoneyRequest,
    Outcome, PayoutLinkView, RedeliveryView, RetryPolicy, Summary,
};
use flowdesk_settings::Environment;
use serde::Serialize;
use ts_rs::TS;

use crate::confirm::{Ask, Clearance};
use crate::error::{CoreError, CoreResult};
use crate::service::lock;
use crate::Core;

/// A user with their payout methods (read separately; a failure there does not hide the user).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct UserView {
    pub user: User,
    pub display_name: String,
    pub payout_methods: Vec<PayoutMethod>,
    pub payout_methods_error: Option<String>,
    pub environment_id: String,
}

fn unresolved(i: Intent) -> CoreError {
    CoreError::from(MoneyError::UnresolvedIntent {
        message: format!(
            "An earlier {} of {} to {} (intent {}) has an unsettled outcome ({}). Retry it (same key, cannot pay twice) or confirm a new payment knowing that.",
            i.action.audit_name(),
            format_cents(i.action.amount_cents()),
            i.recipient,
            i.id,
            i.message.as_deref().unwrap_or("not sent yet")
        ),
        intent_id: i.id,
    })
}


fn link_entry(env: &Environment, action: &str, link: Option<&PayoutLink>, id: &str, result: &str, message: Option<String>) -> AuditEntry {
    AuditEntry {
        amount_cents: link.map(|l| l.amount),
        recipient: link.and_then(|l| l.claimed_user_id.clone()),
        dots_ids: vec![id.to_string()],
        message,
        ..AuditEntry::new(env.id(), action, result)
    }
}

impl Core {
    pub async fn users_list(&self, environment_id: Option<&str>, filter: UserFilter) -> CoreResult<Page<User>> {
        let env = self.environment(environment_id)?;
        let client = self.client(env.id()).await?;
        Ok(ReadRetry::default().run(|| client.list_users(&filter)).await?)
    }

    pub async fn user_get(&self, environment_id: Option<&str>, user_id: &str) -> CoreResult<UserView> {
        let env = self.environment(environment_id)?;
        let id = user_id.trim();
        if uuid::Uuid::parse_str(id).is_err() {
            return Err(CoreError::invalid(format!(
                "\"{}\" is not a Dots user id (a UUID)",
                id.chars().take(60).collect::<String>()
            )));
        }
        let client = self.client(env.id()).await?;
        let user = ReadRetry::default().run(|| client.get_user(id)).await?;
        let (payout_methods, payout_methods_error) = match ReadRetry::default().run(|| client.payout_methods(id)).await {
            Ok(m) => (m, None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        };
        Ok(UserView {
            display_name: user.display_name(),
            user,
            payout_methods,
            payout_methods_error,
            environment_id: env.id().to_string(),
        })
    }

    /// Who the money is for, as the person will recognise them.
    async fn recipient(&self, env: &Environment, action: &Action) -> String {
        let user_id = match action {
            Action::Fund { user_id, .. } => Some(user_id.clone()),
            Action::PayoutLink { user_id, .. } => user_id.clone(),
        };
        if let Some(id) = user_id {
            if let Ok(client) = self.client(env.id()).await {
                if let Ok(user) = ReadRetry::default().run(|| client.get_user(&id)).await {
                    return format!("{} ({id})", user.display_name());
                }
            }
            return id;
        }
        match action {
            Action::PayoutLink { payee: Some(p), .. } => {
                let name =
                    [p.first_name.as_deref(), p.last_name.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
                let contact = p.email.clone().or_else(|| p.phone_number.clone()).unwrap_or_default();
                format!("{name} {contact}").trim().to_string()
            }
            _ => "the person you hand the link to".into(),
        }
    }

    async fn summarize(&self, env: &Environment, request: &MoneyRequest) -> CoreResult<Summary> {
        let action = request.check()?;
        let (env_id, checked) = (env.id().to_string(), action.clone());
        let (limits, spent) = self.blocking(move |c| Ok(c.ledger.check_limits(&env_id, &checked)?)).await?;
        let who = self.recipient(env, &action).await;
        Ok(Summary::new(action, who, env.name(), env.is_production(), limits, spent))
    }

    /// Step one: checks everything and says what will happen. Makes and sends nothing.
    pub async fn money_summary(&self, environment_id: Option<&str>, request: &MoneyRequest) -> CoreResult<Summary> {
        let env = self.environment(environment_id)?;
        let summary = self.summarize(&env, request).await?;
        self.blocking(|c| Ok(c.refresh_money())).await?;
        if let Some(open) = self.ledger.open_intent_for(env.id(), &summary.action) {
            return Err(unresolved(open));
        }
        Ok(summary)
    }

    /// Step two. In Production the amount must be typed again (checked here) and the
    /// person confirms through the shell's confirmer. The intent (with its idempotency key)
    /// is on disk before the request is sent. A new intent beside an unsettled one for the
    /// same recipient needs `replacing` = that intent's id.
    pub async fn money_send(
        &self,
        environment_id: Option<&str>,
        request: &MoneyRequest,
        typed_amount: Option<&str>,
        replacing: Option<&str>,
    ) -> CoreResult<Outcome> {
        let env = self.environment(environment_id)?;
        let summary = self.summarize(&env, request).await?;
        summary.check_typed_amount(typed_amount)?;
        // Said before asking, so nobody confirms a payment that will be refused.
        self.blocking(|c| Ok(c.refresh_money())).await?;
        if let Some(open) = self.ledger.open_intent_for(env.id(), &summary.action) {
            if replacing != Some(open.id.as_str()) {
                return Err(unresolved(open));
            }
        }
        let amount = summary.action.amount_cents();
        let clearance = self
            .clear(&env, |e| {
                Ask::about(
                    e,
                    summary.action.audit_name(),
                    format!("Send {} in {}?", format_cents(amount), e.name()),
                    summary.sentence.clone(),
                    Some(amount),
                )
            })
            .await?;
        let mut intent = Intent::new(env.id(), summary.action.clone(), summary.recipient.clone());
        intent.origin = self.origin_of(&env);
        let (env_id, replacing, recorded) = (env.id().to_string(), replacing.map(str::to_string), intent.clone());
        // The guard's check and the new intent's write happen under one lock across
        // processes: of two paying the same recipient at once, one proceeds and the other
        // is refused with the first one's intent named.
        self.blocking(move |c| {
            c.data.hold(|| {
                c.refresh_money();
                if let Some(open) = c.ledger.open_intent_for(&env_id, &recorded.action) {
                    if replacing.as_deref() != Some(open.id.as_str()) {
                        return Err(unresolved(open));
                    }
                    tracing::warn!(replacing = %open.id, "a new money intent beside an unsettled one, confirmed by the person");
                }
                Ok(confirm(&c.ledger.intents, &c.ledger.audit, &recorded)?)
            })
        })
        .await?;
        self.carry_out(&clearance, &env, &intent.id).await
    }

    /// Sends a confirmed intent (on disk already) until it is settled or still unknown.
    async fn carry_out(&self, _clearance: &Clearance, env: &Environment, intent_id: &str) -> CoreResult<Outcome> {
        let client = self.client(env.id()).await?;
        Ok(carry_out(&client, &self.ledger.intents, &self.ledger.audit, intent_id, RetryPolicy::MONEY).await?)
    }

    /// Every money intent on record (this process's and the others'), newest first.
    pub async fn money_intents(&self) -> CoreResult<Vec<IntentView>> {
        self.blocking(|c| {
            c.refresh_money();
            Ok(c.ledger.intents().into_iter().map(IntentView::from).collect())
        })
        .await
    }

    /// Sends an unsettled intent again with its own key: it cannot pay twice. In Production
    /// it is confirmed again (it moves money).
    pub async fn money_retry(&self, intent_id: &str) -> CoreResult<Outcome> {
        self.blocking(|c| Ok(c.refresh_money())).await?;
        let intent = self.ledger.intent(intent_id).ok_or_else(|| CoreError::from(MoneyError::NotFound(intent_id.into())))?;
        let env = self.environment(Some(&intent.environment))?;
        self.same_origin(&env, intent.origin.as_deref(), &format!("Intent {}", intent.id))?;
        let amount = intent.action.amount_cents();
        let clearance = self
            .clear(&env, |e| {
                Ask::about(
                    e,
                    intent.action.audit_name(),
                    format!("Send {} in {} again (same key)?", format_cents(amount), e.name()),
                    format!("Retries intent {} for {} with its own key: it cannot pay twice.", intent.id, intent.recipient),
                    Some(amount),
                )
            })
            .await?;
        self.carry_out(&clearance, &env, &intent.id).await
    }

    pub async fn payout_link_get(&self, environment_id: Option<&str>, id: &str) -> CoreResult<PayoutLinkView> {
        let env = self.environment(environment_id)?;
        let client = self.client(env.id()).await?;
        Ok(ReadRetry::default().run(|| client.get_payout_link(id)).await?.into())
    }

    /// Cancels a link (DELETE). Confirmed in Production; audited whatever the answer.
    pub async fn payout_link_cancel(&self, environment_id: Option<&str>, id: &str) -> CoreResult<PayoutLinkView> {
        let env = self.environment(environment_id)?;
        let _clearance = self
            .clear(&env, |e| {
                Ask::about(e, "payout_link.cancel", format!("Cancel payout link {id}?"), format!("In {}.", e.name()), None)
            })
            .await?;
        let result = self.client(env.id()).await?.cancel_payout_link(id).await;
        let entry = match &result {
            Ok(l) => link_entry(&env, "payout_link.cancel", Some(l), id, "done", None),
            Err(e) => link_entry(&env, "payout_link.cancel", None, id, "failed", Some(e.to_string())),
        };
        self.blocking(move |c| Ok(c.audit(entry))).await?;
        Ok(result?.into())
    }

    /// Delivers a link again. Confirmed in Production; audited whatever the answer.
    pub async fn payout_link_redeliver(&self, environment_id: Option<&str>, id: &str) -> CoreResult<RedeliveryView> {
        let env = self.environment(environment_id)?;
        let _clearance = self
            .clear(&env, |e| {
                Ask::about(
                    e,
                    "payout_link.redeliver",
                    format!("Deliver payout link {id} again?"),
                    format!("In {}: the payee is sent the link again.", e.name()),
                    None,
                )
            })
            .await?;
        let result = self.client(env.id()).await?.redeliver_payout_link(id).await;
        let entry = match &result {
            Ok(r) => {
                let outcome = if r.redelivered { "done" } else { "not_redelivered" };
                link_entry(&env, "payout_link.redeliver", Some(&r.payout_link), id, outcome, None)
            }
            Err(e) => link_entry(&env, "payout_link.redeliver", None, id, "failed", Some(e.to_string())),
        };
        self.blocking(move |c| Ok(c.audit(entry))).await?;
        Ok(result?.into())
    }

    /// The whole log, or with `limit` only its latest entries (and how many there are).
    pub async fn audit_read(&self, limit: Option<usize>) -> CoreResult<AuditRead> {
        self.blocking(move |c| {
            Ok(match limit {
                Some(n) => c.ledger.audit.read_latest(n)?,
                None => c.ledger.audit.read()?,
            })
        })
        .await
    }

    /// The audit log as CSV, every cell guarded against spreadsheet formulas.
    pub async fn audit_export_csv(&self) -> CoreResult<String> {
        self.blocking(|c| Ok(audit::to_csv(&c.ledger.audit.read()?.entries)?)).await
    }

    pub async fn limits_get(&self, environment_id: Option<&str>) -> CoreResult<Limits> {
        let env = self.environment(environment_id)?;
        self.blocking(|c| Ok(c.refresh_money())).await?;
        Ok(self.ledger.limits_for(env.id()))
    }

    /// Sets an environment's limits. Raising or removing one in Production is confirmed.
    pub async fn limits_set(&self, environment_id: Option<&str>, limits: Limits) -> CoreResult<Limits> {
        let env = self.environment(environment_id)?;
        self.blocking(|c| Ok(c.refresh_money())).await?;
        let old = self.ledger.limits_for(env.id());
        let looser = |new: Option<i64>, old: Option<i64>| match (new, old) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(n), Some(o)) => n > o,
        };
        if looser(limits.per_action_cents, old.per_action_cents) || looser(limits.per_day_cents, old.per_day_cents) {
            self.clear(&env, |e| {
                Ask::about(
                    e,
                    "limits.set",
                    format!("Raise the money limits of {}?", e.name()),
                    format!("{} is Production: a higher limit lets larger payments through.", e.name()),
                    None,
                )
            })
            .await?;
        }
        let env_id = env.id().to_string();
        self.blocking(move |c| {
            c.data.hold(|| {
                c.refresh_money();
                lock(&c.ledger.limits).set(&env_id, limits)
            })?;
            let mut entry = AuditEntry::new(&env_id, "limits.set", "done");
            entry.message = Some(format!(
                "per action {}, per day {}",
                limits.per_action_cents.map(format_cents).unwrap_or_else(|| "none".into()),
                limits.per_day_cents.map(format_cents).unwrap_or_else(|| "none".into())
            ));
            c.audit(entry);
            Ok(limits)
        })
        .await
    }
}

/// A money intent as the shells show it, with what follows from its state: whether it is
/// unresolved (its outcome unknown, so it can be retried with the same key) is the core's to say.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct IntentView {
    #[serde(flatten)]
    pub intent: Intent,
    pub unresolved: bool,
}

impl From<Intent> for IntentView {
    fn from(intent: Intent) -> Self {
        let unresolved = intent.state.is_unresolved();
        IntentView { intent, unresolved }
    }
}

impl std::ops::Deref for IntentView {
    type Target = Intent;
    fn deref(&self) -> &Intent {
        &self.intent
    }
}
