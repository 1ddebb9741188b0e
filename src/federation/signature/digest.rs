//! Body digests: the legacy `Digest` header (RFC 3230, as draft-cavage signers send it) and
//! `Content-Digest` (RFC 9530, as RFC 9421 signers send it). A signature covers the digest
//! header, and the digest covers the body: both links must hold.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ring::digest::{self, Algorithm, SHA256, SHA512};

use super::sfv::{self, Bare, Member};
use super::SignatureError;

/// The `Digest` header value for `body`: `SHA-256=<base64>` (RFC 3230 §4.3.2, RFC 5843), the
/// exact form Mastodon sends and expects.
pub fn digest_header(body: &[u8]) -> String {
    format!("SHA-256={}", B64.encode(digest::digest(&SHA256, body)))
}

/// The `Content-Digest` header value for `body`: `sha-256=:<base64>:` (RFC 9530 §2).
pub fn content_digest_header(body: &[u8]) -> String {
    format!("sha-256=:{}:", B64.encode(digest::digest(&SHA256, body)))
}

/// The algorithms checked, by their lower-case names (RFC 9530 §5 / RFC 5843).
fn algorithm(name: &str) -> Option<&'static Algorithm> {
    match name {
        "sha-256" => Some(&SHA256),
        "sha-512" => Some(&SHA512),
        _ => None,
    }
}

/// Checks every supported entry of a set of (algorithm, expected bytes): at least one
/// supported algorithm must be present and each supported one must match.
fn check(
    entries: impl IntoIterator<Item = (String, Vec<u8>)>,
    body: &[u8],
) -> Result<(), SignatureError> {
    let mut checked = false;
    for (name, expected) in entries {
        if let Some(alg) = algorithm(&name) {
            if digest::digest(alg, body).as_ref() != expected.as_slice() {
                return Err(SignatureError::DigestMismatch);
            }
            checked = true;
        }
    }
    if checked {
        Ok(())
    } else {
        Err(SignatureError::UnsupportedAlgorithm(
            "no SHA-256 or SHA-512 digest given".into(),
        ))
    }
}

/// Checks a `Digest` header value (RFC 3230 §4.3.2: comma-separated `algorithm=base64`,
/// algorithm names case-insensitive, so `SHA-256=` and Fedify's `sha-256=` both work).
pub fn verify_digest(value: &str, body: &[u8]) -> Result<(), SignatureError> {
    let mut entries = Vec::new();
    for part in value.split(',') {
        let part = part.trim();
        let (name, encoded) = part
            .split_once('=')
            .ok_or_else(|| SignatureError::Malformed(format!("bad Digest entry {part:?}")))?;
        let name = name.trim().to_ascii_lowercase();
        if algorithm(&name).is_none() {
            continue;
        }
        let bytes = B64
            .decode(encoded.trim())
            .map_err(|_| SignatureError::Malformed("bad base64 in Digest".into()))?;
        entries.push((name, bytes));
    }
    check(entries, body)
}

/// Checks a `Content-Digest` header value (RFC 9530 §2: an RFC 8941 dictionary of byte
/// sequences). Dictionary keys are lower-case by definition, so `SHA-256=:…:` is malformed
/// (Mastodon answers 400 to it too).
pub fn verify_content_digest(value: &str, body: &[u8]) -> Result<(), SignatureError> {
    let mut entries = Vec::new();
    for (name, member) in sfv::parse_dictionary(value)? {
        if algorithm(&name).is_none() {
            continue;
        }
        match member {
            Member::Item(sfv::Item {
                bare: Bare::Bytes(bytes),
                ..
            }) => entries.push((name, bytes)),
            _ => {
                return Err(SignatureError::Malformed(format!(
                    "Content-Digest {name} is not a byte sequence"
                )));
            }
        }
    }
    check(entries, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HELLO_SHA256: &str = "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=";

    #[test]
    fn headers_have_the_form_mastodon_sends() {
        assert_eq!(
            digest_header(b"Hello world"),
            format!("SHA-256={HELLO_SHA256}")
        );
        assert_eq!(
            content_digest_header(b"Hello world"),
            format!("sha-256=:{HELLO_SHA256}:")
        );
    }

    #[test]
    fn digest_algorithm_names_are_case_insensitive() {
        verify_digest(&format!("SHA-256={HELLO_SHA256}"), b"Hello world").unwrap();
        verify_digest(&format!("sha-256={HELLO_SHA256}"), b"Hello world").unwrap();
    }

    #[test]
    fn altered_body_is_refused() {
        assert!(matches!(
            verify_digest(&digest_header(b"Hello world"), b"Hello world!"),
            Err(SignatureError::DigestMismatch)
        ));
        assert!(matches!(
            verify_content_digest(&content_digest_header(b"Hello world"), b"Hello world!"),
            Err(SignatureError::DigestMismatch)
        ));
    }

    #[test]
    fn sha512_entries_are_checked_too() {
        let body = b"Hello world";
        let sha512 = B64.encode(digest::digest(&SHA512, body));
        verify_content_digest(
            &format!("sha-512=:{sha512}:, sha-256=:{HELLO_SHA256}:"),
            body,
        )
        .unwrap();
        verify_digest(&format!("SHA-512={sha512},MD5=xyz"), body).unwrap();
        let wrong = B64.encode(digest::digest(&SHA512, b"other"));
        assert!(matches!(
            verify_content_digest(
                &format!("sha-512=:{wrong}:, sha-256=:{HELLO_SHA256}:"),
                body
            ),
            Err(SignatureError::DigestMismatch)
        ));
    }

    #[test]
    fn only_unsupported_algorithms_are_refused() {
        assert!(verify_digest("MD5=abc", b"").is_err());
        assert!(verify_content_digest("md5=:YWJj:", b"").is_err());
        assert!(verify_content_digest("", b"").is_err());
    }

    #[test]
    fn upper_case_content_digest_keys_are_malformed() {
        assert!(matches!(
            verify_content_digest(&format!("SHA-256=:{HELLO_SHA256}:"), b"Hello world"),
            Err(SignatureError::Malformed(_))
        ));
    }
}
