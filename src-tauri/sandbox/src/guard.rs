//! Who may talk to the sandbox at all. Binding 127.0.0.1 keeps other machines out, but not the
//! web pages a browser on this machine shows: they can aim requests at any loopback port. So,
//! outermost, before anything is counted, faulted, changed or saved:
//!
//! - **Host**: every request must name the sandbox itself, `127.0.0.1:PORT` or `localhost:PORT`
//!   (an absolute request target too). A page that rebinds its own host name to 127.0.0.1 (DNS
//!   rebinding) sends its own name here and gets `421 misdirected_request`.
//! - **Origin**: a request that may change something (any method but GET, HEAD and OPTIONS) that
//!   carries an `Origin` other than the sandbox's own (`http://127.0.0.1:PORT` or
//!   `http://localhost:PORT`), or a `Sec-Fetch-Site` other than `same-origin` / `none`, came from
//!   another site's page: `403 forbidden_origin`. Requests without those headers (programs,
//!   tests, curl) pass; browsers send them on every cross-site POST, and send the sandbox's own
//!   origin on the hosted pages' same-origin form posts.
//!
//! The `/_sandbox` controls additionally need the API's credentials and a JSON body (see
//! `controls.rs`).

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::ApiError;
use crate::server::AppState;

/// The names this sandbox answers to, for a server on `port` of 127.0.0.1.
pub(crate) struct OwnNames {
    hosts: [String; 2],
    origins: [String; 2],
    port: u16,
}

impl OwnNames {
    pub fn new(port: u16) -> Self {
        OwnNames {
            hosts: [format!("127.0.0.1:{port}"), format!("localhost:{port}")],
            origins: [
                format!("http://127.0.0.1:{port}"),
                format!("http://localhost:{port}"),
            ],
            port,
        }
    }

    /// `127.0.0.1:PORT` or `localhost:PORT` (any case; port 80 may be left out).
    pub fn is_own_host(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        self.hosts.contains(&host)
            || (self.port == 80 && (host == "127.0.0.1" || host == "localhost"))
    }

    /// `http://127.0.0.1:PORT` or `http://localhost:PORT` (any case).
    pub fn is_own_origin(&self, origin: &str) -> bool {
        let origin = origin.trim().to_ascii_lowercase();
        self.origins.contains(&origin)
            || (self.port == 80 && (origin == "http://127.0.0.1" || origin == "http://localhost"))
    }
}

/// Why a request was turned away before it reached a handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    ForeignHost,
    ForeignOrigin,
    CrossSiteFetch,
}

impl Refusal {
    fn into_error(self) -> ApiError {
        match self {
            Refusal::ForeignHost => ApiError::new(
                StatusCode::MISDIRECTED_REQUEST,
                "misdirected_request",
                "this sandbox only answers requests for 127.0.0.1:PORT or localhost:PORT (its own address)",
            ),
            Refusal::ForeignOrigin => ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden_origin",
                "requests that change something must come from the sandbox's own pages or from a program, not from another web site",
            ),
            Refusal::CrossSiteFetch => ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden_origin",
                "a cross-site browser request cannot change the sandbox",
            ),
        }
    }
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The checks, on the parts of a request they need (so they can be tested alone).
pub(crate) fn check(
    own: &OwnNames,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<(), Refusal> {
    // Exactly one Host header, naming us; an absolute-form target must name us too.
    let mut hosts = headers.get_all(header::HOST).iter();
    let host_ok = match (hosts.next(), hosts.next()) {
        (Some(h), None) => h.to_str().is_ok_and(|h| own.is_own_host(h)),
        _ => false,
    };
    if !host_ok {
        return Err(Refusal::ForeignHost);
    }
    if let Some(authority) = uri.authority() {
        if !own.is_own_host(authority.as_str()) {
            return Err(Refusal::ForeignHost);
        }
    }
    if changes_state(method) {
        for origin in headers.get_all(header::ORIGIN) {
            // `null` (sandboxed frames, cross-site redirects, file: pages) is not ours either.
            if !origin.to_str().is_ok_and(|o| own.is_own_origin(o)) {
                return Err(Refusal::ForeignOrigin);
            }
        }
        for site in headers.get_all("sec-fetch-site") {
            let ok = site.to_str().is_ok_and(|s| {
                matches!(
                    s.trim().to_ascii_lowercase().as_str(),
                    "same-origin" | "none"
                )
            });
            if !ok {
                return Err(Refusal::CrossSiteFetch);
            }
        }
    }
    Ok(())
}

/// Outermost layer: refuses a foreign Host or a foreign Origin before the request is counted,
/// faulted, handled or saved. Logs the refusal (method, path, reason; never header values).
pub(crate) async fn same_origin_only(
    State(st): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    match check(&st.own, req.method(), req.uri(), req.headers()) {
        Ok(()) => next.run(req).await,
        Err(why) => {
            tracing::warn!(method = %req.method(), path = %req.uri().path(), reason = ?why, "request refused");
            why.into_error().into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    fn run(
        method: Method,
        uri: &str,
        pairs: &[(&'static str, &'static str)],
    ) -> Result<(), Refusal> {
        check(
            &OwnNames::new(4010),
            &method,
            &uri.parse().unwrap(),
            &headers(pairs),
        )
    }

    #[test]
    fn host_must_be_ours() {
        assert_eq!(
            run(Method::GET, "/flow/x", &[("host", "127.0.0.1:4010")]),
            Ok(())
        );
        assert_eq!(
            run(Method::GET, "/flow/x", &[("host", "LOCALHOST:4010")]),
            Ok(())
        );
        for bad in [
            "evil.example:4010",
            "127.0.0.1:4011",
            "127.0.0.1",
            "localhost",
            "[::1]:4010",
            "localhost.:4010",
        ] {
            let h = HeaderValue::from_str(bad).unwrap();
            let mut map = HeaderMap::new();
            map.insert(header::HOST, h);
            assert_eq!(
                check(
                    &OwnNames::new(4010),
                    &Method::GET,
                    &"/".parse().unwrap(),
                    &map
                ),
                Err(Refusal::ForeignHost),
                "{bad}"
            );
        }
        assert_eq!(run(Method::GET, "/", &[]), Err(Refusal::ForeignHost));
        assert_eq!(
            run(
                Method::GET,
                "/",
                &[("host", "127.0.0.1:4010"), ("host", "evil.example:4010")]
            ),
            Err(Refusal::ForeignHost)
        );
        assert_eq!(
            run(
                Method::GET,
                "http://evil.example:4010/",
                &[("host", "127.0.0.1:4010")]
            ),
            Err(Refusal::ForeignHost)
        );
        assert_eq!(
            run(
                Method::GET,
                "http://localhost:4010/",
                &[("host", "127.0.0.1:4010")]
            ),
            Ok(())
        );
    }

    #[test]
    fn state_changes_need_our_origin_or_none() {
        let host = ("host", "127.0.0.1:4010");
        assert_eq!(run(Method::POST, "/", &[host]), Ok(()));
        assert_eq!(
            run(
                Method::POST,
                "/",
                &[host, ("origin", "http://127.0.0.1:4010")]
            ),
            Ok(())
        );
        assert_eq!(
            run(
                Method::POST,
                "/",
                &[host, ("origin", "http://localhost:4010")]
            ),
            Ok(())
        );
        assert_eq!(
            run(
                Method::POST,
                "/",
                &[
                    host,
                    ("origin", "http://127.0.0.1:4010"),
                    ("sec-fetch-site", "same-origin")
                ]
            ),
            Ok(())
        );
        for bad in [
            "https://evil.example",
            "null",
            "http://127.0.0.1:4011",
            "https://127.0.0.1:4010",
            "http://localhost:4010/x",
        ] {
            let mut map = headers(&[host]);
            map.insert(header::ORIGIN, HeaderValue::from_str(bad).unwrap());
            assert_eq!(
                check(
                    &OwnNames::new(4010),
                    &Method::DELETE,
                    &"/".parse().unwrap(),
                    &map
                ),
                Err(Refusal::ForeignOrigin),
                "{bad}"
            );
        }
        assert_eq!(
            run(Method::POST, "/", &[host, ("sec-fetch-site", "cross-site")]),
            Err(Refusal::CrossSiteFetch)
        );
        assert_eq!(
            run(Method::POST, "/", &[host, ("sec-fetch-site", "same-site")]),
            Err(Refusal::CrossSiteFetch)
        );
        // Reads may come from anywhere (the browser will not let another site read the reply).
        assert_eq!(
            run(
                Method::GET,
                "/",
                &[host, ("origin", "https://evil.example")]
            ),
            Ok(())
        );
    }
}
