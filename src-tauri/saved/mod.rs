//! What the desk keeps between runs besides settings: the history of created flows (with
//! their last known progress) and named step templates. Thin commands over
//! `flowdesk_history`.

pub mod commands;

use chrono::Utc;
use flowdesk_dots::{Flow, FlowRequest, Metadata};
use flowdesk_history::HistoryEntry;

/// The history entry for a flow just created, written before its link is shown.
pub fn entry_for(flow: &Flow, request: &FlowRequest, environment_id: &str, environment_name: &str) -> HistoryEntry {
    HistoryEntry {
        flow_id: flow.id.clone(),
        environment_id: environment_id.to_string(),
        environment_name: environment_name.to_string(),
        created_at: flow.created.unwrap_or_else(Utc::now),
        steps: flow.steps.clone(),
        link: flow.link.clone(),
        reference: reference(request),
        user_id: flow.user_id.clone().or_else(|| request.user_id().map(String::from)),
        metadata: flow.metadata.clone(),
        progress: Some(flow.progress()),
        last_checked: Some(Utc::now()),
        batch: None,
    }
}

/// The builder's free "reference" (a ticket number, the person's email): metadata's
/// `reference` key, or the whole metadata when it is a plain string.
fn reference(request: &FlowRequest) -> Option<String> {
    match &request.metadata {
        Some(Metadata::Text(t)) => Some(t.clone()),
        Some(Metadata::Object(map)) => map.get("reference").and_then(|v| v.as_str()).map(String::from),
        None => None,
    }
}
