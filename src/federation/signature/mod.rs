//! HTTP request signatures, both generations the fediverse uses, signing and verifying.
//!
//! Pure functions over request parts: no I/O, no async, no web framework. The caller fetches
//! the key named by [`ParsedSignature::key_id`] and hands it to [`ParsedSignature::verify`].
//!
//! Files:
//! - `mod.rs` (this file): the public API ([`parse`], [`ParsedSignature`], [`sign_request`],
//!   [`SignatureError`]) and the policy every incoming request must meet (digest covered and
//!   matching, timestamps fresh).
//! - `cavage.rs`: draft-cavage-http-signatures-12 (`Signature: keyId=…,headers=…`), what
//!   Mastodon and nearly every fediverse server send.
//! - `rfc9421.rs`: RFC 9421 HTTP Message Signatures (`Signature-Input` + `Signature`), as
//!   Mastodon 4.5 sends and accepts them.
//! - `sfv.rs`: the minimal RFC 8941 structured-field parser/serialiser RFC 9421 and RFC 9530 need.
//! - `digest.rs`: `Digest` (RFC 3230) and `Content-Digest` (RFC 9530) body digests.
//! - `keys.rs`: RSA keys (PEM/DER loading, SPKI unwrapping, generation).
//!
//! Compatibility, deliberately: a draft-cavage `(request-target)` that fails with the query
//! string is retried without it, as Mastodon does (some signers sign the path only); RSA keys
//! from 1024 bits are accepted for verifying (quire signs with 2048-bit keys); a `Date` with a
//! wrong day name is read by its date.
//!
//! Only RSASSA-PKCS1-v1_5 with SHA-256 is implemented: it is what `rsa-sha256`, `hs2019` with an
//! RSA key, and `rsa-v1_5-sha256` mean, and what every key an ActivityPub actor publishes is
//! used with.

mod cavage;
mod digest;
mod keys;
mod rfc9421;
mod sfv;

#[cfg(test)]
mod independent_tests;
#[cfg(test)]
pub(crate) mod testkit;
#[cfg(test)]
mod vector_tests;

use chrono::{DateTime, TimeDelta, Utc};
use http::{header, HeaderMap, HeaderValue, Method};
use url::Url;

pub use digest::{content_digest_header, digest_header, verify_content_digest, verify_digest};
pub use keys::{generate_rsa_2048, GeneratedKey, PrivateKey, PublicKey};

/// How far a signature's `Date` or `created` may be from the verifier's clock, either way
/// (DESIGN §2 "In": within an hour).
pub const MAX_CLOCK_SKEW: TimeDelta = TimeDelta::hours(1);

/// What a signature covers or is checked against: the request as the client addressed it.
#[derive(Debug, Clone, Copy)]
pub struct RequestParts<'a> {
    /// The request method.
    pub method: &'a Method,
    /// The full URL as the client addressed it: scheme, public host (and port), path and
    /// query. Behind a reverse proxy this must be rebuilt from the public base URL, not from
    /// the proxy's upstream address, or `(request-target)` / `@target-uri` will not match.
    pub target_uri: &'a Url,
    /// The request headers (the `Host` header is used when signed; when it is absent, as in
    /// HTTP/2, the authority of `target_uri` stands in for it).
    pub headers: &'a HeaderMap,
}

/// Which signature generation a request carries or should carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// draft-cavage-http-signatures-12: one `Signature` (or `Authorization: Signature`) header.
    Cavage,
    /// RFC 9421 HTTP Message Signatures: `Signature-Input` plus `Signature`.
    Rfc9421,
}

/// Whether [`ParsedSignature::verify_with`] checks the signature's time stamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// `Date` / `created` within [`MAX_CLOCK_SKEW`] of now, and `expires` not passed. Always use
    /// this for live requests.
    Enforce,
    /// Skip every time check (for published test vectors with old dates).
    Ignore,
}

/// Everything that can make a signature unusable. Every variant means "refuse the request"
/// (answer 401, or 400 for [`SignatureError::Malformed`] if preferred).
#[derive(Debug, thiserror::Error)]
pub enum SignatureError {
    /// The request carries no signature header at all.
    #[error("request is not signed")]
    Missing,
    /// A signature, digest or date header could not be parsed, or names a component that is
    /// absent from the request.
    #[error("malformed signature: {0}")]
    Malformed(String),
    /// The signature (or digest) uses an algorithm quire does not implement.
    #[error("unsupported algorithm: {0}")]
    UnsupportedAlgorithm(String),
    /// The signature does not verify with the given key over the reconstructed message.
    #[error("signature does not verify")]
    Invalid,
    /// The request has a body but no `Digest` (draft-cavage) / `Content-Digest` (RFC 9421).
    #[error("request body has no digest header")]
    MissingDigest,
    /// The digest header is present but not covered by the signature, so it proves nothing.
    #[error("digest header is not covered by the signature")]
    DigestNotSigned,
    /// The body does not hash to the value in the digest header.
    #[error("body does not match its digest")]
    DigestMismatch,
    /// The signature covers neither `Date` nor `created`, so it could be replayed forever.
    #[error("signature covers no date or creation time")]
    Undated,
    /// `Date` / `created` is further than [`MAX_CLOCK_SKEW`] from now, or `expires` has passed.
    #[error("signature is outside the accepted time window")]
    Stale,
    /// A key could not be loaded or used.
    #[error("key error: {0}")]
    Key(String),
}

/// A signature found on a request, parsed but not yet checked.
#[derive(Debug, Clone)]
pub struct ParsedSignature {
    inner: Inner,
}

#[derive(Debug, Clone)]
enum Inner {
    Cavage(cavage::CavageSignature),
    Rfc9421(rfc9421::MessageSignature),
}

/// Finds and parses the signature on a request: RFC 9421 when `Signature-Input` is present,
/// else draft-cavage from `Signature` or `Authorization: Signature …`.
pub fn parse(req: &RequestParts) -> Result<ParsedSignature, SignatureError> {
    let inner = if req.headers.contains_key("signature-input") {
        Inner::Rfc9421(rfc9421::MessageSignature::from_headers(req.headers)?)
    } else {
        Inner::Cavage(cavage::CavageSignature::from_headers(req.headers)?)
    };
    Ok(ParsedSignature { inner })
}

/// A POST always has a body (empty when none was given), so its digest is always required.
fn effective_body<'a>(method: &Method, body: Option<&'a [u8]>) -> Option<&'a [u8]> {
    match body {
        Some(body) => Some(body),
        None if method == Method::POST => Some(b""),
        None => None,
    }
}

fn within_window(t: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    (now - t).abs() <= MAX_CLOCK_SKEW
}

fn unix_time(secs: i64) -> Result<DateTime<Utc>, SignatureError> {
    DateTime::from_timestamp(secs, 0)
        .ok_or_else(|| SignatureError::Malformed(format!("time stamp {secs} out of range")))
}

/// Reads the `Date` header (RFC 9110 §5.6.7; the obsolete forms are accepted too).
fn parse_date_header(headers: &HeaderMap) -> Result<DateTime<Utc>, SignatureError> {
    let value = headers
        .get(header::DATE)
        .ok_or_else(|| SignatureError::Malformed("signed Date header is missing".into()))?;
    let text = value
        .to_str()
        .map_err(|_| SignatureError::Malformed("Date is not ASCII".into()))?;
    parse_http_date(text.trim())
        .ok_or_else(|| SignatureError::Malformed(format!("Date {text:?} is not an HTTP date")))
}

/// Parses an HTTP date. The IMF-fixdate form is also read with its day name unchecked:
/// a wrong weekday (as in Mastodon's own test requests) says nothing about the time.
fn parse_http_date(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(time) = httpdate::parse_http_date(text) {
        return Some(DateTime::<Utc>::from(time));
    }
    let (day_name, rest) = text.split_once(", ")?;
    if day_name.len() != 3 || !day_name.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    chrono::NaiveDateTime::parse_from_str(rest, "%d %b %Y %H:%M:%S GMT")
        .ok()
        .map(|t| t.and_utc())
}

impl ParsedSignature {
    /// Which generation this signature is.
    pub fn scheme(&self) -> Scheme {
        match self.inner {
            Inner::Cavage(_) => Scheme::Cavage,
            Inner::Rfc9421(_) => Scheme::Rfc9421,
        }
    }

    /// The key identifier (`keyId` / `keyid`): for ActivityPub, the URL of the actor's key,
    /// usually `{actor}#main-key`. Fetch it, then call [`ParsedSignature::verify`].
    pub fn key_id(&self) -> &str {
        match &self.inner {
            Inner::Cavage(s) => &s.key_id,
            Inner::Rfc9421(s) => &s.key_id,
        }
    }

    /// The signed `created` time stamp, when the signature carries one (for draft-cavage, only
    /// when `(created)` is covered).
    pub fn created(&self) -> Option<DateTime<Utc>> {
        let secs = match &self.inner {
            Inner::Cavage(s) => s.created,
            Inner::Rfc9421(s) => s.created,
        }?;
        DateTime::from_timestamp(secs, 0)
    }

    /// The covered components, lower-case, in signing order: header names and
    /// `(request-target)`-style pseudo-headers (draft-cavage) or `@method`-style derived
    /// components (RFC 9421).
    pub fn components(&self) -> &[String] {
        match &self.inner {
            Inner::Cavage(s) => &s.headers,
            Inner::Rfc9421(s) => &s.components,
        }
    }

    /// Full verification of a live request: [`ParsedSignature::verify_with`] with
    /// [`Freshness::Enforce`].
    pub fn verify(
        &self,
        req: &RequestParts,
        key: &PublicKey,
        now: DateTime<Utc>,
        body: Option<&[u8]>,
    ) -> Result<(), SignatureError> {
        self.verify_with(req, key, now, body, Freshness::Enforce)
    }

    /// Full verification: the signature verifies with `key`; when the request has a body
    /// (`body` given, or any POST) the digest header (`Digest` for draft-cavage,
    /// `Content-Digest` for RFC 9421) is covered and matches it; and, unless `freshness` is
    /// [`Freshness::Ignore`], a covered `Date` or `created` is within [`MAX_CLOCK_SKEW`] of
    /// `now` and `expires` has not passed.
    pub fn verify_with(
        &self,
        req: &RequestParts,
        key: &PublicKey,
        now: DateTime<Utc>,
        body: Option<&[u8]>,
        freshness: Freshness,
    ) -> Result<(), SignatureError> {
        let body = effective_body(req.method, body);
        let digest_name = match self.scheme() {
            Scheme::Cavage => "digest",
            Scheme::Rfc9421 => "content-digest",
        };
        let digest_value = match body {
            Some(_) => {
                let value =
                    joined_header(req.headers, digest_name).ok_or(SignatureError::MissingDigest)?;
                if !self.components().iter().any(|c| c == digest_name) {
                    return Err(SignatureError::DigestNotSigned);
                }
                Some(String::from_utf8(value).map_err(|_| {
                    SignatureError::Malformed(format!("{digest_name} is not ASCII"))
                })?)
            }
            None => None,
        };
        if freshness == Freshness::Enforce {
            self.check_freshness(req, now)?;
        }
        self.verify_signature_only(req, key)?;
        if let (Some(body), Some(value)) = (body, digest_value) {
            match self.scheme() {
                Scheme::Cavage => verify_digest(&value, body)?,
                Scheme::Rfc9421 => verify_content_digest(&value, body)?,
            }
        }
        Ok(())
    }

    /// Checks only the cryptographic signature over the covered components: no digest and
    /// no time checks. NOT enough to accept a request; for diagnostics and test vectors.
    pub fn verify_signature_only(
        &self,
        req: &RequestParts,
        key: &PublicKey,
    ) -> Result<(), SignatureError> {
        match &self.inner {
            Inner::Cavage(s) => s.verify(req, key),
            Inner::Rfc9421(s) => s.verify(req, key),
        }
    }

    fn check_freshness(
        &self,
        req: &RequestParts,
        now: DateTime<Utc>,
    ) -> Result<(), SignatureError> {
        let (created, expires) = match &self.inner {
            Inner::Cavage(s) => (s.created, s.expires),
            Inner::Rfc9421(s) => (s.created, s.expires),
        };
        let mut dated = false;
        if self.components().iter().any(|c| c == "date") {
            if !within_window(parse_date_header(req.headers)?, now) {
                return Err(SignatureError::Stale);
            }
            dated = true;
        }
        if let Some(created) = created {
            if !within_window(unix_time(created)?, now) {
                return Err(SignatureError::Stale);
            }
            dated = true;
        }
        if let Some(expires) = expires {
            if unix_time(expires)? < now {
                return Err(SignatureError::Stale);
            }
        }
        if dated {
            Ok(())
        } else {
            Err(SignatureError::Undated)
        }
    }
}

/// The `Host` value for a URL: host, plus the port when it is not the scheme's default.
fn authority(url: &Url) -> Result<String, SignatureError> {
    let host = url
        .host_str()
        .ok_or_else(|| SignatureError::Malformed(format!("URL {url} has no host")))?;
    Ok(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

fn header_value(text: &str) -> Result<HeaderValue, SignatureError> {
    HeaderValue::from_str(text)
        .map_err(|_| SignatureError::Malformed(format!("{text:?} is not a valid header value")))
}

/// Signs an outgoing request in place. Sets `Host` (from `url`) and `Date` (from `now`); when
/// there is a body (`body` given, or any POST) sets `Digest: SHA-256=…` (draft-cavage) or
/// `Content-Digest: sha-256=:…:` (RFC 9421); then adds the signature headers exactly as
/// Mastodon sends them:
/// - [`Scheme::Cavage`]: `Signature: keyId="…",algorithm="rsa-sha256",headers="(request-target)
///   host date digest",signature="…"` (without `digest` when there is no body);
/// - [`Scheme::Rfc9421`]: `Signature-Input: sig1=("@method" "@target-uri" "content-digest");
///   created=…;keyid="…"` (without `content-digest` when there is no body) and
///   `Signature: sig1=:…:`.
#[allow(clippy::too_many_arguments)]
pub fn sign_request(
    scheme: Scheme,
    method: &Method,
    url: &Url,
    headers: &mut HeaderMap,
    body: Option<&[u8]>,
    key_id: &str,
    key: &PrivateKey,
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    headers.insert(header::HOST, header_value(&authority(url)?)?);
    let date = httpdate::fmt_http_date(std::time::SystemTime::from(now));
    headers.insert(header::DATE, header_value(&date)?);
    let body = effective_body(method, body);
    // A request re-signed with the other scheme (double-knocking) must not keep stale headers.
    for stale in ["signature", "signature-input", "digest", "content-digest"] {
        headers.remove(stale);
    }
    let req_headers = match scheme {
        Scheme::Cavage => {
            if let Some(body) = body {
                headers.insert("digest", header_value(&digest_header(body))?);
            }
            let req = RequestParts {
                method,
                target_uri: url,
                headers,
            };
            cavage::sign(&req, body.is_some(), key_id, key)?
        }
        Scheme::Rfc9421 => {
            if let Some(body) = body {
                headers.insert(
                    "content-digest",
                    header_value(&content_digest_header(body))?,
                );
            }
            let req = RequestParts {
                method,
                target_uri: url,
                headers,
            };
            rfc9421::sign(&req, body.is_some(), key_id, key, now.timestamp())?
        }
    };
    for (name, value) in req_headers {
        headers.insert(name, header_value(&value)?);
    }
    Ok(())
}

/// All values of a header, each trimmed, joined with `", "` (draft-cavage-12 §2.3 step 2,
/// RFC 9421 §2.1); `None` when the header is absent.
fn joined_header(headers: &HeaderMap, name: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut any = false;
    for value in headers.get_all(name) {
        if any {
            out.extend_from_slice(b", ");
        }
        out.extend_from_slice(value.as_bytes().trim_ascii());
        any = true;
    }
    any.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_parse_even_with_a_wrong_day_name() {
        let expected = DateTime::parse_from_rfc3339("2023-12-18T10:00:00Z").unwrap();
        // 18 December 2023 was a Monday; Mastodon's spec calls it a Wednesday.
        assert_eq!(
            parse_http_date("Mon, 18 Dec 2023 10:00:00 GMT"),
            Some(expected.into())
        );
        assert_eq!(
            parse_http_date("Wed, 18 Dec 2023 10:00:00 GMT"),
            Some(expected.into())
        );
        assert_eq!(
            parse_http_date("Monday, 18-Dec-23 10:00:00 GMT"),
            Some(expected.into())
        );
        assert_eq!(parse_http_date("wrong date"), None);
        assert_eq!(parse_http_date("Wed, 18 Dec 2023 10:00:00 CET"), None);
    }
}

#[cfg(test)]
mod round_trip_tests {
    use super::testkit::{bob_private_pem, bob_public_pem, load};
    use super::*;

    const KEY_ID: &str = "https://blog.example/@me#main-key";

    struct Signed {
        method: Method,
        url: Url,
        headers: HeaderMap,
        now: DateTime<Utc>,
    }

    impl Signed {
        fn new(scheme: Scheme, method: Method, url: &str, body: Option<&[u8]>) -> Self {
            let key = PrivateKey::from_pem(&bob_private_pem()).unwrap();
            let url = Url::parse(url).unwrap();
            let now = Utc::now();
            let mut headers = HeaderMap::new();
            sign_request(scheme, &method, &url, &mut headers, body, KEY_ID, &key, now).unwrap();
            Self {
                method,
                url,
                headers,
                now,
            }
        }

        fn parts(&self) -> RequestParts<'_> {
            RequestParts {
                method: &self.method,
                target_uri: &self.url,
                headers: &self.headers,
            }
        }

        fn verify_at(&self, now: DateTime<Utc>, body: Option<&[u8]>) -> Result<(), SignatureError> {
            let key = PublicKey::from_pem(&bob_public_pem()).unwrap();
            let parsed = parse(&self.parts())?;
            assert_eq!(parsed.key_id(), KEY_ID);
            parsed.verify(&self.parts(), &key, now, body)
        }

        fn verify(&self, body: Option<&[u8]>) -> Result<(), SignatureError> {
            self.verify_at(self.now, body)
        }
    }

    const SCHEMES: [Scheme; 2] = [Scheme::Cavage, Scheme::Rfc9421];
    const INBOX: &str = "https://mastodon.example/users/alice/inbox";

    #[test]
    fn signed_requests_verify_with_our_own_verifier() {
        for scheme in SCHEMES {
            let post = Signed::new(scheme, Method::POST, INBOX, Some(b"{}"));
            assert_eq!(parse(&post.parts()).unwrap().scheme(), scheme);
            post.verify(Some(b"{}")).unwrap();
            let get = Signed::new(
                scheme,
                Method::GET,
                "https://a.example:8443/u/x?page=2",
                None,
            );
            get.verify(None).unwrap();
            assert_eq!(get.headers["host"], "a.example:8443");
        }
    }

    #[test]
    fn cavage_headers_have_mastodons_exact_shape() {
        let post = Signed::new(Scheme::Cavage, Method::POST, INBOX, Some(b"Hello world"));
        assert_eq!(
            post.headers["digest"],
            "SHA-256=ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw="
        );
        assert_eq!(post.headers["host"], "mastodon.example");
        let signature = post.headers["signature"].to_str().unwrap();
        assert!(signature.starts_with(&format!(
            r#"keyId="{KEY_ID}",algorithm="rsa-sha256",headers="(request-target) host date digest",signature=""#
        )));
        let get = Signed::new(Scheme::Cavage, Method::GET, INBOX, None);
        assert!(get.headers["signature"]
            .to_str()
            .unwrap()
            .contains(r#"headers="(request-target) host date","#));
        assert!(!get.headers.contains_key("digest"));
    }

    #[test]
    fn rfc9421_headers_have_mastodons_exact_shape() {
        let post = Signed::new(Scheme::Rfc9421, Method::POST, INBOX, Some(b"Hello world"));
        assert_eq!(
            post.headers["content-digest"],
            "sha-256=:ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=:"
        );
        assert_eq!(
            post.headers["signature-input"].to_str().unwrap(),
            format!(
                r#"sig1=("@method" "@target-uri" "content-digest");created={};keyid="{KEY_ID}""#,
                post.now.timestamp()
            )
        );
        assert!(post.headers["signature"]
            .to_str()
            .unwrap()
            .starts_with("sig1=:"));
        let get = Signed::new(Scheme::Rfc9421, Method::GET, INBOX, None);
        assert!(get.headers["signature-input"]
            .to_str()
            .unwrap()
            .starts_with(r#"sig1=("@method" "@target-uri");created="#));
    }

    #[test]
    fn mastodon_vector_is_reproduced_byte_for_byte() {
        // RSASSA-PKCS1-v1_5 is deterministic: signing Mastodon's request gives its signature.
        let json = load("mastodon-spec--draft-cavage-vectors.json");
        let case = &json["cases"][0];
        assert_eq!(case["name"], "get-valid");
        let key = PrivateKey::from_pem(&bob_private_pem()).unwrap();
        let url = Url::parse("https://www.example.com/activitypub/success").unwrap();
        let now = DateTime::parse_from_rfc3339("2023-12-20T10:00:00Z")
            .unwrap()
            .into();
        let mut headers = HeaderMap::new();
        let bob = "https://remote.domain/users/bob#main-key";
        sign_request(
            Scheme::Rfc9421,
            &Method::GET,
            &url,
            &mut headers,
            None,
            bob,
            &key,
            now,
        )
        .unwrap();
        let rfc = load("mastodon-spec--rfc9421-vectors.json");
        assert_eq!(rfc["cases"][0]["name"], "get-valid");
        assert_eq!(
            headers["signature-input"],
            rfc["cases"][0]["headers"]["Signature-Input"]
                .as_str()
                .unwrap()
        );
        assert_eq!(
            headers["signature"],
            rfc["cases"][0]["headers"]["Signature"].as_str().unwrap()
        );
        assert_eq!(headers["date"], case["headers"]["Date"].as_str().unwrap());
    }

    #[test]
    fn altered_body_is_refused() {
        for scheme in SCHEMES {
            let post = Signed::new(scheme, Method::POST, INBOX, Some(b"{\"a\":1}"));
            assert!(matches!(
                post.verify(Some(b"{\"a\":2}")),
                Err(SignatureError::DigestMismatch)
            ));
            assert!(matches!(
                post.verify(Some(b"")),
                Err(SignatureError::DigestMismatch)
            ));
            // A missing body on a POST is an empty body, which does not match either.
            assert!(matches!(
                post.verify(None),
                Err(SignatureError::DigestMismatch)
            ));
        }
    }

    #[test]
    fn digest_replaced_to_match_an_altered_body_is_refused() {
        for (scheme, name, value) in [
            (Scheme::Cavage, "digest", digest_header(b"evil")),
            (
                Scheme::Rfc9421,
                "content-digest",
                content_digest_header(b"evil"),
            ),
        ] {
            let mut post = Signed::new(scheme, Method::POST, INBOX, Some(b"good"));
            post.headers
                .insert(name, HeaderValue::from_str(&value).unwrap());
            assert!(matches!(
                post.verify(Some(b"evil")),
                Err(SignatureError::Invalid)
            ));
        }
    }

    #[test]
    fn altered_date_is_refused() {
        let mut get = Signed::new(Scheme::Cavage, Method::GET, INBOX, None);
        let later = httpdate::fmt_http_date((get.now + TimeDelta::seconds(30)).into());
        get.headers
            .insert(header::DATE, HeaderValue::from_str(&later).unwrap());
        assert!(matches!(get.verify(None), Err(SignatureError::Invalid)));
    }

    #[test]
    fn altered_method_path_query_or_host_is_refused() {
        for scheme in SCHEMES {
            let mut get = Signed::new(scheme, Method::GET, "https://a.example/u/x?page=2", None);
            get.url = Url::parse("https://a.example/u/y?page=2").unwrap();
            assert!(
                matches!(get.verify(None), Err(SignatureError::Invalid)),
                "{scheme:?} path"
            );
            get.url = Url::parse("https://a.example/u/x?page=3").unwrap();
            assert!(
                matches!(get.verify(None), Err(SignatureError::Invalid)),
                "{scheme:?} query"
            );
            get.url = Url::parse("https://b.example/u/x?page=2").unwrap();
            get.headers
                .insert(header::HOST, HeaderValue::from_static("b.example"));
            assert!(
                matches!(get.verify(None), Err(SignatureError::Invalid)),
                "{scheme:?} host"
            );
            get.url = Url::parse("https://a.example/u/x?page=2").unwrap();
            get.headers
                .insert(header::HOST, HeaderValue::from_static("a.example"));
            get.verify(None).unwrap();
            get.method = Method::DELETE;
            assert!(
                matches!(get.verify(None), Err(SignatureError::Invalid)),
                "{scheme:?} method"
            );
        }
    }

    #[test]
    fn old_or_future_signatures_are_refused() {
        for scheme in SCHEMES {
            let get = Signed::new(scheme, Method::GET, INBOX, None);
            get.verify_at(get.now + TimeDelta::minutes(59), None)
                .unwrap();
            get.verify_at(get.now - TimeDelta::minutes(59), None)
                .unwrap();
            let late = get.verify_at(get.now + TimeDelta::minutes(61), None);
            assert!(matches!(late, Err(SignatureError::Stale)), "{scheme:?}");
            let early = get.verify_at(get.now - TimeDelta::minutes(61), None);
            assert!(matches!(early, Err(SignatureError::Stale)), "{scheme:?}");
        }
    }

    #[test]
    fn passed_expiry_is_refused() {
        let mut get = Signed::new(Scheme::Rfc9421, Method::GET, INBOX, None);
        let input = get.headers["signature-input"].to_str().unwrap().to_owned();
        let expires = get.now.timestamp() - 1;
        get.headers.insert(
            "signature-input",
            HeaderValue::from_str(&format!("{input};expires={expires}")).unwrap(),
        );
        assert!(matches!(get.verify(None), Err(SignatureError::Stale)));
    }

    #[test]
    fn undated_signatures_are_refused() {
        let mut get = Signed::new(Scheme::Rfc9421, Method::GET, INBOX, None);
        let input = get.headers["signature-input"].to_str().unwrap();
        let undated = input.replace(&format!(";created={}", get.now.timestamp()), "");
        get.headers
            .insert("signature-input", HeaderValue::from_str(&undated).unwrap());
        assert!(matches!(get.verify(None), Err(SignatureError::Undated)));
        let mut get = Signed::new(Scheme::Cavage, Method::GET, INBOX, None);
        let signature = get.headers["signature"]
            .to_str()
            .unwrap()
            .replace(" date\"", "\"");
        get.headers
            .insert("signature", HeaderValue::from_str(&signature).unwrap());
        assert!(matches!(get.verify(None), Err(SignatureError::Undated)));
    }

    #[test]
    fn an_unsigned_created_parameter_does_not_date_a_cavage_signature() {
        let mut get = Signed::new(Scheme::Cavage, Method::GET, INBOX, None);
        let signature = get.headers["signature"]
            .to_str()
            .unwrap()
            .replace(" date\"", "\"");
        let forged = format!("{signature},created={}", get.now.timestamp());
        get.headers
            .insert("signature", HeaderValue::from_str(&forged).unwrap());
        assert_eq!(parse(&get.parts()).unwrap().created(), None);
        assert!(matches!(get.verify(None), Err(SignatureError::Undated)));
    }

    #[test]
    fn re_signing_with_the_other_scheme_leaves_no_stale_headers() {
        let key = PrivateKey::from_pem(&bob_private_pem()).unwrap();
        let mut post = Signed::new(Scheme::Rfc9421, Method::POST, INBOX, Some(b"x"));
        sign_request(
            Scheme::Cavage,
            &Method::POST,
            &post.url,
            &mut post.headers,
            Some(b"x"),
            KEY_ID,
            &key,
            post.now,
        )
        .unwrap();
        assert!(!post.headers.contains_key("signature-input"));
        assert!(!post.headers.contains_key("content-digest"));
        assert_eq!(parse(&post.parts()).unwrap().scheme(), Scheme::Cavage);
        post.verify(Some(b"x")).unwrap();
    }

    #[test]
    fn a_different_key_is_refused() {
        let key = load("fedify--example.com-key.json");
        let other = PublicKey::from_pem(key["publicKeyPem"].as_str().unwrap()).unwrap();
        for scheme in SCHEMES {
            let get = Signed::new(scheme, Method::GET, INBOX, None);
            let parsed = parse(&get.parts()).unwrap();
            let result = parsed.verify(&get.parts(), &other, get.now, None);
            assert!(matches!(result, Err(SignatureError::Invalid)), "{scheme:?}");
        }
    }

    #[test]
    fn authorization_signature_header_is_verified_too() {
        let mut post = Signed::new(Scheme::Cavage, Method::POST, INBOX, Some(b"x"));
        let value = post.headers.remove("signature").unwrap();
        let auth = format!("Signature {}", value.to_str().unwrap());
        post.headers
            .insert(header::AUTHORIZATION, HeaderValue::from_str(&auth).unwrap());
        post.verify(Some(b"x")).unwrap();
    }

    #[test]
    fn unsigned_requests_are_refused_as_missing() {
        let url = Url::parse(INBOX).unwrap();
        let headers = HeaderMap::new();
        let req = RequestParts {
            method: &Method::POST,
            target_uri: &url,
            headers: &headers,
        };
        assert!(matches!(parse(&req), Err(SignatureError::Missing)));
    }

    #[test]
    fn a_post_without_digest_is_refused() {
        for (scheme, name) in [
            (Scheme::Cavage, "digest"),
            (Scheme::Rfc9421, "content-digest"),
        ] {
            let mut post = Signed::new(scheme, Method::POST, INBOX, Some(b"x"));
            post.headers.remove(name);
            assert!(matches!(
                post.verify(Some(b"x")),
                Err(SignatureError::MissingDigest)
            ));
        }
    }

    #[test]
    fn key_ids_that_cannot_be_written_are_refused() {
        let key = PrivateKey::from_pem(&bob_private_pem()).unwrap();
        let url = Url::parse(INBOX).unwrap();
        for scheme in SCHEMES {
            let mut headers = HeaderMap::new();
            let result = sign_request(
                scheme,
                &Method::GET,
                &url,
                &mut headers,
                None,
                "a\"b\n",
                &key,
                Utc::now(),
            );
            assert!(
                matches!(result, Err(SignatureError::Malformed(_))),
                "{scheme:?}"
            );
        }
    }
}
