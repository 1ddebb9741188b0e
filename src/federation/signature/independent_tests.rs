//! Our signer, an independent verifier: `tests/independent/verify_signature.py` rebuilds the
//! signing string / signature base itself and checks it with Python's `cryptography`.
//! (The corpus vectors cover the other direction: independent signers, our verifier.)

use std::io::Write as _;
use std::process::{Command, Stdio};

use chrono::Utc;
use http::{HeaderValue, Method};
use url::Url;

use super::testkit::{bob_private_pem, bob_public_pem};
use super::*;

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/independent/verify_signature.py"
);

/// Runs the Python verifier; `true` when it accepts. Missing python3 or `cryptography` is a
/// test failure, never a silent pass.
fn python_accepts(method: &Method, url: &Url, headers: &HeaderMap, body: Option<&str>) -> bool {
    let header_list: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect();
    let input = serde_json::json!({
        "method": method.as_str(),
        "url": url.as_str(),
        "headers": header_list,
        "body": body,
        "public_key_pem": bob_public_pem(),
    });
    let mut child = Command::new("python3")
        .arg(SCRIPT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("python3 is required for this test (CI installs it): {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => true,
        Some(1) => false,
        Some(3) => panic!("{stderr} (this test needs it: pip install cryptography)"),
        other => panic!("verify_signature.py failed ({other:?}): {stderr}"),
    }
}

fn signed(scheme: Scheme, method: &Method, url: &Url, body: Option<&str>) -> HeaderMap {
    let key = PrivateKey::from_pem(&bob_private_pem()).unwrap();
    let mut headers = HeaderMap::new();
    headers.insert(
        "content-type",
        HeaderValue::from_static("application/activity+json"),
    );
    sign_request(
        scheme,
        method,
        url,
        &mut headers,
        body.map(str::as_bytes),
        "https://remote.domain/users/bob#main-key",
        &key,
        Utc::now(),
    )
    .unwrap();
    headers
}

#[test]
fn an_independent_python_verifier_accepts_our_signatures() {
    let body = r#"{"type":"Follow","actor":"https://blog.example/@me"}"#;
    let inbox = Url::parse("https://mastodon.example/users/alice/inbox").unwrap();
    let actor = Url::parse("https://other.example:8443/users/bob?page=1&x=%C3%A9").unwrap();
    for scheme in [Scheme::Cavage, Scheme::Rfc9421] {
        let headers = signed(scheme, &Method::POST, &inbox, Some(body));
        assert!(
            python_accepts(&Method::POST, &inbox, &headers, Some(body)),
            "{scheme:?} POST"
        );
        let headers = signed(scheme, &Method::GET, &actor, None);
        assert!(
            python_accepts(&Method::GET, &actor, &headers, None),
            "{scheme:?} GET"
        );
    }
}

#[test]
fn the_independent_python_verifier_refuses_tampered_requests() {
    let body = r#"{"type":"Like"}"#;
    let inbox = Url::parse("https://mastodon.example/inbox").unwrap();
    for scheme in [Scheme::Cavage, Scheme::Rfc9421] {
        let headers = signed(scheme, &Method::POST, &inbox, Some(body));
        assert!(!python_accepts(
            &Method::POST,
            &inbox,
            &headers,
            Some(r#"{"type":"Block"}"#)
        ));
        let elsewhere = Url::parse("https://mastodon.example/users/x/inbox").unwrap();
        assert!(!python_accepts(
            &Method::POST,
            &elsewhere,
            &headers,
            Some(body)
        ));
        assert!(!python_accepts(&Method::PUT, &inbox, &headers, Some(body)));
    }
}
