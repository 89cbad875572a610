//! One server per test: a real SQLite file in a temporary folder, HTTP on loopback.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use parta_model::max::{ApiError, ChatList, MessageList};
use parta_server::ratelimit::RateLimits;
use parta_server::{Clock, RunningServer, ServerConfig};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// A clock the test moves by hand (invite expiry without sleeping).
#[derive(Debug)]
pub struct TestClock(AtomicI64);

impl TestClock {
    /// Starts at the real time, so the demo's "minutes ago" still read naturally.
    pub fn new() -> Arc<Self> {
        Arc::new(Self(AtomicI64::new(parta_server::SystemClock.now_ms())))
    }

    pub fn advance_hours(&self, hours: i64) {
        self.0.fetch_add(hours * 3_600_000, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

pub struct Fixture {
    _dir: tempfile::TempDir,
    pub server: RunningServer,
    pub http: reqwest::Client,
}

impl Fixture {
    pub async fn new() -> Self {
        Self::with_clock(Arc::new(parta_server::SystemClock)).await
    }

    /// The demo school on a server whose time is `clock`.
    pub async fn with_clock(clock: Arc<dyn Clock>) -> Self {
        Self::start(clock, RateLimits::default()).await
    }

    /// The demo school with the given time and request limits.
    pub async fn start(clock: Arc<dyn Clock>, limits: RateLimits) -> Self {
        Self::configured(clock, limits, parta_policy::Policy::default()).await
    }

    /// The demo school under a given school policy.
    pub async fn with_policy(policy: parta_policy::Policy) -> Self {
        Self::configured(
            Arc::new(parta_server::SystemClock),
            RateLimits::default(),
            policy,
        )
        .await
    }

    async fn configured(
        clock: Arc<dyn Clock>,
        limits: RateLimits,
        policy: parta_policy::Policy,
    ) -> Self {
        Self::edited(clock, |config| ServerConfig {
            limits,
            policy,
            ..config
        })
        .await
    }

    /// The demo school on a port of its own, with the settings `edit` makes of the usual ones.
    pub async fn edited(
        clock: Arc<dyn Clock>,
        edit: impl FnOnce(ServerConfig) -> ServerConfig,
    ) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config =
            ServerConfig::demo(dir.path().join("school.sqlite"), ([127, 0, 0, 1], 0).into());
        let server = parta_server::start_with_clock(edit(config), clock)
            .await
            .unwrap();
        Self {
            _dir: dir,
            server,
            http: reqwest::Client::new(),
        }
    }

    /// Sends `method path` with an optional token and JSON body; returns the status and the
    /// JSON answer (`Value::Null` for an empty body).
    pub async fn call(
        &self,
        method: Method,
        token: Option<&str>,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.server.url()));
        if let Some(token) = token {
            request = request.header("Authorization", token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}"))
        };
        (status, value)
    }

    /// [`Fixture::call`] that must succeed with 2xx; returns the JSON answer.
    pub async fn ok(&self, method: Method, token: &str, path: &str, body: Option<Value>) -> Value {
        let (status, value) = self.call(method.clone(), Some(token), path, body).await;
        assert!(status.is_success(), "{method} {path}: {status} {value}");
        value
    }

    /// `GET path` as the device with `token`: the status and the JSON answer.
    pub async fn get_as(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, Some(token), path, None).await
    }

    /// `DELETE path` as the device with `token`: the status and the JSON answer.
    pub async fn delete_as(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, Some(token), path, None).await
    }

    /// `method path` with a JSON `body` as the device with `token`.
    pub async fn send_as(
        &self,
        method: Method,
        token: &str,
        path: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        self.call(method, Some(token), path, Some(body)).await
    }

    /// `GET path` that must succeed; the JSON answer.
    pub async fn ok_get(&self, token: &str, path: &str) -> Value {
        self.ok(Method::GET, token, path, None).await
    }

    /// `DELETE path` that must succeed; the JSON answer.
    pub async fn ok_delete(&self, token: &str, path: &str) -> Value {
        self.ok(Method::DELETE, token, path, None).await
    }

    /// `POST path` with no body that must succeed; the JSON answer.
    pub async fn ok_post(&self, token: &str, path: &str) -> Value {
        self.ok(Method::POST, token, path, None).await
    }

    /// `method path` with a JSON `body` that must succeed; the JSON answer.
    pub async fn ok_send(&self, method: Method, token: &str, path: &str, body: Value) -> Value {
        self.ok(method, token, path, Some(body)).await
    }

    /// Creates a person with `role` directly in the database and returns a device token.
    pub async fn person(&self, username: &str, first_name: &str, role: &str) -> String {
        sqlx::query(
            "INSERT INTO users (first_name, username, role, created_at) VALUES (?, ?, ?, 0)",
        )
        .bind(first_name)
        .bind(username)
        .bind(role)
        .execute(self.server.pool())
        .await
        .unwrap();
        self.token(username).await
    }

    pub async fn token(&self, username: &str) -> String {
        parta_server::demo::issue_token(self.server.school(), username, "t")
            .await
            .unwrap()
            .into_inner()
    }

    /// The user id behind `token` (`GET /me`).
    pub async fn user_id(&self, token: &str) -> i64 {
        self.ok_get(token, "/me").await["user_id"].as_i64().unwrap()
    }

    pub fn get(&self, token: &str, path: &str) -> reqwest::RequestBuilder {
        self.http
            .get(format!("{}{path}", self.server.url()))
            .header("Authorization", token)
    }

    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, token: &str, path: &str) -> T {
        self.get(token, path)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub fn post(&self, token: &str, path: &str) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.server.url()))
            .header("Authorization", token)
    }

    pub async fn chat_id(&self, token: &str, title: &str) -> i64 {
        let list: ChatList = self
            .get(token, "/chats")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        list.chats
            .iter()
            .find(|c| c.title.as_deref() == Some(title))
            .unwrap()
            .chat_id
    }

    pub async fn message_count(&self, token: &str, chat_id: i64) -> usize {
        let list: MessageList = self
            .get(token, &format!("/messages?chat_id={chat_id}&count=100"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        list.messages.len()
    }
}

pub async fn error_of(response: reqwest::Response, status: StatusCode) -> ApiError {
    assert_eq!(response.status(), status);
    response
        .json::<ApiError>()
        .await
        .expect("a MAX-shaped {code, message} body")
}

/// The demo school's people the tests act as, by login.
pub mod logins {
    pub const ADMIN: &str = "i.kuznetsova";
    pub const TEACHER_5A: &str = "a.sokolova";
    pub const PARENT_5A: &str = "e.morozova";
    pub const OTHER_PARENT_5A: &str = "o.smirnov";
    pub const PARENT_7B: &str = "n.orlova";
    /// A pupil of 5А, whose parent is [`PARENT_5A`].
    pub const PUPIL_5A: &str = "a.morozov";
}
