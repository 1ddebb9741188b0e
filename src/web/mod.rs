//! The HTTP server (being written).

pub mod assets;
pub mod feed;
pub mod pages;
