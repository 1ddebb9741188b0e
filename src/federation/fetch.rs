//! The only HTTP client quire uses to reach other servers: https only, no private, loopback
//! or link-local addresses (checked on the address actually dialled, after DNS and after
//! every redirect), timeouts, a body size cap, and signed requests so servers in Mastodon's
//! secure mode answer.
//!
//! `allow_private_networks` lifts the address and scheme rules, for tests on 127.0.0.1.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderValue, Method};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::Url;

use super::signature::{sign_request, PrivateKey, Scheme};

/// Most bytes read from a remote answer (an actor, an object): 1 MiB.
pub const MAX_BODY: usize = 1024 * 1024;

/// Why a remote request failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The URL is not one quire may fetch (scheme, private address).
    #[error("refused to fetch {0}: {1}")]
    Forbidden(String, &'static str),
    /// Network, TLS, DNS or timeout.
    #[error("request to {0} failed: {1}")]
    Transport(String, String),
    /// The server answered with an error status.
    #[error("{url} answered {status}")]
    Status { url: String, status: u16 },
    /// The answer was larger than allowed.
    #[error("{0}: answer larger than {MAX_BODY} bytes")]
    TooLarge(String),
    /// The answer was not the JSON expected.
    #[error("{0}: not valid JSON: {1}")]
    Json(String, String),
    /// Signing failed (a broken local key).
    #[error("signing failed: {0}")]
    Signing(String),
}

/// Who signs a request: the key id published in the actor document and the private key.
#[derive(Clone, Copy)]
pub struct Signer<'a> {
    pub key_id: &'a str,
    pub key: &'a PrivateKey,
}

/// The SSRF-safe client. Cheap to clone.
#[derive(Clone)]
pub struct SafeClient {
    client: reqwest::Client,
    allow_private: bool,
}

/// An answer to a POST: the status and a short excerpt of the body (for error messages).
#[derive(Debug, Clone)]
pub struct PostOutcome {
    pub status: u16,
    pub body_excerpt: String,
}

impl SafeClient {
    /// Builds the client. `allow_private` permits http and private addresses (tests only).
    /// Fails only if the TLS backend cannot start; there is deliberately no fallback to an
    /// unguarded client.
    pub fn new(allow_private: bool) -> Result<SafeClient, FetchError> {
        let redirect_guard = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 5 {
                return attempt.error("too many redirects");
            }
            match check_url(attempt.url(), allow_private) {
                Ok(()) => attempt.follow(),
                Err(reason) => attempt.error(reason),
            }
        });
        let client = reqwest::Client::builder()
            .user_agent(concat!("quire/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(GuardedResolver { allow_private }))
            .redirect(redirect_guard)
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(20))
            .pool_idle_timeout(Duration::from_secs(60))
            .https_only(!allow_private)
            .build()
            .map_err(|e| FetchError::Transport("(client setup)".into(), error_chain(&e)))?;
        Ok(SafeClient {
            client,
            allow_private,
        })
    }

    /// GETs ActivityStreams JSON, signed by `signer` (Mastodon's secure mode needs it).
    pub async fn get_json(
        &self,
        url: &str,
        signer: Option<Signer<'_>>,
    ) -> Result<serde_json::Value, FetchError> {
        let parsed = self.checked(url)?;
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::ACCEPT,
            HeaderValue::from_static(
                "application/activity+json, application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
            ),
        );
        if let Some(s) = signer {
            sign_request(
                Scheme::Cavage,
                &Method::GET,
                &parsed,
                &mut headers,
                None,
                s.key_id,
                s.key,
                chrono::Utc::now(),
            )
            .map_err(|e| FetchError::Signing(e.to_string()))?;
        }
        let response = self
            .client
            .get(parsed.clone())
            .headers(headers)
            .send()
            .await
            .map_err(|e| FetchError::Transport(url.to_string(), error_chain(&e)))?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(FetchError::Status {
                url: url.to_string(),
                status,
            });
        }
        let bytes = read_capped(response, url).await?;
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        serde_json::from_slice(bytes).map_err(|e| FetchError::Json(url.to_string(), e.to_string()))
    }

    /// POSTs an activity to an inbox, signed with `scheme`. Any status is returned; only
    /// transport failures are errors.
    pub async fn post_activity(
        &self,
        inbox: &str,
        body: &[u8],
        scheme: Scheme,
        signer: Signer<'_>,
    ) -> Result<PostOutcome, FetchError> {
        let parsed = self.checked(inbox)?;
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
            signer.key_id,
            signer.key,
            chrono::Utc::now(),
        )
        .map_err(|e| FetchError::Signing(e.to_string()))?;
        let response = self
            .client
            .post(parsed)
            .headers(headers)
            .body(body.to_vec())
            .send()
            .await
            .map_err(|e| FetchError::Transport(inbox.to_string(), error_chain(&e)))?;
        let status = response.status().as_u16();
        let excerpt = match read_capped(response, inbox).await {
            Ok(b) => String::from_utf8_lossy(&b[..b.len().min(200)]).into_owned(),
            Err(_) => String::new(),
        };
        Ok(PostOutcome {
            status,
            body_excerpt: excerpt,
        })
    }

    /// Parses and checks a URL before any connection.
    fn checked(&self, url: &str) -> Result<Url, FetchError> {
        let parsed =
            Url::parse(url).map_err(|_| FetchError::Forbidden(url.to_string(), "not a URL"))?;
        check_url(&parsed, self.allow_private)
            .map_err(|reason| FetchError::Forbidden(url.to_string(), reason))?;
        Ok(parsed)
    }
}

/// The rules for a URL before it is dialled: scheme, and IP-literal hosts (which skip DNS).
fn check_url(url: &Url, allow_private: bool) -> Result<(), &'static str> {
    match url.scheme() {
        "https" => {}
        "http" if allow_private => {}
        _ => return Err("only https URLs are fetched"),
    }
    match url.host() {
        None => Err("no host"),
        Some(url::Host::Ipv4(ip)) if !allow_private && !is_global(IpAddr::V4(ip)) => {
            Err("a private, loopback or link-local address")
        }
        Some(url::Host::Ipv6(ip)) if !allow_private && !is_global(IpAddr::V6(ip)) => {
            Err("a private, loopback or link-local address")
        }
        Some(_) => Ok(()),
    }
}

/// Resolves names and drops every address quire must not dial.
struct GuardedResolver {
    allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| allow_private || is_global(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Is `ip` an address on the public internet (not private, loopback, link-local, shared,
/// documentation, multicast or reserved)?
pub fn is_global(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_global_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_global_v4(v4);
            }
            is_global_v6(v6)
        }
    }
}

fn is_global_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || o[0] == 0
        || (o[0] == 100 && (64..128).contains(&o[1])) // shared address space (CGNAT)
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
        || (o[0] == 198 && (18..20).contains(&o[1])) // benchmarking
        || o[0] >= 240) // reserved
}

fn is_global_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x0064 && s[1] == 0xff9b) // NAT64 (could reach private v4)
        || ip.to_ipv4().is_some_and(|v4| s[0..6] == [0; 6] && !is_global_v4(v4)))
}

/// Reads a body, refusing more than [`MAX_BODY`] bytes.
async fn read_capped(mut response: reqwest::Response, url: &str) -> Result<Vec<u8>, FetchError> {
    if response
        .content_length()
        .is_some_and(|n| n as usize > MAX_BODY)
    {
        return Err(FetchError::TooLarge(url.to_string()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| FetchError::Transport(url.to_string(), error_chain(&e)))?
    {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(FetchError::TooLarge(url.to_string()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// An error with its causes, joined by `: ` (reqwest hides the useful part, "connection
/// refused", in them).
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_and_link_local_addresses_are_not_global() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(!is_global(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["1.1.1.1", "93.184.216.34", "2606:4700::1111"] {
            assert!(is_global(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn only_https_and_public_literals_pass_unless_private_networks_are_allowed() {
        let check = |u: &str, p| check_url(&Url::parse(u).unwrap(), p);
        assert!(check("https://example.org/x", false).is_ok());
        assert!(check("http://example.org/x", false).is_err());
        assert!(check("https://127.0.0.1/x", false).is_err());
        assert!(check("https://[::1]/x", false).is_err());
        assert!(check("https://169.254.169.254/latest", false).is_err());
        assert!(check("http://127.0.0.1:8080/x", true).is_ok());
        assert!(check("ftp://example.org/x", true).is_err());
    }

    #[tokio::test]
    async fn a_name_resolving_to_loopback_is_refused_after_dns() {
        let client = SafeClient::new(false).unwrap();
        // "localhost" resolves to loopback: refused by the resolver, not by the URL check.
        let err = client
            .get_json("https://localhost/actor", None)
            .await
            .unwrap_err();
        assert!(matches!(err, FetchError::Transport(..)), "{err}");
        assert!(err.to_string().contains("no public address"), "{err}");
    }
}
