use super::*;
use crate::request::FlowRequest;
use crate::steps::{Step, StepName};
use proptest::prelude::*;

fn step(name: StepName) -> Step {
    Step::new(name)
}

fn redirect(url: &str) -> Step {
    Step { redirect_url: Some(url.into()), ..step(StepName::Redirect) }
}

fn messages(req: &FlowRequest) -> Vec<String> {
    validate(req).into_iter().map(|v| v.message).collect()
}

#[test]
fn a_plain_request_is_valid() {
    let req = FlowRequest::new(vec![step(StepName::Compliance), step(StepName::ManagePayouts), redirect("https://acme.com/done")]);
    assert_eq!(validate(&req), vec![]);
}

#[test]
fn no_step_is_an_onboarding_link_without_a_user_and_refused_with_one() {
    // Dots' sign-in and onboarding alone: the spec sets no minimum for the steps.
    assert_eq!(validate(&FlowRequest::default()), vec![]);
    let for_user = FlowRequest { user_id: Some("0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60".into()), ..Default::default() };
    let v = validate(&for_user);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].field, "steps");
    assert_eq!(v[0].step, None);
}

#[test]
fn duplicate_names_point_at_the_second() {
    let req = FlowRequest::new(vec![step(StepName::Payout), step(StepName::Compliance), step(StepName::Payout)]);
    let v = validate(&req);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].step, Some(2));
    assert!(v[0].message.contains("Step 3 (payout)"), "{}", v[0].message);
}

#[test]
fn redirect_needs_an_http_url() {
    for (url, fragment) in [
        ("", "needs a redirect URL"),
        ("   ", "needs a redirect URL"),
        ("not a url", "is not a URL"),
        ("ftp://acme.com", "must start with https://"),
        ("javascript:alert(1)", "must start with https://"),
        ("https://localhost", "full host name"),
    ] {
        let v = validate(&FlowRequest::new(vec![redirect(url)]));
        assert_eq!(v.len(), 1, "{url}: {v:?}");
        assert_eq!(v[0].field, "redirect_url");
        assert!(v[0].message.contains(fragment), "{url}: {}", v[0].message);
        assert!(v[0].message.starts_with("Step 1 (redirect)"));
    }
    let v = validate(&FlowRequest::new(vec![step(StepName::Redirect)]));
    assert_eq!(v[0].field, "redirect_url");
}

#[test]
fn redirect_urls_are_normalised_before_they_are_checked_and_sent() {
    for (typed, sent) in [
        ("HTTPS://X.COM", "https://x.com"),
        (" https://x.com\n", "https://x.com"),
        ("\tHttp://WWW.Acme-Pay.COM:8080/Done?Next=A#Top ", "http://www.acme-pay.com:8080/Done?Next=A#Top"),
    ] {
        let req = FlowRequest::new(vec![redirect(typed)]);
        assert_eq!(validate(&req), vec![], "{typed:?}");
        assert_eq!(req.wire_body()["steps"][0]["redirect_url"], sent, "{typed:?}");
    }
}

#[test]
fn what_dots_still_refuses_is_named_as_its_rule() {
    for (url, fragment) in [
        ("https://acme.digital/done", "Dots accepts only hosts whose last label is 1–6 letters or digits"),
        ("https://ACME.DIGITAL", "Dots accepts only hosts whose last label is 1–6 letters or digits"),
        ("https://bücher.de/done", "Dots accepts only hosts written in ASCII"),
        ("https://www.10%8Ry-.yFQg/K0C", "valid host name"),
        ("https://acme.com/a b", "Dots accepts only a valid URI"),
        ("https://acme.com/100%", "Dots accepts only a valid URI"),
        ("https://[::1]/cb", "not an IPv6 address"),
        ("https://user:pw@acme.com/", "user name or password"),
        ("https://acme.com:99999/", "port"),
        ("https://acme..com/", "valid host name"),
    ] {
        let v = validate(&FlowRequest::new(vec![redirect(url)]));
        assert_eq!(v.len(), 1, "{url}: {v:?}");
        assert_eq!(v[0].field, "redirect_url");
        assert!(v[0].message.contains(fragment), "{url}: {}", v[0].message);
        assert!(v[0].message.starts_with("Step 1 (redirect)"), "{}", v[0].message);
    }
    let m = &validate(&FlowRequest::new(vec![redirect("https://acme.digital/done")]))[0].message;
    assert!(m.starts_with("Step 1 (redirect), redirect_url: Dots accepts only") && m.contains("(its API's rule)"), "{m}");
    let m = &validate(&FlowRequest::new(vec![redirect("https://bücher.de/")]))[0].message;
    assert!(m.contains("xn--bcher-kva.de"), "the ASCII form is offered: {m}");
    // The spec's pattern takes IPv4 addresses and short last labels, and (being a search)
    // a long last label when a shorter one comes before it.
    for ok in ["http://127.0.0.1:8080/cb", "https://acme.studio", "https://a.b.co.uk/x?y=1&z=%20", "https://acme.io.digital/x"] {
        assert_eq!(validate(&FlowRequest::new(vec![redirect(ok)])), vec![], "{ok}");
    }
}

#[test]
fn user_ids_in_any_uuid_form_are_sent_canonical() {
    for typed in [
        "{0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60}",
        "urn:uuid:0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60",
        "0b0c5e8f6b3a4d2e9a773f1c2d4e5f60",
        " 0B0C5E8F-6B3A-4D2E-9A77-3F1C2D4E5F60\n",
    ] {
        let mut req = FlowRequest::new(vec![step(StepName::Payout)]);
        req.user_id = Some(typed.into());
        assert_eq!(validate(&req), vec![], "{typed}");
        assert_eq!(req.wire_body()["user_id"], "0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60", "{typed}");
    }
}

#[test]
fn blank_options_are_unset() {
    let pdf = Step { template_id: Some("   ".into()), ..step(StepName::PdfFormFill) };
    let v = validate(&FlowRequest::new(vec![pdf]));
    assert_eq!(v[0].field, "template_id");
    let compliance = Step { template_id: Some(" ".into()), redirect_url: Some("".into()), ..step(StepName::Compliance) };
    let req = FlowRequest::new(vec![compliance]);
    assert_eq!(validate(&req), vec![]);
    assert_eq!(req.wire_body()["steps"][0], "compliance");
}

#[test]
fn nothing_may_follow_a_redirect() {
    let req = FlowRequest::new(vec![redirect("https://acme.com"), step(StepName::Compliance), step(StepName::Payout)]);
    let v = validate(&req);
    assert_eq!(v.iter().map(|v| v.step).collect::<Vec<_>>(), vec![Some(1), Some(2)]);
    assert!(v[0].message.contains("after the redirect"));
}

#[test]
fn pdf_form_fill_needs_a_template() {
    let v = validate(&FlowRequest::new(vec![step(StepName::PdfFormFill)]));
    assert_eq!(v[0].field, "template_id");
    let ok = Step { template_id: Some("tmpl_1".into()), ..step(StepName::PdfFormFill) };
    assert!(validate(&FlowRequest::new(vec![ok])).is_empty());
}

#[test]
fn an_option_on_the_wrong_step_is_named() {
    let bad = Step { template_id: Some("t".into()), auto_payout_enabled: Some(false), ..step(StepName::Compliance) };
    let v = validate(&FlowRequest::new(vec![bad]));
    let fields: Vec<_> = v.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(fields, vec!["auto_payout_enabled", "template_id"]);
    assert!(v[1].message.contains("Step 1 (compliance) does not take `template_id`"));
    let ok = Step { auto_payout_enabled: Some(false), hide_continue_button: Some(true), ..step(StepName::ManagePayouts) };
    assert!(validate(&FlowRequest::new(vec![ok])).is_empty());
}

#[test]
fn user_id_must_be_a_uuid_and_require_auth_needs_one() {
    let mut req = FlowRequest::new(vec![step(StepName::Payout)]);
    req.user_id = Some("bob@example.com".into());
    assert_eq!(validate(&req)[0].field, "user_id");
    req.user_id = Some(" 0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60 ".into());
    req.require_auth = Some(true);
    assert!(validate(&req).is_empty());
    req.user_id = None;
    assert_eq!(messages(&req).len(), 1);
    assert_eq!(validate(&req)[0].field, "require_auth");
    req.require_auth = Some(false);
    assert!(validate(&req).is_empty());
}

#[test]
fn long_user_text_is_cut_in_messages() {
    let mut req = FlowRequest::new(vec![step(StepName::Payout)]);
    req.user_id = Some("x".repeat(10_000));
    let m = &validate(&req)[0].message;
    assert!(m.len() < 200, "{}", m.len());
}

fn any_step() -> impl Strategy<Value = Step> {
    (
        prop::sample::select(StepName::ALL.to_vec()),
        prop::option::of(any::<bool>()),
        prop::option::of(".{0,40}"),
        prop::option::of(any::<bool>()),
        prop::option::of(".{0,20}"),
    )
        .prop_map(|(name, hide_continue_button, redirect_url, auto_payout_enabled, template_id)| Step {
            name,
            hide_continue_button,
            redirect_url,
            auto_payout_enabled,
            template_id,
        })
}

fn any_request() -> impl Strategy<Value = FlowRequest> {
    (prop::collection::vec(any_step(), 0..10), prop::option::of(".{0,40}"), prop::option::of(any::<bool>())).prop_map(
        |(steps, user_id, require_auth)| FlowRequest { steps, user_id, require_auth, ..Default::default() },
    )
}

proptest! {
    /// Whatever the builder sends, validation answers without panicking, and every
    /// violation about a step points at a step that exists.
    #[test]
    fn any_request_gets_an_answer(req in any_request()) {
        for v in validate(&req) {
            prop_assert!(!v.message.is_empty());
            if let Some(i) = v.step {
                prop_assert!((i as usize) < req.steps.len());
                let label = format!("Step {}", i + 1);
                prop_assert!(v.message.contains(&label));
            }
        }
    }

    /// A valid request's wire body keeps the steps in order, names unique, with the
    /// redirect (if any) last, and round-trips through JSON.
    #[test]
    fn valid_requests_make_sendable_bodies(req in any_request()) {
        if validate(&req).is_empty() {
            let body = req.wire_body();
            let steps = body["steps"].as_array().unwrap();
            prop_assert_eq!(steps.len(), req.steps.len());
            let names: Vec<&str> = steps.iter().map(|s| s.as_str().or_else(|| s["name"].as_str()).unwrap()).collect();
            let unique: std::collections::HashSet<_> = names.iter().collect();
            prop_assert_eq!(unique.len(), names.len());
            if let Some(p) = names.iter().position(|n| *n == "redirect") {
                prop_assert_eq!(p, names.len() - 1);
            }
            let text = serde_json::to_string(&body).unwrap();
            prop_assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), body);
        }
    }

    /// Duplicating any step of a valid list always breaks the uniqueness rule.
    #[test]
    fn duplicates_are_always_caught(req in any_request(), pick in any::<prop::sample::Index>()) {
        prop_assume!(!req.steps.is_empty());
        let mut req = req;
        let dup = req.steps[pick.index(req.steps.len())].clone();
        req.steps.push(dup);
        prop_assert!(validate(&req).iter().any(|v| v.message.contains("already in the flow")));
    }
}
