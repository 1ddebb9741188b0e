//! Every published vector in `corpus/signatures/` must verify or be refused exactly as the
//! corpus README says.

use chrono::{DateTime, Utc};
use http::Method;
use serde_json::Value;
use url::Url;

use super::testkit::{bob_public_pem, corpus_dir, header_map, load};
use super::*;

const BOB_KEY_ID: &str = "https://remote.domain/users/bob#main-key";

/// Stands in for the key fetcher: only bob's key exists, anything else 404s.
fn fetch_key(key_id: &str) -> Option<PublicKey> {
    (key_id == BOB_KEY_ID).then(|| PublicKey::from_pem(&bob_public_pem()).unwrap())
}

fn time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// One request from a vector file, owned.
struct Case {
    name: String,
    method: Method,
    url: Url,
    headers: HeaderMap,
    body: Option<Vec<u8>>,
}

impl Case {
    fn from_json(case: &Value, base: &str) -> Self {
        let url = match case.get("url") {
            Some(url) => url.as_str().unwrap().to_owned(),
            None => format!("{base}{}", case["target"].as_str().unwrap()),
        };
        Self {
            name: case["name"].as_str().unwrap_or("request").to_owned(),
            method: Method::from_bytes(case["method"].as_str().unwrap().as_bytes()).unwrap(),
            url: Url::parse(&url).unwrap(),
            headers: header_map(&case["headers"]),
            body: case["body"].as_str().map(|b| b.as_bytes().to_vec()),
        }
    }

    fn parts(&self) -> RequestParts<'_> {
        RequestParts {
            method: &self.method,
            target_uri: &self.url,
            headers: &self.headers,
        }
    }

    /// What the inbox does: parse, fetch the key, verify everything.
    fn accept(&self, now: DateTime<Utc>) -> Result<(), SignatureError> {
        let parsed = parse(&self.parts())?;
        let key = fetch_key(parsed.key_id())
            .ok_or_else(|| SignatureError::Key(format!("{} not found", parsed.key_id())))?;
        parsed.verify(&self.parts(), &key, now, self.body.as_deref())
    }

    /// The cryptographic check alone, with bob's key whatever the keyId says.
    fn crypto_with_bob(&self) -> Result<(), SignatureError> {
        let key = PublicKey::from_pem(&bob_public_pem()).unwrap();
        parse(&self.parts())?.verify_signature_only(&self.parts(), &key)
    }

    /// Full verification with bob's key and no time checks.
    fn verify_ignoring_time(&self, key: &PublicKey) -> Result<(), SignatureError> {
        parse(&self.parts())?.verify_with(
            &self.parts(),
            key,
            Utc::now(),
            self.body.as_deref(),
            Freshness::Ignore,
        )
    }

    /// The signing string / signature base quire rebuilds (full request-target).
    fn message(&self) -> String {
        let parsed = parse(&self.parts()).unwrap();
        let bytes = match &parsed.inner {
            Inner::Cavage(s) => {
                let mut target = format!(
                    "{} {}",
                    self.method.as_str().to_lowercase(),
                    self.url.path()
                );
                if let Some(q) = self.url.query() {
                    target = format!("{target}?{q}");
                }
                s.signing_string(&self.parts(), &target).unwrap()
            }
            Inner::Rfc9421(s) => s.signature_base(&self.parts()).unwrap(),
        };
        String::from_utf8(bytes).unwrap()
    }
}

fn cases(file: &str, base: &str) -> (Value, Vec<(Case, Value)>) {
    let json = load(file);
    let cases = json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (Case::from_json(c, base), c.clone()))
        .collect();
    (json, cases)
}

#[test]
fn every_corpus_file_is_covered_by_a_test() {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("the signature corpus must exist beside the repository")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "README.md",
            "draft-cavage-12--appendix-c-vectors.json",
            "fedify--draft-cavage-vector.json",
            "fedify--example.com-key.json",
            "fedify--remote.domain-users-bob.actor.json",
            "mastodon-spec--draft-cavage-vectors.json",
            "mastodon-spec--rfc9421-vectors.json",
            "peertube--mastodon-2.5-bad-body-http-signature.json",
            "peertube--mastodon-2.5-create-bad-ld-signature.json",
            "peertube--mastodon-2.5-public-key.json",
        ],
        "a corpus file was added or removed: give it a test here"
    );
}

#[test]
fn mastodon_draft_cavage_vectors_come_out_as_the_corpus_says() {
    let (json, cases) = cases(
        "mastodon-spec--draft-cavage-vectors.json",
        "https://www.example.com",
    );
    assert_eq!(cases.len(), 13);
    let now = time(json["now"].as_str().unwrap());
    for (case, raw) in &cases {
        let name = case.name.as_str();
        // quire rebuilds the same signing string the corpus computed independently.
        assert_eq!(
            case.message(),
            raw["computed_signing_string"].as_str().unwrap(),
            "{name}"
        );
        let result = case.accept(now);
        assert_eq!(
            result.is_ok(),
            raw["expect_accept"].as_bool().unwrap(),
            "{name}: {result:?}"
        );
        match name {
            "get-valid" | "get-query-valid" | "post-valid" | "get-query-missing-from-signature" => {
                result.unwrap()
            }
            "get-query-mismatch" | "get-path-mismatch" | "post-path-tampered" => {
                assert!(
                    matches!(result, Err(SignatureError::Invalid)),
                    "{name}: {result:?}"
                )
            }
            "method-mismatch" => {
                // A body-less POST is refused before the crypto (no Digest); the crypto fails too.
                assert!(
                    matches!(result, Err(SignatureError::MissingDigest)),
                    "{result:?}"
                );
                assert!(matches!(
                    case.crypto_with_bob(),
                    Err(SignatureError::Invalid)
                ));
            }
            "unparsable-date" => {
                assert!(
                    matches!(result, Err(SignatureError::Malformed(_))),
                    "{result:?}"
                );
                case.crypto_with_bob().unwrap();
            }
            "date-too-old" => {
                assert!(matches!(result, Err(SignatureError::Stale)), "{result:?}");
                case.crypto_with_bob().unwrap();
            }
            "post-digest-not-signed" => {
                assert!(
                    matches!(result, Err(SignatureError::DigestNotSigned)),
                    "{result:?}"
                );
                case.crypto_with_bob().unwrap();
            }
            "post-tampered-body" => {
                assert!(
                    matches!(result, Err(SignatureError::DigestMismatch)),
                    "{result:?}"
                );
                case.crypto_with_bob().unwrap();
            }
            "unknown-key" => {
                assert!(matches!(result, Err(SignatureError::Key(_))), "{result:?}");
                // The crypto alone is fine (same bytes as get-valid): refusal comes from the key.
                case.crypto_with_bob().unwrap();
            }
            other => panic!("no expectation written for {other}"),
        }
        // The corpus's independent crypto check agrees with ours.
        let crypto_ok = case.crypto_with_bob().is_ok();
        let computed = raw["computed_signature_verifies"].as_bool().unwrap()
            || raw["computed_signature_verifies_if_query_dropped"].as_bool() == Some(true);
        assert_eq!(crypto_ok, computed, "{name}");
    }
}

#[test]
fn mastodon_rfc9421_vectors_come_out_as_the_corpus_says() {
    let (json, cases) = cases("mastodon-spec--rfc9421-vectors.json", "");
    assert_eq!(cases.len(), 12);
    let now = time(json["now"].as_str().unwrap());
    for (case, raw) in &cases {
        let name = case.name.as_str();
        assert_eq!(parse(&case.parts()).unwrap().scheme(), Scheme::Rfc9421);
        assert_eq!(
            case.message(),
            raw["computed_signature_base"].as_str().unwrap(),
            "{name}"
        );
        let crypto = case.crypto_with_bob();
        assert_eq!(
            crypto.is_ok(),
            raw["computed_signature_verifies"].as_bool().unwrap(),
            "{name}: {crypto:?}"
        );
        let result = case.accept(now);
        assert_eq!(
            result.is_ok(),
            raw["expect_accept"].as_bool().unwrap(),
            "{name}: {result:?}"
        );
        match name {
            "get-valid" | "get-query-valid" | "post-valid" => result.unwrap(),
            "get-query-mismatch"
            | "get-path-mismatch"
            | "post-path-tampered"
            | "post-malformed-content-digest" => {
                assert!(
                    matches!(result, Err(SignatureError::Invalid)),
                    "{name}: {result:?}"
                )
            }
            "method-mismatch" => {
                assert!(
                    matches!(result, Err(SignatureError::MissingDigest)),
                    "{result:?}"
                );
                assert!(matches!(crypto, Err(SignatureError::Invalid)));
            }
            "created-too-old" => {
                assert!(matches!(result, Err(SignatureError::Stale)), "{result:?}");
                assert_eq!(
                    parse(&case.parts()).unwrap().created(),
                    Some(time("2023-12-18T10:00:00Z"))
                );
            }
            "post-content-digest-not-signed" => {
                assert!(
                    matches!(result, Err(SignatureError::DigestNotSigned)),
                    "{result:?}"
                )
            }
            "post-tampered-body" => {
                assert!(
                    matches!(result, Err(SignatureError::DigestMismatch)),
                    "{result:?}"
                )
            }
            "unknown-key" => {
                assert!(matches!(result, Err(SignatureError::Key(_))), "{result:?}")
            }
            other => panic!("no expectation written for {other}"),
        }
    }
    // The upper-case Content-Digest key is malformed on its own, whatever the signature says.
    let (malformed, _) = cases
        .iter()
        .find(|(c, _)| c.name == "post-malformed-content-digest")
        .unwrap();
    let value = malformed.headers["content-digest"].to_str().unwrap();
    assert!(matches!(
        verify_content_digest(value, b"Hello world"),
        Err(SignatureError::Malformed(_))
    ));
}

#[test]
fn fedify_draft_cavage_vector_is_accepted() {
    let json = load("fedify--draft-cavage-vector.json");
    let case = Case::from_json(&json["request"], "");
    let key_doc = load("fedify--example.com-key.json");
    assert_eq!(
        parse(&case.parts()).unwrap().key_id(),
        key_doc["id"].as_str().unwrap()
    );
    let key = PublicKey::from_pem(key_doc["publicKeyPem"].as_str().unwrap()).unwrap();
    assert_eq!(case.message(), json["signing_string"].as_str().unwrap());
    let parsed = parse(&case.parts()).unwrap();
    let now = time(json["now"].as_str().unwrap());
    parsed
        .verify(&case.parts(), &key, now, case.body.as_deref())
        .unwrap();
    // Two hours later the same request is stale.
    assert!(matches!(
        parsed.verify(
            &case.parts(),
            &key,
            now + TimeDelta::hours(2),
            case.body.as_deref()
        ),
        Err(SignatureError::Stale)
    ));
}

#[test]
fn bob_actor_document_key_matches_mastodons_private_key() {
    let private = PrivateKey::from_pem(&super::testkit::bob_private_pem()).unwrap();
    assert_eq!(
        private.public_key(),
        PublicKey::from_pem(&bob_public_pem()).unwrap()
    );
}

#[test]
fn draft_cavage_appendix_c_vectors_come_out_as_the_corpus_says() {
    let json = load("draft-cavage-12--appendix-c-vectors.json");
    let key = PublicKey::from_pem(json["public_key_pem"].as_str().unwrap()).unwrap();
    assert_eq!(key.bits(), 1024);
    let mut request = json["request"].clone();
    request["name"] = "appendix-c".into();
    for case in json["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        request["headers"]["Signature"] = case["signature_header"].clone();
        let req = Case::from_json(&request, "https://example.com");
        match name {
            "C.1-default-test" | "C.2-basic-test" => {
                assert!(case["verifies"].as_bool().unwrap());
                assert_eq!(
                    req.message(),
                    case["signing_string"].as_str().unwrap(),
                    "{name}"
                );
                let parsed = parse(&req.parts()).unwrap();
                parsed.verify_signature_only(&req.parts(), &key).unwrap();
                // The signature verifies, but a POST whose Digest is unsigned is still refused.
                assert!(matches!(
                    req.verify_ignoring_time(&key),
                    Err(SignatureError::DigestNotSigned)
                ));
            }
            "C.3-all-headers-test" => {
                assert!(!case["verifies"].as_bool().unwrap());
                // rsa-sha256 with (created)/(expires) is an error by §2.3 of the draft.
                assert!(matches!(
                    parse(&req.parts()),
                    Err(SignatureError::Malformed(_))
                ));
                // And the claimed signing string does not verify, but the one without the
                // (created)/(expires) lines does, as the corpus notes.
                let signature = CavageSignature::parse_signature_value(case);
                let claimed = case["signing_string"].as_str().unwrap();
                assert!(key
                    .verify_pkcs1_sha256(claimed.as_bytes(), &signature)
                    .is_err());
                let without: Vec<&str> = claimed
                    .lines()
                    .filter(|l| !l.starts_with("(created)") && !l.starts_with("(expires)"))
                    .collect();
                key.verify_pkcs1_sha256(without.join("\n").as_bytes(), &signature)
                    .unwrap();
            }
            other => panic!("no expectation written for {other}"),
        }
    }
}

/// Helper kept here so the cavage parser needs no test-only API.
struct CavageSignature;
impl CavageSignature {
    fn parse_signature_value(case: &Value) -> Vec<u8> {
        use base64::Engine as _;
        let header = case["signature_header"].as_str().unwrap();
        let value = header
            .split("signature=\"")
            .nth(1)
            .unwrap()
            .trim_end_matches('"');
        base64::engine::general_purpose::STANDARD
            .decode(value)
            .unwrap()
    }
}

#[test]
fn peertube_mastodon_2_5_delivery_with_altered_body_is_refused() {
    let json = load("peertube--mastodon-2.5-bad-body-http-signature.json");
    let key = load("peertube--mastodon-2.5-public-key.json");
    let key = PublicKey::from_pem(key["publicKey"].as_str().unwrap()).unwrap();
    let headers = header_map(&json["headers"]);
    let url = Url::parse("http://localhost/accounts/ronan/inbox").unwrap();
    let req = RequestParts {
        method: &Method::POST,
        target_uri: &url,
        headers: &headers,
    };
    let parsed = parse(&req).unwrap();
    assert_eq!(
        parsed.key_id(),
        "http://localhost:3000/users/ronan2#main-key"
    );
    // The headers were signed for this inbox...
    parsed.verify_signature_only(&req, &key).unwrap();
    // ...but no serialisation of the altered body matches the Digest.
    let date = time("2018-10-22T13:34:22Z");
    for body in [
        serde_json::to_vec(&json["body"]).unwrap(),
        serde_json::to_vec_pretty(&json["body"]).unwrap(),
    ] {
        assert!(matches!(
            parsed.verify(&req, &key, date, Some(&body)),
            Err(SignatureError::DigestMismatch)
        ));
    }
    // And the signature is bound to the path: /inbox does not verify.
    let shared = Url::parse("http://localhost/inbox").unwrap();
    let req = RequestParts {
        method: &Method::POST,
        target_uri: &shared,
        headers: &headers,
    };
    assert!(matches!(
        parsed.verify_signature_only(&req, &key),
        Err(SignatureError::Invalid)
    ));
}

#[test]
fn peertube_ld_signature_vector_carries_no_http_signature_to_check() {
    // This file is an activity with an RsaSignature2017 linked-data signature. Checking it
    // needs JSON-LD canonicalisation, which is not this module's job (and quire does not
    // rely on LD signatures: it requires an HTTP signature from the actor). All this module
    // can say is that the document alone is not a signed request.
    let json = load("peertube--mastodon-2.5-create-bad-ld-signature.json");
    assert_eq!(json["signature"]["type"], "RsaSignature2017");
    let url = Url::parse("http://localhost/accounts/ronan/inbox").unwrap();
    let headers = HeaderMap::new();
    let req = RequestParts {
        method: &Method::POST,
        target_uri: &url,
        headers: &headers,
    };
    assert!(matches!(parse(&req), Err(SignatureError::Missing)));
}
