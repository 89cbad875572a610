//! Online lessons and their recording consent.

use async_trait::async_trait;

use crate::store::Result;
use crate::store::messages::AttachmentRecord;
use crate::store::people::NameRecord;

/// A lesson as stored, with its class's and teacher's names.
#[derive(Debug, Clone)]
pub struct LessonRecord {
    pub id: i64,
    pub class_id: i64,
    pub class_name: String,
    pub subject: String,
    pub teacher_id: i64,
    pub teacher_first: String,
    pub teacher_last: Option<String>,
    /// `lesson`, `consultation` or `parents_meeting`.
    pub kind: String,
    pub starts_at: i64,
    pub duration_min: i64,
    pub link: Option<String>,
    pub notes: Option<String>,
    pub cancelled: bool,
    /// For a group's meeting, the parents invited, by id; empty: the whole class.
    pub participants: Vec<NameRecord>,
    /// Its materials, in order.
    pub materials: Vec<AttachmentRecord>,
}

/// One entry of a lesson's presence and recording log, with the person's name.
#[derive(Debug, Clone)]
pub struct LessonEventRecord {
    pub user_id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    /// `join`, `leave`, `start` or `stop`.
    pub event: String,
    pub at: i64,
}

/// What a new lesson or a change writes.
#[derive(Debug, Clone)]
pub struct LessonFields {
    pub class_id: i64,
    pub subject: String,
    pub teacher_id: i64,
    pub kind: String,
    pub starts_at: i64,
    pub duration_min: i64,
    pub link: Option<String>,
    pub notes: Option<String>,
    /// For a lesson made by a timetable import, the start the timetable gave it (an update
    /// keeps what is stored).
    pub origin_at: Option<i64>,
}

/// One consent answer as stored.
#[derive(Debug, Clone)]
pub struct ConsentRecord {
    pub user_id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub consent: bool,
    pub at: i64,
}

/// Statements about lessons.
#[async_trait]
pub trait LessonRows {
    async fn insert_lesson(&mut self, fields: &LessonFields, by: i64, at: i64) -> Result<i64>;
    async fn lesson(&mut self, id: i64) -> Result<Option<LessonRecord>>;
    /// Rewrites a lesson's fields (not its class).
    async fn update_lesson(&mut self, id: i64, fields: &LessonFields, at: i64) -> Result<()>;
    /// Marks it cancelled; false if it was cancelled already.
    async fn cancel_lesson(&mut self, id: i64, at: i64) -> Result<bool>;
    /// Lessons starting in `[from, to)`, by start. `visible_to`: only those of the classes the
    /// person teaches, those they teach, and those of the classes they have a child in (of a
    /// group's meeting, only if they are invited), and the class lessons of a pupil's class
    /// (never a group's meeting); `None`: every lesson.
    async fn lessons_between(
        &mut self,
        visible_to: Option<i64>,
        from: i64,
        to: i64,
    ) -> Result<Vec<LessonRecord>>;
    /// Whether `user_id` teaches in `class_id` (is assigned to it).
    async fn teaches_class(&mut self, user_id: i64, class_id: i64) -> Result<bool>;
    /// The parents of a class (each answers for their child), by id.
    async fn class_parent_ids(&mut self, class_id: i64) -> Result<Vec<i64>>;
    /// The pupils of a class with the parent who answers for each: (pupil, parent), by pupil.
    async fn class_pupils(&mut self, class_id: i64) -> Result<Vec<(i64, i64)>>;
    async fn insert_consent(
        &mut self,
        lesson_id: i64,
        user_id: i64,
        consent: bool,
        at: i64,
    ) -> Result<()>;
    /// Every answer of a lesson, in the order given.
    async fn consents(&mut self, lesson_id: i64) -> Result<Vec<ConsentRecord>>;
    /// Replaces the parents invited to a group's meeting (empty: the whole class).
    async fn set_lesson_participants(&mut self, lesson_id: i64, user_ids: &[i64]) -> Result<()>;
    /// Replaces a lesson's materials (upload ids, in order).
    async fn set_lesson_materials(&mut self, lesson_id: i64, upload_ids: &[String]) -> Result<()>;
    /// The lessons that carry an upload as material.
    async fn lessons_with_material(&mut self, upload_id: &str) -> Result<Vec<i64>>;
    /// Appends to a lesson's presence and recording log.
    async fn insert_lesson_event(
        &mut self,
        lesson_id: i64,
        user_id: i64,
        event: &str,
        at: i64,
    ) -> Result<()>;
    /// A lesson's presence and recording log, in order.
    async fn lesson_events(&mut self, lesson_id: i64) -> Result<Vec<LessonEventRecord>>;

    /// Deletes the imported lessons of a class whose timetable start is in `[from, to)` and
    /// that are untouched: never changed or cancelled, nobody has answered about recording or
    /// joined, no materials; how many.
    async fn delete_untouched_imported(&mut self, class_id: i64, from: i64, to: i64)
    -> Result<u64>;
    /// The (timetable start, subject) of the imported lessons of a class left in `[from, to)`.
    async fn imported_origins(
        &mut self,
        class_id: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, String)>>;
    /// Sets a person's calendar feed token (its hash), replacing any earlier one.
    async fn set_feed(&mut self, user_id: i64, token_hash: &[u8], at: i64) -> Result<()>;
    /// Revokes a person's feed; false if there was none.
    async fn clear_feed(&mut self, user_id: i64) -> Result<bool>;
    /// Whose feed a token's hash opens.
    async fn feed_owner(&mut self, token_hash: &[u8]) -> Result<Option<i64>>;
}
