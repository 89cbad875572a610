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
    ConsentAnswer, ConsentChange, Lesson, LessonKind, LessonList, LessonPatch, NewLesson,
    RecordingStatus,
};
use parta_policy::consent;

use crate::auth::Caller;
use crate::classes::person_name;
use crate::clock::Clock;
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
    })
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
/// in its class and the class's parents.
async fn may_read(tx: &mut dyn Tx, caller: Caller, lesson: &LessonRecord) -> Result<bool> {
    Ok(
        roles::grant(caller.role, Action::ManageLessons) == Grant::School
            || lesson.teacher_id == caller.user_id
            || tx.teaches_class(caller.user_id, lesson.class_id).await?
            || tx
                .class_parent_ids(lesson.class_id)
                .await?
                .contains(&caller.user_id),
    )
}

/// Tells everyone who reads the class's lessons (its parents, its teachers and the lesson's
/// teacher) what changed, in the same transaction as the change (`parta_lesson`).
pub(crate) async fn notify(
    tx: &mut dyn Tx,
    class_id: i64,
    lesson: Option<&LessonRecord>,
    change: &str,
    now: i64,
) -> Result<()> {
    let mut readers: std::collections::BTreeSet<i64> =
        tx.class_parent_ids(class_id).await?.into_iter().collect();
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

/// Creates a lesson.
pub async fn create(
    store: &dyn Store,
    clock: &dyn Clock,
    caller: Caller,
    new: NewLesson,
) -> Result<Lesson> {
    let now = clock.now_ms();
    let mut tx = store.begin().await?;
    restrictions::enforce_write(&mut *tx, clock, caller.user_id).await?;
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
    let id = tx.insert_lesson(&fields, caller.user_id, now).await?;
    let record = lesson_record(&mut *tx, id).await?;
    notify(&mut *tx, record.class_id, Some(&record), "created", now).await?;
    let lesson = from_record(record)?;
    tx.commit().await?;
    Ok(lesson)
}

/// Changes a lesson: a move (start, length), the subject, link or notes.
pub async fn update(
    store: &dyn Store,
    clock: &dyn Clock,
    caller: Caller,
    id: i64,
    patch: LessonPatch,
) -> Result<Lesson> {
    let now = clock.now_ms();
    let mut tx = store.begin().await?;
    restrictions::enforce_write(&mut *tx, clock, caller.user_id).await?;
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
    tx.update_lesson(id, &fields, now).await?;
    let record = lesson_record(&mut *tx, id).await?;
    notify(&mut *tx, record.class_id, Some(&record), "changed", now).await?;
    let lesson = from_record(record)?;
    tx.commit().await?;
    Ok(lesson)
}

/// Cancels a lesson; it stays listed, marked cancelled.
pub async fn cancel(
    store: &dyn Store,
    clock: &dyn Clock,
    caller: Caller,
    id: i64,
) -> Result<Lesson> {
    let mut tx = store.begin().await?;
    restrictions::enforce_write(&mut *tx, clock, caller.user_id).await?;
    let current = lesson_record(&mut *tx, id).await?;
    require_manage(&mut *tx, caller, current.class_id).await?;
    let now = clock.now_ms();
    if !tx.cancel_lesson(id, now).await? {
        return Err(Error::conflict(format!("Lesson {id} is cancelled already")));
    }
    let record = lesson_record(&mut *tx, id).await?;
    notify(&mut *tx, record.class_id, Some(&record), "cancelled", now).await?;
    let lesson = from_record(record)?;
    tx.commit().await?;
    Ok(lesson)
}

/// One lesson, for those who may read it.
pub async fn get(store: &dyn Store, caller: Caller, id: i64) -> Result<Lesson> {
    let mut tx = store.read().await?;
    let record = lesson_record(&mut *tx, id).await?;
    if !may_read(&mut *tx, caller, &record).await? {
        return Err(Error::denied("This lesson is not of your classes"));
    }
    from_record(record)
}

/// The lessons the caller may read that start in `[from, to)`, by start.
pub async fn list(store: &dyn Store, caller: Caller, from: i64, to: i64) -> Result<Vec<Lesson>> {
    if to <= from || to - from > MAX_SPAN_MS {
        return Err(Error::bad_request(
            "Give 'from' before 'to', at most a year apart",
        ));
    }
    list_for(
        &mut *store.read().await?,
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
    store: &dyn Store,
    clock: &dyn Clock,
    caller: Caller,
    from: i64,
    to: i64,
    host: &str,
) -> Result<String> {
    let lessons = list(store, caller, from, to).await?;
    Ok(crate::calendar::ics(&lessons, host, clock.now_ms()))
}

/// A new private feed address for the caller (`/calendar/<token>.ics`); any earlier one stops
/// working. Only the token's hash is kept: the address is shown once.
pub async fn new_feed(store: &dyn Store, clock: &dyn Clock, caller: Caller) -> Result<String> {
    let token = crate::auth::random_secret("cal_", 24)?;
    store
        .read()
        .await?
        .set_feed(caller.user_id, &crate::auth::hash(&token), clock.now_ms())
        .await?;
    Ok(format!("/calendar/{token}.ics"))
}

/// Revokes the caller's feed.
pub async fn revoke_feed(store: &dyn Store, caller: Caller) -> Result<()> {
    if store.read().await?.clear_feed(caller.user_id).await? {
        Ok(())
    } else {
        Err(Error::not_found("You have no calendar feed"))
    }
}

/// The feed a token opens: its owner's lessons as iCalendar, while the owner may use the school.
pub async fn feed(store: &dyn Store, clock: &dyn Clock, token: &str, host: &str) -> Result<String> {
    let gone = || Error::not_found("This calendar address does not exist or was revoked");
    let now = clock.now_ms();
    let mut tx = store.read().await?;
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

/// A parent's answer about recording the lesson, for their child.
pub async fn answer(
    store: &dyn Store,
    clock: &dyn Clock,
    caller: Caller,
    id: i64,
    consent: bool,
) -> Result<RecordingStatus> {
    let mut tx = store.begin().await?;
    restrictions::enforce_write(&mut *tx, clock, caller.user_id).await?;
    let lesson = lesson_record(&mut *tx, id).await?;
    if !tx
        .class_parent_ids(lesson.class_id)
        .await?
        .contains(&caller.user_id)
    {
        return Err(Error::denied(
            "Only the parents of the class answer about recording its lessons",
        ));
    }
    if lesson.cancelled {
        return Err(Error::conflict(format!("Lesson {id} is cancelled")));
    }
    tx.insert_consent(id, caller.user_id, consent, clock.now_ms())
        .await?;
    let status = status_of(&mut *tx, caller, &lesson).await?;
    tx.commit().await?;
    Ok(status)
}

/// Whether the lesson may be recorded now, and for its teacher and the administration every
/// change of consent.
pub async fn recording(store: &dyn Store, caller: Caller, id: i64) -> Result<RecordingStatus> {
    let mut tx = store.read().await?;
    let lesson = lesson_record(&mut *tx, id).await?;
    if !may_read(&mut *tx, caller, &lesson).await? {
        return Err(Error::denied("This lesson is not of your classes"));
    }
    status_of(&mut *tx, caller, &lesson).await
}

async fn status_of(
    tx: &mut dyn Tx,
    caller: Caller,
    lesson: &LessonRecord,
) -> Result<RecordingStatus> {
    let participants = tx.class_parent_ids(lesson.class_id).await?;
    let answers = tx.consents(lesson.id).await?;
    let mut state = consent::Lesson::new();
    for who in &participants {
        state.apply(&consent::Event::Join { who: *who });
    }
    for a in &answers {
        state.apply(&if a.consent {
            consent::Event::Consent { who: a.user_id }
        } else {
            consent::Event::Decline { who: a.user_id }
        });
    }
    let (consented, present) = state.tally();
    let reads_changes = lesson.teacher_id == caller.user_id
        || roles::grant(caller.role, Action::ManageLessons) == Grant::School
        || tx.is_class_teacher(caller.user_id, lesson.class_id).await?;
    let mine = answers
        .iter()
        .rev()
        .find(|a| a.user_id == caller.user_id)
        .map(|a| a.consent);
    Ok(RecordingStatus {
        lesson_id: lesson.id,
        allowed: state.recording_allowed(),
        consented: u32::try_from(consented).unwrap_or(u32::MAX),
        participants: u32::try_from(present).unwrap_or(u32::MAX),
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
    })
}
