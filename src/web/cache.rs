//! Rendered responses kept in memory until the content changes.
//!
//! Pages are rendered once and then served as shared bytes: an article page costs a hash-map
//! lookup. Any change to posts (or, later, comments) calls [`PageCache::invalidate`].

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::body::Bytes;
use axum::http::StatusCode;

/// Most entries kept; past this the cache starts over (it only holds what was asked for, and
/// a crawler walking `?page=N` must not grow it without bound).
const MAX_ENTRIES: usize = 4096;

/// A response ready to send again.
#[derive(Debug)]
pub struct Cached {
    pub status: StatusCode,
    pub content_type: &'static str,
    pub body: Bytes,
    /// Strong validator: a hash of the body, quoted.
    pub etag: String,
}

impl Cached {
    /// A response with its ETag computed from the body.
    pub fn new(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Cached {
        let body = body.into();
        let digest = ring::digest::digest(&ring::digest::SHA256, &body);
        let etag = format!(
            "\"{}\"",
            digest.as_ref()[..12]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        Cached {
            status,
            content_type,
            body,
            etag,
        }
    }
}

/// The cache: key (representation and path) to response.
#[derive(Default)]
pub struct PageCache {
    map: RwLock<HashMap<String, Arc<Cached>>>,
}

impl PageCache {
    /// An empty cache.
    pub fn new() -> PageCache {
        PageCache::default()
    }

    /// The cached response for `key`.
    pub fn get(&self, key: &str) -> Option<Arc<Cached>> {
        self.map
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(key)
            .cloned()
    }

    /// Keeps `value` for `key`, returning it shared.
    pub fn put(&self, key: String, value: Cached) -> Arc<Cached> {
        let value = Arc::new(value);
        let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(key, value.clone());
        value
    }

    /// Forgets everything: called whenever content changes.
    pub fn invalidate(&self) {
        self.map.write().unwrap_or_else(|p| p.into_inner()).clear();
    }
}
