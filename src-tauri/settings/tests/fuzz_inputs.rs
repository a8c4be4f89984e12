//! Fault matrix (issue #7), typed and imported inputs of the settings crate: whatever a user
//! types as an environment (name, base URL, app id, client id, poll interval, email template)
//! and whatever bytes the settings file holds, there is no panic, and a refusal is a clear,
//! non-empty message that never repeats a secret planted in the input.

use flowdesk_settings::{parse_base_url, EmailTemplate, NewEnvironment, Settings, SettingsFile};
use proptest::prelude::*;

const SECRET: &str = "fake_PLANTED_secret_s3cr3tQ9x";

fn clear(message: &str) -> Result<(), TestCaseError> {
    prop_assert!(!message.trim().is_empty(), "empty message");
    prop_assert!(!message.contains(SECRET), "the message repeats the secret: {message}");
    Ok(())
}

/// Where a pasted key might end up in a URL: user info, query, fragment, path, host.
fn url_with_secret() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just("https://"), Just("http://"), Just("ftp://"), Just(""), Just("https:/"), Just("javascript:")],
        prop_oneof![
            Just(format!("user:{SECRET}@api.example.com")),
            Just(format!("{SECRET}@127.0.0.1:4010")),
            Just("api.example.com".to_string()),
            Just(format!("{SECRET}.example.com")),
            Just("[::1]:80".to_string()),
            "[a-z0-9.:\\[\\]%-]{0,20}",
        ],
        prop_oneof![Just(String::new()), Just("/api".to_string()), Just(format!("/api/{SECRET}")), "/[ -~]{0,10}"],
        prop_oneof![Just(String::new()), Just(format!("?key={SECRET}")), Just(format!("#{SECRET}")), Just(" ".to_string())],
    )
        .prop_map(|(scheme, host, path, tail)| format!("{scheme}{host}{path}{tail}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A base URL as typed: a valid URL or an error that never repeats it.
    #[test]
    fn base_urls(input in prop_oneof![url_with_secret(), any::<String>().prop_map(|s| format!("{s}{SECRET}"))]) {
        match parse_base_url(&input) {
            Ok(url) => {
                prop_assert!(matches!(url.scheme(), "http" | "https"));
                prop_assert!(url.query().is_none() && url.fragment().is_none() && url.password().is_none());
            }
            Err(e) => clear(&e.to_string())?,
        }
    }

    /// A whole new environment as the form sends it.
    #[test]
    fn new_environments(
        name in prop_oneof![".{0,100}", Just(String::new()), Just("Local sandbox".to_string())],
        base_url in url_with_secret(),
        app_id in prop::option::of(prop_oneof![".{0,80}", Just(SECRET.to_string())]),
        production in any::<bool>(),
    ) {
        let mut s = Settings::default();
        match s.add_environment(NewEnvironment { name, base_url, app_id, production }) {
            Ok(id) => {
                prop_assert!(s.environment(&id).is_ok());
                s.validate().unwrap();
            }
            Err(e) => {
                clear(&e.to_string())?;
                prop_assert_eq!(&s, &Settings::default(), "a refused environment changes nothing");
            }
        }
    }

    /// Client ids, poll intervals and the email template as typed.
    #[test]
    fn other_typed_fields(client_id in prop::option::of(".{0,300}"), secs in any::<u64>(), subject in ".{0,400}", body in ".{0,2000}") {
        let mut s = Settings::default();
        let env = s.environments()[0].id().to_string();
        for r in [
            s.set_client_id(&env, client_id.as_deref()),
            s.set_client_id("no-such-environment", Some("cid")),
            s.set_poll_interval(secs),
            s.set_email_template(EmailTemplate { subject: subject.clone(), body: body.clone() }),
        ] {
            if let Err(e) = r {
                prop_assert!(!e.to_string().trim().is_empty());
            }
        }
        s.validate().unwrap();
    }

    /// The settings file with a key pasted somewhere in it (it never holds one by design):
    /// it loads, or is set aside with a notice that does not repeat it.
    #[test]
    fn settings_file_with_a_planted_secret(
        prefix in prop_oneof![Just(Vec::new()), Just(b"  \n".to_vec()), prop::collection::vec(any::<u8>(), 0..64)],
        shape in 0usize..6,
        cut in any::<bool>(),
    ) {
        let doc = match shape {
            0 => format!(r#"{{"environments":[],"active_environment":"local","api_key":"{SECRET}"}}"#),
            1 => format!(r#"{{"environments":[{{"id":"mine","name":"Mine","base_url":"https://user:{SECRET}@h.example/api"}}],"active_environment":"mine"}}"#),
            2 => format!(r#"{{"environments":[{{"id":"mine","name":"Mine","base_url":"https://h.example/api?key={SECRET}"}}],"active_environment":"mine"}}"#),
            3 => format!(r#"{{"environments":[],"active_environment":"local","poll_interval_secs":-1,"x":"{SECRET}"}}"#),
            // An id is quoted back when it is refused (it is what to fix): the secret is the name.
            4 => format!(r#"{{"environments":[{{"id":"BAD ID","name":"{SECRET}","base_url":"https://h.example/api"}}],"active_environment":"local"}}"#),
            _ => format!("{}{SECRET}", String::from_utf8_lossy(&prefix)),
        };
        let mut bytes = if shape == 5 { doc.into_bytes() } else { [prefix.as_slice(), doc.as_bytes()].concat() };
        if cut {
            bytes.truncate(bytes.len() * 2 / 3);
        }
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::at(dir.path().join("settings.json"));
        std::fs::write(file.path(), &bytes).unwrap();
        match file.load() {
            Ok(loaded) => {
                loaded.settings.validate().unwrap();
                if let Some(notice) = &loaded.notice {
                    clear(notice)?;
                }
            }
            Err(e) => clear(&e.to_string())?,
        }
    }
}

/// A string where the file wants another type must not be quoted in the notice the window
/// shows (it could be a key pasted into the wrong field): serde's own message would quote it.
#[test]
fn a_mistyped_value_is_not_quoted_in_the_notice() {
    let dir = tempfile::tempdir().unwrap();
    let file = SettingsFile::at(dir.path().join("settings.json"));
    std::fs::write(file.path(), format!(r#"{{"environments":[],"active_environment":"local","poll_interval_secs":"{SECRET}"}}"#)).unwrap();
    let notice = file.load().unwrap().notice.expect("set aside");
    assert!(!notice.contains(SECRET), "{notice}");
}
