//! A watched payout link is told as a link, not as the one-step flow the scheduler reads:
//! claimed on the local sandbox's hosted page, its final status and `done` reach listeners
//! as a `PayoutLinkEvent`, and no flow event names it.

use std::sync::Arc;
use std::time::Duration;

use flowdesk_core::{Core, CoreEvent, CoreOptions, LocalMode, PayoutLinkEvent, Scripted};
use flowdesk_money::MoneyRequest;
use flowdesk_sandbox::home::SandboxHome;
use flowdesk_settings::{Credentials, MemoryStore};
use serde_json::json;

#[tokio::test]
async fn a_claimed_link_arrives_as_a_done_payout_link_event() {
    let dir = tempfile::tempdir().unwrap();
    let options = CoreOptions {
        local: LocalMode::Host,
        ..CoreOptions::new(dir.path(), Credentials::new(MemoryStore::new()), Arc::new(Scripted::always(false)))
    };
    let core = Core::start(options).await.expect("core starts");
    let request: MoneyRequest = serde_json::from_value(json!({
        "kind": "payout_link", "amount": "12.50", "payee": {"email": "payee@example.com"}, "delivery": {"method": "link"}
    }))
    .unwrap();
    let outcome = core.money_send(Some("local"), &request, None, None).await.unwrap();
    let link = outcome.payout_link.expect("a link was made");
    assert!(!link.done, "a new link is not final: {link:?}");

    let mut events = core.subscribe();
    core.payout_link_watch(Some("local"), link.id.clone()).await.unwrap();
    let origin = SandboxHome::new(dir.path()).endpoint().unwrap().origin;
    let claimed = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{origin}/payout-link/{}/claim", link.id))
        .send()
        .await
        .unwrap();
    assert!(claimed.status().is_redirection(), "the hosted claim went through: {}", claimed.status());

    let done = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match events.recv().await.unwrap() {
                CoreEvent::PayoutLink(PayoutLinkEvent::Done { id, link: seen, .. }) if id == link.id => return seen,
                CoreEvent::Watch(e) => assert_ne!(e.id(), link.id, "a link must not be told as a flow: {e:?}"),
                _ => {}
            }
        }
    })
    .await
    .expect("the claim is told within the deadline");
    assert!(done.done);
    assert_eq!(done.status.as_str(), "claimed");
    assert_eq!((done.amount, done.payee.as_ref().and_then(|p| p.email.as_deref())), (1250, Some("payee@example.com")));
}
