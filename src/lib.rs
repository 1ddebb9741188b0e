//! quire: a single-user federated blog server.
//!
//! A folder of Markdown posts becomes a blog that browsers read and the fediverse follows.
//! The code map (ARCHITECTURE.md says more):
//!
//! - [`config`]: `blog.toml`, raw then validated; [`urls`]: every public URL, from `base_url`.
//! - [`store`]: the SQLite database; all SQL lives there.
//! - [`content`]: the Markdown folder: front matter, rendering, scanning, syncing.
//! - [`federation`]: ActivityPub vocabulary and conversion, discovery, signatures.
//! - [`web`]: the HTTP server and the HTML pages; the only user of axum and maud.
//! - [`app`]: wiring: builds the [`app::App`] and runs `serve`.
//! - [`ops`]: running it as a service: systemd notifications, backups, `doctor`.

pub mod app;
pub mod cli;
pub mod config;
pub mod content;
pub mod federation;
pub mod logging;
pub mod ops;
pub mod store;
pub mod urls;
pub mod web;
