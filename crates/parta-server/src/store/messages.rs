//! Messages, their attachments, idempotency keys and announcements.

use async_trait::async_trait;
use parta_model::max::User;

use crate::store::Result;

/// A stored message with what it links to and carries.
#[derive(Debug, Clone)]
pub struct MessageRecord {
    pub seq: i64,
    pub mid: String,
    pub chat_id: i64,
    pub sender: User,
    pub text: Option<String>,
    /// Formatting over the text, as stored JSON (`MarkupElement`s).
    pub markup: Option<String>,
    pub created_at: i64,
    /// `reply` or `forward`, with the linked message if it still exists (its own link is not
    /// followed).
    pub link: Option<(String, Option<Box<MessageRecord>>)>,
    pub attachments: Vec<AttachmentRecord>,
    /// Where it stands toward MAX, in a chat carried there (`queued`, `sent`, `failed`).
    pub max_state: Option<String>,
}

/// A finished upload attached to a message.
#[derive(Debug, Clone)]
pub struct AttachmentRecord {
    /// A number unique to the upload (MAX's `photo_id` for images).
    pub number: i64,
    /// `image`, `video`, `audio` or `file`.
    pub kind: String,
    pub token: String,
    pub filename: Option<String>,
    pub size: Option<i64>,
}

/// A message to store.
#[derive(Debug, Clone, Copy)]
pub struct NewMessageRecord<'a> {
    pub mid: &'a str,
    pub chat_id: i64,
    pub sender_id: i64,
    pub text: Option<&'a str>,
    /// Formatting over the text, as JSON (`MarkupElement`s).
    pub markup: Option<&'a str>,
    pub created_at: i64,
    /// `reply` or `forward`, and the message linked.
    pub link: Option<(&'a str, &'a str)>,
    pub is_announcement: bool,
    /// For an announcement: whether readers are asked to acknowledge it.
    pub ack_required: bool,
}

/// An announcement as its acknowledgements and receipts need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnnouncementRef {
    pub chat_id: i64,
    pub seq: i64,
    pub author: i64,
    pub ack_required: bool,
}

/// An announcement in one of a person's chats.
#[derive(Debug, Clone)]
pub struct AnnouncementRecord {
    pub mid: String,
    pub chat_id: i64,
    pub chat_title: String,
    pub acknowledged: bool,
    pub ack_required: bool,
}

/// Where a member of an announcement's chat stands with it.
#[derive(Debug, Clone)]
pub struct ReceiptRecord {
    pub user_id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub read: bool,
    pub acknowledged: bool,
}

/// Statements about messages.
#[async_trait]
pub trait MessageRows {
    /// A message that is not deleted.
    async fn message(&mut self, mid: &str) -> Result<Option<MessageRecord>>;
    /// A chat's messages created in `[to, from]`, newest first, at most `limit`.
    async fn history(
        &mut self,
        chat_id: i64,
        from: i64,
        to: i64,
        limit: i64,
    ) -> Result<Vec<MessageRecord>>;
    async fn insert_message(&mut self, message: NewMessageRecord<'_>) -> Result<()>;
    /// The chat and sender of a message that is not deleted.
    async fn message_owner(&mut self, mid: &str) -> Result<Option<(i64, i64)>>;
    async fn set_message_text(
        &mut self,
        mid: &str,
        text: Option<&str>,
        markup: Option<&str>,
        at: i64,
    ) -> Result<()>;
    /// Replaces a message's attachments with these uploads, in order.
    async fn set_attachments(&mut self, mid: &str, upload_ids: &[String]) -> Result<()>;
    async fn mark_deleted(&mut self, mid: &str, at: i64) -> Result<()>;
    /// The newest sequence number of a chat (0 if empty).
    async fn newest_seq(&mut self, chat_id: i64) -> Result<i64>;
    /// The message a person's earlier send with `key` created.
    async fn idempotent_mid(&mut self, user_id: i64, key: &str) -> Result<Option<String>>;
    /// Claims `key` for `mid`; false if an earlier send holds it.
    async fn claim_idempotency_key(
        &mut self,
        user_id: i64,
        key: &str,
        mid: &str,
        at: i64,
    ) -> Result<bool>;
    /// Flags the pinned messages as announcements (the demo's seed).
    async fn flag_pinned_as_announcements(&mut self) -> Result<()>;

    /// Announcements of the chats `user_id` is in, newest first.
    async fn announcements_for(
        &mut self,
        user_id: i64,
        limit: i64,
    ) -> Result<Vec<AnnouncementRecord>>;
    /// An announcement's chat, sequence number, author and whether it asks for acknowledgement.
    async fn announcement(&mut self, mid: &str) -> Result<Option<AnnouncementRef>>;
    /// Records an acknowledgement; false if it was there already.
    async fn acknowledge(&mut self, mid: &str, user_id: i64, at: i64) -> Result<bool>;
    /// Every member of the chat but the author, with read and acknowledged flags, by name.
    async fn receipts(
        &mut self,
        mid: &str,
        chat_id: i64,
        seq: i64,
        author: i64,
    ) -> Result<Vec<ReceiptRecord>>;
}
