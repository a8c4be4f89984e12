//! Contract: every body the client sends for create, and every flow the sandbox returns,
//! validates against the schemas in Dots' own OpenAPI spec, read at test time from
//! `DOTS_OPENAPI_SPEC` (never copied into this repo). Formats are not asserted, as JSON
//! Schema 2020-12 does by default: Dots' own `created` has no timezone.

mod common;

use common::*;
use flowdesk_dots::{FlowRequest, Metadata, Step, StepName};
use proptest::prelude::*;
use serde_json::{json, Value};

struct Spec(Value);

impl Spec {
    /// None (with a notice) when the spec is absent outside CI; a failure under CI=true.
    fn load() -> Option<Spec> {
        let path = std::env::var("DOTS_OPENAPI_SPEC").unwrap_or_default();
        let ci = std::env::var("CI").map(|v| v == "true" || v == "1").unwrap_or(false);
        if path.is_empty() || !std::path::Path::new(&path).exists() {
            assert!(!ci, "CI=true but DOTS_OPENAPI_SPEC ({path:?}) is not a readable file: the contract test cannot be skipped in CI");
            eprintln!("NOTICE: contract test skipped: set DOTS_OPENAPI_SPEC to Dots' v2.yaml (see README)");
            return None;
        }
        let text = std::fs::read_to_string(&path).expect("spec readable");
        Some(Spec(serde_yaml_ng::from_str(&text).expect("spec is YAML")))
    }

    /// A validator for the schema at `pointer`, with the spec's components alongside so
    /// `$ref: "#/components/..."` resolves as in the spec.
    fn validator(&self, pointer: &str) -> jsonschema::Validator {
        let mut schema = self.0.pointer(pointer).unwrap_or_else(|| panic!("spec has {pointer}")).clone();
        schema["components"] = self.0["components"].clone();
        jsonschema::draft202012::options().should_validate_formats(false).build(&schema).expect("schema compiles")
    }
}

fn assert_valid(v: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = v.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path)).collect();
    assert!(errors.is_empty(), "{what} breaks Dots' schema: {errors:?}\n{instance:#}");
}

const CREATE_BODY: &str = "/paths/~1v2~1flows/post/requestBody/content/application~1json/schema";
const FLOW: &str = "/components/schemas/flow";
const LIST: &str = "/paths/~1v2~1flows/get/responses/200/content/application~1json/schema";

fn representative_requests() -> Vec<FlowRequest> {
    let all: Vec<Step> = StepName::ALL
        .into_iter()
        .filter(|s| *s != StepName::Redirect && *s != StepName::PdfFormFill)
        .map(Step::new)
        .collect();
    let mut everything = FlowRequest::new(all);
    everything.steps.push(Step { template_id: Some("tmpl_123".into()), hide_continue_button: Some(true), ..Step::new(StepName::PdfFormFill) });
    everything.steps.push(Step { redirect_url: Some("https://www.acme-pay.com/onboarded?x=1".into()), ..Step::new(StepName::Redirect) });
    everything.user_id = Some("0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60".into());
    everything.require_auth = Some(true);
    everything.hide_go_to_dashboard_on_complete = Some(true);
    everything.metadata = Some(Metadata::Object(serde_json::from_value(json!({"reference": "T-1", "n": 2})).unwrap()));
    let mut text_meta = simple_request();
    text_meta.metadata = Some(Metadata::Text("batch 7".into()));
    let payout = FlowRequest::new(vec![Step { auto_payout_enabled: Some(false), ..Step::new(StepName::Payout) }]);
    vec![simple_request(), everything, text_meta, payout]
}

#[test]
fn the_schemas_are_real_and_strict_enough_to_fail() {
    let Some(spec) = Spec::load() else { return };
    let body = spec.validator(CREATE_BODY);
    assert!(!body.is_valid(&json!({"steps": ["not-a-step"]})));
    assert!(!body.is_valid(&json!({"steps": [{"hide_continue_button": true}]})), "name is required");
    assert!(!body.is_valid(&json!({"user_id": "0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60"})), "steps are required");
    let flow = spec.validator(FLOW);
    assert!(!flow.is_valid(&json!({"id": "x", "steps": ["nope"]})));
    assert!(!flow.is_valid(&json!({"id": "x", "metadata": 5})));
}

#[test]
fn every_create_body_the_client_sends_fits_the_spec() {
    let Some(spec) = Spec::load() else { return };
    let body = spec.validator(CREATE_BODY);
    for req in representative_requests() {
        assert!(flowdesk_dots::validate(&req).is_empty(), "{req:?}");
        assert_valid(&body, &req.wire_body(), "create body");
    }
    let mut runner = proptest::test_runner::TestRunner::default();
    runner
        .run(&valid_request(), |req| {
            let errors: Vec<String> = body.iter_errors(&req.wire_body()).map(|e| e.to_string()).collect();
            prop_assert!(errors.is_empty(), "{:?} -> {:?}", req.wire_body(), errors);
            Ok(())
        })
        .unwrap();
}

fn valid_request() -> impl Strategy<Value = FlowRequest> {
    let plain = prop::sample::subsequence(
        vec![StepName::Compliance, StepName::IdVerification, StepName::BackgroundCheck, StepName::ManagePayments, StepName::ManagePayouts, StepName::Payout],
        1..=6,
    )
    .prop_shuffle();
    (plain, any::<bool>(), prop::option::of(any::<bool>()), "[a-z]{1,12}", prop::option::of("[ -~]{0,30}"))
        .prop_map(|(names, redirect, hide, host, meta)| {
            let mut steps: Vec<Step> = names
                .into_iter()
                .map(|n| Step { hide_continue_button: hide, ..Step::new(n) })
                .collect();
            if redirect {
                steps.push(Step { redirect_url: Some(format!("https://{host}.example.com/back")), ..Step::new(StepName::Redirect) });
            }
            let mut req = FlowRequest::new(steps);
            req.metadata = meta.map(Metadata::Text);
            req
        })
        .prop_filter("valid", |r| flowdesk_dots::validate(r).is_empty())
}

/// The sandbox's reply exactly as sent (not through the client's lenient parsing).
async fn raw(request: reqwest::RequestBuilder) -> Value {
    request.basic_auth(CLIENT_ID, Some(API_KEY)).send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn every_flow_the_sandbox_returns_fits_the_spec() {
    let Some(spec) = Spec::load() else { return };
    let (flow_schema, list_schema) = (spec.validator(FLOW), spec.validator(LIST));
    let sb = sandbox().await;
    let http = reqwest::Client::new();
    let api = sb.base_url();
    let mut ids = Vec::new();
    for req in representative_requests() {
        let created = raw(http.post(format!("{api}/v2/flows")).json(&req.wire_body())).await;
        assert_valid(&flow_schema, &created, "created flow");
        assert!(created.get("payout_link_id").is_some(), "shaped like real Dots: {created}");
        ids.push(created["id"].as_str().unwrap().to_string());
    }
    // Claimed and part-completed flows too.
    control(&sb, &format!("/flows/{}/claim", ids[0]), json!({})).await;
    control(&sb, &format!("/flows/{}/complete", ids[0]), json!({"step": "compliance"})).await;
    for id in &ids {
        let got = raw(http.get(format!("{api}/v2/flows/{id}"))).await;
        assert_valid(&flow_schema, &got, "fetched flow");
    }
    let list = raw(http.get(format!("{api}/v2/flows?limit=2"))).await;
    assert_valid(&list_schema, &list, "flow list");
    assert_eq!(list["data"].as_array().unwrap().len(), 2);
}
