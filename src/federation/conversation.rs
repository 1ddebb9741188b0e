//! The conversation under each article, as the fediverse sees it and as the inbox handlers
//! share it: what a reply or a reaction is about (one of our articles, or a comment under
//! one), who its author is (from the resolved remote actor), and the per-article
//! collections (`replies` paged, `likes`, `shares` with `totalItems`, `context` holding the
//! whole thread, FEP-7888).
//!
//! No SQL here (the store answers), no HTTP types.

use serde_json::{json, Value};

use super::collections::{collection, page, PAGE_SIZE};
use super::read::{Note, TagKind};
use super::sanitize::plain_text;
use crate::app::App;
use crate::store::comments::{Author, Comment};
use crate::store::posts::Post;
use crate::store::reactions::{Reaction, ReactionKind};
use crate::store::remote_actors::RemoteActor;
use crate::store::StoreResult;

/// The host (with port, when not the default) of a URL, lower-cased; `None` for what is
/// not an absolute http(s) URL.
pub fn host_of(id: &str) -> Option<String> {
    let url = url::Url::parse(id).ok()?;
    if !matches!(url.scheme(), "https" | "http") {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

/// Whether two ids are on the same host.
pub fn same_host(a: &str, b: &str) -> bool {
    matches!((host_of(a), host_of(b)), (Some(x), Some(y)) if x == y)
}

/// Whether an actor is blocked (by id or by domain).
pub fn is_blocked(app: &App, actor_id: &str) -> StoreResult<bool> {
    let host = host_of(actor_id).unwrap_or_default();
    app.store.is_blocked(actor_id, &host)
}

/// How a comment's or a reaction's author is shown, from the resolved remote actor.
pub fn author_from(actor: ActorView<'_>) -> Author {
    // `host_of` keeps a non-default port, as the handle must to be followable.
    let host = host_of(actor.id).unwrap_or_default();
    Author {
        id: actor.id.to_string(),
        name: actor
            .name
            .map(|n| plain_text(n, 100))
            .filter(|n| !n.is_empty()),
        handle: actor.preferred_username.map(|u| format!("@{u}@{host}")),
        avatar: actor.icon_url.map(str::to_string).filter(|u| is_web_url(u)),
        url: actor
            .url
            .map(str::to_string)
            .filter(|u| is_web_url(u))
            .or_else(|| Some(actor.id.to_string()).filter(|u| is_web_url(u))),
    }
}

/// How a cached remote actor is shown.
pub fn author_of(actor: &RemoteActor) -> Author {
    author_from(ActorView {
        id: &actor.id,
        preferred_username: actor.preferred_username.as_deref(),
        name: actor.name.as_deref(),
        url: actor.url.as_deref(),
        icon_url: actor.icon_url.as_deref(),
    })
}

/// What [`author_from`] reads of a remote actor (cached or just fetched).
#[derive(Debug, Clone, Copy)]
pub struct ActorView<'a> {
    /// The actor's id.
    pub id: &'a str,
    /// `preferredUsername`.
    pub preferred_username: Option<&'a str>,
    /// Display name (remote text).
    pub name: Option<&'a str>,
    /// Profile page.
    pub url: Option<&'a str>,
    /// Avatar.
    pub icon_url: Option<&'a str>,
}

/// Whether a URL is something a page may link to or load (http or https).
pub fn is_web_url(u: &str) -> bool {
    url::Url::parse(u).is_ok_and(|u| matches!(u.scheme(), "https" | "http"))
}

/// What a reply or a reaction points at.
#[derive(Debug, Clone)]
pub enum Target {
    /// One of our articles.
    Post(Post),
    /// A comment stored under one of our articles.
    Comment(Post, Box<Comment>),
}

impl Target {
    /// The article the target belongs to.
    pub fn post(&self) -> &Post {
        match self {
            Target::Post(p) | Target::Comment(p, _) => p,
        }
    }
}

/// Our live article whose id is `id` (`B/posts/{slug}`, trailing slash or fragment
/// tolerated).
pub fn our_post(app: &App, id: &str) -> StoreResult<Option<Post>> {
    let Some(slug) = our_slug(app, id) else {
        return Ok(None);
    };
    Ok(app
        .store
        .post_by_slug(slug)?
        .filter(|p| p.deleted_at.is_none()))
}

/// The row id of our live article `id` (as [`our_post`], without reading the post).
pub fn our_post_id(app: &App, id: &str) -> StoreResult<Option<i64>> {
    match our_slug(app, id) {
        Some(slug) => app.store.live_post_id(slug),
        None => Ok(None),
    }
}

/// The slug of an article URL of ours, if `id` is one.
fn our_slug<'a>(app: &App, id: &'a str) -> Option<&'a str> {
    let prefix = app.urls.post("");
    let rest = id.strip_prefix(&prefix)?;
    let slug = rest
        .split(['#', '?'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    if slug.is_empty() || slug.contains('/') {
        return None;
    }
    Some(slug)
}

/// What `id` is in our conversation: an article, or a stored comment under a live one.
pub fn target(app: &App, id: &str) -> StoreResult<Option<Target>> {
    if let Some(post) = our_post(app, id)? {
        return Ok(Some(Target::Post(post)));
    }
    if let Some(comment) = app.store.comment_by_object(id)? {
        if let Some(post) = app
            .store
            .post_by_slug(&comment.post_slug)?
            .filter(|p| p.deleted_at.is_none())
        {
            return Ok(Some(Target::Comment(post, Box::new(comment))));
        }
    }
    Ok(None)
}

/// The custom emoji of a note: `(":name:", https image)`, names restricted to the
/// characters emoji codes use, so they can be matched in text and shown safely.
pub fn emoji_of(note: &Note) -> Vec<(String, String)> {
    note.tags
        .iter()
        .filter(|t| t.kind == TagKind::Emoji)
        .filter_map(|t| {
            let name = t.name.as_deref()?.trim();
            let code = name.trim_matches(':');
            let ok = !code.is_empty()
                && code.len() <= 64
                && code
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '+');
            let icon = t.icon_url.clone().filter(|u| is_web_url(u))?;
            ok.then(|| (format!(":{code}:"), icon))
        })
        .collect()
}

/// The counts an Article publishes.
pub fn interactions(app: &App, post: &Post) -> StoreResult<super::convert::Interactions> {
    Ok(super::convert::Interactions {
        // Direct replies, like the `replies` collection; the thread is in `context`.
        replies: app
            .store
            .visible_comments(post.id)?
            .iter()
            .filter(|c| c.parent_id.is_none())
            .count(),
        likes: app.store.count_reactions(post.id, ReactionKind::Like)?,
        shares: app.store.count_reactions(post.id, ReactionKind::Boost)?,
    })
}

/// A comment as a Note reference in a collection: its id (remote servers fetch the rest).
fn comment_item(c: &Comment) -> Value {
    json!(c.object_id)
}

/// `replies`: the visible comments answering the article directly (as Mastodon does for
/// threads); nested answers are in `context`. `page_no` None is the
/// collection itself.
pub fn replies(app: &App, post: &Post, page_no: Option<usize>) -> StoreResult<Value> {
    let id = format!("{}/replies", app.urls.post(&post.slug));
    let all = app.store.visible_comments(post.id)?;
    let direct: Vec<&Comment> = all.iter().filter(|c| c.parent_id.is_none()).collect();
    Ok(match page_no {
        None => collection(&id, direct.len()),
        Some(n) => {
            let items = direct
                .iter()
                .skip((n - 1) * PAGE_SIZE)
                .take(PAGE_SIZE)
                .map(|c| comment_item(c))
                .collect();
            page(&id, n, direct.len(), items)
        }
    })
}

/// `context`: the whole thread, the article first, then every visible comment in order.
pub fn context(app: &App, post: &Post, page_no: Option<usize>) -> StoreResult<Value> {
    let id = format!("{}/context", app.urls.post(&post.slug));
    let all = app.store.visible_comments(post.id)?;
    let mut items: Vec<Value> = vec![json!(app.urls.post(&post.slug))];
    items.extend(all.iter().map(comment_item));
    let total = items.len();
    let mut doc = match page_no {
        None => collection(&id, total),
        Some(n) => page(
            &id,
            n,
            total,
            items
                .into_iter()
                .skip((n - 1) * PAGE_SIZE)
                .take(PAGE_SIZE)
                .collect(),
        ),
    };
    doc["attributedTo"] = json!(app.urls.actor(&app.config.author_username));
    Ok(doc)
}

/// `likes` or `shares`: the count and who (actor ids), newest last.
pub fn reactions(app: &App, post: &Post, kind: ReactionKind) -> StoreResult<Value> {
    let which = match kind {
        ReactionKind::Like => "likes",
        ReactionKind::Boost => "shares",
    };
    let id = format!("{}/{which}", app.urls.post(&post.slug));
    let list: Vec<Reaction> = app.store.reactions(post.id, kind)?;
    let items: Vec<Value> = list.iter().map(|r| json!(r.actor.id)).collect();
    Ok(super::convert::with_context(json!({
        "id": id,
        "type": "OrderedCollection",
        "totalItems": items.len(),
        "orderedItems": items,
    })))
}
