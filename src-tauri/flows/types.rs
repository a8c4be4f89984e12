use flowdesk_dots::{Flow, ImplicitStep, Progress, StepInfo, StepName};
use serde::Serialize;
use ts_rs::TS;

/// Everything the builder's palette draws.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct StepCatalog {
    pub steps: Vec<StepInfo>,
    /// Drawn greyed at the head of the list while no user_id is given; never sent.
    pub implicit: ImplicitStep,
}

impl StepCatalog {
    pub fn new() -> Self {
        StepCatalog { steps: StepName::ALL.into_iter().map(StepName::info).collect(), implicit: ImplicitStep::onboarding() }
    }
}

impl Default for StepCatalog {
    fn default() -> Self {
        StepCatalog::new()
    }
}

/// A flow with the progress derived from it, so the UI never recomputes the rules, and
/// the environment it lives in, so it is only ever read with that environment's key.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FlowView {
    pub flow: Flow,
    pub progress: Progress,
    pub environment_id: String,
}

impl FlowView {
    pub fn new(flow: Flow, environment_id: &str) -> Self {
        FlowView { progress: flow.progress(), flow, environment_id: environment_id.to_string() }
    }
}
