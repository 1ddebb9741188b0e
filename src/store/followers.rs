//! Remote actors following a local actor.

use rusqlite::params;

use super::{now_rfc3339, Store, StoreResult};

/// A follower of a local actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Follower {
    /// Local actor name followed.
    pub local_actor: String,
    /// The remote actor's id.
    pub actor_id: String,
    pub inbox: String,
    pub shared_inbox: Option<String>,
    /// Id of the Follow activity (answered by Accept, undone by Undo).
    pub follow_id: Option<String>,
    pub created_at: String,
}

impl Store {
    /// Adds (or refreshes) a follower.
    pub fn add_follower(
        &self,
        local_actor: &str,
        actor_id: &str,
        inbox: &str,
        shared_inbox: Option<&str>,
        follow_id: Option<&str>,
    ) -> StoreResult<()> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO followers (local_actor, actor_id, inbox, shared_inbox, follow_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (local_actor, actor_id) DO UPDATE SET
                inbox = excluded.inbox, shared_inbox = excluded.shared_inbox,
                follow_id = excluded.follow_id",
            params![local_actor, actor_id, inbox, shared_inbox, follow_id, now_rfc3339()],
        )?;
        Ok(())
    }

    /// Removes a follower; returns whether one was removed.
    pub fn remove_follower(&self, local_actor: &str, actor_id: &str) -> StoreResult<bool> {
        let conn = self.conn();
        let n = conn.execute(
            "DELETE FROM followers WHERE local_actor = ?1 AND actor_id = ?2",
            params![local_actor, actor_id],
        )?;
        Ok(n > 0)
    }

    /// Removes `actor_id` from the followers of every local actor.
    pub fn remove_follower_everywhere(&self, actor_id: &str) -> StoreResult<usize> {
        let conn = self.conn();
        Ok(conn.execute("DELETE FROM followers WHERE actor_id = ?1", [actor_id])?)
    }

    /// Followers of a local actor, oldest first.
    pub fn followers(&self, local_actor: &str) -> StoreResult<Vec<Follower>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT local_actor, actor_id, inbox, shared_inbox, follow_id, created_at
             FROM followers WHERE local_actor = ?1 ORDER BY created_at, actor_id",
        )?;
        let rows = stmt
            .query_map([local_actor], |r| {
                Ok(Follower {
                    local_actor: r.get(0)?,
                    actor_id: r.get(1)?,
                    inbox: r.get(2)?,
                    shared_inbox: r.get(3)?,
                    follow_id: r.get(4)?,
                    created_at: r.get(5)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Number of followers of a local actor.
    pub fn follower_count(&self, local_actor: &str) -> StoreResult<usize> {
        let conn = self.conn();
        let n: i64 = conn.query_row(
            "SELECT count(*) FROM followers WHERE local_actor = ?1",
            [local_actor],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }
}
