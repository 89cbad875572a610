//! Extractors that answer MAX's `{code, message}` when a request is not what a handler needs:
//! the authenticated [`Caller`], and axum's path, query and JSON body with their rejections
//! turned into a 400 that says what is wrong. A handler is an extractor list and one domain call.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::AppState;
use crate::context::Caller;
use crate::error::{Error, Result};

/// The address the client reached this server on, for the links and upload URLs it is given
/// back (`None` when the request names no host). The host is the `Host` header, or the
/// request's authority under HTTP/2. The scheme is `https` when this server serves it, when a
/// reverse proxy in front says so (`X-Forwarded-Proto: https`; the header can only turn http
/// into https, never back), and whenever the host is not this computer (the app refuses plain
/// http off it); `http` only for this computer otherwise (the demo, tests).
#[derive(Debug)]
pub struct Origin(pub Option<String>);

impl FromRequestParts<AppState> for Origin {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let header = parts
            .headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok());
        let host = header
            .or_else(|| parts.uri.authority().map(|a| a.as_str()))
            .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic() && b != b'/'));
        let Some(host) = host else {
            return Ok(Origin(None));
        };
        let proxied_https = parts
            .headers
            .get("x-forwarded-proto")
            .and_then(|h| h.to_str().ok())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"));
        let plain = format!("http://{host}");
        let https =
            state.https || proxied_https || parta_model::address::is_plain_http_elsewhere(&plain);
        Ok(Origin(Some(if https {
            format!("https://{host}")
        } else {
            plain
        })))
    }
}

/// The address a request came from, for the limits per address: the peer's, or, when the
/// peer is a reverse proxy on this computer, the address that proxy added last to
/// `X-Forwarded-For` (the one it saw; earlier entries are the client's own word).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub std::net::IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip())
            .ok_or_else(|| Error::Internal("no peer address on the connection".into()))?;
        if !peer.is_loopback() {
            return Ok(ClientIp(peer));
        }
        // Only the last entry: an unreadable one falls back to the peer, never to an earlier
        // entry the client could have written itself.
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|h| h.to_str().ok())
            .flat_map(|h| h.split(','))
            .next_back()
            .and_then(|a| a.trim().parse().ok());
        Ok(ClientIp(forwarded.unwrap_or(peer)))
    }
}

/// Parta's extension header for safe retries of writes.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The caller, from the `Authorization` header; a blocked person (procedure 9.2) or a device
/// over its request rate gets no further.
impl FromRequestParts<AppState> for Caller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let caller = state.auth_cache.authenticate(&state.school, header).await?;
        state.limiter.device(caller.device_id)?;
        Ok(caller)
    }
}

/// Path parameters, as axum's `Path`; a bad one is a 400 naming it.
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|e| Error::bad_request(e.body_text()))
    }
}

/// The query string, as axum's `Query`; a bad one is a 400 naming the field.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Query(value))
            .map_err(|e| Error::bad_request(e.body_text()))
    }
}

/// A JSON request body, as axum's `Json`; a missing, malformed or mistyped one is a 400 that
/// says what is wrong.
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<T, S> FromRequest<S> for Body<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self> {
        axum::Json::<T>::from_request(request, state)
            .await
            .map(|axum::Json(value)| Body(value))
            .map_err(|e| Error::bad_request(e.body_text()))
    }
}

/// The `Idempotency-Key` header, if given (Parta's extension: a retried send returns the first
/// message instead of making a second).
#[derive(Debug)]
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self> {
        match parts.headers.get(IDEMPOTENCY_KEY) {
            Some(v) => v
                .to_str()
                .map(|key| IdempotencyKey(Some(key.to_owned())))
                .map_err(|_| Error::bad_request("Idempotency-Key must be ASCII")),
            None => Ok(IdempotencyKey(None)),
        }
    }
}
