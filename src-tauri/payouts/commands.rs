//! Each command resolves the environment, calls the domain, maps the error. Money goes
//! summary (nothing made) → send (intent on disk, then the request) → retry (same key).

use std::sync::Arc;

use flowdesk_dots::money::{PayoutLink, Redelivery, User, UserFilter};
use flowdesk_dots::{Page, ReadRetry};
use flowdesk_money::{
    audit, carry_out, confirm, AuditEntry, AuditRead, Intent, Limits, MoneyError, MoneyRequest, Outcome, RetryPolicy,
    Summary,
};
use tauri::State;

use super::{PayoutLinkSource, UserView};
use crate::desk::Desk;
use crate::error::{AppError, AppResult};

struct Env {
    id: String,
    name: String,
    production: bool,
}

fn env(desk: &Desk, environment_id: Option<String>) -> AppResult<Env> {
    let settings = desk.settings();
    let e = match &environment_id {
        Some(id) => settings.environment(id)?,
        None => settings.active(),
    };
    Ok(Env { id: e.id().to_string(), name: e.name().to_string(), production: e.is_production() })
}

#[tauri::command]
pub async fn users_list(desk: State<'_, Desk>, environment_id: Option<String>, filter: UserFilter) -> AppResult<Page<User>> {
    let env = env(&desk, environment_id)?;
    let client = desk.client(&env.id)?;
    Ok(ReadRetry::default().run(|| client.list_users(&filter)).await?)
}

#[tauri::command]
pub async fn user_get(desk: State<'_, Desk>, environment_id: Option<String>, user_id: String) -> AppResult<UserView> {
    let env = env(&desk, environment_id)?;
    let id = user_id.trim();
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(AppError::invalid(format!("\"{}\" is not a Dots user id (a UUID)", id.chars().take(60).collect::<String>())));
    }
    let client = desk.client(&env.id)?;
    let user = ReadRetry::default().run(|| client.get_user(id)).await?;
    let (payout_methods, payout_methods_error) = match ReadRetry::default().run(|| client.payout_methods(id)).await {
        Ok(m) => (m, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    Ok(UserView { display_name: user.display_name(), user, payout_methods, payout_methods_error, environment_id: env.id })
}

/// Who the money is for, as the person will recognise them.
async fn recipient(desk: &Desk, env: &Env, request: &flowdesk_money::Action) -> String {
    use flowdesk_money::Action;
    let user_id = match request {
        Action::Fund { user_id, .. } => Some(user_id.clone()),
        Action::PayoutLink { user_id, .. } => user_id.clone(),
    };
    if let Some(id) = user_id {
        if let Ok(client) = desk.client(&env.id) {
            if let Ok(user) = client.get_user(&id).await {
                return format!("{} ({id})", user.display_name());
            }
        }
        return id;
    }
    match request {
        Action::PayoutLink { payee: Some(p), .. } => {
            let name = [p.first_name.as_deref(), p.last_name.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
            let contact = p.email.clone().or_else(|| p.phone_number.clone()).unwrap_or_default();
            format!("{name} {contact}").trim().to_string()
        }
        _ => "the person you hand the link to".into(),
    }
}

async fn summarize(desk: &Desk, env: &Env, request: &MoneyRequest) -> AppResult<Summary> {
    let action = request.check().map_err(AppError::from)?;
    let (limits, spent) = desk.ledger().check_limits(&env.id, &action).map_err(AppError::from)?;
    let who = recipient(desk, env, &action).await;
    Ok(Summary::new(action, who, &env.name, env.production, limits, spent))
}

/// Step one of the confirmation: checks everything and says what will happen. Makes
/// nothing and sends nothing.
#[tauri::command]
pub async fn money_summary(desk: State<'_, Desk>, environment_id: Option<String>, request: MoneyRequest) -> AppResult<Summary> {
    let env = env(&desk, environment_id)?;
    let summary = summarize(&desk, &env, &request).await?;
    if let Some(open) = desk.ledger().open_intent_for(&env.id, &summary.action) {
        return Err(unresolved(open));
    }
    Ok(summary)
}

fn unresolved(i: Intent) -> AppError {
    AppError::from(MoneyError::UnresolvedIntent {
        message: format!(
            "An earlier {} of {} to {} (intent {}) has an unsettled outcome ({}). Retry it (same key, cannot pay twice) or confirm a new payment knowing that.",
            i.action.audit_name(),
            flowdesk_money::format_cents(i.action.amount_cents()),
            i.recipient,
            i.id,
            i.message.as_deref().unwrap_or("not sent yet")
        ),
        intent_id: i.id,
    })
}

/// Step two: the person confirmed. In Production the amount must be typed again. The
/// intent (with its idempotency key) is on disk before the request is sent. A new intent
/// beside an unsettled one for the same recipient needs `replacing` = that intent's id.
#[tauri::command]
pub async fn money_send(
    desk: State<'_, Desk>,
    environment_id: Option<String>,
    request: MoneyRequest,
    typed_amount: Option<String>,
    replacing: Option<String>,
) -> AppResult<Outcome> {
    let env = env(&desk, environment_id)?;
    let summary = summarize(&desk, &env, &request).await?;
    summary.check_typed_amount(typed_amount.as_deref()).map_err(AppError::from)?;
    if let Some(open) = desk.ledger().open_intent_for(&env.id, &summary.action) {
        if replacing.as_deref() != Some(open.id.as_str()) {
            return Err(unresolved(open));
        }
        tracing::warn!(replacing = ?replacing, "a new money intent beside an unsettled one, confirmed by the person");
    }
    let client = desk.client(&env.id)?;
    let intent = Intent::new(&env.id, summary.action.clone(), summary.recipient.clone());
    let ledger = desk.ledger();
    confirm(&ledger.intents, &ledger.audit, &intent).map_err(AppError::from)?;
    let outcome = carry_out(&client, &ledger.intents, &ledger.audit, &intent.id, RetryPolicy::default()).await;
    outcome.map_err(AppError::from)
}

/// Every money intent on record, newest first (unsettled ones are retried from here).
#[tauri::command]
pub fn money_intents(desk: State<'_, Desk>) -> Vec<Intent> {
    desk.ledger().intents()
}

/// Sends an unsettled intent again with its own key: it cannot pay twice.
#[tauri::command]
pub async fn money_retry(desk: State<'_, Desk>, intent_id: String) -> AppResult<Outcome> {
    let ledger = desk.ledger();
    let environment = ledger
        .intent(&intent_id)
        .map(|i| i.environment)
        .ok_or_else(|| AppError::from(MoneyError::NotFound(intent_id.clone())))?;
    let client = desk.client(&environment)?;
    carry_out(&client, &ledger.intents, &ledger.audit, &intent_id, RetryPolicy::default()).await.map_err(AppError::from)
}

#[tauri::command]
pub async fn payout_link_get(desk: State<'_, Desk>, environment_id: Option<String>, id: String) -> AppResult<PayoutLink> {
    let env = env(&desk, environment_id)?;
    let client = desk.client(&env.id)?;
    Ok(ReadRetry::default().run(|| client.get_payout_link(&id)).await?)
}

fn link_entry(env: &Env, action: &str, link: Option<&PayoutLink>, id: &str, result: &str, message: Option<String>) -> AuditEntry {
    AuditEntry {
        amount_cents: link.map(|l| l.amount),
        recipient: link.and_then(|l| l.claimed_user_id.clone()),
        dots_ids: vec![id.to_string()],
        message,
        ..AuditEntry::new(&env.id, action, result)
    }
}

/// Cancels a link (DELETE). Audited whatever the answer.
#[tauri::command]
pub async fn payout_link_cancel(desk: State<'_, Desk>, environment_id: Option<String>, id: String) -> AppResult<PayoutLink> {
    let env = env(&desk, environment_id)?;
    let result = desk.client(&env.id)?.cancel_payout_link(&id).await;
    let entry = match &result {
        Ok(l) => link_entry(&env, "payout_link.cancel", Some(l), &id, "done", None),
        Err(e) => link_entry(&env, "payout_link.cancel", None, &id, "failed", Some(e.to_string())),
    };
    desk.ledger().record(entry);
    Ok(result?)
}

#[tauri::command]
pub async fn payout_link_redeliver(desk: State<'_, Desk>, environment_id: Option<String>, id: String) -> AppResult<Redelivery> {
    let env = env(&desk, environment_id)?;
    let result = desk.client(&env.id)?.redeliver_payout_link(&id).await;
    let entry = match &result {
        Ok(r) => {
            let outcome = if r.redelivered { "done" } else { "not_redelivered" };
            link_entry(&env, "payout_link.redeliver", Some(&r.payout_link), &id, outcome, None)
        }
        Err(e) => link_entry(&env, "payout_link.redeliver", None, &id, "failed", Some(e.to_string())),
    };
    desk.ledger().record(entry);
    Ok(result?)
}

/// Watches a payout link's status with the flows' scheduler (events: `flow-watch`).
#[tauri::command]
pub fn payout_link_watch(desk: State<'_, Desk>, environment_id: Option<String>, id: String) -> AppResult<()> {
    let env = env(&desk, environment_id)?;
    let client = desk.client(&env.id)?;
    desk.watcher().watch_now(id, Arc::new(PayoutLinkSource(client)));
    Ok(())
}

#[tauri::command]
pub fn audit_read(desk: State<'_, Desk>) -> AppResult<AuditRead> {
    desk.ledger().audit.read().map_err(AppError::from)
}

#[tauri::command]
pub fn audit_export_csv(desk: State<'_, Desk>) -> AppResult<String> {
    let read = desk.ledger().audit.read().map_err(AppError::from)?;
    audit::to_csv(&read.entries).map_err(AppError::from)
}

#[tauri::command]
pub fn limits_get(desk: State<'_, Desk>, environment_id: Option<String>) -> AppResult<Limits> {
    let env = env(&desk, environment_id)?;
    Ok(desk.ledger().limits_for(&env.id))
}

#[tauri::command]
pub fn limits_set(desk: State<'_, Desk>, environment_id: Option<String>, limits: Limits) -> AppResult<Limits> {
    let env = env(&desk, environment_id)?;
    let ledger = desk.ledger();
    ledger.limits.lock().unwrap_or_else(|e| e.into_inner()).set(&env.id, limits).map_err(AppError::from)?;
    let mut entry = AuditEntry::new(&env.id, "limits.set", "done");
    entry.message = Some(format!(
        "per action {}, per day {}",
        limits.per_action_cents.map(flowdesk_money::format_cents).unwrap_or_else(|| "none".into()),
        limits.per_day_cents.map(flowdesk_money::format_cents).unwrap_or_else(|| "none".into())
    ));
    ledger.record(entry);
    Ok(limits)
}
