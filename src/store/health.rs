//! Questions `quire doctor` asks the database: is the delivery queue moving, which keys are
//! stored. Opened without migrating, so a newer binary can examine an older running blog's
//! database without changing it.

use std::path::Path;

use rusqlite::Connection;

use super::{open_existing, StoreResult};

/// How the delivery queue is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeliveryHealth {
    /// Deliveries still pending whose activity was recorded before the cut-off.
    pub stuck: i64,
    /// Deliveries given up on after every retry (`failed`).
    pub failed: i64,
    /// Deliveries pending in all.
    pub pending: i64,
}

/// A read-mostly view of an existing database, for checks.
pub struct HealthView {
    conn: Connection,
}

impl HealthView {
    /// Opens the existing database at `path` (never creating it, never migrating it).
    pub fn open(path: &Path) -> StoreResult<HealthView> {
        let conn = open_existing(
            path,
            false,
            "no database yet (`quire init` or `quire serve` creates it)",
            std::time::Duration::from_secs(10),
        )?;
        Ok(HealthView { conn })
    }

    /// The schema version of the database.
    pub fn schema_version(&self) -> StoreResult<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// The stored public key (SPKI PEM) of local actor `name`, if any.
    pub fn public_key_pem(&self, name: &str) -> StoreResult<Option<String>> {
        if !self.has_table("local_actors")? {
            return Ok(None);
        }
        super::optional(self.conn.query_row(
            "SELECT public_key_pem FROM local_actors WHERE name = ?1",
            [name],
            |r| r.get(0),
        ))
    }

    /// The slug of the newest published post, if any.
    pub fn newest_post_slug(&self) -> StoreResult<Option<String>> {
        if !self.has_table("posts")? {
            return Ok(None);
        }
        super::optional(self.conn.query_row(
            "SELECT slug FROM posts WHERE deleted_at IS NULL ORDER BY published DESC LIMIT 1",
            [],
            |r| r.get(0),
        ))
    }

    /// The delivery queue's state, `None` when this database has no queue. `stuck_before` is
    /// an RFC 3339 UTC time: pending deliveries of activities recorded before it count as
    /// stuck.
    pub fn delivery_health(&self, stuck_before: &str) -> StoreResult<Option<DeliveryHealth>> {
        if !self.has_table("deliveries")? || !self.has_table("outbox")? {
            return Ok(None);
        }
        let (pending, failed): (i64, i64) = self.conn.query_row(
            "SELECT coalesce(sum(state = 'pending'), 0), coalesce(sum(state = 'failed'), 0)
             FROM deliveries",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let stuck: i64 = self.conn.query_row(
            "SELECT count(*) FROM deliveries d JOIN outbox o ON o.id = d.outbox_id
             WHERE d.state = 'pending' AND o.created_at < ?1",
            [stuck_before],
            |r| r.get(0),
        )?;
        Ok(Some(DeliveryHealth {
            stuck,
            failed,
            pending,
        }))
    }

    fn has_table(&self, name: &str) -> StoreResult<bool> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [name],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }
}
