//! The events Dots sends, by name, and the body each one carries (from Dots' webhooks
//! reference). Several bodies carry no `event` key; a delivery records its event beside it.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::model::Store;

/// Every event the sandbox sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    FlowUpdated,
    FlowTransactionUpdated,
    PayoutLinkUpdated,
    PayoutLinkClaimed,
    PayoutLinkSent,
    PayoutLinkPaidOut,
    TransferUpdated,
    TransferCompleted,
    TransferFailed,
    UserBackgroundCheck,
    UserIdVerified,
    UserPayoutMethod,
}

/// What an event is about: the kind of object its id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Flow,
    PayoutLink,
    Transfer,
    User,
}

impl Subject {
    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Flow => "flow",
            Subject::PayoutLink => "payout_link",
            Subject::Transfer => "transfer",
            Subject::User => "user",
        }
    }
}

impl EventType {
    pub const ALL: [EventType; 12] = [
        EventType::FlowUpdated,
        EventType::FlowTransactionUpdated,
        EventType::PayoutLinkUpdated,
        EventType::PayoutLinkClaimed,
        EventType::PayoutLinkSent,
        EventType::PayoutLinkPaidOut,
        EventType::TransferUpdated,
        EventType::TransferCompleted,
        EventType::TransferFailed,
        EventType::UserBackgroundCheck,
        EventType::UserIdVerified,
        EventType::UserPayoutMethod,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::FlowUpdated => "flow.updated",
            EventType::FlowTransactionUpdated => "flow.transaction_updated",
            EventType::PayoutLinkUpdated => "payout_link.updated",
            EventType::PayoutLinkClaimed => "payout_link.claimed",
            EventType::PayoutLinkSent => "payout_link.sent",
            EventType::PayoutLinkPaidOut => "payout_link.paid_out",
            EventType::TransferUpdated => "transfer.updated",
            EventType::TransferCompleted => "transfer.completed",
            EventType::TransferFailed => "transfer.failed",
            EventType::UserBackgroundCheck => "user.updated.background_check",
            // Dots' own spelling.
            EventType::UserIdVerified => "user.updated.ide_verified",
            EventType::UserPayoutMethod => "user.updated.payout_method",
        }
    }

    pub fn parse(s: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// "flow.updated, flow.transaction_updated, …", for error messages.
    pub fn list() -> String {
        EventType::ALL.map(EventType::as_str).join(", ")
    }

    pub fn subject(self) -> Subject {
        use EventType::*;
        match self {
            FlowUpdated | FlowTransactionUpdated => Subject::Flow,
            PayoutLinkUpdated | PayoutLinkClaimed | PayoutLinkSent | PayoutLinkPaidOut => Subject::PayoutLink,
            TransferUpdated | TransferCompleted | TransferFailed => Subject::Transfer,
            UserBackgroundCheck | UserIdVerified | UserPayoutMethod => Subject::User,
        }
    }

    /// The body Dots sends for this event about `id`, built from the store as it is now.
    /// `None` when an event that carries the whole object names one the store does not hold.
    pub fn body(self, id: Uuid, store: &Store, origin: &str) -> Option<Value> {
        use EventType::*;
        let event = self.as_str();
        Some(match self {
            FlowUpdated | FlowTransactionUpdated => json!({"event": event, "flow_id": id}),
            PayoutLinkUpdated => json!({"event": event, "payout_link_id": id}),
            PayoutLinkClaimed | PayoutLinkSent | PayoutLinkPaidOut => store.ledger.links.get(&id)?.to_json(origin),
            TransferUpdated => json!({"event": event, "transfer_id": id}),
            TransferCompleted | TransferFailed => {
                json!({"transfer": store.ledger.transfers.get(&id)?.to_json(), "transfer_id": id})
            }
            UserBackgroundCheck | UserIdVerified | UserPayoutMethod => json!({"user_id": id}),
        })
    }
}

/// Something that happened in the store, noted under its lock and sent once the change is
/// saved (see `Shared::publish`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Happened {
    pub event: EventType,
    pub id: Uuid,
}

impl Store {
    /// Notes an event for the webhooks (and for the app's live status).
    pub fn note(&mut self, event: EventType, id: Uuid) {
        self.outbox.push(Happened { event, id });
    }

    /// A step of a flow was completed (on the hosted page or through a control): Dots sends
    /// `flow.updated`, and the user events some steps imply.
    pub fn note_step_done(&mut self, flow_id: Uuid, step: crate::model::StepName, user_id: Option<Uuid>) {
        use crate::model::StepName;
        self.note(EventType::FlowUpdated, flow_id);
        let implied = match step {
            StepName::IdVerification => Some(EventType::UserIdVerified),
            StepName::BackgroundCheck => Some(EventType::UserBackgroundCheck),
            StepName::ManagePayouts => Some(EventType::UserPayoutMethod),
            _ => None,
        };
        if let (Some(event), Some(user)) = (implied, user_id) {
            self.note(event, user);
        }
    }

    /// A transfer was recorded with its final status.
    pub fn note_transfer(&mut self, transfer_id: Uuid, completed: bool) {
        self.note(EventType::TransferUpdated, transfer_id);
        let done = if completed { EventType::TransferCompleted } else { EventType::TransferFailed };
        self.note(done, transfer_id);
    }

    pub fn take_outbox(&mut self) -> Vec<Happened> {
        std::mem::take(&mut self.outbox)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_cover_every_subject() {
        for e in EventType::ALL {
            assert_eq!(EventType::parse(e.as_str()), Some(e));
        }
        assert_eq!(EventType::parse("flow.created"), None);
        assert_eq!(EventType::UserIdVerified.as_str(), "user.updated.ide_verified");
    }

    #[test]
    fn bodies_follow_dots_reference() {
        let store = Store::default();
        let id = Uuid::new_v4();
        let flow = EventType::FlowUpdated.body(id, &store, "http://x").unwrap();
        assert_eq!(flow, json!({"event": "flow.updated", "flow_id": id}));
        let user = EventType::UserPayoutMethod.body(id, &store, "http://x").unwrap();
        assert_eq!(user, json!({"user_id": id}), "user events carry no `event` key");
        assert!(EventType::PayoutLinkClaimed.body(id, &store, "http://x").is_none(), "no such link");
    }
}
