//! One server per test: a real SQLite file in a temporary folder, HTTP on loopback.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use parta_model::max::{ApiError, ChatList, MessageList};
use parta_server::ratelimit::RateLimits;
use parta_server::{Clock, Database, RunningServer, ServerConfig};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

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

/// A new, empty database on the test's PostgreSQL server (`scripts/with-postgres.sh` starts
/// one and names it in `PARTA_TEST_POSTGRES`), by URL.
pub async fn postgres_database() -> String {
    use sqlx::Connection;
    static NEXT: AtomicI64 = AtomicI64::new(0);
    let Ok(admin) = std::env::var("PARTA_TEST_POSTGRES") else {
        panic!(
            "PARTA_TEST_POSTGRES is not set: run the tests under scripts/with-postgres.sh, \
             which starts a throwaway PostgreSQL server (scripts/test.sh does)"
        );
    };
    let name = format!(
        "school_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    );
    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .unwrap();
    let (server, _) = admin.rsplit_once('/').unwrap();
    format!("{server}/{name}")
}

/// The test's S3-compatible object store (`scripts/with-s3.sh` starts Garage and names it in
/// `PARTA_TEST_S3_*`).
pub fn s3_config() -> parta_server::filestore::S3Config {
    let var = |key: &str| {
        std::env::var(key).unwrap_or_else(|_| {
            panic!(
                "{key} is not set: run the tests under scripts/with-s3.sh, which starts a \
                 throwaway Garage object store (scripts/test.sh does)"
            )
        })
    };
    parta_server::filestore::S3Config {
        endpoint: var("PARTA_TEST_S3_ENDPOINT"),
        bucket: var("PARTA_TEST_S3_BUCKET"),
        region: var("PARTA_TEST_S3_REGION"),
        access_key_id: var("PARTA_TEST_S3_KEY_ID"),
        secret_access_key: var("PARTA_TEST_S3_SECRET"),
    }
}

/// A value for a `?` of a statement run through [`Sql`].
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Int(i64),
    Text(&'a str),
}

/// Statements written with SQLite's `?`, run on the server's SQLite or PostgreSQL database.
pub struct Sql<'a>(&'a Database);

/// Builds `$query` on the SQL as each backend reads it, binds `$args`, and runs `$fetch`.
macro_rules! on_either {
    ($db:expr, $sql:expr, $args:expr, |$s:ident| $query:expr, $fetch:ident) => {
        on_either!($db, $sql, $args, |$s| $query, $fetch, |out| out)
    };
    ($db:expr, $sql:expr, $args:expr, |$s:ident| $query:expr, $fetch:ident, |$out:ident| $then:expr) => {
        match $db {
            Database::Sqlite(pool) => {
                let $s = sqlx::AssertSqlSafe($sql.to_owned());
                let mut q = $query;
                for arg in $args {
                    q = match *arg {
                        Arg::Int(v) => q.bind(v),
                        Arg::Text(t) => q.bind(t.to_owned()),
                    };
                }
                let $out = q.$fetch(pool).await.unwrap();
                $then
            }
            Database::Postgres(pool) => {
                let $s = sqlx::AssertSqlSafe(dollar_placeholders($sql));
                let mut q = $query;
                for arg in $args {
                    q = match *arg {
                        Arg::Int(v) => q.bind(v),
                        Arg::Text(t) => q.bind(t.to_owned()),
                    };
                }
                let $out = q.$fetch(pool).await.unwrap();
                $then
            }
        }
    };
}

/// `?` as PostgreSQL's `$1`, `$2`, … (the tests' statements have no `?` inside quotes).
fn dollar_placeholders(sql: &str) -> String {
    let mut n = 0;
    sql.chars()
        .map(|c| match c {
            '?' => {
                n += 1;
                format!("${n}")
            }
            c => c.to_string(),
        })
        .collect()
}

impl Sql<'_> {
    /// Runs a statement that returns no rows.
    pub async fn run(&self, sql: &str, args: &[Arg<'_>]) {
        on_either!(self.0, sql, args, |s| sqlx::query(s), execute, |done| {
            let _ = done.rows_affected();
        });
    }

    /// The first column of the one row, a number.
    pub async fn int(&self, sql: &str, args: &[Arg<'_>]) -> i64 {
        on_either!(
            self.0,
            sql,
            args,
            |s| sqlx::query_scalar::<_, i64>(s),
            fetch_one
        )
    }

    /// The first column of every row, as text.
    pub async fn texts(&self, sql: &str, args: &[Arg<'_>]) -> Vec<String> {
        on_either!(
            self.0,
            sql,
            args,
            |s| sqlx::query_scalar::<_, String>(s),
            fetch_all
        )
    }

    /// The first column of the one row, as bytes.
    pub async fn bytes(&self, sql: &str, args: &[Arg<'_>]) -> Vec<u8> {
        on_either!(
            self.0,
            sql,
            args,
            |s| sqlx::query_scalar::<_, Vec<u8>>(s),
            fetch_one
        )
    }

    /// Every row as a number and a text.
    pub async fn int_texts(&self, sql: &str, args: &[Arg<'_>]) -> Vec<(i64, String)> {
        on_either!(
            self.0,
            sql,
            args,
            |s| sqlx::query_as::<_, (i64, String)>(s),
            fetch_all
        )
    }
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
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
        let mut config =
            ServerConfig::demo(dir.path().join("school.sqlite"), ([127, 0, 0, 1], 0).into());
        // The whole suite runs a second time with every school on PostgreSQL (scripts/test.sh).
        if std::env::var("PARTA_TEST_STORE").as_deref() == Ok("postgres") {
            config.postgres = Some(postgres_database().await);
        }
        // ... and with every file in the object store.
        if std::env::var("PARTA_TEST_FILES").as_deref() == Ok("s3") {
            config.s3 = Some(s3_config());
        }
        let server = parta_server::start_with_clock(edit(config), clock)
            .await
            .unwrap();
        Self {
            dir,
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

    /// `POST /school/login` with `login` and `password` from a device named "x": the status and
    /// the JSON answer.
    pub async fn login(&self, login: &str, password: &str) -> (StatusCode, Value) {
        let body = json!({"login": login, "password": password, "device_name": "x"});
        self.call(Method::POST, None, "/school/login", Some(body))
            .await
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
        self.sql()
            .run(
                "INSERT INTO users (first_name, username, role, created_at) VALUES (?, ?, ?, 0)",
                &[Arg::Text(first_name), Arg::Text(username), Arg::Text(role)],
            )
            .await;
        self.token(username).await
    }

    /// The server's database, whichever it is, for tests that look at it directly.
    pub fn sql(&self) -> Sql<'_> {
        Sql(self.server.database())
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
