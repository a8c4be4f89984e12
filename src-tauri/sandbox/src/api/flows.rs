//! `/v2/flows`: create, retrieve, list.

use std::pin::Pin;

use axum::body::{Body, HttpBody};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use uuid::Uuid;

use super::ApiError;
use crate::model::{parse_uuid, FlowRecord, Store};
use crate::server::{lock, AppState};
use crate::validate::parse_create_body;

/// Create bodies above this are refused with 413 rather than buffered.
pub const MAX_CREATE_BODY: usize = 1024 * 1024;
/// An oversized body is still read (and discarded) up to this much, so the client gets a clean
/// 413 instead of a reset while it is still writing.
const DRAIN_CAP: usize = 64 * 1024 * 1024;
pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 100;

/// The spec's request body is `application/json`; anything else is a client bug worth seeing.
pub(crate) fn is_json_content_type(headers: &HeaderMap) -> bool {
    let Some(ct) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

pub(crate) async fn create(State(st): State<AppState>, req: Request) -> Response {
    if !is_json_content_type(req.headers()) {
        return ApiError::bad_request(
            "invalid_content_type",
            "request body must be sent as Content-Type: application/json",
        )
        .into_response();
    }
    let bytes = match read_limited(req.into_body(), MAX_CREATE_BODY).await {
        Ok(b) => b,
        Err(BodyTooLarge) => {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("request body is larger than {MAX_CREATE_BODY} bytes"),
            )
            .into_response()
        }
    };
    let new = match parse_create_body(&bytes) {
        Ok(n) => n,
        Err(e) => return ApiError::bad_request(e.code(), e.to_string()).into_response(),
    };
    let flow = lock(&st.store).insert(new).to_json(&st.origin);
    let flow = st.answer(flow);
    tracing::debug!(flow_id = %flow.id, "flow created");
    Json(flow).into_response()
}

pub(crate) struct BodyTooLarge;

/// Buffers up to `limit` bytes, draining (not keeping) anything past it up to `DRAIN_CAP`.
/// A body that breaks off mid-way yields what arrived, which then fails JSON parsing.
pub(crate) async fn read_limited(mut body: Body, limit: usize) -> Result<Vec<u8>, BodyTooLarge> {
    let mut buf = Vec::new();
    let mut total = 0usize;
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let Ok(frame) = frame else { break };
        if let Ok(data) = frame.into_data() {
            total = total.saturating_add(data.len());
            if total <= limit {
                buf.extend_from_slice(&data);
            } else if total > DRAIN_CAP {
                return Err(BodyTooLarge);
            }
        }
    }
    if total > limit {
        Err(BodyTooLarge)
    } else {
        Ok(buf)
    }
}

pub(crate) async fn get(
    State(st): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    // A malformed id cannot name a flow, so it is a 404 like any unknown id.
    let raw = path.map(|Path(p)| p).unwrap_or_default();
    match parse_uuid(&raw).and_then(|id| st.flow_json(&id)) {
        Some(flow) => Json(flow).into_response(),
        None => ApiError::not_found(format!("flow {raw:?} not found")).into_response(),
    }
}

#[derive(Debug, Default, PartialEq)]
pub(crate) struct ListQuery {
    pub limit: usize,
    pub starting_after: Option<Uuid>,
    pub ending_before: Option<Uuid>,
}

pub(crate) fn parse_list_query(raw: Option<&str>) -> Result<ListQuery, ApiError> {
    let mut q = ListQuery {
        limit: DEFAULT_LIMIT,
        ..Default::default()
    };
    // Unknown parameters are ignored; a repeated parameter takes its last value.
    for (key, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        match key.as_ref() {
            "limit" => {
                q.limit = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| ApiError::bad_request("invalid_limit", format!("`limit` must be an integer between 1 and {MAX_LIMIT}, got {value:?}")))?;
            }
            "starting_after" => q.starting_after = Some(cursor("starting_after", &value)?),
            "ending_before" => q.ending_before = Some(cursor("ending_before", &value)?),
            _ => {}
        }
    }
    if q.starting_after.is_some() && q.ending_before.is_some() {
        return Err(ApiError::bad_request(
            "invalid_pagination",
            "use either `starting_after` or `ending_before`, not both",
        ));
    }
    Ok(q)
}

fn cursor(name: &str, value: &str) -> Result<Uuid, ApiError> {
    parse_uuid(value).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_cursor",
            format!("`{name}` must be an id (UUID), got {value:?}"),
        )
    })
}

/// Stripe-style cursor paging over the newest-first list. Cursors are exclusive.
/// `ending_before` returns the `limit` flows just newer than the cursor, still newest first,
/// and `has_more` then says whether there are even newer ones.
pub(crate) fn page<'a>(
    store: &'a Store,
    q: &ListQuery,
) -> Result<(Vec<&'a FlowRecord>, bool), ApiError> {
    let all: Vec<&FlowRecord> = store.newest_first().collect();
    let position = |name: &str, id: &Uuid| {
        store.position_newest_first(id).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_cursor",
                format!("`{name}` {id} is not the id of an existing flow"),
            )
        })
    };
    if let Some(after) = &q.starting_after {
        let rest = &all[position("starting_after", after)? + 1..];
        let n = rest.len().min(q.limit);
        Ok((rest[..n].to_vec(), rest.len() > n))
    } else if let Some(before) = &q.ending_before {
        let newer = &all[..position("ending_before", before)?];
        let start = newer.len().saturating_sub(q.limit);
        Ok((newer[start..].to_vec(), start > 0))
    } else {
        let n = all.len().min(q.limit);
        Ok((all[..n].to_vec(), all.len() > n))
    }
}

pub(crate) async fn list(State(st): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let q = match parse_list_query(raw.as_deref()) {
        Ok(q) => q,
        Err(e) => return e.into_response(),
    };
    let store = lock(&st.store);
    match page(&store, &q) {
        Ok((flows, has_more)) => {
            let data: Vec<_> = flows.iter().map(|f| st.answer(f.to_json(&st.origin))).collect();
            Json(json!({"data": data, "has_more": has_more})).into_response()
        }
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NewFlow;

    fn store_with(n: usize) -> (Store, Vec<Uuid>) {
        let mut s = Store::default();
        let mut ids = Vec::new();
        for _ in 0..n {
            let new = NewFlow {
                steps: vec![],
                user_id: None,
                require_auth: false,
                hide_go_to_dashboard_on_complete: false,
                metadata: serde_json::Value::Null,
            };
            ids.push(s.insert(new).id);
        }
        ids.reverse(); // newest first
        (s, ids)
    }

    fn ids(v: &[&FlowRecord]) -> Vec<Uuid> {
        v.iter().map(|f| f.id).collect()
    }

    #[test]
    fn query_parsing() {
        assert_eq!(parse_list_query(None).unwrap().limit, 10);
        assert_eq!(
            parse_list_query(Some("limit=100&foo=bar")).unwrap().limit,
            100
        );
        for bad in [
            "limit=0",
            "limit=101",
            "limit=abc",
            "limit=",
            "limit=-1",
            "limit=1.5",
        ] {
            assert_eq!(
                parse_list_query(Some(bad)).unwrap_err().code,
                "invalid_limit",
                "{bad}"
            );
        }
        assert_eq!(
            parse_list_query(Some("starting_after=xyz"))
                .unwrap_err()
                .code,
            "invalid_cursor"
        );
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let both = format!("starting_after={a}&ending_before={b}");
        assert_eq!(
            parse_list_query(Some(&both)).unwrap_err().code,
            "invalid_pagination"
        );
    }

    #[test]
    fn paging() {
        let (s, all) = store_with(5);
        let q = |limit, sa: Option<Uuid>, eb: Option<Uuid>| ListQuery {
            limit,
            starting_after: sa,
            ending_before: eb,
        };
        let (p, more) = page(&s, &q(2, None, None)).unwrap();
        assert_eq!((ids(&p), more), (all[0..2].to_vec(), true));
        let (p, more) = page(&s, &q(2, Some(all[1]), None)).unwrap();
        assert_eq!((ids(&p), more), (all[2..4].to_vec(), true));
        let (p, more) = page(&s, &q(2, Some(all[3]), None)).unwrap();
        assert_eq!((ids(&p), more), (all[4..5].to_vec(), false));
        let (p, more) = page(&s, &q(2, None, Some(all[4]))).unwrap();
        assert_eq!((ids(&p), more), (all[2..4].to_vec(), true));
        let (p, more) = page(&s, &q(2, None, Some(all[2]))).unwrap();
        assert_eq!((ids(&p), more), (all[0..2].to_vec(), false));
        let (p, more) = page(&s, &q(2, None, Some(all[0]))).unwrap();
        assert!(p.is_empty() && !more);
        let (p, more) = page(&s, &q(10, None, None)).unwrap();
        assert_eq!((ids(&p), more), (all.clone(), false));
        assert_eq!(
            page(&s, &q(2, Some(Uuid::new_v4()), None))
                .unwrap_err()
                .code,
            "invalid_cursor"
        );
    }
}
