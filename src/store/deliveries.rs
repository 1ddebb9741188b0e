//! The delivery queue: one `deliveries` row per (outbox activity, inbox), and what quire
//! remembers about each remote host (`remote_hosts`: which signature it took, since when it
//! fails).
//!
//! This module owns every SQL string over those two tables. It decides nothing: the planner
//! and the worker (`federation::delivery`) say what to write, and every change here is one
//! SQLite transaction, so a killed process leaves the queue consistent. Times are unix
//! seconds, passed in by the caller (tests and the worker share one clock that way).

use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::{now_rfc3339, optional, Store, StoreResult};

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    /// Waiting for its next attempt (or being sent, while leased).
    Pending,
    /// The inbox answered 2xx.
    Done,
    /// Given up: retries exhausted, refused, or the host dead for days.
    Failed,
    /// The inbox answered 410 Gone: never retried.
    Gone,
}

impl DeliveryState {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Done => "done",
            DeliveryState::Failed => "failed",
            DeliveryState::Gone => "gone",
        }
    }

    fn parse(s: &str) -> rusqlite::Result<DeliveryState> {
        Ok(match s {
            "pending" => DeliveryState::Pending,
            "done" => DeliveryState::Done,
            "failed" => DeliveryState::Failed,
            "gone" => DeliveryState::Gone,
            other => {
                return Err(rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    format!("unknown delivery state {other:?}").into(),
                ))
            }
        })
    }
}

/// One inbox an activity is to be delivered to, as the planner decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    /// The inbox URL (a shared inbox where the follower has one).
    pub inbox: String,
    /// The inbox URL's authority (`host[:port]`): the unit of back-off and host memory.
    pub host: String,
}

/// A delivery leased for sending, with what sending needs.
#[derive(Debug, Clone)]
pub struct LeasedDelivery {
    /// The `deliveries` row.
    pub id: i64,
    /// The `outbox` row it delivers.
    pub outbox_id: i64,
    pub inbox: String,
    pub host: String,
    /// Attempts made before this one.
    pub attempts: u32,
    /// Local actor name that sends (and signs) it.
    pub actor: String,
    /// The activity JSON.
    pub payload: String,
    /// The signature scheme the host accepted last (`rfc9421` / `cavage`), if known.
    pub host_signature: Option<String>,
    /// Unix time the host's current run of failures began, if it is failing.
    pub host_failing_since: Option<i64>,
}

/// A delivery as `quire queue` and tests see it.
#[derive(Debug, Clone)]
pub struct DeliveryRow {
    pub id: i64,
    pub outbox_id: i64,
    /// The activity's id and kind (`Create`, `Announce`, ...), and its object's id.
    pub activity_id: String,
    pub kind: String,
    pub object_id: Option<String>,
    pub inbox: String,
    pub host: String,
    pub state: DeliveryState,
    pub attempts: u32,
    /// Unix seconds.
    pub next_attempt_at: i64,
    /// Unix seconds, while a worker holds it.
    pub leased_until: Option<i64>,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    /// RFC 3339.
    pub updated_at: String,
}

/// How many deliveries are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryCounts {
    pub pending: usize,
    pub done: usize,
    pub failed: usize,
    pub gone: usize,
}

/// What quire remembers about a remote host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteHost {
    pub host: String,
    /// `rfc9421` or `cavage`: the scheme it accepted last.
    pub signature: Option<String>,
    /// Unix time the current run of failures began; `None` while it answers.
    pub first_failure_at: Option<i64>,
    /// Unix time of the last 2xx.
    pub last_success_at: Option<i64>,
}

/// The result of an attempt that did not deliver.
#[derive(Debug, Clone)]
pub struct AttemptFailure {
    /// The state the row moves to: [`DeliveryState::Pending`] (retry at `next_attempt_at`),
    /// [`DeliveryState::Failed`] or [`DeliveryState::Gone`].
    pub state: DeliveryState,
    /// Unix seconds of the next attempt (ignored unless pending).
    pub next_attempt_at: i64,
    /// The HTTP status, when the server answered.
    pub status: Option<u16>,
    /// What went wrong, for `quire queue`.
    pub error: String,
    /// Whether the host itself failed (no answer, or 5xx): starts or continues its run of
    /// failures. Otherwise it answered, which ends any such run.
    pub host_down: bool,
}

const ROW_COLUMNS: &str =
    "d.id, d.outbox_id, o.activity_id, o.kind, o.object_id, d.inbox, d.host, d.state,
     d.attempts, d.next_attempt_at, d.leased_until, d.last_status, d.last_error, d.updated_at";

fn delivery_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DeliveryRow> {
    let state: String = r.get(7)?;
    Ok(DeliveryRow {
        id: r.get(0)?,
        outbox_id: r.get(1)?,
        activity_id: r.get(2)?,
        kind: r.get(3)?,
        object_id: r.get(4)?,
        inbox: r.get(5)?,
        host: r.get(6)?,
        state: DeliveryState::parse(&state)?,
        attempts: r.get(8)?,
        next_attempt_at: r.get(9)?,
        leased_until: r.get(10)?,
        last_status: r.get(11)?,
        last_error: r.get(12)?,
        updated_at: r.get(13)?,
    })
}

impl Store {
    /// Queues `deliveries` of outbox activity `outbox_id`, due at `now`, and marks the
    /// activity planned, in one transaction: a crash never plans an activity twice nor loses
    /// it. Returns `false` (and writes nothing) when the activity was already planned.
    pub fn plan_deliveries(
        &self,
        outbox_id: i64,
        deliveries: &[NewDelivery],
        now: i64,
    ) -> StoreResult<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let claimed = tx.execute(
            "UPDATE outbox SET planned = 1 WHERE id = ?1 AND planned = 0",
            [outbox_id],
        )?;
        if claimed == 0 {
            return Ok(false);
        }
        {
            let updated_at = now_rfc3339();
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO deliveries (outbox_id, inbox, host, state, attempts, next_attempt_at, updated_at)
                 VALUES (?1, ?2, ?3, 'pending', 0, ?4, ?5)",
            )?;
            for d in deliveries {
                insert.execute(params![outbox_id, d.inbox, d.host, now, updated_at])?;
            }
        }
        tx.commit()?;
        Ok(true)
    }

    /// Leases up to `limit` due deliveries (pending, due by `now`, not leased by anyone
    /// else) until `lease_until`, oldest due first, and returns them with their activity.
    pub fn lease_deliveries(
        &self,
        now: i64,
        lease_until: i64,
        limit: usize,
    ) -> StoreResult<Vec<LeasedDelivery>> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let rows = {
            let mut select = tx.prepare_cached(
                "SELECT d.id, d.outbox_id, d.inbox, d.host, d.attempts, o.actor, o.payload,
                        h.signature, h.first_failure_at
                 FROM deliveries d
                 JOIN outbox o ON o.id = d.outbox_id
                 LEFT JOIN remote_hosts h ON h.host = d.host
                 WHERE d.state = 'pending' AND d.next_attempt_at <= ?1
                   AND (d.leased_until IS NULL OR d.leased_until < ?1)
                 ORDER BY d.next_attempt_at, d.id
                 LIMIT ?2",
            )?;
            let rows = select
                .query_map(params![now, limit as i64], |r| {
                    Ok(LeasedDelivery {
                        id: r.get(0)?,
                        outbox_id: r.get(1)?,
                        inbox: r.get(2)?,
                        host: r.get(3)?,
                        attempts: r.get(4)?,
                        actor: r.get(5)?,
                        payload: r.get(6)?,
                        host_signature: r.get(7)?,
                        host_failing_since: r.get(8)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut lease =
                tx.prepare_cached("UPDATE deliveries SET leased_until = ?2 WHERE id = ?1")?;
            for row in &rows {
                lease.execute(params![row.id, lease_until])?;
            }
            rows
        };
        tx.commit()?;
        Ok(rows)
    }

    /// When the next pending delivery can be leased (unix seconds), if any is pending.
    pub fn next_delivery_due(&self) -> StoreResult<Option<i64>> {
        let conn = self.conn();
        let due: Option<i64> = conn.query_row(
            "SELECT MIN(MAX(next_attempt_at, COALESCE(leased_until + 1, 0)))
             FROM deliveries WHERE state = 'pending'",
            [],
            |r| r.get(0),
        )?;
        Ok(due)
    }

    /// Records a delivery the inbox accepted (2xx): the row is done and the host alive,
    /// remembering the signature `scheme` it took when given. One transaction: the only
    /// window in which a crash makes quire send the activity again is between the remote's
    /// answer and this commit.
    pub fn mark_delivered(
        &self,
        id: i64,
        host: &str,
        status: u16,
        scheme: Option<&str>,
        now: i64,
    ) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.prepare_cached(
            "UPDATE deliveries SET state = 'done', attempts = attempts + 1, leased_until = NULL,
                 last_status = ?2, last_error = NULL, updated_at = ?3
             WHERE id = ?1",
        )?
        .execute(params![id, status, now_rfc3339()])?;
        tx.prepare_cached(
            "INSERT INTO remote_hosts (host, signature, first_failure_at, last_success_at)
             VALUES (?1, ?2, NULL, ?3)
             ON CONFLICT (host) DO UPDATE SET
                 signature = COALESCE(excluded.signature, remote_hosts.signature),
                 first_failure_at = NULL, last_success_at = excluded.last_success_at",
        )?
        .execute(params![host, scheme, now])?;
        tx.commit()?;
        Ok(())
    }

    /// Records an attempt that did not deliver (see [`AttemptFailure`]), and the host's state.
    pub fn mark_attempt_failed(
        &self,
        id: i64,
        host: &str,
        failure: &AttemptFailure,
        now: i64,
    ) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.prepare_cached(
            "UPDATE deliveries SET state = ?2, attempts = attempts + 1, next_attempt_at = ?3,
                 leased_until = NULL, last_status = ?4, last_error = ?5, updated_at = ?6
             WHERE id = ?1",
        )?
        .execute(params![
            id,
            failure.state.as_str(),
            failure.next_attempt_at,
            failure.status,
            failure.error,
            now_rfc3339()
        ])?;
        if failure.host_down {
            tx.prepare_cached(
                "INSERT INTO remote_hosts (host, first_failure_at) VALUES (?1, ?2)
                 ON CONFLICT (host) DO UPDATE SET
                     first_failure_at = COALESCE(remote_hosts.first_failure_at, excluded.first_failure_at)",
            )?
            .execute(params![host, now])?;
        } else {
            tx.prepare_cached("UPDATE remote_hosts SET first_failure_at = NULL WHERE host = ?1")?
                .execute([host])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Gives up on a delivery without sending it (its host dead for days, its sender
    /// unknown): `failed`, with `reason` as its last error.
    pub fn give_up_delivery(&self, id: i64, reason: &str) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE deliveries SET state = 'failed', leased_until = NULL, last_error = ?2,
                 updated_at = ?3
             WHERE id = ?1",
            params![id, reason, now_rfc3339()],
        )?;
        Ok(())
    }

    /// Releases the leases of rows a stopping worker did not finish, so the next start sends
    /// them at once.
    pub fn release_leases(&self, ids: &[i64]) -> StoreResult<usize> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut n = 0;
        {
            let mut release = tx.prepare_cached(
                "UPDATE deliveries SET leased_until = NULL WHERE id = ?1 AND state = 'pending'",
            )?;
            for id in ids {
                n += release.execute([id])?;
            }
        }
        tx.commit()?;
        Ok(n)
    }

    /// Releases every lease: at the start of `serve`, the only worker on this database,
    /// leases left are those of a process that was killed.
    pub fn release_all_leases(&self) -> StoreResult<usize> {
        Ok(self.conn().execute(
            "UPDATE deliveries SET leased_until = NULL
             WHERE state = 'pending' AND leased_until IS NOT NULL",
            [],
        )?)
    }

    /// Makes every pending delivery due at `now` (waiting retries included). Returns how many.
    pub fn expedite_pending_deliveries(&self, now: i64) -> StoreResult<usize> {
        Ok(self.conn().execute(
            "UPDATE deliveries SET next_attempt_at = ?1
             WHERE state = 'pending' AND next_attempt_at > ?1",
            [now],
        )?)
    }

    /// `quire queue retry`: failed deliveries become pending with a fresh count of attempts,
    /// due at `now`, and their hosts lose their run of failures (else a host dead for days
    /// would fail them again unsent). Gone ones stay gone. Returns how many.
    pub fn retry_failed_deliveries(&self, now: i64) -> StoreResult<usize> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE remote_hosts SET first_failure_at = NULL
             WHERE host IN (SELECT host FROM deliveries WHERE state = 'failed')",
            [],
        )?;
        let n = tx.execute(
            "UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = ?1,
                 leased_until = NULL, updated_at = ?2
             WHERE state = 'failed'",
            params![now, now_rfc3339()],
        )?;
        tx.commit()?;
        Ok(n)
    }

    /// Deliveries in the given states, by host then id.
    pub fn deliveries_in(&self, states: &[DeliveryState]) -> StoreResult<Vec<DeliveryRow>> {
        // The state words are this module's constants, never input: safe to inline.
        let list = states
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {ROW_COLUMNS} FROM deliveries d JOIN outbox o ON o.id = d.outbox_id
             WHERE d.state IN ({list}) ORDER BY d.host, d.id"
        ))?;
        let rows = stmt
            .query_map([], delivery_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Every delivery, oldest first (tests).
    pub fn all_deliveries(&self) -> StoreResult<Vec<DeliveryRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {ROW_COLUMNS} FROM deliveries d JOIN outbox o ON o.id = d.outbox_id ORDER BY d.id"
        ))?;
        let rows = stmt
            .query_map([], delivery_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// How many deliveries are in each state.
    pub fn delivery_counts(&self) -> StoreResult<DeliveryCounts> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare_cached("SELECT state, count(*) FROM deliveries GROUP BY state")?;
        let mut counts = DeliveryCounts::default();
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (state, n) = row?;
            let n = n as usize;
            match DeliveryState::parse(&state)? {
                DeliveryState::Pending => counts.pending = n,
                DeliveryState::Done => counts.done = n,
                DeliveryState::Failed => counts.failed = n,
                DeliveryState::Gone => counts.gone = n,
            }
        }
        Ok(counts)
    }

    /// What quire remembers about `host`, if anything.
    pub fn remote_host(&self, host: &str) -> StoreResult<Option<RemoteHost>> {
        let conn = self.conn();
        optional(conn.query_row(
            "SELECT host, signature, first_failure_at, last_success_at FROM remote_hosts WHERE host = ?1",
            [host],
            |r| {
                Ok(RemoteHost {
                    host: r.get(0)?,
                    signature: r.get(1)?,
                    first_failure_at: r.get(2)?,
                    last_success_at: r.get(3)?,
                })
            },
        ))
    }

    /// Records that `host` was seen alive (a request from it arrived, say): ends its run of
    /// failures, so its deliveries are sent again.
    pub fn host_seen_alive(&self, host: &str) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE remote_hosts SET first_failure_at = NULL WHERE host = ?1",
            [host],
        )?;
        Ok(())
    }

    /// Sets a host's run of failures to have begun at `since` (tests of the dead-host rule).
    pub fn set_host_failing_since(&self, host: &str, since: Option<i64>) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO remote_hosts (host, first_failure_at) VALUES (?1, ?2)
             ON CONFLICT (host) DO UPDATE SET first_failure_at = excluded.first_failure_at",
            params![host, since],
        )?;
        Ok(())
    }

    /// The id of the outbox activity `activity_id`, if recorded.
    pub fn outbox_id_of(&self, activity_id: &str) -> StoreResult<Option<i64>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id FROM outbox WHERE activity_id = ?1",
                [activity_id],
                |r| r.get(0),
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::outbox::NewActivity;

    fn store_with_activity() -> (Store, i64) {
        let store = Store::open_in_memory().unwrap();
        store
            .record_activity(&NewActivity {
                activity_id: "https://b.example/a/1".into(),
                actor: "alice".into(),
                kind: "Create".into(),
                object_id: Some("https://b.example/posts/x".into()),
                payload: "{}".into(),
                target_inbox: None,
            })
            .unwrap();
        let id = store.unplanned_activities(10).unwrap()[0].id;
        (store, id)
    }

    fn to(inbox: &str) -> NewDelivery {
        NewDelivery {
            inbox: inbox.into(),
            host: url_host(inbox),
        }
    }

    fn url_host(inbox: &str) -> String {
        inbox.split('/').nth(2).unwrap().to_string()
    }

    #[test]
    fn planning_is_once_and_marks_the_activity() {
        let (store, id) = store_with_activity();
        let plan = [to("https://r.example/inbox"), to("https://s.example/inbox")];
        assert!(store.plan_deliveries(id, &plan, 100).unwrap());
        assert!(!store.plan_deliveries(id, &plan, 100).unwrap());
        assert!(store.unplanned_activities(10).unwrap().is_empty());
        assert_eq!(store.all_deliveries().unwrap().len(), 2);
    }

    #[test]
    fn a_leased_row_is_not_leased_again_until_released() {
        let (store, id) = store_with_activity();
        store
            .plan_deliveries(id, &[to("https://r.example/inbox")], 100)
            .unwrap();
        assert!(store.lease_deliveries(99, 160, 10).unwrap().is_empty());
        let leased = store.lease_deliveries(100, 160, 10).unwrap();
        assert_eq!(leased.len(), 1);
        assert!(store.lease_deliveries(150, 210, 10).unwrap().is_empty());
        assert_eq!(store.next_delivery_due().unwrap(), Some(161));
        // An expired lease (a killed worker) is leased again.
        assert_eq!(store.lease_deliveries(161, 221, 10).unwrap().len(), 1);
        store.release_leases(&[leased[0].id]).unwrap();
        assert_eq!(store.lease_deliveries(162, 222, 10).unwrap().len(), 1);
    }

    #[test]
    fn delivered_and_failed_rows_leave_the_queue_and_hosts_are_remembered() {
        let (store, id) = store_with_activity();
        let plan = [to("https://r.example/inbox"), to("https://s.example/inbox")];
        store.plan_deliveries(id, &plan, 100).unwrap();
        let leased = store.lease_deliveries(100, 160, 10).unwrap();
        store
            .mark_delivered(leased[0].id, "r.example", 202, Some("rfc9421"), 101)
            .unwrap();
        let failure = AttemptFailure {
            state: DeliveryState::Pending,
            next_attempt_at: 131,
            status: Some(503),
            error: "503 Service Unavailable".into(),
            host_down: true,
        };
        store
            .mark_attempt_failed(leased[1].id, "s.example", &failure, 101)
            .unwrap();
        let r = store.remote_host("r.example").unwrap().unwrap();
        assert_eq!(r.signature.as_deref(), Some("rfc9421"));
        assert_eq!(r.last_success_at, Some(101));
        let s = store.remote_host("s.example").unwrap().unwrap();
        assert_eq!(s.first_failure_at, Some(101));
        assert_eq!(store.next_delivery_due().unwrap(), Some(131));
        let counts = store.delivery_counts().unwrap();
        assert_eq!((counts.pending, counts.done), (1, 1));

        store.give_up_delivery(leased[1].id, "dead").unwrap();
        assert_eq!(store.retry_failed_deliveries(200).unwrap(), 1);
        assert_eq!(
            store
                .remote_host("s.example")
                .unwrap()
                .unwrap()
                .first_failure_at,
            None
        );
        let again = store.lease_deliveries(200, 260, 10).unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].attempts, 0);
    }
}
