//! Brings the database in line with the content folder: a new post is published, a changed
//! one updated, one whose file is gone removed, each change recorded (in the same
//! transaction) as the activity that delivery will send.
//!
//! Idempotent: a second run over an unchanged folder changes nothing, because posts are
//! compared by the SHA-256 of their file. A file that fails to parse is reported and skipped,
//! and the post it held before (if any) stays as it was: a typo never unpublishes a post.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::error::ContentError;
use super::render::{render, resolve_image, ImageRef};
use super::scan::{scan, SourcePost};
use super::slug::tag_slug;
use crate::store::outbox::NewActivity;
use crate::store::posts::{Post, PostInput, PostWrite, Tag};
use crate::store::{Store, StoreResult};

/// What changed, by slug.
#[derive(Debug, Default)]
pub struct SyncReport {
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub deleted: Vec<String>,
    pub unchanged: usize,
    /// Files that could not be read, with file and line.
    pub errors: Vec<ContentError>,
}

impl SyncReport {
    /// Did anything visible change?
    pub fn changed(&self) -> bool {
        !(self.created.is_empty() && self.updated.is_empty() && self.deleted.is_empty())
    }
}

/// A change to a post, handed to the activity builder.
pub enum Change<'a> {
    /// First publication.
    Created(&'a Post),
    /// An edit; `at` is the new `updated` time.
    Updated(&'a Post, &'a str),
    /// Removal at `at`.
    Deleted(&'a str, &'a str),
}

/// Builds the activities that announce a change (the federation module provides it, so this
/// module stays free of ActivityStreams).
pub type ActivityBuilder<'a> = dyn Fn(Change<'_>) -> Vec<NewActivity> + 'a;

/// Syncs `content_dir` into `store`; `now` is the RFC 3339 time of this sync.
pub fn sync(
    content_dir: &Path,
    store: &Store,
    now: &str,
    activities: &ActivityBuilder<'_>,
) -> StoreResult<SyncReport> {
    let scanned = scan(content_dir);
    let mut report = SyncReport {
        errors: scanned.errors,
        ..SyncReport::default()
    };
    let broken_files: HashSet<String> = report.errors.iter().map(|e| path_key(&e.file)).collect();
    let stored: HashMap<String, _> = store
        .post_fingerprints()?
        .into_iter()
        .map(|f| (f.slug.clone(), f))
        .collect();

    // Writes are committed in batches: one transaction per post would make a large import
    // spend its time rewriting the same index pages.
    const BATCH: usize = 500;
    let mut pending: Vec<PostWrite> = Vec::new();
    let mut seen = HashSet::new();
    for source in scanned.posts.iter().filter(|p| !p.front.draft) {
        seen.insert(source.slug.clone());
        let previous = stored.get(&source.slug);
        let is_new = match previous {
            None => true,
            Some(prev) if prev.deleted => true,
            Some(prev) if prev.content_hash == source.hash => {
                report.unchanged += 1;
                continue;
            }
            Some(_) => false,
        };
        let existing = if is_new {
            None
        } else {
            store.post_by_slug(&source.slug)?
        };
        let input = to_input(source, existing.as_ref(), now, is_new);
        let post = preview(&input);
        let acts = if is_new {
            activities(Change::Created(&post))
        } else {
            let at = input.updated.clone().unwrap_or_else(|| now.to_string());
            activities(Change::Updated(&post, &at))
        };
        pending.push(PostWrite::Publish {
            post: Box::new(input),
            activities: acts,
        });
        if pending.len() >= BATCH {
            store.apply_post_writes(&pending)?;
            pending.clear();
        }
        if is_new {
            report.created.push(source.slug.clone());
        } else {
            report.updated.push(source.slug.clone());
        }
    }

    // A missing folder (an unmounted disk, a typo in content.dir) must not unpublish the
    // blog: removals need the folder to be there.
    let folder_present = content_dir.is_dir();
    for (slug, fp) in &stored {
        if !folder_present
            || fp.deleted
            || seen.contains(slug)
            || broken_files.contains(&fp.source_path)
        {
            continue;
        }
        let acts = activities(Change::Deleted(slug, now));
        pending.push(PostWrite::Remove {
            slug: slug.clone(),
            at: now.to_string(),
            activities: acts,
        });
        report.deleted.push(slug.clone());
    }
    store.apply_post_writes(&pending)?;
    report.created.sort();
    report.updated.sort();
    report.deleted.sort();
    Ok(report)
}

/// Content-relative path as stored (forward slashes).
fn path_key(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn to_input(source: &SourcePost, existing: Option<&Post>, now: &str, is_new: bool) -> PostInput {
    let front = &source.front;
    let dir = source.rel_path.parent().unwrap_or(Path::new(""));
    let rendered = render(&source.body, dir, front.summary.as_deref());
    let rfc =
        |d: &chrono::DateTime<chrono::Utc>| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    // `published` comes from the front matter; else it is kept from the first import.
    let published = front
        .date
        .as_ref()
        .map(rfc)
        .or_else(|| existing.map(|p| p.published.clone()))
        .unwrap_or_else(|| now.to_string());
    // An edit is dated by the front matter's `updated`/`lastmod`, else by the sync time.
    let updated = match (&front.updated, is_new) {
        (Some(u), _) => Some(rfc(u)),
        (None, true) => None,
        (None, false) => Some(now.to_string()),
    };
    let image = front.image.as_deref().and_then(|img| cover_image(dir, img));
    PostInput {
        slug: source.slug.clone(),
        source_path: path_key(&source.rel_path),
        content_hash: source.hash.clone(),
        title: front.title.clone(),
        markdown: source.body.clone(),
        html: rendered.html,
        summary_html: rendered.summary_html,
        summary_text: rendered.summary_text,
        cw: front.cw.clone().filter(|c| !c.trim().is_empty()),
        image,
        media: rendered.media,
        comments_policy: front.comments.map(|c| c.as_str().to_string()),
        published,
        updated,
        tags: dedup_tags(&front.tags),
    }
}

/// The cover image as stored: a file beside the post becomes a content-relative path (the
/// same resolution as images in the body); URLs and site paths stay as written; a path that
/// climbs out of the content folder is dropped.
fn cover_image(dir: &Path, reference: &str) -> Option<String> {
    match resolve_image(reference, dir) {
        ImageRef::Media(path) => Some(path),
        ImageRef::Untouched => Some(reference.trim_start_matches('/').to_string()),
        ImageRef::OutsideRoot => None,
    }
}

fn dedup_tags(names: &[String]) -> Vec<Tag> {
    let mut seen = HashSet::new();
    let mut tags = Vec::new();
    for name in names {
        let slug = tag_slug(name);
        if !slug.is_empty() && seen.insert(slug.clone()) {
            tags.push(Tag {
                slug,
                name: name.trim().to_string(),
            });
        }
    }
    tags.sort_by(|a, b| a.slug.cmp(&b.slug));
    tags
}

/// The post as it will be stored, for building its activities before the write.
fn preview(input: &PostInput) -> Post {
    Post {
        id: 0,
        slug: input.slug.clone(),
        source_path: input.source_path.clone(),
        content_hash: input.content_hash.clone(),
        title: input.title.clone(),
        markdown: input.markdown.clone(),
        html: input.html.clone(),
        summary_html: input.summary_html.clone(),
        summary_text: input.summary_text.clone(),
        cw: input.cw.clone(),
        image: input.image.clone(),
        media: input.media.clone(),
        comments_policy: input.comments_policy.clone(),
        published: input.published.clone(),
        updated: input.updated.clone(),
        deleted_at: None,
        tags: input.tags.clone(),
    }
}
