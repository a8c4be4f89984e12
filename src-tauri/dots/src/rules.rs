//! The rules a flow request must follow before it is sent. Each broken rule is one
//! violation with a message that names the step, so a UI can show it beside that step.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::normalize;
use crate::request::FlowRequest;
use crate::steps::{Step, StepName};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RuleViolation {
    /// Index of the step concerned in `steps`, if the rule is about one step.
    pub step: Option<u32>,
    /// The request field concerned (`steps`, `user_id`, `redirect_url`, …).
    pub field: String,
    pub message: String,
}

impl RuleViolation {
    pub(crate) fn on_step(index: usize, field: &str, message: String) -> Self {
        RuleViolation { step: Some(index as u32), field: field.into(), message }
    }

    pub(crate) fn on_field(field: &str, message: impl Into<String>) -> Self {
        RuleViolation { step: None, field: field.into(), message: message.into() }
    }
}

impl std::fmt::Display for RuleViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Every rule the request breaks, in step order; empty when it may be sent. The request is
/// checked as it will be sent: normalised first (see [`FlowRequest::normalized`]).
pub fn validate(req: &FlowRequest) -> Vec<RuleViolation> {
    let req = req.normalized();
    let mut out = Vec::new();
    // With no user, Dots' own sign-in and onboarding run first, so an empty list is an
    // onboarding-only link (the spec sets no minimum). For an existing user it would do nothing.
    if req.steps.is_empty() && req.user_id.is_some() {
        out.push(RuleViolation::on_field(
            "steps",
            "Add at least one step: a flow for an existing user needs something for them to do.",
        ));
    }
    let mut seen = HashSet::new();
    let redirect_at = req.steps.iter().position(|s| s.name == StepName::Redirect);
    for (i, step) in req.steps.iter().enumerate() {
        let label = step_label(i, step.name);
        if !seen.insert(step.name) {
            out.push(RuleViolation::on_step(i, "steps", format!("{label} is already in the flow: each step can appear once.")));
        }
        if let Some(r) = redirect_at {
            if i > r {
                out.push(RuleViolation::on_step(
                    i,
                    "steps",
                    format!("{label} comes after the redirect: the redirect must be the last step, since the person leaves the flow there."),
                ));
            }
        }
        for option in step.set_options() {
            if !step.name.options().contains(&option) {
                out.push(RuleViolation::on_step(
                    i,
                    option.field(),
                    format!("{label} does not take `{}`.", option.field()),
                ));
            }
        }
        out.extend(step_specific(i, step, &label));
    }
    if let Some(user_id) = req.user_id() {
        if normalize::uuid(user_id).is_none() {
            out.push(RuleViolation::on_field("user_id", user_id_problem(user_id)));
        }
    } else if req.require_auth == Some(true) {
        out.push(RuleViolation::on_field(
            "require_auth",
            "Require sign-in only applies with a user id: without one, Dots always asks the person to sign in.",
        ));
    }
    out
}

/// What to say about a user id that is not a UUID in any form.
pub(crate) fn user_id_problem(user_id: &str) -> String {
    format!("User id \"{}\" is not a UUID (like 0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60).", shorten(user_id))
}

/// `step` is normalised: its text options are trimmed and never blank.
fn step_specific(i: usize, step: &Step, label: &str) -> Option<RuleViolation> {
    match step.name {
        StepName::Redirect => match step.redirect_url.as_deref() {
            None => Some(RuleViolation::on_step(i, "redirect_url", format!("{label} needs a redirect URL."))),
            Some(url) => redirect_url_problem(url).map(|why| {
                // Dots' own rules name the field themselves.
                let sep = if why.starts_with("redirect_url:") { "," } else { ":" };
                RuleViolation::on_step(i, "redirect_url", format!("{label}{sep} {why}"))
            }),
        },
        StepName::PdfFormFill if step.template_id.is_none() => Some(RuleViolation::on_step(
            i,
            "template_id",
            format!("{label} needs the id of the PDF template to fill."),
        )),
        _ => None,
    }
}

/// Why Dots would refuse this redirect URL once normalised (trimmed, scheme and host in lower
/// case), or None when it takes it: an absolute http(s) URL, a valid URI (`format: uri`),
/// with a dotted ASCII host whose last label is 1–6 letters or digits (its schema's pattern).
pub fn redirect_url_problem(raw: &str) -> Option<String> {
    let url = normalize::url(raw);
    normalize::redirect_url_problem(&url, &shorten(&url))
}

fn step_label(i: usize, name: StepName) -> String {
    format!("Step {} ({})", i + 1, name)
}

/// User text quoted in a message is cut, so a pasted essay cannot flood the UI.
pub(crate) fn shorten(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}

#[cfg(test)]
mod tests;
