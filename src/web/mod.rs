//! The HTTP server: every route in one table, and the only module that uses axum and maud.
//!
//! Handlers are thin: they read the request, ask the store or the converters, and answer.
//! Responses that depend only on content are rendered once and kept in [`cache::PageCache`].

pub mod activitypub;
pub mod assets;
pub mod cache;
pub mod error;
pub mod feed;
pub mod files;
pub mod html;
pub mod inbox;
pub mod negotiate;
pub mod pages;
pub mod respond;
pub mod wellknown;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use crate::app::App;

/// Shared state of every handler.
pub type AppState = Arc<App>;

/// The route table.
pub fn router(app: AppState) -> Router {
    Router::new()
        .route("/", get(html::index))
        .route("/posts/{slug}", get(html::post))
        .route("/posts/{slug}/replies", get(activitypub::post_replies))
        .route("/posts/{slug}/likes", get(activitypub::post_likes))
        .route("/posts/{slug}/shares", get(activitypub::post_shares))
        .route("/posts/{slug}/context", get(activitypub::post_context))
        .route("/tags/{tag}", get(html::tag))
        .route("/feed.xml", get(html::feed))
        .route("/{actor}", get(html::actor))
        .route(
            "/{actor}/inbox",
            post(inbox::post_actor_inbox).layer(DefaultBodyLimit::max(inbox::BODY_LIMIT)),
        )
        .route(
            "/inbox",
            post(inbox::post_shared_inbox).layer(DefaultBodyLimit::max(inbox::BODY_LIMIT)),
        )
        .route("/{actor}/outbox", get(activitypub::outbox))
        .route("/{actor}/followers", get(activitypub::followers))
        .route("/{actor}/following", get(activitypub::following))
        .route("/.well-known/webfinger", get(wellknown::webfinger))
        .route("/.well-known/host-meta", get(wellknown::host_meta))
        .route("/.well-known/nodeinfo", get(wellknown::nodeinfo_index))
        .route("/nodeinfo/{version}", get(wellknown::nodeinfo))
        .route("/static/{*path}", get(files::asset))
        .route("/media/{*path}", get(files::media))
        .route("/favicon.ico", get(files::favicon))
        .fallback(html::not_found)
        .layer(middleware::from_fn(security_headers))
        .with_state(app)
}

/// Serves HTTP on `listener` until `shutdown` resolves, then finishes the requests under way.
pub async fn run(
    app: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(app).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Headers every response carries: no script may run on our pages, whatever a post or a
/// remote comment contains, and nothing sniffs content types.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html") || v.starts_with("image/svg"));
    if is_html {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; img-src * data:; media-src *; style-src 'self' 'unsafe-inline'; \
                 frame-src https:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            ),
        );
    }
    response
}
