//! Remote actors: finding the actor behind a signature's `keyId`, fetching actors, and keeping
//! them in the `remote_actors` cache (a day at most, then re-fetched).
//!
//! Every fetch is a signed GET through [`crate::federation::fetch::SafeClient`] (servers in
//! Mastodon's secure mode answer nothing else). A fetched document is believed only about its
//! own host: its `id` must live on the host it was fetched from, and a key object's `owner`
//! too. Never writes SQL itself; the cache is `store::remote_actors`.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;
use url::Url;

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
    if !refresh {
        let wanted = key_id.to_string();
        let cached = app
            .store
            .run(move |s| s.remote_actor_by_key(&wanted))
            .await?;
        if let Some(actor) = cached.filter(|a| is_fresh(a, Utc::now())) {
            return Ok((actor, false));
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
    Ok((actor, true))
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
    let actor = actor.clone();
    Ok(app
        .store
        .run(move |s| s.upsert_remote_actor(&actor))
        .await?)
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
