//! Scheduled messages and quiet hours.

use async_trait::async_trait;

use crate::store::Result;
use parta_model::school::QuietHours;
use parta_model::school::Role;

/// A scheduled message as stored.
#[derive(Debug, Clone)]
pub struct ScheduledRecord {
    pub id: i64,
    pub user_id: i64,
    pub chat_id: i64,
    /// The `NewMessageBody` as JSON text.
    pub body: String,
    pub announcement: bool,
    pub send_at: i64,
    /// `pending`, `sent`, `failed` or `cancelled`.
    pub status: String,
    pub mid: Option<String>,
    pub reason: Option<String>,
}

/// Statements about scheduled messages and quiet hours.
#[async_trait]
pub trait ScheduleRows {
    async fn insert_scheduled(
        &mut self,
        user_id: i64,
        chat_id: i64,
        body: &str,
        announcement: bool,
        send_at: i64,
        at: i64,
    ) -> Result<i64>;
    /// One of `user_id`'s scheduled messages.
    async fn scheduled(&mut self, user_id: i64, id: i64) -> Result<Option<ScheduledRecord>>;
    /// `user_id`'s scheduled messages, pending first, by send time.
    async fn scheduled_of(&mut self, user_id: i64) -> Result<Vec<ScheduledRecord>>;
    /// Cancels a pending one; false if it was not pending.
    async fn cancel_scheduled(&mut self, user_id: i64, id: i64) -> Result<bool>;
    /// Pending ones due at `now`, earliest first, with their author's role.
    async fn due_scheduled(&mut self, now: i64, limit: i64)
    -> Result<Vec<(ScheduledRecord, Role)>>;
    async fn mark_scheduled_sent(&mut self, id: i64, mid: &str, at: i64) -> Result<()>;
    async fn mark_scheduled_failed(&mut self, id: i64, reason: &str) -> Result<()>;

    async fn quiet_hours(&mut self, user_id: i64) -> Result<Option<QuietHours>>;
    async fn set_quiet_hours(&mut self, user_id: i64, hours: Option<QuietHours>) -> Result<()>;
    /// The members of `chat_id` who have quiet hours: (user id, name, their hours).
    async fn quiet_members(&mut self, chat_id: i64) -> Result<Vec<(i64, String, QuietHours)>>;
}
