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

pub use parta_model::lessons::{
    ConsentAnswer, ConsentChange, Lesson, LessonEvent, LessonEventKind, LessonKind, LessonList,
    LessonPatch, NewLesson, Participant, Presence, RecordingStatus, RecordingSwitch,
};
use parta_policy::consent;

use crate::classes::person_name;
use crate::context::{Caller, School};
use crate::error::{Error, Result};
use crate::restrictions;
use crate::roles::{self, Action, Grant};
use crate::store::lessons::{LessonFields, LessonRecord};
use crate::store::prelude::*;

/// How far from now a lesson may be placed or listed: a school year.
pub const MAX_SPAN_MS: i64 = 366 * 86_400_000;
pub(crate) const MAX_SUBJECT: usize = 200;
const MAX_NOTES: usize = 4000;
const MAX_LINK: usize = 2048;
/// Most parents invited to one group meeting, and most materials on one lesson.
const MAX_PARTICIPANTS: usize = 500;
const MAX_MATERIALS: usize = 20;
/// How long before its start a participant may join a lesson.
const JOIN_EARLY_MS: i64 = 30 * 60_000;
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
        materials: r.materials.iter().map(crate::uploads::attachment).collect(),
    })
}

/// Who takes part (and answers about recording): the parents invited to a group's meeting, or
/// else every parent of the class, each answering for their child; by id.
async fn participants_of(tx: &mut dyn Tx, lesson: &LessonRecord) -> Result<Vec<i64>> {
    if lesson.participants.is_empty() {
        Ok(tx.class_parent_ids(lesson.class_id).await?)
    } else {
        Ok(lesson.participants.iter().map(|p| p.user_id).collect())
    }
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
            && !material_visible(tx, caller, &upload.id).await?
        {
            return Err(unknown());
        }
        if !ids.contains(&upload.id) {
            ids.push(upload.id);
        }
    }
    Ok(ids)
}

/// Whether the upload is the material of a lesson the caller may read.
pub(crate) async fn material_visible(
    tx: &mut dyn Tx,
    caller: Caller,
    upload_id: &str,
) -> Result<bool> {
    for id in tx.lessons_with_material(upload_id).await? {
        if let Some(lesson) = tx.lesson(id).await?
            && may_read(tx, caller, &lesson).await?
        {
            return Ok(true);
        }
    }
    Ok(false)
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
async fn require_manage(tx: &mut dyn Tx, caller: Caller, class_id: i64) -> Result<Grant> {
    let grant = roles::require(caller.role, Action::ManageLessons)?;
    if grant == Grant::OwnClass && !tx.teaches_class(caller.user_id, class_id).await? {
        return Err(Error::denied(
            "You may manage lessons only of the classes you teach",
        ));
    }
    Ok(grant)
}

async fn lesson_record(tx: &mut dyn Tx, id: i64) -> Result<LessonRecord> {
    tx.lesson(id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Lesson {id} not found")))
}

/// Whether the caller may read the lesson: the administration, its teacher, those who teach
/// in its class and its participants (the class's parents, or those invited to a group's).
async fn may_read(tx: &mut dyn Tx, caller: Caller, lesson: &LessonRecord) -> Result<bool> {
    Ok(
        roles::grant(caller.role, Action::ManageLessons) == Grant::School
            || lesson.teacher_id == caller.user_id
            || tx.teaches_class(caller.user_id, lesson.class_id).await?
            || participants_of(tx, lesson).await?.contains(&caller.user_id),
    )
}

/// Tells everyone who reads the lesson (its participants, the class's teachers and the
/// lesson's teacher; for a whole timetable, the class's parents and teachers) what changed, in the same transaction as the change (`parta_lesson`).
pub(crate) async fn notify(
    tx: &mut dyn Tx,
    class_id: i64,
    lesson: Option<&LessonRecord>,
    change: &str,
    now: i64,
) -> Result<()> {
    let mut readers: std::collections::BTreeSet<i64> = match lesson {
        Some(lesson) => participants_of(tx, lesson).await?,
        None => tx.class_parent_ids(class_id).await?,
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
    if !may_read(&mut *tx, caller, &record).await? {
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

async fn list_for(
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

/// What the private calendar feed holds: from a month back to half a year ahead.
const FEED_BACK_MS: i64 = 31 * 86_400_000;
const FEED_AHEAD_MS: i64 = 183 * 86_400_000;

/// The caller's lessons in `[from, to)` as an iCalendar file.
pub async fn export(
    school: &School,
    caller: Caller,
    from: i64,
    to: i64,
    host: &str,
) -> Result<String> {
    let lessons = list(school, caller, from, to).await?;
    Ok(crate::calendar::ics(&lessons, host, school.now_ms()))
}

/// A new private feed address for the caller (`/calendar/<token>.ics`); any earlier one stops
/// working. Only the token's hash is kept: the address is shown once.
pub async fn new_feed(school: &School, caller: Caller) -> Result<String> {
    let token = crate::auth::random_secret("cal_", 24)?;
    school
        .read()
        .await?
        .set_feed(caller.user_id, &crate::auth::hash(&token), school.now_ms())
        .await?;
    Ok(format!("/calendar/{token}.ics"))
}

/// Revokes the caller's feed.
pub async fn revoke_feed(school: &School, caller: Caller) -> Result<()> {
    if school.read().await?.clear_feed(caller.user_id).await? {
        Ok(())
    } else {
        Err(Error::not_found("You have no calendar feed"))
    }
}

/// The feed a token opens: its owner's lessons as iCalendar, while the owner may use the school.
pub async fn feed(school: &School, token: &str, host: &str) -> Result<String> {
    let gone = || Error::not_found("This calendar address does not exist or was revoked");
    let now = school.now_ms();
    let mut tx = school.read().await?;
    let owner = tx
        .feed_owner(&crate::auth::hash(token))
        .await?
        .ok_or_else(gone)?;
    let person = tx
        .person(owner)
        .await?
        .filter(|p| !p.removed)
        .ok_or_else(gone)?;
    if let Some(r) = tx.restriction(owner, now).await?
        && r.mode == parta_model::school::RestrictionMode::Blocked
    {
        return Err(Error::denied(
            "This person's access to the school is blocked",
        ));
    }
    let lessons = list_for(
        &mut *tx,
        owner,
        person.role,
        now - FEED_BACK_MS,
        now + FEED_AHEAD_MS,
    )
    .await?;
    Ok(crate::calendar::ics(&lessons, host, now))
}

/// A participant's answer about recording the lesson (a parent answers for their child).
/// Declining while the recording runs stops it at once.
pub async fn answer(
    school: &School,
    caller: Caller,
    id: i64,
    consent: bool,
) -> Result<RecordingStatus> {
    let now = school.now_ms();
    let mut tx = school.begin().await?;
    restrictions::enforce_write(&mut *tx, school.clock(), caller.user_id).await?;
    let lesson = lesson_record(&mut *tx, id).await?;
    if !participants_of(&mut *tx, &lesson)
        .await?
        .contains(&caller.user_id)
    {
        return Err(Error::denied(
            "Only the lesson's participants (the parents of the class, or those invited) \
             answer about recording it",
        ));
    }
    if lesson.cancelled {
        return Err(Error::conflict(format!("Lesson {id} is cancelled")));
    }
    tx.insert_consent(id, caller.user_id, consent, now).await?;
    notify(&mut *tx, lesson.class_id, Some(&lesson), "consent", now).await?;
    let status = status_of(&mut *tx, caller, &lesson, now).await?;
    school.commit(tx).await?;
    Ok(status)
}

/// Whether the lesson may be recorded now, and for its teacher and the administration every
/// change of consent, presence and recording.
pub async fn recording(school: &School, caller: Caller, id: i64) -> Result<RecordingStatus> {
    let mut tx = school.read().await?;
    let lesson = lesson_record(&mut *tx, id).await?;
    if !may_read(&mut *tx, caller, &lesson).await? {
        return Err(Error::denied("This lesson is not of your classes"));
    }
    status_of(&mut *tx, caller, &lesson, school.now_ms()).await
}

/// Fails unless the lesson is on (or about to begin): joining and recording happen then.
fn require_running(lesson: &LessonRecord, now: i64) -> Result<()> {
    if lesson.cancelled {
        return Err(Error::conflict(format!(
            "Lesson {} is cancelled",
            lesson.id
        )));
    }
    if now < lesson.starts_at - JOIN_EARLY_MS {
        return Err(Error::conflict(
            "The lesson has not begun yet: it opens 30 minutes before its start",
        ));
    }
    if now >= ends_at(lesson) {
        return Err(Error::conflict("The lesson is over"));
    }
    Ok(())
}

fn ends_at(lesson: &LessonRecord) -> i64 {
    lesson.starts_at + lesson.duration_min * 60_000
}

/// A participant joined or left the lesson. Participants report their own presence; the
/// lesson's managers (its teacher, the class's teachers, the administration) anyone's. A
/// participant joining without consent stops a running recording at once.
pub async fn presence(
    school: &School,
    caller: Caller,
    id: i64,
    presence: Presence,
) -> Result<RecordingStatus> {
    let now = school.now_ms();
    let mut tx = school.begin().await?;
    restrictions::enforce_write(&mut *tx, school.clock(), caller.user_id).await?;
    let lesson = lesson_record(&mut *tx, id).await?;
    let who = presence.user_id.unwrap_or(caller.user_id);
    if who != caller.user_id {
        require_manage(&mut *tx, caller, lesson.class_id).await?;
    }
    if !participants_of(&mut *tx, &lesson).await?.contains(&who) {
        return Err(Error::denied(if who == caller.user_id {
            "Only the lesson's participants (the parents of the class, or those invited) \
             report joining it"
        } else {
            "This person is not a participant of the lesson"
        }));
    }
    require_running(&lesson, now)?;
    let state = replay(&mut *tx, &lesson).await?.state;
    if state.is_present(who) != presence.present {
        let event = if presence.present { "join" } else { "leave" };
        tx.insert_lesson_event(id, who, event, now).await?;
        notify(&mut *tx, lesson.class_id, Some(&lesson), "presence", now).await?;
    }
    let status = status_of(&mut *tx, caller, &lesson, now).await?;
    school.commit(tx).await?;
    Ok(status)
}

/// The teacher starts or stops the recording. Starting is refused, naming who is missing,
/// unless everyone present has consented (6.4).
pub async fn switch_recording(
    school: &School,
    caller: Caller,
    id: i64,
    on: bool,
) -> Result<RecordingStatus> {
    let now = school.now_ms();
    let mut tx = school.begin().await?;
    restrictions::enforce_write(&mut *tx, school.clock(), caller.user_id).await?;
    let lesson = lesson_record(&mut *tx, id).await?;
    if lesson.teacher_id != caller.user_id {
        require_manage(&mut *tx, caller, lesson.class_id).await?;
    }
    require_running(&lesson, now)?;
    let mut state = replay(&mut *tx, &lesson).await?.state;
    let event = if on {
        consent::Event::StartRecording
    } else {
        consent::Event::StopRecording
    };
    match state.apply(&event) {
        consent::Outcome::Refused { missing } if missing.is_empty() => {
            return Err(Error::conflict(
                "Nobody has joined the lesson yet: recording starts once participants are in",
            ));
        }
        consent::Outcome::Refused { missing } => {
            let mut names = Vec::with_capacity(missing.len());
            for who in missing {
                names.push(match tx.person(who).await? {
                    Some(p) => person_name(&p.user.first_name, p.user.last_name.as_deref()),
                    None => format!("user {who}"),
                });
            }
            return Err(Error::conflict(format!(
                "Recording needs the consent of everyone present (procedure 6.4); not yet: {}",
                names.join(", ")
            )));
        }
        consent::Outcome::Started => {
            tx.insert_lesson_event(id, caller.user_id, "start", now)
                .await?;
            notify(&mut *tx, lesson.class_id, Some(&lesson), "recording", now).await?;
        }
        consent::Outcome::Stopped { .. } => {
            tx.insert_lesson_event(id, caller.user_id, "stop", now)
                .await?;
            notify(&mut *tx, lesson.class_id, Some(&lesson), "recording", now).await?;
        }
        consent::Outcome::Unchanged => {}
    }
    let status = status_of(&mut *tx, caller, &lesson, now).await?;
    school.commit(tx).await?;
    Ok(status)
}

/// A lesson's consent answers, presence and recording replayed in time order through the
/// consent state machine, with the log its teacher reads.
struct Replayed {
    state: consent::Lesson,
    events: Vec<LessonEvent>,
    answers: Vec<crate::store::lessons::ConsentRecord>,
}

/// A kept consent answer as the state machine's event.
fn answer_event(a: &crate::store::lessons::ConsentRecord) -> consent::Event {
    if a.consent {
        consent::Event::Consent { who: a.user_id }
    } else {
        consent::Event::Decline { who: a.user_id }
    }
}

async fn replay(tx: &mut dyn Tx, lesson: &LessonRecord) -> Result<Replayed> {
    let answers = tx.consents(lesson.id).await?;
    let log = tx.lesson_events(lesson.id).await?;
    let mut state = consent::Lesson::new();
    let mut events = Vec::new();
    // Merge the two logs by time; at the same millisecond an answer goes first.
    let (mut a, mut l) = (answers.iter().peekable(), log.iter().peekable());
    loop {
        let answer_first = match (a.peek(), l.peek()) {
            (None, None) => break,
            (Some(x), Some(y)) => x.at <= y.at,
            (Some(_), None) => true,
            (None, Some(_)) => false,
        };
        if answer_first {
            let Some(x) = a.next() else { break };
            let event = answer_event(x);
            if let consent::Outcome::Stopped { .. } = state.apply(&event) {
                events.push(LessonEvent {
                    kind: LessonEventKind::StoppedConsentWithdrawn,
                    user_id: x.user_id,
                    name: person_name(&x.first_name, x.last_name.as_deref()),
                    at: x.at,
                });
            }
            continue;
        }
        let Some(y) = l.next() else { break };
        let event = match y.event.as_str() {
            "join" => consent::Event::Join { who: y.user_id },
            "leave" => consent::Event::Leave { who: y.user_id },
            "start" => consent::Event::StartRecording,
            "stop" => consent::Event::StopRecording,
            other => {
                return Err(Error::api(
                    crate::error::ErrorCode::Internal,
                    format!("lesson {} has an event {other:?}", lesson.id),
                ));
            }
        };
        let outcome = state.apply(&event);
        let name = person_name(&y.first_name, y.last_name.as_deref());
        let mut push = |kind| {
            events.push(LessonEvent {
                kind,
                user_id: y.user_id,
                name: name.clone(),
                at: y.at,
            })
        };
        match (&event, outcome) {
            (consent::Event::Join { .. }, outcome) => {
                push(LessonEventKind::Joined);
                if let consent::Outcome::Stopped { .. } = outcome {
                    push(LessonEventKind::StoppedJoinedWithoutConsent);
                }
            }
            (consent::Event::Leave { .. }, outcome) => {
                push(LessonEventKind::Left);
                if let consent::Outcome::Stopped { .. } = outcome {
                    push(LessonEventKind::RecordingStopped);
                }
            }
            (_, consent::Outcome::Started) => push(LessonEventKind::RecordingStarted),
            (_, consent::Outcome::Stopped { .. }) => push(LessonEventKind::RecordingStopped),
            _ => {}
        }
    }
    Ok(Replayed {
        state,
        events,
        answers,
    })
}

async fn status_of(
    tx: &mut dyn Tx,
    caller: Caller,
    lesson: &LessonRecord,
    now: i64,
) -> Result<RecordingStatus> {
    let Replayed {
        state,
        events,
        answers,
    } = replay(tx, lesson).await?;
    let over = now >= ends_at(lesson) || lesson.cancelled;
    let present = if over { 0 } else { state.present_count() };
    let (consented, counted, allowed) = if present > 0 {
        let (c, n) = state.tally();
        (c, n, state.recording_allowed())
    } else {
        // Nobody in the lesson: everyone invited counts.
        let mut everyone = consent::Lesson::new();
        for who in &participants_of(tx, lesson).await? {
            everyone.apply(&consent::Event::Join { who: *who });
        }
        for a in &answers {
            everyone.apply(&answer_event(a));
        }
        let (c, n) = everyone.tally();
        (c, n, everyone.recording_allowed())
    };
    let reads_changes = lesson.teacher_id == caller.user_id
        || roles::grant(caller.role, Action::ManageLessons) == Grant::School
        || tx.is_class_teacher(caller.user_id, lesson.class_id).await?;
    let mine = answers
        .iter()
        .rev()
        .find(|a| a.user_id == caller.user_id)
        .map(|a| a.consent);
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(RecordingStatus {
        lesson_id: lesson.id,
        allowed,
        consented: count(consented),
        participants: count(counted),
        recording: !over && state.is_recording(),
        present: count(present),
        here: !over && state.is_present(caller.user_id),
        mine,
        changes: reads_changes.then(|| {
            answers
                .into_iter()
                .map(|a| ConsentChange {
                    name: person_name(&a.first_name, a.last_name.as_deref()),
                    user_id: a.user_id,
                    consent: a.consent,
                    at: a.at,
                })
                .collect()
        }),
        events: reads_changes.then_some(events),
    })
}
