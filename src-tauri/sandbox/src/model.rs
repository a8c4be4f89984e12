//! The sandbox's state: flows, the users that claimed them, and the JSON shape Dots returns.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// The step names the spec's enum allows, in the spec's request-body order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepName {
    Compliance,
    IdVerification,
    ManagePayouts,
    ManagePayments,
    Payout,
    BackgroundCheck,
    Redirect,
    PdfFormFill,
}

impl StepName {
    pub const ALL: [StepName; 8] = [
        StepName::Compliance,
        StepName::IdVerification,
        StepName::ManagePayouts,
        StepName::ManagePayments,
        StepName::Payout,
        StepName::BackgroundCheck,
        StepName::Redirect,
        StepName::PdfFormFill,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StepName::Compliance => "compliance",
            StepName::IdVerification => "id-verification",
            StepName::ManagePayouts => "manage-payouts",
            StepName::ManagePayments => "manage-payments",
            StepName::Payout => "payout",
            StepName::BackgroundCheck => "background-check",
            StepName::Redirect => "redirect",
            StepName::PdfFormFill => "pdf-form-fill",
        }
    }

    /// Exact, case-sensitive match: the spec's enum is case-sensitive.
    pub fn parse(s: &str) -> Option<StepName> {
        StepName::ALL.into_iter().find(|n| n.as_str() == s)
    }

    /// "compliance, id-verification, ..." for error messages.
    pub fn list() -> String {
        StepName::ALL.map(|n| n.as_str()).join(", ")
    }
}

impl std::fmt::Display for StepName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One requested step with the options the spec allows. Kept for the hosted page even
/// though the flow JSON only reports names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepSpec {
    pub name: StepName,
    pub hide_continue_button: Option<bool>,
    pub auto_payout_enabled: Option<bool>,
    pub redirect_url: Option<String>,
    pub template_id: Option<String>,
}

impl StepSpec {
    pub fn plain(name: StepName) -> Self {
        StepSpec {
            name,
            hide_continue_button: None,
            auto_payout_enabled: None,
            redirect_url: None,
            template_id: None,
        }
    }
}

/// A validated `POST /v2/flows` body.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFlow {
    pub steps: Vec<StepSpec>,
    pub user_id: Option<Uuid>,
    pub require_auth: bool,
    pub hide_go_to_dashboard_on_complete: bool,
    pub metadata: Value,
}

/// A stored flow, including what Dots keeps but does not return.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FlowRecord {
    pub id: Uuid,
    pub created: String,
    pub user_id: Option<Uuid>,
    pub steps: Vec<StepSpec>,
    /// In the order the steps were completed (Dots appends).
    pub completed: Vec<StepName>,
    pub metadata: Value,
    pub require_auth: bool,
    pub hide_go_to_dashboard_on_complete: bool,
    /// Whether the person on the hosted page has signed in (onboarded or verified).
    pub authenticated: bool,
}

impl FlowRecord {
    pub fn is_completed(&self, step: StepName) -> bool {
        self.completed.contains(&step)
    }

    pub fn step(&self, name: StepName) -> Option<&StepSpec> {
        self.steps.iter().find(|s| s.name == name)
    }

    /// The first step, in the flow's order, that is not completed yet.
    pub fn next_pending(&self) -> Option<&StepSpec> {
        self.steps.iter().find(|s| !self.is_completed(s.name))
    }

    pub fn all_done(&self) -> bool {
        self.next_pending().is_none()
    }

    pub fn to_json(&self, origin: &str) -> Flow {
        Flow {
            id: self.id,
            created: self.created.clone(),
            user_id: self.user_id,
            steps: self
                .steps
                .iter()
                .map(|s| s.name.as_str().to_string())
                .collect(),
            completed_steps: self
                .completed
                .iter()
                .map(|s| s.as_str().to_string())
                .collect(),
            link: format!("{origin}/flow/{}", self.id),
            metadata: self.metadata.clone(),
            payout_link_id: None,
        }
    }
}

/// The flow object exactly as Dots returns it (field order included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    pub id: Uuid,
    /// `YYYY-MM-DDTHH:MM:SS.ffffff`, UTC, no timezone suffix: what Dots sends.
    pub created: String,
    pub user_id: Option<Uuid>,
    pub steps: Vec<String>,
    pub completed_steps: Vec<String>,
    pub link: String,
    pub metadata: Value,
    pub payout_link_id: Option<String>,
}

/// The timestamp format Dots uses for `created`.
pub fn dots_timestamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.naive_utc().format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// The payout rails the spec's `rail` enum allows.
pub const RAILS: [&str; 8] = [
    "ach",
    "paypal",
    "venmo",
    "cash_app",
    "intl_bank",
    "airtm",
    "payoneer",
    "crypto",
];
pub const USER_STATUSES: [&str; 4] = ["verified", "unverified", "disabled", "in_review"];
pub const TAX_ID_VERIFICATIONS: [&str; 4] = ["unsubmitted", "pending", "matched", "mismatched"];
pub const BACKGROUND_CHECK_STATUSES: [&str; 9] = [
    "not_started",
    "started",
    "pending",
    "consider",
    "pass",
    "failed",
    "canceled",
    "expired",
    "information_mismatch",
];

/// A user's Dots wallet, in integer cents (never floats: money must add up exactly).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wallet {
    pub amount: i64,
    pub withdrawable_amount: i64,
    pub credit_balance: i64,
}

impl Wallet {
    /// Money that arrives is withdrawable at once in the sandbox (no holds).
    pub fn credit(&mut self, cents: i64) {
        self.amount = self.amount.saturating_add(cents);
        self.withdrawable_amount = self.withdrawable_amount.saturating_add(cents);
    }

    pub fn debit(&mut self, cents: i64) {
        self.amount = self.amount.saturating_sub(cents);
        self.withdrawable_amount = self.withdrawable_amount.saturating_sub(cents);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compliance {
    pub tax_id_verification: String,
    pub id_verified: bool,
    pub has_criminal_activity: bool,
    /// `(status, updated)`; absent until a background check exists, as the spec says.
    pub background_check: Option<(String, String)>,
}

impl Default for Compliance {
    fn default() -> Self {
        Compliance {
            tax_id_verification: "unsubmitted".into(),
            id_verified: false,
            has_criminal_activity: false,
            background_check: None,
        }
    }
}

/// A stored user. Contact fields are optional because a flow claimed through the test
/// control (or a payout link claimed without a payee) yields a user Dots knows nothing about.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub country_code: Option<String>,
    pub phone_number: Option<String>,
    pub status: String,
    pub compliance: Compliance,
    pub wallet: Wallet,
    pub default_payout_method: Option<String>,
    /// Rails the user has connected (`GET /v2/users/{id}/payout-methods`).
    pub payout_methods: Vec<String>,
    pub metadata: Value,
    pub payout_options_exclude_list: Vec<String>,
}

impl User {
    /// A new, unverified user with an empty wallet and the spec's compliance defaults.
    pub fn blank(id: Uuid) -> Self {
        User {
            id,
            first_name: String::new(),
            last_name: String::new(),
            email: None,
            country_code: None,
            phone_number: None,
            status: "unverified".into(),
            compliance: Compliance::default(),
            wallet: Wallet::default(),
            default_payout_method: None,
            payout_methods: Vec::new(),
            metadata: Value::Null,
            payout_options_exclude_list: Vec::new(),
        }
    }

    /// "Ana Diaz", or the email, or the id: whatever identifies the user best.
    pub fn display_name(&self) -> String {
        let name = format!("{} {}", self.first_name, self.last_name);
        let name = name.trim();
        if !name.is_empty() {
            name.to_string()
        } else if let Some(e) = &self.email {
            e.clone()
        } else {
            self.id.to_string()
        }
    }

    /// The user object as `GET /v2/users/{id}` returns it. Absent values are omitted rather
    /// than null, because the spec's types for them do not include null.
    pub fn to_json(&self) -> Value {
        let mut compliance = serde_json::json!({
            "tax_id_verification": self.compliance.tax_id_verification,
            "id_verified": self.compliance.id_verified,
            "has_criminal_activity": self.compliance.has_criminal_activity,
            "flagged": self.status == "in_review",
        });
        if let Some((status, updated)) = &self.compliance.background_check {
            compliance["background_check"] =
                serde_json::json!({"status": status, "updated": updated});
        }
        let mut v = serde_json::json!({
            "id": self.id,
            "first_name": self.first_name,
            "last_name": self.last_name,
        });
        if let Some(e) = &self.email {
            v["email"] = Value::String(e.clone());
        }
        if self.country_code.is_some() || self.phone_number.is_some() {
            v["phone_number"] = serde_json::json!({
                "country_code": self.country_code.clone().unwrap_or_default(),
                "phone_number": self.phone_number.clone().unwrap_or_default(),
            });
        }
        if let Some(m) = &self.default_payout_method {
            v["default_payout_method"] = Value::String(m.clone());
        }
        v["wallet"] = serde_json::to_value(self.wallet).unwrap_or(Value::Null);
        v["status"] = Value::String(self.status.clone());
        v["compliance"] = compliance;
        v["metadata"] = self.metadata.clone();
        v["payout_options_exclude_list"] = serde_json::json!(self.payout_options_exclude_list);
        v
    }
}

/// All flows in creation order (oldest first) plus an id index; users and money alongside,
/// under the same lock so a transfer moves both sides of the money atomically.
#[derive(Debug, Default)]
pub struct Store {
    flows: Vec<FlowRecord>,
    index: HashMap<Uuid, usize>,
    pub users: Table<User>,
    pub ledger: crate::ledger::Ledger,
    /// Events noted by changes and not yet sent (see `webhooks::event`); never saved.
    pub(crate) outbox: Vec<crate::webhooks::Happened>,
}

/// Anything stored by id in creation order.
pub trait Keyed {
    fn key(&self) -> Uuid;
}

impl Keyed for User {
    fn key(&self) -> Uuid {
        self.id
    }
}

/// Rows in creation order (oldest first) plus an id index; rows are never removed.
#[derive(Debug)]
pub struct Table<T> {
    rows: Vec<T>,
    index: HashMap<Uuid, usize>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            rows: Vec::new(),
            index: HashMap::new(),
        }
    }
}

/// Saved as the plain list of rows, oldest first; the index is rebuilt when read back.
impl<T: Serialize> Serialize for Table<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.rows.serialize(s)
    }
}

impl<'de, T: Deserialize<'de> + Keyed> Deserialize<'de> for Table<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Table::from_rows(Vec::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl<T: Keyed> Table<T> {
    /// Rows as saved, oldest first; an id that occurs twice is refused.
    pub fn from_rows(rows: Vec<T>) -> Result<Self, String> {
        let mut index = HashMap::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            if index.insert(row.key(), i).is_some() {
                return Err(format!("id {} occurs twice", row.key()));
            }
        }
        Ok(Table { rows, index })
    }

    /// Inserts, or replaces the row with the same id in place.
    pub fn insert(&mut self, row: T) -> &mut T {
        let i = match self.index.get(&row.key()) {
            Some(&i) => {
                self.rows[i] = row;
                i
            }
            None => {
                self.index.insert(row.key(), self.rows.len());
                self.rows.push(row);
                self.rows.len() - 1
            }
        };
        &mut self.rows[i]
    }

    pub fn get(&self, id: &Uuid) -> Option<&T> {
        self.index.get(id).and_then(|&i| self.rows.get(i))
    }

    pub fn get_mut(&mut self, id: &Uuid) -> Option<&mut T> {
        match self.index.get(id) {
            Some(&i) => self.rows.get_mut(i),
            None => None,
        }
    }

    pub fn contains(&self, id: &Uuid) -> bool {
        self.index.contains_key(id)
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn oldest_first(&self) -> impl DoubleEndedIterator<Item = &T> {
        self.rows.iter()
    }

    pub fn newest_first(&self) -> impl Iterator<Item = &T> {
        self.rows.iter().rev()
    }

    pub fn clear(&mut self) {
        self.rows.clear();
        self.index.clear();
    }
}

impl Keyed for FlowRecord {
    fn key(&self) -> Uuid {
        self.id
    }
}

impl Store {
    /// A store as saved in a state file (`crate::persist`): flows oldest first.
    pub fn from_parts(
        flows: Vec<FlowRecord>,
        users: Table<User>,
        ledger: crate::ledger::Ledger,
    ) -> Result<Self, String> {
        let Table { rows, index } = Table::from_rows(flows)?;
        Ok(Store {
            flows: rows,
            index,
            users,
            ledger,
            outbox: Vec::new(),
        })
    }

    /// Flows in creation order (oldest first).
    pub fn flows_oldest_first(&self) -> &[FlowRecord] {
        &self.flows
    }

    pub fn insert(&mut self, new: NewFlow) -> &FlowRecord {
        let id = Uuid::new_v4();
        let record = FlowRecord {
            id,
            created: dots_timestamp(chrono::Utc::now()),
            user_id: new.user_id,
            steps: new.steps,
            completed: Vec::new(),
            metadata: new.metadata,
            // A user_id makes the flow start authenticated unless require_auth asks otherwise.
            authenticated: new.user_id.is_some() && !new.require_auth,
            require_auth: new.require_auth,
            hide_go_to_dashboard_on_complete: new.hide_go_to_dashboard_on_complete,
        };
        self.index.insert(id, self.flows.len());
        self.flows.push(record);
        &self.flows[self.flows.len() - 1]
    }

    pub fn get(&self, id: &Uuid) -> Option<&FlowRecord> {
        self.index.get(id).and_then(|&i| self.flows.get(i))
    }

    pub fn get_mut(&mut self, id: &Uuid) -> Option<&mut FlowRecord> {
        match self.index.get(id) {
            Some(&i) => self.flows.get_mut(i),
            None => None,
        }
    }

    pub fn len(&self) -> usize {
        self.flows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.flows.is_empty()
    }

    pub fn clear(&mut self) {
        self.flows.clear();
        self.index.clear();
        self.users.clear();
        self.ledger = crate::ledger::Ledger::default();
        // Events about what is gone are not sent.
        self.outbox.clear();
    }

    /// Flows newest first: creation order reversed, so equal timestamps still sort stably.
    pub fn newest_first(&self) -> impl Iterator<Item = &FlowRecord> {
        self.flows.iter().rev()
    }

    /// Position of `id` in the newest-first order.
    pub fn position_newest_first(&self, id: &Uuid) -> Option<usize> {
        self.index.get(id).map(|&i| self.flows.len() - 1 - i)
    }
}

/// Parses a UUID in the hyphenated 8-4-4-4-12 form that JSON Schema's `format: uuid` means
/// (the uuid crate alone would also take the braced, urn and 32-digit forms).
pub fn parse_uuid(s: &str) -> Option<Uuid> {
    if s.len() != 36 {
        return None;
    }
    Uuid::parse_str(s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_flow() -> NewFlow {
        NewFlow {
            steps: vec![
                StepSpec::plain(StepName::Compliance),
                StepSpec::plain(StepName::Payout),
            ],
            user_id: None,
            require_auth: false,
            hide_go_to_dashboard_on_complete: false,
            metadata: Value::Null,
        }
    }

    #[test]
    fn step_names_round_trip() {
        for n in StepName::ALL {
            assert_eq!(StepName::parse(n.as_str()), Some(n));
        }
        assert_eq!(StepName::parse("Compliance"), None);
        assert_eq!(StepName::parse("kyc"), None);
    }

    #[test]
    fn timestamp_has_microseconds_and_no_zone() {
        let t = chrono::DateTime::parse_from_rfc3339("2024-07-11T21:10:30.846081Z")
            .unwrap()
            .to_utc();
        assert_eq!(dots_timestamp(t), "2024-07-11T21:10:30.846081");
        let t = chrono::DateTime::parse_from_rfc3339("2024-07-11T21:10:30Z")
            .unwrap()
            .to_utc();
        assert_eq!(dots_timestamp(t), "2024-07-11T21:10:30.000000");
    }

    #[test]
    fn flow_json_shape() {
        let mut store = Store::default();
        let rec = store.insert(new_flow()).clone();
        let v = serde_json::to_value(rec.to_json("http://127.0.0.1:1")).unwrap();
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        let mut expected = vec![
            "id",
            "created",
            "user_id",
            "steps",
            "completed_steps",
            "link",
            "metadata",
            "payout_link_id",
        ];
        expected.sort();
        let mut keys_sorted = keys.clone();
        keys_sorted.sort();
        assert_eq!(keys_sorted, expected);
        assert_eq!(v["steps"], serde_json::json!(["compliance", "payout"]));
        assert_eq!(v["link"], format!("http://127.0.0.1:1/flow/{}", rec.id));
        assert!(v["user_id"].is_null() && v["payout_link_id"].is_null() && v["metadata"].is_null());
    }

    #[test]
    fn newest_first_and_positions() {
        let mut store = Store::default();
        let a = store.insert(new_flow()).id;
        let b = store.insert(new_flow()).id;
        let c = store.insert(new_flow()).id;
        let order: Vec<_> = store.newest_first().map(|f| f.id).collect();
        assert_eq!(order, vec![c, b, a]);
        assert_eq!(store.position_newest_first(&c), Some(0));
        assert_eq!(store.position_newest_first(&a), Some(2));
        assert_eq!(store.position_newest_first(&Uuid::new_v4()), None);
    }

    #[test]
    fn next_pending_skips_out_of_order_completions() {
        let mut store = Store::default();
        let id = store.insert(new_flow()).id;
        let f = store.get_mut(&id).unwrap();
        f.completed.push(StepName::Payout);
        assert_eq!(f.next_pending().map(|s| s.name), Some(StepName::Compliance));
        f.completed.push(StepName::Compliance);
        assert!(f.all_done());
    }

    #[test]
    fn uuid_only_hyphenated() {
        assert!(parse_uuid("67e55044-10b1-426f-9247-bb680e5fe0c8").is_some());
        assert!(parse_uuid("67E55044-10B1-426F-9247-BB680E5FE0C8").is_some());
        assert!(parse_uuid("67e5504410b1426f9247bb680e5fe0c8").is_none());
        assert!(parse_uuid("{67e55044-10b1-426f-9247-bb680e5fe0c8}").is_none());
        assert!(parse_uuid("nope").is_none());
    }
}
