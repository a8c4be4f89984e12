//! A flow request as the builder composes it, and the exact body sent to `POST /v2/flows`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::normalize;
use crate::steps::{ImplicitStep, Step};

/// Metadata Dots accepts on a flow: a string or a JSON object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
#[ts(export)]
pub enum Metadata {
    Text(String),
    Object(#[ts(type = "Record<string, unknown>")] Map<String, Value>),
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FlowRequest {
    pub steps: Vec<Step>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub require_auth: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub hide_go_to_dashboard_on_complete: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub metadata: Option<Metadata>,
}

impl FlowRequest {
    pub fn new(steps: Vec<Step>) -> Self {
        FlowRequest { steps, ..Default::default() }
    }

    /// The user_id with surrounding blanks removed; an empty field means "no user".
    pub fn user_id(&self) -> Option<&str> {
        self.user_id.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }

    /// Dots puts sign-in/onboarding in front of a flow that names no user.
    pub fn implicit_step(&self) -> Option<ImplicitStep> {
        self.user_id().is_none().then(ImplicitStep::onboarding)
    }

    /// The request as it is checked and sent: text trimmed (blank options unset), the
    /// redirect URL's scheme and host in lower case, a user id in any UUID form made the
    /// canonical lowercase hyphenated one. Metadata is the person's data and is kept as is.
    pub fn normalized(&self) -> FlowRequest {
        FlowRequest {
            steps: self.steps.iter().map(Step::normalized).collect(),
            user_id: self.user_id().map(normalize::uuid_or_text),
            require_auth: self.require_auth,
            hide_go_to_dashboard_on_complete: self.hide_go_to_dashboard_on_complete,
            metadata: self.metadata.clone(),
        }
    }

    /// The exact JSON body for `POST /v2/flows`, from the normalised request: steps as bare
    /// names unless they carry options, unset fields left out, the implicit step never included.
    pub fn wire_body(&self) -> Value {
        let normalized = self.normalized();
        let this = &normalized;
        let mut body = Map::new();
        body.insert("steps".into(), Value::Array(this.steps.iter().map(Step::to_wire).collect()));
        if let Some(user_id) = this.user_id() {
            body.insert("user_id".into(), Value::String(user_id.into()));
        }
        if let Some(v) = this.require_auth {
            body.insert("require_auth".into(), Value::Bool(v));
        }
        if let Some(v) = this.hide_go_to_dashboard_on_complete {
            body.insert("hide_go_to_dashboard_on_complete".into(), Value::Bool(v));
        }
        if let Some(m) = &this.metadata {
            body.insert("metadata".into(), serde_json::to_value(m).unwrap_or(Value::Null));
        }
        Value::Object(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::steps::StepName;
    use serde_json::json;

    #[test]
    fn wire_body_leaves_out_unset_fields_and_the_implicit_step() {
        let req = FlowRequest::new(vec![Step::new(StepName::Compliance), Step::new(StepName::ManagePayouts)]);
        assert_eq!(req.wire_body(), json!({"steps": ["compliance", "manage-payouts"]}));
        assert_eq!(req.implicit_step().unwrap().name, "authentication");
    }

    #[test]
    fn blank_user_id_means_no_user() {
        let mut req = FlowRequest::new(vec![Step::new(StepName::Payout)]);
        req.user_id = Some("   ".into());
        assert!(req.implicit_step().is_some());
        assert!(req.wire_body().get("user_id").is_none());
    }

    #[test]
    fn the_body_carries_normalised_values() {
        let mut redirect = Step::new(StepName::Redirect);
        redirect.redirect_url = Some(" HTTPS://X.COM\n".into());
        let mut pdf = Step::new(StepName::PdfFormFill);
        pdf.template_id = Some("  tmpl_1 ".into());
        let mut payout = Step::new(StepName::Payout);
        payout.template_id = Some("   ".into());
        let mut req = FlowRequest::new(vec![payout, pdf, redirect]);
        req.user_id = Some(" {0B0C5E8F-6B3A-4D2E-9A77-3F1C2D4E5F60}\t".into());
        assert_eq!(
            req.wire_body(),
            json!({
                "steps": ["payout", {"name": "pdf-form-fill", "template_id": "tmpl_1"}, {"name": "redirect", "redirect_url": "https://x.com"}],
                "user_id": "0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60",
            })
        );
        let mut urn = FlowRequest::new(vec![Step::new(StepName::Payout)]);
        urn.user_id = Some("urn:uuid:0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60".into());
        assert_eq!(urn.wire_body()["user_id"], "0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60");
        urn.user_id = Some("0b0c5e8f6b3a4d2e9a773f1c2d4e5f60".into());
        assert_eq!(urn.wire_body()["user_id"], "0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60");
        // Normalising twice changes nothing more.
        assert_eq!(req.normalized().normalized(), req.normalized());
    }

    #[test]
    fn metadata_string_or_object() {
        let m: Metadata = serde_json::from_value(json!("ticket-42")).unwrap();
        assert_eq!(m, Metadata::Text("ticket-42".into()));
        let m: Metadata = serde_json::from_value(json!({"ref": 1})).unwrap();
        assert!(matches!(m, Metadata::Object(_)));
        assert!(serde_json::from_value::<Metadata>(json!(3)).is_err());
    }
}
