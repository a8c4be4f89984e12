//! The one guard for every CSV Flow Desk writes (bulk results, mail merge, the audit log):
//! a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and some read a leading
//! tab or carriage return the same way) as a formula, and those cells can hold text a payee
//! or an imported file chose. Such a text cell gets a leading apostrophe, which spreadsheets
//! show as plain text. Numeric columns are written as numbers and never pass through here.

use std::borrow::Cow;

/// The cell as a spreadsheet will show it as text, never run it.
pub fn csv_text_cell(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_made_text_and_the_rest_is_untouched() {
        assert_eq!(csv_text_cell("=HYPERLINK(\"http://x\",\"y\")"), "'=HYPERLINK(\"http://x\",\"y\")");
        for c in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(csv_text_cell(c).starts_with('\''), "{c:?}");
        }
        for c in ["ann@example.com", "", "Ann Lee", "1234"] {
            assert_eq!(csv_text_cell(c), c);
        }
    }
}
