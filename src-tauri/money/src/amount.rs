//! Dollars as a person types them → integer cents, with no floating point anywhere: the
//! text is split at the decimal point and both halves are read as integers.

use serde::Serialize;
use ts_rs::TS;

/// The largest single amount Flow Desk will send: $10,000,000.00. Anything above is a typo.
pub const MAX_CENTS: i64 = 1_000_000_000;

/// Whether a minus sign is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    PositiveOnly,
    Either,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, TS)]
#[ts(export)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum AmountError {
    #[error("enter an amount in dollars, like 12.34")]
    Empty,
    #[error("\"{0}\" is not an amount in dollars; use digits with at most one decimal point, like 1234.56")]
    NotANumber(String),
    #[error("amounts have at most 2 decimals (cents); \"{0}\" has more")]
    TooManyDecimals(String),
    #[error("the amount must be more than $0.00")]
    Zero,
    #[error("the amount cannot be negative here")]
    Negative,
    #[error("{0} is more than Flow Desk will send at once ($10,000,000.00)")]
    TooLarge(String),
}

/// Reads "12.34", "$1,234.5", " 7 ", "0.05". Commas must group thousands properly.
pub fn parse_dollars(text: &str, sign: Sign) -> Result<i64, AmountError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(AmountError::Empty);
    }
    let shown = || cut(t);
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, t),
    };
    let t = t.strip_prefix('$').unwrap_or(t);
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (t, None),
    };
    let whole = strip_grouping(whole).ok_or_else(|| AmountError::NotANumber(shown()))?;
    if whole.is_empty() && frac.is_none_or(str::is_empty) {
        return Err(AmountError::NotANumber(shown()));
    }
    let frac = frac.unwrap_or("");
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AmountError::NotANumber(shown()));
    }
    if frac.len() > 2 {
        return Err(AmountError::TooManyDecimals(shown()));
    }
    // More than 8 whole digits is over the cap whatever they are; this also keeps the
    // integer arithmetic below far from overflow.
    let digits = whole.trim_start_matches('0');
    if digits.len() > 8 {
        return Err(AmountError::TooLarge(shown()));
    }
    let dollars: i64 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| AmountError::NotANumber(shown()))? };
    let cents: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| AmountError::NotANumber(shown()))? * 10,
        _ => frac.parse().map_err(|_| AmountError::NotANumber(shown()))?,
    };
    let total = dollars * 100 + cents;
    if total == 0 {
        return Err(AmountError::Zero);
    }
    if total > MAX_CENTS {
        return Err(AmountError::TooLarge(format_cents(total)));
    }
    if negative {
        return match sign {
            Sign::PositiveOnly => Err(AmountError::Negative),
            Sign::Either => Ok(-total),
        };
    }
    Ok(total)
}

/// "1,234" → "1234"; digits only, and commas only between groups of three.
fn strip_grouping(whole: &str) -> Option<String> {
    if !whole.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        return None;
    }
    if !whole.contains(',') {
        return Some(whole.to_string());
    }
    let groups: Vec<&str> = whole.split(',').collect();
    let first_ok = (1..=3).contains(&groups[0].len());
    let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
    (first_ok && rest_ok).then(|| groups.concat())
}

fn cut(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}

/// 123456 → "$1,234.56"; -5 → "-$0.05".
pub fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let dollars = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in dollars.chars().enumerate() {
        if i > 0 && (dollars.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}${grouped}.{:02}", abs % 100)
}

#[cfg(test)]
mod tests;
