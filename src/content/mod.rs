//! Content: the writer's folder of Markdown posts, read into values.
//!
//! This module owns everything between a post file's bytes and the values the rest of quire
//! stores and serves: front matter ([`frontmatter`]), slugs ([`slug`]), Markdown rendering
//! with image rewriting and the summary excerpt ([`render`]), and walking the folder
//! ([`scan`]), including the cheap change [`fingerprint`] and the safe `/media/` path
//! resolver [`media_path`]. It is pure: no SQL, no HTTP, no async. Syncing what it reads into
//! the database is `sync` (the lead's); this module never touches the database.

pub mod error;
pub mod frontmatter;
pub mod profile;
pub mod render;
pub mod scan;
pub mod slug;
pub mod sync;

pub use error::ContentError;
pub use frontmatter::{
    parse_date, split_front_matter, CommentPolicy, FrontMatter, UnknownCommentPolicy,
};
pub use render::{render, resolve_image, ImageRef, Rendered, SUMMARY_CHARS};
pub use scan::{fingerprint, media_path, scan, Scan, SourcePost};
pub use slug::{slug_from_path, slugify, tag_slug};
