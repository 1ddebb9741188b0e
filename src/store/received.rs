//! Ids of activities the inbox has accepted, so a redelivered activity is applied once.
//!
//! Owns the SQL of the `received_activities` table only.

use rusqlite::params;

use super::{now_rfc3339, Store, StoreResult};

/// Records an activity id inside an open connection or transaction: `true` the first time,
/// `false` when it was recorded before. The reaction writer calls it in the transaction that
/// applies the activity, so the id and its effect are committed together or not at all.
pub(crate) fn insert_received(
    conn: &rusqlite::Connection,
    activity_id: &str,
    actor: &str,
    kind: &str,
) -> rusqlite::Result<bool> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO received_activities (id, actor, kind, received_at)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    Ok(stmt.execute(params![activity_id, actor, kind, now_rfc3339()])? > 0)
}

impl Store {
    /// Claims an activity id before it is applied: `true` the first time, `false` when it was
    /// seen before (then the caller changes nothing). Claiming before applying keeps two
    /// concurrent deliveries of one activity from both applying it.
    pub fn claim_received(&self, activity_id: &str, actor: &str, kind: &str) -> StoreResult<bool> {
        Ok(insert_received(&self.conn(), activity_id, actor, kind)?)
    }

    /// Releases a claim whose activity could not be applied (an internal failure), so the
    /// sender's retry is applied rather than ignored.
    pub fn release_received(&self, activity_id: &str) -> StoreResult<()> {
        let conn = self.conn();
        conn.execute(
            "DELETE FROM received_activities WHERE id = ?1",
            [activity_id],
        )?;
        Ok(())
    }

    /// Whether an activity id was received before.
    pub fn was_received(&self, activity_id: &str) -> StoreResult<bool> {
        let conn = self.conn();
        let n: i64 = conn.query_row(
            "SELECT count(*) FROM received_activities WHERE id = ?1",
            [activity_id],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_activity_id_is_claimed_once_until_released() {
        let store = Store::open_in_memory().unwrap();
        let id = "https://remote.example/activities/1";
        assert!(!store.was_received(id).unwrap());
        assert!(store
            .claim_received(id, "https://remote.example/u/b", "Follow")
            .unwrap());
        assert!(!store
            .claim_received(id, "https://remote.example/u/b", "Follow")
            .unwrap());
        assert!(store.was_received(id).unwrap());
        store.release_received(id).unwrap();
        assert!(store
            .claim_received(id, "https://remote.example/u/b", "Follow")
            .unwrap());
    }
}
