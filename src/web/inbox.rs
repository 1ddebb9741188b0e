//! `POST /inbox` (shared) and `POST /@{name}/inbox`: collect the request parts, run the
//! inbox pipeline (`federation::inbox`), and turn its answer into a status, here only.
//!
//! The target URL handed to the pipeline is `base_url` + the request's path and query, never
//! the `Host` header: behind a reverse proxy only `base_url` is what the client signed.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use url::Url;

use super::AppState;
use crate::federation::inbox::{self, InboxError, InboxRequest, Refusal};

/// The body limit for inbox routes (the router's `DefaultBodyLimit`): larger bodies get 413
/// before they are read whole.
pub const BODY_LIMIT: usize = inbox::MAX_INBOX_BODY;

/// The status and the short text each refusal is answered with: 401 for anything that leaves
/// the sender unproven (signature, digest, time, key, signer ≠ actor), 400 for what cannot
/// be read, 413 for too much, 403 for what the sender may not touch, 500 for our failures.
pub fn status_for(error: &InboxError) -> (StatusCode, &'static str) {
    match error {
        InboxError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "body too large"),
        InboxError::Unsigned => (StatusCode::UNAUTHORIZED, "request is not signed"),
        InboxError::BadSignature(_) => (StatusCode::UNAUTHORIZED, "signature does not verify"),
        InboxError::DigestMismatch => (StatusCode::UNAUTHORIZED, "body does not match its digest"),
        InboxError::Stale => (StatusCode::UNAUTHORIZED, "signature is too old or too new"),
        InboxError::KeyUnavailable(_) => (StatusCode::UNAUTHORIZED, "signing key unavailable"),
        InboxError::ActorMismatch { .. } => (
            StatusCode::UNAUTHORIZED,
            "signer is not the activity's actor",
        ),
        InboxError::ForeignObject(_) => {
            (StatusCode::FORBIDDEN, "object does not belong to the actor")
        }
        InboxError::Blocked => (StatusCode::FORBIDDEN, "forbidden"),
        InboxError::Closed(_) => (StatusCode::FORBIDDEN, "comments are closed"),
        InboxError::Malformed(_) => (StatusCode::BAD_REQUEST, "malformed activity"),
        InboxError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal error"),
    }
}

/// `POST /inbox`: the shared inbox of both actors.
pub async fn post_shared_inbox(
    State(app): State<AppState>,
    OriginalUri(uri): OriginalUri,
    method: Method,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    handle(&app, None, &uri, &method, &headers, body).await
}

/// `POST /@{name}/inbox`: a local actor's personal inbox; 404 for unknown names.
pub async fn post_actor_inbox(
    State(app): State<AppState>,
    Path(actor): Path<String>,
    OriginalUri(uri): OriginalUri,
    method: Method,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Some(local) = actor
        .strip_prefix('@')
        .and_then(|name| app.local_actor(name))
    else {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    };
    let name = local.name.clone();
    handle(&app, Some(&name), &uri, &method, &headers, body).await
}

async fn handle(
    app: &AppState,
    inbox_owner: Option<&str>,
    uri: &axum::http::Uri,
    method: &Method,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return refuse(InboxError::TooLarge, false);
        }
        Err(rejection) => {
            return refuse(InboxError::Malformed(rejection.body_text()), false);
        }
    };
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let Ok(target) = Url::parse(&app.urls.absolute(path)) else {
        return refuse(InboxError::Malformed("unusable request path".into()), false);
    };
    let request = InboxRequest {
        method,
        target: &target,
        headers,
        body: &body,
        inbox_owner,
    };
    match inbox::receive(app, request).await {
        Ok(accepted) => {
            tracing::debug!(
                actor = %accepted.actor,
                activity = accepted.activity_id.as_deref().unwrap_or("-"),
                kind = %accepted.kind,
                outcome = ?accepted.outcome,
                "inbox accepted"
            );
            (StatusCode::ACCEPTED, "accepted\n").into_response()
        }
        Err(refusal) => {
            let Refusal {
                reason,
                key_id,
                actor,
                activity_id,
            } = refusal;
            log_refusal(
                &reason,
                key_id.as_deref(),
                actor.as_deref(),
                activity_id.as_deref(),
            );
            refuse(reason, true)
        }
    }
}

/// Answers a refusal with its status and short text; logs it unless `logged`.
fn refuse(reason: InboxError, logged: bool) -> Response {
    if !logged {
        log_refusal(&reason, None, None, None);
    }
    let (status, text) = status_for(&reason);
    (status, format!("{text}\n")).into_response()
}

/// Logs why a request was refused, with what is known of its sender; never the body.
fn log_refusal(
    reason: &InboxError,
    key_id: Option<&str>,
    actor: Option<&str>,
    activity: Option<&str>,
) {
    let (key_id, actor, activity) = (
        key_id.unwrap_or("-"),
        actor.unwrap_or("-"),
        activity.unwrap_or("-"),
    );
    // The reason may quote a parser message; keep it short.
    let text = truncate(&reason.to_string(), 300);
    if matches!(reason, InboxError::Internal(_)) {
        tracing::error!(key_id, actor, activity, "inbox failed: {text}");
    } else {
        tracing::info!(key_id, actor, activity, "inbox refused: {text}");
    }
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}
