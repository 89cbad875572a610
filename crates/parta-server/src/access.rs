//! Who may see and act where: the membership and administrator checks every chat, message and
//! member operation starts with, and who reads a lesson and its materials (which the file
//! downloads ask too). Plain reads of the store; below every domain module.

use crate::context::{Caller, School};
use crate::error::{Error, ErrorCode, Result};
use crate::roles::{self, Action, Grant};
use crate::store::lessons::LessonRecord;
use crate::store::prelude::*;

/// Fails unless `user_id` is a member of `chat_id`: 404 for an unknown chat, 403 otherwise.
pub async fn require_member(school: &School, user_id: i64, chat_id: i64) -> Result<()> {
    require_member_on(&mut *school.read().await?, user_id, chat_id).await
}

/// [`require_member`] inside a unit of work (a transaction).
pub async fn require_member_on(tx: &mut dyn Tx, user_id: i64, chat_id: i64) -> Result<()> {
    if tx.is_member(chat_id, user_id).await? {
        Ok(())
    } else {
        Err(not_visible_on(tx, chat_id).await)
    }
}

/// The refusal for a chat the caller is not in: 403 if it exists, 404 if it does not.
pub async fn not_visible_on(tx: &mut dyn Tx, chat_id: i64) -> Error {
    match tx.chat_exists(chat_id).await {
        Ok(true) => Error::api(ErrorCode::AccessDenied, "You are not a member of this chat"),
        Ok(false) => Error::not_found(format!("Chat {chat_id} not found")),
        Err(e) => e.into(),
    }
}

/// Fails unless `user_id` administers `chat_id` (403; 404 for a chat it cannot see).
pub async fn require_admin(tx: &mut dyn Tx, user_id: i64, chat_id: i64) -> Result<()> {
    match tx.admin_flags(chat_id, user_id).await? {
        Some((is_admin, is_owner)) if is_admin || is_owner => Ok(()),
        Some(_) => Err(Error::denied("Only the chat's admins may do this")),
        None => Err(not_visible_on(tx, chat_id).await),
    }
}

/// Who takes part (and answers about recording): the parents invited to a group's meeting, or
/// else every parent of the class, each answering for their child; by id.
pub async fn lesson_participants(tx: &mut dyn Tx, lesson: &LessonRecord) -> Result<Vec<i64>> {
    if lesson.participants.is_empty() {
        Ok(tx.class_parent_ids(lesson.class_id).await?)
    } else {
        Ok(lesson.participants.iter().map(|p| p.user_id).collect())
    }
}

/// The pupils who take a class lesson, with the parent who answers for each about recording
/// (6.4): the class's pupils; none for a group's meeting, which is for parents.
pub async fn lesson_pupils(tx: &mut dyn Tx, lesson: &LessonRecord) -> Result<Vec<(i64, i64)>> {
    if lesson.participants.is_empty() {
        Ok(tx.class_pupils(lesson.class_id).await?)
    } else {
        Ok(Vec::new())
    }
}

/// Everyone a lesson is for: its participants and its pupils, by id.
pub async fn lesson_audience(tx: &mut dyn Tx, lesson: &LessonRecord) -> Result<Vec<i64>> {
    let mut everyone = lesson_participants(tx, lesson).await?;
    everyone.extend(lesson_pupils(tx, lesson).await?.into_iter().map(|(p, _)| p));
    everyone.sort_unstable();
    everyone.dedup();
    Ok(everyone)
}

/// Whether the caller may read the lesson: the administration, its teacher, those who teach
/// in its class, its participants (the class's parents, or those invited to a group's) and,
/// for a class lesson, the class's pupils.
pub async fn may_read_lesson(
    tx: &mut dyn Tx,
    caller: Caller,
    lesson: &LessonRecord,
) -> Result<bool> {
    Ok(
        roles::grant(caller.role, Action::ManageLessons) == Grant::School
            || lesson.teacher_id == caller.user_id
            || tx.teaches_class(caller.user_id, lesson.class_id).await?
            || lesson_audience(tx, lesson).await?.contains(&caller.user_id),
    )
}

/// Whether the upload is the material of a lesson the caller may read.
pub async fn material_visible(tx: &mut dyn Tx, caller: Caller, upload_id: &str) -> Result<bool> {
    for id in tx.lessons_with_material(upload_id).await? {
        if let Some(lesson) = tx.lesson(id).await?
            && may_read_lesson(tx, caller, &lesson).await?
        {
            return Ok(true);
        }
    }
    Ok(false)
}
