//! A raw request signer for inbox tests: signs a POST as any `keyId` with any key, at any
//! time, and lets a test spoil the request after signing (spoofed actors, altered bodies,
//! stale dates).

use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderValue, Method};
use quire::federation::signature::{sign_request, PrivateKey, Scheme};
use url::Url;

/// The headers of a POST of `body` to `url`, signed at `now` as `key_id` with `key`.
pub fn signed_headers(
    url: &str,
    body: &[u8],
    key_id: &str,
    key: &PrivateKey,
    scheme: Scheme,
    now: DateTime<Utc>,
) -> HeaderMap {
    let parsed = Url::parse(url).expect("test URL");
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/activity+json"),
    );
    sign_request(
        scheme,
        &Method::POST,
        &parsed,
        &mut headers,
        Some(body),
        key_id,
        key,
        now,
    )
    .expect("sign");
    headers
}

/// POSTs `body` with exactly these headers.
pub async fn post_raw(url: &str, headers: HeaderMap, body: Vec<u8>) -> reqwest::Response {
    super::client()
        .post(url)
        .headers(headers)
        .body(body)
        .send()
        .await
        .expect("POST")
}

/// POSTs `body` signed now as `key_id` with `key`; `tweak` may change the headers after
/// signing.
pub async fn signed_post(
    url: &str,
    body: &[u8],
    key_id: &str,
    key: &PrivateKey,
    scheme: Scheme,
    tweak: impl FnOnce(&mut HeaderMap),
) -> reqwest::Response {
    let mut headers = signed_headers(url, body, key_id, key, scheme, Utc::now());
    tweak(&mut headers);
    post_raw(url, headers, body.to_vec()).await
}
