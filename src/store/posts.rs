//! Posts, their tags, and the tombstones of removed posts.

use rusqlite::{params, Row};

use super::outbox::{insert_activity, NewActivity};
use super::{optional, Store, StoreError, StoreResult};

/// A published (or removed) post as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub id: i64,
    /// URL identity: `/posts/{slug}`.
    pub slug: String,
    /// The file it came from, relative to the content folder.
    pub source_path: String,
    /// SHA-256 of the file, hex.
    pub content_hash: String,
    pub title: String,
    /// The Markdown body (without front matter), published as `source`.
    pub markdown: String,
    /// Rendered body HTML (trusted: the author's own).
    pub html: String,
    /// The excerpt as short HTML; never empty for a post with text.
    pub summary_html: String,
    /// The excerpt as plain text.
    pub summary_text: String,
    /// Content warning.
    pub cw: Option<String>,
    /// Cover image: content-relative path or absolute URL.
    pub image: Option<String>,
    /// Content-relative paths of images the post uses.
    pub media: Vec<String>,
    /// `open`, `approve` or `closed`, overriding the blog's policy.
    pub comments_policy: Option<String>,
    /// RFC 3339.
    pub published: String,
    /// RFC 3339, when edited.
    pub updated: Option<String>,
    /// RFC 3339, when removed (the URL then answers 410).
    pub deleted_at: Option<String>,
    /// Tags as (slug, display name), sorted by slug.
    pub tags: Vec<Tag>,
}

/// A tag: its URL slug and the name as the author wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub slug: String,
    pub name: String,
}

/// What the content sync needs to know about a stored post to decide whether it changed.
#[derive(Debug, Clone)]
pub struct PostFingerprint {
    pub id: i64,
    pub slug: String,
    pub source_path: String,
    pub content_hash: String,
    pub deleted: bool,
}

/// Fields the content sync writes; the store assigns `id` and keeps `published` of an
/// existing post unless the front matter set it.
#[derive(Debug, Clone)]
pub struct PostInput {
    pub slug: String,
    pub source_path: String,
    pub content_hash: String,
    pub title: String,
    pub markdown: String,
    pub html: String,
    pub summary_html: String,
    pub summary_text: String,
    pub cw: Option<String>,
    pub image: Option<String>,
    pub media: Vec<String>,
    pub comments_policy: Option<String>,
    pub published: String,
    pub updated: Option<String>,
    pub tags: Vec<Tag>,
}

/// One change to the posts, with the activities that announce it.
#[derive(Debug, Clone)]
pub enum PostWrite {
    /// Insert or replace (also revive) the post with this slug.
    Publish {
        post: Box<PostInput>,
        activities: Vec<NewActivity>,
    },
    /// Mark the post removed (it keeps its row so its URL answers 410 Gone).
    Remove {
        slug: String,
        at: String,
        activities: Vec<NewActivity>,
    },
}

fn upsert_post(tx: &rusqlite::Transaction<'_>, post: &PostInput) -> StoreResult<i64> {
    let media =
        serde_json::to_string(&post.media).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO posts (slug, source_path, content_hash, title, markdown, html, summary_html,
             summary_text, cw, image, media, comments_policy, published, updated, deleted_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, NULL)
         ON CONFLICT (slug) DO UPDATE SET
             source_path = excluded.source_path, content_hash = excluded.content_hash,
             title = excluded.title, markdown = excluded.markdown, html = excluded.html,
             summary_html = excluded.summary_html, summary_text = excluded.summary_text,
             cw = excluded.cw, image = excluded.image, media = excluded.media,
             comments_policy = excluded.comments_policy, published = excluded.published,
             updated = excluded.updated, deleted_at = NULL
         RETURNING id",
    )?;
    let id: i64 = insert.query_row(
        params![
            post.slug,
            post.source_path,
            post.content_hash,
            post.title,
            post.markdown,
            post.html,
            post.summary_html,
            post.summary_text,
            post.cw,
            post.image,
            media,
            post.comments_policy,
            post.published,
            post.updated,
        ],
        |r| r.get(0),
    )?;
    tx.prepare_cached("DELETE FROM post_tags WHERE post_id = ?1")?
        .execute([id])?;
    let mut tag_insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO post_tags (post_id, slug, name) VALUES (?1, ?2, ?3)",
    )?;
    for tag in &post.tags {
        tag_insert.execute(params![id, tag.slug, tag.name])?;
    }
    Ok(id)
}

const POST_COLUMNS: &str =
    "id, slug, source_path, content_hash, title, markdown, html, summary_html, \
     summary_text, cw, image, media, comments_policy, published, updated, deleted_at";

fn post_from_row(r: &Row<'_>) -> rusqlite::Result<Post> {
    let media: String = r.get(11)?;
    Ok(Post {
        id: r.get(0)?,
        slug: r.get(1)?,
        source_path: r.get(2)?,
        content_hash: r.get(3)?,
        title: r.get(4)?,
        markdown: r.get(5)?,
        html: r.get(6)?,
        summary_html: r.get(7)?,
        summary_text: r.get(8)?,
        cw: r.get(9)?,
        image: r.get(10)?,
        media: serde_json::from_str(&media).unwrap_or_default(),
        comments_policy: r.get(12)?,
        published: r.get(13)?,
        updated: r.get(14)?,
        deleted_at: r.get(15)?,
        tags: Vec::new(),
    })
}

impl Store {
    /// Every stored post (removed ones too), for the content sync.
    pub fn post_fingerprints(&self) -> StoreResult<Vec<PostFingerprint>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, slug, source_path, content_hash, deleted_at IS NOT NULL FROM posts",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(PostFingerprint {
                id: r.get(0)?,
                slug: r.get(1)?,
                source_path: r.get(2)?,
                content_hash: r.get(3)?,
                deleted: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Applies post changes, each with the activities that announce it, in one transaction:
    /// a post is never published without the activity that tells followers, and a large
    /// import commits in a few transactions instead of one per post.
    pub fn apply_post_writes(&self, writes: &[PostWrite]) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for write in writes {
            match write {
                PostWrite::Publish { post, activities } => {
                    upsert_post(&tx, post)?;
                    for activity in activities {
                        insert_activity(&tx, activity)?;
                    }
                }
                PostWrite::Remove {
                    slug,
                    at,
                    activities,
                } => {
                    tx.execute(
                        "UPDATE posts SET deleted_at = ?2 WHERE slug = ?1 AND deleted_at IS NULL",
                        params![slug, at],
                    )?;
                    for activity in activities {
                        insert_activity(&tx, activity)?;
                    }
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The id of the post with `slug` unless it was removed: what a reaction needs, without
    /// reading the post itself (asked on every Like, so the statement is kept compiled).
    pub fn live_post_id(&self, slug: &str) -> StoreResult<Option<i64>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare_cached("SELECT id FROM posts WHERE slug = ?1 AND deleted_at IS NULL")?;
        optional(stmt.query_row([slug], |r| r.get(0)))
    }

    /// A post by slug, removed or not (the caller answers 410 for a removed one).
    pub fn post_by_slug(&self, slug: &str) -> StoreResult<Option<Post>> {
        let conn = self.conn();
        let post = optional(conn.query_row(
            &format!("SELECT {POST_COLUMNS} FROM posts WHERE slug = ?1"),
            [slug],
            post_from_row,
        ))?;
        match post {
            Some(mut post) => {
                post.tags = tags_of(&conn, post.id)?;
                Ok(Some(post))
            }
            None => Ok(None),
        }
    }

    /// Live posts, newest first: `limit` of them after skipping `offset`.
    pub fn recent_posts(&self, offset: usize, limit: usize) -> StoreResult<Vec<Post>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {POST_COLUMNS} FROM posts WHERE deleted_at IS NULL
             ORDER BY published DESC, id DESC LIMIT ?1 OFFSET ?2"
        ))?;
        let posts = stmt
            .query_map(params![limit as i64, offset as i64], post_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        with_tags(&conn, posts)
    }

    /// Number of live posts.
    pub fn count_posts(&self) -> StoreResult<usize> {
        let conn = self.conn();
        let n: i64 = conn.query_row(
            "SELECT count(*) FROM posts WHERE deleted_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// Live posts with tag `tag_slug`, newest first.
    pub fn posts_with_tag(
        &self,
        tag_slug: &str,
        offset: usize,
        limit: usize,
    ) -> StoreResult<Vec<Post>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {POST_COLUMNS} FROM posts WHERE deleted_at IS NULL
               AND id IN (SELECT post_id FROM post_tags WHERE slug = ?1)
             ORDER BY published DESC, id DESC LIMIT ?2 OFFSET ?3"
        ))?;
        let posts = stmt
            .query_map(
                params![tag_slug, limit as i64, offset as i64],
                post_from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        with_tags(&conn, posts)
    }

    /// Number of live posts with tag `tag_slug`, and the tag's display name.
    pub fn tag_summary(&self, tag_slug: &str) -> StoreResult<Option<(Tag, usize)>> {
        let conn = self.conn();
        let row = optional(conn.query_row(
            "SELECT t.name, count(*) FROM post_tags t JOIN posts p ON p.id = t.post_id
             WHERE t.slug = ?1 AND p.deleted_at IS NULL GROUP BY t.slug",
            [tag_slug],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
        ))?;
        Ok(row.map(|(name, n)| {
            (
                Tag {
                    slug: tag_slug.to_string(),
                    name,
                },
                n as usize,
            )
        }))
    }

    /// Is `rel_path` an image some live post uses (so `/media/` may serve it)?
    pub fn media_is_published(&self, rel_path: &str) -> StoreResult<bool> {
        let conn = self.conn();
        let n: i64 = conn.query_row(
            "SELECT count(*) FROM posts, json_each(posts.media)
             WHERE posts.deleted_at IS NULL AND json_each.value = ?1",
            [rel_path],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }
}

fn tags_of(conn: &rusqlite::Connection, post_id: i64) -> StoreResult<Vec<Tag>> {
    let mut stmt =
        conn.prepare_cached("SELECT slug, name FROM post_tags WHERE post_id = ?1 ORDER BY slug")?;
    let tags = stmt
        .query_map([post_id], |r| {
            Ok(Tag {
                slug: r.get(0)?,
                name: r.get(1)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(tags)
}

fn with_tags(conn: &rusqlite::Connection, mut posts: Vec<Post>) -> StoreResult<Vec<Post>> {
    for post in &mut posts {
        post.tags = tags_of(conn, post.id)?;
    }
    Ok(posts)
}
