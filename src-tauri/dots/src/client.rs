//! An async Dots v2 client: HTTP Basic `client_id:api_key`, one base URL per environment.
//! The key is bound to the base URL's origin: a request for any other origin is refused
//! before anything is sent, redirects are never followed, and nothing logs the key.

use std::time::{Duration, Instant};

use reqwest::{header, Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use crate::error::{message_from_body, DotsError};
use crate::flow::Flow;
use crate::request::FlowRequest;
use crate::rules::validate;

/// Replies larger than this are refused rather than buffered (a flow is a few hundred bytes).
const MAX_REPLY_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// e.g. `https://pls.senddotssandbox.com/api`; paths are appended as `/v2/...`.
    pub base_url: Url,
    pub client_id: String,
    pub api_key: SecretString,
    /// Sent as `Api-App-Id` for Organization keys.
    pub app_id: Option<String>,
    pub timeout: Duration,
    /// An extra CA certificate (PEM) to trust, for corporate networks that inspect TLS.
    pub extra_ca_pem: Option<Vec<u8>>,
}

impl ClientConfig {
    pub fn new(base_url: &str, client_id: impl Into<String>, api_key: impl Into<String>) -> Result<Self, DotsError> {
        let base_url = Url::parse(base_url).map_err(|e| DotsError::Config(format!("base URL \"{base_url}\": {e}")))?;
        Ok(ClientConfig {
            base_url,
            client_id: client_id.into(),
            api_key: SecretString::from(api_key.into()),
            app_id: None,
            timeout: Duration::from_secs(20),
            extra_ca_pem: None,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ListParams {
    #[ts(optional)]
    pub limit: Option<u32>,
    #[ts(optional)]
    pub starting_after: Option<String>,
    #[ts(optional)]
    pub ending_before: Option<String>,
}

impl ListParams {
    /// Dots' bounds for `limit` (its documentation: between 1 and 100).
    pub const MAX_LIMIT: u32 = 100;

    /// The query as sent: `limit` kept within 1–100, cursors trimmed (and canonical when they
    /// are UUIDs, as the schema's `format: uuid` wants); blank cursors left out.
    pub fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if let Some(limit) = self.limit {
            query.push(("limit", limit.clamp(1, Self::MAX_LIMIT).to_string()));
        }
        for (name, cursor) in [("starting_after", &self.starting_after), ("ending_before", &self.ending_before)] {
            if let Some(id) = crate::normalize::opt_text(cursor) {
                query.push((name, crate::normalize::uuid_or_text(&id)));
            }
        }
        query
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Page<T> {
    pub data: Vec<T>,
    #[serde(default)]
    pub has_more: bool,
}

#[derive(Debug, Clone)]
pub struct DotsClient {
    http: reqwest::Client,
    config: ClientConfig,
}

impl DotsClient {
    pub fn new(config: ClientConfig) -> Result<Self, DotsError> {
        if !matches!(config.base_url.scheme(), "http" | "https") || config.base_url.host_str().is_none() {
            return Err(DotsError::Config(format!("base URL {} is not an http(s) URL", config.base_url)));
        }
        // The system proxy (HTTPS_PROXY / NO_PROXY) is honoured by reqwest; a loopback
        // base URL (the local sandbox) never goes through one.
        let mut builder = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("flow-desk/", env!("CARGO_PKG_VERSION")));
        if is_loopback(&config.base_url) {
            builder = builder.no_proxy();
        }
        if let Some(pem) = &config.extra_ca_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| DotsError::Config(format!("the extra CA certificate is not valid PEM: {e}")))?;
            if certs.is_empty() {
                return Err(DotsError::Config("the extra CA file holds no certificate".into()));
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder.build().map_err(|e| DotsError::Config(e.to_string()))?;
        Ok(DotsClient { http, config })
    }

    pub fn base_url(&self) -> &Url {
        &self.config.base_url
    }

    /// `POST /v2/flows`. The request is checked against the flow rules first. Never
    /// retried: flows have no idempotency key, so a lost reply may still mean a new flow.
    pub async fn create_flow(&self, request: &FlowRequest) -> Result<Flow, DotsError> {
        let violations = validate(request);
        if !violations.is_empty() {
            return Err(DotsError::Invalid(violations));
        }
        let url = self.url(&["v2", "flows"], &[])?;
        self.send(Method::POST, url, Some(request.wire_body())).await
    }

    /// `GET /v2/flows/{id}`.
    pub async fn get_flow(&self, id: &str) -> Result<Flow, DotsError> {
        let url = self.url(&["v2", "flows", id.trim()], &[])?;
        self.send(Method::GET, url, None).await
    }

    /// `GET /v2/flows` one page at a time (cursor paging).
    pub async fn list_flows(&self, params: &ListParams) -> Result<Page<Flow>, DotsError> {
        let url = self.url(&["v2", "flows"], &params.query())?;
        self.send(Method::GET, url, None).await
    }

    /// Builds `base/segments…?query`, each segment percent-encoded so an id can never
    /// climb out of its path or name another host.
    pub(crate) fn url(&self, segments: &[&str], query: &[(&str, String)]) -> Result<Url, DotsError> {
        let mut url = self.config.base_url.clone();
        url.path_segments_mut()
            .map_err(|_| DotsError::Config("base URL cannot take a path".into()))?
            .pop_if_empty()
            .extend(segments);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        Ok(url)
    }

    /// The key is bound to its environment's origin (scheme, host and port): the same
    /// check the tauri http plugin makes against its scope, before anything is sent.
    pub fn check_target(&self, url: &Url) -> Result<(), DotsError> {
        if url.origin() == self.config.base_url.origin() {
            Ok(())
        } else {
            Err(DotsError::HostNotAllowed {
                target: url.origin().ascii_serialization(),
                allowed: self.config.base_url.origin().ascii_serialization(),
            })
        }
    }

    pub(crate) async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        body: Option<serde_json::Value>,
    ) -> Result<T, DotsError> {
        self.check_target(&url)?;
        let path = url.path().to_string();
        let mut req = self
            .http
            .request(method.clone(), url)
            .basic_auth(&self.config.client_id, Some(self.config.api_key.expose_secret()))
            .header(header::ACCEPT, "application/json");
        if let Some(app_id) = &self.config.app_id {
            req = req.header("Api-App-Id", app_id);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let started = Instant::now();
        let result = self.exchange(req).await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match &result {
            Ok((status, _)) => tracing::debug!(%method, %path, status = status.as_u16(), elapsed_ms, "dots request"),
            Err(e) => tracing::warn!(%method, %path, kind = ?e.kind(), elapsed_ms, error = %e, "dots request failed"),
        }
        let (status, bytes) = result?;
        decode(status, &bytes).inspect_err(|e| {
            tracing::warn!(%method, %path, status = status.as_u16(), kind = ?e.kind(), error = %e, "dots reply refused")
        })
    }

    /// Sends and reads the whole reply (bounded), turning transport failures into kinds.
    async fn exchange(&self, req: reqwest::RequestBuilder) -> Result<(StatusCode, Reply), DotsError> {
        let mut resp = req.send().await.map_err(|e| self.transport_error(e))?;
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let content_type =
            resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.transport_error(e))? {
            if body.len() + chunk.len() > MAX_REPLY_BYTES {
                return Err(DotsError::Decode(format!("reply larger than {} MiB", MAX_REPLY_BYTES / (1024 * 1024))));
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, Reply { body, content_type, retry_after }))
    }

    fn transport_error(&self, e: reqwest::Error) -> DotsError {
        if e.is_timeout() {
            return DotsError::Timeout(self.config.timeout);
        }
        // The chain names the cause (refused, reset, TLS, DNS); URLs carry no secret.
        let e = e.without_url();
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            text.push_str(": ");
            text.push_str(&s.to_string());
            source = s.source();
        }
        DotsError::Network(text)
    }
}

fn is_loopback(url: &Url) -> bool {
    crate::loopback::is_loopback_url(url)
}

struct Reply {
    body: Vec<u8>,
    content_type: String,
    retry_after: Option<Duration>,
}

fn decode<T: DeserializeOwned>(status: StatusCode, reply: &Reply) -> Result<T, DotsError> {
    if !status.is_success() {
        return Err(status_error(status, reply));
    }
    let media = reply.content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if media != "application/json" && !media.ends_with("+json") {
        let shown = if media.is_empty() { "no content type" } else { media.as_str() };
        return Err(DotsError::Decode(format!("expected JSON, got {shown}")));
    }
    serde_json::from_slice(&reply.body).map_err(|e| DotsError::Decode(e.to_string()))
}

fn status_error(status: StatusCode, reply: &Reply) -> DotsError {
    let message = message_from_body(&reply.body);
    match status.as_u16() {
        401 => DotsError::Unauthorized { message },
        403 => DotsError::Forbidden { message },
        404 => DotsError::NotFound { message },
        429 => DotsError::RateLimited { retry_after: reply.retry_after, message },
        s if s >= 500 => DotsError::Server { status: s, message },
        s => DotsError::InvalidRequest { status: s, message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> DotsClient {
        DotsClient::new(ClientConfig::new(base, "cid", "sk_test_secret").unwrap()).unwrap()
    }

    #[test]
    fn ids_cannot_leave_the_base_path_or_host() {
        let c = client("https://pls.senddotssandbox.com/api");
        for id in ["../../x", "//evil.example/x", "a/b?c#d", "https://evil.example"] {
            let url = c.url(&["v2", "flows", id], &[]).unwrap();
            assert_eq!(url.host_str(), Some("pls.senddotssandbox.com"), "{id}");
            assert!(url.path().starts_with("/api/v2/flows/"), "{id} -> {url}");
            c.check_target(&url).unwrap();
        }
    }

    #[test]
    fn other_origins_are_refused() {
        let c = client("https://pls.senddotssandbox.com/api");
        for other in ["https://api.dots.dev/api/v2/flows", "http://pls.senddotssandbox.com/api/v2/flows", "https://pls.senddotssandbox.com:8443/api"] {
            let err = c.check_target(&Url::parse(other).unwrap()).unwrap_err();
            assert!(matches!(err, DotsError::HostNotAllowed { .. }), "{other}");
        }
    }

    #[test]
    fn debug_output_hides_the_key() {
        let c = client("https://pls.senddotssandbox.com/api");
        assert!(!format!("{c:?}").contains("sk_test_secret"));
    }

    #[test]
    fn an_extra_ca_must_be_a_certificate() {
        let mut cfg = ClientConfig::new("https://pls.senddotssandbox.com/api", "c", "k").unwrap();
        cfg.extra_ca_pem = Some(b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n".to_vec());
        assert!(matches!(DotsClient::new(cfg.clone()), Err(DotsError::Config(_))));
        cfg.extra_ca_pem = Some(b"just text".to_vec());
        assert!(matches!(DotsClient::new(cfg), Err(DotsError::Config(_))));
    }

    #[test]
    fn loopback_is_recognised() {
        for (u, want) in [("http://127.0.0.1:4010/api", true), ("http://[::1]:1/api", true), ("http://localhost/api", true), ("https://api.dots.dev/api", false)] {
            assert_eq!(is_loopback(&Url::parse(u).unwrap()), want, "{u}");
        }
    }

    #[test]
    fn list_queries_stay_within_dots_bounds() {
        let q = |limit, after: Option<&str>| {
            ListParams { limit, starting_after: after.map(String::from), ending_before: None }.query()
        };
        assert_eq!(q(Some(0), None), vec![("limit", "1".to_string())]);
        assert_eq!(q(Some(500), None), vec![("limit", "100".to_string())]);
        assert_eq!(q(Some(20), None), vec![("limit", "20".to_string())]);
        assert_eq!(
            q(None, Some(" {0B0C5E8F-6B3A-4D2E-9A77-3F1C2D4E5F60} ")),
            vec![("starting_after", "0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60".to_string())]
        );
        assert!(q(None, Some("  ")).is_empty());
    }

    #[test]
    fn base_url_must_be_http() {
        assert!(matches!(ClientConfig::new("not a url", "c", "k"), Err(DotsError::Config(_))));
        let cfg = ClientConfig::new("file:///etc/passwd", "c", "k").unwrap();
        assert!(matches!(DotsClient::new(cfg), Err(DotsError::Config(_))));
    }
}
