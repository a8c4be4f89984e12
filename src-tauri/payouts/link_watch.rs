//! Payout links are watched by the same scheduler as flows. The scheduler reads flows, so
//! a link is shown to it as a one-step flow: the step is done when the link reaches a
//! final status, and the status itself rides in `metadata.payout_link_status`.

use flowdesk_dots::money::PayoutLink;
use flowdesk_dots::watch::FlowFuture;
use flowdesk_dots::{DotsClient, Flow, FlowSource};
use serde_json::json;

pub const STEP: &str = "payout-link";

pub struct PayoutLinkSource(pub DotsClient);

impl FlowSource for PayoutLinkSource {
    fn get_flow<'a>(&'a self, id: &'a str) -> FlowFuture<'a> {
        Box::pin(async move { self.0.get_payout_link(id).await.map(as_flow) })
    }
}

/// The payout link status of a watched link (`None` for a real flow).
pub fn link_status(flow: &Flow) -> Option<&str> {
    if flow.steps != [STEP] {
        return None;
    }
    flow.metadata.as_ref()?.get("payout_link_status")?.as_str()
}

pub fn as_flow(l: PayoutLink) -> Flow {
    Flow {
        id: l.id.clone(),
        created: None,
        user_id: l.claimed_user_id.clone(),
        steps: vec![STEP.into()],
        completed_steps: if l.status.is_final() { vec![STEP.into()] } else { Vec::new() },
        link: l.link.clone(),
        metadata: Some(json!({ "payout_link_status": l.status.as_str(), "amount_cents": l.amount })),
        payout_link_id: Some(l.id),
        updated: None,
    }
}

#[cfg(test)]
mod tests {
    use flowdesk_dots::money::PayoutLinkStatus;

    use super::*;

    #[test]
    fn a_link_is_done_when_its_status_is_final() {
        let mut l: PayoutLink =
            serde_json::from_value(json!({"id": "l", "amount": 500, "status": "sent", "link": "http://x"})).unwrap();
        assert!(!as_flow(l.clone()).progress().done);
        l.status = PayoutLinkStatus::Claimed;
        let f = as_flow(l);
        assert!(f.progress().done);
        assert_eq!(link_status(&f), Some("claimed"));
        let flow: Flow = serde_json::from_value(json!({"id": "f", "steps": ["payout"], "completed_steps": []})).unwrap();
        assert_eq!(link_status(&flow), None);
    }
}
