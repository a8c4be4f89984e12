//! Injected faults: what they are, the FIFO queue, and the replies they produce.

use std::collections::VecDeque;

use axum::body::Body;
use axum::http::{header, HeaderValue, Response, StatusCode};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The largest `huge_body` we will build, so a typo cannot exhaust memory.
pub const MAX_HUGE_BODY: usize = 256 * 1024 * 1024;

/// What the client sees instead of (or on top of) the real handler.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// Reply with this status; `body` is sent raw (JSON content type if it parses as JSON,
    /// else text/plain); without it a Dots-style JSON error body is sent.
    Status {
        status: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<String>,
    },
    /// Sleep, then reply normally.
    Latency { ms: u64 },
    /// 200, JSON content type, a body cut off mid-object.
    MalformedJson,
    /// 200 with an HTML page.
    WrongContentType,
    /// 200, JSON content type, a body of exactly `bytes` bytes.
    HugeBody { bytes: usize },
    /// Close the TCP connection without sending a single response byte.
    Drop,
}

/// Whether the fault replaces the handler or only its reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultWhen {
    /// The handler never runs (for latency: sleep, then it runs).
    #[default]
    Before,
    /// The handler runs and commits; its reply is then replaced (for latency: delayed).
    AfterCommit,
}

fn one() -> u32 {
    1
}

/// One queued fault, as posted to `POST /_sandbox/faults`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultSpec {
    pub fault: Fault,
    #[serde(default)]
    pub when: FaultWhen,
    /// How many matching requests this fault hits before it is used up.
    #[serde(default = "one")]
    pub count: u32,
    /// Only requests with this method (case-insensitive); any method when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Only requests whose path starts with this (e.g. "/api/v2/flows"); any `/api/` path when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
}

impl FaultSpec {
    pub fn new(fault: Fault, when: FaultWhen) -> Self {
        FaultSpec {
            fault,
            when,
            count: 1,
            method: None,
            path_prefix: None,
        }
    }

    pub fn count(mut self, n: u32) -> Self {
        self.count = n;
        self
    }

    pub fn method(mut self, m: impl Into<String>) -> Self {
        self.method = Some(m.into());
        self
    }

    pub fn path_prefix(mut self, p: impl Into<String>) -> Self {
        self.path_prefix = Some(p.into());
        self
    }

    /// Checks what the HTTP control rejects with 400; `SandboxHandle::inject` clamps instead.
    pub fn validate(&self) -> Result<(), FaultSpecError> {
        if self.count == 0 {
            return Err(FaultSpecError::ZeroCount);
        }
        match &self.fault {
            Fault::Status { status, .. } if !(100..=599).contains(status) => {
                Err(FaultSpecError::BadStatus(*status))
            }
            Fault::HugeBody { bytes } if *bytes > MAX_HUGE_BODY => {
                Err(FaultSpecError::TooHuge(*bytes))
            }
            _ => Ok(()),
        }
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self
                .path_prefix
                .as_deref()
                .is_none_or(|p| path.starts_with(p))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FaultSpecError {
    #[error("`count` must be at least 1")]
    ZeroCount,
    #[error("`status` {0} is not an HTTP status (100..=599)")]
    BadStatus(u16),
    #[error("`bytes` {0} is larger than the sandbox's limit of {MAX_HUGE_BODY}")]
    TooHuge(usize),
}

/// FIFO of pending faults; each matching request takes one use from the oldest match.
#[derive(Debug, Default)]
pub struct FaultQueue {
    pending: VecDeque<FaultSpec>,
}

impl FaultQueue {
    pub fn push(&mut self, spec: FaultSpec) {
        self.pending.push_back(spec);
    }

    pub fn clear(&mut self) -> usize {
        let n = self.pending.len();
        self.pending.clear();
        n
    }

    pub fn pending(&self) -> Vec<FaultSpec> {
        self.pending.iter().cloned().collect()
    }

    pub fn len(&self) -> usize {
        self.pending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Takes one use of the first fault matching this request, if any.
    pub fn take(&mut self, method: &str, path: &str) -> Option<(Fault, FaultWhen)> {
        let i = self.pending.iter().position(|s| s.matches(method, path))?;
        let spec = &mut self.pending[i];
        let hit = (spec.fault.clone(), spec.when);
        spec.count = spec.count.saturating_sub(1);
        if spec.count == 0 {
            self.pending.remove(i);
        }
        Some(hit)
    }
}

fn json_response(status: StatusCode, body: impl Into<Body>) -> Response<Body> {
    let mut r = Response::new(body.into());
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// The reply for a fault that produces one (everything but latency and drop).
/// `real_body` is the committed handler's body for `after_commit`, so truncation cuts the real thing.
pub fn fault_response(fault: &Fault, real_body: Option<&[u8]>) -> Response<Body> {
    match fault {
        Fault::Status {
            status,
            retry_after,
            body,
        } => {
            let code = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut r = match body {
                Some(raw) => {
                    let is_json = serde_json::from_str::<serde_json::Value>(raw).is_ok();
                    let mut r = json_response(code, raw.clone());
                    if !is_json {
                        r.headers_mut().insert(
                            header::CONTENT_TYPE,
                            HeaderValue::from_static("text/plain; charset=utf-8"),
                        );
                    }
                    r
                }
                None => {
                    let message = format!("sandbox injected status {}", code.as_u16());
                    let body = crate::api::ErrorBody {
                        success: false,
                        error: "injected_fault",
                        message: &message,
                    };
                    json_response(code, serde_json::to_string(&body).unwrap_or_default())
                }
            };
            if let Some(secs) = retry_after {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(*secs));
            }
            r
        }
        Fault::MalformedJson => {
            let body = match real_body {
                // Half of a compact JSON object always lacks its closing brace.
                Some(b) if b.len() >= 2 => b[..b.len() / 2].to_vec(),
                _ => br#"{"id": "8f1c2d3e-aaaa-4bbb-8ccc-1234567890ab", "created": "2024-07-11T21:10:"#.to_vec(),
            };
            json_response(StatusCode::OK, body)
        }
        Fault::WrongContentType => {
            let mut r = Response::new(Body::from(
                "<!doctype html><html><head><title>502 Bad Gateway</title></head>\
                 <body><h1>Bad Gateway</h1><p>The upstream returned an HTML page.</p></body></html>",
            ));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            r
        }
        Fault::HugeBody { bytes } => json_response(StatusCode::OK, huge_body(*bytes)),
        // Not reached for these two; kept total so a mistake is visible rather than a panic.
        Fault::Latency { .. } | Fault::Drop => {
            json_response(StatusCode::INTERNAL_SERVER_ERROR, "{}")
        }
    }
}

/// Exactly `bytes` bytes (capped) of `{"data":"xxxx…"}`, valid JSON when there is room for it.
pub fn huge_body(bytes: usize) -> Vec<u8> {
    let bytes = bytes.min(MAX_HUGE_BODY);
    const HEAD: &[u8] = br#"{"data":""#;
    const TAIL: &[u8] = br#""}"#;
    if bytes < HEAD.len() + TAIL.len() {
        return vec![b' '; bytes];
    }
    let mut v = Vec::with_capacity(bytes);
    v.extend_from_slice(HEAD);
    v.resize(bytes - TAIL.len(), b'x');
    v.extend_from_slice(TAIL);
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn spec_json_shape_and_defaults() {
        let s: FaultSpec = serde_json::from_value(
            json!({"fault": {"kind": "status", "status": 503, "retry_after": 2}, "when": "before"}),
        )
        .unwrap();
        assert_eq!(s.count, 1);
        assert_eq!(
            s.fault,
            Fault::Status {
                status: 503,
                retry_after: Some(2),
                body: None
            }
        );
        let s: FaultSpec = serde_json::from_value(json!({"fault": {"kind": "drop"}})).unwrap();
        assert_eq!(s.when, FaultWhen::Before);
        let s: FaultSpec = serde_json::from_value(json!({
            "fault": {"kind": "huge_body", "bytes": 10}, "when": "after_commit", "count": 3,
            "method": "POST", "path_prefix": "/api/v2/flows"
        }))
        .unwrap();
        assert_eq!(s.when, FaultWhen::AfterCommit);
        let back = serde_json::to_value(&s).unwrap();
        assert_eq!(back["fault"], json!({"kind": "huge_body", "bytes": 10}));
        assert_eq!(back["when"], json!("after_commit"));
        for k in [
            json!({"kind": "latency", "ms": 5}),
            json!({"kind": "malformed_json"}),
            json!({"kind": "wrong_content_type"}),
        ] {
            let f: Fault = serde_json::from_value(k.clone()).unwrap();
            assert_eq!(serde_json::to_value(f).unwrap(), k);
        }
        assert!(
            serde_json::from_value::<FaultSpec>(json!({"fault": {"kind": "explode"}})).is_err()
        );
    }

    #[test]
    fn validation() {
        assert_eq!(
            FaultSpec::new(Fault::Drop, FaultWhen::Before)
                .count(0)
                .validate(),
            Err(FaultSpecError::ZeroCount)
        );
        let bad = FaultSpec::new(
            Fault::Status {
                status: 42,
                retry_after: None,
                body: None,
            },
            FaultWhen::Before,
        );
        assert_eq!(bad.validate(), Err(FaultSpecError::BadStatus(42)));
        let big = FaultSpec::new(
            Fault::HugeBody {
                bytes: MAX_HUGE_BODY + 1,
            },
            FaultWhen::Before,
        );
        assert!(big.validate().is_err());
    }

    #[test]
    fn queue_is_fifo_filtered_and_counted() {
        let mut q = FaultQueue::default();
        q.push(
            FaultSpec::new(Fault::Drop, FaultWhen::Before)
                .method("post")
                .count(2),
        );
        q.push(
            FaultSpec::new(Fault::MalformedJson, FaultWhen::Before).path_prefix("/api/v2/flows"),
        );
        assert_eq!(
            q.take("GET", "/api/v2/flows").map(|h| h.0),
            Some(Fault::MalformedJson)
        );
        assert_eq!(q.take("GET", "/api/v2/flows"), None);
        assert_eq!(
            q.take("POST", "/api/v2/flows").map(|h| h.0),
            Some(Fault::Drop)
        );
        assert_eq!(q.len(), 1);
        assert_eq!(q.take("POST", "/api/x").map(|h| h.0), Some(Fault::Drop));
        assert!(q.is_empty());
    }

    #[test]
    fn huge_body_is_exact_and_json() {
        let b = huge_body(1000);
        assert_eq!(b.len(), 1000);
        assert!(serde_json::from_slice::<serde_json::Value>(&b).is_ok());
        assert_eq!(huge_body(3).len(), 3);
        assert_eq!(huge_body(0).len(), 0);
    }

    #[test]
    fn malformed_truncates_the_real_body() {
        let real = br#"{"id":"x","steps":[]}"#;
        let r = fault_response(&Fault::MalformedJson, Some(real));
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/json");
    }
}
