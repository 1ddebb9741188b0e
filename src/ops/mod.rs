//! Running quire as a service for years: what an operator needs beyond `serve`.
//!
//! - [`systemd`]: readiness and stopping notifications (`sd_notify`, written here: one
//!   datagram, no crate).
//! - [`backup`]: `quire backup` and `quire restore` (the SQLite work is in
//!   [`crate::store::backup`]).
//! - [`doctor`]: `quire doctor`, which checks the blog the way a remote server sees it.
//!
//! Nothing here serves requests; the reverse-proxy side (client addresses from
//! `X-Forwarded-For`, the access log) lives in `web::access_log`, the only place that may
//! use axum.

pub mod backup;
pub mod doctor;
pub mod systemd;
