//! Sending a [`Cached`] response: ETag validation (304), cache headers, `Vary: Accept`.

use std::sync::Arc;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::cache::Cached;

/// Answers with `cached`, or 304 when the client's `If-None-Match` holds its ETag.
pub fn send(cached: &Arc<Cached>, request: &HeaderMap) -> Response {
    let not_modified = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|tag| tag.trim().trim_start_matches("W/") == cached.etag || tag.trim() == "*")
        });
    let mut response = if not_modified && cached.status == StatusCode::OK {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = (cached.status, cached.body.clone()).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(cached.content_type),
        );
        r
    };
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&cached.etag) {
        headers.insert(header::ETAG, v);
    }
    headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    response
}

/// Content types quire answers with.
pub mod types {
    pub const HTML: &str = "text/html; charset=utf-8";
    pub const ACTIVITY: &str = crate::federation::vocab::ACTIVITY_JSON;
    pub const JRD: &str = "application/jrd+json; charset=utf-8";
    pub const XRD: &str = "application/xrd+xml; charset=utf-8";
    pub const JSON: &str = "application/json; charset=utf-8";
    pub const ATOM: &str = "application/atom+xml; charset=utf-8";
    pub const NODEINFO_20: &str =
        "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.0#\"";
    pub const NODEINFO_21: &str =
        "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.1#\"";
}
