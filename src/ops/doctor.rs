//! `quire doctor`: checks the blog the way a remote server and an operator would, and says
//! what to do about each problem.
//!
//! Local checks: the configuration, the content folder (posts and files with front-matter
//! errors), the data folder and database, the delivery queue. Remote checks, over the blog's
//! public `base_url` (through the reverse proxy, as Mastodon would reach it): WebFinger, both
//! actors and the newest article answer with the right content types and with ids derived
//! from `base_url`, the published keys are the ones in this database, and this machine's clock
//! agrees with the server's `Date`.
//!
//! It uses reqwest directly rather than the federation's SSRF-safe client: the blog's own URL
//! may be private (a test on 127.0.0.1, a LAN name), and http is allowed for loopback only.

use std::fmt;
use std::time::Duration;

use crate::app::database_path;
use crate::config::Config;
use crate::federation::fetch::error_chain;
use crate::store::health::HealthView;
use crate::urls::Urls;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Fine.
    Ok,
    /// Works, but deserves attention.
    Warn,
    /// Broken: other servers (or quire itself) will fail.
    Fail,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Fail => "FAIL",
        })
    }
}

/// One line of the report: what was checked, how it went, and what to do.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The verdict.
    pub level: Level,
    /// What was found, in one sentence.
    pub what: String,
    /// What to do about it (none for `ok`).
    pub fix: Option<String>,
}

/// Everything `doctor` found, in the order it checked.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The findings.
    pub findings: Vec<Finding>,
}

impl Report {
    fn ok(&mut self, what: impl Into<String>) {
        self.push(Level::Ok, what.into(), None);
    }

    fn warn(&mut self, what: impl Into<String>, fix: impl Into<String>) {
        self.push(Level::Warn, what.into(), Some(fix.into()));
    }

    fn fail(&mut self, what: impl Into<String>, fix: impl Into<String>) {
        self.push(Level::Fail, what.into(), Some(fix.into()));
    }

    fn push(&mut self, level: Level, what: String, fix: Option<String>) {
        self.findings.push(Finding { level, what, fix });
    }

    /// Whether some check failed (the command then exits non-zero).
    pub fn failed(&self) -> bool {
        self.findings.iter().any(|f| f.level == Level::Fail)
    }

    /// The findings of one level.
    pub fn at(&self, level: Level) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.level == level)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for finding in &self.findings {
            writeln!(f, "{:<4}  {}", finding.level.to_string(), finding.what)?;
            if let Some(fix) = &finding.fix {
                writeln!(f, "      → {fix}")?;
            }
        }
        let fails = self.at(Level::Fail).count();
        let warns = self.at(Level::Warn).count();
        write!(
            f,
            "{} checks: {} ok, {warns} warnings, {fails} failed",
            self.findings.len(),
            self.findings.len() - fails - warns
        )
    }
}

/// How far this machine's clock may be from the server's `Date` before a warning; other
/// servers reject signatures about an hour off, which fails.
const CLOCK_WARN: i64 = 60;
const CLOCK_FAIL: i64 = 3600;
/// Pending deliveries older than this count as stuck.
const STUCK_AFTER: chrono::Duration = chrono::Duration::days(1);

/// Runs every check against the blog `config` describes.
pub async fn check(config: &Config) -> Report {
    let mut report = Report::default();
    match &config.file {
        Some(file) => report.ok(format!("configuration {} is valid", file.display())),
        None => report.warn(
            "no configuration file: checking the built-in defaults",
            "pass the blog's configuration: quire doctor -c /etc/quire/blog.toml",
        ),
    }
    check_base_url(config, &mut report);
    check_content(config, &mut report);
    check_data_dir(config, &mut report);
    let keys = check_database(config, &mut report);
    check_remote(config, &keys, &mut report).await;
    report
}

fn is_loopback_host(config: &Config) -> bool {
    match config.base_url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn check_base_url(config: &Config, report: &mut Report) {
    let base = config.base_url.as_str().trim_end_matches('/');
    if config.base_url.scheme() == "https" {
        report.ok(format!("base_url {base} is https"));
    } else if is_loopback_host(config) {
        report.warn(
            format!("base_url {base} is plain http: fine on this machine, but no other server federates over http"),
            "to publish, set site.base_url to https://your.host and put Caddy or nginx in front (README, Deployment)",
        );
    } else {
        report.fail(
            format!("base_url {base} is plain http: Mastodon and others only federate over https"),
            "set site.base_url to https://…, with Caddy or nginx terminating TLS in front of quire (README, Deployment); choose it before anyone follows you",
        );
    }
}

fn check_content(config: &Config, report: &mut Report) {
    let dir = &config.content_dir;
    if !dir.is_dir() {
        report.warn(
            format!(
                "content folder {} does not exist: the blog is empty",
                dir.display()
            ),
            format!(
                "create it and add posts (mkdir -p {}), or set content.dir",
                dir.display()
            ),
        );
        return;
    }
    if let Err(e) = std::fs::read_dir(dir) {
        report.fail(
            format!("content folder {} is not readable: {e}", dir.display()),
            "give the user quire runs as read access (chmod -R a+rX, or chown -R quire:)",
        );
        return;
    }
    let scan = crate::content::scan::scan(dir);
    let drafts = scan.posts.iter().filter(|p| p.front.draft).count();
    report.ok(format!(
        "content folder {}: {} posts ({drafts} drafts)",
        dir.display(),
        scan.posts.len() - drafts
    ));
    for error in &scan.errors {
        report.warn(
            format!("{}/{error}", dir.display()),
            "fix the file: it is skipped (its last good version stays online) until it parses",
        );
    }
}

fn check_data_dir(config: &Config, report: &mut Report) {
    let dir = &config.data_dir;
    if !dir.is_dir() {
        report.fail(
            format!("data folder {} does not exist", dir.display()),
            "run `quire init -c blog.toml` or start `quire serve` once (it creates the folder, the database and the keys), or fix storage.data_dir",
        );
        return;
    }
    let probe = dir.join(format!(".doctor-{}", std::process::id()));
    match std::fs::write(&probe, b"probe") {
        Ok(()) => {
            let _ = std::fs::remove_file(&probe);
            report.ok(format!("data folder {} is writable", dir.display()));
        }
        Err(e) => report.fail(
            format!("data folder {} is not writable: {e}", dir.display()),
            "run doctor as the user quire runs as (sudo -u quire quire doctor …), or give that user the folder (chown -R quire: …)",
        ),
    }
}

/// The public keys stored for both actors, as far as the database could be read.
#[derive(Default)]
struct StoredKeys {
    person: Option<String>,
    group: Option<String>,
    newest_post: Option<String>,
}

fn check_database(config: &Config, report: &mut Report) -> StoredKeys {
    let mut keys = StoredKeys::default();
    let path = database_path(config);
    let view = match HealthView::open(&path) {
        Ok(view) => view,
        Err(e) => {
            report.fail(
                format!("database: {e}"),
                "start `quire serve` (or `quire init`) once, or `quire restore` a backup; check storage.data_dir",
            );
            return keys;
        }
    };
    let known = crate::store::migrate::MIGRATIONS.len() as i64;
    match view.schema_version() {
        Ok(v) if v == known => {
            report.ok(format!("database {} (schema version {v})", path.display()))
        }
        Ok(v) if v < known => report.warn(
            format!(
                "database {} has schema version {v}; this quire has {known}",
                path.display()
            ),
            "restart quire (systemctl restart quire): it migrates the database at start",
        ),
        Ok(v) => report.fail(
            format!(
                "database {} has schema version {v}, newer than this quire ({known})",
                path.display()
            ),
            "an older quire binary runs this check: install the newer one",
        ),
        Err(e) => report.fail(
            format!("database {} is unreadable: {e}", path.display()),
            "restore the latest backup (quire restore FILE)",
        ),
    }
    keys.person = view.public_key_pem(&config.author_username).ok().flatten();
    keys.group = view.public_key_pem(&config.blog_handle).ok().flatten();
    keys.newest_post = view.newest_post_slug().ok().flatten();
    let cut = (chrono::Utc::now() - STUCK_AFTER).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    match view.delivery_health(&cut) {
        Ok(None) => {}
        Ok(Some(h)) if h.stuck == 0 && h.failed == 0 => report.ok(format!(
            "delivery queue moving ({} pending, none older than a day)",
            h.pending
        )),
        Ok(Some(h)) => {
            if h.stuck > 0 {
                report.warn(
                    format!("delivery queue: {} deliveries pending for more than a day", h.stuck),
                    "`quire queue` shows where they go; usually a remote server is down (they are retried for days), else check the log (journalctl -u quire) for delivery errors",
                );
            }
            if h.failed > 0 {
                report.warn(
                    format!("delivery queue: {} deliveries given up after every retry", h.failed),
                    "`quire queue` lists them; those followers missed posts (their server was gone or refused)",
                );
            }
        }
        Err(e) => report.warn(
            format!("delivery queue could not be read: {e}"),
            "check the log (journalctl -u quire)",
        ),
    }
    keys
}

fn http_client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::limited(3))
        .user_agent(concat!("quire-doctor/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// A GET answered: status, content type, `Date`, parsed JSON body.
struct Answer {
    status: reqwest::StatusCode,
    content_type: String,
    date: Option<std::time::SystemTime>,
    json: Option<serde_json::Value>,
}

async fn get(client: &reqwest::Client, url: &str, accept: &str) -> Result<Answer, reqwest::Error> {
    let response = client.get(url).header("Accept", accept).send().await?;
    let status = response.status();
    let header = |name: reqwest::header::HeaderName| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header(reqwest::header::CONTENT_TYPE).unwrap_or_default();
    let date = header(reqwest::header::DATE).and_then(|d| httpdate::parse_http_date(&d).ok());
    let body = response.text().await?;
    Ok(Answer {
        status,
        content_type,
        date,
        json: serde_json::from_str(&body).ok(),
    })
}

fn is_activity_type(content_type: &str) -> bool {
    let ct = content_type.to_ascii_lowercase();
    ct.starts_with("application/activity+json")
        || (ct.starts_with("application/ld+json") && ct.contains("activitystreams"))
}

async fn check_remote(config: &Config, keys: &StoredKeys, report: &mut Report) {
    let urls = Urls::new(config);
    if config.base_url.scheme() != "https" && !is_loopback_host(config) {
        report.warn(
            "skipped the checks over the network: base_url is not https",
            "fix base_url first",
        );
        return;
    }
    let client = match http_client() {
        Ok(c) => c,
        Err(e) => {
            report.fail(
                format!("cannot build an HTTP client: {e}"),
                "report this as a bug",
            );
            return;
        }
    };
    let webfinger = format!(
        "{}/.well-known/webfinger?resource=acct:{}@{}",
        urls.base(),
        config.author_username,
        config.authority
    );
    let answer = match get(&client, &webfinger, "application/jrd+json").await {
        Ok(a) => a,
        Err(e) => {
            report.fail(
                format!("{} is not reachable: {}", urls.base(), error_chain(&e)),
                format!(
                    "is quire running (systemctl status quire)? Does DNS for {} point to this machine, and does the proxy forward to {} (server.listen)?",
                    config.authority, config.listen
                ),
            );
            return;
        }
    };
    check_clock(answer.date, report);
    check_webfinger(
        config,
        &urls,
        &config.author_username,
        &webfinger,
        answer,
        report,
    );
    let blog_webfinger = format!(
        "{}/.well-known/webfinger?resource=acct:{}@{}",
        urls.base(),
        config.blog_handle,
        config.authority
    );
    match get(&client, &blog_webfinger, "application/jrd+json").await {
        Ok(a) => check_webfinger(
            config,
            &urls,
            &config.blog_handle,
            &blog_webfinger,
            a,
            report,
        ),
        Err(e) => report.fail(
            format!("{blog_webfinger}: {}", error_chain(&e)),
            "check the log (journalctl -u quire) and the proxy's",
        ),
    }
    for (name, stored) in [
        (&config.author_username, &keys.person),
        (&config.blog_handle, &keys.group),
    ] {
        check_actor(&client, &urls, name, stored.as_deref(), report).await;
    }
    if let Some(slug) = &keys.newest_post {
        check_article(&client, &urls, slug, report).await;
    }
}

fn check_clock(date: Option<std::time::SystemTime>, report: &mut Report) {
    let Some(date) = date else {
        report.warn(
            "the answer had no Date header: the clock could not be compared",
            "make sure the proxy passes the Date header through",
        );
        return;
    };
    let now = std::time::SystemTime::now();
    let skew = match now.duration_since(date) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    let fix = "keep the clock synchronised (timedatectl set-ntp true; systemd-timesyncd or chrony); a Raspberry Pi has no battery clock and needs network time";
    if skew.abs() <= CLOCK_WARN {
        report.ok(format!("clock agrees with the server's Date ({skew:+} s)"));
    } else if skew.abs() <= CLOCK_FAIL {
        report.warn(
            format!("this clock is {skew:+} s off the server's Date"),
            fix,
        );
    } else {
        report.fail(
            format!("this clock is {skew:+} s off the server's Date: other servers reject signatures this far off"),
            fix,
        );
    }
}

fn check_webfinger(
    config: &Config,
    urls: &Urls,
    name: &str,
    url: &str,
    answer: Answer,
    report: &mut Report,
) {
    let account = format!("acct:{name}@{}", config.authority);
    if answer.status != reqwest::StatusCode::OK {
        report.fail(
            format!("WebFinger for {account} answered {}", answer.status),
            format!(
                "GET {url} must answer 200: check that the proxy forwards /.well-known/ to quire"
            ),
        );
        return;
    }
    if !answer.content_type.starts_with("application/jrd+json") {
        report.warn(
            format!(
                "WebFinger answered with Content-Type \"{}\", not application/jrd+json",
                answer.content_type
            ),
            "the proxy must not rewrite quire's Content-Type",
        );
    }
    let expected = urls.actor(name);
    let self_link = answer.json.as_ref().and_then(|j| {
        j.get("links")?.as_array()?.iter().find_map(|l| {
            let activity = l.get("type")?.as_str().is_some_and(is_activity_type);
            (l.get("rel")?.as_str()? == "self" && activity)
                .then(|| l.get("href")?.as_str().map(str::to_owned))
                .flatten()
        })
    });
    match self_link {
        Some(href) if href == expected => {
            report.ok(format!("WebFinger finds {account} at {expected}"))
        }
        Some(href) => report.fail(
            format!("WebFinger for {account} points to {href}, not {expected}"),
            "another server answers at base_url, or base_url changed: followers know the old ids",
        ),
        None => report.fail(
            format!("WebFinger for {account} has no self link of type application/activity+json"),
            "another program answers /.well-known/webfinger: forward it to quire",
        ),
    }
}

async fn check_actor(
    client: &reqwest::Client,
    urls: &Urls,
    name: &str,
    stored: Option<&str>,
    report: &mut Report,
) {
    let id = urls.actor(name);
    let answer = match get(client, &id, "application/activity+json").await {
        Ok(a) => a,
        Err(e) => {
            report.fail(
                format!("{id}: {}", error_chain(&e)),
                "check the log (journalctl -u quire)",
            );
            return;
        }
    };
    if answer.status != reqwest::StatusCode::OK || !is_activity_type(&answer.content_type) {
        report.fail(
            format!(
                "the actor {id} answered {} with Content-Type \"{}\" to Accept: application/activity+json",
                answer.status, answer.content_type
            ),
            "the proxy must forward the Accept header and every path to quire unchanged (no caching by path alone)",
        );
        return;
    }
    let json = answer.json.unwrap_or_default();
    let served_id = json.get("id").and_then(|v| v.as_str()).unwrap_or_default();
    if served_id != id {
        report.fail(
            format!("the actor at {id} calls itself \"{served_id}\""),
            "another quire (with another base_url) answers at this address: check the proxy's upstream and site.base_url",
        );
        return;
    }
    let key = json.get("publicKey");
    let key_id = key.and_then(|k| k.get("id")).and_then(|v| v.as_str());
    let pem = key
        .and_then(|k| k.get("publicKeyPem"))
        .and_then(|v| v.as_str());
    if key_id != Some(urls.actor_key(name).as_str()) {
        report.fail(
            format!(
                "the actor {id} publishes no key with id {}",
                urls.actor_key(name)
            ),
            "another program answers at this address: check the proxy's upstream",
        );
        return;
    }
    match (pem, stored) {
        (Some(served), Some(stored)) if served.trim() == stored.trim() => report.ok(format!(
            "actor {id} is served as application/activity+json with the key in this database"
        )),
        (Some(_), Some(_)) => report.fail(
            format!("the key {id} publishes differs from the one in this database"),
            "another quire, or this one started on another data folder, answers at base_url: check the proxy's upstream and storage.data_dir, and restart quire after a restore (systemctl restart quire); followers verify with the published key",
        ),
        (_, None) => report.warn(
            format!("actor {id} answers, but this database has no key for {name} to compare"),
            "run doctor with the configuration and data folder the server uses (-c …)",
        ),
        (None, Some(_)) => report.fail(
            format!("the actor {id} publishes no publicKeyPem"),
            "another program answers at this address: check the proxy's upstream",
        ),
    }
}

async fn check_article(client: &reqwest::Client, urls: &Urls, slug: &str, report: &mut Report) {
    let id = urls.post(slug);
    match get(client, &id, "application/activity+json").await {
        Ok(a) if a.status == reqwest::StatusCode::OK && is_activity_type(&a.content_type) => {
            let served = a
                .json
                .as_ref()
                .and_then(|j| j.get("id"))
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned();
            if served == id {
                report.ok(format!("newest article {id} is served as ActivityStreams"));
            } else {
                report.fail(
                    format!("the article at {id} calls itself \"{served}\""),
                    "another server answers at base_url: check the proxy's upstream",
                );
            }
        }
        Ok(a) => report.warn(
            format!(
                "the newest article {id} answered {} with Content-Type \"{}\"",
                a.status, a.content_type
            ),
            "if it was just published, wait a second; else the proxy must forward Accept and not cache by path alone",
        ),
        Err(e) => report.fail(format!("{id}: {}", error_chain(&e)), "check the log (journalctl -u quire)"),
    }
}
