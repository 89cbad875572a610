//! Rows of the cache read back into its records.

use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use crate::store::{
    AnnouncementFlags, CachedChat, CachedFile, CachedMessage, OutboxItem, OutboxKind,
};
use crate::store::{Result, StoreError};

pub(super) fn chat_from_row(row: &SqliteRow) -> Result<CachedChat> {
    Ok(CachedChat {
        chat_id: row.try_get("chat_id")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        participants_count: row.try_get("participants_count")?,
        last_event_time: row.try_get("last_event_time")?,
        pinned_mid: row.try_get("pinned_mid")?,
    })
}

pub(super) fn outbox_from_row(row: &SqliteRow) -> Result<OutboxItem> {
    Ok(OutboxItem {
        local_id: row.try_get("local_id")?,
        chat_id: row.try_get("chat_id")?,
        text: row.try_get("text")?,
        created_at: row.try_get("created_at")?,
        attempts: row.try_get("attempts")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
        failed: row.try_get("failed")?,
        attachments: from_json(row.try_get("attachments")?)?,
        reply_to: row.try_get("reply_to")?,
        // A kind this version does not know is sent as what it surely is: a message.
        kind: OutboxKind::parse(row.try_get("kind")?).unwrap_or_default(),
    })
}

/// An `announcements` row as `(mid, acknowledged, ack_required)`.
pub(super) fn announcement_flags(
    (mid, acknowledged, ack_required): (String, bool, bool),
) -> AnnouncementFlags {
    AnnouncementFlags {
        mid,
        acknowledged,
        ack_required,
    }
}

/// A JSON column (attachments) as written by [`to_json`].
pub(super) fn from_json<T: serde::de::DeserializeOwned>(text: String) -> Result<T> {
    serde_json::from_str(&text)
        .map_err(|e| StoreError::Corrupt(format!("the cache holds unreadable attachments: {e}")))
}

pub(super) fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| StoreError::Corrupt(format!("attachments could not be saved: {e}")))
}

pub(super) fn file_from_row(row: &SqliteRow) -> Result<CachedFile> {
    Ok(CachedFile {
        token: row.try_get("token")?,
        name: row.try_get("name")?,
        size: u64::try_from(row.try_get::<i64, _>("size")?).unwrap_or(0),
        last_used: row.try_get("last_used")?,
    })
}

pub(super) fn message_from_row(row: &SqliteRow) -> Result<CachedMessage> {
    Ok(CachedMessage {
        mid: row.try_get("mid")?,
        chat_id: row.try_get("chat_id")?,
        seq: row.try_get("seq")?,
        sender_id: row.try_get("sender_id")?,
        sender_name: row.try_get("sender_name")?,
        sender_via_max: row.try_get::<i64, _>("sender_max")? != 0,
        text: row.try_get("text")?,
        timestamp: row.try_get("timestamp")?,
        attachments: from_json(row.try_get("attachments")?)?,
        reply_to: row
            .try_get::<Option<String>, _>("reply")?
            .map(from_json)
            .transpose()?,
        markup: row
            .try_get::<Option<String>, _>("markup")?
            .map(from_json)
            .transpose()?
            .unwrap_or_default(),
        max_state: row.try_get("max_state")?,
    })
}
