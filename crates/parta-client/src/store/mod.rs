//! The offline cache. [`Store`] is what the rest of the core uses; [`SqliteStore`] is the real
//! one (a file in the app's data directory) and [`MemoryStore`] the fast one for tests. One
//! shared test suite (`store_suite!`) runs against both, so they cannot drift apart.
//!
//! The cache never holds a token.

use std::path::PathBuf;

use async_trait::async_trait;
use parta_model::max;
use parta_model::view::{AttachmentView, MemberView, ReplyView};
use serde::{Deserialize, Serialize};

use crate::search::Query;

#[cfg(test)]
#[macro_use]
mod suite;

mod error;

mod memory;
mod profile;
mod sqlite;

pub use error::{Result, StoreError};
pub use memory::MemoryStore;
pub use profile::ProfileStore;
pub use sqlite::{CacheKey, SqliteStore};

/// Which side of a message [`Store::messages_beside`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Older messages.
    Before,
    /// Newer messages.
    After,
}

/// Unread messages are counted up to this many (shown as "999+").
pub const UNREAD_CAP: u32 = 1000;

/// A profile's non-secret part as the cache stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProfile {
    pub id: String,
    pub kind: String,
    pub server_url: String,
    pub display_name: String,
    pub user_id: Option<i64>,
    pub created_at: i64,
    /// An extra trusted root certificate (PEM) for this profile's server.
    pub extra_root_pem: Option<String>,
}

/// A chat as cached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedChat {
    pub chat_id: i64,
    pub title: String,
    pub description: Option<String>,
    pub participants_count: i32,
    pub last_event_time: i64,
    pub pinned_mid: Option<String>,
}

impl CachedChat {
    /// From MAX's `Chat`; a dialog without a title is named after the other person.
    pub fn from_max(chat: &max::Chat) -> Self {
        Self {
            chat_id: chat.chat_id,
            title: chat
                .title
                .clone()
                .unwrap_or_else(|| format!("Чат {}", chat.chat_id)),
            description: chat.description.clone(),
            participants_count: chat.participants_count,
            last_event_time: chat.last_event_time,
            pinned_mid: chat.pinned_message.as_ref().map(|m| m.body.mid.clone()),
        }
    }
}

/// A message as cached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedMessage {
    pub mid: String,
    pub chat_id: i64,
    pub seq: i64,
    pub sender_id: Option<i64>,
    pub sender_name: String,
    /// The sender writes from MAX through the school's bridge.
    pub sender_via_max: bool,
    pub text: String,
    pub timestamp: i64,
    pub attachments: Vec<AttachmentView>,
    /// The message this one answers (a snapshot of it).
    pub reply_to: Option<ReplyView>,
    /// Formatting over `text`, as the server sent it.
    pub markup: Vec<parta_model::markup::Markup>,
    /// In a chat carried to MAX: where it stands toward MAX (`queued`, `sent`, `failed`).
    pub max_state: Option<String>,
}

/// A file attached to a message, from MAX's `Attachment` (`payload.token`, `filename`, `size`).
pub fn attachment_view(attachment: &max::Attachment) -> AttachmentView {
    let payload = attachment.payload.as_ref();
    let token = payload
        .and_then(|p| p.get("token"))
        .and_then(|t| t.as_str())
        .map(str::to_owned);
    let name = attachment.filename.clone().unwrap_or_else(|| {
        match attachment.kind.as_str() {
            "image" => "изображение",
            "video" => "видео",
            "audio" => "аудио",
            "file" => "файл",
            // What MAX sends beyond files: named for what it is, kept as it came.
            "sticker" => "стикер",
            "contact" => "контакт",
            "location" => "место на карте",
            "share" => "ссылка",
            "inline_keyboard" => "кнопки",
            _ => "вложение MAX",
        }
        .to_owned()
    });
    AttachmentView {
        kind: attachment.kind.clone(),
        name,
        size: attachment.size.and_then(|s| u64::try_from(s).ok()),
        token,
    }
}

impl CachedMessage {
    /// From MAX's `Message`; `None` for a message that names no chat (not ours to show).
    pub fn from_max(message: &max::Message) -> Option<Self> {
        Some(Self {
            mid: message.body.mid.clone(),
            chat_id: message.recipient.chat_id?,
            seq: message.body.seq,
            sender_id: message.sender.as_ref().map(|s| s.user_id),
            sender_name: message
                .sender
                .as_ref()
                .map(max::User::display_name)
                .unwrap_or_default(),
            sender_via_max: message.sender.as_ref().is_some_and(|s| s.parta_max),
            text: message.body.text.clone().unwrap_or_default(),
            timestamp: message.timestamp,
            attachments: message
                .body
                .attachments
                .iter()
                .flatten()
                .map(attachment_view)
                .collect(),
            reply_to: message
                .link
                .as_ref()
                .filter(|l| l.link_type == max::MessageLinkType::Reply)
                .map(|l| ReplyView {
                    mid: l.message.mid.clone(),
                    sender_name: l
                        .sender
                        .as_ref()
                        .map(max::User::display_name)
                        .unwrap_or_default(),
                    text: l.message.text.clone().unwrap_or_default(),
                }),
            markup: message.body.markup.clone().unwrap_or_default(),
            max_state: message.parta_max_state.clone(),
        })
    }
}

/// A file waiting in the outbox with its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxFile {
    /// The name the recipients see.
    pub name: String,
    /// The app's own copy (the original may be moved or deleted after writing).
    pub path: PathBuf,
    pub size: u64,
    /// MAX's upload type: `image`, `video`, `audio` or `file`.
    pub kind: String,
    /// The upload URL, once asked for: an interrupted upload resumes there.
    pub upload_url: Option<String>,
    /// The attachment token, once uploaded.
    pub token: Option<String>,
    /// Whether `path` is the app's sealed copy ([`crate::files::sealed`]) rather than the
    /// person's own file (a lesson's materials are read from where they are).
    #[serde(default)]
    pub sealed: bool,
}

/// A file kept for reading offline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedFile {
    pub token: String,
    pub name: String,
    pub size: u64,
    /// Unix ms of the last opening.
    pub last_used: i64,
}

/// A message waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    /// Local id; also the `Idempotency-Key` of every attempt.
    pub local_id: String,
    pub chat_id: i64,
    pub text: String,
    /// Unix ms.
    pub created_at: i64,
    pub attempts: u32,
    /// Unix ms before which no new attempt is made.
    pub next_attempt_at: i64,
    /// Why the server refused it; a failed item is not retried by itself.
    pub failed: Option<String>,
    /// Files sent with it.
    pub attachments: Vec<OutboxFile>,
    /// The message it answers.
    pub reply_to: Option<String>,
    /// What it is sent as.
    pub kind: OutboxKind,
}

/// What an outbox item is sent as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutboxKind {
    /// An ordinary message.
    #[default]
    Message,
    /// An announcement (staff), asking its readers to acknowledge it or only informing them.
    Announcement { ack_required: bool },
}

impl OutboxKind {
    /// As stored in the cache.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Message => "message",
            Self::Announcement { ack_required: true } => "announcement",
            Self::Announcement {
                ack_required: false,
            } => "notice",
        }
    }

    /// From the cache; `None` for a word this version does not know.
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "message" => Some(Self::Message),
            "announcement" => Some(Self::Announcement { ack_required: true }),
            "notice" => Some(Self::Announcement {
                ack_required: false,
            }),
            _ => None,
        }
    }
}

/// An announcement known here: whether it asks for acknowledgement, and whether this person
/// gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnouncementFlags {
    pub mid: String,
    pub acknowledged: bool,
    pub ack_required: bool,
}

/// Changes from one page of updates, applied together with the new marker.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    pub upserts: Vec<CachedMessage>,
    /// (chat id, message id) of deleted messages.
    pub removals: Vec<(i64, String)>,
    /// (message id, state) of messages that reached MAX, or that MAX refused.
    pub max_states: Vec<(String, String)>,
    pub marker: Option<i64>,
}

/// The cache, per profile.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Closes the store and waits until every connection is closed. A process calls it before
    /// it exits: a connection SQLCipher closes while the process runs its exit handlers can
    /// crash it (a connection's own thread closes it after the pool is dropped).
    async fn close(&self) {}
    /// Rewrites the cache without the space deleted rows left (and empties its log), so that
    /// nothing of a wiped profile can be read back from free pages.
    async fn compact(&self) -> Result<()> {
        Ok(())
    }
    /// Adds or replaces a profile.
    async fn save_profile(&self, profile: &StoredProfile) -> Result<()>;
    /// All profiles, oldest first.
    async fn profiles(&self) -> Result<Vec<StoredProfile>>;
    /// Removes a profile; with `wipe`, also everything cached for it.
    async fn remove_profile(&self, profile_id: &str, wipe: bool) -> Result<()>;
    /// Forgets what came from the server for a profile (chats, messages, members,
    /// announcements, read marks, the sync position) so the next sync loads it afresh; keeps
    /// what its person wrote (drafts and the outbox).
    async fn clear_cache(&self, profile_id: &str) -> Result<()>;
    /// How many messages are cached for a profile.
    async fn cached_messages(&self, profile_id: &str) -> Result<i64>;
    /// The cached messages that carry files (of one chat, or all), newest first.
    async fn messages_with_files(
        &self,
        profile_id: &str,
        chat_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<CachedMessage>>;

    /// Replaces the profile's chat list with `chats` (chats not listed are dropped).
    async fn replace_chats(&self, profile_id: &str, chats: &[CachedChat]) -> Result<()>;
    /// The profile's chats, most recent activity first.
    async fn chats(&self, profile_id: &str) -> Result<Vec<CachedChat>>;
    /// One chat.
    async fn chat(&self, profile_id: &str, chat_id: i64) -> Result<Option<CachedChat>>;
    /// Sets a cached chat's pinned message (none: unpinned); a chat not cached is left alone.
    async fn set_pinned(&self, profile_id: &str, chat_id: i64, mid: Option<&str>) -> Result<()>;

    /// Inserts or replaces messages and moves their chats' `last_event_time` forward.
    async fn upsert_messages(&self, profile_id: &str, messages: &[CachedMessage]) -> Result<()>;
    /// Applies a batch of updates and saves its marker in one step.
    async fn apply(&self, profile_id: &str, batch: &Batch) -> Result<()>;
    /// The newest `limit` messages of a chat, oldest first.
    async fn latest_messages(
        &self,
        profile_id: &str,
        chat_id: i64,
        limit: u32,
    ) -> Result<Vec<CachedMessage>>;
    /// Up to `limit` messages of a chat on one `side` of `anchor` (timestamp, seq), oldest
    /// first: scrolling back, and the context around a found message.
    async fn messages_beside(
        &self,
        profile_id: &str,
        chat_id: i64,
        anchor: (i64, i64),
        side: Side,
        limit: u32,
    ) -> Result<Vec<CachedMessage>>;
    /// One message.
    async fn message(&self, profile_id: &str, mid: &str) -> Result<Option<CachedMessage>>;
    /// Cached messages matching `query` (see [`crate::search`]), newest first; only in
    /// `chat_id` if given.
    async fn search(
        &self,
        profile_id: &str,
        query: &Query,
        chat_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<CachedMessage>>;

    /// The saved update marker.
    async fn marker(&self, profile_id: &str) -> Result<Option<i64>>;

    /// Adds a message to the outbox (durably, before any attempt to send it).
    async fn outbox_push(&self, profile_id: &str, item: &OutboxItem) -> Result<()>;
    /// Everything in the outbox, oldest first.
    async fn outbox(&self, profile_id: &str) -> Result<Vec<OutboxItem>>;
    /// Saves an item's attempts, next attempt time and failure.
    async fn outbox_update(&self, profile_id: &str, item: &OutboxItem) -> Result<()>;
    /// Removes an item the user gave up on.
    async fn outbox_remove(&self, profile_id: &str, local_id: &str) -> Result<()>;
    /// Records a file kept for reading offline (or that it was opened again).
    async fn file_put(&self, file: &CachedFile) -> Result<()>;
    /// A kept file, if there is one for `token`.
    async fn file(&self, token: &str) -> Result<Option<CachedFile>>;
    /// Every kept file, least recently used first.
    async fn files(&self) -> Result<Vec<CachedFile>>;
    /// Forgets a kept file (its bytes are the caller's to delete).
    async fn file_remove(&self, token: &str) -> Result<()>;

    /// Saves what is being written in a chat; an empty text removes the draft.
    async fn save_draft(&self, profile_id: &str, chat_id: i64, text: &str, at: i64) -> Result<()>;
    /// The draft of a chat.
    async fn draft(&self, profile_id: &str, chat_id: i64) -> Result<Option<String>>;
    /// Marks a chat read up to (timestamp, seq); never moves back.
    async fn mark_read(&self, profile_id: &str, chat_id: i64, up_to: (i64, i64)) -> Result<()>;
    /// How far a chat is read.
    async fn read_up_to(&self, profile_id: &str, chat_id: i64) -> Result<Option<(i64, i64)>>;
    /// Cached messages of a chat newer than its read mark and not sent by `me`, counted up to
    /// [`UNREAD_CAP`].
    async fn unread(&self, profile_id: &str, chat_id: i64, me: Option<i64>) -> Result<u32>;
    /// Replaces a chat's cached members.
    async fn replace_members(
        &self,
        profile_id: &str,
        chat_id: i64,
        members: &[MemberView],
    ) -> Result<()>;
    /// A chat's cached members, by name.
    async fn members(&self, profile_id: &str, chat_id: i64) -> Result<Vec<MemberView>>;
    /// Records announcements (what they ask, whether this person acknowledged), in one step.
    async fn set_announcements(&self, profile_id: &str, flags: &[AnnouncementFlags]) -> Result<()>;
    /// The announcements known here with whether they were acknowledged, newest first (only
    /// those whose message is cached).
    async fn announcements(&self, profile_id: &str) -> Result<Vec<AnnouncementFlags>>;
    /// `mid` as a known announcement (`None`: not known as one).
    async fn announcement(&self, profile_id: &str, mid: &str) -> Result<Option<AnnouncementFlags>>;
    /// Replaces the cached lessons starting in `[from, to)` with `lessons` (id, start, the
    /// lesson as JSON), in one step.
    async fn replace_lessons(
        &self,
        profile_id: &str,
        from: i64,
        to: i64,
        lessons: &[(i64, i64, String)],
    ) -> Result<()>;
    /// The cached lessons starting in `[from, to)`, as JSON, by start.
    async fn lessons(&self, profile_id: &str, from: i64, to: i64) -> Result<Vec<String>>;
    /// Records that the lesson starting at `starts_at` was reminded of; false if it had been.
    async fn mark_reminded(&self, profile_id: &str, lesson_id: i64, starts_at: i64)
    -> Result<bool>;

    /// The server has the message: removes the item and caches the message, in one step.
    async fn outbox_delivered(
        &self,
        profile_id: &str,
        local_id: &str,
        message: &CachedMessage,
    ) -> Result<()>;
}
