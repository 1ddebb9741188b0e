//! The author's moderation: approved commenters, blocked actors and domains, and reports
//! (Flag activities) received from other servers.

use rusqlite::{params, OptionalExtension};

use super::{now_rfc3339, Store, StoreResult};

/// A blocked actor or domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// An actor id, or a host.
    pub target: String,
    /// `actor` or `domain`.
    pub kind: String,
    /// RFC 3339.
    pub created_at: String,
}

/// A report received as a Flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Local number.
    pub id: i64,
    /// The Flag's id, when it had one.
    pub activity_id: Option<String>,
    /// Who reported (usually the remote instance's actor).
    pub actor_id: String,
    /// The reason given (plain text).
    pub content: String,
    /// The reported object and actor ids.
    pub objects: Vec<String>,
    /// RFC 3339.
    pub received_at: String,
}

/// What a block removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BlockOutcome {
    /// Follows removed.
    pub followers: usize,
    /// Comments removed.
    pub comments: usize,
    /// Likes and boosts removed.
    pub reactions: usize,
}

impl Store {
    /// SQLite's `data_version`: changes when another connection (a `quire comments` or
    /// `quire block` run beside `serve`) commits, so the server knows to drop its page cache.
    pub fn data_version(&self) -> StoreResult<i64> {
        Ok(self
            .conn()
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// Whether `actor_id` may comment without approval.
    pub fn is_approved_author(&self, actor_id: &str) -> StoreResult<bool> {
        Ok(self
            .conn()
            .query_row(
                "SELECT 1 FROM approved_authors WHERE actor_id = ?1",
                [actor_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Approves a pending comment and its author (their later replies skip the queue).
    /// Returns false when there is no such comment.
    pub fn approve_comment(&self, id: i64) -> StoreResult<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let author: Option<String> = tx
            .query_row("SELECT author_id FROM comments WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(author) = author else {
            return Ok(false);
        };
        tx.execute("UPDATE comments SET state = 'visible' WHERE id = ?1", [id])?;
        tx.execute(
            "INSERT OR IGNORE INTO approved_authors (actor_id, approved_at) VALUES (?1, ?2)",
            params![author, now_rfc3339()],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Whether an actor is blocked, by its id or by its host.
    pub fn is_blocked(&self, actor_id: &str, host: &str) -> StoreResult<bool> {
        // Asked on every inbox request: the statement is kept compiled.
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT 1 FROM blocks WHERE (kind = 'actor' AND target = ?1)
                OR (kind = 'domain' AND target = ?2)",
        )?;
        Ok(stmt
            .query_row(params![actor_id, host.to_ascii_lowercase()], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Blocks an actor (`is_domain` false) or a whole host, and removes, in one
    /// transaction, their follows, comments and reactions.
    pub fn block(&self, target: &str, is_domain: bool) -> StoreResult<BlockOutcome> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let target = if is_domain {
            target.to_ascii_lowercase()
        } else {
            target.to_string()
        };
        tx.execute(
            "INSERT OR IGNORE INTO blocks (target, kind, created_at) VALUES (?1, ?2, ?3)",
            params![
                target,
                if is_domain { "domain" } else { "actor" },
                now_rfc3339()
            ],
        )?;
        let outcome = if is_domain {
            let like = format!("%://{}/%", target.replace(['%', '_'], ""));
            let like_port = format!("%://{}:%", target.replace(['%', '_'], ""));
            BlockOutcome {
                followers: tx.execute(
                    "DELETE FROM followers WHERE actor_id LIKE ?1 OR actor_id LIKE ?2",
                    params![like, like_port],
                )?,
                comments: tx.execute("DELETE FROM comments WHERE author_host = ?1", [&target])?,
                reactions: tx.execute("DELETE FROM reactions WHERE actor_host = ?1", [&target])?,
            }
        } else {
            BlockOutcome {
                followers: tx.execute("DELETE FROM followers WHERE actor_id = ?1", [&target])?,
                comments: tx.execute("DELETE FROM comments WHERE author_id = ?1", [&target])?,
                reactions: tx.execute("DELETE FROM reactions WHERE actor_id = ?1", [&target])?,
            }
        };
        tx.commit()?;
        Ok(outcome)
    }

    /// Every block, oldest first.
    pub fn blocks(&self) -> StoreResult<Vec<Block>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT target, kind, created_at FROM blocks ORDER BY created_at")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Block {
                    target: r.get(0)?,
                    kind: r.get(1)?,
                    created_at: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Removes everything an actor left: comments, reactions and follows (a Delete of the
    /// actor itself). Returns what was removed.
    pub fn forget_actor(&self, actor_id: &str) -> StoreResult<BlockOutcome> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let outcome = BlockOutcome {
            followers: tx.execute("DELETE FROM followers WHERE actor_id = ?1", [actor_id])?,
            comments: tx.execute("DELETE FROM comments WHERE author_id = ?1", [actor_id])?,
            reactions: tx.execute("DELETE FROM reactions WHERE actor_id = ?1", [actor_id])?,
        };
        tx.commit()?;
        Ok(outcome)
    }

    /// Stores a report; a repeated Flag id is ignored.
    pub fn add_report(
        &self,
        activity_id: Option<&str>,
        actor_id: &str,
        content: &str,
        objects: &[String],
    ) -> StoreResult<()> {
        let objects = serde_json::to_string(objects).unwrap_or_else(|_| "[]".into());
        self.conn().execute(
            "INSERT OR IGNORE INTO reports (activity_id, actor_id, content, objects, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![activity_id, actor_id, content, objects, now_rfc3339()],
        )?;
        Ok(())
    }

    /// Reports, newest first.
    pub fn reports(&self, limit: usize) -> StoreResult<Vec<Report>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, activity_id, actor_id, content, objects, received_at FROM reports
             ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                let objects: String = r.get(4)?;
                Ok(Report {
                    id: r.get(0)?,
                    activity_id: r.get(1)?,
                    actor_id: r.get(2)?,
                    content: r.get(3)?,
                    objects: serde_json::from_str(&objects).unwrap_or_default(),
                    received_at: r.get(5)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}
