//! Dollars as a person types them, read the one way the core reads them when it sends
//! money: the forms show this answer as they are typed, and never parse amounts themselves.

use flowdesk_money::{parse_dollars, Sign};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AmountPreview {
    /// The amount in cents, when the text is one.
    #[ts(type = "number | null")]
    pub cents: Option<i64>,
    /// Why the text is not an amount.
    pub error: Option<String>,
}

/// "12.5" → 1250 cents; "1,2,3", "1.234", "-5" and "" are refused, with the reason.
pub fn amount_preview(text: &str) -> AmountPreview {
    match parse_dollars(text, Sign::PositiveOnly) {
        Ok(cents) => AmountPreview { cents: Some(cents), error: None },
        Err(e) => AmountPreview { cents: None, error: Some(e.to_string()) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_forms_show_is_what_the_core_sends() {
        assert_eq!(amount_preview("$1,234.05").cents, Some(123_405));
        assert_eq!(amount_preview("12.5").cents, Some(1250));
        for refused in ["1,2,3", "1.234", "-5", "", "abc", "20000000"] {
            let p = amount_preview(refused);
            assert_eq!(p.cents, None, "{refused}");
            assert!(p.error.is_some(), "{refused}");
        }
    }
}
