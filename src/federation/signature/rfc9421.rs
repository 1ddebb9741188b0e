//! RFC 9421 HTTP Message Signatures, the subset Mastodon 4.5 sends and accepts: one signature
//! chosen from `Signature-Input` / `Signature` (§4), the derived components of §2.2 that make
//! sense on a request, header fields (§2.1), the signature base (§2.5), and the
//! `rsa-v1_5-sha256` algorithm (§3.3.2), which is also the default for an RSA key when `alg`
//! is absent, as Mastodon sends it.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use http::{HeaderMap, HeaderName};

use super::sfv::{self, Bare, Item, Member, Params};
use super::{authority, joined_header, PrivateKey, PublicKey, RequestParts, SignatureError};

/// The label quire signs with (Mastodon uses the same).
const LABEL: &str = "sig1";

/// One signature from `Signature-Input` and `Signature`.
#[derive(Debug, Clone)]
pub(crate) struct MessageSignature {
    /// Component names, in order (`@method`, `content-digest`, …).
    pub components: Vec<String>,
    /// The covered components and parameters exactly as parsed, re-serialised for
    /// `@signature-params` (§2.3).
    items: Vec<Item>,
    params: Params,
    pub key_id: String,
    pub created: Option<i64>,
    pub expires: Option<i64>,
    signature: Vec<u8>,
}

fn bad(what: impl Into<String>) -> SignatureError {
    SignatureError::Malformed(what.into())
}

fn header_text(headers: &HeaderMap, name: &str) -> Result<Option<String>, SignatureError> {
    let mut values = headers.get_all(name).iter().peekable();
    if values.peek().is_none() {
        return Ok(None);
    }
    // Several field lines of one structured field are combined with commas (RFC 8941 §4.2).
    let parts: Result<Vec<&str>, _> = values.map(|v| v.to_str()).collect();
    let parts = parts.map_err(|_| bad(format!("{name} is not ASCII")))?;
    Ok(Some(parts.join(", ")))
}

impl MessageSignature {
    /// Reads the first signature of `Signature-Input` that has a value in `Signature`.
    pub fn from_headers(headers: &HeaderMap) -> Result<Self, SignatureError> {
        let input = header_text(headers, "signature-input")?.ok_or(SignatureError::Missing)?;
        let values = header_text(headers, "signature")?.ok_or(SignatureError::Missing)?;
        let inputs = sfv::parse_dictionary(&input)?;
        let values = sfv::parse_dictionary(&values)?;
        for (label, member) in inputs {
            let Some((_, value)) = values.iter().find(|(l, _)| *l == label) else {
                continue;
            };
            let Member::Item(Item {
                bare: Bare::Bytes(signature),
                ..
            }) = value
            else {
                return Err(bad(format!("signature {label} is not a byte sequence")));
            };
            let Member::InnerList(items, params) = member else {
                return Err(bad(format!("signature input {label} is not an inner list")));
            };
            return Self::new(items, params, signature.clone());
        }
        Err(bad("no Signature-Input label has a Signature"))
    }

    fn new(items: Vec<Item>, params: Params, signature: Vec<u8>) -> Result<Self, SignatureError> {
        let mut components = Vec::new();
        for item in &items {
            let Bare::String(name) = &item.bare else {
                return Err(bad("component identifiers must be strings"));
            };
            if !item.params.is_empty() {
                return Err(bad(format!(
                    "component parameters on {name:?} are not supported"
                )));
            }
            if name.chars().any(|c| c.is_ascii_uppercase()) || name == "@signature-params" {
                return Err(bad(format!("bad component name {name:?}")));
            }
            if components.contains(name) {
                return Err(bad(format!("component {name:?} covered twice")));
            }
            components.push(name.clone());
        }
        let mut key_id = None;
        let mut created = None;
        let mut expires = None;
        for (name, value) in &params {
            match (name.as_str(), value) {
                ("keyid", Bare::String(k)) => key_id = Some(k.clone()),
                ("created", Bare::Integer(t)) => created = Some(*t),
                ("expires", Bare::Integer(t)) => expires = Some(*t),
                ("alg", Bare::String(alg)) if alg == "rsa-v1_5-sha256" => {}
                ("alg", Bare::String(alg)) => {
                    return Err(SignatureError::UnsupportedAlgorithm(alg.clone()));
                }
                ("nonce" | "tag", Bare::String(_)) => {}
                (name, _)
                    if ["keyid", "created", "expires", "alg", "nonce", "tag"].contains(&name) =>
                {
                    return Err(bad(format!(
                        "signature parameter {name} has the wrong type"
                    )));
                }
                _ => {} // §2.3: unknown parameters are carried into the base, not interpreted.
            }
        }
        let key_id = key_id.ok_or_else(|| bad("no keyid parameter"))?;
        Ok(Self {
            components,
            items,
            params,
            key_id,
            created,
            expires,
            signature,
        })
    }

    /// Builds the signature base (§2.5) for this request.
    pub fn signature_base(&self, req: &RequestParts) -> Result<Vec<u8>, SignatureError> {
        signature_base(req, &self.items, &self.params)
    }

    /// Verifies the signature with RSASSA-PKCS1-v1_5 / SHA-256 (§3.3.2).
    pub fn verify(&self, req: &RequestParts, key: &PublicKey) -> Result<(), SignatureError> {
        key.verify_pkcs1_sha256(&self.signature_base(req)?, &self.signature)
    }
}

/// The value of one component (§2.1 fields, §2.2 derived components).
fn component_value(req: &RequestParts, name: &str) -> Result<Vec<u8>, SignatureError> {
    let url = req.target_uri;
    Ok(match name {
        "@method" => req.method.as_str().as_bytes().to_vec(),
        "@target-uri" => url.as_str().as_bytes().to_vec(),
        "@authority" => authority(url)?.to_ascii_lowercase().into_bytes(),
        "@scheme" => url.scheme().to_ascii_lowercase().into_bytes(),
        "@path" => url.path().as_bytes().to_vec(),
        "@query" => format!("?{}", url.query().unwrap_or("")).into_bytes(),
        "@request-target" => match url.query() {
            Some(q) => format!("{}?{q}", url.path()).into_bytes(),
            None => url.path().as_bytes().to_vec(),
        },
        derived if derived.starts_with('@') => {
            return Err(bad(format!(
                "derived component {derived:?} is not supported"
            )));
        }
        field => joined_header(req.headers, field)
            .ok_or_else(|| bad(format!("covered header {field:?} is missing")))?,
    })
}

/// The signature base (§2.5): one `"name": value` line per component, then
/// `"@signature-params": <inner list>`; lines separated by `\n`, no trailing newline.
fn signature_base(
    req: &RequestParts,
    items: &[Item],
    params: &Params,
) -> Result<Vec<u8>, SignatureError> {
    let mut out = Vec::new();
    for item in items {
        let Bare::String(name) = &item.bare else {
            return Err(bad("component identifiers must be strings"));
        };
        let value = component_value(req, name)?;
        if value.contains(&b'\n') || value.contains(&b'\r') {
            return Err(bad(format!("component {name:?} contains a line break")));
        }
        out.push(b'"');
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\": ");
        out.extend_from_slice(&value);
        out.push(b'\n');
    }
    out.extend_from_slice(b"\"@signature-params\": ");
    out.extend_from_slice(sfv::serialize_inner_list(items, params)?.as_bytes());
    Ok(out)
}

/// Signs `req` the way Mastodon does and returns the `Signature-Input` and `Signature`
/// headers to add. `Content-Digest` must already be set when `with_digest`.
pub(crate) fn sign(
    req: &RequestParts,
    with_digest: bool,
    key_id: &str,
    key: &PrivateKey,
    created: i64,
) -> Result<Vec<(HeaderName, String)>, SignatureError> {
    let mut names = vec!["@method", "@target-uri"];
    if with_digest {
        names.push("content-digest");
    }
    let items: Vec<Item> = names
        .iter()
        .map(|n| Item {
            bare: Bare::String((*n).to_owned()),
            params: Vec::new(),
        })
        .collect();
    if sfv::serialize_string(key_id).is_none() {
        return Err(bad("keyid must be printable ASCII"));
    }
    let params: Params = vec![
        ("created".to_owned(), Bare::Integer(created)),
        ("keyid".to_owned(), Bare::String(key_id.to_owned())),
    ];
    let base = signature_base(req, &items, &params)?;
    let signature = B64.encode(key.sign_pkcs1_sha256(&base)?);
    Ok(vec![
        (
            HeaderName::from_static("signature-input"),
            format!("{LABEL}={}", sfv::serialize_inner_list(&items, &params)?),
        ),
        (
            HeaderName::from_static("signature"),
            format!("{LABEL}=:{signature}:"),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderValue, Method};
    use url::Url;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn derived_components_follow_section_2_2() {
        let url = Url::parse("https://Www.Example.com:8443/a/b?x=1&y").unwrap();
        let map = headers(&[("x-many", " one "), ("x-many", "two")]);
        let req = RequestParts {
            method: &Method::POST,
            target_uri: &url,
            headers: &map,
        };
        let value = |n| String::from_utf8(component_value(&req, n).unwrap()).unwrap();
        assert_eq!(value("@method"), "POST");
        assert_eq!(
            value("@target-uri"),
            "https://www.example.com:8443/a/b?x=1&y"
        );
        assert_eq!(value("@authority"), "www.example.com:8443");
        assert_eq!(value("@scheme"), "https");
        assert_eq!(value("@path"), "/a/b");
        assert_eq!(value("@query"), "?x=1&y");
        assert_eq!(value("@request-target"), "/a/b?x=1&y");
        assert_eq!(value("x-many"), "one, two");
        assert!(component_value(&req, "@status").is_err());
        assert!(component_value(&req, "absent").is_err());
    }

    #[test]
    fn the_first_label_with_a_signature_is_used() {
        let map = headers(&[
            (
                "signature-input",
                r#"a=("@method");keyid="ka", b=("@path");keyid="kb";created=5"#,
            ),
            ("signature", "b=:aGk=:"),
        ]);
        let sig = MessageSignature::from_headers(&map).unwrap();
        assert_eq!(sig.key_id, "kb");
        assert_eq!(sig.components, ["@path"]);
        assert_eq!(sig.created, Some(5));
    }

    #[test]
    fn unsupported_inputs_are_refused() {
        for input in [
            r#"s=("@method");created=1"#,                      // no keyid
            r#"s=("@method";req);keyid="k""#,                  // component parameters
            r#"s=("@method" "@method");keyid="k""#,            // duplicate
            r#"s=(@method);keyid="k""#,                        // token, not string
            r#"s=("@method");keyid="k";alg="rsa-pss-sha512""#, // other algorithm
            r#"s=("@method");keyid="k";created="1""#,          // wrong type
            r#"s="@method";keyid="k""#,                        // not a list
        ] {
            let map = headers(&[("signature-input", input), ("signature", "s=:aGk=:")]);
            assert!(
                MessageSignature::from_headers(&map).is_err(),
                "{input} accepted"
            );
        }
        let map = headers(&[
            ("signature-input", r#"s=("@method");keyid="k""#),
            ("signature", "t=:aGk=:"),
        ]);
        assert!(MessageSignature::from_headers(&map).is_err());
    }

    #[test]
    fn explicit_rsa_v1_5_sha256_is_accepted() {
        let map = headers(&[
            (
                "signature-input",
                r#"s=("@method");keyid="k";alg="rsa-v1_5-sha256";nonce="n""#,
            ),
            ("signature", "s=:aGk=:"),
        ]);
        MessageSignature::from_headers(&map).unwrap();
    }
}
