//! A client for MAX's Bot API, as the school's bot: the token only in the `Authorization`
//! header, TLS with an extra trusted root where MAX's chain ends at one the system lacks (the
//! Ministry's), and MAX's `{code, message}` answers kept apart from unreachable servers and
//! answers that cannot be read.

use std::time::Duration;

use parta_model::max::{
    ApiError, Attachment, BotInfo, Chat, ChatList, Message, MessageList, NewMessageBody,
    SendMessageResult, SimpleQueryResult,
};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::token::BotToken;

/// How long to wait for MAX to accept a connection, and by default to answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a file may take to go to or come from MAX's file service.
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(600);
/// What a long poll may take beyond the wait it asked MAX for.
const POLL_GRACE: Duration = Duration::from_secs(15);

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
    timeout: Duration,
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
        if parta_model::address::is_plain_http_elsewhere(&base) {
            return Err(MaxError::Config(format!(
                "'{base}' is plain http: the bot's token goes to MAX only over https (plain \
                 http only to this computer, for a test)"
            )));
        }
        let mut builder = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
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
        Ok(Self {
            http,
            base,
            token,
            timeout: REQUEST_TIMEOUT,
        })
    }

    /// The same bot with another time limit for an answer (a long poll gets its wait on top).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, MaxError> {
        self.call(Method::GET, path, query, None, self.timeout)
            .await
    }

    /// One request to MAX: the token in the header, a JSON body if given, MAX's `{code,
    /// message}` and 429's `Retry-After` read from a refusal.
    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
        timeout: Duration,
    ) -> Result<T, MaxError> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header(reqwest::header::AUTHORIZATION, self.token.header())
            .timeout(timeout)
            .query(query);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request
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

    /// `GET /chats/{id}`: one chat.
    pub async fn chat(&self, chat_id: i64) -> Result<Chat, MaxError> {
        self.get(&format!("/chats/{chat_id}"), &[]).await
    }

    /// `POST /messages?chat_id=`: sends a message to a chat; MAX's copy of it.
    pub async fn send(&self, chat_id: i64, body: &NewMessageBody) -> Result<Message, MaxError> {
        let body = serde_json::to_value(body).map_err(|e| MaxError::Config(e.to_string()))?;
        let sent: SendMessageResult = self
            .call(
                Method::POST,
                "/messages",
                &[("chat_id", chat_id.to_string())],
                Some(&body),
                self.timeout,
            )
            .await?;
        Ok(sent.message)
    }

    /// `PUT /messages?message_id=`: replaces a message's text (attachments kept when absent).
    pub async fn edit(&self, max_mid: &str, body: &NewMessageBody) -> Result<(), MaxError> {
        let body = serde_json::to_value(body).map_err(|e| MaxError::Config(e.to_string()))?;
        let _: SimpleQueryResult = self
            .call(
                Method::PUT,
                "/messages",
                &[("message_id", max_mid.to_owned())],
                Some(&body),
                self.timeout,
            )
            .await?;
        Ok(())
    }

    /// `DELETE /messages?message_id=`.
    pub async fn delete(&self, max_mid: &str) -> Result<(), MaxError> {
        let _: SimpleQueryResult = self
            .call(
                Method::DELETE,
                "/messages",
                &[("message_id", max_mid.to_owned())],
                None,
                self.timeout,
            )
            .await?;
        Ok(())
    }

    /// `GET /messages?chat_id=&count=`: a chat's newest messages, newest first.
    pub async fn recent(&self, chat_id: i64, count: u32) -> Result<Vec<Message>, MaxError> {
        let list: MessageList = self
            .get(
                "/messages",
                &[
                    ("chat_id", chat_id.to_string()),
                    ("count", count.clamp(1, 100).to_string()),
                ],
            )
            .await?;
        Ok(list.messages)
    }

    /// `GET /updates`: waits up to `timeout_s` for updates after `marker`. Each update is
    /// returned as MAX sent it, so one this server cannot read does not lose the page.
    pub async fn updates(
        &self,
        marker: Option<i64>,
        timeout_s: u32,
        types: &[&str],
    ) -> Result<RawUpdates, MaxError> {
        let mut query = vec![
            ("limit", "100".to_owned()),
            ("timeout", timeout_s.min(90).to_string()),
            ("types", types.join(",")),
        ];
        if let Some(marker) = marker {
            query.push(("marker", marker.to_string()));
        }
        let wait = Duration::from_secs(u64::from(timeout_s.min(90)));
        self.call(Method::GET, "/updates", &query, None, wait + POLL_GRACE)
            .await
    }

    /// `GET /subscriptions`: the webhook URLs MAX delivers to.
    pub async fn subscriptions(&self) -> Result<Vec<String>, MaxError> {
        #[derive(Deserialize)]
        struct Subscription {
            url: String,
        }
        #[derive(Deserialize)]
        struct Subscriptions {
            subscriptions: Vec<Subscription>,
        }
        let list: Subscriptions = self.get("/subscriptions", &[]).await?;
        Ok(list.subscriptions.into_iter().map(|s| s.url).collect())
    }

    /// `POST /subscriptions`: asks MAX to deliver `types` to `url` with `secret` in the
    /// `X-Max-Bot-Api-Secret` header.
    pub async fn subscribe(&self, url: &str, secret: &str, types: &[&str]) -> Result<(), MaxError> {
        let body = serde_json::json!({"url": url, "secret": secret, "update_types": types});
        let answer: SimpleQueryResult = self
            .call(
                Method::POST,
                "/subscriptions",
                &[],
                Some(&body),
                self.timeout,
            )
            .await?;
        if answer.success {
            Ok(())
        } else {
            Err(MaxError::Refused {
                status: 200,
                code: "subscribe".into(),
                message: answer.message.unwrap_or_default(),
            })
        }
    }

    /// `DELETE /subscriptions?url=`.
    pub async fn unsubscribe(&self, url: &str) -> Result<(), MaxError> {
        let _: SimpleQueryResult = self
            .call(
                Method::DELETE,
                "/subscriptions",
                &[("url", url.to_owned())],
                None,
                self.timeout,
            )
            .await?;
        Ok(())
    }

    /// `POST /uploads?type=` and the upload itself (one multipart request): what a message
    /// attaches. Images come back as `photos`, everything else as a `token`.
    pub async fn upload(
        &self,
        kind: &str,
        filename: &str,
        bytes: Vec<u8>,
    ) -> Result<Attachment, MaxError> {
        let endpoint: parta_model::max::UploadEndpoint = self
            .call(
                Method::POST,
                "/uploads",
                &[("type", kind.to_owned())],
                None,
                self.timeout,
            )
            .await?;
        let part = reqwest::multipart::Part::bytes(bytes).file_name(filename.to_owned());
        let form = reqwest::multipart::Form::new().part("data", part);
        // The upload URL is MAX's file service: it takes no token in a header.
        let response = self
            .http
            .post(&endpoint.url)
            .timeout(TRANSFER_TIMEOUT)
            .multipart(form)
            .send()
            .await
            .map_err(|e| MaxError::Unreachable(e.to_string()))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| MaxError::Unreachable(e.to_string()))?;
        if !status.is_success() {
            return Err(MaxError::Refused {
                status: status.as_u16(),
                code: "upload".into(),
                message: String::from_utf8_lossy(&bytes).chars().take(200).collect(),
            });
        }
        let uploaded: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| MaxError::Unreadable(e.to_string()))?;
        let payload = if kind == "image" && uploaded.get("photos").is_some() {
            serde_json::json!({"photos": uploaded["photos"]})
        } else {
            // Video and audio tokens come with the upload URL; files and the rest after it.
            let token = endpoint
                .token
                .or_else(|| uploaded["token"].as_str().map(str::to_owned))
                .ok_or_else(|| MaxError::Unreadable("the upload gave no token".into()))?;
            serde_json::json!({"token": token})
        };
        Ok(Attachment {
            kind: kind.to_owned(),
            payload: Some(payload),
            filename: None,
            size: None,
        })
    }

    /// Downloads a file MAX links to (a URL of MAX's file service, which takes no token), at
    /// most `limit` bytes; `None` if it is larger.
    pub async fn download(&self, url: &str, limit: u64) -> Result<Option<Vec<u8>>, MaxError> {
        let mut response = self
            .http
            .get(url)
            .timeout(TRANSFER_TIMEOUT)
            .send()
            .await
            .map_err(|e| MaxError::Unreachable(e.to_string()))?;
        if !response.status().is_success() {
            return Err(MaxError::Refused {
                status: response.status().as_u16(),
                code: "download".into(),
                message: "MAX's file service refused the file".into(),
            });
        }
        if response.content_length().is_some_and(|n| n > limit) {
            return Ok(None);
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| MaxError::Unreachable(e.to_string()))?
        {
            bytes.extend_from_slice(&chunk);
            if bytes.len() as u64 > limit {
                return Ok(None);
            }
        }
        Ok(Some(bytes))
    }

    /// `POST /answers?callback_id=`: a one-time notification to whoever pressed a button.
    pub async fn answer(&self, callback_id: &str, notification: &str) -> Result<(), MaxError> {
        let body = serde_json::json!({"notification": notification});
        let _: SimpleQueryResult = self
            .call(
                Method::POST,
                "/answers",
                &[("callback_id", callback_id.to_owned())],
                Some(&body),
                self.timeout,
            )
            .await?;
        Ok(())
    }
}

/// A page of `GET /updates`, each update as MAX sent it.
#[derive(Debug, Clone, Deserialize)]
pub struct RawUpdates {
    pub updates: Vec<serde_json::Value>,
    #[serde(default)]
    pub marker: Option<i64>,
}
