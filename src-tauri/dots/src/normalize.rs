//! Values as Dots' API takes them. Everything a person types is normalised the same way
//! before it is checked and before it is sent: text is trimmed, a URL's scheme and host are
//! lowercased, and any form of UUID becomes the canonical lowercase hyphenated one. What Dots
//! still refuses after that is named here too, so the rules (and the UI's inline errors,
//! which come from the rules) say it before Dots would.

use std::sync::OnceLock;

/// Text with surrounding blanks removed.
pub fn text(raw: &str) -> &str {
    raw.trim()
}

/// Text trimmed; blank text means "not set".
pub fn opt_text(raw: &Option<String>) -> Option<String> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// The canonical form (`0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60`) of a UUID written in any form
/// people paste: upper case, braced `{…}`, `urn:uuid:…` or 32 bare hex digits. None when the
/// trimmed text is not a UUID. Dots' schema says `format: uuid`, which is the hyphenated form.
pub fn uuid(raw: &str) -> Option<String> {
    let t = raw.trim();
    // The URN prefix is case-insensitive (RFC 8141); the uuid crate only takes it in lower case.
    let t = match t.get(..9) {
        Some(prefix) if prefix.eq_ignore_ascii_case("urn:uuid:") => &t[9..],
        _ => t,
    };
    uuid::Uuid::try_parse(t).ok().map(|u| u.hyphenated().to_string())
}

/// The canonical UUID when `raw` is one, else the trimmed text (for the rules to refuse).
pub fn uuid_or_text(raw: &str) -> String {
    uuid(raw).unwrap_or_else(|| raw.trim().to_string())
}

/// A URL trimmed, with its scheme and host lowercased (both are case-insensitive; Dots'
/// pattern only takes them in lower case). The user name, path, query and fragment are kept
/// as typed. Text that is not shaped like a URL is only trimmed.
pub fn url(raw: &str) -> String {
    let t = raw.trim();
    let Some(colon) = t.find(':') else { return t.to_string() };
    let scheme = &t[..colon];
    let scheme_ok = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return t.to_string();
    }
    let rest = &t[colon + 1..];
    let mut out = scheme.to_ascii_lowercase();
    out.push(':');
    match rest.strip_prefix("//") {
        Some(after) => {
            let end = after.find(['/', '?', '#']).unwrap_or(after.len());
            let (authority, tail) = after.split_at(end);
            let (userinfo, host_port) = match authority.rfind('@') {
                Some(at) => authority.split_at(at + 1),
                None => ("", authority),
            };
            out.push_str("//");
            out.push_str(userinfo);
            out.push_str(&host_port.to_ascii_lowercase());
            out.push_str(tail);
        }
        None => out.push_str(rest),
    }
    out
}

/// A link Flow Desk may show, open or encode in a QR code: an absolute http(s) URL with a host.
pub fn is_http_link(raw: &str) -> bool {
    url::Url::parse(raw).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty()))
}

/// Dots' `redirect_url` pattern, applied as JSON Schema applies patterns: unanchored (a
/// search), with ECMA-262's ASCII `\b`.
fn dots_redirect_pattern() -> &'static regex::Regex {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"https?://(www\.)?[-a-zA-Z0-9@:%._\+~#=]{1,256}\.[a-zA-Z0-9()]{1,6}(?-u:\b)([-a-zA-Z0-9()@:%_\+.~#?&//=]*)")
            .expect("static pattern compiles")
    })
}

/// Why Dots would refuse this redirect URL, or None when it takes it. `url` is the value as
/// it will be sent (see [`url()`]); `shown` is how to quote it. Dots' schema says `format: uri`
/// (RFC 3986) and gives a pattern (an http(s) URL whose host ends in a label of 1–6 letters or
/// digits): both are checked as the schema states them, after a few plain checks of the URL's
/// shape that make the message clearer. A message that says "its API's rule" is only given
/// when Dots' schema refuses the URL.
pub fn redirect_url_problem(url: &str, shown: &str) -> Option<String> {
    let not_a_url = || Some(format!("\"{shown}\" is not a URL (expected https://…)."));
    let Some((scheme, rest)) = url.split_once(':') else { return not_a_url() };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return not_a_url();
    }
    if !matches!(scheme, "http" | "https") {
        return Some(format!("\"{shown}\" must start with https:// or http://."));
    }
    let Some(after) = rest.strip_prefix("//") else { return not_a_url() };
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let authority = &after[..end];
    if authority.contains('@') {
        return Some(format!("\"{shown}\" carries a user name or password: a redirect URL may not."));
    }
    if authority.starts_with('[') {
        return Some(format!("\"{shown}\" needs a host name such as example.com, not an IPv6 address."));
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    if let Some(port) = port {
        let number = (1..=5).contains(&port.len()) && port.bytes().all(|b| b.is_ascii_digit());
        if !number || port.parse::<u32>().map_or(true, |p| p > 65535) {
            return Some(format!("\"{shown}\" has a port that is not a number from 0 to 65535."));
        }
    }
    if host.is_empty() || !host.contains('.') {
        return Some(format!("\"{shown}\" needs a full host name such as example.com."));
    }
    if !host.is_ascii() {
        // What the host is in ASCII (IDNA), as a hint the person can paste. Dots' schema
        // refuses any non-ASCII character (`format: uri`), so this is its rule.
        let ascii = url::Url::parse(&format!("https://{host}/")).ok().and_then(|u| u.host_str().map(str::to_string));
        let hint = ascii.filter(|a| a.is_ascii()).map(|a| format!(" Write it as {a}.")).unwrap_or_default();
        return Some(format!(
            "redirect_url: Dots accepts only hosts written in ASCII letters, digits, dots and hyphens (its API's rule); \"{shown}\" has other characters in its host.{hint}"
        ));
    }
    let label_ok = |l: &str| {
        !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    };
    if host.len() > 253 || !host.split('.').all(label_ok) {
        return Some(format!("\"{shown}\" does not have a valid host name (letters, digits and hyphens between dots)."));
    }
    // With the host's shape checked, the pattern can only fail because the host's last label
    // is not 1–6 letters or digits (it matches whenever it is).
    if !dots_redirect_pattern().is_match(url) {
        let last = host.rsplit('.').next().unwrap_or_default();
        return Some(format!(
            "redirect_url: Dots accepts only hosts whose last label is 1–6 letters or digits, such as .com or .studio (its API's rule); \"{shown}\" ends in .{last}."
        ));
    }
    if fluent_uri::Uri::parse(url).is_err() {
        return Some(format!(
            "redirect_url: Dots accepts only a valid URI, with spaces and other special characters percent-encoded (its API's rule); \"{shown}\" is not one."
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lowercase_scheme_and_host_only() {
        assert_eq!(url(" HTTPS://X.COM\n"), "https://x.com");
        assert_eq!(url("Https://Acme.Example.COM:8443/Done?Q=A#Frag"), "https://acme.example.com:8443/Done?Q=A#Frag");
        assert_eq!(url("https://User@Acme.COM/P"), "https://User@acme.com/P");
        assert_eq!(url("not a url"), "not a url");
        assert_eq!(url("  "), "");
    }

    #[test]
    fn uuids_in_every_pasted_form_become_canonical() {
        let want = "0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60";
        for raw in [
            want,
            " 0B0C5E8F-6B3A-4D2E-9A77-3F1C2D4E5F60 ",
            "{0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60}",
            "urn:uuid:0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60",
            "URN:UUID:0B0C5E8F-6B3A-4D2E-9A77-3F1C2D4E5F60",
            "0b0c5e8f6b3a4d2e9a773f1c2d4e5f60",
        ] {
            assert_eq!(uuid(raw).as_deref(), Some(want), "{raw}");
        }
        assert_eq!(uuid("bob@example.com"), None);
        assert_eq!(uuid_or_text(" nope "), "nope");
    }

    #[test]
    fn links_are_http_only() {
        assert!(is_http_link("https://pls.senddotssandbox.com/flow/1"));
        assert!(is_http_link("http://127.0.0.1:4010/payout-link/x"));
        for bad in ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "x", "", "mailto:a@b.co"] {
            assert!(!is_http_link(bad), "{bad}");
        }
    }
}
