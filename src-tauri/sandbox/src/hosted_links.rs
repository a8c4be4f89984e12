//! The payee's page at a payout link's `link`: see the amount, claim it. No API auth, like
//! the flow page: knowing the link id is the capability.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use crate::hosted::{dollars, escape, html, message_page, see_other};
use crate::ledger::{LedgerError, PayoutLink};
use crate::model::parse_uuid;
use crate::server::{lock, AppState};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/payout-link/{link_id}", get(page))
        .route("/payout-link/{link_id}/claim", post(claim))
}

fn not_found(raw: &str) -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        "Payout link not found",
        &format!("There is no payout link with id {raw}."),
        None,
    )
}

fn render(link: &PayoutLink) -> String {
    let id = link.id;
    let mut b = format!(
        "<h1>You have a payout</h1><p class=\"muted\">Payout link <code data-testid=\"payout-link-id\">{id}</code></p>\
         <p>Amount: <strong data-testid=\"payout-amount\">{}</strong></p>",
        escape(&dollars(link.amount))
    );
    if let Some(memo) = &link.memo {
        b.push_str(&format!("<p data-testid=\"memo\">{}</p>", escape(memo)));
    }
    b.push_str(&format!(
        "<p>Status: <span data-testid=\"link-status\" data-status=\"{0}\">{0}</span></p>",
        escape(&link.status)
    ));
    match link.status.as_str() {
        "claimed" => b.push_str(
            "<section class=\"box\"><p data-testid=\"claimed\">This payout has been claimed.</p></section>",
        ),
        "canceled" => b.push_str(
            "<section class=\"box\"><p data-testid=\"canceled\">This payout link was canceled by the sender and can no longer be claimed.</p></section>",
        ),
        s if link.is_final() => b.push_str(&format!(
            "<section class=\"box\"><p data-testid=\"unavailable\">This payout link is {} and can no longer be claimed.</p></section>",
            escape(s)
        )),
        _ => b.push_str(&format!(
            "<form method=\"post\" action=\"/payout-link/{id}/claim\">\
             <button type=\"submit\" data-testid=\"claim\">Claim {}</button></form>",
            escape(&dollars(link.amount))
        )),
    }
    b
}

async fn page(State(st): State<AppState>, Path(raw): Path<String>) -> Response {
    let store = lock(&st.store);
    match parse_uuid(&raw).and_then(|id| store.ledger.links.get(&id)) {
        Some(link) => html(StatusCode::OK, "Dots payout", &render(link)),
        None => not_found(&raw),
    }
}

/// Claims (idempotently: a resubmitted form pays nothing twice), then back to the page.
async fn claim(State(st): State<AppState>, Path(raw): Path<String>) -> Response {
    let Some(id) = parse_uuid(&raw) else {
        return not_found(&raw);
    };
    let result = lock(&st.store).claim_link(id);
    let back = format!("/payout-link/{id}");
    let fail = |status, title: &str, e: LedgerError| {
        let body = format!(
            "<h1>{}</h1><p data-testid=\"error\">{}</p><p><a href=\"{back}\">Back to the payout</a></p>",
            escape(title),
            escape(&e.to_string())
        );
        html(status, title, &body)
    };
    match result {
        Ok(_) => see_other(&back),
        Err(LedgerError::LinkNotFound(_)) => not_found(&raw),
        Err(e @ LedgerError::LinkNotClaimable { .. }) => {
            fail(StatusCode::CONFLICT, "Cannot claim", e)
        }
        Err(e @ LedgerError::AppFunds { .. }) => fail(StatusCode::CONFLICT, "Funds pending", e),
        Err(e) => fail(StatusCode::CONFLICT, "Cannot claim", e),
    }
}
