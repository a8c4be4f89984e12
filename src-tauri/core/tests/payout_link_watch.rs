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

/// A core hosting its Local sandbox in `dir`, and a payout link of $12.50 made there.
async fn core_with_link(dir: &std::path::Path) -> (Core, flowdesk_money::PayoutLinkView) {
    let options = CoreOptions {
        local: LocalMode::Host,
        ..CoreOptions::new(dir, Credentials::new(MemoryStore::new()), Arc::new(Scripted::always(false)))
    };
    let core = Core::start(options).await.expect("core starts");
    let request: MoneyRequest = serde_json::from_value(json!({
        "kind": "payout_link", "amount": "12.50", "payee": {"email": "payee@example.com"}, "delivery": {"method": "link"}
    }))
    .unwrap();
    let outcome = core.money_send(Some("local"), &request, None, None).await.unwrap();
    let link = outcome.payout_link.expect("a link was made");
    (core, link)
}

/// The payee claims the link on the sandbox's hosted page.
async fn claim(dir: &std::path::Path, id: &str) {
    let origin = SandboxHome::new(dir).endpoint().unwrap().origin;
    let claimed = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{origin}/payout-link/{id}/claim"))
        .send()
        .await
        .unwrap();
    assert!(claimed.status().is_redirection(), "the hosted claim went through: {}", claimed.status());
}

/// Waits for the link's Done event; a flow event naming the link fails the test.
async fn done_of(events: &mut tokio::sync::broadcast::Receiver<CoreEvent>, id: &str) -> flowdesk_money::PayoutLinkView {
    tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match events.recv().await.unwrap() {
                CoreEvent::PayoutLink(PayoutLinkEvent::Done { id: seen, link, .. }) if seen == id => return link,
                CoreEvent::Watch(e) => assert_ne!(e.id(), id, "a link must not be told as a flow: {e:?}"),
                _ => {}
            }
        }
    })
    .await
    .expect("the claim is told within the deadline")
}

#[tokio::test]
async fn a_claimed_link_arrives_as_a_done_payout_link_event() {
    let dir = tempfile::tempdir().unwrap();
    let (core, link) = core_with_link(dir.path()).await;
    assert!(!link.done, "a new link is not final: {link:?}");
    let mut events = core.subscribe();
    core.payout_link_watch(Some("local"), link.id.clone()).await.unwrap();
    claim(dir.path(), &link.id).await;
    let done = done_of(&mut events, &link.id).await;
    assert!(done.done);
    assert_eq!(done.status.as_str(), "claimed");
    assert_eq!((done.amount, done.payee.as_ref().and_then(|p| p.email.as_deref())), (1250, Some("payee@example.com")));
}

#[tokio::test]
async fn a_link_watched_again_right_after_an_unwatch_is_still_told_as_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let (core, link) = core_with_link(dir.path()).await;
    let mut events = core.subscribe();
    // A card unmounted and mounted again: the first watch's Stopped is still on its way.
    core.payout_link_watch(Some("local"), link.id.clone()).await.unwrap();
    core.unwatch_flow(link.id.clone());
    core.payout_link_watch(Some("local"), link.id.clone()).await.unwrap();
    claim(dir.path(), &link.id).await;
    assert!(done_of(&mut events, &link.id).await.done);
}
