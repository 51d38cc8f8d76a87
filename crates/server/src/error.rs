//! The server's one error type, its table from error code to HTTP status, and the JSON body
//! every API error has: `{"error": {"code": "not_found", "message": "..."}}`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Everything a request can fail with. User errors come first; `Internal` and `Store` are ours,
/// and their details are logged, not shown.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No such story, entity, article, feed or route.
    #[error("{0}")]
    NotFound(String),
    /// A parameter or body is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// No token, or a wrong one.
    #[error("{0}")]
    Unauthorized(String),
    /// A form without a valid CSRF token.
    #[error("{0}")]
    CsrfFailed(String),
    /// The route exists but not with this method.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The client sent too many requests; it may retry after this many seconds.
    #[error("too many requests; retry after {0} s")]
    RateLimited(u64),
    /// The request body is larger than the configured limit (bytes).
    #[error("request body larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// A failure of ours (a panicked task, a broken invariant).
    #[error("{0}")]
    Internal(String),
    /// A part the request needs is not available now (the search index must be rebuilt).
    #[error("{0}")]
    Unavailable(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] store::Error),
}

/// The stable codes clients match on. Each has exactly one HTTP status: this is the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// 404.
    NotFound,
    /// 400.
    BadRequest,
    /// 401.
    Unauthorized,
    /// 403.
    CsrfFailed,
    /// 405.
    MethodNotAllowed,
    /// 409.
    Conflict,
    /// 413.
    PayloadTooLarge,
    /// 429.
    RateLimited,
    /// 500.
    Internal,
    /// 503.
    Unavailable,
}

impl ErrorCode {
    /// Every code, for documentation (the OpenAPI document lists them).
    pub const ALL: [ErrorCode; 10] = [
        ErrorCode::NotFound,
        ErrorCode::BadRequest,
        ErrorCode::Unauthorized,
        ErrorCode::CsrfFailed,
        ErrorCode::MethodNotAllowed,
        ErrorCode::Conflict,
        ErrorCode::PayloadTooLarge,
        ErrorCode::RateLimited,
        ErrorCode::Internal,
        ErrorCode::Unavailable,
    ];

    /// The snake_case string sent to clients.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::CsrfFailed => "csrf_failed",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Conflict => "conflict",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Internal => "internal",
            ErrorCode::Unavailable => "unavailable",
        }
    }

    /// The HTTP status that goes with it.
    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::BadRequest => StatusCode::BAD_REQUEST,
            ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorCode::CsrfFailed => StatusCode::FORBIDDEN,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::Conflict => StatusCode::CONFLICT,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// The code of a store failure: what the client asked for is missing or malformed, the search
/// index is busy or being rebuilt, or the failure is ours.
pub fn store_code(e: &store::Error) -> ErrorCode {
    match e {
        store::Error::NotFound(_) | store::Error::FeedNotFound(_) => ErrorCode::NotFound,
        store::Error::InvalidQuery { .. } => ErrorCode::BadRequest,
        store::Error::IndexStale { .. } | store::Error::IndexBusy { .. } => ErrorCode::Unavailable,
        _ => ErrorCode::Internal,
    }
}

impl Error {
    /// Its stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::BadRequest(_) => ErrorCode::BadRequest,
            Error::Unauthorized(_) => ErrorCode::Unauthorized,
            Error::CsrfFailed(_) => ErrorCode::CsrfFailed,
            Error::MethodNotAllowed(_) => ErrorCode::MethodNotAllowed,
            Error::RateLimited(_) => ErrorCode::RateLimited,
            Error::PayloadTooLarge(_) => ErrorCode::PayloadTooLarge,
            Error::Internal(_) => ErrorCode::Internal,
            Error::Unavailable(_) => ErrorCode::Unavailable,
            Error::Store(e) => store_code(e),
        }
    }

    /// The message shown to clients: internal details stay in the log.
    pub fn public_message(&self) -> String {
        match self.code() {
            ErrorCode::Internal => {
                tracing::error!(error = %self, "internal error");
                "internal error; see the server log".to_string()
            }
            _ => self.to_string(),
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let code = self.code();
        let body = serde_json::json!({
            "error": { "code": code.as_str(), "message": self.public_message() }
        });
        let mut resp = (code.status(), Json(body)).into_response();
        if let Error::RateLimited(secs) = self {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_statuses_are_errors() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(c.as_str()), "duplicate code {}", c.as_str());
            assert!(c.status().is_client_error() || c.status().is_server_error());
        }
    }

    #[test]
    fn store_not_found_is_not_found() {
        let e = Error::from(store::Error::NotFound("entity 9".into()));
        assert_eq!(e.code(), ErrorCode::NotFound);
        assert_eq!(e.public_message(), "not found: entity 9");
    }
}
