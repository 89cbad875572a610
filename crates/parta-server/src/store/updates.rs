//! The update log.

use async_trait::async_trait;

use crate::store::Result;

/// An update as stored.
#[derive(Debug, Clone)]
pub struct UpdateRecord {
    pub id: i64,
    /// The chat whose members see it (0: no chat, only `user_id`).
    pub chat_id: i64,
    pub user_id: Option<i64>,
    /// MAX's `update_type`.
    pub kind: String,
    /// The update as JSON text.
    pub payload: String,
}

/// Statements about the update log.
#[async_trait]
pub trait UpdateRows {
    /// The newest id in the log (0 if empty).
    async fn newest_update(&mut self) -> Result<i64>;
    /// Appends an update for a chat's members or one person; returns its id.
    async fn insert_update(
        &mut self,
        chat_id: i64,
        user_id: Option<i64>,
        kind: &str,
        payload: &str,
        at: i64,
    ) -> Result<i64>;
    /// Updates with ids above `after`, oldest first, at most `limit`.
    async fn updates_after(&mut self, after: i64, limit: i64) -> Result<Vec<UpdateRecord>>;
    /// What `user_id` sees from id `from` on (their chats' updates and their own), oldest
    /// first, at most `limit`.
    async fn updates_for(
        &mut self,
        user_id: i64,
        from: i64,
        limit: i64,
    ) -> Result<Vec<UpdateRecord>>;
}
