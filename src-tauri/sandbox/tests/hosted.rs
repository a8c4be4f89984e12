//! The hosted flow page, walked like a person would with plain form posts.

mod common;

use common::*;
use serde_json::{json, Value};

async fn page(http: &reqwest::Client, link: &str) -> (u16, String) {
    let resp = http.get(link).send().await.unwrap();
    let status = resp.status().as_u16();
    if status == 200 {
        assert!(resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
    }
    (status, resp.text().await.unwrap())
}

async fn post_form(http: &reqwest::Client, url: &str, form: &str) -> reqwest::Response {
    http.post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_string())
        .send()
        .await
        .unwrap()
}

fn location(resp: &reqwest::Response) -> String {
    resp.headers()["location"].to_str().unwrap().to_string()
}

async fn api_flow(http: &reqwest::Client, sb: &flowdesk_sandbox::SandboxHandle, id: &str) -> Value {
    json_of(get_api(http, sb, &format!("/v2/flows/{id}"))).await
}

#[tokio::test]
async fn onboard_then_complete_each_step_in_order() {
    let sb = sandbox().await;
    let http = client();
    let flow = create(
        &http,
        &sb,
        json!({"steps": ["compliance", {"name": "redirect", "redirect_url": "https://example.com/after?ref=flow"}, "payout"]}),
    )
    .await;
    let id = flow["id"].as_str().unwrap();
    let link = flow["link"].as_str().unwrap().to_string();
    let path = format!("/flow/{id}");

    // 1. Not onboarded: only the email form, no step buttons.
    let (s, html) = page(&http, &link).await;
    assert_eq!(s, 200);
    assert!(html.contains("data-testid=\"onboard\"") && html.contains("name=\"email\""));
    assert!(!html.contains("data-testid=\"complete-"));
    assert!(!html.contains("flow-done"));
    // Completing before onboarding is refused.
    let early = post_form(&http, &format!("{link}/steps/compliance/complete"), "").await;
    assert_eq!(early.status(), 409);

    // 2. A bad email is a 400 page; a good one creates a user and 303s back.
    assert_eq!(
        post_form(&http, &format!("{link}/onboard"), "email=nope")
            .await
            .status(),
        400
    );
    let resp = post_form(&http, &format!("{link}/onboard"), "email=ana%40example.com").await;
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), path);
    let after = api_flow(&http, &sb, id).await;
    let user = after["user_id"].as_str().expect("onboarding sets user_id");
    assert_eq!(uuid::Uuid::parse_str(user).unwrap().get_version_num(), 4);
    assert_eq!(
        post_form(&http, &format!("{link}/onboard"), "email=b%40example.com")
            .await
            .status(),
        409
    );

    // 3. Only the next pending step has a button; out of order is a 409 page.
    let (_, html) = page(&http, &link).await;
    assert!(html.contains("ana@example.com"));
    assert!(html.contains("data-testid=\"complete-compliance\""));
    assert!(!html.contains("data-testid=\"complete-payout\""));
    let ooo = post_form(&http, &format!("{link}/steps/payout/complete"), "").await;
    assert_eq!(ooo.status(), 409);
    assert!(ooo.text().await.unwrap().contains("compliance"));
    assert_eq!(
        post_form(
            &http,
            &format!("{link}/steps/background-check/complete"),
            ""
        )
        .await
        .status(),
        404
    );

    let resp = post_form(&http, &format!("{link}/steps/compliance/complete"), "").await;
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), path);
    assert_eq!(
        api_flow(&http, &sb, id).await["completed_steps"],
        json!(["compliance"])
    );
    // Re-submitting a completed step changes nothing.
    assert_eq!(
        post_form(&http, &format!("{link}/steps/compliance/complete"), "")
            .await
            .status(),
        303
    );
    let (_, html) = page(&http, &link).await;
    assert!(html.contains("data-testid=\"step-compliance\" data-state=\"done\""));
    assert!(html.contains("data-testid=\"complete-redirect\""));

    // 4. The redirect step really 303s to its URL.
    let resp = post_form(&http, &format!("{link}/steps/redirect/complete"), "").await;
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), "https://example.com/after?ref=flow");
    assert_eq!(
        api_flow(&http, &sb, id).await["completed_steps"],
        json!(["compliance", "redirect"])
    );

    // 5. Coming back, the step after the redirect is next; then everything is done.
    let (_, html) = page(&http, &link).await;
    assert!(html.contains("data-testid=\"complete-payout\""));
    assert!(!html.contains("flow-done"));
    assert_eq!(
        post_form(&http, &format!("{link}/steps/payout/complete"), "")
            .await
            .status(),
        303
    );
    let (_, html) = page(&http, &link).await;
    assert!(html.contains("data-testid=\"flow-done\">All steps completed"));
    assert!(html.contains("data-testid=\"go-to-dashboard\""));
    assert!(!html.contains("data-testid=\"complete-"));
    let done = api_flow(&http, &sb, id).await;
    assert_eq!(
        done["completed_steps"],
        json!(["compliance", "redirect", "payout"])
    );
    assert_eq!(done["user_id"], user);

    let (s, dash) = page(&http, &format!("{}/dashboard", sb.origin())).await;
    assert_eq!(s, 200);
    assert!(dash.contains("data-testid=\"dashboard\""));
}

#[tokio::test]
async fn user_id_with_require_auth_asks_to_verify_first() {
    let sb = sandbox().await;
    let http = client();
    let user = uuid::Uuid::new_v4().to_string();
    let flow = create(
        &http,
        &sb,
        json!({"steps": ["id-verification"], "user_id": user, "require_auth": true}),
    )
    .await;
    let link = flow["link"].as_str().unwrap();

    let (_, html) = page(&http, link).await;
    assert!(html.contains("data-testid=\"authenticate\"") && html.contains("Verify it"));
    assert!(!html.contains("data-testid=\"onboard\""));
    assert!(!html.contains("data-testid=\"complete-"));
    assert_eq!(
        post_form(&http, &format!("{link}/steps/id-verification/complete"), "")
            .await
            .status(),
        409
    );

    let resp = post_form(&http, &format!("{link}/authenticate"), "").await;
    assert_eq!(resp.status(), 303);
    let (_, html) = page(&http, link).await;
    assert!(!html.contains("data-testid=\"authenticate\""));
    assert!(html.contains("data-testid=\"complete-id-verification\""));
    assert_eq!(
        post_form(&http, &format!("{link}/steps/id-verification/complete"), "")
            .await
            .status(),
        303
    );
    let (_, html) = page(&http, link).await;
    assert!(html.contains("data-testid=\"flow-done\""));
}

#[tokio::test]
async fn user_id_without_require_auth_starts_signed_in() {
    let sb = sandbox().await;
    let http = client();
    let flow = create(
        &http,
        &sb,
        json!({"steps": ["manage-payouts"], "user_id": uuid::Uuid::new_v4().to_string(), "hide_go_to_dashboard_on_complete": true}),
    )
    .await;
    let link = flow["link"].as_str().unwrap();
    let (_, html) = page(&http, link).await;
    assert!(
        !html.contains("data-testid=\"onboard\"") && !html.contains("data-testid=\"authenticate\"")
    );
    assert!(html.contains("data-testid=\"complete-manage-payouts\""));
    assert_eq!(
        post_form(&http, &format!("{link}/steps/manage-payouts/complete"), "")
            .await
            .status(),
        303
    );
    let (_, html) = page(&http, link).await;
    assert!(html.contains("data-testid=\"flow-done\""));
    assert!(
        !html.contains("go-to-dashboard"),
        "hide_go_to_dashboard_on_complete hides the link"
    );
}

#[tokio::test]
async fn empty_steps_are_done_after_onboarding() {
    let sb = sandbox().await;
    let http = client();
    let flow = create(&http, &sb, json!({"steps": []})).await;
    let link = flow["link"].as_str().unwrap();
    let (_, html) = page(&http, link).await;
    assert!(!html.contains("flow-done"));
    assert_eq!(
        post_form(&http, &format!("{link}/onboard"), "email=a%40b.io")
            .await
            .status(),
        303
    );
    let (_, html) = page(&http, link).await;
    assert!(html.contains("data-testid=\"flow-done\""));
}

#[tokio::test]
async fn user_text_is_escaped() {
    let sb = sandbox().await;
    let http = client();
    let flow = create(
        &http,
        &sb,
        json!({"steps": [{"name": "pdf-form-fill", "template_id": "<script>alert('x')</script>"},
                         {"name": "redirect", "redirect_url": "https://example.com/?q='onmouseover=alert(1)&x=1"}]}),
    )
    .await;
    let link = flow["link"].as_str().unwrap();
    assert_eq!(
        post_form(
            &http,
            &format!("{link}/onboard"),
            "email=%3Cb%3Eeve%3C%2Fb%3E%40x.io"
        )
        .await
        .status(),
        303
    );
    let (_, html) = page(&http, link).await;
    assert!(!html.contains("<script>") && !html.contains("<img") && !html.contains("<b>eve"));
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    // A redirect URL is a valid URI (`format: uri`), so no `<`, `>` or `"`; `'` and `&` remain.
    assert!(html.contains("?q=&#39;onmouseover=alert(1)&amp;x=1"));
    assert!(html.contains("&lt;b&gt;eve&lt;/b&gt;@x.io"));
}

#[tokio::test]
async fn unknown_flows_are_404_pages() {
    let sb = sandbox().await;
    let http = client();
    for path in [
        format!("/flow/{}", uuid::Uuid::new_v4()),
        "/flow/<script>".to_string(),
    ] {
        let (s, html) = page(&http, &format!("{}{path}", sb.origin())).await;
        assert_eq!(s, 404);
        assert!(!html.contains("<script>"));
    }
    let resp = post_form(
        &http,
        &format!("{}/flow/{}/onboard", sb.origin(), uuid::Uuid::new_v4()),
        "email=a%40b.io",
    )
    .await;
    assert_eq!(resp.status(), 404);
}
