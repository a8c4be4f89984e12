//! Fault matrix (issue #7), typed and imported inputs of the Dots crate: whatever JSON the
//! builder, a template or an import hands over as a flow request (step lists, metadata, user
//! ids), whatever a user types as a base URL, and whatever bytes a reply holds, there is no
//! panic, and a refusal is a clear, non-empty message that never repeats a secret planted
//! where one could be pasted (metadata, the API key, a URL's user info or query).

use flowdesk_dots::error::message_from_body;
use flowdesk_dots::{validate, ClientConfig, DotsClient, Flow, FlowRequest, Metadata};
use proptest::prelude::*;
use serde_json::{json, Value};

const SECRET: &str = "fake_PLANTED_secret_s3cr3tQ9x";

fn clear(message: &str) -> Result<(), TestCaseError> {
    prop_assert!(!message.trim().is_empty(), "empty message");
    prop_assert!(!message.contains(SECRET), "the message repeats the secret: {message}");
    Ok(())
}

/// JSON trees whose strings are often step names, option names or the secret.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        prop::sample::select(vec![
            "compliance", "payout", "redirect", "pdf-form-fill", "manage-payouts", "id-verification", "teleport", "",
            "https://acme.example.com/done", "0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60",
        ])
        .prop_map(|s| json!(s)),
        ".{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop::sample::select(vec![
                        "name", "steps", "user_id", "metadata", "require_auth", "redirect_url", "hide_continue_button",
                        "auto_payout_enabled", "template_id", "x",
                    ]),
                    inner
                ),
                0..6
            )
            .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

/// A request-like object with the secret in its metadata.
fn request_json() -> impl Strategy<Value = Value> {
    (json_value(), json_value(), prop::option::of(json_value()), any::<u8>()).prop_map(|(steps, user_id, extra, which)| {
        let metadata = match which % 4 {
            0 => json!(SECRET),
            1 => json!({"reference": SECRET, "n": 1}),
            2 => json!([SECRET]),
            _ => json!(7),
        };
        let mut o = json!({"steps": steps, "metadata": metadata});
        if which & 8 != 0 {
            o["user_id"] = user_id;
        }
        if let Some(extra) = extra {
            o["require_auth"] = extra;
        }
        o
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A flow request as JSON (builder, template or import): read it, check it, build the body.
    #[test]
    fn flow_requests_from_any_json(v in prop_oneof![request_json(), json_value()]) {
        match serde_json::from_value::<FlowRequest>(v) {
            Ok(req) => {
                for violation in validate(&req) {
                    clear(&violation.message)?;
                    prop_assert!(violation.message.chars().count() < 400);
                }
                let body = req.wire_body();
                prop_assert!(body["steps"].is_array());
            }
            Err(e) => clear(&e.to_string())?,
        }
    }

    /// Step lists on their own, with any step fields.
    #[test]
    fn step_lists(steps in prop::collection::vec(json_value(), 0..12)) {
        match serde_json::from_value::<FlowRequest>(json!({"steps": steps})) {
            Ok(req) => {
                for v in validate(&req) {
                    prop_assert!(!v.message.trim().is_empty());
                    if let Some(i) = v.step {
                        prop_assert!((i as usize) < req.steps.len());
                    }
                }
            }
            Err(e) => prop_assert!(!e.to_string().trim().is_empty()),
        }
    }

    /// The metadata box as typed: JSON text (or not) with a secret in it.
    #[test]
    fn metadata_text(prefix in ".{0,20}", suffix in ".{0,20}", quoted in any::<bool>()) {
        let text = if quoted { format!("{prefix}\"{SECRET}\"{suffix}") } else { format!("{prefix}{{\"k\":\"{SECRET}\"{suffix}") };
        match serde_json::from_str::<Metadata>(&text) {
            Ok(m) => {
                let req = FlowRequest { metadata: Some(m), ..FlowRequest::new(Vec::new()) };
                for v in validate(&req) {
                    clear(&v.message)?;
                }
            }
            Err(e) => clear(&e.to_string())?,
        }
    }

    /// User ids as typed: any text is refused with a short message or accepted as a UUID.
    #[test]
    fn user_ids(id in prop_oneof![any::<String>(), ".{0,5000}", "[0-9a-fA-F-]{30,40}", Just("0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60".to_string())]) {
        let req = FlowRequest { user_id: Some(id), ..FlowRequest::new(vec![flowdesk_dots::Step::new(flowdesk_dots::StepName::Payout)]) };
        for v in validate(&req) {
            prop_assert!(!v.message.trim().is_empty());
            prop_assert!(v.message.chars().count() < 300, "{}", v.message.len());
        }
    }

    /// A base URL with the key beside it: a client whose debug output hides the key, or a
    /// configuration error without the key. (The URL itself is quoted in `ClientConfig::new`'s
    /// error and kept in the client: the app only hands it URLs that `flowdesk_settings::
    /// parse_base_url` accepted, which have no user info, query or fragment.)
    #[test]
    fn base_urls(url in prop_oneof![
        any::<String>(),
        "(https?|ftp|file|javascript)://[a-zA-Z0-9.:@\\[\\]?#%/-]{0,40}",
        Just("https://user:pass@api.example.com/api".to_string()),
    ]) {
        match ClientConfig::new(&url, "cid", SECRET) {
            Ok(config) => match DotsClient::new(config) {
                Ok(c) => { let shown = format!("{c:?}"); prop_assert!(!shown.contains(SECRET)) }
                Err(e) => clear(&e.to_string())?,
            },
            Err(e) => clear(&e.to_string())?,
        }
    }

    /// Whatever a reply holds: a flow or a clear refusal; an error body's message is short.
    #[test]
    fn reply_bodies(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = serde_json::from_slice::<Flow>(&bytes).map(|f| f.progress());
        let m = message_from_body(&bytes);
        prop_assert!(!m.is_empty() && m.chars().count() <= 301);
    }
}
