//! The command line: argument types and what each command prints. No SQL, no HTTP here;
//! commands call into [`crate::app`] and the store.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::app::App;
use crate::config::Config;

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
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    match cli.command {
        Command::Serve { config } => serve(config.as_deref()),
        Command::Import { dir, config } => import(dir.as_deref(), config.as_deref()),
        Command::Init { config } => init(&config),
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
