//! `quire backup` and `quire restore`: where copies of the database go, and how a copy is put
//! in place without ever leaving a half-written or mismatched file behind.
//!
//! Both go through a temporary file in the destination's folder, synced, then renamed: a
//! crash leaves either the old file or the new one. The SQLite side (online backup, integrity
//! and schema checks) is [`crate::store::backup`].

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};

use crate::app::database_path;
use crate::config::Config;
use crate::store::backup::{backup_database, inspect, DatabaseInfo};
use crate::store::Store;

/// Copies the blog's database (keys, posts, followers, queue: everything but the content
/// folder and blog.toml) to `dest`, consistently, even while `serve` runs. `dest` may be a
/// folder (the copy is then named `quire-<UTC time>.db` in it). An existing file is replaced
/// only with `force`. Returns where the copy went and what it holds.
pub fn backup(
    config: &Config,
    dest: &Path,
    force: bool,
) -> anyhow::Result<(PathBuf, DatabaseInfo)> {
    let source = database_path(config);
    if !source.is_file() {
        bail!(
            "no database at {} (is data_dir right? pass the blog's configuration with -c blog.toml)",
            source.display()
        );
    }
    let dest = if dest.is_dir() {
        dest.join(format!(
            "quire-{}.db",
            chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
        ))
    } else {
        dest.to_owned()
    };
    if dest.exists() && !force {
        bail!(
            "{} exists; choose another name, or add --force to replace it",
            dest.display()
        );
    }
    let tmp = temporary_beside(&dest, "backup")?;
    let info = match backup_database(&source, &tmp) {
        Ok(info) => info,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e).with_context(|| format!("copying {}", source.display()));
        }
    };
    if let Some(problem) = info.problem() {
        let _ = std::fs::remove_file(&tmp);
        bail!("the copy of {} is unusable: {problem}", source.display());
    }
    put_in_place(&tmp, &dest)?;
    Ok((dest, info))
}

/// What [`restore`] did.
#[derive(Debug)]
pub struct Restored {
    /// The database now in place.
    pub database: PathBuf,
    /// Where the database it replaced was moved, if there was one.
    pub replaced: Option<PathBuf>,
    /// What the restored copy holds.
    pub info: DatabaseInfo,
}

/// Puts the backup `file` in place as the blog's database, for a stopped server (refused when
/// something answers on `server.listen`). Refuses a file that is damaged, not quire's, or
/// from a newer quire, and refuses to replace an existing database without `force` (with it,
/// the old one is moved aside, never deleted). An older backup is migrated on the spot.
pub fn restore(config: &Config, file: &Path, force: bool) -> anyhow::Result<Restored> {
    let info = inspect(file).with_context(|| format!("reading {}", file.display()))?;
    if let Some(problem) = info.problem() {
        bail!("{}: {problem}", file.display());
    }
    if let Some(addr) = server_answers(config) {
        bail!(
            "quire seems to be running (something answers on {addr}); stop it first (`systemctl stop quire`), restore, then start it"
        );
    }
    let target = database_path(config);
    let data_dir = &config.data_dir;
    if !data_dir.is_dir() {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("creating the data folder {}", data_dir.display()))?;
        if let Some(parent) = data_dir.parent() {
            match_owner_of_folder(data_dir, parent);
        }
    }
    let wal = sidecar(&target, "-wal");
    let shm = sidecar(&target, "-shm");
    if target.exists() && !force {
        let current = inspect(&target)
            .map(|i| describe(&i))
            .unwrap_or_else(|e| format!("unreadable: {e}"));
        bail!(
            "{} already holds a database ({current}); add --force to replace it (it is moved aside, not deleted)",
            target.display()
        );
    }
    let tmp = temporary_beside(&target, "restore")?;
    if let Err(e) = backup_database(file, &tmp) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("copying {}", file.display()));
    }
    // The database being replaced goes aside with its write-ahead log: a stale `-wal` next to
    // the restored file would be replayed into it.
    let replaced = if target.exists() || wal.exists() {
        let aside = target.with_file_name(format!(
            "quire.db.replaced-{}",
            chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
        ));
        if target.exists() {
            std::fs::rename(&target, &aside)
                .with_context(|| format!("moving {} aside", target.display()))?;
        }
        if wal.exists() {
            std::fs::rename(&wal, sidecar(&aside, "-wal"))
                .with_context(|| format!("moving {} aside", wal.display()))?;
        }
        Some(aside)
    } else {
        None
    };
    if shm.exists() {
        std::fs::remove_file(&shm).with_context(|| format!("removing {}", shm.display()))?;
    }
    put_in_place(&tmp, &target)?;
    match_owner_of_folder(&target, data_dir);
    // Opening migrates an older backup to this quire's schema, as `serve` would.
    let store = Store::open(&target)
        .with_context(|| format!("opening the restored {}", target.display()))?;
    drop(store);
    match_owner_of_folder(&target, data_dir);
    let info = inspect(&target)?;
    Ok(Restored {
        database: target,
        replaced,
        info,
    })
}

/// A short description of what a database holds: posts, followers, schema version.
pub fn describe(info: &DatabaseInfo) -> String {
    format!(
        "{} posts, {} followers, {} queued deliveries, schema version {}",
        info.rows("posts").unwrap_or(0),
        info.rows("followers").unwrap_or(0),
        info.rows("deliveries").unwrap_or(0),
        info.schema_version
    )
}

/// The address quire would answer on, if something answers there now.
fn server_answers(config: &Config) -> Option<std::net::SocketAddr> {
    let mut addr = config.listen;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            std::net::SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            std::net::SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(1))
        .ok()
        .map(|_| addr)
}

/// `path` with `suffix` appended to its file name (`quire.db` → `quire.db-wal`).
fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// A fresh temporary name in `dest`'s folder (same file system, so the final rename is
/// atomic); a leftover from an interrupted run is removed.
fn temporary_beside(dest: &Path, what: &str) -> anyhow::Result<PathBuf> {
    let name = dest
        .file_name()
        .with_context(|| format!("{}: not a file name", dest.display()))?;
    let tmp = dest.with_file_name(format!(
        ".{}.{what}-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    if tmp.exists() {
        std::fs::remove_file(&tmp).with_context(|| format!("removing {}", tmp.display()))?;
    }
    Ok(tmp)
}

/// Syncs `tmp` to disk and renames it to `dest`, then syncs the folder so the rename lasts.
fn put_in_place(tmp: &Path, dest: &Path) -> anyhow::Result<()> {
    let synced = std::fs::File::open(tmp).and_then(|f| f.sync_all());
    if let Err(e) = synced {
        let _ = std::fs::remove_file(tmp);
        return Err(e).with_context(|| format!("syncing {}", tmp.display()));
    }
    if let Err(e) = std::fs::rename(tmp, dest) {
        let _ = std::fs::remove_file(tmp);
        return Err(e).with_context(|| format!("renaming {} to {}", tmp.display(), dest.display()));
    }
    if let Some(parent) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(dir) = std::fs::File::open(parent) {
            let _ = dir.sync_all();
        }
    }
    Ok(())
}

/// When run as root (`sudo quire restore`), gives what root just created (the restored file,
/// a new data folder) to the owner of the folder it is in, so the service's own user can open
/// it.
fn match_owner_of_folder(file: &Path, folder: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let (Ok(me), Ok(dir)) = (std::fs::metadata(file), std::fs::metadata(folder)) else {
            return;
        };
        if me.uid() == 0 && dir.uid() != 0 {
            if let Err(e) = std::os::unix::fs::chown(file, Some(dir.uid()), Some(dir.gid())) {
                tracing::warn!(
                    "could not give {} to the data folder's owner: {e}",
                    file.display()
                );
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (file, folder);
}
