//! The command line: argument types and what each command prints. No SQL, no HTTP here;
//! commands call into [`crate::app`] and the store.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::app::App;
use crate::config::Config;
use crate::store::comments::CommentState;
use crate::store::deliveries::{DeliveryRow, DeliveryState};
use crate::store::Store;

/// quire: a federated blog from a folder of Markdown posts.
#[derive(Debug, Parser)]
#[command(name = "quire", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the blog: serve HTTP, watch the content folder, deliver to followers.
    Serve {
        /// The configuration file (without it, the built-in defaults are used).
        #[arg(short, long)]
        config: Option<PathBuf>,
    },
    /// Sync a folder of Markdown posts into the database once, and print what changed.
    Import {
        /// The folder (defaults to content.dir of the configuration).
        dir: Option<PathBuf>,
        #[arg(short, long)]
        config: Option<PathBuf>,
    },
    /// Write a commented blog.toml and an example post, and create the database and keys.
    Init {
        /// Where to write the configuration.
        #[arg(short, long, default_value = "blog.toml")]
        config: PathBuf,
    },
    /// List the followers of the author and of the blog.
    Followers {
        #[arg(short, long)]
        config: Option<PathBuf>,
    },
    /// Show the delivery queue: pending and failed deliveries, by host.
    Queue {
        #[command(subcommand)]
        action: Option<QueueAction>,
        #[arg(short, long, global = true)]
        config: Option<PathBuf>,
    },
    /// List recent comments, or approve, hide or delete one.
    Comments {
        /// What to do (default: list).
        #[command(subcommand)]
        action: Option<CommentAction>,
        #[arg(short, long, global = true)]
        config: Option<PathBuf>,
    },
    /// Block an actor (its id, an https URL) or a whole domain: their activities are refused
    /// from then on, and their follows, comments, likes and boosts are removed.
    Block {
        /// An actor id (`https://host/users/name`) or a domain (`spam.example`).
        target: String,
        #[arg(short, long)]
        config: Option<PathBuf>,
    },
    /// List the reports (Flag activities) other servers sent.
    Reports {
        #[arg(short, long)]
        config: Option<PathBuf>,
    },
}

/// What `quire queue` does besides showing the queue.
#[derive(Debug, Subcommand)]
pub enum QueueAction {
    /// Send failed deliveries again, now, with a fresh count of attempts (gone ones stay gone).
    Retry,
}

/// `quire comments …`.
#[derive(Debug, Subcommand)]
pub enum CommentAction {
    /// Recent comments: id, state, author, post, excerpt (newest first).
    List {
        /// How many.
        #[arg(short, long, default_value_t = 50)]
        limit: usize,
    },
    /// Show a pending (or hidden) comment, and let its author comment freely from now on.
    Approve {
        /// The comment's number (from `quire comments`).
        id: i64,
    },
    /// Hide a comment from the page (kept; `approve` shows it again).
    Hide {
        /// The comment's number.
        id: i64,
    },
    /// Delete a comment and the replies under it.
    Delete {
        /// The comment's number.
        id: i64,
    },
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    match cli.command {
        Command::Serve { config } => serve(config.as_deref()),
        Command::Import { dir, config } => import(dir.as_deref(), config.as_deref()),
        Command::Init { config } => init(&config),
        Command::Followers { config } => followers(config.as_deref()),
        Command::Queue { action, config } => match action {
            None => queue(config.as_deref()),
            Some(QueueAction::Retry) => queue_retry(config.as_deref()),
        },
        Command::Comments { action, config } => comments(action, config.as_deref()),
        Command::Block { target, config } => block(&target, config.as_deref()),
        Command::Reports { config } => reports(config.as_deref()),
    }
}

fn load(config: Option<&Path>) -> anyhow::Result<Config> {
    Ok(Config::load(config)?)
}

fn serve(config_path: Option<&Path>) -> anyhow::Result<std::process::ExitCode> {
    let config = load(config_path)?;
    if config_path.is_none() {
        tracing::info!(
            "no configuration file given (-c blog.toml): running on the built-in defaults; `quire init` writes one"
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let listen = config.listen;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let app = Arc::new(App::open(config)?);
        tracing::info!(
            "serving {} on http://{} (content: {}, data: {})",
            app.config.base_url,
            listener
                .local_addr()
                .map(|a| a.to_string())
                .unwrap_or_default(),
            app.config.content_dir.display(),
            app.config.data_dir.display()
        );
        crate::app::serve(app, listener, shutdown_signal()).await
    })?;
    tracing::info!("stopped");
    Ok(std::process::ExitCode::SUCCESS)
}

/// Resolves on SIGTERM (systemd's stop) or SIGINT (Ctrl-C).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {},
                    _ = tokio::signal::ctrl_c() => {},
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("shutting down: finishing requests under way");
}

fn import(
    dir: Option<&Path>,
    config_path: Option<&Path>,
) -> anyhow::Result<std::process::ExitCode> {
    let mut config = load(config_path)?;
    if let Some(dir) = dir {
        let dir = std::fs::canonicalize(dir)
            .with_context(|| format!("{}: cannot open the folder", dir.display()))?;
        let configured =
            std::fs::canonicalize(&config.content_dir).unwrap_or(config.content_dir.clone());
        if dir != configured {
            eprintln!(
                "note: {} is not the configured content folder ({}); `quire serve` syncs the configured one and would remove these posts again. Set content.dir to this folder to keep them.",
                dir.display(),
                config.content_dir.display()
            );
        }
        config.content_dir = dir;
    }
    if !config.content_dir.is_dir() {
        anyhow::bail!("{}: no such folder", config.content_dir.display());
    }
    let app = App::open(config)?;
    let report = app.sync_content()?;
    for slug in &report.created {
        println!("published {slug}");
    }
    for slug in &report.updated {
        println!("updated   {slug}");
    }
    for slug in &report.deleted {
        println!("removed   {slug}");
    }
    for error in &report.errors {
        eprintln!("skipped   {error}");
    }
    println!(
        "{} published, {} updated, {} removed, {} unchanged, {} skipped",
        report.created.len(),
        report.updated.len(),
        report.deleted.len(),
        report.unchanged,
        report.errors.len()
    );
    Ok(if report.errors.is_empty() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::from(1)
    })
}

/// The example post `quire init` writes.
const EXAMPLE_POST: &str = "---
title: Hello, fediverse
date: 2026-01-01
tags: [quire, hello]
summary: My first post, written in Markdown and followed from Mastodon.
---

This blog is a folder of Markdown files. Edit this one, or add another file beside it:
quire picks up every change within a second.

People on Mastodon and other fediverse servers can follow the author and the blog,
and reply, like and boost each post.
";

fn init(config_path: &Path) -> anyhow::Result<std::process::ExitCode> {
    if config_path.exists() {
        println!("{} exists: left as it is", config_path.display());
    } else {
        std::fs::write(config_path, crate::config::EXAMPLE)
            .with_context(|| format!("writing {}", config_path.display()))?;
        println!("wrote {}", config_path.display());
    }
    let config = load(Some(config_path))?;
    std::fs::create_dir_all(&config.content_dir)
        .with_context(|| format!("creating {}", config.content_dir.display()))?;
    let example = config.content_dir.join("hello-fediverse.md");
    let has_posts = std::fs::read_dir(&config.content_dir)
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if !has_posts {
        std::fs::write(&example, EXAMPLE_POST)
            .with_context(|| format!("writing {}", example.display()))?;
        println!("wrote {}", example.display());
    }
    let app = App::open(config)?;
    println!(
        "database and keys ready in {}\nnext: edit {}, then run `quire serve -c {}`",
        app.config.data_dir.display(),
        config_path.display(),
        config_path.display()
    );
    Ok(std::process::ExitCode::SUCCESS)
}

/// Opens the database alone (no keys, no server): what the queue and followers commands need.
fn open_store(config_path: Option<&Path>) -> anyhow::Result<(Config, Store)> {
    let config = load(config_path)?;
    let path = crate::app::database_path(&config);
    if !path.exists() {
        anyhow::bail!(
            "{}: no database yet (run `quire init` or `quire serve` first)",
            path.display()
        );
    }
    let store = Store::open(&path)
        .with_context(|| format!("opening the database in {}", config.data_dir.display()))?;
    Ok((config, store))
}

fn followers(config_path: Option<&Path>) -> anyhow::Result<std::process::ExitCode> {
    let (config, store) = open_store(config_path)?;
    let actors = [
        (&config.author_username, "the author"),
        (&config.blog_handle, "the blog"),
    ];
    for (i, (name, what)) in actors.into_iter().enumerate() {
        let followers = store.followers(name)?;
        if i > 0 {
            println!();
        }
        let count = match followers.len() {
            1 => "1 follower".to_string(),
            n => format!("{n} followers"),
        };
        println!("@{name}@{} ({what}): {count}", config.authority);
        for f in &followers {
            let inbox = f.shared_inbox.as_deref().unwrap_or(&f.inbox);
            println!("  {}  inbox {}  since {}", f.actor_id, inbox, f.created_at);
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// Rows shown per host and state before "… and N more".
const QUEUE_ROWS_PER_HOST: usize = 10;

fn queue(config_path: Option<&Path>) -> anyhow::Result<std::process::ExitCode> {
    let (_, store) = open_store(config_path)?;
    let counts = store.delivery_counts()?;
    println!(
        "deliveries: {} pending, {} failed, {} gone, {} done",
        counts.pending, counts.failed, counts.gone, counts.done
    );
    let now = crate::federation::delivery::now_unix();
    for state in [DeliveryState::Pending, DeliveryState::Failed] {
        let rows = store.deliveries_in(&[state])?;
        if rows.is_empty() {
            continue;
        }
        println!("\n{} ({}):", state.as_str(), rows.len());
        let mut by_host: Vec<(&str, Vec<&DeliveryRow>)> = Vec::new();
        for row in &rows {
            match by_host.last_mut() {
                Some((host, list)) if *host == row.host => list.push(row),
                _ => by_host.push((&row.host, vec![row])),
            }
        }
        for (host, list) in by_host {
            let host_note = match store.remote_host(host)?.and_then(|h| h.first_failure_at) {
                Some(since) => format!(", failing for {}", human_secs(now - since)),
                None => String::new(),
            };
            println!("  {host}: {} deliveries{host_note}", list.len());
            for row in list.iter().take(QUEUE_ROWS_PER_HOST) {
                let when = match state {
                    DeliveryState::Pending if row.leased_until.is_some_and(|t| t >= now) => {
                        "sending now".to_string()
                    }
                    DeliveryState::Pending if row.next_attempt_at <= now => "due now".to_string(),
                    DeliveryState::Pending => {
                        format!("next attempt in {}", human_secs(row.next_attempt_at - now))
                    }
                    _ => format!("since {}", row.updated_at),
                };
                let object = row.object_id.as_deref().unwrap_or(&row.activity_id);
                println!(
                    "    #{} {} {} → {}  attempts {}, {}",
                    row.id, row.kind, object, row.inbox, row.attempts, when
                );
                if let Some(error) = &row.last_error {
                    println!("        last error: {error}");
                }
            }
            if list.len() > QUEUE_ROWS_PER_HOST {
                println!("    … and {} more", list.len() - QUEUE_ROWS_PER_HOST);
            }
        }
    }
    if counts.failed > 0 {
        println!("\n`quire queue retry` sends the failed deliveries again.");
    }
    Ok(std::process::ExitCode::SUCCESS)
}

fn queue_retry(config_path: Option<&Path>) -> anyhow::Result<std::process::ExitCode> {
    let (_, store) = open_store(config_path)?;
    let n = store.retry_failed_deliveries(crate::federation::delivery::now_unix())?;
    match n {
        0 => println!("no failed deliveries to retry"),
        1 => println!("1 failed delivery will be retried now"),
        n => println!("{n} failed deliveries will be retried now"),
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// Seconds for people: "45s", "12m", "3h 20m", "2d 4h".
fn human_secs(s: i64) -> String {
    let s = s.max(0);
    match s {
        0..=89 => format!("{s}s"),
        90..=5399 => format!("{}m", (s + 30) / 60),
        5400..=172_799 => format!("{}h {}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d {}h", s / 86_400, (s % 86_400) / 3600),
    }
}
fn comments(
    action: Option<CommentAction>,
    config_path: Option<&Path>,
) -> anyhow::Result<std::process::ExitCode> {
    let app = App::open(load(config_path)?)?;
    let store = &app.store;
    let (id, done) = match action.unwrap_or(CommentAction::List { limit: 50 }) {
        CommentAction::List { limit } => {
            let list = store.recent_comments(limit)?;
            if list.is_empty() {
                println!("no comments yet");
            }
            for c in list {
                let who = c.author.handle.as_deref().unwrap_or(&c.author.id);
                let excerpt = crate::federation::sanitize::plain_text(&c.content_html, 60);
                println!(
                    "{:>5}  {:<7}  {}  {}  {}",
                    c.id,
                    c.state.as_str(),
                    who,
                    c.post_slug,
                    excerpt
                );
            }
            return Ok(std::process::ExitCode::SUCCESS);
        }
        CommentAction::Approve { id } => (id, store.approve_comment(id)?.then_some("approved")),
        CommentAction::Hide { id } => (
            id,
            store
                .set_comment_state(id, CommentState::Hidden)?
                .then_some("hidden"),
        ),
        CommentAction::Delete { id } => (id, store.delete_comment(id)?.then_some("deleted")),
    };
    match done {
        Some(what) => {
            println!("comment {id} {what}");
            Ok(std::process::ExitCode::SUCCESS)
        }
        None => {
            eprintln!("no comment {id}");
            Ok(std::process::ExitCode::from(1))
        }
    }
}

fn block(target: &str, config_path: Option<&Path>) -> anyhow::Result<std::process::ExitCode> {
    let app = App::open(load(config_path)?)?;
    let target = target.trim();
    let is_actor = target.starts_with("https://") || target.starts_with("http://");
    if !is_actor && (target.is_empty() || target.contains(['/', ' ', '@'])) {
        anyhow::bail!("{target:?}: give an actor id (https://…) or a domain (spam.example)");
    }
    let removed = app.store.block(target, !is_actor)?;
    println!(
        "blocked {target}: removed {} follows, {} comments, {} likes and boosts",
        removed.followers, removed.comments, removed.reactions
    );
    Ok(std::process::ExitCode::SUCCESS)
}

fn reports(config_path: Option<&Path>) -> anyhow::Result<std::process::ExitCode> {
    let app = App::open(load(config_path)?)?;
    let list = app.store.reports(100)?;
    if list.is_empty() {
        println!("no reports");
    }
    for r in list {
        println!("{:>5}  {}  from {}", r.id, r.received_at, r.actor_id);
        if !r.content.is_empty() {
            println!("       {}", r.content);
        }
        for o in &r.objects {
            println!("       about {o}");
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}
