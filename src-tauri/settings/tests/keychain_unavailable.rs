//! No Secret Service to talk to: a typed "unavailable" error with advice, never a silent
//! fallback. Its own test binary, because it points the process's D-Bus session address
//! at a socket that does not exist before keyring is first used.

use std::time::Duration;

use flowdesk_settings::{CredentialError, Credentials, ErrorKind, Settings, SANDBOX};
use secrecy::SecretString;

#[test]
fn no_keychain_is_a_typed_error_with_advice() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("no-such-bus");
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", format!("unix:path={}", socket.display()));

    let creds = Credentials::keychain();
    let mut settings = Settings::default();
    let before = settings.clone();
    let key = "sk_test_unavailable_0123456789";
    let mut with_client_id = settings.clone();
    with_client_id.set_client_id(SANDBOX, Some("client_1")).unwrap();

    let errors = [
        creds.check_available().unwrap_err(),
        creds.save(&mut settings, SANDBOX, "client_1", SecretString::from(key)).unwrap_err(),
        creds.status(&settings, SANDBOX).unwrap_err(),
        creds.client_config(&with_client_id, SANDBOX, Duration::from_secs(1)).unwrap_err(),
        creds.delete(&mut with_client_id, SANDBOX).unwrap_err(),
    ];
    for e in &errors {
        assert!(matches!(e, CredentialError::KeychainUnavailable { .. }), "{e:?}");
        assert_eq!(e.kind(), ErrorKind::KeychainUnavailable);
        let text = e.to_string();
        if cfg!(target_os = "linux") {
            assert!(text.contains("Unlock your keyring") && text.contains("gnome-keyring or KWallet"), "{text}");
        }
        assert!(text.contains("the Local sandbox still works"), "{text}");
        assert!(!text.contains(key) && !format!("{e:?}").contains(key));
    }
    eprintln!("the message a user sees: {}", errors[1]);
    assert_eq!(settings, before, "nothing saved, not even the client ID");
    // The Local sandbox needs no keychain.
    assert!(creds.status(&settings, "local").unwrap().configured);
}
