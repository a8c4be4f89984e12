//! Fault matrix (issue #7), imported inputs of the bulk crate: whatever bytes a recipients
//! CSV holds, there is no panic; a refused file is a clear message, every refused row has
//! its reason, and neither repeats a secret planted in a cell (the file holds personal data).

use flowdesk_bulk::parse_csv;
use proptest::prelude::*;

const SECRET: &str = "fake_PLANTED_secret_s3cr3tQ9x";

fn clear(message: &str) -> Result<(), TestCaseError> {
    prop_assert!(!message.trim().is_empty(), "empty message");
    prop_assert!(!message.contains(SECRET), "the message repeats a cell: {message}");
    Ok(())
}

/// The email cell is quoted back in its row's problem ("email \"…\" has no @"): that is
/// the row's identity, so the secret is planted in every other column instead.
fn email_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("ann@example.com".to_string()),
        Just("not-an-email".to_string()),
        Just("=evil@example.com".to_string()),
        "[ -~&&[^,\"]]{0,12}",
    ]
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("ann@example.com".to_string()),
        Just("not-an-email".to_string()),
        Just("0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60".to_string()),
        Just(format!("\"{SECRET}\"")),
        Just(format!("\"a,\"\"{SECRET}\n\"")),
        Just("=1+1".to_string()),
        "[ -~]{0,12}",
        prop::collection::vec(any::<u8>(), 0..8).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

/// A secret is planted in the name, reference and meta columns: not the header (its names
/// are quoted back when a column is refused), the email or the user id (quoted back in the
/// row's problem: they are what the person must fix).
fn csv_with_secret() -> impl Strategy<Value = Vec<u8>> {
    let header = prop_oneof![
        Just("email,name,reference,user_id,meta.note"),
        Just("Email , Name,meta.x,extra"),
        Just("name,reference"),
        Just("email,email"),
        Just("email"),
    ];
    let row = (email_cell(), cell(), cell(), cell(), cell(), any::<bool>()).prop_map(|(e, n, r, u, m, plant)| {
        let n = if plant { format!("{n}{SECRET}") } else { n };
        let m = if plant { format!("{SECRET}{m}") } else { m };
        format!("{e},{n},{r},{u},{m}")
    });
    (header, prop::collection::vec(row, 0..8), prop_oneof![Just("\n"), Just("\r\n"), Just("\r")], any::<bool>()).prop_map(
        |(h, rows, eol, bom)| {
            let mut b = if bom { vec![0xEF, 0xBB, 0xBF] } else { Vec::new() };
            b.extend_from_slice(h.as_bytes());
            b.extend_from_slice(eol.as_bytes());
            b.extend_from_slice(rows.join(eol).as_bytes());
            b
        },
    )
}

/// Misquoting can shift any text into the email or user id column, and those two cells are
/// quoted back in the row's problem (the person must see which value to fix).
fn quoted_field(r: &flowdesk_bulk::Recipient) -> bool {
    r.email.contains(SECRET) || r.user_id.as_deref().is_some_and(|u| u.contains(SECRET))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn csv_rows_with_planted_secrets(bytes in csv_with_secret()) {
        match parse_csv(&bytes) {
            Ok(import) => {
                for (i, r) in import.rows.iter().enumerate() {
                    prop_assert_eq!(r.row as usize, i + 1, "every row accounted for, in order");
                    if let Some(p) = &r.problem {
                        // Misquoting can shift any text into the email column; only that
                        // cell, the row's identity, is ever quoted back.
                        if quoted_field(r) {
                            prop_assert!(!p.trim().is_empty());
                        } else {
                            clear(p)?;
                        }
                    }
                }
                for w in &import.warnings {
                    prop_assert!(!w.trim().is_empty());
                }
                if !import.rows.iter().any(quoted_field) {
                    let report = import.report();
                    prop_assert!(!report.contains(SECRET), "{}", report);
                }
            }
            Err(e) => clear(&e.to_string())?,
        }
    }

    #[test]
    fn any_bytes_around_a_secret(head in prop::collection::vec(any::<u8>(), 0..256), tail in prop::collection::vec(any::<u8>(), 0..256)) {
        // Noise may hold a newline, so the secret can land in any column but the header.
        let bytes = [b"email,name\nann@example.com,".as_slice(), &head, SECRET.as_bytes(), &tail].concat();
        match parse_csv(&bytes) {
            Ok(import) => {
                for r in &import.rows {
                    if let Some(p) = &r.problem {
                        if quoted_field(r) {
                            prop_assert!(!p.trim().is_empty());
                        } else {
                            clear(p)?;
                        }
                    }
                }
            }
            Err(e) => clear(&e.to_string())?,
        }
    }
}
