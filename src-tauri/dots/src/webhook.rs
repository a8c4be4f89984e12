//! Checks a webhook as Dots sends it through Svix, from the documented scheme alone:
//! `svix-signature` (or `webhook-signature`) is a space-separated list of `v1,<base64>`, each
//! an HMAC-SHA256 over `{id}.{timestamp}.{raw body}` keyed with the base64-decoded text after
//! `whsec_`. Any one matching entry passes; the timestamp must be within 5 minutes of now.
//! Written with `hmac` and `sha2`, so it is independent of whatever signed the webhook.

use base64::Engine;
use hmac::{Hmac, Mac};
use reqwest::header::HeaderMap;
use sha2::Sha256;

/// How far a webhook's timestamp may be from now, either way.
pub const TOLERANCE_SECS: i64 = 5 * 60;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookVerifyError {
    #[error("the secret is not a whsec_ secret (base64 after `whsec_`)")]
    BadSecret,
    #[error("the webhook has no {0} header (svix-{0} or webhook-{0})")]
    MissingHeader(&'static str),
    #[error("the timestamp header is not a whole number of seconds")]
    BadTimestamp,
    #[error("the timestamp is {0} s away from now (more than 5 minutes): a replay or a wrong clock")]
    OutsideTolerance(i64),
    #[error("no v1 signature matches: a wrong secret, or the body was changed")]
    NoMatch,
}

/// What a webhook that verified said about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedWebhook {
    pub id: String,
    pub timestamp: i64,
}

/// Holds the decoded key only; it never prints it.
pub struct WebhookVerifier {
    key: Vec<u8>,
}

impl std::fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookVerifier { key: <redacted> }")
    }
}

impl WebhookVerifier {
    pub fn new(secret: &str) -> Result<WebhookVerifier, WebhookVerifyError> {
        let secret = secret.trim();
        let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
        let key = base64::engine::general_purpose::STANDARD.decode(encoded).map_err(|_| WebhookVerifyError::BadSecret)?;
        if key.is_empty() {
            return Err(WebhookVerifyError::BadSecret);
        }
        Ok(WebhookVerifier { key })
    }

    /// Verifies against the clock.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<VerifiedWebhook, WebhookVerifyError> {
        self.verify_at(headers, body, chrono::Utc::now().timestamp())
    }

    /// Verifies as if it were `now` (unix seconds).
    pub fn verify_at(&self, headers: &HeaderMap, body: &[u8], now: i64) -> Result<VerifiedWebhook, WebhookVerifyError> {
        let id = header(headers, "id")?;
        let timestamp: i64 = header(headers, "timestamp")?.trim().parse().map_err(|_| WebhookVerifyError::BadTimestamp)?;
        let signatures = header(headers, "signature")?;
        let skew = now.saturating_sub(timestamp);
        if skew.abs() > TOLERANCE_SECS {
            return Err(WebhookVerifyError::OutsideTolerance(skew));
        }
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).map_err(|_| WebhookVerifyError::BadSecret)?;
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        let matches = signatures
            .split(' ')
            .filter_map(|entry| entry.split_once(','))
            .filter(|(version, _)| *version == "v1")
            .filter_map(|(_, sig)| base64::engine::general_purpose::STANDARD.decode(sig).ok())
            // verify_slice compares in constant time.
            .any(|sig| mac.clone().verify_slice(&sig).is_ok());
        if matches {
            Ok(VerifiedWebhook { id: id.to_string(), timestamp })
        } else {
            Err(WebhookVerifyError::NoMatch)
        }
    }
}

/// The webhook's `svix-<name>` header, else `webhook-<name>` (some Svix deployments use the
/// unbranded names): `name` is `id`, `timestamp` or `signature`.
pub fn webhook_header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    let value = headers.get(format!("svix-{name}")).or_else(|| headers.get(format!("webhook-{name}")));
    value.and_then(|v| v.to_str().ok())
}

fn header<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a str, WebhookVerifyError> {
    webhook_header(headers, name).ok_or(WebhookVerifyError::MissingHeader(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderName, HeaderValue};

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn sign(secret: &str, id: &str, ts: i64, body: &[u8]) -> String {
        let key = base64::engine::general_purpose::STANDARD.decode(secret.trim_start_matches("whsec_")).unwrap();
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
        mac.update(format!("{id}.{ts}.").as_bytes());
        mac.update(body);
        format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
    }

    fn headers(prefix: &str, id: &str, ts: i64, sig: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in [("id", id.to_string()), ("timestamp", ts.to_string()), ("signature", sig.to_string())] {
            h.insert(HeaderName::try_from(format!("{prefix}-{name}")).unwrap(), HeaderValue::from_str(&value).unwrap());
        }
        h
    }

    #[test]
    fn a_good_signature_passes_and_every_change_is_caught() {
        let v = WebhookVerifier::new(SECRET).unwrap();
        let body = br#"{"event":"flow.updated","flow_id":"f"}"#;
        let now = 1_700_000_000;
        let sig = sign(SECRET, "msg_1", now, body);
        assert_eq!(v.verify_at(&headers("svix", "msg_1", now, &sig), body, now).unwrap().id, "msg_1");
        // A tampered body.
        let tampered = br#"{"event":"flow.updated","flow_id":"g"}"#;
        assert_eq!(v.verify_at(&headers("svix", "msg_1", now, &sig), tampered, now), Err(WebhookVerifyError::NoMatch));
        // A wrong secret.
        let other = WebhookVerifier::new("whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldA==").unwrap();
        assert_eq!(other.verify_at(&headers("svix", "msg_1", now, &sig), body, now), Err(WebhookVerifyError::NoMatch));
        // More than 5 minutes away, either way.
        assert_eq!(
            v.verify_at(&headers("svix", "msg_1", now, &sig), body, now + 301),
            Err(WebhookVerifyError::OutsideTolerance(301))
        );
        assert_eq!(
            v.verify_at(&headers("svix", "msg_1", now, &sig), body, now - 301),
            Err(WebhookVerifyError::OutsideTolerance(-301))
        );
        assert!(v.verify_at(&headers("svix", "msg_1", now, &sig), body, now + 300).is_ok());
        // The id is signed too.
        assert_eq!(v.verify_at(&headers("svix", "msg_2", now, &sig), body, now), Err(WebhookVerifyError::NoMatch));
    }

    #[test]
    fn any_one_of_several_v1_entries_passes() {
        let v = WebhookVerifier::new(SECRET).unwrap();
        let body = b"{}";
        let good = sign(SECRET, "msg_1", 10, body);
        let stale = sign("whsec_b2xkIHNlY3JldA==", "msg_1", 10, body);
        let list = format!("v1,bm90IGl0 {stale} v2,{} {good}", good.trim_start_matches("v1,"));
        assert!(v.verify_at(&headers("svix", "msg_1", 10, &list), body, 10).is_ok());
        let without = format!("{stale} v2,{}", good.trim_start_matches("v1,"));
        assert_eq!(v.verify_at(&headers("svix", "msg_1", 10, &without), body, 10), Err(WebhookVerifyError::NoMatch), "only v1 counts");
    }

    #[test]
    fn the_unbranded_header_names_work_the_same() {
        let v = WebhookVerifier::new(SECRET).unwrap();
        let sig = sign(SECRET, "msg_9", 5, b"[]");
        assert!(v.verify_at(&headers("webhook", "msg_9", 5, &sig), b"[]", 5).is_ok());
        assert_eq!(v.verify_at(&headers("webhook", "msg_9", 5, &sig), b"[1]", 5), Err(WebhookVerifyError::NoMatch));
        assert_eq!(v.verify_at(&HeaderMap::new(), b"[]", 5), Err(WebhookVerifyError::MissingHeader("id")));
    }

    #[test]
    fn bad_secrets_and_timestamps_are_refused() {
        assert_eq!(WebhookVerifier::new("whsec_!!!").unwrap_err(), WebhookVerifyError::BadSecret);
        assert_eq!(WebhookVerifier::new("whsec_").unwrap_err(), WebhookVerifyError::BadSecret);
        let v = WebhookVerifier::new(SECRET).unwrap();
        let mut h = headers("svix", "m", 0, "v1,AAAA");
        h.insert("svix-timestamp", HeaderValue::from_static("soon"));
        assert_eq!(v.verify_at(&h, b"", 0), Err(WebhookVerifyError::BadTimestamp));
        assert!(!format!("{v:?}").contains("MfKQ"), "Debug never shows the key");
    }
}
