//! Whatever bytes the settings file holds, and whatever a user types as a URL: no panic,
//! only valid settings or a clear error.

use flowdesk_settings::{parse_base_url, NewEnvironment, Settings, SettingsFile};
use proptest::prelude::*;

fn load_bytes(bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let file = SettingsFile::at(dir.path().join("settings.json"));
    std::fs::write(file.path(), bytes).unwrap();
    let loaded = file.load().unwrap();
    loaded.settings.validate().expect("whatever comes back is valid");
    match &loaded.notice {
        // Bad file: defaults, and the old bytes kept beside it.
        Some(notice) => {
            assert_eq!(loaded.settings, Settings::default());
            assert!(!file.path().exists());
            let aside: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
            assert_eq!(aside.len(), 1);
            assert!(notice.contains(&*aside[0].display().to_string()));
            assert_eq!(std::fs::read(&aside[0]).unwrap(), bytes);
        }
        // Good file: it is still there, and saving and loading again gives the same.
        None => {
            file.save(&loaded.settings).unwrap();
            assert_eq!(file.load().unwrap().settings, loaded.settings);
        }
    }
}

/// JSON-ish bytes hit the parser's deeper paths more often than uniform noise.
fn settingsish() -> impl Strategy<Value = Vec<u8>> {
    let url = prop_oneof![
        Just("\"https://h.example/api\"".to_string()),
        Just("\"http://127.0.0.1:9/\"".to_string()),
        Just("\"http://h.example/\"".to_string()),
        Just("null".to_string()),
        "\"[ -~]{0,20}\"".prop_map(|s| s.replace('\\', "")),
    ];
    let env = (
        prop_oneof![Just("local"), Just("sandbox"), Just("mine"), Just("BAD ID"), Just("")],
        "[ -~&&[^\"\\\\]]{0,10}",
        url,
        any::<bool>(),
    )
        .prop_map(|(id, name, url, p)| format!(r#"{{"id":"{id}","name":"{name}","base_url":{url},"production":{p}}}"#));
    (prop::collection::vec(env, 0..4), prop_oneof![Just("local"), Just("mine"), Just("x")], 0u64..5000, any::<bool>())
        .prop_map(|(envs, active, poll, cut)| {
            let s = format!(
                r#"{{"environments":[{}],"active_environment":"{active}","poll_interval_secs":{poll},"other":1}}"#,
                envs.join(",")
            );
            let mut b = s.into_bytes();
            if cut {
                b.truncate(b.len() / 2);
            }
            b
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_bytes_load_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        load_bytes(&bytes);
    }

    #[test]
    fn settings_like_json_loads_without_panic(bytes in settingsish()) {
        load_bytes(&bytes);
    }

    #[test]
    fn any_url_gives_an_error_or_a_valid_environment(input in prop_oneof![
        any::<String>(),
        "(https?|ftp)://[a-zA-Z0-9.:@\\[\\]?#%/-]{0,40}",
        "http://(127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}|localhost|\\[::1\\]|[a-z]{1,8}\\.com)(:[0-9]{1,5})?(/[a-z]{0,5})?",
    ]) {
        match parse_base_url(&input) {
            Ok(url) => {
                prop_assert!(url.scheme() == "https" || url.scheme() == "http");
                prop_assert!(url.username().is_empty() && url.password().is_none());
                prop_assert!(url.query().is_none() && url.fragment().is_none());
                let mut s = Settings::default();
                let id = s.add_environment(NewEnvironment { name: "Mine".into(), base_url: input.clone(), ..Default::default() });
                let id = id.expect("a URL that parses makes an environment");
                let env = s.environment(&id).unwrap();
                prop_assert_eq!(env.base_url(), Some(&url));
                prop_assert!(env.account().is_some());
                if url.scheme() == "http" {
                    let host = url.host_str().unwrap();
                    prop_assert!(host == "localhost" || host == "[::1]" || host.starts_with("127."), "{}", host);
                }
            }
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(!msg.is_empty());
                prop_assert!(msg.starts_with("The base URL") || msg.starts_with("Enter a base URL"), "{}", msg);
            }
        }
    }
}
