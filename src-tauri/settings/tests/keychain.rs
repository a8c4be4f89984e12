//! The real OS keychain: save, status, read back through `client_config`, delete.
//! Run it on a throwaway keyring: `scripts/with-keyring.sh cargo test -p flowdesk-settings`
//! (a D-Bus session with an unlocked gnome-keyring, HOME in /tmp). With no D-Bus session
//! it fails under CI=true and is skipped, with a notice, elsewhere.

use std::io::Write;
use std::time::Duration;

use flowdesk_settings::{
    Credentials, EnvironmentChange, ErrorKind, KeyringStore, NewEnvironment, SecretStore, Settings, SettingsFile,
    APP_IDENTIFIER,
};
use secrecy::{ExposeSecret, SecretString};

#[test]
fn real_keychain_round_trip() {
    // Linux only: a throwaway gnome-keyring. CI on macOS and Windows must never write to
    // the runner's own keychain.
    if !cfg!(target_os = "linux") {
        let _ = writeln!(std::io::stderr(), "SKIPPED real_keychain_round_trip: the real keychain is tested on Linux only");
        return;
    }
    let has_bus = std::env::var("DBUS_SESSION_BUS_ADDRESS").is_ok_and(|a| !a.trim().is_empty());
    if !has_bus {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("no D-Bus session (DBUS_SESSION_BUS_ADDRESS unset): run the tests under scripts/with-keyring.sh");
        }
        // Straight to stderr: libtest would swallow an eprintln! of a passing test.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED real_keychain_round_trip: no D-Bus session; run under scripts/with-keyring.sh to test the real keychain"
        );
        return;
    }

    let creds = Credentials::keychain();
    creds.check_available().expect("keychain available (is gnome-keyring running and unlocked?)");

    // An environment of our own (unique per run) so no real entry is ever touched.
    let mut settings = Settings::default();
    let name = format!("Keychain test {}", std::process::id());
    let env = settings
        .add_environment(NewEnvironment {
            name,
            base_url: "https://keychain-test.example/api".into(),
            ..Default::default()
        })
        .unwrap();
    let account = format!("{env}@https://keychain-test.example");
    let key = format!("sk_test_keychain_{}_a1b2c3", std::process::id());

    assert!(!creds.status(&settings, &env).unwrap().configured);
    let status = creds.save(&mut settings, &env, "client_kc", SecretString::from(key.clone())).unwrap();
    assert!(status.configured);
    assert_eq!(status.key_last4.as_deref(), Some("b2c3"));
    assert_eq!(creds.status(&settings, &env).unwrap(), status);

    // Stored where the README says: service com.flowdesk.desk, account {env}@{origin}.
    let raw = keyring::Entry::new(APP_IDENTIFIER, &account).unwrap().get_password().unwrap();
    assert_eq!(raw, key);

    // A fresh store (as after a restart) reads it back through client_config.
    let again = Credentials::new(KeyringStore::new());
    let config = again.client_config(&settings, &env, Duration::from_secs(3)).unwrap();
    assert_eq!(config.api_key.expose_secret(), key);
    assert_eq!(config.client_id, "client_kc");
    assert_eq!(config.base_url.as_str(), "https://keychain-test.example/api");

    // The settings file never holds it.
    let dir = tempfile::tempdir().unwrap();
    let file = SettingsFile::at(dir.path().join("settings.json"));
    file.save(&settings).unwrap();
    assert!(!std::fs::read_to_string(file.path()).unwrap().contains(&key));

    // A new host unbinds: the entry is deleted from the real keychain.
    let update = creds
        .update_environment(
            &mut settings,
            &env,
            EnvironmentChange { base_url: Some("https://keychain-test-2.example/api".into()), ..Default::default() },
        )
        .unwrap();
    assert!(update.host_changed && update.key_unbound);
    assert!(KeyringStore::new().get(&account).unwrap().is_none());

    // Save for the new host, then delete.
    creds.save(&mut settings, &env, "client_kc", SecretString::from(key.clone())).unwrap();
    creds.delete(&mut settings, &env).unwrap();
    assert!(!creds.status(&settings, &env).unwrap().configured);
    let e = creds.client_config(&settings, &env, Duration::from_secs(3)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotConfigured);
    assert!(KeyringStore::new().get(&format!("{env}@https://keychain-test-2.example")).unwrap().is_none());
}
