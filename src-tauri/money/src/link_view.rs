//! A payout link as the desk shows it: Dots' object plus what the desk derives from it.

use flowdesk_dots::money::{PayoutLink, Redelivery};
use serde::Serialize;
use ts_rs::TS;

/// Dots' payout link with `done`: its status is final (claimed, reversed, canceled, expired,
/// failed), so nothing more will happen to it and it is no longer watched or cancelable.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PayoutLinkView {
    #[serde(flatten)]
    #[ts(flatten)]
    pub payout_link: PayoutLink,
    pub done: bool,
}

impl From<PayoutLink> for PayoutLinkView {
    fn from(payout_link: PayoutLink) -> Self {
        let done = payout_link.status.is_final();
        PayoutLinkView { payout_link, done }
    }
}

impl std::ops::Deref for PayoutLinkView {
    type Target = PayoutLink;
    fn deref(&self) -> &PayoutLink {
        &self.payout_link
    }
}

/// `POST /v2/payout-links/{id}/redeliver`'s reply with the link as a [`PayoutLinkView`].
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RedeliveryView {
    pub payout_link: PayoutLinkView,
    pub redelivered: bool,
}

impl From<Redelivery> for RedeliveryView {
    fn from(r: Redelivery) -> Self {
        RedeliveryView { payout_link: r.payout_link.into(), redelivered: r.redelivered }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(status: &str) -> PayoutLink {
        serde_json::from_value(serde_json::json!({"id": "l", "amount": 500, "status": status, "link": "http://x"})).unwrap()
    }

    #[test]
    fn done_follows_the_final_statuses_and_is_sent_beside_dots_fields() {
        for s in ["claimed", "reversed", "canceled", "expired", "failed"] {
            assert!(PayoutLinkView::from(link(s)).done, "{s}");
        }
        for s in ["created", "sent", "delivered", "delivery_pending", "something_new"] {
            assert!(!PayoutLinkView::from(link(s)).done, "{s}");
        }
        let json = serde_json::to_value(PayoutLinkView::from(link("claimed"))).unwrap();
        assert_eq!((json["status"].as_str(), json["done"].as_bool(), json["id"].as_str()), (Some("claimed"), Some(true), Some("l")));
    }
}
