//! Activities quire sends: recorded once when they happen (by the content sync, the inbox),
//! later fanned out into deliveries.

use rusqlite::params;

use super::{now_rfc3339, Store, StoreResult};

/// One recorded outgoing activity.
#[derive(Debug, Clone)]
pub struct OutboxActivity {
    pub id: i64,
    pub activity_id: String,
    /// Local actor name that sends it.
    pub actor: String,
    /// `Create`, `Update`, `Delete`, `Announce`, `Accept`, ...
    pub kind: String,
    pub object_id: Option<String>,
    /// The activity JSON.
    pub payload: String,
    pub created_at: String,
    /// For an activity addressed to one actor (Accept, Reject): its inbox. `None`: the
    /// activity goes to the sending actor's followers.
    pub target_inbox: Option<String>,
}

/// An activity to record.
#[derive(Debug, Clone)]
pub struct NewActivity {
    pub activity_id: String,
    pub actor: String,
    pub kind: String,
    pub object_id: Option<String>,
    pub payload: String,
    /// See [`OutboxActivity::target_inbox`].
    pub target_inbox: Option<String>,
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OutboxActivity> {
    Ok(OutboxActivity {
        id: r.get(0)?,
        activity_id: r.get(1)?,
        actor: r.get(2)?,
        kind: r.get(3)?,
        object_id: r.get(4)?,
        payload: r.get(5)?,
        created_at: r.get(6)?,
        target_inbox: r.get(7)?,
    })
}

/// Inserts an activity inside an open transaction (used by the post changes, so a post and
/// the activity announcing it commit together).
pub(crate) fn insert_activity(
    conn: &rusqlite::Connection,
    activity: &NewActivity,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO outbox (activity_id, actor, kind, object_id, payload, created_at, target_inbox)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
            activity.activity_id,
            activity.actor,
            activity.kind,
            activity.object_id,
            activity.payload,
            now_rfc3339(),
            activity.target_inbox
        ])?;
    Ok(())
}

impl Store {
    /// Records an activity for delivery. A repeated `activity_id` is ignored.
    pub fn record_activity(&self, activity: &NewActivity) -> StoreResult<()> {
        insert_activity(&self.conn(), activity)?;
        Ok(())
    }

    /// Recorded activities of `actor`, newest first (the outbox collection), optionally only
    /// of one kind.
    pub fn outbox_page(
        &self,
        actor: &str,
        kind: &str,
        offset: usize,
        limit: usize,
    ) -> StoreResult<Vec<OutboxActivity>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, activity_id, actor, kind, object_id, payload, created_at, target_inbox FROM outbox
             WHERE actor = ?1 AND kind = ?2 ORDER BY id DESC LIMIT ?3 OFFSET ?4",
        )?;
        let rows = stmt
            .query_map(params![actor, kind, limit as i64, offset as i64], from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Number of recorded activities of `actor` of `kind`.
    pub fn outbox_count(&self, actor: &str, kind: &str) -> StoreResult<usize> {
        let conn = self.conn();
        let n: i64 = conn.query_row(
            "SELECT count(*) FROM outbox WHERE actor = ?1 AND kind = ?2",
            params![actor, kind],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// Activities not yet fanned out into deliveries, oldest first.
    pub fn unplanned_activities(&self, limit: usize) -> StoreResult<Vec<OutboxActivity>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, activity_id, actor, kind, object_id, payload, created_at, target_inbox FROM outbox
             WHERE planned = 0 ORDER BY id LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit as i64], from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Every recorded activity, oldest first (tests and `quire queue`).
    pub fn all_activities(&self) -> StoreResult<Vec<OutboxActivity>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, activity_id, actor, kind, object_id, payload, created_at, target_inbox FROM outbox ORDER BY id",
        )?;
        let rows = stmt
            .query_map([], from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}
