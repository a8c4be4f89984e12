//! The hosted flow page at a flow's `link`: server-rendered HTML forms, no JavaScript.
//! No API auth here: like Dots' hosted link, knowing the flow id is the capability.

use crate::webhooks::EventType;
use std::fmt::Write as _;

use axum::body::to_bytes;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use uuid::Uuid;

use crate::api::users::{plausible_email, valid_phone};
use crate::ledger::LedgerError;
use crate::model::{parse_uuid, FlowRecord, StepName, User};
use crate::server::{lock, AppState};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/flow/{flow_id}", get(page))
        .route("/flow/{flow_id}/onboard", post(onboard))
        .route("/flow/{flow_id}/authenticate", post(authenticate))
        .route("/flow/{flow_id}/steps/{step}/complete", post(complete))
        .route("/flow/{flow_id}/steps/payout/withdraw", post(withdraw))
        .merge(crate::hosted_links::router())
        .route("/dashboard", get(dashboard))
}

/// Escapes text for HTML element content and double- or single-quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1d2330}\
ol{padding-left:1.2rem}li{margin:.4rem 0}li.done{color:#2a7a3b}li.pending{color:#555}\
button{padding:.4rem .9rem;border-radius:6px;border:1px solid #3a5bd9;background:#3a5bd9;color:#fff;cursor:pointer}\
input{padding:.35rem;border:1px solid #bbb;border-radius:6px}.muted{color:#777;font-size:.9em}\
.box{border:1px solid #ddd;border-radius:8px;padding:1rem;margin:1rem 0}";

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>{body}</body></html>",
        escape(title)
    )
}

pub(crate) fn html(status: StatusCode, title: &str, body: &str) -> Response {
    (status, Html(layout(title, body))).into_response()
}

pub(crate) fn message_page(
    status: StatusCode,
    title: &str,
    message: &str,
    back: Option<&Uuid>,
) -> Response {
    let mut body = format!(
        "<h1>{}</h1><p data-testid=\"error\">{}</p>",
        escape(title),
        escape(message)
    );
    if let Some(id) = back {
        let _ = write!(body, "<p><a href=\"/flow/{id}\">Back to the flow</a></p>");
    }
    html(status, title, &body)
}

fn not_found(raw: &str) -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        "Flow not found",
        &format!("There is no flow with id {raw}."),
        None,
    )
}

pub(crate) fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => (StatusCode::SEE_OTHER, [(header::LOCATION, v)]).into_response(),
        // A URL that cannot be a header (it matched the spec's unanchored pattern but holds
        // e.g. a newline): show a link instead of failing.
        Err(_) => html(
            StatusCode::OK,
            "Continue",
            &format!(
                "<p>Continue to <a data-testid=\"redirect-link\" href=\"{0}\">{0}</a></p>",
                escape(location)
            ),
        ),
    }
}

fn back_to(id: &Uuid) -> Response {
    see_other(&format!("/flow/{id}"))
}

/// "$1,234.56" (or "-$0.05") from integer cents; no floats involved.
pub fn dollars(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let whole = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}${grouped}.{:02}", abs % 100)
}

/// The wallet box of a flow's `payout` step; the Withdraw button only while the step is next.
fn payout_box(b: &mut String, id: &Uuid, user: Option<&User>, is_next: bool) {
    let cents = user.map_or(0, |u| u.wallet.withdrawable_amount);
    let _ = write!(
        b,
        "<div class=\"box\" data-testid=\"wallet\"><p>Wallet balance: <strong data-testid=\"wallet-amount\">{}</strong></p>",
        escape(&dollars(cents))
    );
    if is_next {
        if cents > 0 {
            let _ = write!(
                b,
                "<form method=\"post\" action=\"/flow/{id}/steps/payout/withdraw\">\
                 <button type=\"submit\" data-testid=\"withdraw\">Withdraw {}</button></form>",
                escape(&dollars(cents))
            );
        } else {
            let _ = write!(
                b,
                "<p class=\"muted\" data-testid=\"wallet-empty\">Nothing to withdraw yet.</p>\
                 <form method=\"post\" action=\"/flow/{id}/steps/payout/withdraw\">\
                 <button type=\"submit\" data-testid=\"withdraw\">Withdraw $0.00</button></form>"
            );
        }
    }
    b.push_str("</div>");
}

fn render(flow: &FlowRecord, user: Option<&User>) -> String {
    let id = flow.id;
    let mut b = String::new();
    let _ = write!(b, "<h1>Dots onboarding</h1><p class=\"muted\">Flow <code data-testid=\"flow-id\">{id}</code></p>");

    let signed_in = flow.user_id.is_some() && flow.authenticated;
    match flow.user_id {
        None => {
            let _ = write!(
                b,
                "<section class=\"box\" data-testid=\"auth-step\"><h2>Authentication / onboarding</h2>\
                 <p>Enter your details to sign up or log in.</p>\
                 <form method=\"post\" action=\"/flow/{id}/onboard\">\
                 <p><label>First name <input name=\"first_name\" maxlength=\"50\" autocomplete=\"given-name\" data-testid=\"first-name\"></label> \
                 <label>Last name <input name=\"last_name\" maxlength=\"50\" autocomplete=\"family-name\" data-testid=\"last-name\"></label></p>\
                 <p><label>Email <input type=\"email\" name=\"email\" required data-testid=\"email\"></label></p>\
                 <p><label>Country code <input name=\"country_code\" inputmode=\"numeric\" pattern=\"[0-9]{{1,3}}\" size=\"4\" data-testid=\"country-code\"></label> \
                 <label>Phone <input type=\"tel\" name=\"phone_number\" inputmode=\"numeric\" pattern=\"[0-9]{{1,20}}\" data-testid=\"phone\"></label></p>\
                 <button type=\"submit\" data-testid=\"onboard\">Continue</button></form></section>"
            );
        }
        Some(user) if !flow.authenticated => {
            let _ = write!(
                b,
                "<section class=\"box\" data-testid=\"auth-step\"><h2>Verify it's you</h2>\
                 <p>This flow belongs to user <code>{user}</code> and requires authentication.</p>\
                 <form method=\"post\" action=\"/flow/{id}/authenticate\">\
                 <button type=\"submit\" data-testid=\"authenticate\">Verify it's you</button></form></section>"
            );
        }
        Some(user_id) => {
            let who = escape(&user.map_or_else(|| user_id.to_string(), User::display_name));
            let _ = write!(
                b,
                "<p class=\"muted\" data-testid=\"signed-in\">Signed in as {who}</p>"
            );
        }
    }

    let next = flow.next_pending().map(|s| s.name);
    b.push_str("<ol data-testid=\"steps\">");
    for step in &flow.steps {
        let name = step.name.as_str();
        let done = flow.is_completed(step.name);
        let (class, mark) = if done {
            ("done", "&#10003;")
        } else {
            ("pending", "&#9675;")
        };
        let _ = write!(b, "<li class=\"{class}\" data-testid=\"step-{name}\" data-state=\"{class}\">{mark} {name}");
        if let Some(url) = &step.redirect_url {
            let _ = write!(b, " <span class=\"muted\">&rarr; {}</span>", escape(url));
        }
        if let Some(t) = &step.template_id {
            let _ = write!(b, " <span class=\"muted\">template {}</span>", escape(t));
        }
        if let Some(auto) = step.auto_payout_enabled {
            let _ = write!(
                b,
                " <span class=\"muted\">auto payout {}</span>",
                if auto { "on" } else { "off" }
            );
        }
        if signed_in && step.name == StepName::Payout {
            payout_box(&mut b, &id, user, next == Some(step.name));
        }
        if signed_in && next == Some(step.name) {
            // The button stands for the person finishing the step. With hide_continue_button the
            // embedding app is expected to move on by itself, so the label says so.
            let label = if step.hide_continue_button == Some(true) {
                "Finish step"
            } else {
                "Continue"
            };
            let _ = write!(
                b,
                "<form method=\"post\" action=\"/flow/{id}/steps/{name}/complete\">\
                 <button type=\"submit\" data-testid=\"complete-{name}\">{label}</button></form>"
            );
        }
        b.push_str("</li>");
    }
    b.push_str("</ol>");

    if signed_in && next.is_none() {
        b.push_str("<section class=\"box\"><p data-testid=\"flow-done\">All steps completed</p>");
        if !flow.hide_go_to_dashboard_on_complete {
            b.push_str(
                "<p><a href=\"/dashboard\" data-testid=\"go-to-dashboard\">Go to dashboard</a></p>",
            );
        }
        b.push_str("</section>");
    }
    b
}

async fn page(State(st): State<AppState>, Path(raw): Path<String>) -> Response {
    let Some(id) = parse_uuid(&raw) else {
        return not_found(&raw);
    };
    let store = lock(&st.store);
    let Some(flow) = store.get(&id) else {
        return not_found(&raw);
    };
    let user = flow.user_id.and_then(|u| store.users.get(&u));
    html(StatusCode::OK, "Dots onboarding", &render(flow, user))
}

/// The onboarding form: email is required; names and phone are asked for (as Dots' page
/// does) but may be left blank, so a walker that only types an email still gets through.
/// A phone, when given, needs its country code, both in the spec's digit patterns.
fn user_from_form(form: &[u8]) -> Result<User, &'static str> {
    let field = |name: &str| {
        url::form_urlencoded::parse(form)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let email = field("email")
        .filter(|e| plausible_email(e))
        .ok_or("Please enter a valid email address.")?;
    let (first, last) = (field("first_name"), field("last_name"));
    if [&first, &last]
        .iter()
        .any(|n| n.as_ref().is_some_and(|n| n.chars().count() > 50))
    {
        return Err("Names can be at most 50 characters.");
    }
    let (cc, phone) = (field("country_code"), field("phone_number"));
    match (&cc, &phone) {
        (None, None) => {}
        (Some(c), Some(p)) if valid_phone(c, p) => {}
        _ => {
            return Err(
                "Enter a country code (1-3 digits) and a phone number (digits only), or neither.",
            )
        }
    }
    let mut user = User::blank(Uuid::new_v4());
    user.first_name = first.unwrap_or_default();
    user.last_name = last.unwrap_or_default();
    user.email = Some(email);
    user.country_code = cc;
    user.phone_number = phone;
    Ok(user)
}

async fn onboard(State(st): State<AppState>, Path(raw): Path<String>, req: Request) -> Response {
    let Some(id) = parse_uuid(&raw) else {
        return not_found(&raw);
    };
    let form = to_bytes(req.into_body(), 16 * 1024)
        .await
        .unwrap_or_default();
    let mut store = lock(&st.store);
    let Some(flow) = store.get_mut(&id) else {
        return not_found(&raw);
    };
    if flow.user_id.is_some() {
        return message_page(
            StatusCode::CONFLICT,
            "Already onboarded",
            "This flow already has a user.",
            Some(&id),
        );
    }
    let user = match user_from_form(&form) {
        Ok(u) => u,
        Err(why) => {
            let title = if why.contains("email") {
                "Invalid email"
            } else {
                "Invalid details"
            };
            return message_page(StatusCode::BAD_REQUEST, title, why, Some(&id));
        }
    };
    flow.user_id = Some(user.id);
    flow.authenticated = true;
    store.users.insert(user);
    store.note(EventType::FlowUpdated, id);
    back_to(&id)
}

async fn authenticate(State(st): State<AppState>, Path(raw): Path<String>) -> Response {
    let Some(id) = parse_uuid(&raw) else {
        return not_found(&raw);
    };
    let mut store = lock(&st.store);
    let Some(flow) = store.get_mut(&id) else {
        return not_found(&raw);
    };
    if flow.user_id.is_none() {
        return message_page(
            StatusCode::CONFLICT,
            "Sign up first",
            "This flow has no user yet; onboard first.",
            Some(&id),
        );
    }
    flow.authenticated = true;
    back_to(&id)
}

async fn complete(
    State(st): State<AppState>,
    Path((raw, step)): Path<(String, String)>,
) -> Response {
    let Some(id) = parse_uuid(&raw) else {
        return not_found(&raw);
    };
    let mut store = lock(&st.store);
    let Some(flow) = store.get_mut(&id) else {
        return not_found(&raw);
    };
    let Some(spec) = StepName::parse(&step).and_then(|n| flow.step(n)).cloned() else {
        return message_page(
            StatusCode::NOT_FOUND,
            "Unknown step",
            &format!("This flow has no step {step:?}."),
            Some(&id),
        );
    };
    if flow.user_id.is_none() || !flow.authenticated {
        return message_page(
            StatusCode::CONFLICT,
            "Sign in first",
            "Authenticate before completing steps.",
            Some(&id),
        );
    }
    if flow.is_completed(spec.name) {
        // A resubmitted form changes nothing.
        return back_to(&id);
    }
    if flow.next_pending().map(|s| s.name) != Some(spec.name) {
        let expected = flow
            .next_pending()
            .map(|s| s.name.as_str())
            .unwrap_or("none");
        return message_page(
            StatusCode::CONFLICT,
            "Step out of order",
            &format!(
                "Step {} cannot be completed yet; the next step is {expected}.",
                spec.name
            ),
            Some(&id),
        );
    }
    flow.completed.push(spec.name);
    let user = flow.user_id;
    store.note_step_done(id, spec.name, user);
    match (spec.name, spec.redirect_url) {
        (StepName::Redirect, Some(url)) => see_other(&url),
        _ => back_to(&id),
    }
}

/// The payout step's Withdraw: pays out the user's whole withdrawable balance and completes
/// the step. An empty wallet (or a user_id Dots has no wallet for) is allowed: it moves
/// nothing and still completes the step, as Dots' own page lets the person continue.
async fn withdraw(State(st): State<AppState>, Path(raw): Path<String>) -> Response {
    let Some(id) = parse_uuid(&raw) else {
        return not_found(&raw);
    };
    let mut store = lock(&st.store);
    let Some(flow) = store.get(&id) else {
        return not_found(&raw);
    };
    let (Some(user_id), true) = (flow.user_id, flow.authenticated) else {
        return message_page(
            StatusCode::CONFLICT,
            "Sign in first",
            "Authenticate before completing steps.",
            Some(&id),
        );
    };
    if flow.step(StepName::Payout).is_none() {
        return message_page(
            StatusCode::NOT_FOUND,
            "Unknown step",
            "This flow has no payout step.",
            Some(&id),
        );
    }
    if flow.is_completed(StepName::Payout) {
        return back_to(&id); // A resubmitted form pays nothing twice.
    }
    if flow.next_pending().map(|s| s.name) != Some(StepName::Payout) {
        return message_page(
            StatusCode::CONFLICT,
            "Step out of order",
            "The payout step cannot be completed yet.",
            Some(&id),
        );
    }
    match store.withdraw_all(user_id) {
        Ok(_) | Err(LedgerError::UserNotFound(_)) => {}
        Err(e) => {
            return message_page(
                StatusCode::CONFLICT,
                "Cannot withdraw",
                &e.to_string(),
                Some(&id),
            )
        }
    }
    if let Some(flow) = store.get_mut(&id) {
        flow.completed.push(StepName::Payout);
    }
    store.note(EventType::FlowTransactionUpdated, id);
    store.note_step_done(id, StepName::Payout, Some(user_id));
    back_to(&id)
}

async fn dashboard() -> Response {
    html(StatusCode::OK, "Dashboard", "<h1 data-testid=\"dashboard\">Dots dashboard (sandbox)</h1><p>Nothing to see here: this is the emulator.</p>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_dangerous() {
        assert_eq!(
            escape("<a href='x'>\"&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;"
        );
    }

    #[test]
    fn emails() {
        assert!(plausible_email("a@b.co"));
        assert!(!plausible_email("a@b"));
        assert!(!plausible_email("@b.co"));
        assert!(!plausible_email("a b@c.co"));
        assert!(!plausible_email(""));
    }

    #[test]
    fn money_formatting() {
        assert_eq!(dollars(0), "$0.00");
        assert_eq!(dollars(5), "$0.05");
        assert_eq!(dollars(123456), "$1,234.56");
        assert_eq!(dollars(-10_000_000_000), "-$100,000,000.00");
        assert_eq!(dollars(i64::MIN), "-$92,233,720,368,547,758.08");
    }

    #[test]
    fn onboarding_form() {
        let u = user_from_form(b"first_name=Ana&last_name=D%C3%ADaz&email=ana%40ex.com&country_code=1&phone_number=4155550100").unwrap();
        assert_eq!(
            (u.first_name.as_str(), u.last_name.as_str()),
            ("Ana", "Díaz")
        );
        assert_eq!(u.phone_number.as_deref(), Some("4155550100"));
        assert!(user_from_form(b"email=a%40b.io").is_ok());
        assert!(user_from_form(b"email=nope").is_err());
        assert!(user_from_form(b"email=a%40b.io&phone_number=123").is_err());
        assert!(user_from_form(b"email=a%40b.io&country_code=1&phone_number=12-3").is_err());
    }
}
