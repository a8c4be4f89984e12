//! The Dots v2 flows domain, as a small SDK with no Tauri in it: the step catalog, a flow
//! request and the rules it must follow before anything is sent, the flow as Dots returns it
//! (parsed leniently) with its progress, and an async client.

pub mod client;
pub mod error;
pub mod flow;
pub mod loopback;
pub mod message;
pub mod money;
pub mod normalize;
pub mod request;
pub mod retry;
pub mod rules;
pub mod steps;
pub mod watch;
pub mod webhook;

pub use client::{ClientConfig, DotsClient, ListParams, Page};
pub use error::{DotsError, ErrorKind};
pub use flow::{Flow, Progress};
pub use loopback::{is_loopback_host, is_loopback_url};
pub use message::TemplateValues;
pub use request::{FlowRequest, Metadata};
pub use retry::{Backoff, ReadRetry};
pub use rules::{validate, RuleViolation};
pub use steps::{ImplicitStep, Step, StepInfo, StepName, StepOption, IMPLICIT_ONBOARDING};
pub use webhook::{webhook_header, VerifiedWebhook, WebhookVerifier, WebhookVerifyError};
pub use watch::{FlowSource, Scheduler, StopReason, WatchConfig, WatchEvent, WatchHandle};
