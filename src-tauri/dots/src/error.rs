//! One error type for everything the Dots client can meet, typed by kind so a UI can offer
//! the right next step. No variant ever holds the api_key or the Authorization header.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::rules::RuleViolation;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorKind {
    Invalid,
    Unauthorized,
    Forbidden,
    NotFound,
    InvalidRequest,
    RateLimited,
    Server,
    Timeout,
    Network,
    Decode,
    HostNotAllowed,
    Config,
}

#[derive(Debug, thiserror::Error)]
pub enum DotsError {
    #[error("The request is not ready to send: {}", first_message(.0))]
    Invalid(Vec<RuleViolation>),
    #[error("Dots did not accept the credentials (401): {message}")]
    Unauthorized { message: String },
    #[error("These credentials may not do that (403): {message}")]
    Forbidden { message: String },
    #[error("Dots has no such object (404): {message}")]
    NotFound { message: String },
    #[error("Dots refused the request ({status}): {message}")]
    InvalidRequest { status: u16, message: String },
    #[error("Dots is rate limiting{}: {message}", retry_hint(.retry_after))]
    RateLimited { retry_after: Option<Duration>, message: String },
    #[error("Dots had a server error ({status}): {message}")]
    Server { status: u16, message: String },
    #[error("Dots did not answer within {} s", .0.as_secs_f32())]
    Timeout(Duration),
    #[error("Could not reach Dots: {0}")]
    Network(String),
    #[error("Dots sent a reply Flow Desk could not read: {0}")]
    Decode(String),
    #[error("Refused to send the key to {target}: it belongs to {allowed}")]
    HostNotAllowed { target: String, allowed: String },
    #[error("Bad client configuration: {0}")]
    Config(String),
}

impl DotsError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            DotsError::Invalid(_) => ErrorKind::Invalid,
            DotsError::Unauthorized { .. } => ErrorKind::Unauthorized,
            DotsError::Forbidden { .. } => ErrorKind::Forbidden,
            DotsError::NotFound { .. } => ErrorKind::NotFound,
            DotsError::InvalidRequest { .. } => ErrorKind::InvalidRequest,
            DotsError::RateLimited { .. } => ErrorKind::RateLimited,
            DotsError::Server { .. } => ErrorKind::Server,
            DotsError::Timeout(_) => ErrorKind::Timeout,
            DotsError::Network(_) => ErrorKind::Network,
            DotsError::Decode(_) => ErrorKind::Decode,
            DotsError::HostNotAllowed { .. } => ErrorKind::HostNotAllowed,
            DotsError::Config(_) => ErrorKind::Config,
        }
    }

    /// Worth asking again for a read (GET): the same request may well succeed later.
    pub fn is_transient(&self) -> bool {
        matches!(self.kind(), ErrorKind::RateLimited | ErrorKind::Server | ErrorKind::Timeout | ErrorKind::Network)
    }

    /// For a create: the request may have been committed although no usable reply came
    /// back. Such a create must be reconciled, never blindly sent again.
    pub fn outcome_unknown(&self) -> bool {
        matches!(self.kind(), ErrorKind::Server | ErrorKind::Timeout | ErrorKind::Network | ErrorKind::Decode)
    }
}

fn first_message(v: &[RuleViolation]) -> String {
    match v {
        [] => "no rule broken".into(),
        [one] => one.message.clone(),
        [first, rest @ ..] => format!("{} (and {} more)", first.message, rest.len()),
    }
}

fn retry_hint(after: &Option<Duration>) -> String {
    after.map(|d| format!(" (retry after {} s)", d.as_secs())).unwrap_or_default()
}

/// The human part of an error reply. Dots' error bodies are loosely specified: take any
/// JSON's `message`, then `error`, then the raw text, cut to a readable length.
pub fn message_from_body(body: &[u8]) -> String {
    const MAX: usize = 300;
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        for field in ["message", "error"] {
            match v.get(field) {
                Some(serde_json::Value::String(s)) if !s.trim().is_empty() => return cut(s.trim(), MAX),
                Some(other @ (serde_json::Value::Object(_) | serde_json::Value::Array(_))) => {
                    return cut(&other.to_string(), MAX)
                }
                _ => {}
            }
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        "(empty reply)".into()
    } else {
        cut(text, MAX)
    }
}

fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_then_error_then_text() {
        assert_eq!(message_from_body(br#"{"success":false,"error":"bad_steps","message":"steps must be unique"}"#), "steps must be unique");
        assert_eq!(message_from_body(br#"{"error":"unauthorized"}"#), "unauthorized");
        assert_eq!(message_from_body(br#"{"message":{"steps":["dup"]}}"#), r#"{"steps":["dup"]}"#);
        assert_eq!(message_from_body(b"<html>Bad Gateway</html>"), "<html>Bad Gateway</html>");
        assert_eq!(message_from_body(b"  "), "(empty reply)");
        assert_eq!(message_from_body(&[0xff, 0xfe, b'x']), "\u{fffd}\u{fffd}x");
        assert!(message_from_body("é".repeat(5000).as_bytes()).chars().count() <= 301);
    }

    #[test]
    fn kinds_and_retry_classes() {
        let e = DotsError::RateLimited { retry_after: Some(Duration::from_secs(3)), message: "slow down".into() };
        assert_eq!(e.kind(), ErrorKind::RateLimited);
        assert_eq!(e.to_string(), "Dots is rate limiting (retry after 3 s): slow down");
        assert!(e.is_transient() && !e.outcome_unknown());
        assert!(DotsError::Decode("x".into()).outcome_unknown());
        assert!(!DotsError::Unauthorized { message: "x".into() }.is_transient());
    }
}
