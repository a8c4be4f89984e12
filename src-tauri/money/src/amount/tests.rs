use proptest::prelude::*;

use super::*;

#[test]
fn typed_dollars_become_exact_cents() {
    let ok = |s: &str| parse_dollars(s, Sign::PositiveOnly);
    assert_eq!(ok("12.34"), Ok(1234));
    assert_eq!(ok("12.3"), Ok(1230));
    assert_eq!(ok("12."), Ok(1200));
    assert_eq!(ok(".05"), Ok(5));
    assert_eq!(ok(" $1,234.56 "), Ok(123456));
    assert_eq!(ok("0.1"), Ok(10));
    assert_eq!(ok("007"), Ok(700));
    assert_eq!(ok("10000000"), Ok(MAX_CENTS));
    // 0.1 + 0.2 style float traps do not exist here.
    assert_eq!(ok("0.29"), Ok(29));
    assert_eq!(ok("4.35"), Ok(435));
}

#[test]
fn bad_amounts_say_why() {
    let err = |s: &str| parse_dollars(s, Sign::PositiveOnly).unwrap_err();
    assert_eq!(err(""), AmountError::Empty);
    assert_eq!(err("12.345"), AmountError::TooManyDecimals("12.345".into()));
    assert_eq!(err("0.00"), AmountError::Zero);
    assert_eq!(err("-5"), AmountError::Negative);
    assert!(matches!(err("10000000.01"), AmountError::TooLarge(_)));
    assert!(matches!(err("99999999999999999999999"), AmountError::TooLarge(_)));
    for bad in ["abc", "1e3", "1,23", "12,3456", "1.2.3", "$", ".", "--5", "+5", "5$", "١٢", "1 000", "NaN", "inf"] {
        assert!(matches!(err(bad), AmountError::NotANumber(_)), "{bad} → {:?}", err(bad));
    }
    assert_eq!(parse_dollars("-12.50", Sign::Either), Ok(-1250));
    assert!(err("12.345").to_string().contains("at most 2 decimals"));
}

#[test]
fn cents_are_shown_as_dollars() {
    assert_eq!(format_cents(0), "$0.00");
    assert_eq!(format_cents(5), "$0.05");
    assert_eq!(format_cents(123456), "$1,234.56");
    assert_eq!(format_cents(-100000000), "-$1,000,000.00");
    assert_eq!(format_cents(i64::MIN), "-$92,233,720,368,547,758.08");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Every amount we can show parses back to itself.
    #[test]
    fn format_then_parse_round_trips(cents in 1i64..=MAX_CENTS) {
        prop_assert_eq!(parse_dollars(&format_cents(cents), Sign::PositiveOnly), Ok(cents));
    }

    /// Integer arithmetic agrees with the decimal text for any dollars.cents pair.
    #[test]
    fn dollars_and_cents_compose(d in 0i64..=9_999_999, c in 0i64..100) {
        prop_assume!(d * 100 + c > 0);
        prop_assert_eq!(parse_dollars(&format!("{d}.{c:02}"), Sign::PositiveOnly), Ok(d * 100 + c));
    }

    /// Any text: no panic; an Ok is in range, an error has a message.
    #[test]
    fn any_text_is_safe(s in "\\PC{0,40}") {
        match parse_dollars(&s, Sign::Either) {
            Ok(c) => prop_assert!(c != 0 && c.abs() <= MAX_CENTS),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    /// Three or more decimals are always refused, never rounded.
    #[test]
    fn more_than_two_decimals_refused(d in 0u32..1000, frac in "[0-9]{3,6}") {
        prop_assert_eq!(
            parse_dollars(&format!("{d}.{frac}"), Sign::PositiveOnly),
            Err(AmountError::TooManyDecimals(format!("{d}.{frac}")))
        );
    }
}
