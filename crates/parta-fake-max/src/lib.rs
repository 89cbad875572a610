//! A fake of MAX's Bot API with state, for tests and benchmarks of the bridge (no real MAX is
//! reachable here). It serves the operations the bridge uses: the bot (`/me`), chats and the
//! bot's membership, messages (send, edit, delete, list), updates by long polling and by
//! webhook subscriptions (delivered with the secret header and retried until taken), and
//! answers to button presses. A test acts as MAX users through its methods.
//!
//! It checks every request it is sent (query parameters and JSON body) and every answer it gives
//! against the official schema; [`FakeMax::violations`] must stay empty. It can refuse the next
//! requests ([`Fault`]): 429 with `Retry-After`, 5xx, "away" for a while, a slow answer, or an
//! answer lost after the change was made (as a crash between MAX's answer and the bridge
//! recording it looks from outside).
//!
//! It is a test tool: it must never be a dependency of shipped code.

mod serve;
mod state;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use parta_conformance::MaxSchema;
use serde_json::{Value, json};
use tokio::sync::Notify;

use state::State;
pub use state::{FakeMessage, Subscription};

/// The bot's token the fake accepts.
pub const TOKEN: &str = "fake-max-bot-token-0123456789";
/// The bot's user id at the fake MAX.
pub const BOT_ID: i64 = 9000;

/// What the next request (of any kind, or only sends) gets instead of a normal answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 429 with `Retry-After: secs`.
    RateLimited { secs: u64 },
    /// This status with MAX's `{code, message}`, nothing done.
    Status(u16),
    /// The change is made, then the answer is lost (500): the caller cannot know it worked.
    LostAnswer,
    /// The answer comes after this long.
    Slow(Duration),
}

/// A MAX user a test acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaxUser {
    pub user_id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
}

impl MaxUser {
    pub fn new(user_id: i64, first_name: &str, last_name: Option<&str>) -> Self {
        Self {
            user_id,
            first_name: first_name.to_owned(),
            last_name: last_name.map(str::to_owned),
        }
    }

    pub(crate) fn json(&self) -> Value {
        json!({"user_id": self.user_id, "first_name": self.first_name,
               "last_name": self.last_name, "username": null, "is_bot": false,
               "last_activity_time": null})
    }
}

/// The fake, serving on loopback until dropped with its runtime.
#[derive(Clone)]
pub struct FakeMax {
    pub(crate) inner: Arc<Inner>,
    url: String,
}

pub(crate) struct Inner {
    pub(crate) schema: MaxSchema,
    pub(crate) state: Mutex<State>,
    /// Woken when an update is appended (long polls, webhook deliveries).
    pub(crate) appended: Notify,
    pub(crate) http: reqwest::Client,
}

impl FakeMax {
    /// Starts a fake MAX on a free loopback port.
    pub async fn start() -> std::io::Result<FakeMax> {
        let schema = MaxSchema::official().map_err(|e| std::io::Error::other(e.to_string()))?;
        let inner = Arc::new(Inner {
            schema,
            state: Mutex::new(State::default()),
            appended: Notify::new(),
            http: reqwest::Client::new(),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        inner.state().base = url.clone();
        let app = serve::router(inner.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        tokio::spawn(serve::deliver_webhooks(inner.clone()));
        Ok(FakeMax { inner, url })
    }

    /// Its address, for the bridge's `url`.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub(crate) fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.state()
    }

    /// A group chat the bot is in, as an administrator with `permissions`.
    pub fn add_chat(&self, chat_id: i64, title: &str, permissions: &[&str]) {
        self.state().add_chat(chat_id, title, permissions);
    }

    /// `user` writes `text` in a chat (a reply to `reply_to` if given); the message's MAX id.
    pub fn user_writes(
        &self,
        chat_id: i64,
        user: &MaxUser,
        text: &str,
        reply_to: Option<&str>,
    ) -> String {
        let mid = self
            .state()
            .write(chat_id, user.json(), text, None, reply_to, None);
        self.inner.appended.notify_waiters();
        mid
    }

    /// `user` sends a message with raw `markup` and `attachments` as MAX would show them.
    pub fn user_writes_raw(
        &self,
        chat_id: i64,
        user: &MaxUser,
        text: &str,
        markup: Option<Value>,
        attachments: Option<Value>,
    ) -> String {
        let mid = self
            .state()
            .write(chat_id, user.json(), text, markup, None, attachments);
        self.inner.appended.notify_waiters();
        mid
    }

    /// An update exactly as given (a type or shape the bridge may not know).
    pub fn push_raw_update(&self, update: Value) {
        self.state().updates.push(update);
        self.inner.appended.notify_waiters();
    }

    /// `user` sends a file (`kind`: `image`, `file`, `video`, `audio`) with a caption; the
    /// message's MAX id.
    pub fn user_sends_file(
        &self,
        chat_id: i64,
        user: &MaxUser,
        caption: &str,
        kind: &str,
        name: &str,
        bytes: &[u8],
    ) -> String {
        let mid = {
            let mut state = self.state();
            let number = state.files.len();
            state.files.push(state::FakeFile {
                name: name.to_owned(),
                bytes: bytes.to_vec(),
                kind: kind.to_owned(),
                token: Some(format!("tok.{number}")),
                ready_at: 0,
            });
            let attachment = state.attachment_json(number);
            state.write(
                chat_id,
                user.json(),
                caption,
                None,
                None,
                Some(Value::Array(vec![attachment])),
            )
        };
        self.inner.appended.notify_waiters();
        mid
    }

    /// The files attached to a message: `(name, bytes)`.
    pub fn files_of(&self, mid: &str) -> Vec<(String, Vec<u8>)> {
        let state = self.state();
        let Some(message) = state.message(mid) else {
            return Vec::new();
        };
        message
            .attachments
            .iter()
            .flat_map(|a| a.as_array().cloned().unwrap_or_default())
            .filter_map(|a| {
                let url = a["payload"]["url"].as_str()?;
                let number: usize = url.rsplit('/').next()?.parse().ok()?;
                let file = state.files.get(number)?;
                Some((file.name.clone(), file.bytes.clone()))
            })
            .collect()
    }

    /// How long an uploaded file stays "not processed yet" (a message attaching it earlier is
    /// refused with 400, as MAX does).
    pub fn set_processing(&self, delay: Duration) {
        self.state().processing_ms = i64::try_from(delay.as_millis()).unwrap_or(i64::MAX);
    }

    /// `user` edits their message.
    pub fn user_edits(&self, mid: &str, text: &str) {
        self.state().edit(mid, text, None);
        self.inner.appended.notify_waiters();
    }

    /// `user` (or an administrator) deletes a message.
    pub fn user_deletes(&self, mid: &str, by: &MaxUser) {
        self.state().delete(mid, by.user_id);
        self.inner.appended.notify_waiters();
    }

    /// `user` joins a chat.
    pub fn user_joins(&self, chat_id: i64, user: &MaxUser) {
        self.state().joined(chat_id, user.json());
        self.inner.appended.notify_waiters();
    }

    /// `user` leaves a chat.
    pub fn user_leaves(&self, chat_id: i64, user: &MaxUser) {
        self.state().left(chat_id, user.json());
        self.inner.appended.notify_waiters();
    }

    /// `user` renames a chat.
    pub fn user_renames(&self, chat_id: i64, user: &MaxUser, title: &str) {
        self.state().renamed(chat_id, user.json(), title);
        self.inner.appended.notify_waiters();
    }

    /// `user` presses the callback button with `payload` under message `mid`; the callback id.
    pub fn user_presses(&self, mid: &str, user: &MaxUser, payload: &str) -> String {
        let id = self.state().pressed(mid, user.json(), payload);
        self.inner.appended.notify_waiters();
        id
    }

    /// A chat's messages that are not deleted, oldest first.
    pub fn messages(&self, chat_id: i64) -> Vec<FakeMessage> {
        self.state()
            .messages
            .iter()
            .filter(|m| m.chat_id == chat_id && !m.deleted)
            .cloned()
            .collect()
    }

    /// Every message ever sent in a chat, deleted ones included.
    pub fn all_messages(&self, chat_id: i64) -> Vec<FakeMessage> {
        self.state()
            .messages
            .iter()
            .filter(|m| m.chat_id == chat_id)
            .cloned()
            .collect()
    }

    /// The answers given to button presses: `(callback_id, notification)`.
    pub fn answers(&self) -> Vec<(String, String)> {
        self.state().answers.clone()
    }

    /// The webhook subscriptions.
    pub fn subscriptions(&self) -> Vec<Subscription> {
        self.state().subscriptions.clone()
    }

    /// Webhook deliveries the server refused, with their status.
    pub fn refused_deliveries(&self) -> Vec<u16> {
        self.state().refused_deliveries.clone()
    }

    /// Every delivery is made twice (MAX retries when it misses a 200).
    pub fn repeat_deliveries(&self, repeat: bool) {
        self.state().repeat_deliveries = repeat;
    }

    /// The next requests get these faults, in order; `sends_only` keeps them for `POST
    /// /messages`.
    pub fn fail_next(&self, faults: &[Fault], sends_only: bool) {
        let mut state = self.state();
        for fault in faults {
            state.faults.push_back((fault.clone(), sends_only));
        }
    }

    /// MAX is away (every request answers 503) or back.
    pub fn set_away(&self, away: bool) {
        self.state().away = away;
    }

    /// Requests as `METHOD /path`, in order.
    pub fn requests(&self) -> Vec<String> {
        self.state().requests.clone()
    }

    /// Where the fake's requests or answers broke the schema.
    pub fn violations(&self) -> Vec<String> {
        self.state().violations.clone()
    }
}

impl Inner {
    pub(crate) fn state(&self) -> std::sync::MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}
