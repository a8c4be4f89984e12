//! The hosted pages where money moves: onboarding makes a real user, the payout step's
//! Withdraw empties the wallet, and a payee claims a payout link.

mod common;

use common::*;
use flowdesk_sandbox::{SeedUser, DEFAULT_APP_BALANCE_CENTS};
use serde_json::json;

async fn page(http: &reqwest::Client, url: &str) -> (u16, String) {
    let resp = http.get(url).send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test]
async fn onboarding_creates_a_real_user() {
    let sb = sandbox().await;
    let http = client();
    let flow = create(&http, &sb, json!({"steps": ["compliance"]})).await;
    let link = flow["link"].as_str().unwrap();
    let (_, html) = page(&http, link).await;
    for testid in [
        "first-name",
        "last-name",
        "email",
        "country-code",
        "phone",
        "onboard",
    ] {
        assert!(
            html.contains(&format!("data-testid=\"{testid}\"")),
            "{testid}"
        );
    }
    let bad = form(
        &http,
        &format!("{link}/onboard"),
        "email=a%40b.io&phone_number=555",
    )
    .await;
    assert_eq!(bad.status(), 400);
    assert_eq!(sb.user_count(), 0);

    let resp = form(
        &http,
        &format!("{link}/onboard"),
        "first_name=Ana&last_name=%3Cb%3ED%C3%ADaz&email=ana%40example.com&country_code=1&phone_number=4155550100",
    )
    .await;
    assert_eq!(resp.status(), 303);
    let user_id = sb
        .flow(flow["id"].as_str().unwrap())
        .unwrap()
        .user_id
        .unwrap()
        .to_string();
    let (s, u) = call(get_api(&http, &sb, &format!("/v2/users/{user_id}"))).await;
    assert_eq!(s, 200);
    assert_eq!(
        (u["first_name"].as_str(), u["last_name"].as_str()),
        (Some("Ana"), Some("<b>Díaz"))
    );
    assert_eq!(u["email"], "ana@example.com");
    assert_eq!(
        u["phone_number"],
        json!({"country_code": "1", "phone_number": "4155550100"})
    );
    assert_eq!(u["wallet"]["amount"], 0);
    let (_, html) = page(&http, link).await;
    assert!(
        html.contains("Signed in as Ana &lt;b&gt;Díaz"),
        "escaped name shown"
    );
    assert!(!html.contains("<b>D"));
}

#[tokio::test]
async fn withdraw_pays_out_the_whole_wallet_and_completes_the_step() {
    let sb = sandbox().await;
    let http = client();
    let user = sb
        .seed_user(SeedUser {
            wallet_cents: Some(123_456),
            default_payout_method: Some("venmo".into()),
            ..Default::default()
        })
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let flow = create(
        &http,
        &sb,
        json!({"steps": ["compliance", "payout"], "user_id": user}),
    )
    .await;
    let id = flow["id"].as_str().unwrap();
    let link = flow["link"].as_str().unwrap();

    // Shown before the step is next, but no button yet.
    let (_, html) = page(&http, link).await;
    assert!(html.contains("data-testid=\"wallet-amount\">$1,234.56<"));
    assert!(!html.contains("data-testid=\"withdraw\""));
    let early = form(&http, &format!("{link}/steps/payout/withdraw"), "").await;
    assert_eq!(early.status(), 409);
    assert_eq!(sb.wallet_cents(&user), Some(123_456));

    sb.complete_step(id, "compliance").unwrap();
    let (_, html) = page(&http, link).await;
    assert!(html.contains("data-testid=\"withdraw\""));
    for _ in 0..2 {
        let resp = form(&http, &format!("{link}/steps/payout/withdraw"), "").await;
        assert_eq!(resp.status(), 303);
    }
    assert_eq!(sb.wallet_cents(&user), Some(0));
    let ts = sb.transfers_for(&user);
    assert_eq!(ts.len(), 1, "a resubmitted Withdraw pays nothing twice");
    assert_eq!(
        (ts[0]["type"].as_str(), ts[0]["amount"].as_i64()),
        (Some("payout"), Some(123_456))
    );
    assert_eq!(ts[0]["external_data"]["platform"], "venmo");
    assert_eq!(
        sb.app_balance_cents(),
        DEFAULT_APP_BALANCE_CENTS,
        "a payout leaves Dots; the app is not paid"
    );
    assert_eq!(
        sb.flow(id).unwrap().completed_steps,
        ["compliance", "payout"]
    );
    let (_, html) = page(&http, link).await;
    assert!(html.contains("data-testid=\"wallet-amount\">$0.00<"));
    assert!(html.contains("data-testid=\"flow-done\""));
}

#[tokio::test]
async fn withdraw_with_an_empty_wallet_moves_nothing_but_completes() {
    let sb = sandbox().await;
    let http = client();
    let user = seed_with(&sb, 0);
    let flow = create(&http, &sb, json!({"steps": ["payout"], "user_id": user})).await;
    let link = flow["link"].as_str().unwrap();
    let (_, html) = page(&http, link).await;
    assert!(html.contains("data-testid=\"wallet-empty\""));
    assert_eq!(
        form(&http, &format!("{link}/steps/payout/withdraw"), "")
            .await
            .status(),
        303
    );
    assert_eq!(sb.transfer_count(), 0);
    assert_eq!(
        sb.flow(flow["id"].as_str().unwrap())
            .unwrap()
            .completed_steps,
        ["payout"]
    );

    // A flow without a payout step has nothing to withdraw from.
    let other = create(
        &http,
        &sb,
        json!({"steps": ["compliance"], "user_id": user}),
    )
    .await;
    let resp = press(&http, &other, "/steps/payout/withdraw").await;
    assert_eq!(resp.status(), 404);
    // A user_id Dots has no wallet for: completes with $0.
    let ghost = create(
        &http,
        &sb,
        json!({"steps": ["payout"], "user_id": uuid::Uuid::new_v4()}),
    )
    .await;
    let resp = press(&http, &ghost, "/steps/payout/withdraw").await;
    assert_eq!(resp.status(), 303);
}

#[tokio::test]
async fn money_sent_by_transfer_is_withdrawn_on_the_hosted_page() {
    let sb = sandbox().await;
    let http = client();
    let user = seed_with(&sb, 0);
    let (s, _) = create_transfer(&http, &sb, json!({"amount": -5000, "user_id": user})).await;
    assert_eq!(s, 200);
    let flow = create(&http, &sb, json!({"steps": ["payout"], "user_id": user})).await;
    let link = flow["link"].as_str().unwrap();
    let (_, html) = page(&http, link).await;
    assert!(html.contains("$50.00"));
    form(&http, &format!("{link}/steps/payout/withdraw"), "").await;
    assert_eq!(sb.wallet_cents(&user), Some(0));
    assert_eq!(sb.app_balance_cents(), DEFAULT_APP_BALANCE_CENTS - 5000);
}

#[tokio::test]
async fn claiming_a_payout_link() {
    let sb = sandbox().await;
    let http = client();
    let (_, link) = create_link(
        &http,
        &sb,
        json!({"amount": 1999, "memo": "<script>alert(1)</script>", "payee": {"first_name": "Lee", "email": "lee@example.com"}}),
    )
    .await;
    let id = id_of(&link);
    let url = link["link"].as_str().unwrap();
    let (s, html) = page(&http, url).await;
    assert_eq!(s, 200);
    assert!(html.contains("data-testid=\"claim\"") && html.contains("$19.99"));
    assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"));

    for _ in 0..2 {
        let resp = form(&http, &format!("{url}/claim"), "").await;
        assert_eq!(resp.status(), 303);
        assert_eq!(resp.headers()["location"], format!("/payout-link/{id}"));
    }
    let claimed = sb.payout_link(&id).unwrap();
    assert_eq!(claimed["status"], "claimed");
    let user = claimed["claimed_user_id"].as_str().unwrap();
    let u = sb.user(user).unwrap();
    assert_eq!(
        (u["first_name"].as_str(), u["email"].as_str()),
        (Some("Lee"), Some("lee@example.com"))
    );
    let ts = sb.transfers_for(user);
    assert_eq!(ts.len(), 1, "claiming twice pays once");
    assert_eq!(ts[0]["payout_link_id"], id);
    assert_eq!(ts[0]["type"], "payout");
    assert_eq!(ts[0]["amount"], 1999);
    assert_eq!(claimed["transfer_id"], ts[0]["id"]);
    assert_eq!(sb.app_balance_cents(), DEFAULT_APP_BALANCE_CENTS - 1999);
    let (_, html) = page(&http, url).await;
    assert!(html.contains("data-testid=\"claimed\"") && !html.contains("data-testid=\"claim\""));
}

#[tokio::test]
async fn claims_for_the_links_user_canceled_and_unfunded_links() {
    let sb = sandbox().await;
    let http = client();
    let user = seed_with(&sb, 0);
    let (_, link) = create_link(&http, &sb, json!({"amount": 100, "user_id": user})).await;
    press(&http, &link, "/claim").await;
    assert_eq!(
        sb.payout_link(link["id"].as_str().unwrap()).unwrap()["claimed_user_id"],
        user.as_str()
    );
    assert_eq!(sb.user_count(), 1, "no new user for a link with a user_id");

    let (_, link) = create_link(&http, &sb, json!({"amount": 100})).await;
    let url = link["link"].as_str().unwrap();
    call(delete_api(
        &http,
        &sb,
        &format!("/v2/payout-links/{}", id_of(&link)),
    ))
    .await;
    let (_, html) = page(&http, url).await;
    assert!(html.contains("data-testid=\"canceled\"") && !html.contains("data-testid=\"claim\""));
    assert_eq!(press(&http, &link, "/claim").await.status(), 409);

    sb.set_app_balance_cents(50);
    let (s, link) = create_link(&http, &sb, json!({"amount": 100})).await;
    assert_eq!(s, 202);
    assert_eq!(
        press(&http, &link, "/claim").await.status(),
        409,
        "funds pending"
    );
    sb.set_app_balance_cents(150);
    assert_eq!(press(&http, &link, "/claim").await.status(), 303);
    assert_eq!(sb.app_balance_cents(), 50);

    let (s, html) = page(
        &http,
        &format!("{}/payout-link/{}", sb.origin(), uuid::Uuid::new_v4()),
    )
    .await;
    assert_eq!(s, 404);
    assert!(html.contains("data-testid=\"error\""));
    let (s, _) = page(&http, &format!("{}/payout-link/%3Cx%3E", sb.origin())).await;
    assert_eq!(s, 404);
}
