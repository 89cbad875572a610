//! Online lessons (procedure 3.1, 6.3) and recording consent (6.4), a Parta extension.
//!
//! A lesson belongs to a class and has a teacher, a start, a length and a video-conference link
//! (https only: it is opened outside the app). Teachers manage the lessons of the classes they
//! teach, the administration every lesson (`manage_lessons` in docs/permissions.md); everyone
//! who teaches in a class or has a child in it reads its lessons.
//!
//! Recording is allowed only while every participant has consented: the participants are the
//! class's parents, each answering for their child. Every answer is kept in order and the
//! lesson's teacher reads the changes; the state comes from `parta_policy::consent`, the same
//! state machine that stops a running recording when consent is lost.

pub mod feeds;
pub mod recording;

pub use parta_model::lessons::{
    ConsentAnswer, ConsentChange, Lesson, LessonEvent, LessonEventKind, LessonKind, LessonList,
    LessonPatch, NewLesson, Participant, Presence, RecordingStatus, RecordingSwitch,
};

use crate::access;
use crate::attachments;
use crate::context::{Caller, School};
use crate::error::{Error, Result};
use crate::restrictions;
use crate::roles::{self, Action, Grant};
use crate::store::lessons::{LessonFields, LessonRecord};
use crate::store::prelude::*;
use crate::users::person_name;

/// How far from now a lesson may be placed or listed: a school year.
pub const MAX_SPAN_MS: i64 = 366 * 86_400_000;
pub(crate) const MAX_SUBJECT: usize = 200;
const MAX_NOTES: usize = 4000;
const MAX_LINK: usize = 2048;
/// Most parents invited to one group meeting, and most materials on one lesson.
const MAX_PARTICIPANTS: usize = 500;
const MAX_MATERIALS: usize = 20;
/// How long before its start a participant may join a lesson.
pub(super) const JOIN_EARLY_MS: i64 = 30 * 60_000;
pub(crate) const DURATION_MIN: std::ops::RangeInclusive<i64> = 5..=600;

pub(crate) fn from_record(r: LessonRecord) -> Result<Lesson> {
    Ok(Lesson {
        id: r.id,
        class_id: r.class_id,
        class_name: r.class_name,
        subject: r.subject,
        teacher_id: r.teacher_id,
        teacher_name: person_name(&r.teacher_first, r.teacher_last.as_deref()),
        kind: LessonKind::parse(&r.kind).ok_or_else(|| {
            Error::api(
                crate::error::ErrorCode::Internal,
                format!("lesson {} has kind {:?}", r.id, r.kind),
            )
        })?,
        starts_at: r.starts_at,
        duration_min: r.duration_min,
        link: r.link,
        notes: r.notes,
        cancelled: r.cancelled,
        participants: r
            .participants
            .iter()
            .map(|p| Participant {
                user_id: p.user_id,
                name: person_name(&p.first_name, p.last_name.as_deref()),
            })
            .collect(),
        materials: r.materials.iter().map(attachments::attachment).collect(),
    })
}

/// The parents invited to a group's meeting, checked: each a parent of the class, at most
/// [`MAX_PARTICIPANTS`]; sorted, without repeats.
async fn check_participants(tx: &mut dyn Tx, class_id: i64, ids: &[i64]) -> Result<Vec<i64>> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() > MAX_PARTICIPANTS {
        return Err(Error::bad_request(format!(
            "A meeting invites at most {MAX_PARTICIPANTS} people"
        )));
    }
    let parents = tx.class_parent_ids(class_id).await?;
    if let Some(stranger) = ids.iter().find(|id| parents.binary_search(id).is_err()) {
        return Err(Error::bad_request(format!(
            "User {stranger} is not a parent in this class: a meeting invites the class's parents"
        )));
    }
    Ok(ids)
}

/// The materials named by upload tokens, checked: finished uploads the caller made or may
/// see; their upload ids in order.
async fn check_materials(
    tx: &mut dyn Tx,
    caller: Caller,
    tokens: &[String],
) -> Result<Vec<String>> {
    if tokens.len() > MAX_MATERIALS {
        return Err(Error::bad_request(format!(
            "A lesson carries at most {MAX_MATERIALS} materials"
        )));
    }
    let mut ids: Vec<String> = Vec::with_capacity(tokens.len());
    for token in tokens {
        let unknown = || {
            Error::bad_request(
                "A material's upload is unknown or not complete yet: upload the file first",
            )
        };
        let upload = tx.finished_upload(token).await?.ok_or_else(unknown)?;
        if upload.user_id != caller.user_id
            && !tx.upload_visible_to(&upload.id, caller.user_id).await?
            && !access::material_visible(tx, caller, &upload.id).await?
        {
            return Err(unknown());
        }
        if !ids.contains(&upload.id) {
            ids.push(upload.id);
        }
    }
    Ok(ids)
}

/// A conference link as given, checked: https, a host, no spaces, not too long.
pub fn check_link(link: &str) -> Result<String> {
    let link = link.trim();
    let rest = link
        .strip_prefix("https://")
        .ok_or_else(|| Error::bad_request("The lesson link must start with https://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty()
        || link.len() > MAX_LINK
        || link
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\'))
    {
        return Err(Error::bad_request(
            "The lesson link is not a valid https address",
        ));
    }
    Ok(link.to_owned())
}

pub(crate) fn text(value: &str, what: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::bad_request(format!("The {what} must not be empty")));
    }
    if value.chars().count() > max {
        return Err(Error::bad_request(format!(
            "The {what} is longer than {max} characters"
        )));
    }
    Ok(value.to_owned())
}

/// An optional text: absent stays absent, empty removes it.
fn optional(value: Option<&str>, check: impl Fn(&str) -> Result<String>) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => check(v).map(Some),
    }
}

fn check_fields(f: &LessonFields, now: i64) -> Result<()> {
    if !DURATION_MIN.contains(&f.duration_min) {
        return Err(Error::bad_request(format!(
            "A lesson lasts {} to {} minutes",
            DURATION_MIN.start(),
            DURATION_MIN.end()
        )));
    }
    if (f.starts_at - now).abs() > MAX_SPAN_MS {
        return Err(Error::bad_request(
            "A lesson must start within a year from now",
        ));
    }
    Ok(())
}

/// Fails unless the caller may manage lessons of `class_id`: the administration anywhere,
/// teachers in the classes they teach.
pub(super) async fn require_manage(
    tx: &mut dyn Tx,
    caller: Caller,
    class_id: i64,
) -> Result<Grant> {
    let grant = roles::require(caller.role, Action::ManageLessons)?;
    if grant == Grant::OwnClass && !tx.teaches_class(caller.user_id, class_id).await? {
        return Err(Error::denied(
            "You may manage lessons only of the classes you teach",
        ));
    }
    Ok(grant)
}

pub(super) async fn lesson_record(tx: &mut dyn Tx, id: i64) -> Result<LessonRecord> {
    tx.lesson(id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Lesson {id} not found")))
}

/// Tells everyone who reads the lesson (its participants and pupils, the class's teachers and
/// the lesson's teacher; for a whole timetable, the class's parents, pupils and teachers) what
/// changed, in the same transaction as the change (`parta_lesson`).
pub(crate) async fn notify(
    tx: &mut dyn Tx,
    class_id: i64,
    lesson: Option<&LessonRecord>,
    change: &str,
    now: i64,
) -> Result<()> {
    let mut readers: std::collections::BTreeSet<i64> = match lesson {
        Some(lesson) => access::lesson_audience(tx, lesson).await?,
        None => {
            let mut everyone = tx.class_parent_ids(class_id).await?;
            everyone.extend(tx.class_pupils(class_id).await?.into_iter().map(|(p, _)| p));
            everyone
        }
    }
    .into_iter()
    .collect();
    readers.extend(
        tx.class_teachers(class_id)
            .await?
            .into_iter()
            .map(|t| t.user_id),
    );
    readers.extend(lesson.map(|l| l.teacher_id));
    let update = parta_model::max::Update::PartaLesson {
        timestamp: now,
        class_id,
        lesson_id: lesson.map(|l| l.id),
        change: change.to_owned(),
    };
    for reader in readers {
        crate::updates::append_personal(tx, reader, &update, now).await?;
    }
    Ok(())
}

/// The parents of a class, by name, for those who manage its lessons: whom a meeting may
/// invite.
pub async fn class_parents(
    school: &School,
    caller: Caller,
    class_id: i64,
) -> Result<Vec<Participant>> {
    let mut tx = school.read().await?;
    tx.class(class_id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Class {class_id} not found")))?;
    require_manage(&mut *tx, caller, class_id).await?;
    let mut out = Vec::new();
    for user_id in tx.class_parent_ids(class_id).await? {
        if let Some(p) = tx.person(user_id).await?.filter(|p| !p.removed) {
            out.push(Participant {
                user_id,
                name: person_name(&p.user.first_name, p.user.last_name.as_deref()),
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Tells the class's parents' chat of a change, in the name of who made it. A group's meeting
/// is the group's business and is not told to the class.
pub(crate) async fn tell_class_chat(
    tx: &mut dyn Tx,
    caller: Caller,
    lesson: &LessonRecord,
    text: &str,
    now: i64,
) -> Result<()> {
    if !lesson.participants.is_empty() {
        return Ok(());
    }
    tell_class(tx, caller, lesson.class_id, text, now).await
}

/// Writes `text` into the class's parents' chat, if the class has one.
pub(crate) async fn tell_class(
    tx: &mut dyn Tx,
    caller: Caller,
    class_id: i64,
    text: &str,
    now: i64,
) -> Result<()> {
    match tx.class(class_id).await?.and_then(|c| c.chat_id) {
        Some(chat_id) => crate::messages::post_notice(tx, chat_id, caller.user_id, text, now).await,
        None => Ok(()),
    }
}

/// Creates a lesson.
pub async fn create(school: &School, caller: Caller, new: NewLesson) -> Result<Lesson> {
    let now = school.now_ms();
    let mut tx = school.begin().await?;
    restrictions::enforce_write(&mut *tx, school.clock(), caller.user_id).await?;
    tx.class(new.class_id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Class {} not found", new.class_id)))?;
    let grant = require_manage(&mut *tx, caller, new.class_id).await?;
    let teacher_id = new.teacher_id.unwrap_or(caller.user_id);
    if teacher_id != caller.user_id {
        crate::classes::require_staff(&mut *tx, teacher_id).await?;
        if grant != Grant::School && !tx.is_class_teacher(caller.user_id, new.class_id).await? {
            return Err(Error::denied(
                "Only the class teacher or the administration plans another teacher's lessons",
            ));
        }
    }
    let fields = LessonFields {
        class_id: new.class_id,
        subject: text(&new.subject, "subject", MAX_SUBJECT)?,
        teacher_id,
        kind: new.kind.as_str().to_owned(),
        starts_at: new.starts_at,
        duration_min: new.duration_min,
        link: optional(new.link.as_deref(), check_link)?,
        notes: optional(new.notes.as_deref(), |n| text(n, "notes", MAX_NOTES))?,
        origin_at: None,
    };
    check_fields(&fields, now)?;
    let participants = check_participants(&mut *tx, new.class_id, &new.participants).await?;
    let materials = check_materials(&mut *tx, caller, &new.materials).await?;
    let id = tx.insert_lesson(&fields, caller.user_id, now).await?;
    tx.set_lesson_participants(id, &participants).await?;
    tx.set_lesson_materials(id, &materials).await?;
    let record = lesson_record(&mut *tx, id).await?;
    notify(&mut *tx, record.class_id, Some(&record), "created", now).await?;
    let offset = crate::lesson_notices::school_offset(&mut *tx).await?;
    let text = crate::lesson_notices::created(&record, offset);
    tell_class_chat(&mut *tx, caller, &record, &text, now).await?;
    let lesson = from_record(record)?;
    school.commit(tx).await?;
    Ok(lesson)
}

/// Changes a lesson: a move (start, length), the subject, link or notes.
pub async fn update(
    school: &School,
    caller: Caller,
    id: i64,
    patch: LessonPatch,
) -> Result<Lesson> {
    let now = school.now_ms();
    let mut tx = school.begin().await?;
    restrictions::enforce_write(&mut *tx, school.clock(), caller.user_id).await?;
    let current = lesson_record(&mut *tx, id).await?;
    require_manage(&mut *tx, caller, current.class_id).await?;
    if current.cancelled {
        return Err(Error::conflict(format!("Lesson {id} is cancelled")));
    }
    let fields = LessonFields {
        class_id: current.class_id,
        subject: match &patch.subject {
            Some(s) => text(s, "subject", MAX_SUBJECT)?,
            None => current.subject,
        },
        teacher_id: current.teacher_id,
        kind: current.kind,
        starts_at: patch.starts_at.unwrap_or(current.starts_at),
        duration_min: patch.duration_min.unwrap_or(current.duration_min),
        link: match &patch.link {
            Some(l) => optional(Some(l), check_link)?,
            None => current.link,
        },
        notes: match &patch.notes {
            Some(n) => optional(Some(n), |n| text(n, "notes", MAX_NOTES))?,
            None => current.notes,
        },
        origin_at: None,
    };
    check_fields(&fields, now)?;
    let moved =
        (fields.starts_at, fields.duration_min) != (current.starts_at, current.duration_min);
    let (was_at, was_min) = (current.starts_at, current.duration_min);
    tx.update_lesson(id, &fields, now).await?;
    if let Some(ids) = &patch.participants {
        let ids = check_participants(&mut *tx, current.class_id, ids).await?;
        tx.set_lesson_participants(id, &ids).await?;
    }
    if let Some(tokens) = &patch.materials {
        let ids = check_materials(&mut *tx, caller, tokens).await?;
        tx.set_lesson_materials(id, &ids).await?;
    }
    let record = lesson_record(&mut *tx, id).await?;
    notify(&mut *tx, record.class_id, Some(&record), "changed", now).await?;
    if moved {
        let offset = crate::lesson_notices::school_offset(&mut *tx).await?;
        let text = crate::lesson_notices::moved(&record, was_at, was_min, offset);
        tell_class_chat(&mut *tx, caller, &record, &text, now).await?;
    }
    let lesson = from_record(record)?;
    school.commit(tx).await?;
    Ok(lesson)
}

/// Cancels a lesson; it stays listed, marked cancelled.
pub async fn cancel(school: &School, caller: Caller, id: i64) -> Result<Lesson> {
    let mut tx = school.begin().await?;
    restrictions::enforce_write(&mut *tx, school.clock(), caller.user_id).await?;
    let current = lesson_record(&mut *tx, id).await?;
    require_manage(&mut *tx, caller, current.class_id).await?;
    let now = school.now_ms();
    if !tx.cancel_lesson(id, now).await? {
        return Err(Error::conflict(format!("Lesson {id} is cancelled already")));
    }
    let record = lesson_record(&mut *tx, id).await?;
    notify(&mut *tx, record.class_id, Some(&record), "cancelled", now).await?;
    let offset = crate::lesson_notices::school_offset(&mut *tx).await?;
    let text = crate::lesson_notices::cancelled(&record, offset);
    tell_class_chat(&mut *tx, caller, &record, &text, now).await?;
    let lesson = from_record(record)?;
    school.commit(tx).await?;
    Ok(lesson)
}

/// One lesson, for those who may read it.
pub async fn get(school: &School, caller: Caller, id: i64) -> Result<Lesson> {
    let mut tx = school.read().await?;
    let record = lesson_record(&mut *tx, id).await?;
    if !access::may_read_lesson(&mut *tx, caller, &record).await? {
        return Err(Error::denied("This lesson is not of your classes"));
    }
    from_record(record)
}

/// The lessons the caller may read that start in `[from, to)`, by start.
pub async fn list(school: &School, caller: Caller, from: i64, to: i64) -> Result<Vec<Lesson>> {
    if to <= from || to - from > MAX_SPAN_MS {
        return Err(Error::bad_request(
            "Give 'from' before 'to', at most a year apart",
        ));
    }
    list_for(
        &mut *school.read().await?,
        caller.user_id,
        caller.role,
        from,
        to,
    )
    .await
}

pub(super) async fn list_for(
    tx: &mut dyn Tx,
    user_id: i64,
    role: roles::Role,
    from: i64,
    to: i64,
) -> Result<Vec<Lesson>> {
    let everyone = roles::grant(role, Action::ManageLessons) == Grant::School;
    let records = tx
        .lessons_between((!everyone).then_some(user_id), from, to)
        .await?;
    records.into_iter().map(from_record).collect()
}
