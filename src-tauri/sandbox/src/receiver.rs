//! A webhook receiver on loopback that records every request and answers from a script
//! (e.g. 500, 500, then 200): what tests of webhook delivery point an endpoint at.

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::server::lock;

/// One request as the receiver got it.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

#[derive(Default)]
struct Inner {
    got: Mutex<Vec<Received>>,
    script: Mutex<VecDeque<u16>>,
    arrived: Notify,
}

pub struct Receiver {
    addr: SocketAddr,
    inner: Arc<Inner>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    /// Listens on 127.0.0.1 (`port` 0: any free port). Answers each POST with the next status
    /// of `script`, then 200 once it is used up.
    pub async fn start(port: u16, script: &[u16]) -> std::io::Result<Receiver> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let addr = listener.local_addr()?;
        let inner = Arc::new(Inner { script: Mutex::new(script.iter().copied().collect()), ..Inner::default() });
        let app = Router::new().fallback(post(record)).with_state(inner.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Receiver { addr, inner, task })
    }

    pub fn url(&self) -> String {
        format!("http://{}/hooks", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn received(&self) -> Vec<Received> {
        lock(&self.inner.got).clone()
    }

    /// Waits until at least `n` requests arrived, or `within` passed; returns them all.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let arrived = self.inner.arrived.notified();
            let got = self.received();
            if got.len() >= n || Instant::now() >= deadline {
                return got;
            }
            let _ = tokio::time::timeout(deadline.saturating_duration_since(Instant::now()), arrived).await;
        }
    }

    /// Stops listening; the port is free again.
    pub async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

async fn record(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    lock(&inner.got).push(Received { headers, body });
    inner.arrived.notify_waiters();
    let status = lock(&inner.script).pop_front().unwrap_or(200);
    StatusCode::from_u16(status).unwrap_or(StatusCode::OK)
}
