//! `--step name[:option[=value],…]`, e.g. `compliance`, `manage-payouts:hide_continue_button`,
//! `redirect:redirect_url=https://example.com/done?a=1,b=2`.

use flowdesk_dots::{Step, StepName, StepOption};

const OPTIONS: [&str; 4] = [
    "hide_continue_button",
    "redirect_url",
    "auto_payout_enabled",
    "template_id",
];

pub fn parse_step(raw: &str) -> Result<Step, String> {
    let (name, rest) = raw.split_once(':').unwrap_or((raw, ""));
    let name = name.trim();
    let step_name = StepName::parse(name).ok_or_else(|| {
        let all: Vec<&str> = StepName::ALL.iter().map(|s| s.as_str()).collect();
        format!("unknown step \"{name}\" (one of: {})", all.join(", "))
    })?;
    let mut step = Step::new(step_name);
    // Options are split on commas that start a known option, so a URL may hold commas.
    let mut parts: Vec<String> = Vec::new();
    for piece in rest.split(',') {
        let key = piece.split('=').next().unwrap_or("").trim();
        if parts.is_empty() || OPTIONS.contains(&key) {
            parts.push(piece.to_string());
        } else if let Some(last) = parts.last_mut() {
            last.push(',');
            last.push_str(piece);
        }
    }
    for part in parts.iter().filter(|p| !p.trim().is_empty()) {
        let (key, value) = match part.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim())),
            None => (part.trim(), None),
        };
        let flag = |v: Option<&str>| match v {
            None | Some("true") | Some("yes") | Some("1") => Ok(true),
            Some("false") | Some("no") | Some("0") => Ok(false),
            Some(other) => Err(format!("{key} takes true or false, not \"{other}\"")),
        };
        let text = |v: Option<&str>| {
            v.filter(|v| !v.is_empty())
                .map(String::from)
                .ok_or(format!("{key} needs a value ({key}=…)"))
        };
        let option = match key {
            "hide_continue_button" => {
                step.hide_continue_button = Some(flag(value)?);
                StepOption::HideContinueButton
            }
            "auto_payout_enabled" => {
                step.auto_payout_enabled = Some(flag(value)?);
                StepOption::AutoPayoutEnabled
            }
            "redirect_url" => {
                step.redirect_url = Some(text(value)?);
                StepOption::RedirectUrl
            }
            "template_id" => {
                step.template_id = Some(text(value)?);
                StepOption::TemplateId
            }
            other => {
                return Err(format!(
                    "unknown option \"{other}\" on step {name} (options: {})",
                    OPTIONS.join(", ")
                ))
            }
        };
        if !step_name.options().contains(&option) {
            return Err(format!("step {name} does not take {key}"));
        }
    }
    Ok(step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_options_and_urls_with_commas() {
        assert_eq!(
            parse_step("compliance").unwrap(),
            Step::new(StepName::Compliance)
        );
        let s =
            parse_step("manage-payouts:hide_continue_button,auto_payout_enabled=false").unwrap();
        assert_eq!(
            (s.hide_continue_button, s.auto_payout_enabled),
            (Some(true), Some(false))
        );
        let s = parse_step("redirect:redirect_url=https://a.example.com/x?a=1,b=2").unwrap();
        assert_eq!(
            s.redirect_url.as_deref(),
            Some("https://a.example.com/x?a=1,b=2")
        );
        assert!(parse_step("nope").unwrap_err().contains("unknown step"));
        assert!(parse_step("compliance:redirect_url=https://a.example.com")
            .unwrap_err()
            .contains("does not take"));
        assert!(parse_step("redirect:redirect_url")
            .unwrap_err()
            .contains("needs a value"));
        assert!(parse_step("payout:auto_payout_enabled=maybe").is_err());
    }
}
