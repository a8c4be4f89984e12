//! Composing, creating and reading flows: thin commands over `flowdesk_dots`.

pub mod commands;
mod types;

pub use types::{FlowView, StepCatalog};
