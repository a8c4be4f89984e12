//! "Test connection": one cheap authenticated GET, turned into a sentence a support person
//! can act on.

use flowdesk_dots::{DotsClient, ErrorKind, ListParams};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{AppErrorKind, CoreError};

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ConnectionReport {
    pub ok: bool,
    pub kind: Option<AppErrorKind>,
    pub sentence: String,
}

pub async fn test(client: &DotsClient) -> ConnectionReport {
    let host = client.base_url().host_str().unwrap_or("the server").to_string();
    match client.list_flows(&ListParams { limit: Some(1), ..Default::default() }).await {
        Ok(_) => ConnectionReport { ok: true, kind: None, sentence: format!("Connected to {host}: these credentials work.") },
        Err(e) => {
            let sentence = match e.kind() {
                ErrorKind::Unauthorized => format!(
                    "{host} did not accept the client id or key. Check both, and that a sandbox key is not used for production (or the reverse)."
                ),
                ErrorKind::Forbidden => format!("{host} accepted the key but refused access (403): check the key's permissions and the Api-App-Id."),
                ErrorKind::Timeout => format!("{host} did not answer in time: try again, or check the network or proxy."),
                ErrorKind::Network if looks_like_tls(&e.to_string()) => format!(
                    "TLS problem talking to {host}: its certificate was not trusted. On a corporate network, add your company's CA certificate in settings."
                ),
                ErrorKind::Network => format!("Could not reach {host}: check the base URL, the network or the proxy (HTTPS_PROXY / NO_PROXY)."),
                _ => format!("{host} answered, but not as Dots would: {e}"),
            };
            let kind = CoreError::from(e).kind;
            ConnectionReport { ok: false, kind: Some(kind), sentence }
        }
    }
}

/// rustls' certificate and handshake failures reach us only as text in the error chain.
fn looks_like_tls(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    ["certificate", "tls", "handshake", "unknownissuer"].iter().any(|w| m.contains(w))
}
