//! Comments: replies from the fediverse to an article, or to a comment under one.
//!
//! Content is stored already sanitised (the inbox sanitises on receipt); this module only
//! keeps rows. A comment is `visible`, `pending` (waiting for the author's approval) or
//! `hidden` (by the author); only visible ones are shown or counted publicly.

use rusqlite::{params, OptionalExtension};

use super::{now_rfc3339, optional, Store, StoreError, StoreResult};

/// Whether a comment is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentState {
    /// Shown under the article.
    Visible,
    /// Waiting for `quire comments approve`.
    Pending,
    /// Hidden by the author.
    Hidden,
}

impl CommentState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CommentState::Visible => "visible",
            CommentState::Pending => "pending",
            CommentState::Hidden => "hidden",
        }
    }

    fn parse(s: &str) -> StoreResult<CommentState> {
        match s {
            "visible" => Ok(CommentState::Visible),
            "pending" => Ok(CommentState::Pending),
            "hidden" => Ok(CommentState::Hidden),
            other => Err(StoreError::Corrupt(format!("comment state {other:?}"))),
        }
    }
}

/// Who wrote a comment or reacted, as shown on the page (from the resolved remote actor).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Author {
    /// The actor's id.
    pub id: String,
    /// Display name (plain text).
    pub name: Option<String>,
    /// `@user@host`.
    pub handle: Option<String>,
    /// Avatar URL.
    pub avatar: Option<String>,
    /// Profile page.
    pub url: Option<String>,
}

/// A comment to store (or to replace, on Update).
#[derive(Debug, Clone)]
pub struct NewComment {
    /// The remote object's id.
    pub object_id: String,
    /// The post it sits under.
    pub post_id: i64,
    /// What it replies to (the article's id, or a comment's object id).
    pub in_reply_to: String,
    /// The stored comment it replies to, if not the article itself.
    pub parent_id: Option<i64>,
    /// Its author.
    pub author: Author,
    /// The author's host (authorisation of later edits and deletions).
    pub author_host: String,
    /// Sanitised HTML.
    pub content_html: String,
    /// Spoiler text (plain).
    pub spoiler: Option<String>,
    /// Custom emoji: `(":name:", image URL)`.
    pub emoji: Vec<(String, String)>,
    /// The page for people.
    pub url: Option<String>,
    /// RFC 3339.
    pub published: String,
    /// RFC 3339, when edited.
    pub updated: Option<String>,
    /// Initial state.
    pub state: CommentState,
}

/// A stored comment.
#[derive(Debug, Clone)]
pub struct Comment {
    /// Local number (what `quire comments` shows and takes).
    pub id: i64,
    /// The remote object's id.
    pub object_id: String,
    /// The post it sits under.
    pub post_id: i64,
    /// The post's slug.
    pub post_slug: String,
    /// What it replies to.
    pub in_reply_to: String,
    /// The comment it replies to, if any.
    pub parent_id: Option<i64>,
    /// Its author.
    pub author: Author,
    /// The author's host.
    pub author_host: String,
    /// Sanitised HTML.
    pub content_html: String,
    /// Spoiler (plain text).
    pub spoiler: Option<String>,
    /// Custom emoji: `(":name:", image URL)`.
    pub emoji: Vec<(String, String)>,
    /// The page for people.
    pub url: Option<String>,
    /// RFC 3339.
    pub published: String,
    /// RFC 3339, when edited.
    pub updated: Option<String>,
    /// Shown, pending or hidden.
    pub state: CommentState,
}

const COLUMNS: &str =
    "c.id, c.object_id, c.post_id, p.slug, c.in_reply_to, c.parent_id, c.author_id, \
     c.author_name, c.author_handle, c.author_avatar, c.author_url, c.author_host, c.content_html, \
     c.spoiler, c.emoji, c.url, c.published, c.updated, c.state";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Comment, String, String)> {
    let emoji: String = r.get(14)?;
    let state: String = r.get(18)?;
    Ok((
        Comment {
            id: r.get(0)?,
            object_id: r.get(1)?,
            post_id: r.get(2)?,
            post_slug: r.get(3)?,
            in_reply_to: r.get(4)?,
            parent_id: r.get(5)?,
            author: Author {
                id: r.get(6)?,
                name: r.get(7)?,
                handle: r.get(8)?,
                avatar: r.get(9)?,
                url: r.get(10)?,
            },
            author_host: r.get(11)?,
            content_html: r.get(12)?,
            spoiler: r.get(13)?,
            emoji: Vec::new(),
            url: r.get(15)?,
            published: r.get(16)?,
            updated: r.get(17)?,
            state: CommentState::Visible,
        },
        emoji,
        state,
    ))
}

fn finish(row: (Comment, String, String)) -> StoreResult<Comment> {
    let (mut c, emoji, state) = row;
    c.emoji = serde_json::from_str(&emoji).unwrap_or_default();
    c.state = CommentState::parse(&state)?;
    Ok(c)
}

fn collect(
    rows: impl Iterator<Item = rusqlite::Result<(Comment, String, String)>>,
) -> StoreResult<Vec<Comment>> {
    rows.map(|r| finish(r?)).collect()
}

/// What [`Store::insert_comment`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    /// A new comment with this id.
    New(i64),
    /// A comment with that object id was already stored: nothing changed.
    Exists(i64),
}

impl Store {
    /// Stores a new comment; an object id already stored changes nothing.
    pub fn insert_comment(&self, c: &NewComment) -> StoreResult<Inserted> {
        let conn = self.conn();
        if let Some(id) = conn
            .query_row(
                "SELECT id FROM comments WHERE object_id = ?1",
                [&c.object_id],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
        {
            return Ok(Inserted::Exists(id));
        }
        let emoji = serde_json::to_string(&c.emoji).unwrap_or_else(|_| "[]".into());
        conn.execute(
            "INSERT INTO comments (object_id, post_id, in_reply_to, parent_id, author_id, author_host,
                author_name, author_handle, author_avatar, author_url, content_html, spoiler, emoji,
                url, published, updated, state, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
            params![
                c.object_id,
                c.post_id,
                c.in_reply_to,
                c.parent_id,
                c.author.id,
                c.author_host,
                c.author.name,
                c.author.handle,
                c.author.avatar,
                c.author.url,
                c.content_html,
                c.spoiler,
                emoji,
                c.url,
                c.published,
                c.updated,
                c.state.as_str(),
                now_rfc3339()
            ],
        )?;
        Ok(Inserted::New(conn.last_insert_rowid()))
    }

    /// A comment by its remote object id.
    pub fn comment_by_object(&self, object_id: &str) -> StoreResult<Option<Comment>> {
        let conn = self.conn();
        let row = optional(conn.query_row(
            &format!(
                "SELECT {COLUMNS} FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.object_id = ?1"
            ),
            [object_id],
            from_row,
        ))?;
        row.map(finish).transpose()
    }

    /// A comment by its local number.
    pub fn comment(&self, id: i64) -> StoreResult<Option<Comment>> {
        let conn = self.conn();
        let row = optional(conn.query_row(
            &format!(
                "SELECT {COLUMNS} FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.id = ?1"
            ),
            [id],
            from_row,
        ))?;
        row.map(finish).transpose()
    }

    /// Replaces a comment's content after its author's Update; marks it edited. Returns
    /// whether a comment was changed.
    pub fn update_comment(
        &self,
        object_id: &str,
        content_html: &str,
        spoiler: Option<&str>,
        emoji: &[(String, String)],
        updated: &str,
    ) -> StoreResult<bool> {
        let emoji = serde_json::to_string(emoji).unwrap_or_else(|_| "[]".into());
        let n = self.conn().execute(
            "UPDATE comments SET content_html = ?2, spoiler = ?3, emoji = ?4, updated = ?5
             WHERE object_id = ?1",
            params![object_id, content_html, spoiler, emoji, updated],
        )?;
        Ok(n > 0)
    }

    /// Removes a comment (and, through the foreign key, the replies under it). Returns
    /// whether one was removed.
    pub fn delete_comment_by_object(&self, object_id: &str) -> StoreResult<bool> {
        let n = self
            .conn()
            .execute("DELETE FROM comments WHERE object_id = ?1", [object_id])?;
        Ok(n > 0)
    }

    /// Removes a comment by local number.
    pub fn delete_comment(&self, id: i64) -> StoreResult<bool> {
        let n = self
            .conn()
            .execute("DELETE FROM comments WHERE id = ?1", [id])?;
        Ok(n > 0)
    }

    /// Sets a comment's state; returns whether it exists.
    pub fn set_comment_state(&self, id: i64, state: CommentState) -> StoreResult<bool> {
        let n = self.conn().execute(
            "UPDATE comments SET state = ?2 WHERE id = ?1",
            params![id, state.as_str()],
        )?;
        Ok(n > 0)
    }

    /// Every visible comment of a post, oldest first (the page threads them).
    pub fn visible_comments(&self, post_id: i64) -> StoreResult<Vec<Comment>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM comments c JOIN posts p ON p.id = c.post_id
             WHERE c.post_id = ?1 AND c.state = 'visible' ORDER BY c.published, c.id"
        ))?;
        let rows = stmt.query_map([post_id], from_row)?;
        collect(rows)
    }

    /// Number of visible comments of a post.
    pub fn count_visible_comments(&self, post_id: i64) -> StoreResult<usize> {
        let n: i64 = self.conn().query_row(
            "SELECT count(*) FROM comments WHERE post_id = ?1 AND state = 'visible'",
            [post_id],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// Visible comments of a post, oldest first, one page (the `replies` collection).
    pub fn visible_comments_page(
        &self,
        post_id: i64,
        offset: usize,
        limit: usize,
    ) -> StoreResult<Vec<Comment>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM comments c JOIN posts p ON p.id = c.post_id
             WHERE c.post_id = ?1 AND c.state = 'visible' ORDER BY c.published, c.id
             LIMIT ?2 OFFSET ?3"
        ))?;
        let rows = stmt.query_map(params![post_id, limit as i64, offset as i64], from_row)?;
        collect(rows)
    }

    /// The most recent comments of every state, newest first (`quire comments`).
    pub fn recent_comments(&self, limit: usize) -> StoreResult<Vec<Comment>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM comments c JOIN posts p ON p.id = c.post_id
             ORDER BY c.id DESC LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit as i64], from_row)?;
        collect(rows)
    }

    /// Removes every comment of an actor; returns how many.
    pub fn delete_comments_of(&self, actor_id: &str) -> StoreResult<usize> {
        Ok(self
            .conn()
            .execute("DELETE FROM comments WHERE author_id = ?1", [actor_id])?)
    }

    /// Removes every comment whose author is on `host`; returns how many.
    pub fn delete_comments_of_host(&self, host: &str) -> StoreResult<usize> {
        Ok(self
            .conn()
            .execute("DELETE FROM comments WHERE author_host = ?1", [host])?)
    }
}
