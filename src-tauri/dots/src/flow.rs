//! The flow as Dots returns it, parsed leniently (real replies carry fields the spec does
//! not list, and `created` may have no timezone), and the progress derived from it.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Flow {
    pub id: String,
    /// UTC. Dots sends it with or without a timezone; without one it is read as UTC.
    #[serde(default, deserialize_with = "lenient_time")]
    pub created: Option<DateTime<Utc>>,
    #[serde(default)]
    pub user_id: Option<String>,
    /// Step names as strings, so a step Dots adds later does not make the flow unreadable.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub steps: Vec<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub completed_steps: Vec<String>,
    /// The hosted flow page: an http(s) URL (anything else fails the reply), or empty.
    #[serde(default, deserialize_with = "http_link")]
    pub link: String,
    #[serde(default)]
    pub metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub payout_link_id: Option<String>,
    #[serde(default, deserialize_with = "lenient_time", skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub updated: Option<DateTime<Utc>>,
}

/// Where a flow stands. Dots has no status field: progress is completed_steps against
/// steps, plus the user_id that appears once someone claims the flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Progress {
    pub claimed: bool,
    pub completed: u32,
    pub total: u32,
    pub done: bool,
    /// Steps not completed yet, in flow order.
    pub pending: Vec<String>,
}

impl Flow {
    /// The metadata as a JSON object, however Dots sent it: the spec allows metadata as a
    /// string, so an object sent as its JSON text is read back as that object. Anything
    /// else (plain text, none) stays as it is.
    pub fn metadata_value(&self) -> Option<Value> {
        match &self.metadata {
            Some(Value::String(text)) => match serde_json::from_str::<Value>(text) {
                Ok(v @ Value::Object(_)) => Some(v),
                _ => self.metadata.clone(),
            },
            other => other.clone(),
        }
    }

    pub fn progress(&self) -> Progress {
        let pending: Vec<String> =
            self.steps.iter().filter(|s| !self.completed_steps.contains(s)).cloned().collect();
        let total = self.steps.len() as u32;
        let completed = total - pending.len() as u32;
        Progress {
            claimed: self.user_id.as_deref().is_some_and(|u| !u.is_empty()),
            completed,
            total,
            done: total > 0 && pending.is_empty(),
            pending,
        }
    }
}

/// Accepts RFC 3339 (`…Z`, `…+02:00`) and Dots' timezone-less `2024-07-11T21:10:30.846081`,
/// with or without a fraction. Anything else is kept as unknown rather than failing the flow.
pub fn parse_time(raw: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|fmt| NaiveDateTime::parse_from_str(raw, fmt).ok())
        .map(|t| t.and_utc())
}

pub(crate) fn lenient_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let raw: Option<Value> = Option::deserialize(d)?;
    Ok(raw.as_ref().and_then(Value::as_str).and_then(parse_time))
}

/// A `link` in a Dots reply: absent, null or empty (kept as ""), or an absolute http(s) URL.
/// Anything else (`javascript:`, `file:`, a bare word) fails the whole reply, so no link Flow
/// Desk shows, opens, copies or puts in a QR code can run script or read files.
pub(crate) fn http_link<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let link = Option::<String>::deserialize(d)?.unwrap_or_default();
    if link.is_empty() || crate::normalize::is_http_link(&link) {
        Ok(link)
    } else {
        Err(serde::de::Error::custom(format!(
            "link \"{}\" is not an http(s) URL",
            crate::rules::shorten(&link)
        )))
    }
}

pub(crate) fn null_as_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests;
