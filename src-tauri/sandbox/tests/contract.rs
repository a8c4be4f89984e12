//! Contract: the users, transfers and payout links the sandbox returns validate against the
//! schemas in Dots' own OpenAPI spec, read at test time from `DOTS_OPENAPI_SPEC` (never copied
//! into this repo). Mirrors the dots crate's contract test: formats are not asserted (Dots'
//! own `created` has no timezone), and a missing spec skips outside CI but fails under CI=true.

mod common;

use common::*;
use flowdesk_sandbox::SeedUser;
use serde_json::{json, Value};

struct Spec(Value);

impl Spec {
    fn load() -> Option<Spec> {
        let path = std::env::var("DOTS_OPENAPI_SPEC").unwrap_or_default();
        let ci = std::env::var("CI")
            .map(|v| v == "true" || v == "1")
            .unwrap_or(false);
        if path.is_empty() || !std::path::Path::new(&path).exists() {
            assert!(!ci, "CI=true but DOTS_OPENAPI_SPEC ({path:?}) is not a readable file: the contract test cannot be skipped in CI");
            eprintln!("NOTICE: sandbox contract test skipped: set DOTS_OPENAPI_SPEC to Dots' v2.yaml (see README)");
            return None;
        }
        let text = std::fs::read_to_string(&path).expect("spec readable");
        let mut doc: Value = serde_yaml_ng::from_str(&text).expect("spec is YAML");
        unquoted_null_types(&mut doc);
        Some(Spec(doc))
    }

    /// A validator for the schema at `pointer`, with the spec's components alongside so
    /// `$ref: "#/components/..."` resolves as in the spec.
    fn validator(&self, pointer: &str) -> jsonschema::Validator {
        let mut schema = self
            .0
            .pointer(pointer)
            .unwrap_or_else(|| panic!("spec has {pointer}"))
            .clone();
        schema["components"] = self.0["components"].clone();
        jsonschema::draft202012::options()
            .should_validate_formats(false)
            .build(&schema)
            .expect("schema compiles")
    }

    /// Asserts `instance` fits the spec's JSON reply to `method path` with this status.
    fn assert_reply(&self, path: &str, method: &str, status: &str, instance: &Value, what: &str) {
        assert_valid(
            &self.validator(&response(path, method, status)),
            instance,
            what,
        );
    }
}

/// A few `type` lists in the spec (the user's `compliance.w9`) write `- null` unquoted, which
/// YAML reads as a null rather than the type name "null" the author meant; read it as meant,
/// so the schema compiles.
fn unquoted_null_types(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                if k == "type" {
                    if let Value::Array(items) = child {
                        for t in items.iter_mut().filter(|t| t.is_null()) {
                            *t = Value::String("null".into());
                        }
                    }
                }
                unquoted_null_types(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(unquoted_null_types),
        _ => {}
    }
}

fn assert_valid(v: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} breaks Dots' schema: {errors:?}\n{instance:#}"
    );
}

fn response(path: &str, method: &str, status: &str) -> String {
    let escaped = path.replace('~', "~0").replace('/', "~1");
    format!("/paths/{escaped}/{method}/responses/{status}/content/application~1json/schema")
}

fn request(path: &str) -> String {
    let escaped = path.replace('~', "~0").replace('/', "~1");
    format!("/paths/{escaped}/post/requestBody/content/application~1json/schema")
}

#[test]
fn the_schemas_are_real_and_strict_enough_to_fail() {
    let Some(spec) = Spec::load() else { return };
    let user = spec.validator("/components/schemas/user");
    assert!(!user.is_valid(&json!({"status": "banned"})));
    assert!(!user.is_valid(&json!({"wallet": {"amount": 1.5}})));
    let link = spec.validator("/components/schemas/payout-link");
    assert!(!link.is_valid(&json!({"status": "pending"})));
    let link_body = spec.validator(&request("/v2/payout-links"));
    assert!(
        !link_body.is_valid(&json!({"amount": 5, "surprise": true})),
        "additionalProperties: false"
    );
    let transfer = spec.validator("/components/schemas/transfer");
    assert!(!transfer.is_valid(&json!({"type": "gift"})));
}

#[tokio::test]
async fn replies_fit_the_spec() {
    let Some(spec) = Spec::load() else { return };
    let user_schema = spec.validator("/components/schemas/user");
    let transfer_schema = spec.validator("/components/schemas/transfer");
    let link_schema = spec.validator("/components/schemas/payout-link");
    let sb = sandbox().await;
    let http = client();

    // Users: created, seeded in every state, listed.
    let user_body = json!({"first_name": "Bob", "last_name": "Loblaw", "email": "bob@bobloblaw.com",
                           "country_code": "1", "phone_number": "4154332334", "metadata": {"internal_id": "u1"}});
    assert_valid(
        &spec.validator(&request("/v2/users")),
        &user_body,
        "create-user body",
    );
    let (s, created) = call(post_api(&http, &sb, "/v2/users", &user_body)).await;
    assert_eq!(s, 201);
    spec.assert_reply("/v2/users", "post", "201", &created, "created user");
    let seeded = sb
        .seed_user(SeedUser {
            status: Some("in_review".into()),
            background_check_status: Some("pass".into()),
            tax_id_verification: Some("matched".into()),
            default_payout_method: Some("intl_bank".into()),
            wallet_cents: Some(10_000),
            metadata: Some(json!("plain")),
            ..Default::default()
        })
        .unwrap();
    assert_valid(&user_schema, &seeded, "seeded user");
    let uid = id_of(&seeded);
    let (_, got) = call(get_api(&http, &sb, &format!("/v2/users/{uid}"))).await;
    spec.assert_reply("/v2/users/{user_id}", "get", "200", &got, "user");
    let (_, list) = call(get_api(&http, &sb, "/v2/users")).await;
    spec.assert_reply("/v2/users", "get", "200", &list, "user list");
    let (_, methods) = call(get_api(
        &http,
        &sb,
        &format!("/v2/users/{uid}/payout-methods"),
    ))
    .await;
    spec.assert_reply(
        "/v2/users/{user_id}/payout-methods",
        "get",
        "200",
        &methods,
        "payout methods",
    );

    // Transfers both ways, and a payout from a claimed link.
    let transfer_body = spec.validator(&request("/v2/transfers"));
    for body in [
        json!({"amount": -1000, "user_id": uid, "idempotency_key": uuid::Uuid::new_v4(), "metadata": {"flowdesk_intent_id": "fi_1"}}),
        json!({"amount": 250, "user_id": uid, "tax_exempt": null, "idempotency_key": null, "metadata": null}),
    ] {
        assert_valid(&transfer_body, &body, "transfer body");
        let (s, t) = create_transfer(&http, &sb, body).await;
        assert_eq!(s, 200, "{t:#}");
        spec.assert_reply("/v2/transfers", "post", "200", &t, "created transfer");
        let (_, got) = call(get_api(&http, &sb, &format!("/v2/transfers/{}", id_of(&t)))).await;
        spec.assert_reply(
            "/v2/transfers/{transfer_id}",
            "get",
            "200",
            &got,
            "transfer",
        );
    }

    // Payout links: every delivery method, funded and not, then cancel, redeliver, claim.
    let link_body = spec.validator(&request("/v2/payout-links"));
    let bodies = [
        json!({"amount": 100}),
        json!({"amount": 200, "user_id": uid, "delivery": {"method": "sms", "message": "hi"},
               "payee": {"first_name": "A", "last_name": "B", "country_code": "1", "phone_number": "4155550100", "email": "a@b.co"},
               "memo": "m", "description": "d", "metadata": {"k": "v"}, "idempotency_key": uuid::Uuid::new_v4(),
               "tax_exempt": true, "force_collect_compliance_information": false, "payout_fee_party": "platform",
               "additional_steps": ["compliance", {"name": "payout", "auto_payout_enabled": true}],
               "accounting_data": {"quickbooks_account_id": 1, "quickbooks_class_id": 2},
               "funding_source": "dots_balance", "hide_go_to_dashboard_on_complete": true}),
        json!({"amount": 300, "delivery": {"method": "email"}, "payee": {"email": "c@d.co"}, "funding_source": "ach"}),
        json!({"amount": 400, "delivery": {"method": "all"}, "metadata": "text"}),
    ];
    let mut links = Vec::new();
    for body in &bodies {
        assert_valid(&link_body, body, "payout link body");
        let (s, l) = create_link(&http, &sb, body.clone()).await;
        assert_eq!(s, 201, "{l:#}");
        spec.assert_reply("/v2/payout-links", "post", "201", &l, "created payout link");
        links.push(l);
    }
    sb.set_app_balance_cents(0);
    let (s, pending) = create_link(&http, &sb, json!({"amount": 500})).await;
    assert_eq!(s, 202);
    // Real Dots says `funds_pending` here (the spec's 202 text), a status its own enum
    // omits: everything else about the reply fits the schema.
    assert_eq!(pending["status"], "funds_pending");
    let link_schema_errors: Vec<String> = spec
        .validator(&response("/v2/payout-links", "post", "202"))
        .iter_errors(&pending)
        .map(|e| e.instance_path.to_string())
        .collect();
    assert_eq!(link_schema_errors, vec!["/status"], "{pending:#}");
    let mut as_enum = pending.clone();
    as_enum["status"] = json!("created");
    spec.assert_reply(
        "/v2/payout-links",
        "post",
        "202",
        &as_enum,
        "pending payout link",
    );
    // Canceled, so the list below holds only statuses from the enum.
    let (s, _) = call(delete_api(
        &http,
        &sb,
        &format!("/v2/payout-links/{}", id_of(&pending)),
    ))
    .await;
    assert_eq!(s, 200);

    let (_, canceled) = call(delete_api(
        &http,
        &sb,
        &format!("/v2/payout-links/{}", id_of(&links[0])),
    ))
    .await;
    spec.assert_reply(
        "/v2/payout-links/{payout_link_id}",
        "delete",
        "200",
        &canceled,
        "canceled link",
    );
    let (_, redelivered) = call(post_api(
        &http,
        &sb,
        &format!("/v2/payout-links/{}/redeliver", id_of(&links[1])),
        &json!({}),
    ))
    .await;
    spec.assert_reply(
        "/v2/payout-links/{payout_link_id}/redeliver",
        "post",
        "200",
        &redelivered,
        "redeliver",
    );
    press(&http, &links[2], "/claim").await;
    let claimed = sb.payout_link(id_of(&links[2])).unwrap();
    assert_eq!(claimed["status"], "claimed");
    assert_valid(&link_schema, &claimed, "claimed link");
    let (_, got) = call(get_api(
        &http,
        &sb,
        &format!("/v2/payout-links/{}", id_of(&links[2])),
    ))
    .await;
    spec.assert_reply(
        "/v2/payout-links/{payout_link_id}",
        "get",
        "200",
        &got,
        "payout link",
    );
    let (_, list) = call(get_api(&http, &sb, "/v2/payout-links?limit=100")).await;
    spec.assert_reply("/v2/payout-links", "get", "200", &list, "payout link list");

    let payout = &sb.transfers_for(claimed["claimed_user_id"].as_str().unwrap())[0];
    assert_valid(&transfer_schema, payout, "payout transfer");
    let (_, list) = call(get_api(&http, &sb, "/v2/transfers?limit=100")).await;
    spec.assert_reply("/v2/transfers", "get", "200", &list, "transfer list");
    for u in list["data"].as_array().unwrap() {
        assert_valid(&transfer_schema, u, "listed transfer");
    }
    for u in [created, seeded] {
        assert_valid(&user_schema, &u, "user");
    }
}
