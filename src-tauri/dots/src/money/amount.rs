//! Reading amounts in cents from JSON without a float: the spec types some of them as
//! `number`, so `1000` and `1000.0` are both accepted, `10.5` cents is refused.

use serde::{Deserialize, Deserializer};
use serde_json::Number;

fn exact_cents(n: &Number) -> Option<i64> {
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    // The number's own decimal text, so no binary float rounding is involved.
    let text = n.to_string();
    let (whole, frac) = text.split_once('.')?;
    if frac.chars().all(|c| c == '0') {
        whole.parse().ok()
    } else {
        None
    }
}

pub(crate) fn cents<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let n = Number::deserialize(d)?;
    exact_cents(&n).ok_or_else(|| serde::de::Error::custom(format!("{n} is not a whole number of cents")))
}

pub(crate) fn opt_cents<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<Number>::deserialize(d)? {
        None => Ok(None),
        Some(n) => exact_cents(&n)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("{n} is not a whole number of cents"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct A {
        #[serde(deserialize_with = "cents")]
        v: i64,
    }

    fn read(s: &str) -> Result<i64, String> {
        serde_json::from_str::<A>(s).map(|a| a.v).map_err(|e| e.to_string())
    }

    #[test]
    fn whole_cents_only() {
        assert_eq!(read(r#"{"v":1234}"#), Ok(1234));
        assert_eq!(read(r#"{"v":-1000}"#), Ok(-1000));
        assert_eq!(read(r#"{"v":1000.0}"#), Ok(1000));
        assert!(read(r#"{"v":10.5}"#).unwrap_err().contains("whole number of cents"));
        assert!(read(r#"{"v":"12"}"#).is_err());
        assert!(read(r#"{"v":1e30}"#).is_err());
    }
}
