//! ActivityStreams-only URLs: outboxes, followers and following, and each Article's
//! `replies`, `likes`, `shares` and `context` collections.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::error::WebError;
use super::html::{activity, cached, PageQuery};
use super::AppState;
use crate::federation::collections::{collection, counted_only, page, PAGE_SIZE};
use crate::federation::conversation;
use crate::store::actors::ActorKind;
use crate::store::reactions::ReactionKind;

fn local_name(app: &AppState, actor: &str) -> Result<(String, ActorKind), WebError> {
    let name = actor.strip_prefix('@').ok_or(WebError::NotFound)?;
    let local = app.local_actor(name).ok_or(WebError::NotFound)?;
    Ok((local.name.clone(), local.kind))
}

/// `/@{name}/outbox`: the Person's `Create`s and the Group's `Announce`s, newest first.
pub async fn outbox(
    State(app): State<AppState>,
    Path(actor): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (name, kind) = local_name(&app, &actor)?;
    let page_no = q.page_given().then(|| q.number()).transpose()?;
    cached(
        &app,
        format!("outbox:{name}?{page_no:?}"),
        &headers,
        move |app| {
            let id = app.urls.outbox(&name);
            // Ordered like the posts; each item is the activity that published a live post.
            let total = app.store.count_posts()?;
            let Some(n) = page_no else {
                return Ok(activity(StatusCode::OK, &collection(&id, total)));
            };
            let conv = app.converter();
            let posts = app.store.recent_posts((n - 1) * PAGE_SIZE, PAGE_SIZE)?;
            let items: Vec<Value> = posts
                .iter()
                .map(|p| {
                    let mut a = match kind {
                        ActorKind::Person => conv.create(p),
                        ActorKind::Group => conv.announce(p),
                    };
                    if let Value::Object(map) = &mut a {
                        map.remove("@context");
                    }
                    a
                })
                .collect();
            Ok(activity(StatusCode::OK, &page(&id, n, total, items)))
        },
    )
    .await
}

/// `/@{name}/followers`: the count (who follows is not published).
pub async fn followers(
    State(app): State<AppState>,
    Path(actor): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (name, _) = local_name(&app, &actor)?;
    // Not cached: the count changes with follows, not with content.
    let id = app.urls.followers(&name);
    let count = app.store.run(move |s| s.follower_count(&name)).await?;
    let doc = counted_only(&id, count);
    Ok(super::respond::send(
        &std::sync::Arc::new(activity(StatusCode::OK, &doc)),
        &headers,
    ))
}

/// `/@{name}/following`: quire's actors follow nobody.
pub async fn following(
    State(app): State<AppState>,
    Path(actor): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (name, _) = local_name(&app, &actor)?;
    let doc = collection(&app.urls.following(&name), 0);
    Ok(super::respond::send(
        &std::sync::Arc::new(activity(StatusCode::OK, &doc)),
        &headers,
    ))
}

/// The per-article collections: `replies` and `context` paged (`?page=N`), `likes` and
/// `shares` with their count and who.
async fn post_collection(
    app: AppState,
    slug: String,
    which: &'static str,
    q: PageQuery,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let page_no = q.page_given().then(|| q.number()).transpose()?;
    cached(
        &app,
        format!("{which}:/posts/{slug}?{page_no:?}"),
        &headers,
        move |app| {
            let post = app
                .store
                .post_by_slug(&slug)?
                .filter(|p| p.deleted_at.is_none())
                .ok_or(WebError::NotFound)?;
            let doc = match which {
                "replies" => conversation::replies(app, &post, page_no)?,
                "context" => conversation::context(app, &post, page_no)?,
                "likes" => conversation::reactions(app, &post, ReactionKind::Like)?,
                _ => conversation::reactions(app, &post, ReactionKind::Boost)?,
            };
            Ok(activity(StatusCode::OK, &doc))
        },
    )
    .await
}

/// `/posts/{slug}/replies`.
pub async fn post_replies(
    State(app): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    post_collection(app, slug, "replies", q, headers).await
}

/// `/posts/{slug}/likes`.
pub async fn post_likes(
    State(app): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    post_collection(app, slug, "likes", q, headers).await
}

/// `/posts/{slug}/shares`.
pub async fn post_shares(
    State(app): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    post_collection(app, slug, "shares", q, headers).await
}

/// `/posts/{slug}/context`: the whole conversation (FEP-7888).
pub async fn post_context(
    State(app): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    post_collection(app, slug, "context", q, headers).await
}
