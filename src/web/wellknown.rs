//! `/.well-known/*` and NodeInfo: how servers discover the blog.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::cache::Cached;
use super::error::WebError;
use super::html::cached;
use super::respond::types;
use super::AppState;
use crate::federation::discovery::{self, WebfingerError};

/// `?resource=`.
#[derive(Debug, Deserialize)]
pub struct WebfingerQuery {
    resource: Option<String>,
}

/// WebFinger: a JRD for either actor; 400 malformed, 404 unknown; readable cross-origin.
pub async fn webfinger(State(app): State<AppState>, Query(q): Query<WebfingerQuery>) -> Response {
    let result = match q.resource.as_deref() {
        None | Some("") => Err(WebfingerError::Malformed("missing resource".into())),
        Some(resource) => discovery::resolve_resource(&app.config, &app.urls, resource),
    };
    let mut response = match result {
        Ok(name) => {
            let body = discovery::webfinger(&app.config, &app.urls, name).to_string();
            let mut r = (StatusCode::OK, body).into_response();
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(types::JRD));
            r
        }
        Err(WebfingerError::NotFound) => {
            (StatusCode::NOT_FOUND, "no such account\n").into_response()
        }
        Err(e @ WebfingerError::Malformed(_)) => {
            (StatusCode::BAD_REQUEST, format!("{e}\n")).into_response()
        }
    };
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// host-meta (XRD).
pub async fn host_meta(
    State(app): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let mut r = cached(&app, "host-meta".into(), &headers, |app| {
        Ok(Cached::new(
            StatusCode::OK,
            types::XRD,
            discovery::host_meta(&app.urls),
        ))
    })
    .await?;
    r.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    Ok(r)
}

/// `/.well-known/nodeinfo`.
pub async fn nodeinfo_index(
    State(app): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let mut r = cached(&app, "nodeinfo-index".into(), &headers, |app| {
        Ok(Cached::new(
            StatusCode::OK,
            types::JSON,
            discovery::nodeinfo_index(&app.urls).to_string(),
        ))
    })
    .await?;
    r.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    Ok(r)
}

/// `/nodeinfo/2.0` and `/nodeinfo/2.1`.
pub async fn nodeinfo(
    State(app): State<AppState>,
    Path(version): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let content_type = match version.as_str() {
        "2.0" => types::NODEINFO_20,
        "2.1" => types::NODEINFO_21,
        _ => return Err(WebError::NotFound),
    };
    let mut r = cached(&app, format!("nodeinfo:{version}"), &headers, move |app| {
        let posts = app.store.count_posts()?;
        let doc = discovery::nodeinfo(&app.config, &version, posts);
        Ok(Cached::new(StatusCode::OK, content_type, doc.to_string()))
    })
    .await?;
    r.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    Ok(r)
}
