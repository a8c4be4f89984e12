use flowdesk_dots::TemplateValues;
use flowdesk_settings::EmailTemplate;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the email template is filled with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EmailDraft {
    pub link: String,
    pub steps: Vec<String>,
    #[ts(optional)]
    pub reference: Option<String>,
    /// The person's address, when known (e.g. from the flow's metadata).
    #[ts(optional)]
    pub to: Option<String>,
}

// mailto: wants RFC 3986 escapes (%20, not '+'); unreserved characters stay readable.
const ESCAPE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A `mailto:` URL with the template's subject and body filled in. The recipient is
/// dropped if it does not look like one address (no header injection through `to`).
pub fn mailto(template: &EmailTemplate, draft: &EmailDraft) -> String {
    let to = draft
        .to
        .as_deref()
        .map(str::trim)
        .filter(|t| t.contains('@') && !t.contains([',', ';', '?', '&', '\n', '\r', ' ']))
        .map(|t| utf8_percent_encode(t, ESCAPE).to_string().replace("%40", "@"))
        .unwrap_or_default();
    let steps = draft.steps.join(", ");
    // No {name} or {email} here: the settings' template never offered them.
    let values = TemplateValues {
        link: &draft.link,
        steps: &steps,
        reference: draft.reference.as_deref().unwrap_or(""),
        name: None,
        email: None,
    };
    let (subject, body) = values.fill_pair(&template.subject, &template.body);
    format!("mailto:{to}?subject={}&body={}", utf8_percent_encode(&subject, ESCAPE), utf8_percent_encode(&body, ESCAPE))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(to: Option<&str>) -> EmailDraft {
        EmailDraft {
            link: "https://x.example.com/flow/1?a=b&c=d".into(),
            steps: vec!["compliance".into(), "payout".into()],
            reference: Some("T-9".into()),
            to: to.map(Into::into),
        }
    }

    #[test]
    fn fills_and_escapes() {
        let t = EmailTemplate { subject: "Ref {reference}".into(), body: "Go: {link}\nSteps: {steps}".into() };
        let url = mailto(&t, &draft(Some("ann@example.com")));
        assert_eq!(
            url,
            "mailto:ann@example.com?subject=Ref%20T-9&body=Go%3A%20https%3A%2F%2Fx.example.com%2Fflow%2F1%3Fa%3Db%26c%3Dd%0ASteps%3A%20compliance%2C%20payout"
        );
    }

    #[test]
    fn a_suspicious_recipient_is_dropped() {
        let t = EmailTemplate { subject: "s".into(), body: "b".into() };
        assert!(mailto(&t, &draft(Some("a@x.com?bcc=evil@y.com"))).starts_with("mailto:?subject="));
        assert!(mailto(&t, &draft(Some("not-an-address"))).starts_with("mailto:?"));
    }
}
