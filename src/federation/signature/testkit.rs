//! Test helpers: the corpus of published signature vectors, read at test time.

use std::path::PathBuf;

use http::{HeaderMap, HeaderName, HeaderValue};

/// `/work/shared/corpus/signatures`, beside the repository (never copied into it).
pub(crate) fn corpus_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/signatures"
    ))
}

/// Reads one corpus file as JSON.
pub(crate) fn load(name: &str) -> serde_json::Value {
    let path = corpus_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read corpus file {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Mastodon's throw-away test key for `https://remote.domain/users/bob#main-key` (PKCS#1).
pub(crate) fn bob_private_pem() -> String {
    load("mastodon-spec--draft-cavage-vectors.json")["private_key_pem_test_only"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Bob's public key as his actor document publishes it (SPKI).
pub(crate) fn bob_public_pem() -> String {
    load("fedify--remote.domain-users-bob.actor.json")["publicKey"][0]["publicKeyPem"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A header map from a JSON object of name → string value.
pub(crate) fn header_map(json: &serde_json::Value) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in json.as_object().unwrap() {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value.as_str().unwrap()).unwrap(),
        );
    }
    map
}
