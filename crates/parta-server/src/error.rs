//! Errors of the server and their MAX-shaped `{code, message}` responses.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use parta_model::max::ApiError;

/// Stable error codes sent in the `code` field. The strings follow MAX's dotted style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// No token, or a token that is unknown or revoked.
    VerifyToken,
    /// A login and password that do not match.
    VerifyCredentials,
    /// The request conflicts with what is stored (a taken login, a decided request).
    Conflict,
    /// An invitation that is used up, expired or revoked.
    InviteInvalid,
    /// Too many requests: wait as `Retry-After` says.
    TooManyRequests,
    /// A file the school's rules do not accept (format or size).
    FileRefused,
    /// A resumable upload's chunk does not start where the upload stands.
    RangeNotSatisfiable,
    /// A message the school's policy blocks (ethics, personal data).
    PolicyBlocked,
    /// The caller may not do this.
    AccessDenied,
    /// The chat, message or user does not exist (or is not visible to the caller).
    NotFound,
    /// The request is malformed or breaks a limit.
    BadRequest,
    /// The method is not allowed on this path.
    MethodNotAllowed,
    /// Something failed on the server; the details are in the server log.
    Internal,
}

impl ErrorCode {
    /// The wire string.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::VerifyToken => "verify.token",
            ErrorCode::VerifyCredentials => "verify.credentials",
            ErrorCode::Conflict => "conflict",
            ErrorCode::InviteInvalid => "invite.invalid",
            ErrorCode::TooManyRequests => "too.many.requests",
            ErrorCode::FileRefused => "file.refused",
            ErrorCode::RangeNotSatisfiable => "range.not.satisfiable",
            ErrorCode::PolicyBlocked => "policy.blocked",
            ErrorCode::AccessDenied => "access.denied",
            ErrorCode::NotFound => "not.found",
            ErrorCode::BadRequest => "proto.payload",
            ErrorCode::MethodNotAllowed => "method.not.allowed",
            ErrorCode::Internal => "internal",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            ErrorCode::VerifyToken | ErrorCode::VerifyCredentials => StatusCode::UNAUTHORIZED,
            ErrorCode::Conflict => StatusCode::CONFLICT,
            ErrorCode::InviteInvalid => StatusCode::GONE,
            ErrorCode::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::FileRefused => StatusCode::BAD_REQUEST,
            ErrorCode::RangeNotSatisfiable => StatusCode::RANGE_NOT_SATISFIABLE,
            ErrorCode::PolicyBlocked => StatusCode::BAD_REQUEST,
            ErrorCode::AccessDenied => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::BadRequest => StatusCode::BAD_REQUEST,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Errors of the server's domain and storage layers.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A request-level refusal with a code and a sentence for the caller.
    #[error("{message}")]
    Api { code: ErrorCode, message: String },
    /// The store failed.
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
    /// Stored JSON could not be read back.
    #[error("stored json: {0}")]
    Json(#[from] serde_json::Error),
    /// Binding or serving the socket failed.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    /// HTTPS could not be set up, or the address is not one plain HTTP may use.
    #[error("{0}")]
    Tls(#[from] crate::tls::TlsError),
    /// The OS gave no randomness.
    #[error("no randomness available")]
    Random,
    /// The caller exceeded its request rate.
    #[error("too many requests; retry after {retry_after_s} s")]
    RateLimited { retry_after_s: u64 },
    /// An internal step failed (details for the log only).
    #[error("internal: {0}")]
    Internal(String),
}

/// `Result` with the server's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A refusal with a code and a sentence.
    pub fn api(code: ErrorCode, message: impl Into<String>) -> Self {
        Error::Api {
            code,
            message: message.into(),
        }
    }

    /// Shorthand for a 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Error::api(ErrorCode::NotFound, message)
    }

    /// Shorthand for a 403.
    pub fn denied(message: impl Into<String>) -> Self {
        Error::api(ErrorCode::AccessDenied, message)
    }

    /// Shorthand for a 409.
    pub fn conflict(message: impl Into<String>) -> Self {
        Error::api(ErrorCode::Conflict, message)
    }

    /// Shorthand for a 400.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Error::api(ErrorCode::BadRequest, message)
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if let Error::RateLimited { retry_after_s } = self {
            let body = ApiError {
                code: ErrorCode::TooManyRequests.as_str().to_owned(),
                message: format!("Too many requests: try again in {retry_after_s} s"),
            };
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [(axum::http::header::RETRY_AFTER, retry_after_s.to_string())],
                axum::Json(body),
            )
                .into_response();
        }
        let (code, message) = match self {
            Error::Api { code, message } => (code, message),
            other => {
                // Internal details go to the log, never to the caller.
                tracing::error!(error = %other, "request failed");
                (ErrorCode::Internal, "Internal server error".to_owned())
            }
        };
        let body = ApiError {
            code: code.as_str().to_owned(),
            message,
        };
        (code.status(), axum::Json(body)).into_response()
    }
}
