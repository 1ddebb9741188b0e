//! The static files compiled into the binary (`assets/`: the stylesheet and the icon), served
//! under `/static/`.
//!
//! Owns only the embedding, the content types and the cache validators; the handler in
//! `web/mod.rs` turns them into a response. Pages link the stylesheet as
//! `/static/style.css?v={style_version()}`, so the file can be cached for a long time and a new
//! release still reaches every reader at once.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::OnceLock;

/// Everything in `assets/`, embedded at build time (read from disk in debug builds, so CSS
/// edits show without recompiling).
#[derive(rust_embed::RustEmbed)]
#[folder = "assets/"]
pub struct Assets;

/// The content type of an asset, by extension; quire ships few kinds of file.
fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The first `n` bytes of a SHA-256 as lowercase hex.
fn short_hex(hash: &[u8; 32], n: usize) -> String {
    hash.iter().take(n).fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// An embedded file by its path under `assets/` (e.g. `style.css`): its bytes, its content
/// type and a strong ETag (quoted, from the file's SHA-256) for conditional requests.
pub fn get(path: &str) -> Option<(Cow<'static, [u8]>, &'static str, String)> {
    let file = Assets::get(path)?;
    let etag = format!("\"{}\"", short_hex(&file.metadata.sha256_hash(), 16));
    Some((file.data, content_type(path), etag))
}

/// A short hash of the embedded stylesheet, computed once: the `?v=` that busts caches when
/// the CSS changes.
pub fn style_version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| match Assets::get("style.css") {
        Some(file) => short_hex(&file.metadata.sha256_hash(), 5),
        None => "0".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stylesheet_is_embedded_small_and_versioned() {
        let (data, ty, etag) = get("style.css").unwrap();
        assert_eq!(ty, "text/css; charset=utf-8");
        // A budget, so the one stylesheet stays one small request on a phone.
        assert!(data.len() < 10 * 1024, "style.css is {} bytes", data.len());
        assert!(etag.starts_with('"') && etag.ends_with('"') && etag.len() == 34);
        assert_eq!(style_version().len(), 10);
        assert!(etag.contains(style_version()));
    }

    #[test]
    fn unknown_asset_is_none() {
        assert!(get("nope.css").is_none());
        assert!(get("../Cargo.toml").is_none());
    }
}
