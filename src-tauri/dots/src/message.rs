//! The one filler for the messages that hand a person their flow link: the app's email
//! (a `mailto:` link) and a batch's mail-merge file share these placeholders.

/// What a message template's placeholders stand for. `{link}`, `{steps}` (the step titles,
/// comma separated) and `{reference}` (empty when there is none) are always filled; `{name}`
/// and `{email}` only where the person is known (a batch row): elsewhere `None` leaves them
/// as written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TemplateValues<'a> {
    pub link: &'a str,
    pub steps: &'a str,
    pub reference: &'a str,
    pub name: Option<&'a str>,
    pub email: Option<&'a str>,
}

impl TemplateValues<'_> {
    /// `text` with its placeholders replaced, one after another in the order the fields are
    /// listed (the order both messages always used, so their output is unchanged).
    pub fn fill(&self, text: &str) -> String {
        let mut out = text
            .replace("{link}", self.link)
            .replace("{steps}", self.steps)
            .replace("{reference}", self.reference);
        if let Some(name) = self.name {
            out = out.replace("{name}", name);
        }
        if let Some(email) = self.email {
            out = out.replace("{email}", email);
        }
        out
    }

    /// A template's subject and body, filled.
    pub fn fill_pair(&self, subject: &str, body: &str) -> (String, String) {
        (self.fill(subject), self.fill(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_what_is_known_and_leaves_the_rest() {
        let v = TemplateValues { link: "https://x/f/1", steps: "Compliance, Payout", reference: "", ..Default::default() };
        assert_eq!(v.fill("{name}: {steps} at {link} ({reference})"), "{name}: Compliance, Payout at https://x/f/1 ()");
        let v = TemplateValues { name: Some("Ann"), email: Some("ann@example.com"), ..v };
        assert_eq!(
            v.fill_pair("Hi {name}", "{email}, {link} {link}"),
            ("Hi Ann".into(), "ann@example.com, https://x/f/1 https://x/f/1".into())
        );
    }
}
