//! Handlers for the URLs people open in a browser (which, for articles and actors, also
//! answer ActivityStreams JSON to servers).

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::cache::Cached;
use super::error::WebError;
use super::negotiate::{negotiate, Representation};
use super::pages::{self, PostExtras, Site};
use super::respond::{send, types};
use super::AppState;
use crate::app::App;
use crate::content::profile::profile_html;
use crate::federation::conversation::interactions;
use crate::store::actors::ActorKind;
use crate::store::reactions::ReactionKind;

/// `?page=N` on lists.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    page: Option<String>,
}

impl PageQuery {
    /// Was a page asked for at all (collections answer differently without one)?
    pub fn page_given(&self) -> bool {
        self.page.is_some()
    }

    /// The 1-based page asked for; 400 for anything that is not a positive number.
    pub fn number(&self) -> Result<usize, WebError> {
        match &self.page {
            None => Ok(1),
            Some(p) => p
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=1_000_000).contains(n))
                .ok_or_else(|| WebError::BadRequest("page must be a positive number".into())),
        }
    }
}

/// Serves `key` from the cache, or builds it on the blocking pool and caches it.
pub async fn cached<F>(
    app: &AppState,
    key: String,
    headers: &HeaderMap,
    build: F,
) -> Result<Response, WebError>
where
    F: FnOnce(&App) -> Result<Cached, WebError> + Send + 'static,
{
    if let Some(hit) = app.cache.get(&key) {
        return Ok(send(&hit, headers));
    }
    let app2 = app.clone();
    let built = tokio::task::spawn_blocking(move || build(&app2)).await??;
    let kept = app.cache.put(key, built);
    Ok(send(&kept, headers))
}

pub(crate) fn site(app: &App) -> Site<'_> {
    Site {
        config: &app.config,
        urls: &app.urls,
    }
}

pub(crate) fn html(status: StatusCode, markup: maud::Markup) -> Cached {
    Cached::new(status, types::HTML, markup.into_string())
}

pub(crate) fn activity(status: StatusCode, value: &serde_json::Value) -> Cached {
    Cached::new(status, types::ACTIVITY, value.to_string())
}

/// `/`: the newest posts, paginated; an explanation when there are none yet.
pub async fn index(
    State(app): State<AppState>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let page = q.number()?;
    cached(&app, format!("html:/?{page}"), &headers, move |app| {
        let per_page = app.config.posts_per_page;
        let total = app.store.count_posts()?;
        let pages = total.div_ceil(per_page).max(1);
        if page > pages {
            return Ok(html(StatusCode::NOT_FOUND, pages::not_found(&site(app))));
        }
        let posts = app.store.recent_posts((page - 1) * per_page, per_page)?;
        Ok(html(
            StatusCode::OK,
            pages::index(&site(app), &posts, page, pages),
        ))
    })
    .await
}

/// `/posts/{slug}`: the article page, or the `Article`; 410 once removed.
pub async fn post(
    State(app): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let rep = negotiate(&headers);
    let key = format!("{rep:?}:/posts/{slug}");
    cached(&app, key, &headers, move |app| {
        let site = site(app);
        let Some(post) = app.store.post_by_slug(&slug)? else {
            return Ok(match rep {
                Representation::Html => html(StatusCode::NOT_FOUND, pages::not_found(&site)),
                Representation::ActivityJson => Cached::new(
                    StatusCode::NOT_FOUND,
                    types::JSON,
                    "{\"error\":\"not found\"}",
                ),
            });
        };
        let conv = app.converter();
        Ok(match (rep, post.deleted_at.is_some()) {
            (Representation::Html, true) => html(StatusCode::GONE, pages::gone(&site)),
            (Representation::ActivityJson, true) => {
                activity(StatusCode::GONE, &conv.tombstone(&post))
            }
            (Representation::Html, false) => {
                let comments = app.store.visible_comments(post.id)?;
                let likes = app.store.reactions(post.id, ReactionKind::Like)?;
                let boosts = app.store.reactions(post.id, ReactionKind::Boost)?;
                let extras = PostExtras {
                    conversation: pages::conversation::conversation(
                        &pages::conversation::Conversation {
                            comments: &comments,
                            likes: &likes,
                            boosts: &boosts,
                        },
                    ),
                };
                html(StatusCode::OK, pages::post(&site, &post, &extras))
            }
            (Representation::ActivityJson, false) => activity(
                StatusCode::OK,
                &conv.article_document(&post, interactions(app, &post)?),
            ),
        })
    })
    .await
}

/// `/tags/{tag}`: posts with a tag.
pub async fn tag(
    State(app): State<AppState>,
    Path(tag): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let page = q.number()?;
    let tag_slug = crate::content::slug::tag_slug(&tag);
    cached(
        &app,
        format!("html:/tags/{tag_slug}?{page}"),
        &headers,
        move |app| {
            let site = site(app);
            let Some((tag, total)) = app.store.tag_summary(&tag_slug)? else {
                return Ok(html(StatusCode::NOT_FOUND, pages::not_found(&site)));
            };
            let per_page = app.config.posts_per_page;
            let pages = total.div_ceil(per_page).max(1);
            if page > pages {
                return Ok(html(StatusCode::NOT_FOUND, pages::not_found(&site)));
            }
            let posts = app
                .store
                .posts_with_tag(&tag.slug, (page - 1) * per_page, per_page)?;
            Ok(html(
                StatusCode::OK,
                pages::tag(&site, &tag, &posts, page, pages),
            ))
        },
    )
    .await
}

/// `/feed.xml`: the Atom feed of the 20 newest posts.
pub async fn feed(State(app): State<AppState>, headers: HeaderMap) -> Result<Response, WebError> {
    cached(&app, "atom:/feed.xml".into(), &headers, |app| {
        let posts = app.store.recent_posts(0, 20)?;
        Ok(Cached::new(
            StatusCode::OK,
            types::ATOM,
            super::feed::atom(&site(app), &posts),
        ))
    })
    .await
}

/// `/@{name}`: the author page or the Person; the Group (the blog itself) redirects browsers
/// home.
pub async fn actor(
    State(app): State<AppState>,
    Path(actor): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let Some(name) = actor.strip_prefix('@').map(str::to_string) else {
        return Ok(not_found(State(app)).await);
    };
    let Some(kind) = app.local_actor(&name).map(|a| a.kind) else {
        return Ok(not_found(State(app)).await);
    };
    let rep = negotiate(&headers);
    if rep == Representation::Html && kind == ActorKind::Group {
        return Ok(Redirect::to("/").into_response());
    }
    cached(&app, format!("{rep:?}:/@{name}"), &headers, move |app| {
        let local = app.local_actor(&name).ok_or(WebError::NotFound)?;
        match rep {
            Representation::ActivityJson => {
                let summary = match kind {
                    ActorKind::Person => profile_html(&app.config.author_summary),
                    ActorKind::Group => profile_html(&app.config.blog_summary),
                };
                let doc = app.converter().actor(kind, &local.keys, &summary);
                Ok(activity(StatusCode::OK, &doc))
            }
            Representation::Html => {
                let count = app.store.count_posts()?;
                let recent = app.store.recent_posts(0, 10)?;
                let followers = app.store.follower_count(&name)?;
                Ok(html(
                    StatusCode::OK,
                    pages::author(&site(app), count, &recent, followers),
                ))
            }
        }
    })
    .await
}

/// Anything else: the 404 page.
pub async fn not_found(State(app): State<AppState>) -> Response {
    let key = "html:404".to_string();
    let hit = match app.cache.get(&key) {
        Some(hit) => hit,
        None => app.cache.put(
            key,
            html(StatusCode::NOT_FOUND, pages::not_found(&site(&app))),
        ),
    };
    let mut response = (hit.status, hit.body.clone()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(types::HTML),
    );
    response
}
