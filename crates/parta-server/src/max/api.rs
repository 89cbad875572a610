//! A client for MAX's Bot API, as the school's bot: the token only in the `Authorization`
//! header, TLS with an extra trusted root where MAX's chain ends at one the system lacks (the
//! Ministry's), and MAX's `{code, message}` answers kept apart from unreachable servers and
//! answers that cannot be read.

use std::time::Duration;

use parta_model::max::{ApiError, BotInfo, Chat, ChatList};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::token::BotToken;

/// How long to wait for MAX to accept a connection and to answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What went wrong with a call to MAX.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MaxError {
    /// The address is not an http(s) address, or the root certificate is not one.
    #[error("{0}")]
    Config(String),
    /// MAX could not be reached (connection, TLS, time-out).
    #[error("MAX cannot be reached: {0}")]
    Unreachable(String),
    /// MAX refused the token.
    #[error("MAX refused the bot token ({code}: {message})")]
    Unauthorized { code: String, message: String },
    /// MAX answered with an error.
    #[error("MAX answered {status} {code}: {message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    /// MAX asked to slow down.
    #[error("MAX asks to slow down for {} s", .retry_after.as_secs())]
    RateLimited { retry_after: Duration },
    /// MAX answered something this server cannot read.
    #[error("MAX's answer could not be read: {0}")]
    Unreadable(String),
}

/// The school's bot at MAX (or a school's gateway in front of it).
#[derive(Debug, Clone)]
pub struct MaxApi {
    http: reqwest::Client,
    base: String,
    token: BotToken,
}

/// The bot's membership of a chat, with permissions read as names (MAX adds permissions over
/// time; an unknown one is kept, not a failed answer).
#[derive(Debug, Clone, Deserialize)]
pub struct Membership {
    #[serde(default)]
    pub is_admin: bool,
    #[serde(default)]
    pub is_owner: bool,
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
}

impl MaxApi {
    /// The bot at `base` (e.g. [`parta_model::max::MAX_API_URL`]), trusting `extra_root_pem`
    /// besides the system's roots.
    pub fn new(
        base: &str,
        token: BotToken,
        extra_root_pem: Option<&str>,
    ) -> Result<Self, MaxError> {
        let base = base.trim().trim_end_matches('/').to_owned();
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(MaxError::Config(format!(
                "'{base}' is not an http(s) address"
            )));
        }
        let mut builder = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("parta-server/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = extra_root_pem {
            let roots = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
                .ok()
                .filter(|c| !c.is_empty())
                .ok_or_else(|| {
                    MaxError::Config("the root certificate is not a PEM certificate".into())
                })?;
            builder = builder.tls_certs_merge(roots);
        }
        let http = builder
            .build()
            .map_err(|e| MaxError::Config(format!("the HTTP client: {e}")))?;
        Ok(Self { http, base, token })
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, MaxError> {
        let response = self
            .http
            .request(Method::GET, format!("{}{path}", self.base))
            .header(reqwest::header::AUTHORIZATION, self.token.header())
            .query(query)
            .send()
            .await
            .map_err(|e| MaxError::Unreachable(e.to_string()))?;
        let status = response.status();
        if status == StatusCode::TOO_MANY_REQUESTS {
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map_or(Duration::from_secs(1), Duration::from_secs);
            return Err(MaxError::RateLimited { retry_after });
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| MaxError::Unreachable(e.to_string()))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| MaxError::Unreadable(e.to_string()));
        }
        let ApiError { code, message } = serde_json::from_slice(&bytes).unwrap_or(ApiError {
            code: "http".into(),
            message: status.canonical_reason().unwrap_or("error").into(),
        });
        if status == StatusCode::UNAUTHORIZED {
            return Err(MaxError::Unauthorized { code, message });
        }
        Err(MaxError::Refused {
            status: status.as_u16(),
            code,
            message,
        })
    }

    /// `GET /me`: the bot the token belongs to.
    pub async fn me(&self) -> Result<BotInfo, MaxError> {
        self.get("/me", &[]).await
    }

    /// `GET /chats`, every page: the chats the bot is in. (MAX serves it and its official SDK
    /// calls it, though schema 0.0.33 does not list it.)
    pub async fn chats(&self) -> Result<Vec<Chat>, MaxError> {
        let mut all = Vec::new();
        let mut marker: Option<i64> = None;
        loop {
            let mut query = vec![("count", "100".to_owned())];
            if let Some(m) = marker {
                query.push(("marker", m.to_string()));
            }
            let page: ChatList = self.get("/chats", &query).await?;
            let empty = page.chats.is_empty();
            all.extend(page.chats);
            match page.marker {
                Some(next) if !empty && Some(next) != marker => marker = Some(next),
                _ => return Ok(all),
            }
        }
    }

    /// `GET /chats/{id}/members/me`: the bot's membership and permissions in a chat.
    pub async fn membership(&self, chat_id: i64) -> Result<Membership, MaxError> {
        self.get(&format!("/chats/{chat_id}/members/me"), &[]).await
    }
}
