//! The cache opened for one profile: what a session reads and writes, with the profile named
//! once, when the session starts, instead of in every statement.

use std::sync::Arc;

use parta_model::view::MemberView;

use super::{AnnouncementFlags, Batch, CachedChat, CachedMessage, OutboxItem, Result, Side, Store};
use crate::search::Query;

/// One profile's part of the cache: every statement of [`Store`] that concerns a profile.
#[derive(Clone)]
pub struct ProfileStore {
    store: Arc<dyn Store>,
    profile_id: String,
}

impl ProfileStore {
    /// `profile_id`'s part of `store`.
    pub fn new(store: Arc<dyn Store>, profile_id: impl Into<String>) -> Self {
        Self {
            store,
            profile_id: profile_id.into(),
        }
    }

    /// The profile.
    pub fn profile_id(&self) -> &str {
        &self.profile_id
    }

    /// The whole cache, for what is not one profile's (files kept for reading offline are
    /// shared by every profile on this computer).
    pub fn shared(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// Removes a profile; with `wipe`, also everything cached for it.
    pub async fn remove_profile(&self, wipe: bool) -> Result<()> {
        self.store.remove_profile(&self.profile_id, wipe).await
    }

    /// Forgets what came from the server for a profile (chats, messages, members,
    /// announcements, read marks, the sync position) so the next sync loads it afresh; keeps
    /// what its person wrote (drafts and the outbox).
    pub async fn clear_cache(&self) -> Result<()> {
        self.store.clear_cache(&self.profile_id).await
    }

    /// How many messages are cached for a profile.
    pub async fn cached_messages(&self) -> Result<i64> {
        self.store.cached_messages(&self.profile_id).await
    }

    /// The cached messages that carry files (of one chat, or all), newest first.
    pub async fn messages_with_files(
        &self,
        chat_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<CachedMessage>> {
        self.store
            .messages_with_files(&self.profile_id, chat_id, limit)
            .await
    }

    /// Replaces the profile's chat list with `chats` (chats not listed are dropped).
    pub async fn replace_chats(&self, chats: &[CachedChat]) -> Result<()> {
        self.store.replace_chats(&self.profile_id, chats).await
    }

    /// The profile's chats, most recent activity first.
    pub async fn chats(&self) -> Result<Vec<CachedChat>> {
        self.store.chats(&self.profile_id).await
    }

    /// One chat.
    pub async fn chat(&self, chat_id: i64) -> Result<Option<CachedChat>> {
        self.store.chat(&self.profile_id, chat_id).await
    }

    /// Sets a cached chat's pinned message (none: unpinned).
    pub async fn set_pinned(&self, chat_id: i64, mid: Option<&str>) -> Result<()> {
        self.store.set_pinned(&self.profile_id, chat_id, mid).await
    }

    /// Inserts or replaces messages and moves their chats' `last_event_time` forward.
    pub async fn upsert_messages(&self, messages: &[CachedMessage]) -> Result<()> {
        self.store.upsert_messages(&self.profile_id, messages).await
    }

    /// Applies a batch of updates and saves its marker in one step.
    pub async fn apply(&self, batch: &Batch) -> Result<()> {
        self.store.apply(&self.profile_id, batch).await
    }

    /// The newest `limit` messages of a chat, oldest first.
    pub async fn latest_messages(&self, chat_id: i64, limit: u32) -> Result<Vec<CachedMessage>> {
        self.store
            .latest_messages(&self.profile_id, chat_id, limit)
            .await
    }

    /// Up to `limit` messages of a chat on one `side` of `anchor` (timestamp, seq), oldest
    /// first: scrolling back, and the context around a found message.
    pub async fn messages_beside(
        &self,
        chat_id: i64,
        anchor: (i64, i64),
        side: Side,
        limit: u32,
    ) -> Result<Vec<CachedMessage>> {
        self.store
            .messages_beside(&self.profile_id, chat_id, anchor, side, limit)
            .await
    }

    /// One message.
    pub async fn message(&self, mid: &str) -> Result<Option<CachedMessage>> {
        self.store.message(&self.profile_id, mid).await
    }

    /// Cached messages matching `query` (see [`crate::search`]), newest first; only in
    /// `chat_id` if given.
    pub async fn search(
        &self,
        query: &Query,
        chat_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<CachedMessage>> {
        self.store
            .search(&self.profile_id, query, chat_id, limit)
            .await
    }

    /// The saved update marker.
    pub async fn marker(&self) -> Result<Option<i64>> {
        self.store.marker(&self.profile_id).await
    }

    /// Adds a message to the outbox (durably, before any attempt to send it).
    pub async fn outbox_push(&self, item: &OutboxItem) -> Result<()> {
        self.store.outbox_push(&self.profile_id, item).await
    }

    /// Everything in the outbox, oldest first.
    pub async fn outbox(&self) -> Result<Vec<OutboxItem>> {
        self.store.outbox(&self.profile_id).await
    }

    /// Saves an item's attempts, next attempt time and failure.
    pub async fn outbox_update(&self, item: &OutboxItem) -> Result<()> {
        self.store.outbox_update(&self.profile_id, item).await
    }

    /// Removes an item the user gave up on.
    pub async fn outbox_remove(&self, local_id: &str) -> Result<()> {
        self.store.outbox_remove(&self.profile_id, local_id).await
    }

    /// Saves what is being written in a chat; an empty text removes the draft.
    pub async fn save_draft(&self, chat_id: i64, text: &str, at: i64) -> Result<()> {
        self.store
            .save_draft(&self.profile_id, chat_id, text, at)
            .await
    }

    /// The draft of a chat.
    pub async fn draft(&self, chat_id: i64) -> Result<Option<String>> {
        self.store.draft(&self.profile_id, chat_id).await
    }

    /// Marks a chat read up to (timestamp, seq); never moves back.
    pub async fn mark_read(&self, chat_id: i64, up_to: (i64, i64)) -> Result<()> {
        self.store.mark_read(&self.profile_id, chat_id, up_to).await
    }

    /// How far a chat is read.
    pub async fn read_up_to(&self, chat_id: i64) -> Result<Option<(i64, i64)>> {
        self.store.read_up_to(&self.profile_id, chat_id).await
    }

    /// Cached messages of a chat newer than its read mark and not sent by `me`, counted up to
    /// [`UNREAD_CAP`].
    pub async fn unread(&self, chat_id: i64, me: Option<i64>) -> Result<u32> {
        self.store.unread(&self.profile_id, chat_id, me).await
    }

    /// Replaces a chat's cached members.
    pub async fn replace_members(&self, chat_id: i64, members: &[MemberView]) -> Result<()> {
        self.store
            .replace_members(&self.profile_id, chat_id, members)
            .await
    }

    /// A chat's cached members, by name.
    pub async fn members(&self, chat_id: i64) -> Result<Vec<MemberView>> {
        self.store.members(&self.profile_id, chat_id).await
    }

    /// Records announcements (what they ask, whether this person acknowledged), in one step.
    pub async fn set_announcements(&self, flags: &[AnnouncementFlags]) -> Result<()> {
        self.store.set_announcements(&self.profile_id, flags).await
    }

    /// The announcements known here with whether they were acknowledged, newest first (only
    /// those whose message is cached).
    pub async fn announcements(&self) -> Result<Vec<AnnouncementFlags>> {
        self.store.announcements(&self.profile_id).await
    }

    /// Whether `mid` is a known announcement (`None`: not known as one) and acknowledged.
    pub async fn announcement(&self, mid: &str) -> Result<Option<AnnouncementFlags>> {
        self.store.announcement(&self.profile_id, mid).await
    }

    /// Replaces the cached lessons starting in `[from, to)` with `lessons` (id, start, the
    /// lesson as JSON), in one step.
    pub async fn replace_lessons(
        &self,
        from: i64,
        to: i64,
        lessons: &[(i64, i64, String)],
    ) -> Result<()> {
        self.store
            .replace_lessons(&self.profile_id, from, to, lessons)
            .await
    }

    /// The cached lessons starting in `[from, to)`, as JSON, by start.
    pub async fn lessons(&self, from: i64, to: i64) -> Result<Vec<String>> {
        self.store.lessons(&self.profile_id, from, to).await
    }

    /// Records that the lesson starting at `starts_at` was reminded of; false if it had been.
    pub async fn mark_reminded(&self, lesson_id: i64, starts_at: i64) -> Result<bool> {
        self.store
            .mark_reminded(&self.profile_id, lesson_id, starts_at)
            .await
    }

    /// The server has the message: removes the item and caches the message, in one step.
    pub async fn outbox_delivered(&self, local_id: &str, message: &CachedMessage) -> Result<()> {
        self.store
            .outbox_delivered(&self.profile_id, local_id, message)
            .await
    }
}
