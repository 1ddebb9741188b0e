//! Copies of the database file: the SQLite online backup behind `quire backup` and
//! `quire restore`, and the inspection that tells a good quire database from anything else.
//!
//! A backup is taken through SQLite's online backup API from a connection of its own, so it is
//! consistent (one read transaction, a snapshot in WAL mode) while `serve` keeps reading and
//! writing. The copy is switched to the rollback journal so it is one self-contained file.
//! Where the copy goes, temporary names, renames and `--force` are `ops::backup`'s business.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::Connection;

use super::{migrate::MIGRATIONS, open_existing, restrict_permissions, StoreError, StoreResult};

/// How long a backup waits for a writer that holds the database locked before giving up.
const BUSY_PATIENCE: Duration = Duration::from_secs(30);

/// What a database file holds, as far as a backup or a restore cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseInfo {
    /// `PRAGMA user_version`: the number of migrations applied.
    pub schema_version: i64,
    /// The newest schema version this quire knows.
    pub known_version: i64,
    /// `PRAGMA integrity_check`'s answer: `["ok"]` for a sound file, else the problems (at
    /// most ten).
    pub integrity: Vec<String>,
    /// Every table (SQLite's own excepted) with its number of rows, by name.
    pub tables: Vec<(String, i64)>,
}

impl DatabaseInfo {
    /// Whether `PRAGMA integrity_check` found nothing wrong.
    pub fn is_sound(&self) -> bool {
        self.integrity.len() == 1 && self.integrity[0] == "ok"
    }

    /// Rows in table `name`, if the table exists.
    pub fn rows(&self, name: &str) -> Option<i64> {
        self.tables.iter().find(|(t, _)| t == name).map(|(_, n)| *n)
    }

    /// Why this file cannot be used as quire's database, if it cannot: corrupt, not quire's,
    /// or written by a newer quire.
    pub fn problem(&self) -> Option<String> {
        if !self.is_sound() {
            return Some(format!(
                "the file is damaged (integrity check: {})",
                self.integrity.join("; ")
            ));
        }
        if self.schema_version == 0 || self.rows("local_actors").is_none() {
            return Some("not a quire database (no quire schema in it)".into());
        }
        if self.schema_version > self.known_version {
            return Some(format!(
                "written by a newer quire (schema version {}, this quire knows {}); upgrade quire first",
                self.schema_version, self.known_version
            ));
        }
        None
    }
}

/// Copies the database at `source` into a new file `dest` (which must not exist) with the
/// online backup API: a consistent snapshot even while another process writes to `source`.
/// `dest` is created readable by its owner only, in rollback-journal mode (one file, no
/// `-wal` beside it), and checked with `PRAGMA integrity_check` before this returns.
pub fn backup_database(source: &Path, dest: &Path) -> StoreResult<DatabaseInfo> {
    let src = open_existing(source, false, "no such database file", BUSY_PATIENCE)?;
    // Touch the file first so it never exists with wider permissions than 0600.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(dest)
        .map_err(|e| StoreError::Open {
            path: dest.to_owned(),
            message: format!("cannot create the copy: {e}"),
        })?;
    restrict_permissions(dest);
    let mut dst = Connection::open(dest).map_err(|e| StoreError::Open {
        path: dest.to_owned(),
        message: e.to_string(),
    })?;
    {
        let backup = Backup::new(&src, &mut dst)?;
        let start = Instant::now();
        loop {
            // All pages in one step: one read transaction, so one consistent snapshot. In WAL
            // mode it does not block `serve`'s writers.
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More => {}
                StepResult::Busy | StepResult::Locked => {
                    if start.elapsed() > BUSY_PATIENCE {
                        return Err(StoreError::Open {
                            path: source.to_owned(),
                            message: "the database stayed locked; try again".into(),
                        });
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                // StepResult is non-exhaustive.
                _ => {}
            }
        }
    }
    dst.pragma_update(None, "journal_mode", "DELETE")?;
    drop(dst);
    drop(src);
    inspect(dest)
}

/// Reads what a database file holds (schema version, integrity, tables and row counts)
/// without changing it.
pub fn inspect(path: &Path) -> StoreResult<DatabaseInfo> {
    let conn = open_existing(path, true, "no such file", BUSY_PATIENCE)?;
    let not_a_database = |e: rusqlite::Error| StoreError::Open {
        path: path.to_owned(),
        message: format!("not a quire database ({e})"),
    };
    let schema_version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(not_a_database)?;
    let integrity = {
        let mut stmt = conn.prepare("PRAGMA integrity_check(10)")?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        rows
    };
    let names = {
        let mut stmt = conn.prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             ORDER BY name",
        )?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        rows
    };
    let mut tables = Vec::with_capacity(names.len());
    for name in names {
        let rows: i64 = conn.query_row(
            &format!("SELECT count(*) FROM {}", quote_identifier(&name)),
            [],
            |r| r.get(0),
        )?;
        tables.push((name, rows));
    }
    Ok(DatabaseInfo {
        schema_version,
        known_version: MIGRATIONS.len() as i64,
        integrity,
        tables,
    })
}

/// `name` as an SQL identifier, quoted.
fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn backup_of_a_live_database_is_sound_and_complete() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("quire.db");
        let store = Store::open(&db).unwrap();
        store
            .add_follower(
                "alice",
                "https://a.example/u/1",
                "https://a.example/inbox",
                None,
                None,
            )
            .unwrap();
        let copy = dir.path().join("copy.db");
        let info = backup_database(&db, &copy).unwrap();
        assert!(info.problem().is_none(), "{info:?}");
        assert_eq!(info.rows("followers"), Some(1));
        assert_eq!(info.schema_version, MIGRATIONS.len() as i64);
        assert!(!dir.path().join("copy.db-wal").exists());
        // It never overwrites.
        assert!(backup_database(&db, &copy).is_err());
        drop(store);
    }

    #[test]
    fn tells_other_files_apart() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "hello, this is not SQLite at all, just some text").unwrap();
        assert!(inspect(&text).is_err());
        let other = dir.path().join("other.db");
        let conn = Connection::open(&other).unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
        drop(conn);
        let info = inspect(&other).unwrap();
        assert!(info.problem().unwrap().contains("not a quire database"));
        assert!(inspect(&dir.path().join("missing.db")).is_err());
    }
}
