//! Wiring: the [`App`] every part shares (configuration, database, keys, page cache), and
//! [`serve`], which runs the HTTP server, the content watcher and the background workers until
//! shutdown. No logic of its own lives here.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::config::Config;
use crate::content::sync::{sync, SyncReport};
use crate::federation::actors::SignerCache;
use crate::federation::convert::Converter;
use crate::federation::fetch::{SafeClient, Signer};
use crate::federation::outbox::activities_for;
use crate::federation::signature::{generate_rsa_2048, PrivateKey};
use crate::store::actors::{ActorKind, LocalActorKeys};
use crate::store::reactions::ReactionWriter;
use crate::store::{now_rfc3339, Store};
use crate::urls::Urls;
use crate::web::cache::PageCache;

/// A local actor with its signing key loaded.
pub struct LocalActor {
    /// preferredUsername.
    pub name: String,
    pub kind: ActorKind,
    /// Stored keys (public PEM published, created_at is the actor's `published`).
    pub keys: LocalActorKeys,
    /// The private key, ready for ring to sign with.
    pub signer: PrivateKey,
    /// The published id of its public key (`B/@name#main-key`).
    pub key_id: String,
}

impl LocalActor {
    /// How this actor signs its requests.
    pub fn signer(&self) -> Signer<'_> {
        Signer {
            key_id: &self.key_id,
            key: &self.signer,
        }
    }
}

/// Everything a request handler or worker needs.
pub struct App {
    pub config: Config,
    pub urls: Urls,
    pub store: Store,
    /// The author.
    pub person: LocalActor,
    /// The blog.
    pub group: LocalActor,
    /// Rendered pages and documents, served from memory until content changes.
    pub cache: PageCache,
    /// Woken when new activities were recorded, so delivery starts at once.
    pub outbox_notify: Notify,
    /// The only client that talks to other servers (SSRF-safe, signed).
    pub client: SafeClient,
    /// Likes and boosts are committed in groups (see `ReactionWriter`).
    pub reactions: ReactionWriter,
    /// Remote signers seen by the inbox, keys parsed, in front of the actor cache table.
    pub signers: SignerCache,
}

impl App {
    /// Opens the data folder (creating database and keys on first start).
    pub fn open(config: Config) -> anyhow::Result<App> {
        let store = Store::open(&database_path(&config))
            .with_context(|| format!("opening the database in {}", config.data_dir.display()))?;
        let urls = Urls::new(&config);
        let person =
            load_or_create_actor(&store, &urls, &config.author_username, ActorKind::Person)?;
        let group = load_or_create_actor(&store, &urls, &config.blog_handle, ActorKind::Group)?;
        let client =
            SafeClient::new(config.allow_private_networks).context("setting up the HTTP client")?;
        Ok(App {
            config,
            urls,
            person,
            group,
            cache: PageCache::new(),
            outbox_notify: Notify::new(),
            client,
            reactions: ReactionWriter::spawn(store.clone()),
            signers: SignerCache::default(),
            store,
        })
    }

    /// The converter to ActivityStreams for this blog.
    pub fn converter(&self) -> Converter<'_> {
        Converter::new(&self.config, &self.urls)
    }

    /// The local actor called `name`, if any.
    pub fn local_actor(&self, name: &str) -> Option<&LocalActor> {
        [&self.person, &self.group]
            .into_iter()
            .find(|a| a.name == name)
    }

    /// Syncs the content folder into the database, records the activities, and drops cached
    /// pages when something changed.
    pub fn sync_content(&self) -> anyhow::Result<SyncReport> {
        let conv = self.converter();
        let report = sync(
            &self.config.content_dir,
            &self.store,
            &now_rfc3339(),
            &|change| activities_for(&conv, change),
        )?;
        if report.changed() {
            self.cache.invalidate();
            self.outbox_notify.notify_one();
        }
        Ok(report)
    }
}

/// Where the database lives in the data folder.
pub fn database_path(config: &Config) -> PathBuf {
    config.data_dir.join("quire.db")
}

fn load_or_create_actor(
    store: &Store,
    urls: &Urls,
    name: &str,
    kind: ActorKind,
) -> anyhow::Result<LocalActor> {
    let keys = match store.actor_keys(name)? {
        Some(keys) => keys,
        None => {
            let generated = generate_rsa_2048().context("generating an RSA key pair")?;
            tracing::info!(actor = name, "created an RSA-2048 key pair");
            store.insert_actor_keys(name, kind, &generated.pkcs8_der, &generated.public_pem)?
        }
    };
    let signer = PrivateKey::from_pkcs8_der(&keys.private_key_pkcs8)
        .map_err(|e| anyhow::anyhow!("the stored key of {name} is unusable: {e}"))?;
    Ok(LocalActor {
        name: name.to_string(),
        kind,
        keys,
        signer,
        key_id: urls.actor_key(name),
    })
}

/// Logs what a sync did: one line per change, one per broken file.
pub fn log_sync_report(report: &SyncReport) {
    for slug in &report.created {
        tracing::info!(slug, "published");
    }
    for slug in &report.updated {
        tracing::info!(slug, "updated");
    }
    for slug in &report.deleted {
        tracing::info!(slug, "removed");
    }
    for error in &report.errors {
        tracing::warn!("skipped {error}");
    }
}

/// Runs the blog on `listener` until `shutdown` resolves: syncs the content folder, serves
/// HTTP, re-syncs when the folder changes (polled each second: cheap, and works on every
/// filesystem, network mounts included), and runs the delivery worker.
pub async fn serve(
    app: Arc<App>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let initial = {
        let app = app.clone();
        tokio::task::spawn_blocking(move || app.sync_content()).await??
    };
    log_sync_report(&initial);

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let watcher = tokio::spawn(watch_content(app.clone(), stop_rx.clone()));
    let worker = tokio::spawn(crate::federation::delivery::run(
        app.clone(),
        crate::federation::delivery::WorkerSettings::for_app(&app),
        stop_rx.clone(),
    ));

    // The listener is bound and the content synced: systemd (Type=notify) may now consider
    // the blog started. A no-op when not run by systemd.
    crate::ops::systemd::notify_ready();
    crate::web::run(app.clone(), listener, async move {
        shutdown.await;
        crate::ops::systemd::notify_stopping();
        let _ = stop_tx.send(true);
    })
    .await
    .context("the HTTP server failed")?;
    let _ = watcher.await;
    // The worker lets sends under way finish (10 s at most) and leaves the rest queued.
    let _ = worker.await;
    Ok(())
}

/// Re-syncs the content folder when its fingerprint changes or SIGHUP arrives.
async fn watch_content(app: Arc<App>, mut stop: tokio::sync::watch::Receiver<bool>) {
    let dir = app.config.content_dir.clone();
    let mut last = {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || crate::content::scan::fingerprint(&dir))
            .await
            .unwrap_or(0)
    };
    // Moderation commands (`quire comments approve`, `quire block`) write from another
    // process: when the database changed under us, cached pages are stale.
    let mut data_version = app.store.data_version().ok();
    #[cfg(unix)]
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
    loop {
        #[cfg(unix)]
        let hup = async {
            match hangup.as_mut() {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let hup = std::future::pending::<()>();
        let forced = tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => false,
            _ = hup => true,
            _ = stop.changed() => return,
        };
        let version = app.store.data_version().ok();
        if version != data_version {
            data_version = version;
            app.cache.invalidate();
            app.signers.clear();
        }
        let dir2 = dir.clone();
        let now = tokio::task::spawn_blocking(move || crate::content::scan::fingerprint(&dir2))
            .await
            .unwrap_or(0);
        if now == last && !forced {
            continue;
        }
        last = now;
        let app2 = app.clone();
        match tokio::task::spawn_blocking(move || app2.sync_content()).await {
            Ok(Ok(report)) => log_sync_report(&report),
            Ok(Err(e)) => tracing::error!("content sync failed: {e:#}"),
            Err(e) => tracing::error!("content sync panicked: {e}"),
        }
    }
}
