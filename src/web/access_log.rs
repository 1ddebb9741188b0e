//! Who is asking: the client address behind a reverse proxy, and one log line per request.
//!
//! Behind Caddy or nginx every TCP peer is the proxy. When the peer is one of
//! `server.trusted_proxies`, the client is read from `X-Forwarded-For`: walking from its right
//! end (the hop the proxy added) leftwards while the hop found so far is itself trusted. A
//! peer that is not trusted is the client, whatever the header claims, so nobody can forge an
//! address by sending the header directly. The address only feeds logs and
//! [`ClientAddr`] (for handlers that limit by client); ids never depend on it.

use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;

use super::AppState;

/// The client's address, as [`client_address`] decided; a request extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// The client of a request that came from TCP peer `peer` with these headers.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.contains(&canonical(*ip));
    let mut client = peer;
    if !is_trusted(&client) {
        return client;
    }
    // Several X-Forwarded-For headers count as one list, in order.
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .collect();
    for hop in hops.iter().rev() {
        if !is_trusted(&client) {
            break;
        }
        match parse_hop(hop) {
            Some(ip) => client = ip,
            // Garbage from a hop we cannot vouch for: keep the last address we could.
            None => break,
        }
    }
    client
}

/// An address as proxies write them: `203.0.113.7`, `2001:db8::1`, `203.0.113.7:5000` or
/// `[2001:db8::1]:5000`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            hop.strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .and_then(|h| h.parse().ok())
        })
        .map(canonical)
}

/// IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`, what a dual-stack socket reports) as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// Middleware: decides the client address, hands it to handlers as [`ClientAddr`], and logs
/// method, path (without the query), status, client and duration: at `debug` (the proxy keeps
/// the access log; `RUST_LOG=info,quire::web::access_log=debug` shows these lines), at `warn`
/// for server errors.
pub async fn log_request(
    State(app): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let start = Instant::now();
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| canonical(c.0.ip()));
    let client = peer.map(|p| client_address(p, request.headers(), &app.config.trusted_proxies));
    if let Some(client) = client {
        request.extensions_mut().insert(ClientAddr(client));
    }
    let method = request.method().clone();
    // Cloning the Uri shares its bytes: no allocation on the hot path.
    let uri = request.uri().clone();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    if status >= 500 || tracing::enabled!(tracing::Level::DEBUG) {
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let path = uri.path();
        let client = client.map(|c| c.to_string()).unwrap_or_else(|| "-".into());
        if status >= 500 {
            tracing::warn!(%method, %path, status, %client, ms = format_args!("{ms:.1}"), "request");
        } else {
            tracing::debug!(%method, %path, status, %client, ms = format_args!("{ms:.1}"), "request");
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let h = xff(&["198.51.100.1"]);
        assert_eq!(
            client_address(ip("203.0.113.9"), &h, &[]),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_address(ip("203.0.113.9"), &h, &[ip("127.0.0.1")]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn a_trusted_proxy_names_the_last_untrusted_hop() {
        let trusted = [ip("127.0.0.1"), ip("10.0.0.2")];
        // The client forged the first entry; the proxy appended the real one.
        let h = xff(&["6.6.6.6, 198.51.100.7", "10.0.0.2"]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &trusted),
            ip("198.51.100.7")
        );
        let h = xff(&["2001:db8::5"]);
        assert_eq!(
            client_address(ip("::ffff:127.0.0.1"), &h, &trusted),
            ip("2001:db8::5")
        );
        let h = xff(&["[2001:db8::5]:443", "198.51.100.7:5000"]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &trusted),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn no_header_or_garbage_leaves_the_best_known_address() {
        let trusted = [ip("127.0.0.1")];
        assert_eq!(
            client_address(ip("127.0.0.1"), &HeaderMap::new(), &trusted),
            ip("127.0.0.1")
        );
        let h = xff(&["unknown"]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &trusted),
            ip("127.0.0.1")
        );
        // All hops trusted: the leftmost one.
        let h = xff(&["127.0.0.1"]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &trusted),
            ip("127.0.0.1")
        );
    }
}
