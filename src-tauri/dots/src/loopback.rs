//! The one answer to "is this address this machine?", used wherever it matters: plain http
//! is allowed only there, a request there never goes through a proxy (Basic credentials
//! would cross the proxy in clear text), and the local sandbox only answers there.

use url::{Host, Url};

/// 127.0.0.0/8, ::1, and `localhost` in any case, with or without its trailing dot.
pub fn is_loopback_host(host: &Host<&str>) -> bool {
    match host {
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
        Host::Domain(d) => d.trim_end_matches('.').eq_ignore_ascii_case("localhost"),
    }
}

pub fn is_loopback_url(url: &Url) -> bool {
    url.host().is_some_and(|h| is_loopback_host(&h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_predicate_for_every_spelling_of_this_machine() {
        for (u, want) in [
            ("http://127.0.0.1:4010/api", true),
            ("http://127.9.9.9/", true),
            ("http://[::1]:1/api", true),
            ("http://localhost/api", true),
            ("http://LOCALHOST:4010/", true),
            ("http://localhost.:4010/", true),
            ("http://localhost.example.com/", false),
            ("https://api.dots.dev/api", false),
            ("http://10.0.0.1/", false),
        ] {
            assert_eq!(is_loopback_url(&Url::parse(u).unwrap()), want, "{u}");
        }
    }
}
