//! All of quire's SQL: the schema, its migrations and one method per question or change.
//!
//! Nothing here knows about HTTP, HTML or ActivityStreams JSON beyond storing a payload as
//! text. Other modules never write SQL; they call [`Store`] methods. One connection, guarded
//! by a `std::sync::Mutex` (not a tokio one: no `.await` happens while it is held); async
//! callers go through [`Store::run`], which moves the work to tokio's blocking pool.

pub mod actors;
pub mod backup;
pub mod comments;
pub mod deliveries;
pub mod followers;
pub mod health;
pub mod migrate;
pub mod moderation;
pub mod outbox;
pub mod posts;
pub mod reactions;
pub mod received;
pub mod remote_actors;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;

/// A storage failure. Callers turn `NotFound` into 404 and the rest into 500.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// SQLite refused or failed.
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored value could not be decoded (corrupted or hand-edited row).
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    /// Opening the database file or its folder failed.
    #[error("{path}: {message}")]
    Open { path: PathBuf, message: String },
}

/// A raw SQLite connection, for tools and tests that must build a database by hand (an old
/// schema, say). Everything else goes through [`Store`].
pub use rusqlite::Connection as RawConnection;

/// Result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;

/// The database handle; cheap to clone.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    path: Option<PathBuf>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` in WAL mode and migrates it.
    pub fn open(path: &Path) -> StoreResult<Store> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Open {
                path: parent.to_owned(),
                message: format!("cannot create the data folder: {e}"),
            })?;
        }
        let conn = Connection::open(path).map_err(|e| StoreError::Open {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        restrict_permissions(path);
        Self::setup(conn, Some(path.to_owned()))
    }

    /// An in-memory database, for tests.
    pub fn open_in_memory() -> StoreResult<Store> {
        Self::setup(Connection::open_in_memory()?, None)
    }

    fn setup(mut conn: Connection, path: Option<PathBuf>) -> StoreResult<Store> {
        // WAL lets readers (a running `serve`) and a writer (`quire import`) share the file;
        // NORMAL synchronous is durable against a killed process (only power loss can lose
        // the last commits), which is what the delivery queue needs.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        migrate::migrate(&mut conn)?;
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
            path,
        })
    }

    /// The database file, if not in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Locks the connection. A poisoned lock (a panic while holding it) is recovered: SQLite
    /// rolled back whatever transaction was open, so the connection is still consistent.
    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs blocking store work on tokio's blocking pool.
    pub async fn run<R, F>(&self, f: F) -> StoreResult<R>
    where
        F: FnOnce(&Store) -> StoreResult<R> + Send + 'static,
        R: Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| StoreError::Corrupt(format!("store task failed: {e}")))?
    }

    /// The schema version (number of migrations applied).
    pub fn schema_version(&self) -> StoreResult<i64> {
        Ok(self
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }
}

/// Opens an existing database file without creating or migrating it (backups, restores,
/// `doctor`). `missing` is the message when there is no such file.
pub(crate) fn open_existing(
    path: &Path,
    read_only: bool,
    missing: &str,
    busy: std::time::Duration,
) -> StoreResult<Connection> {
    if !path.is_file() {
        return Err(StoreError::Open {
            path: path.to_owned(),
            message: missing.into(),
        });
    }
    let access = if read_only {
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
    } else {
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
    };
    let conn =
        Connection::open_with_flags(path, access | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| StoreError::Open {
                path: path.to_owned(),
                message: e.to_string(),
            })?;
    conn.busy_timeout(busy)?;
    Ok(conn)
}

/// Keeps the database (which holds private keys) readable by its owner only.
fn restrict_permissions(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// The current time as stored: RFC 3339 UTC with seconds.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Maps "no row" to [`StoreError::NotFound`].
pub(crate) fn optional<T>(r: rusqlite::Result<T>) -> StoreResult<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
