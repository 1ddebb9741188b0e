//! Files: the embedded assets under `/static/` and images from the content folder under
//! `/media/`.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::assets;
use super::error::WebError;
use super::AppState;
use crate::federation::vocab::media_type_for;

/// `/static/{path}`: CSS and icons compiled into the binary; cached for a year (the page links
/// them with a version in the query string).
pub async fn asset(Path(path): Path<String>, headers: HeaderMap) -> Response {
    match assets::get(&path) {
        Some((body, content_type, etag)) => {
            if headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v == etag)
            {
                return StatusCode::NOT_MODIFIED.into_response();
            }
            let mut r = (StatusCode::OK, body.into_owned()).into_response();
            let h = r.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            if let Ok(v) = HeaderValue::from_str(&etag) {
                h.insert(header::ETAG, v);
            }
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000"),
            );
            r
        }
        None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

/// `/favicon.ico`: the embedded icon.
pub async fn favicon(headers: HeaderMap) -> Response {
    asset(Path("favicon.svg".to_string()), headers).await
}

/// `/media/{path}`: an image (or other media file) from the content folder. Only media types
/// are served, never the Markdown sources (drafts stay private), and never outside the folder.
pub async fn media(
    State(app): State<AppState>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let content_type = media_type_for(&path).ok_or(WebError::NotFound)?;
    let file = crate::content::scan::media_path(&app.config.content_dir, &path)
        .ok_or(WebError::NotFound)?;
    let meta = tokio::fs::metadata(&file)
        .await
        .map_err(|_| WebError::NotFound)?;
    let modified = meta.modified().ok().map(httpdate::fmt_http_date);
    if let (Some(m), Some(since)) = (
        &modified,
        headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok()),
    ) {
        if m == since {
            return Ok(StatusCode::NOT_MODIFIED.into_response());
        }
    }
    let bytes = tokio::fs::read(&file)
        .await
        .map_err(|_| WebError::NotFound)?;
    let mut r = (StatusCode::OK, bytes).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Some(m) = modified.and_then(|m| HeaderValue::from_str(&m).ok()) {
        h.insert(header::LAST_MODIFIED, m);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    Ok(r)
}
