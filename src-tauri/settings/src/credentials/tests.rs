use super::*;
use crate::environment::{NewEnvironment, LOCAL, PRODUCTION, SANDBOX};
use crate::store::MemoryStore;
use crate::{ErrorKind, SettingsFile};

const KEY: &str = "sk_test_4f9a7c1e2b8d6053";

fn setup() -> (Credentials, MemoryStore, Settings) {
    let store = MemoryStore::new();
    (Credentials::new(store.clone()), store, Settings::default())
}

fn key(s: &str) -> SecretString {
    SecretString::from(s)
}

#[test]
fn save_status_delete() {
    let (creds, store, mut s) = setup();
    assert_eq!(
        creds.status(&s, SANDBOX).unwrap(),
        CredentialStatus { configured: false, client_id: None, key_last4: None }
    );

    let status = creds.save(&mut s, SANDBOX, "  client_123 ", key(&format!("  {KEY}\n"))).unwrap();
    let expected =
        CredentialStatus { configured: true, client_id: Some("client_123".into()), key_last4: Some("6053".into()) };
    assert_eq!(status, expected);
    assert_eq!(creds.status(&s, SANDBOX).unwrap(), expected);
    assert_eq!(store.accounts(), ["sandbox@https://pls.senddotssandbox.com"]);
    assert_eq!(store.raw("sandbox@https://pls.senddotssandbox.com").as_deref(), Some(KEY), "stored trimmed");
    assert_eq!(s.environment(SANDBOX).unwrap().client_id(), Some("client_123"));
    // Other environments are untouched.
    assert!(!creds.status(&s, PRODUCTION).unwrap().configured);

    // Saving again replaces.
    creds.save(&mut s, SANDBOX, "client_456", key("sk_test_another_key_9999")).unwrap();
    assert_eq!(creds.status(&s, SANDBOX).unwrap().key_last4.as_deref(), Some("9999"));
    assert_eq!(store.accounts().len(), 1);

    creds.delete(&mut s, SANDBOX).unwrap();
    assert_eq!(creds.status(&s, SANDBOX).unwrap(), CredentialStatus::default());
    assert!(store.accounts().is_empty());
    creds.delete(&mut s, SANDBOX).unwrap(); // nothing saved: fine
}

#[test]
fn last4_only_for_keys_long_enough() {
    assert_eq!(last4("sk_abcdefgh1234").as_deref(), Some("1234"));
    assert_eq!(last4("short_key_1").as_deref(), None);
    assert_eq!(last4("ключ_ключ_ключ").as_deref(), Some("ключ"), "characters, not bytes");
    let (creds, _, mut s) = setup();
    assert_eq!(creds.save(&mut s, SANDBOX, "c", key("abc")).unwrap().key_last4, None);
}

#[test]
fn bad_keys_and_client_ids_are_refused_with_clear_errors() {
    let (creds, store, mut s) = setup();
    let before = s.clone();
    let cases = [
        ("c", "", "it is empty"),
        ("c", " \t\n ", "it is empty"),
        ("c", "sk_test_abc def", "space or line break"),
        ("c", "sk_test_abc\ndef", "space or line break"),
        ("c", "sk_test\u{0}abc", "control character"),
        ("c", "sk_test\u{7f}abc", "control character"),
        ("", KEY, "Enter the client ID"),
        ("a:b", KEY, "cannot contain ':'"),
    ];
    for (client_id, api_key, says) in cases {
        let e = creds.save(&mut s, SANDBOX, client_id, key(api_key)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid);
        assert!(e.to_string().contains(says), "{e} / {says}");
    }
    assert!(creds.save(&mut s, SANDBOX, "c", key(&"k".repeat(2000))).unwrap_err().to_string().contains("longer than"));
    let e = creds.save(&mut s, LOCAL, "c", key(KEY)).unwrap_err();
    assert!(e.to_string().contains("needs no client ID or key"), "{e}");
    assert_eq!(creds.save(&mut s, "nope", "c", key(KEY)).unwrap_err().kind(), ErrorKind::NotFound);
    assert!(store.accounts().is_empty());
    assert_eq!(s, before);
}

#[test]
fn local_sandbox_needs_nothing() {
    let (creds, _, mut s) = setup();
    assert_eq!(
        creds.status(&s, LOCAL).unwrap(),
        CredentialStatus { configured: true, client_id: None, key_last4: None }
    );
    creds.delete(&mut s, LOCAL).unwrap();
    let e = creds.client_config(&s, LOCAL, Duration::from_secs(5)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
}

#[test]
fn client_config_carries_what_the_client_needs() {
    let (creds, _, mut s) = setup();
    let e = creds.client_config(&s, SANDBOX, Duration::from_secs(5)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotConfigured);
    assert!(e.to_string().contains("\"Sandbox\""), "{e}");

    creds
        .update_environment(&mut s, SANDBOX, EnvironmentChange { app_id: Some("app_77".into()), ..Default::default() })
        .unwrap();
    creds.save(&mut s, SANDBOX, "client_123", key(KEY)).unwrap();
    let c = creds.client_config(&s, SANDBOX, Duration::from_secs(7)).unwrap();
    assert_eq!(c.base_url.as_str(), "https://pls.senddotssandbox.com/api");
    assert_eq!(c.client_id, "client_123");
    assert_eq!(c.api_key.expose_secret(), KEY);
    assert_eq!(c.app_id.as_deref(), Some("app_77"));
    assert_eq!(c.timeout, Duration::from_secs(7));
    flowdesk_dots::DotsClient::new(c).expect("the client accepts it");

    // A key with no client ID (say, the file was replaced) is not configured.
    s.set_client_id(SANDBOX, None).unwrap();
    assert_eq!(creds.client_config(&s, SANDBOX, Duration::from_secs(5)).unwrap_err().kind(), ErrorKind::NotConfigured);
    assert!(!creds.status(&s, SANDBOX).unwrap().configured);
}

#[test]
fn host_change_unbinds_the_key() {
    let (creds, store, mut s) = setup();
    creds.save(&mut s, SANDBOX, "client_123", key(KEY)).unwrap();

    // Same host, other path: still bound.
    let u = creds
        .update_environment(
            &mut s,
            SANDBOX,
            EnvironmentChange {
                base_url: Some("https://pls.senddotssandbox.com/api/".into()),
                name: Some("Sbx".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!((u.host_changed, u.key_unbound), (false, false));
    assert!(creds.status(&s, SANDBOX).unwrap().configured);

    // New host: the entry is gone from the keychain and the client ID is cleared.
    let u = creds
        .update_environment(
            &mut s,
            SANDBOX,
            EnvironmentChange { base_url: Some("https://api.senddotssandbox.com/api".into()), ..Default::default() },
        )
        .unwrap();
    assert_eq!((u.host_changed, u.key_unbound), (true, true));
    assert!(store.accounts().is_empty());
    assert_eq!(creds.status(&s, SANDBOX).unwrap(), CredentialStatus::default());
    assert_eq!(serde_json::to_value(&u).unwrap(), serde_json::json!({"host_changed": true, "key_unbound": true}));

    // A new key for the new host binds to it.
    creds.save(&mut s, SANDBOX, "client_123", key(KEY)).unwrap();
    assert_eq!(store.accounts(), ["sandbox@https://api.senddotssandbox.com"]);
}

#[test]
fn removing_an_environment_removes_its_key() {
    let (creds, store, mut s) = setup();
    let id = s
        .add_environment(NewEnvironment {
            name: "Staging".into(),
            base_url: "https://api.senddotssandbox.com/api".into(),
            ..Default::default()
        })
        .unwrap();
    creds.save(&mut s, &id, "client_1", key(KEY)).unwrap();
    creds.save(&mut s, SANDBOX, "client_2", key(KEY)).unwrap();
    assert_eq!(creds.remove_environment(&mut s, SANDBOX).unwrap_err().kind(), ErrorKind::BuiltIn);
    assert_eq!(store.accounts().len(), 2, "a refused removal deletes nothing");
    let removed = creds.remove_environment(&mut s, &id).unwrap();
    assert_eq!(removed.id(), "staging");
    assert_eq!(store.accounts(), ["sandbox@https://pls.senddotssandbox.com"]);
}

#[test]
fn a_keychain_that_keeps_nothing_is_an_error() {
    let creds = Credentials::new(MemoryStore::forgetful());
    let mut s = Settings::default();
    let e = creds.save(&mut s, SANDBOX, "client_123", key(KEY)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::KeychainNotPersisted);
    assert!(e.to_string().contains("nothing was saved"), "{e}");
    assert_eq!(s.environment(SANDBOX).unwrap().client_id(), None, "no client ID without a key");
    assert_eq!(creds.check_available().unwrap_err().kind(), ErrorKind::KeychainNotPersisted);
    Credentials::new(MemoryStore::new()).check_available().unwrap();
}

#[test]
fn an_unavailable_keychain_is_typed_and_says_what_to_do() {
    let creds = Credentials::new(MemoryStore::unavailable());
    let mut s = Settings::default();
    let before = s.clone();
    for e in [
        creds.save(&mut s, SANDBOX, "client_123", key(KEY)).unwrap_err(),
        creds.status(&s, SANDBOX).unwrap_err(),
        creds.check_available().unwrap_err(),
    ] {
        assert_eq!(e.kind(), ErrorKind::KeychainUnavailable);
        assert!(e.to_string().contains("Local sandbox still works"), "{e}");
    }
    assert_eq!(s, before);
    s.set_client_id(SANDBOX, Some("cid")).unwrap();
    assert_eq!(
        creds.client_config(&s, SANDBOX, Duration::from_secs(1)).unwrap_err().kind(),
        ErrorKind::KeychainUnavailable
    );
    assert_eq!(creds.delete(&mut s, SANDBOX).unwrap_err().kind(), ErrorKind::KeychainUnavailable);
    assert_eq!(s.environment(SANDBOX).unwrap().client_id(), Some("cid"), "a failed delete clears nothing");
    s.set_client_id(SANDBOX, None).unwrap();
    // The Local sandbox does not touch the keychain at all.
    assert!(creds.status(&s, LOCAL).unwrap().configured);
    // With no key bound, a URL edit does not need the keychain…
    creds
        .update_environment(
            &mut s,
            SANDBOX,
            EnvironmentChange { base_url: Some("https://x.example/api".into()), ..Default::default() },
        )
        .unwrap();
    // …with one bound, it does, and nothing changes when it cannot be unbound.
    s.set_client_id(PRODUCTION, Some("cid")).unwrap();
    let before = s.clone();
    let e = creds
        .update_environment(
            &mut s,
            PRODUCTION,
            EnvironmentChange { base_url: Some("https://y.example/api".into()), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::KeychainUnavailable);
    assert_eq!(s, before);
}

/// After a key was saved: the settings file, every error's Display and Debug, and every
/// Debug of what holds the key contain no part of it longer than its last four.
#[test]
fn the_key_leaks_nowhere() {
    let dir = tempfile::tempdir().unwrap();
    let file = SettingsFile::at(dir.path().join("settings.json"));
    let store = MemoryStore::new();
    let creds = Credentials::new(store.clone());
    let mut s = file.load().unwrap().settings;
    let mut errors: Vec<CredentialError> = Vec::new();

    let status = creds.save(&mut s, SANDBOX, "client_123", key(KEY)).unwrap();
    file.save(&s).unwrap();
    let bytes = std::fs::read(file.path()).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.contains("client_123"), "the client ID is in the file");
    assert!(!text.contains(KEY) && !text.contains(&KEY[..12]), "the key is not");
    assert!(!bytes.windows(KEY.len()).any(|w| w == KEY.as_bytes()));

    let config = creds.client_config(&s, SANDBOX, Duration::from_secs(1)).unwrap();
    let mut shown =
        vec![format!("{config:?}"), format!("{status:?}"), format!("{:?}", s), serde_json::to_string(&status).unwrap()];

    // Errors met with the key in hand.
    let bad_keys = [format!("{KEY} extra"), format!("{KEY}\u{1}"), KEY.repeat(100)];
    for bad in &bad_keys {
        errors.push(creds.save(&mut s, SANDBOX, "client_123", key(bad)).unwrap_err());
    }
    errors.push(creds.save(&mut s, "nope", "client_123", key(KEY)).unwrap_err());
    errors.push(creds.save(&mut s, SANDBOX, "bad:id", key(KEY)).unwrap_err());
    errors.push(Credentials::new(MemoryStore::forgetful()).save(&mut s, SANDBOX, "c", key(KEY)).unwrap_err());
    errors.push(Credentials::new(MemoryStore::unavailable()).save(&mut s, SANDBOX, "c", key(KEY)).unwrap_err());
    errors.push(CredentialError::Keychain { detail: format!("backend echoed {KEY}") }.redacted(KEY));
    // A key pasted into a URL field.
    errors.push(CredentialError::from(
        s.update_environment(
            SANDBOX,
            EnvironmentChange {
                base_url: Some(format!("https://client_123:{KEY}@h.example/api")),
                ..Default::default()
            },
        )
        .unwrap_err(),
    ));
    errors.push(CredentialError::from(
        s.update_environment(
            SANDBOX,
            EnvironmentChange { base_url: Some(format!("https://h.example/api?key={KEY}")), ..Default::default() },
        )
        .unwrap_err(),
    ));
    for e in &errors {
        shown.push(e.to_string());
        shown.push(format!("{e:?}"));
    }
    for text in &shown {
        assert!(!text.contains(&KEY[..KEY.len() - 4]), "key text in: {text}");
    }
    assert_eq!(errors.len(), 10);
}

#[test]
fn the_key_is_bound_to_the_origin_and_an_old_host_only_key_is_moved() {
    let (creds, store, mut s) = setup();
    let id = s
        .add_environment(NewEnvironment { name: "Dev".into(), base_url: "http://localhost:4010/api".into(), ..Default::default() })
        .unwrap();
    creds.save(&mut s, &id, "cid", key(KEY)).unwrap();
    assert_eq!(store.accounts(), [format!("{id}@http://localhost:4010")]);
    // Another port on the same host is another origin: the key is not carried over.
    let change = EnvironmentChange { base_url: Some("http://localhost:31337/api".into()), ..Default::default() };
    let update = creds.update_environment(&mut s, &id, change).unwrap();
    assert!(update.key_unbound);
    assert!(store.accounts().is_empty(), "the key for :4010 never serves :31337");
    assert!(creds.client_config(&s, &id, std::time::Duration::from_secs(1)).is_err());

    // A key saved by an older Flow Desk under "{id}@{host}" is found and moved once.
    creds.save(&mut s, SANDBOX, "cid", key(KEY)).unwrap();
    let legacy = "sandbox@pls.senddotssandbox.com";
    store.set(legacy, &key(KEY)).unwrap();
    store.delete("sandbox@https://pls.senddotssandbox.com").unwrap();
    let config = creds.client_config(&s, SANDBOX, std::time::Duration::from_secs(1)).unwrap();
    assert_eq!(config.api_key.expose_secret(), KEY);
    assert!(store.raw(legacy).is_none(), "moved, not copied");
    assert_eq!(store.raw("sandbox@https://pls.senddotssandbox.com").as_deref(), Some(KEY));
}
