//! Remote actors: finding the actor behind a signature's `keyId`, fetching actors, and keeping
//! them in the `remote_actors` cache (a day at most, then re-fetched).
//!
//! Every fetch is a signed GET through [`crate::federation::fetch::SafeClient`] (servers in
//! Mastodon's secure mode answer nothing else). A fetched document is believed only about its
//! own host: its `id` must live on the host it was fetched from, and a key object's `owner`
//! too. Never writes SQL itself; the cache is `store::remote_actors`.
//!
//! In front of it, [`SignerCache`] keeps in memory the signers the inbox has seen, with their
//! key already parsed: the inbox's hot path reads neither SQLite nor PEM. Every change of a
//! stored actor in this process goes through [`cache`] (or the self-`Delete`), which drop the
//! memory copy; a change from another process is noticed by the content watcher (`data_version`),
//! which clears it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;
use url::Url;

use super::conversation::author_of;
use super::signature::PublicKey;
use crate::store::comments::Author;

use super::fetch::FetchError;
use super::read::{self, Actor};
use crate::app::App;
use crate::store::remote_actors::RemoteActor;
use crate::store::{now_rfc3339, StoreError};

/// How long a cached actor (and its key) is used before it is fetched again.
pub const CACHE_TTL: TimeDelta = TimeDelta::days(1);

/// Why a remote actor could not be had.
#[derive(Debug, thiserror::Error)]
pub enum ActorError {
    /// The document could not be fetched (network, status such as 404 or 410, size, JSON).
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The document is not a usable actor, or claims an id on another host than the one it
    /// came from.
    #[error("unusable actor document from {url}: {reason}")]
    Invalid {
        /// Where it came from.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The actor does not publish the key a signature names.
    #[error("{actor} publishes no key {key_id}")]
    NoSuchKey {
        /// The actor.
        actor: String,
        /// The key asked for.
        key_id: String,
    },
    /// The cache could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A cached remote actor as a signer: its key parsed once, and how it is shown.
#[derive(Debug)]
pub struct Signer {
    /// The actor.
    pub actor: RemoteActor,
    /// Its published key, parsed; the reason when it is missing or unusable.
    pub key: Result<PublicKey, String>,
    /// How the actor is shown under an article (see `conversation::author_of`).
    pub author: Author,
    /// The [`authority`] of the actor's id: what the objects it speaks for must live on.
    pub authority: Option<String>,
    fetched_at: Option<DateTime<Utc>>,
}

impl Signer {
    /// Reads the actor's key and display once.
    pub fn new(actor: RemoteActor) -> Signer {
        let key = match actor.public_key_pem.as_deref() {
            None => Err(format!("{} publishes no key", actor.id)),
            Some(pem) => {
                PublicKey::from_pem(pem).map_err(|e| format!("unusable key of {}: {e}", actor.id))
            }
        };
        let fetched_at = DateTime::parse_from_rfc3339(&actor.fetched_at)
            .ok()
            .map(|t| t.with_timezone(&Utc));
        Signer {
            author: author_of(&actor),
            authority: authority(&actor.id),
            key,
            actor,
            fetched_at,
        }
    }

    fn is_fresh(&self, now: DateTime<Utc>) -> bool {
        self.fetched_at.is_some_and(|t| now - t < CACHE_TTL)
    }
}

/// The most signers [`SignerCache`] holds; past that it starts over (an inbox sees far fewer
/// distinct keys in a day).
const SIGNER_CACHE_MAX: usize = 4096;

/// Signers by key id, in memory, in front of the `remote_actors` table.
#[derive(Default)]
pub struct SignerCache {
    map: Mutex<HashMap<String, Arc<Signer>>>,
    /// Bumped by every invalidation: a copy read from the database before an invalidation is
    /// not kept after it.
    generation: AtomicU64,
}

impl SignerCache {
    fn get(&self, key_id: &str) -> Option<Arc<Signer>> {
        self.lock().get(key_id).cloned()
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps `signer` unless the cache was invalidated since `generation` was read.
    fn insert(&self, key_id: &str, signer: Arc<Signer>, generation: u64) {
        let mut map = self.lock();
        if self.generation() != generation {
            return;
        }
        if map.len() >= SIGNER_CACHE_MAX && !map.contains_key(key_id) {
            map.clear();
        }
        map.insert(key_id.to_string(), signer);
    }

    /// Drops what is held of `actor_id` (its stored copy changed or is gone).
    pub fn forget_actor(&self, actor_id: &str) {
        let mut map = self.lock();
        self.generation.fetch_add(1, Ordering::AcqRel);
        map.retain(|_, s| s.actor.id != actor_id);
    }

    /// Drops everything (the database changed under us).
    pub fn clear(&self) {
        let mut map = self.lock();
        self.generation.fetch_add(1, Ordering::AcqRel);
        map.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Signer>>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The host of a URL with its port when not the scheme's default (`a.example`,
/// `127.0.0.1:8080`): the unit of trust. An actor speaks for objects on its own host only.
pub fn authority(url: &str) -> Option<String> {
    let parsed = Url::parse(url).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    Some(match parsed.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

/// Whether two URLs live on the same host (and port). Unparseable URLs are never the same.
pub fn same_host(a: &str, b: &str) -> bool {
    match (authority(a), authority(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// A URL without its fragment: what is fetched for `…/users/bob#main-key`.
fn without_fragment(url: &str) -> &str {
    url.split_once('#').map_or(url, |(before, _)| before)
}

fn is_fresh(actor: &RemoteActor, now: DateTime<Utc>) -> bool {
    DateTime::parse_from_rfc3339(&actor.fetched_at)
        .map(|t| now - t.with_timezone(&Utc) < CACHE_TTL)
        .unwrap_or(false)
}

/// The actor owning the key `key_id` (a signature's `keyId`): from the cache unless `refresh`
/// or the cached copy is older than [`CACHE_TTL`], else fetched (signed as the Person) and
/// cached. The key URL may answer with the actor itself (Mastodon: `{actor}#main-key`) or with
/// a key object whose `owner` is then fetched (same host only); either way the actor must
/// publish a `publicKey` whose id is `key_id`.
pub async fn resolve_key(
    app: &App,
    key_id: &str,
    refresh: bool,
) -> Result<RemoteActor, ActorError> {
    Ok(resolve_key_traced(app, key_id, refresh).await?.0)
}

/// [`resolve_key`], also telling whether the actor was fetched just now (`true`) or came
/// from the cache (`false`): a cached key that fails to verify is worth one re-fetch, a
/// fresh one is not.
pub(crate) async fn resolve_key_traced(
    app: &App,
    key_id: &str,
    refresh: bool,
) -> Result<(RemoteActor, bool), ActorError> {
    let (signer, fetched) = resolve_signer(app, key_id, refresh).await?;
    Ok((signer.actor.clone(), fetched))
}

/// [`resolve_key_traced`] for the inbox: the signer with its key parsed, from memory when it
/// was seen before (see [`SignerCache`]), else from the database, else fetched.
pub(crate) async fn resolve_signer(
    app: &App,
    key_id: &str,
    refresh: bool,
) -> Result<(Arc<Signer>, bool), ActorError> {
    if !refresh {
        let now = Utc::now();
        if let Some(signer) = app.signers.get(key_id).filter(|s| s.is_fresh(now)) {
            return Ok((signer, false));
        }
        let generation = app.signers.generation();
        let wanted = key_id.to_string();
        let cached = app
            .store
            .run(move |s| s.remote_actor_by_key(&wanted))
            .await?;
        if let Some(actor) = cached.filter(|a| is_fresh(a, now)) {
            let signer = Arc::new(Signer::new(actor));
            app.signers.insert(key_id, signer.clone(), generation);
            return Ok((signer, false));
        }
    }
    let url = without_fragment(key_id);
    let doc = fetch(app, url).await?;
    let (doc, source) = if is_key_object(&doc) {
        let owner = key_owner(&doc).unwrap_or_default();
        if !same_host(&owner, url) {
            return Err(invalid(url, "the key's owner lives on another host"));
        }
        let owner_doc = fetch(app, without_fragment(&owner)).await?;
        (owner_doc, owner)
    } else {
        (doc, url.to_string())
    };
    let actor = actor_from_document(&doc, &source, Some(key_id))?;
    cache(app, &actor).await?;
    let generation = app.signers.generation();
    let signer = Arc::new(Signer::new(actor));
    app.signers.insert(key_id, signer.clone(), generation);
    Ok((signer, true))
}

/// The actor `id`: from the cache unless `refresh` or older than [`CACHE_TTL`], else fetched
/// (signed) and cached. For what an activity names rather than what signed it (a follower's
/// inbox, say).
pub async fn get_actor(app: &App, id: &str, refresh: bool) -> Result<RemoteActor, ActorError> {
    if !refresh {
        let wanted = id.to_string();
        let cached = app.store.run(move |s| s.remote_actor(&wanted)).await?;
        if let Some(actor) = cached.filter(|a| is_fresh(a, Utc::now())) {
            return Ok(actor);
        }
    }
    let url = without_fragment(id);
    let doc = fetch(app, url).await?;
    let actor = actor_from_document(&doc, url, None)?;
    cache(app, &actor).await?;
    Ok(actor)
}

/// Reads an actor document fetched from (or, for an `Update`, vouched for by) `source`.
/// Checks that its `id` lives on `source`'s host. With `key_id`, the actor must publish that
/// key (`publicKey` may be one object or an array); without, its first key is kept.
pub fn actor_from_document(
    doc: &Value,
    source: &str,
    key_id: Option<&str>,
) -> Result<RemoteActor, ActorError> {
    let actor = Actor::from_value(doc).map_err(|e| invalid(source, &e.to_string()))?;
    if !same_host(&actor.id, source) {
        return Err(invalid(source, "its id lives on another host"));
    }
    // A key belongs to this actor when it says so (or says nothing about its owner).
    let mut keys = actor
        .public_keys
        .iter()
        .filter(|k| k.owner.as_deref().is_none_or(|o| o == actor.id));
    let key = match key_id {
        Some(wanted) => {
            Some(
                keys.find(|k| k.id == wanted)
                    .ok_or_else(|| ActorError::NoSuchKey {
                        actor: actor.id.clone(),
                        key_id: wanted.to_string(),
                    })?,
            )
        }
        None => keys.next(),
    };
    Ok(RemoteActor {
        host: authority(&actor.id).unwrap_or_default(),
        key_id: key.map(|k| k.id.clone()),
        public_key_pem: key.map(|k| k.pem.clone()),
        id: actor.id.clone(),
        kind: actor.kind.clone(),
        inbox: actor.inbox.clone(),
        shared_inbox: actor.shared_inbox.clone(),
        preferred_username: actor.preferred_username.clone(),
        name: actor.name.clone(),
        url: actor.url.clone(),
        icon_url: actor.icon_url.clone(),
        document: doc.to_string(),
        fetched_at: now_rfc3339(),
    })
}

/// A key document (`{"id": …#main-key, "owner": …, "publicKeyPem": …}`) rather than an actor.
fn is_key_object(doc: &Value) -> bool {
    doc.get("publicKeyPem").is_some() && key_owner(doc).is_some() && !read::is_actor(doc)
}

/// The `owner` of a key document.
fn key_owner(doc: &Value) -> Option<String> {
    doc.get("owner").and_then(read::id)
}

/// Stores an actor in the cache (from a fetch, or from its own `Update`).
pub async fn cache(app: &App, actor: &RemoteActor) -> Result<(), ActorError> {
    let stored = actor.clone();
    let result = app.store.run(move |s| s.upsert_remote_actor(&stored)).await;
    // Dropped whether or not the write went through: the next look-up reads the database.
    app.signers.forget_actor(&actor.id);
    Ok(result?)
}

async fn fetch(app: &App, url: &str) -> Result<Value, ActorError> {
    Ok(app.client.get_json(url, Some(app.person.signer())).await?)
}

fn invalid(url: &str, reason: &str) -> ActorError {
    ActorError::Invalid {
        url: url.to_string(),
        reason: reason.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const KEY: &str = "https://remote.example/users/bob#main-key";

    fn bob() -> Value {
        json!({
            "id": "https://remote.example/users/bob",
            "type": "Person",
            "preferredUsername": "bob",
            "inbox": "https://remote.example/users/bob/inbox",
            "endpoints": {"sharedInbox": "https://remote.example/inbox"},
            "icon": {"type": "Image", "url": "https://remote.example/bob.png"},
            "publicKey": [
                {"id": "https://remote.example/users/bob#other", "owner": "https://remote.example/users/bob", "publicKeyPem": "OTHER"},
                {"id": KEY, "owner": "https://remote.example/users/bob", "publicKeyPem": "MAIN"}
            ]
        })
    }

    #[test]
    fn the_key_named_by_the_signature_is_picked_from_an_array() {
        let a = actor_from_document(&bob(), "https://remote.example/users/bob", Some(KEY)).unwrap();
        assert_eq!(a.public_key_pem.as_deref(), Some("MAIN"));
        assert_eq!(
            a.shared_inbox.as_deref(),
            Some("https://remote.example/inbox")
        );
        assert_eq!(
            a.icon_url.as_deref(),
            Some("https://remote.example/bob.png")
        );
        assert_eq!(a.host, "remote.example");
    }

    #[test]
    fn a_document_claiming_an_id_on_another_host_is_refused() {
        let err = actor_from_document(&bob(), "https://evil.example/users/bob", Some(KEY));
        assert!(matches!(err, Err(ActorError::Invalid { .. })));
    }

    #[test]
    fn an_actor_without_the_named_key_is_refused() {
        let err = actor_from_document(
            &bob(),
            "https://remote.example/users/bob",
            Some("https://remote.example/users/bob#gone"),
        );
        assert!(matches!(err, Err(ActorError::NoSuchKey { .. })));
    }

    #[test]
    fn hosts_compare_with_their_ports() {
        assert!(same_host("https://A.example/x", "https://a.example/y#z"));
        assert!(!same_host("http://127.0.0.1:1/x", "http://127.0.0.1:2/x"));
        assert!(!same_host("not a url", "not a url"));
    }
}
