//! The MAX Bot API client. It speaks to parta-server and to MAX itself; MAX's JSON stays here
//! and is converted into the cache's types by [`crate::store`] conversions.

use std::time::Duration;

use parta_model::max::{
    ActionRequestBody, ApiError, BotInfo, Chat, ChatList, ChatMember, ChatMembersList, MessageList,
    NewMessageBody, SendMessageResult, SenderAction, SimpleQueryResult, UpdateList, UploadEndpoint,
    UploadStatus,
};
use parta_model::school::{
    AnnouncementList, ClassList, CreatedInvite, NewInvite, Person, Receipts, Role, Success,
};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::secrets::Sensitive;

/// How long to wait for a TCP connection before calling the server unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How often one request is repeated after a 429 before the error reaches the caller.
const RATE_LIMIT_RETRIES: u32 = 5;
/// Timeout of ordinary requests; long polls add their own wait to it.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// Timeout of one upload request (a whole small file, or one chunk of a large one).
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(120);

/// A client for one server and one token.
#[derive(Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base: String,
    token: Sensitive<String>,
    /// How long an ordinary request may take (long polls add their wait).
    pub(crate) timeout: Duration,
}

impl std::fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

fn transport(e: reqwest::Error) -> Error {
    if is_untrusted_certificate(&e) {
        Error::UntrustedCertificate
    } else if e.is_connect() || e.is_timeout() || e.is_request() {
        // Strip the URL: it is harmless, but errors should read the same on every machine.
        Error::Offline(e.without_url().to_string())
    } else if e.is_decode() {
        Error::Protocol(e.without_url().to_string())
    } else {
        Error::Offline(e.without_url().to_string())
    }
}

/// Whether `e` is rustls refusing the server's certificate. rustls's error sits inside
/// `io::Error`s (two, today), whose `source()` skips what they wrap, so each is opened by hand.
fn is_untrusted_certificate(e: &reqwest::Error) -> bool {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = next {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return matches!(tls, rustls::Error::InvalidCertificate(_));
        }
        next = match err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    false
}

impl ApiClient {
    /// A client for `base_url` (e.g. `http://127.0.0.1:8080` or `https://platform-api2.max.ru`).
    pub fn new(base_url: &str, token: Sensitive<String>) -> Result<Self> {
        Self::with_root(base_url, token, None)
    }

    /// A client that also trusts `extra_root_pem` (PEM certificates) besides the system's
    /// roots: MAX's TLS chain ends at the Russian Ministry of Digital Development's root.
    pub fn with_root(
        base_url: &str,
        token: Sensitive<String>,
        extra_root_pem: Option<&str>,
    ) -> Result<Self> {
        let (http, base) = http_client_with_root(base_url, extra_root_pem)?;
        Ok(Self {
            http,
            base,
            token,
            timeout: REQUEST_TIMEOUT,
        })
    }

    /// The same client, giving up on an ordinary request after `timeout` instead of 20 s (a
    /// half-open connection is only noticed by this timeout).
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub(crate) fn request(
        &self,
        method: Method,
        path: &str,
        timeout: Duration,
    ) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{}", self.base, path))
            // MAX wants the raw token, without "Bearer".
            .header(reqwest::header::AUTHORIZATION, self.token.expose().as_str())
            .timeout(timeout)
    }

    /// Sends, and when the server says it is busy (429), waits as its `Retry-After` asks and
    /// sends the same request again, a few times: a sync of many chats must make progress under
    /// a rate limit instead of starting over and hitting it again at the same place.
    pub(crate) async fn send<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T> {
        let mut tries = 0;
        loop {
            let attempt = request
                .try_clone()
                .ok_or_else(|| Error::Protocol("a request that cannot be repeated".into()))?;
            match send_request(attempt).await {
                Err(Error::RateLimited { retry_after }) if tries < RATE_LIMIT_RETRIES => {
                    tries += 1;
                    tokio::time::sleep(retry_after).await;
                }
                other => return other,
            }
        }
    }

    /// `POST /uploads?type=`: where to send a file of that type.
    pub async fn create_upload(&self, kind: &str) -> Result<UploadEndpoint> {
        let request = self
            .request(Method::POST, "/uploads", self.timeout)
            .query(&[("type", kind)]);
        self.send(request).await
    }

    /// Where an upload stands. Upload URLs are capabilities and may point at another host (as
    /// MAX's do): the token never goes there.
    pub async fn upload_status(&self, url: &str) -> Result<UploadStatus> {
        self.send(self.http.get(url).timeout(self.timeout)).await
    }

    /// Uploads a small file in one `multipart/form-data` request (field `data`).
    pub async fn upload_whole(
        &self,
        url: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> Result<UploadStatus> {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
        let form = reqwest::multipart::Form::new().part("data", part);
        // A multipart body cannot be cloned, so no 429 repeat here: the outbox retries.
        send_request(
            self.http
                .post(url)
                .multipart(form)
                .timeout(TRANSFER_TIMEOUT),
        )
        .await
    }

    /// Uploads bytes `start..start + bytes.len()` of a `total`-byte file, resumably.
    pub async fn upload_chunk(
        &self,
        url: &str,
        name: &str,
        start: u64,
        bytes: Vec<u8>,
        total: u64,
    ) -> Result<UploadStatus> {
        let end = start + (bytes.len() as u64).saturating_sub(1);
        let request = self
            .http
            .post(url)
            .query(&[("filename", name)])
            .header(
                reqwest::header::CONTENT_RANGE,
                format!("bytes {start}-{end}/{total}"),
            )
            .body(bytes)
            .timeout(TRANSFER_TIMEOUT);
        self.send(request).await
    }

    /// `GET /files/{token}` from byte `from` on. The answer is checked: 206 resumes, 200 is the
    /// whole file (the server ignored the range), anything else is an error.
    pub async fn download(&self, token: &str, from: u64) -> Result<reqwest::Response> {
        let mut request = self.request(
            Method::GET,
            &format!("/files/{}", percent_path(token)),
            TRANSFER_TIMEOUT,
        );
        if from > 0 {
            request = request.header(reqwest::header::RANGE, format!("bytes={from}-"));
        }
        let response = request.send().await.map_err(transport)?;
        match response.status() {
            StatusCode::OK | StatusCode::PARTIAL_CONTENT => Ok(response),
            StatusCode::UNAUTHORIZED => Err(Error::Unauthorized),
            status => {
                let bytes = response.bytes().await.map_err(transport)?;
                let message = serde_json::from_slice::<ApiError>(&bytes)
                    .map(|e| e.message)
                    .unwrap_or_else(|_| status.canonical_reason().unwrap_or("error").into());
                Err(Error::Server {
                    status: status.as_u16(),
                    code: "download".into(),
                    message,
                })
            }
        }
    }

    /// `GET /me`.
    pub async fn me(&self) -> Result<BotInfo> {
        self.send(self.request(Method::GET, "/me", self.timeout))
            .await
    }

    /// `GET /chats`: one page.
    pub async fn chats_page(&self, marker: Option<i64>) -> Result<ChatList> {
        let mut request = self
            .request(Method::GET, "/chats", self.timeout)
            .query(&[("count", 100)]);
        if let Some(marker) = marker {
            request = request.query(&[("marker", marker)]);
        }
        self.send(request).await
    }

    /// Every chat, following the pagination markers.
    pub async fn all_chats(&self) -> Result<Vec<Chat>> {
        let mut chats = Vec::new();
        let mut marker = None;
        loop {
            let page = self.chats_page(marker).await?;
            chats.extend(page.chats);
            match page.marker {
                Some(next) if Some(next) != marker => marker = Some(next),
                _ => return Ok(chats),
            }
        }
    }

    /// `GET /chats/{id}` (includes the pinned message).
    pub async fn chat(&self, chat_id: i64) -> Result<Chat> {
        self.send(self.request(Method::GET, &format!("/chats/{chat_id}"), self.timeout))
            .await
    }

    /// `POST /school/dialogs`: the private conversation with one person, made if one may
    /// start it.
    pub async fn open_dialog(&self, user_id: i64) -> Result<Chat> {
        let request = self
            .request(Method::POST, "/school/dialogs", self.timeout)
            .json(&parta_model::school::NewDialog { user_id });
        self.send(request).await
    }

    /// `GET /chats/{id}/members/me`: whether this person administers the chat.
    pub async fn is_chat_admin(&self, chat_id: i64) -> Result<bool> {
        let path = format!("/chats/{chat_id}/members/me");
        let me: ChatMember = self
            .send(self.request(Method::GET, &path, self.timeout))
            .await?;
        Ok(me.is_admin)
    }

    /// `PUT /chats/{id}/pin` with a message, `DELETE` without: pins or unpins.
    pub async fn pin(&self, chat_id: i64, mid: Option<&str>) -> Result<()> {
        let path = format!("/chats/{chat_id}/pin");
        let request = match mid {
            Some(mid) => self.request(Method::PUT, &path, self.timeout).json(
                &parta_model::max::PinMessageBody {
                    message_id: mid.to_owned(),
                    notify: None,
                },
            ),
            None => self.request(Method::DELETE, &path, self.timeout),
        };
        let _: SimpleQueryResult = self.send(request).await?;
        Ok(())
    }

    /// `GET /messages`: up to `count` messages of a chat, newest first, not newer than `from`.
    pub async fn messages(
        &self,
        chat_id: i64,
        count: u8,
        from: Option<i64>,
    ) -> Result<MessageList> {
        let mut request = self
            .request(Method::GET, "/messages", self.timeout)
            .query(&[("chat_id", chat_id), ("count", i64::from(count))]);
        if let Some(from) = from {
            request = request.query(&[("from", from)]);
        }
        self.send(request).await
    }

    /// `POST /messages?chat_id=` with Parta's `Idempotency-Key` so a retry cannot duplicate.
    pub async fn send_message(
        &self,
        chat_id: i64,
        body: &NewMessageBody,
        idempotency_key: &str,
    ) -> Result<SendMessageResult> {
        let request = self
            .request(Method::POST, "/messages", self.timeout)
            .query(&[("chat_id", chat_id)])
            .header("Idempotency-Key", idempotency_key)
            .json(body);
        self.send(request).await
    }

    /// `POST /school/announcements?chat_id=&ack=`: sends an announcement (staff), asking its
    /// readers to acknowledge it or only informing them. The key makes a retry return the
    /// first announcement.
    pub async fn post_announcement(
        &self,
        chat_id: i64,
        body: &NewMessageBody,
        ack_required: bool,
        idempotency_key: &str,
    ) -> Result<SendMessageResult> {
        let request = self
            .request(Method::POST, "/school/announcements", self.timeout)
            .query(&[
                ("chat_id", chat_id.to_string()),
                ("ack", ack_required.to_string()),
            ])
            .header("Idempotency-Key", idempotency_key)
            .json(body);
        self.send(request).await
    }

    /// `PUT /messages?message_id=`: replaces the text of one's own message.
    pub async fn edit_message(&self, mid: &str, body: &NewMessageBody) -> Result<()> {
        let request = self
            .request(Method::PUT, "/messages", self.timeout)
            .query(&[("message_id", mid)])
            .json(body);
        let _: SimpleQueryResult = self.send(request).await?;
        Ok(())
    }

    /// `DELETE /messages?message_id=`: deletes one's own message (or, for a chat's admins,
    /// anyone's).
    pub async fn delete_message(&self, mid: &str) -> Result<()> {
        let request = self
            .request(Method::DELETE, "/messages", self.timeout)
            .query(&[("message_id", mid)]);
        let _: SimpleQueryResult = self.send(request).await?;
        Ok(())
    }

    /// Every member of a chat (`GET /chats/{id}/members`, following its markers).
    pub async fn members(&self, chat_id: i64) -> Result<Vec<ChatMember>> {
        let mut all = Vec::new();
        let mut marker: Option<i64> = None;
        loop {
            let mut request = self
                .request(
                    Method::GET,
                    &format!("/chats/{chat_id}/members"),
                    self.timeout,
                )
                .query(&[("count", 100)]);
            if let Some(m) = marker {
                request = request.query(&[("marker", m)]);
            }
            let page: ChatMembersList = self.send(request).await?;
            let empty = page.members.is_empty();
            all.extend(page.members);
            match page.marker {
                Some(next) if !empty && Some(next) != marker => marker = Some(next),
                _ => return Ok(all),
            }
        }
    }

    /// `POST /chats/{id}/actions` with `mark_seen`: the server records the chat as read.
    pub async fn mark_seen(&self, chat_id: i64) -> Result<()> {
        let request = self
            .request(
                Method::POST,
                &format!("/chats/{chat_id}/actions"),
                self.timeout,
            )
            .json(&ActionRequestBody {
                action: SenderAction::MarkSeen,
            });
        let _: SimpleQueryResult = self.send(request).await?;
        Ok(())
    }

    /// `GET /school/announcements`: the announcements of one's chats, newest first, each with
    /// whether it asks for acknowledgement and whether one gave it.
    pub async fn announcement_list(&self) -> Result<Vec<parta_model::school::Announcement>> {
        let request = self
            .request(Method::GET, "/school/announcements", self.timeout)
            .query(&[("count", 100)]);
        let list: AnnouncementList = self.send(request).await?;
        Ok(list.announcements)
    }

    /// `GET /school/lessons?from=&to=`: the lessons one reads that start in `[from, to)`.
    pub async fn lessons(&self, from: i64, to: i64) -> Result<Vec<parta_model::lessons::Lesson>> {
        let request = self
            .request(Method::GET, "/school/lessons", self.timeout)
            .query(&[("from", from), ("to", to)]);
        let list: parta_model::lessons::LessonList = self.send(request).await?;
        Ok(list.lessons)
    }

    /// `GET /school/lessons/{id}/recording`: whether it may be recorded.
    pub async fn lesson_recording(&self, id: i64) -> Result<parta_model::lessons::RecordingStatus> {
        let request = self.request(
            Method::GET,
            &format!("/school/lessons/{id}/recording"),
            self.timeout,
        );
        self.send(request).await
    }

    /// `PUT /school/lessons/{id}/consent`: a parent's answer about recording.
    pub async fn answer_lesson_consent(
        &self,
        id: i64,
        consent: bool,
    ) -> Result<parta_model::lessons::RecordingStatus> {
        let request = self
            .request(
                Method::PUT,
                &format!("/school/lessons/{id}/consent"),
                self.timeout,
            )
            .json(&parta_model::lessons::ConsentAnswer { consent });
        self.send(request).await
    }

    /// `PUT /school/lessons/{id}/presence`: one joined or left the lesson.
    pub async fn lesson_presence(
        &self,
        id: i64,
        present: bool,
    ) -> Result<parta_model::lessons::RecordingStatus> {
        let request = self
            .request(
                Method::PUT,
                &format!("/school/lessons/{id}/presence"),
                self.timeout,
            )
            .json(&parta_model::lessons::Presence {
                present,
                user_id: None,
            });
        self.send(request).await
    }

    /// `PUT /school/lessons/{id}/recording`: the teacher starts or stops the recording.
    pub async fn switch_lesson_recording(
        &self,
        id: i64,
        recording: bool,
    ) -> Result<parta_model::lessons::RecordingStatus> {
        let request = self
            .request(
                Method::PUT,
                &format!("/school/lessons/{id}/recording"),
                self.timeout,
            )
            .json(&parta_model::lessons::RecordingSwitch { recording });
        self.send(request).await
    }

    /// `GET /school/lessons/{id}`.
    pub async fn lesson(&self, id: i64) -> Result<parta_model::lessons::Lesson> {
        let request = self.request(Method::GET, &format!("/school/lessons/{id}"), self.timeout);
        self.send(request).await
    }

    /// `PATCH /school/lessons/{id}`.
    pub async fn change_lesson(
        &self,
        id: i64,
        patch: &parta_model::lessons::LessonPatch,
    ) -> Result<parta_model::lessons::Lesson> {
        let request = self
            .request(
                Method::PATCH,
                &format!("/school/lessons/{id}"),
                self.timeout,
            )
            .json(patch);
        self.send(request).await
    }

    /// `POST /school/announcements/{mid}/ack`: "Ознакомлен".
    pub async fn acknowledge(&self, mid: &str) -> Result<()> {
        let request = self.request(
            Method::POST,
            &format!("/school/announcements/{}/ack", path_segment(mid)),
            self.timeout,
        );
        let _: Success = self.send(request).await?;
        Ok(())
    }

    /// `GET /school/announcements/{mid}/receipts`: names of who acknowledged, only read, or
    /// neither (for the author and the chat's admins).
    pub async fn receipts(&self, mid: &str) -> Result<(Vec<String>, Vec<String>, Vec<String>)> {
        let request = self.request(
            Method::GET,
            &format!("/school/announcements/{}/receipts", path_segment(mid)),
            self.timeout,
        );
        let receipts: Receipts = self.send(request).await?;
        let names = |people: Vec<Person>| people.into_iter().map(|p| p.name).collect();
        Ok((
            names(receipts.acknowledged),
            names(receipts.read),
            names(receipts.pending),
        ))
    }

    /// `GET /school/classes`: `(id, name)` of the classes one may see.
    pub async fn classes(&self) -> Result<Vec<(i64, String)>> {
        let request = self.request(Method::GET, "/school/classes", self.timeout);
        let list: ClassList = self.send(request).await?;
        Ok(list.classes.into_iter().map(|c| (c.id, c.name)).collect())
    }

    /// `POST /school/invites`: an invitation; returns its link (shown this once).
    pub async fn create_invite(
        &self,
        role: &str,
        class_id: Option<i64>,
        child_name: Option<&str>,
        note: Option<&str>,
    ) -> Result<String> {
        let role = Role::from_name(role)
            .ok_or_else(|| Error::InvalidInput(format!("there is no role '{role}'")))?;
        let request = self
            .request(Method::POST, "/school/invites", self.timeout)
            .json(&NewInvite {
                role,
                class_id,
                child_name: child_name.map(str::to_owned),
                // A pupil's invite names their parent: made in the app's Управление.
                parent_id: None,
                note: note.map(str::to_owned),
                expires_in_hours: None,
                max_uses: None,
            });
        let created: CreatedInvite = self.send(request).await?;
        Ok(created.link)
    }

    /// `GET /updates`: waits up to `timeout` for updates after `marker`.
    pub async fn updates(
        &self,
        marker: Option<i64>,
        timeout: Duration,
        limit: u16,
        types: Option<&[String]>,
    ) -> Result<UpdateList> {
        let mut request = self
            .request(Method::GET, "/updates", self.timeout + timeout)
            .query(&[("timeout", timeout.as_secs()), ("limit", u64::from(limit))]);
        if let Some(types) = types {
            request = request.query(&[("types", types.join(","))]);
        }
        if let Some(marker) = marker {
            request = request.query(&[("marker", marker)]);
        }
        self.send(request).await
    }
}

/// A message id as one path segment: anything but unreserved characters is percent-encoded, so
/// an id can never step out of its place in the path.
fn path_segment(id: &str) -> String {
    id.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// An HTTP client for `base_url`, and the base without a trailing slash.
/// A token as one path segment: letters, digits, `-`, `_`, `.` stay; the rest is escaped.
fn percent_path(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) fn http_client_with_root(
    base_url: &str,
    extra_root_pem: Option<&str>,
) -> Result<(reqwest::Client, String)> {
    let base = base_url.trim_end_matches('/').to_owned();
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        return Err(Error::InvalidInput(format!(
            "'{base_url}' is not an http(s) address"
        )));
    }
    if parta_model::address::is_plain_http_elsewhere(&base) {
        return Err(Error::Insecure(base));
    }
    let mut builder = reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .user_agent(concat!("parta/", env!("CARGO_PKG_VERSION")));
    if let Some(pem) = extra_root_pem {
        let certificates = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
            .ok()
            .filter(|c| !c.is_empty())
            .ok_or(Error::BadCertificate)?;
        builder = builder.tls_certs_merge(certificates);
    }
    let http = builder.build().map_err(|e| {
        // reqwest says only "builder error": the reason (say, the system refusing the
        // school's root) is in its sources.
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(cause) = source {
            text.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        Error::Protocol(text)
    })?;
    Ok((http, base))
}

/// Sends a request and decodes MAX's answer: the body on success, `{code, message}` otherwise.
pub(crate) async fn send_request<T: DeserializeOwned>(
    request: reqwest::RequestBuilder,
) -> Result<T> {
    let response = request.send().await.map_err(transport)?;
    if response.status() == StatusCode::TOO_MANY_REQUESTS {
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map_or(Duration::from_secs(1), Duration::from_secs)
            // A server's number is advice, not a reason to go quiet for an hour.
            .min(Duration::from_secs(300));
        return Err(Error::RateLimited { retry_after });
    }

    let status = response.status();
    let bytes = response.bytes().await.map_err(transport)?;
    if status.is_success() {
        return serde_json::from_slice(&bytes).map_err(|e| Error::Protocol(e.to_string()));
    }
    if status == StatusCode::UNAUTHORIZED {
        return Err(Error::Unauthorized);
    }
    match serde_json::from_slice::<ApiError>(&bytes) {
        Ok(ApiError { code, message }) => Err(Error::Server {
            status: status.as_u16(),
            code,
            message,
        }),
        Err(_) => Err(Error::Server {
            status: status.as_u16(),
            code: "http".into(),
            message: status.canonical_reason().unwrap_or("error").into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_goes_only_to_this_computer() {
        for local in [
            "http://127.0.0.1:8080",
            "http://localhost:3000/",
            "http://[::1]:80",
            "http://127.0.0.2",
        ] {
            assert!(http_client_with_root(local, None).is_ok(), "{local}");
        }
        for remote in [
            "http://school.example",
            "http://10.0.0.5:8080",
            "http://127.0.0.1@evil.example",
            "http://localhost.evil.example",
        ] {
            assert!(
                matches!(http_client_with_root(remote, None), Err(Error::Insecure(_))),
                "{remote}"
            );
        }
        assert!(http_client_with_root("https://school.example", None).is_ok());
        assert_eq!(
            Error::Insecure("http://school.example".into()).to_ui().code,
            parta_model::view::UiErrorCode::InsecureAddress
        );
    }
}
