//! draft-cavage-http-signatures-12: the `Signature` header Mastodon and most of the fediverse
//! send. Parsing (§2.1), the signing string (§2.3), verification (§2.5) and signing.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use http::{HeaderMap, HeaderName};

use super::{authority, joined_header, PrivateKey, PublicKey, RequestParts, SignatureError};

/// A parsed draft-cavage `Signature` header.
#[derive(Debug, Clone)]
pub(crate) struct CavageSignature {
    pub key_id: String,
    /// `headers`, lower-case, in order; `["date"]` when the parameter is absent (the default
    /// the draft's own Appendix C vectors and Mastodon use).
    pub headers: Vec<String>,
    pub signature: Vec<u8>,
    pub created: Option<i64>,
    pub expires: Option<i64>,
}

fn bad(what: impl Into<String>) -> SignatureError {
    SignatureError::Malformed(what.into())
}

impl CavageSignature {
    /// Reads the `Signature` header, or `Authorization: Signature …` (§3.1).
    pub fn from_headers(headers: &HeaderMap) -> Result<Self, SignatureError> {
        if let Some(value) = headers.get("signature") {
            let text = value.to_str().map_err(|_| bad("Signature is not ASCII"))?;
            return Self::parse(text);
        }
        for value in headers.get_all(http::header::AUTHORIZATION) {
            let Ok(text) = value.to_str() else { continue };
            if let Some((scheme, rest)) = text.trim().split_once(' ') {
                if scheme.eq_ignore_ascii_case("signature") {
                    return Self::parse(rest);
                }
            }
        }
        Err(SignatureError::Missing)
    }

    /// Parses the parameter list `name="value",name=123,…` (§2.1, §4.1).
    pub fn parse(text: &str) -> Result<Self, SignatureError> {
        let mut params: Vec<(String, String)> = Vec::new();
        let mut rest = text.trim();
        while !rest.is_empty() {
            let (name, after) = rest
                .split_once('=')
                .ok_or_else(|| bad("parameter without '='"))?;
            let name = name.trim().to_ascii_lowercase();
            let after = after.trim_start();
            let (value, after) = if let Some(quoted) = after.strip_prefix('"') {
                let mut value = String::new();
                let mut chars = quoted.char_indices();
                let end = loop {
                    match chars.next() {
                        None => return Err(bad("unterminated quoted parameter")),
                        Some((i, '"')) => break i,
                        Some((_, '\\')) => match chars.next() {
                            Some((_, c)) => value.push(c),
                            None => return Err(bad("unterminated quoted parameter")),
                        },
                        Some((_, c)) => value.push(c),
                    }
                };
                (value, &quoted[end + 1..])
            } else {
                // Unquoted values: the integer `created` / `expires` (§2.1.4, §2.1.5).
                let end = after.find(',').unwrap_or(after.len());
                (after[..end].trim().to_owned(), &after[end..])
            };
            if params.iter().any(|(n, _)| *n == name) {
                return Err(bad(format!("parameter {name} repeated")));
            }
            params.push((name, value));
            let after = after.trim_start();
            rest = match after.strip_prefix(',') {
                Some(r) => r.trim_start(),
                None if after.is_empty() => after,
                None => return Err(bad("expected ',' between parameters")),
            };
        }
        let take = |name: &str| {
            params
                .iter()
                .position(|(n, _)| n == name)
                .map(|i| params[i].1.clone())
        };
        let key_id = take("keyid").ok_or_else(|| bad("no keyId"))?;
        let signature = take("signature").ok_or_else(|| bad("no signature"))?;
        let signature = B64
            .decode(signature.trim())
            .map_err(|_| bad("signature is not base64"))?;
        let headers: Vec<String> = match take("headers") {
            Some(list) => list
                .split_ascii_whitespace()
                .map(str::to_ascii_lowercase)
                .collect(),
            None => vec!["date".to_owned()],
        };
        if headers.is_empty() {
            return Err(bad("empty headers list"));
        }
        let int = |name: &str| -> Result<Option<i64>, SignatureError> {
            take(name)
                .map(|v| {
                    // `expires` may carry a fractional part (§2.1.5); whole seconds suffice.
                    let whole = v.split_once('.').map_or(v.as_str(), |(w, _)| w);
                    whole
                        .parse::<i64>()
                        .map_err(|_| bad(format!("{name} is not an integer")))
                })
                .transpose()
        };
        // created/expires are only authenticated when their pseudo-headers are signed (§2.3);
        // unsigned ones are ignored so they cannot make a replayed request look fresh.
        let covered = |pseudo: &str| headers.iter().any(|h| h == pseudo);
        let created = int("created")?.filter(|_| covered("(created)"));
        let expires = int("expires")?.filter(|_| covered("(expires)"));
        // An absent algorithm means "derive it from the key" (§2.1.3): RSA here.
        if let Some(alg) = take("algorithm").map(|a| a.to_ascii_lowercase()) {
            if alg != "rsa-sha256" && alg != "hs2019" {
                return Err(SignatureError::UnsupportedAlgorithm(alg));
            }
            // §2.3: (created)/(expires) with an rsa/hmac/ecdsa algorithm MUST be an error.
            let pseudo = headers.iter().any(|h| h == "(created)" || h == "(expires)");
            if pseudo && alg.starts_with("rsa") {
                return Err(bad("(created)/(expires) cannot be signed with rsa-sha256"));
            }
        }
        Ok(Self {
            key_id,
            headers,
            signature,
            created,
            expires,
        })
    }

    /// Builds the signing string (§2.3) for this request; `request_target` is the
    /// `(request-target)` value (`post /inbox?x=1`).
    pub fn signing_string(
        &self,
        req: &RequestParts,
        request_target: &str,
    ) -> Result<Vec<u8>, SignatureError> {
        let mut out = Vec::new();
        for (i, name) in self.headers.iter().enumerate() {
            if i > 0 {
                out.push(b'\n');
            }
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            match name.as_str() {
                "(request-target)" => out.extend_from_slice(request_target.as_bytes()),
                "(created)" => {
                    let created = self
                        .created
                        .ok_or_else(|| bad("(created) signed but absent"))?;
                    out.extend_from_slice(created.to_string().as_bytes());
                }
                "(expires)" => {
                    let expires = self
                        .expires
                        .ok_or_else(|| bad("(expires) signed but absent"))?;
                    out.extend_from_slice(expires.to_string().as_bytes());
                }
                _ => match joined_header(req.headers, name) {
                    Some(value) => out.extend_from_slice(&value),
                    None if name == "host" => {
                        out.extend_from_slice(authority(req.target_uri)?.as_bytes())
                    }
                    None => return Err(bad(format!("signed header {name} is missing"))),
                },
            }
        }
        Ok(out)
    }

    /// Verifies the signature. Like Mastodon, when the full `(request-target)` fails and the
    /// URL has a query, it retries without the query: some signers sign the path only.
    pub fn verify(&self, req: &RequestParts, key: &PublicKey) -> Result<(), SignatureError> {
        // rsa-sha256, hs2019 or no algorithm: with an RSA key all mean PKCS#1 v1.5 SHA-256.
        let full = request_target(req, true);
        key.verify_pkcs1_sha256(&self.signing_string(req, &full)?, &self.signature)
            .or_else(|err| {
                if req.target_uri.query().is_none()
                    || !self.headers.iter().any(|h| h == "(request-target)")
                {
                    return Err(err);
                }
                let path_only = request_target(req, false);
                key.verify_pkcs1_sha256(&self.signing_string(req, &path_only)?, &self.signature)
            })
    }
}

/// The `(request-target)` value: lower-case method, space, path and (optionally) query.
fn request_target(req: &RequestParts, with_query: bool) -> String {
    let mut target = format!(
        "{} {}",
        req.method.as_str().to_ascii_lowercase(),
        req.target_uri.path()
    );
    if let (true, Some(query)) = (with_query, req.target_uri.query()) {
        target.push('?');
        target.push_str(query);
    }
    target
}

/// Signs `req` the way Mastodon does and returns the `Signature` header to add. The `Host`,
/// `Date` and (when `with_digest`) `Digest` headers must already be set.
pub(crate) fn sign(
    req: &RequestParts,
    with_digest: bool,
    key_id: &str,
    key: &PrivateKey,
) -> Result<Vec<(HeaderName, String)>, SignatureError> {
    if key_id.contains(['"', '\\']) || key_id.chars().any(|c| c.is_control()) {
        return Err(bad(
            "keyId cannot contain quotes, backslashes or control characters",
        ));
    }
    let headers = if with_digest {
        "(request-target) host date digest"
    } else {
        "(request-target) host date"
    };
    let unsigned = CavageSignature {
        key_id: key_id.to_owned(),
        headers: headers.split(' ').map(str::to_owned).collect(),
        signature: Vec::new(),
        created: None,
        expires: None,
    };
    let text = unsigned.signing_string(req, &request_target(req, true))?;
    let signature = B64.encode(key.sign_pkcs1_sha256(&text)?);
    Ok(vec![(
        HeaderName::from_static("signature"),
        format!(
            "keyId=\"{key_id}\",algorithm=\"rsa-sha256\",headers=\"{headers}\",signature=\"{signature}\""
        ),
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_parse_in_any_order_with_spaces() {
        let sig = CavageSignature::parse(
            r#"signature="aGk=", keyId="https://a.example/u#k" ,headers="(request-target) Host",created=12,expires=13.5"#,
        )
        .unwrap();
        assert_eq!(sig.key_id, "https://a.example/u#k");
        assert_eq!(sig.headers, ["(request-target)", "host"]);
        assert_eq!(sig.signature, b"hi");
        // Not covered by `headers`, so not trusted.
        assert_eq!((sig.created, sig.expires), (None, None));
        let sig = CavageSignature::parse(
            r#"keyId="k",algorithm="hs2019",headers="(created) (expires)",created=12,expires=13.5,signature="aGk=""#,
        )
        .unwrap();
        assert_eq!((sig.created, sig.expires), (Some(12), Some(13)));
    }

    #[test]
    fn headers_default_to_date() {
        let sig = CavageSignature::parse(r#"keyId="k",signature="aGk=""#).unwrap();
        assert_eq!(sig.headers, ["date"]);
    }

    #[test]
    fn malformed_headers_are_refused() {
        for text in [
            "",
            r#"keyId="k""#,
            r#"signature="aGk=""#,
            r#"keyId="k,signature="aGk=""#,
            r#"keyId="k",signature="%%%""#,
            r#"keyId="k",keyId="j",signature="aGk=""#,
            r#"keyId="k" signature="aGk=""#,
            r#"keyId="k",signature="aGk=",created=soon"#,
            r#"keyId="k",signature="aGk=",headers="""#,
        ] {
            assert!(CavageSignature::parse(text).is_err(), "{text} accepted");
        }
    }

    #[test]
    fn unknown_algorithms_are_refused() {
        assert!(matches!(
            CavageSignature::parse(r#"keyId="k",algorithm="hmac-sha256",signature="aGk=""#),
            Err(SignatureError::UnsupportedAlgorithm(_))
        ));
        CavageSignature::parse(r#"keyId="k",algorithm="hs2019",signature="aGk=""#).unwrap();
    }

    #[test]
    fn authorization_signature_is_read() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::AUTHORIZATION,
            http::HeaderValue::from_static(r#"Signature keyId="k",signature="aGk=""#),
        );
        assert_eq!(CavageSignature::from_headers(&headers).unwrap().key_id, "k");
        assert!(matches!(
            CavageSignature::from_headers(&HeaderMap::new()),
            Err(SignatureError::Missing)
        ));
    }
}
