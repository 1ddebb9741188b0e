//! The cache of remote actors: who they are, where their inboxes are, and the public key
//! their signatures verify with. Filled by `federation::actors`, read by the inbox.
//!
//! Owns the SQL of the `remote_actors` table only; it stores what it is given and never
//! fetches or judges a document.

use rusqlite::params;

use super::{optional, Store, StoreResult};

/// A remote actor as last fetched (or as its own `Update` described it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteActor {
    /// The actor's id (an https URL on its server).
    pub id: String,
    /// The ActivityStreams type: `Person`, `Service`, `Group`, `Application`, ...
    pub kind: String,
    /// Host (and port, when not the scheme's default) of the id: objects this actor creates
    /// must live there.
    pub host: String,
    /// Personal inbox, where activities addressed to this actor alone (Accept) go.
    pub inbox: Option<String>,
    /// `endpoints.sharedInbox`, where fan-out deliveries to its server go.
    pub shared_inbox: Option<String>,
    /// The id of the key its signatures name (`keyId`), usually `{id}#main-key`.
    pub key_id: Option<String>,
    /// That key, SPKI PEM as published.
    pub public_key_pem: Option<String>,
    /// `preferredUsername`, for `@user@host` display.
    pub preferred_username: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Profile page.
    pub url: Option<String>,
    /// Avatar URL.
    pub icon_url: Option<String>,
    /// The JSON document it was read from (kept for later needs and for debugging).
    pub document: String,
    /// When it was fetched (RFC 3339 UTC); the cache is refreshed when it is old.
    pub fetched_at: String,
}

const COLUMNS: &str = "id, kind, host, inbox, shared_inbox, key_id, public_key_pem, \
    preferred_username, name, url, icon_url, document, fetched_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RemoteActor> {
    Ok(RemoteActor {
        id: r.get(0)?,
        kind: r.get(1)?,
        host: r.get(2)?,
        inbox: r.get(3)?,
        shared_inbox: r.get(4)?,
        key_id: r.get(5)?,
        public_key_pem: r.get(6)?,
        preferred_username: r.get(7)?,
        name: r.get(8)?,
        url: r.get(9)?,
        icon_url: r.get(10)?,
        document: r.get(11)?,
        fetched_at: r.get(12)?,
    })
}

impl Store {
    /// Inserts or replaces the cached copy of a remote actor.
    pub fn upsert_remote_actor(&self, actor: &RemoteActor) -> StoreResult<()> {
        let conn = self.conn();
        conn.execute(
            &format!(
                "INSERT OR REPLACE INTO remote_actors ({COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
            ),
            params![
                actor.id,
                actor.kind,
                actor.host,
                actor.inbox,
                actor.shared_inbox,
                actor.key_id,
                actor.public_key_pem,
                actor.preferred_username,
                actor.name,
                actor.url,
                actor.icon_url,
                actor.document,
                actor.fetched_at
            ],
        )?;
        Ok(())
    }

    /// The cached actor with this id, however old.
    pub fn remote_actor(&self, id: &str) -> StoreResult<Option<RemoteActor>> {
        let conn = self.conn();
        optional(conn.query_row(
            &format!("SELECT {COLUMNS} FROM remote_actors WHERE id = ?1"),
            [id],
            from_row,
        ))
    }

    /// The cached actor publishing the key `key_id`, however old (the inbox's first look-up:
    /// signatures name keys, not actors).
    pub fn remote_actor_by_key(&self, key_id: &str) -> StoreResult<Option<RemoteActor>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM remote_actors WHERE key_id = ?1
             ORDER BY fetched_at DESC LIMIT 1"
        ))?;
        optional(stmt.query_row([key_id], from_row))
    }

    /// Drops an actor from the cache (it deleted itself); returns whether it was cached.
    pub fn delete_remote_actor(&self, id: &str) -> StoreResult<bool> {
        let conn = self.conn();
        Ok(conn.execute("DELETE FROM remote_actors WHERE id = ?1", [id])? > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(id: &str, key: &str) -> RemoteActor {
        RemoteActor {
            id: id.into(),
            kind: "Person".into(),
            host: "remote.example".into(),
            inbox: Some(format!("{id}/inbox")),
            shared_inbox: Some("https://remote.example/inbox".into()),
            key_id: Some(key.into()),
            public_key_pem: Some("PEM".into()),
            preferred_username: Some("bob".into()),
            name: Some("Bob".into()),
            url: None,
            icon_url: None,
            document: "{}".into(),
            fetched_at: "2026-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn a_cached_actor_is_found_by_id_and_by_key_and_replaced_on_refresh() {
        let store = Store::open_in_memory().unwrap();
        let id = "https://remote.example/users/bob";
        let key = "https://remote.example/users/bob#main-key";
        store.upsert_remote_actor(&sample(id, key)).unwrap();
        assert_eq!(
            store.remote_actor(id).unwrap().unwrap().name.as_deref(),
            Some("Bob")
        );
        let mut renamed = sample(id, key);
        renamed.name = Some("Robert".into());
        store.upsert_remote_actor(&renamed).unwrap();
        assert_eq!(store.remote_actor_by_key(key).unwrap(), Some(renamed));
        assert!(store.delete_remote_actor(id).unwrap());
        assert!(store.remote_actor(id).unwrap().is_none());
        assert!(!store.delete_remote_actor(id).unwrap());
    }
}
