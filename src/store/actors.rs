//! The two local actors (the Person and the Group) and their key pairs.

use rusqlite::params;

use super::{now_rfc3339, optional, Store, StoreResult};

/// Which kind of local actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    /// The author.
    Person,
    /// The blog.
    Group,
}

impl ActorKind {
    /// The ActivityStreams type name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Person => "Person",
            ActorKind::Group => "Group",
        }
    }
}

/// A local actor's stored key pair.
#[derive(Clone)]
pub struct LocalActorKeys {
    /// preferredUsername.
    pub name: String,
    /// PKCS#8 DER private key.
    pub private_key_pkcs8: Vec<u8>,
    /// SPKI PEM public key, as published in the actor document.
    pub public_key_pem: String,
    /// When the key pair was created (RFC 3339); also the actor's `published`.
    pub created_at: String,
}

impl std::fmt::Debug for LocalActorKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalActorKeys")
            .field("name", &self.name)
            .field("private_key_pkcs8", &"<redacted>")
            .finish()
    }
}

impl Store {
    /// The keys of local actor `name`, if it was created.
    pub fn actor_keys(&self, name: &str) -> StoreResult<Option<LocalActorKeys>> {
        let conn = self.conn();
        optional(conn.query_row(
            "SELECT name, private_key, public_key_pem, created_at FROM local_actors WHERE name = ?1",
            [name],
            |r| {
                Ok(LocalActorKeys {
                    name: r.get(0)?,
                    private_key_pkcs8: r.get(1)?,
                    public_key_pem: r.get(2)?,
                    created_at: r.get(3)?,
                })
            },
        ))
    }

    /// Stores a newly generated key pair for `name` unless one exists; returns the kept one.
    /// Keys are created once and kept forever: followers verify us with them.
    pub fn insert_actor_keys(
        &self,
        name: &str,
        kind: ActorKind,
        private_key_pkcs8: &[u8],
        public_key_pem: &str,
    ) -> StoreResult<LocalActorKeys> {
        {
            let conn = self.conn();
            conn.execute(
                "INSERT OR IGNORE INTO local_actors (name, kind, private_key, public_key_pem, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![name, kind.as_str(), private_key_pkcs8, public_key_pem, now_rfc3339()],
            )?;
        }
        self.actor_keys(name)?.ok_or(super::StoreError::NotFound)
    }
}
