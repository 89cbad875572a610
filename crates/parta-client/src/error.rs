//! Errors of the client core and their codes for the UI.

use parta_model::view::{UiError, UiErrorCode};

use crate::secrets::SecretsError;

/// Errors of the client core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server could not be reached (connection refused, timed out, DNS).
    #[error("the server cannot be reached: {0}")]
    Offline(String),
    /// The server rejected the token.
    #[error("the server rejected the sign-in")]
    Unauthorized,
    /// The server asked to slow down (429); try again after this long.
    #[error("the server is busy; try again in {} s", .retry_after.as_secs())]
    RateLimited { retry_after: std::time::Duration },
    /// The server refused the request with a MAX `{code, message}` body.
    #[error("server error {status} {code}: {message}")]
    Server {
        status: u16,
        code: String,
        message: String,
    },
    /// The server answered, but with something this client cannot read (not the MAX protocol,
    /// or a shape it does not know).
    #[error("the server's answer could not be read: {0}")]
    Protocol(String),
    /// The OS keychain failed.
    #[error(transparent)]
    Secrets(#[from] SecretsError),
    /// The local cache failed.
    #[error("cache: {0}")]
    Store(#[from] crate::store::StoreError),
    /// Input the user gave was refused before sending.
    #[error("{0}")]
    InvalidInput(String),
    /// A server's address is plain http on another computer: nothing is sent there.
    #[error(
        "'{0}' is plain http: Parta reaches a school's server only over https (plain http only \
         on this computer)"
    )]
    Insecure(String),
    /// The server's certificate is not signed by a root this profile trusts.
    #[error(
        "the server's certificate is not trusted: if the school runs its own certificate \
         authority, add its root certificate"
    )]
    UntrustedCertificate,
    /// A root certificate given to trust is not a PEM certificate.
    #[error(
        "the root certificate is not a PEM certificate (-----BEGIN CERTIFICATE----- ... \
         -----END CERTIFICATE-----)"
    )]
    BadCertificate,
    /// The profile is unknown or has no token in the keychain.
    #[error("no such profile, or it is signed out")]
    NoProfile,
    /// A local file could not be read or written.
    #[error("{0}")]
    File(String),
    /// The session has been stopped.
    #[error("the session has stopped")]
    Stopped,
    /// Something that should not happen: a worker thread died, hashing failed.
    #[error("{0}")]
    Internal(String),
}

/// `Result` with the client's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The code the UI branches on.
    pub fn ui_code(&self) -> UiErrorCode {
        match self {
            // Busy is, for a person, like a short loss of connection: it passes by itself.
            Error::Offline(_) | Error::RateLimited { .. } => UiErrorCode::Offline,
            Error::Unauthorized => UiErrorCode::Unauthorized,
            Error::Secrets(SecretsError::Unavailable(_)) => UiErrorCode::KeychainUnavailable,
            Error::InvalidInput(_) => UiErrorCode::InvalidInput,
            Error::Insecure(_) => UiErrorCode::InsecureAddress,
            Error::UntrustedCertificate => UiErrorCode::UntrustedCertificate,
            Error::BadCertificate => UiErrorCode::BadCertificate,
            // Refused for what was asked: malformed (400), taken (409), expired or used (410).
            Error::Server {
                status: 400 | 409 | 410,
                ..
            } => UiErrorCode::InvalidInput,
            Error::Server { status: 403, .. } => UiErrorCode::Forbidden,
            Error::NoProfile => UiErrorCode::NoProfile,
            _ => UiErrorCode::Internal,
        }
    }

    /// The error for the UI. The UI replaces the message with its own translated sentence
    /// for known codes; this English text is the fallback and what the logs show.
    pub fn to_ui(&self) -> UiError {
        UiError {
            code: self.ui_code(),
            message: self.to_string(),
            detail: match self {
                Error::Server { message, .. } if !message.is_empty() => Some(message.clone()),
                _ => None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_servers_refusal_reaches_the_ui_with_its_own_sentence_apart() {
        let refused = Error::Server {
            status: 400,
            code: "proto.payload".into(),
            message: "chat_ids must list 1 to 200 chats".into(),
        };
        let ui = refused.to_ui();
        assert_eq!(ui.code, UiErrorCode::InvalidInput);
        assert_eq!(
            ui.detail.as_deref(),
            Some("chat_ids must list 1 to 200 chats")
        );
        // Nothing of the client's own failures poses as a server's words.
        assert_eq!(Error::Offline("refused".into()).to_ui().detail, None);
    }
}
