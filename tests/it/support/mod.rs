//! Test instances of quire on 127.0.0.1 and helpers to talk to them.
//!
//! A [`TestInstance`] is the real server (`quire::app::serve`) in this process, on a port the
//! OS picked, with its own temporary content and data folders and a `blog.toml` whose
//! `base_url` is that port. Nothing here talks to anything but loopback.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use quire::app::App;
use quire::config::Config;

pub mod signer;

/// A running quire.
pub struct TestInstance {
    pub dir: tempfile::TempDir,
    pub app: Arc<App>,
    pub base: String,
    pub addr: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

/// Extra lines for blog.toml, appended after the generated `[site]`/`[federation]` keys.
#[derive(Default, Clone)]
pub struct Options {
    /// TOML appended to the config (other tables than site/federation/storage/content).
    pub extra_toml: String,
    /// Keys added under `[site]`.
    pub site_toml: String,
}

impl TestInstance {
    /// Starts an instance with the default test configuration.
    pub async fn start() -> TestInstance {
        Self::start_with(Options::default()).await
    }

    /// Starts an instance with extra configuration.
    pub async fn start_with(options: Options) -> TestInstance {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("content")).expect("content dir");
        Self::start_in(dir, options).await
    }

    /// Starts (or restarts) an instance over an existing folder.
    pub async fn start_in(dir: tempfile::TempDir, options: Options) -> TestInstance {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let base = format!("http://127.0.0.1:{}", addr.port());
        let toml = format!(
            "[site]\nbase_url = \"{base}\"\ntitle = \"Test blog\"\n{}\n[author]\nusername = \"alice\"\nname = \"Alice Example\"\nsummary = \"Writes *tests*.\"\n\n[federation]\nallow_private_networks = true\n\n{}\n",
            options.site_toml, options.extra_toml
        );
        let config_path = dir.path().join("blog.toml");
        std::fs::write(&config_path, toml).expect("write config");
        let config = Config::load(Some(&config_path)).expect("valid test config");
        let app = Arc::new(App::open(config).expect("open app"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(quire::app::serve(app.clone(), listener, async move {
            let _ = rx.await;
        }));
        let instance = TestInstance {
            dir,
            app,
            base,
            addr,
            stop: Some(tx),
            task: Some(task),
        };
        // serve() syncs before it answers; wait until it does.
        wait_for(Duration::from_secs(20), || async {
            reqwest::get(instance.url("/nodeinfo/2.1")).await.is_ok()
        })
        .await;
        instance
    }

    /// Stops the server (graceful shutdown) and hands back its folder for a restart.
    pub async fn stop(mut self) -> tempfile::TempDir {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(20), task).await;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        std::mem::replace(&mut self.dir, dir)
    }

    /// An absolute URL on this instance.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The content folder.
    pub fn content(&self) -> PathBuf {
        self.dir.path().join("content")
    }

    /// Writes a post file (relative to the content folder).
    pub fn write_post(&self, rel: &str, text: &str) {
        write_file(&self.content().join(rel), text);
    }

    /// The Person's id.
    pub fn person(&self) -> String {
        self.url("/@alice")
    }

    /// The Group's id.
    pub fn group(&self) -> String {
        self.url("/@blog")
    }

    /// GET as a browser.
    pub async fn get_html(&self, path: &str) -> reqwest::Response {
        client()
            .get(self.url(path))
            .header("Accept", "text/html")
            .send()
            .await
            .expect("GET")
    }

    /// GET as a fediverse server, returning status and JSON.
    pub async fn get_json(&self, path: &str) -> (reqwest::StatusCode, serde_json::Value) {
        let r = client()
            .get(self.url(path))
            .header("Accept", "application/activity+json")
            .send()
            .await
            .expect("GET");
        let status = r.status();
        let body = r.text().await.expect("body");
        (
            status,
            serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
        )
    }
}

impl Drop for TestInstance {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// Writes a file, creating folders.
pub fn write_file(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

/// A plain HTTP client that does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

/// Polls `check` until it is true or `deadline` passes (then panics). Never a bare sleep.
pub async fn wait_for<F, Fut>(deadline: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        if check().await {
            return;
        }
        if start.elapsed() > deadline {
            panic!("condition not met within {deadline:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A post file with YAML front matter.
pub fn post(title: &str, date: &str, tags: &[&str], body: &str) -> String {
    let tags = tags
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(", ");
    format!("---\ntitle: \"{title}\"\ndate: {date}\ntags: [{tags}]\n---\n\n{body}\n")
}
