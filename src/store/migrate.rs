//! Numbered schema migrations, applied in order at start inside one transaction each.
//!
//! The schema version lives in SQLite's `PRAGMA user_version`. A migration is never edited
//! once released: a change to the schema is a new file with the next number.

use rusqlite::Connection;

/// Every migration, in order; the schema version after applying `MIGRATIONS[i]` is `i + 1`.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_blog", include_str!("migrations/0001_blog.sql")),
    (
        "0002_federation",
        include_str!("migrations/0002_federation.sql"),
    ),
    (
        "0003_conversation",
        include_str!("migrations/0003_conversation.sql"),
    ),
];

/// Brings the database to the newest schema, applying only what it lacks.
///
/// Refuses a database written by a newer quire (a higher version than this binary knows)
/// rather than guessing at its schema.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<MigrateOutcome> {
    migrate_to(conn, MIGRATIONS.len())
}

/// What [`migrate`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MigrateOutcome {
    /// Version before.
    pub from: usize,
    /// Version after.
    pub to: usize,
}

/// Applies migrations up to `target` (tests use it to build an older schema).
pub fn migrate_to(conn: &mut Connection, target: usize) -> rusqlite::Result<MigrateOutcome> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let current = usize::try_from(current).unwrap_or(0);
    if current > MIGRATIONS.len() {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_MISMATCH),
            Some(format!(
                "the database has schema version {current}, newer than this quire knows ({}); upgrade quire",
                MIGRATIONS.len()
            )),
        ));
    }
    for (index, (_name, sql)) in MIGRATIONS.iter().enumerate().take(target).skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (index + 1) as i64)?;
        tx.commit()?;
    }
    Ok(MigrateOutcome {
        from: current,
        to: current.max(target.min(MIGRATIONS.len())),
    })
}
