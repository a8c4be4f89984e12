//! Every step a flow request may carry, with the options that apply to each.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A step name Dots accepts in `POST /v2/flows` (the spec's enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum StepName {
    Compliance,
    IdVerification,
    BackgroundCheck,
    ManagePayments,
    ManagePayouts,
    Payout,
    Redirect,
    PdfFormFill,
}

/// An option a step object may carry besides its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StepOption {
    HideContinueButton,
    RedirectUrl,
    AutoPayoutEnabled,
    TemplateId,
}

impl StepOption {
    pub fn field(self) -> &'static str {
        match self {
            StepOption::HideContinueButton => "hide_continue_button",
            StepOption::RedirectUrl => "redirect_url",
            StepOption::AutoPayoutEnabled => "auto_payout_enabled",
            StepOption::TemplateId => "template_id",
        }
    }
}

impl StepName {
    pub const ALL: [StepName; 8] = [
        StepName::Compliance,
        StepName::IdVerification,
        StepName::BackgroundCheck,
        StepName::ManagePayments,
        StepName::ManagePayouts,
        StepName::Payout,
        StepName::Redirect,
        StepName::PdfFormFill,
    ];

    /// The wire name, e.g. `id-verification`.
    pub fn as_str(self) -> &'static str {
        match self {
            StepName::Compliance => "compliance",
            StepName::IdVerification => "id-verification",
            StepName::BackgroundCheck => "background-check",
            StepName::ManagePayments => "manage-payments",
            StepName::ManagePayouts => "manage-payouts",
            StepName::Payout => "payout",
            StepName::Redirect => "redirect",
            StepName::PdfFormFill => "pdf-form-fill",
        }
    }

    pub fn parse(name: &str) -> Option<StepName> {
        StepName::ALL.into_iter().find(|s| s.as_str() == name)
    }

    pub fn title(self) -> &'static str {
        match self {
            StepName::Compliance => "Compliance",
            StepName::IdVerification => "ID verification",
            StepName::BackgroundCheck => "Background check",
            StepName::ManagePayments => "Manage payments",
            StepName::ManagePayouts => "Manage payouts",
            StepName::Payout => "Payout",
            StepName::Redirect => "Redirect",
            StepName::PdfFormFill => "PDF form fill",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            StepName::Compliance => "Collects the tax details (W-9 / W-8) the user must file.",
            StepName::IdVerification => "Verifies the user's identity with a government ID.",
            StepName::BackgroundCheck => "Runs a background check on the user.",
            StepName::ManagePayments => "Lets the user add or change how they pay.",
            StepName::ManagePayouts => "Lets the user add payout methods and set preferences.",
            StepName::Payout => "Lets the user withdraw their wallet balance.",
            StepName::Redirect => "Sends the user to your URL; must be the last step.",
            StepName::PdfFormFill => "Has the user fill in and sign one of your PDF templates.",
        }
    }

    /// Options that mean something on this step. `hide_continue_button` is a UI option of
    /// every step; `auto_payout_enabled` is for the two payout steps (the spec says "the
    /// `payout` or `manage-payout` step").
    pub fn options(self) -> &'static [StepOption] {
        use StepOption::*;
        match self {
            StepName::Redirect => &[HideContinueButton, RedirectUrl],
            StepName::PdfFormFill => &[HideContinueButton, TemplateId],
            StepName::Payout | StepName::ManagePayouts => &[HideContinueButton, AutoPayoutEnabled],
            _ => &[HideContinueButton],
        }
    }

    pub fn info(self) -> StepInfo {
        StepInfo {
            name: self,
            title: self.title().into(),
            description: self.description().into(),
            options: self.options().to_vec(),
        }
    }
}

impl std::fmt::Display for StepName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of the step catalog a UI draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StepInfo {
    pub name: StepName,
    pub title: String,
    pub description: String,
    pub options: Vec<StepOption>,
}

/// The authentication/onboarding step Dots puts in front of a flow created without a
/// `user_id`. It is not sendable: a UI draws it, the request never carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImplicitStep {
    pub name: String,
    pub title: String,
    pub description: String,
}

pub const IMPLICIT_ONBOARDING: (&str, &str, &str) = (
    "authentication",
    "Sign-in / onboarding",
    "Added by Dots when no user_id is given: the person signs in or creates their Dots account first.",
);

impl ImplicitStep {
    pub fn onboarding() -> Self {
        let (name, title, description) = IMPLICIT_ONBOARDING;
        ImplicitStep { name: name.into(), title: title.into(), description: description.into() }
    }
}

/// A step in a flow request: its name and the options set on it. Over IPC it is always an
/// object; on the wire to Dots it is a bare name when no option is set (see `request`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Step {
    pub name: StepName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub hide_continue_button: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub redirect_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub auto_payout_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub template_id: Option<String>,
}

impl Step {
    pub fn new(name: StepName) -> Self {
        Step { name, hide_continue_button: None, redirect_url: None, auto_payout_enabled: None, template_id: None }
    }

    /// The options this step has set, in a stable order.
    pub fn set_options(&self) -> Vec<StepOption> {
        let mut set = Vec::new();
        if self.hide_continue_button.is_some() {
            set.push(StepOption::HideContinueButton);
        }
        if self.redirect_url.is_some() {
            set.push(StepOption::RedirectUrl);
        }
        if self.auto_payout_enabled.is_some() {
            set.push(StepOption::AutoPayoutEnabled);
        }
        if self.template_id.is_some() {
            set.push(StepOption::TemplateId);
        }
        set
    }

    /// The step as it is checked and sent: text options trimmed, blank ones unset, the
    /// redirect URL's scheme and host in lower case.
    pub fn normalized(&self) -> Step {
        Step {
            name: self.name,
            hide_continue_button: self.hide_continue_button,
            redirect_url: crate::normalize::opt_text(&self.redirect_url).map(|u| crate::normalize::url(&u)),
            auto_payout_enabled: self.auto_payout_enabled,
            template_id: crate::normalize::opt_text(&self.template_id),
        }
    }

    /// The step as Dots wants it: a bare name with no options, an object otherwise.
    /// Callers send normalised steps ([`FlowRequest::wire_body`](crate::FlowRequest::wire_body)).
    pub fn to_wire(&self) -> serde_json::Value {
        if self.set_options().is_empty() {
            serde_json::Value::String(self.name.as_str().into())
        } else {
            serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_round_trip_through_serde_and_parse() {
        for name in StepName::ALL {
            let v = serde_json::to_value(name).unwrap();
            assert_eq!(v, json!(name.as_str()));
            assert_eq!(StepName::parse(name.as_str()), Some(name));
            assert!(!name.description().is_empty());
        }
        assert_eq!(StepName::parse("authentication"), None);
    }

    #[test]
    fn bare_name_without_options_object_with_them() {
        assert_eq!(Step::new(StepName::Compliance).to_wire(), json!("compliance"));
        let mut r = Step::new(StepName::Redirect);
        r.redirect_url = Some("https://example.com".into());
        assert_eq!(r.to_wire(), json!({"name": "redirect", "redirect_url": "https://example.com"}));
    }

    #[test]
    fn only_payout_steps_take_auto_payout() {
        let with: Vec<_> =
            StepName::ALL.into_iter().filter(|s| s.options().contains(&StepOption::AutoPayoutEnabled)).collect();
        assert_eq!(with, vec![StepName::ManagePayouts, StepName::Payout]);
    }
}
