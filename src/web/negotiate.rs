//! Content negotiation: the same URL answers HTML to browsers and ActivityStreams JSON to
//! servers that ask for `application/activity+json` or
//! `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`.

use axum::http::{header, HeaderMap};

/// What the client wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Representation {
    Html,
    ActivityJson,
}

/// Reads the `Accept` header. Any `application/activity+json` or `application/ld+json`
/// entry means ActivityStreams (servers send both forms, some without the profile).
pub fn negotiate(headers: &HeaderMap) -> Representation {
    let accept = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",")
        .to_ascii_lowercase();
    if accept.contains("application/activity+json") || accept.contains("application/ld+json") {
        Representation::ActivityJson
    } else {
        Representation::Html
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_accept(v: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_static(v));
        h
    }

    #[test]
    fn both_activitystreams_media_types_get_json() {
        assert_eq!(
            negotiate(&with_accept("application/activity+json")),
            Representation::ActivityJson
        );
        assert_eq!(
            negotiate(&with_accept(
                "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\""
            )),
            Representation::ActivityJson
        );
    }

    #[test]
    fn browsers_get_html() {
        assert_eq!(
            negotiate(&with_accept("text/html,application/xhtml+xml,*/*;q=0.8")),
            Representation::Html
        );
        assert_eq!(negotiate(&HeaderMap::new()), Representation::Html);
    }
}
