//! The step template a batch applies to each row, and the exact request a row becomes.

use flowdesk_dots::{validate, FlowRequest, Metadata, Step};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::error::BulkError;
use crate::import::Recipient;

/// The metadata keys a batch adds to each row's flow (batch id, row number) so a listing
/// finds the row's flow again. A flow started from one made by a batch leaves them out.
pub const BOOKKEEPING_KEYS: [&str; 2] = ["flowdesk_batch", "flowdesk_row"];

/// What every flow of the batch has in common. Read from JSON by the CLI's `--template`:
/// `{"steps": ["compliance", {"name": "redirect", "redirect_url": "https://…"}], "require_auth": true}`
/// (a step may be a bare name or an object, as in Dots' own request body).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchTemplate {
    #[serde(deserialize_with = "steps_lenient")]
    pub steps: Vec<Step>,
    /// Applies to rows with a `user_id`; unset means on, as in the flow builder. Rows without
    /// a user never send it (Dots asks them to sign in anyway).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_auth: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hide_go_to_dashboard_on_complete: Option<bool>,
}

impl BatchTemplate {
    pub fn new(steps: Vec<Step>) -> Self {
        BatchTemplate {
            steps,
            require_auth: None,
            hide_go_to_dashboard_on_complete: None,
        }
    }

    /// The rules of the flow builder, checked once for the batch (with and without a user)
    /// so a template mistake is one message, not one failure per row.
    pub fn check(&self) -> Result<(), BulkError> {
        let probe = Recipient {
            row: 1,
            line: 2,
            email: "probe@example.com".into(),
            name: None,
            reference: None,
            user_id: None,
            meta: Map::new(),
            problem: None,
        };
        let with_user = Recipient {
            user_id: Some(Uuid::nil().hyphenated().to_string()),
            ..probe.clone()
        };
        for r in [probe, with_user] {
            let violations = validate(&self.request_for(Uuid::nil(), &r));
            if let Some(v) = violations.first() {
                return Err(BulkError::Template(v.message.clone()));
            }
        }
        Ok(())
    }

    /// The row's request: the template's steps, the row's user, and metadata that lets a
    /// listing find this row's flow again ([`BOOKKEEPING_KEYS`]).
    pub fn request_for(&self, batch: Uuid, r: &Recipient) -> FlowRequest {
        let mut meta = Map::new();
        let [batch_key, row_key] = BOOKKEEPING_KEYS;
        meta.insert(batch_key.into(), Value::String(batch.to_string()));
        meta.insert(row_key.into(), Value::from(r.row));
        if let Some(reference) = &r.reference {
            meta.insert("reference".into(), Value::String(reference.clone()));
        }
        meta.insert("email".into(), Value::String(r.email.clone()));
        for (k, v) in &r.meta {
            meta.entry(k.clone()).or_insert_with(|| v.clone());
        }
        let user_id = r.user_id.clone().filter(|u| !u.trim().is_empty());
        FlowRequest {
            steps: self.steps.clone(),
            require_auth: user_id.as_ref().map(|_| self.require_auth.unwrap_or(true)),
            user_id,
            hide_go_to_dashboard_on_complete: self.hide_go_to_dashboard_on_complete,
            metadata: Some(Metadata::Object(meta)),
        }
    }

    /// "Compliance, Manage payouts" for the mail merge's `{steps}`.
    pub fn step_titles(&self) -> String {
        self.steps
            .iter()
            .map(|s| s.name.title())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn steps_lenient<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Step>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Name(flowdesk_dots::StepName),
        Full(Step),
    }
    let items: Vec<Either> = Vec::deserialize(d)?;
    Ok(items
        .into_iter()
        .map(|e| match e {
            Either::Name(n) => Step::new(n),
            Either::Full(s) => s,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowdesk_dots::StepName;
    use serde_json::json;

    fn row(user: Option<&str>) -> Recipient {
        let mut meta = Map::new();
        meta.insert("team".into(), json!("blue"));
        Recipient {
            row: 7,
            line: 8,
            email: "ann@example.com".into(),
            name: Some("Ann".into()),
            reference: Some("INV-7".into()),
            user_id: user.map(String::from),
            meta,
            problem: None,
        }
    }

    #[test]
    fn request_carries_batch_row_and_metadata() {
        let t: BatchTemplate = serde_json::from_value(json!({
            "steps": ["compliance", {"name": "redirect", "redirect_url": "https://acme.example.com/done"}]
        }))
        .unwrap();
        t.check().unwrap();
        let batch = Uuid::new_v4();
        let body = t.request_for(batch, &row(None)).wire_body();
        assert_eq!(
            body,
            json!({
                "steps": ["compliance", {"name": "redirect", "redirect_url": "https://acme.example.com/done"}],
                "metadata": {"flowdesk_batch": batch.to_string(), "flowdesk_row": 7, "reference": "INV-7",
                             "email": "ann@example.com", "team": "blue"}
            })
        );
        let uid = "0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60";
        let req = t.request_for(batch, &row(Some(uid)));
        assert_eq!(
            (req.user_id.as_deref(), req.require_auth),
            (Some(uid), Some(true)),
            "require_auth on by default"
        );
        let off = BatchTemplate {
            require_auth: Some(false),
            ..t
        };
        assert_eq!(
            off.request_for(batch, &row(Some(uid))).require_auth,
            Some(false)
        );
    }

    #[test]
    fn a_broken_template_is_one_message() {
        let t = BatchTemplate::new(vec![Step::new(StepName::Redirect)]);
        let err = t.check().unwrap_err().to_string();
        assert!(err.contains("needs a redirect URL"), "{err}");
        assert!(BatchTemplate::new(vec![]).check().is_err());
    }
}
