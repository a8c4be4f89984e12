//! The local sandbox's webhooks verify with our verifier (hmac + sha2, from the documented
//! scheme) and with the official svix crate's; both refuse a tampered body or a wrong secret.

use std::time::Duration;

use flowdesk_dots::{WebhookVerifier, WebhookVerifyError};
use flowdesk_sandbox::receiver::Receiver;
use flowdesk_sandbox::{start, SandboxConfig};

#[tokio::test]
async fn sandbox_signatures_verify_with_ours_and_with_svix() {
    let sb = start(SandboxConfig::new("cid", "key")).await.unwrap();
    let rx = Receiver::start(0, &[]).await.unwrap();
    let endpoint = sb.add_webhook_endpoint(&rx.url()).unwrap();
    let secret = endpoint.secret().to_string();
    let user = sb.seed_user(Default::default()).unwrap()["id"].as_str().unwrap().to_string();
    let flow = reqwest::Client::new()
        .post(format!("{}/v2/flows", sb.base_url()))
        .basic_auth("cid", Some("key"))
        .json(&serde_json::json!({"steps": ["compliance", "background-check"], "user_id": user}))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let id = flow["id"].as_str().unwrap();
    sb.complete_step(id, "compliance").unwrap();
    sb.complete_step(id, "background-check").unwrap();
    let got = rx.wait_for(3, Duration::from_secs(20)).await;
    assert_eq!(got.len(), 3, "two flow.updated and user.updated.background_check");

    let ours = WebhookVerifier::new(&secret).unwrap();
    let theirs = svix::webhooks::Webhook::new(&secret).unwrap();
    let wrong = WebhookVerifier::new("whsec_c29tZSBvdGhlciBlbmRwb2ludA==").unwrap();
    for r in &got {
        assert!(ours.verify(&r.headers, &r.body).is_ok(), "ours: {r:?}");
        theirs.verify(&r.body, &r.headers).expect("svix's verifier");
        assert_eq!(wrong.verify(&r.headers, &r.body), Err(WebhookVerifyError::NoMatch));
        let mut tampered = r.body.to_vec();
        tampered.extend_from_slice(b" ");
        assert_eq!(ours.verify(&r.headers, &tampered), Err(WebhookVerifyError::NoMatch));
        assert!(theirs.verify(&tampered, &r.headers).is_err());
        // Under the unbranded names, both still pass.
        let mut unbranded = reqwest::header::HeaderMap::new();
        for (name, value) in r.headers.iter() {
            let renamed = name.as_str().replacen("svix-", "webhook-", 1);
            unbranded.insert(reqwest::header::HeaderName::try_from(renamed).unwrap(), value.clone());
        }
        assert!(ours.verify(&unbranded, &r.body).is_ok());
        theirs.verify(&r.body, &unbranded).expect("svix's verifier, unbranded");
    }
}
