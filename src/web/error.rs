//! The one place where errors become HTTP responses: a status, a short safe text, and the
//! cause in the log (never in the response).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::store::StoreError;

/// An error a handler returns.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// 404.
    #[error("not found")]
    NotFound,
    /// 400 with a reason safe to show.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 500; the cause is logged, not shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => WebError::NotFound,
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<tokio::task::JoinError> for WebError {
    fn from(e: tokio::task::JoinError) -> Self {
        WebError::Internal(e.to_string())
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::NotFound => (StatusCode::NOT_FOUND, "not found\n").into_response(),
            WebError::BadRequest(reason) => {
                (StatusCode::BAD_REQUEST, format!("{reason}\n")).into_response()
            }
            WebError::Internal(cause) => {
                tracing::error!("internal error: {cause}");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response()
            }
        }
    }
}
