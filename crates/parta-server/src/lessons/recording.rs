//! Recording consent (procedure 6.4) during a lesson: participants' answers, who is present,
//! and the teacher's recording switch, replayed in time order through
//! `parta_policy::consent`, so that a withdrawal or a late joiner without consent stops a
//! running recording at once.

use parta_policy::consent;

use super::{
    ConsentChange, JOIN_EARLY_MS, LessonEvent, LessonEventKind, Presence, RecordingStatus,
    lesson_record, notify, require_manage,
};
use crate::access;
use crate::context::{Caller, School};
use crate::error::{Error, Result};
use crate::restrictions;
use crate::roles::{self, Action, Grant};
use crate::store::lessons::LessonRecord;
use crate::store::prelude::*;
use crate::users::person_name;

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
    if caller.role == crate::roles::Role::Pupil {
        return Err(Error::denied(
            "A pupil's parent answers about recording the lesson for them (procedure 6.4)",
        ));
    }
    if !access::lesson_participants(&mut *tx, &lesson)
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
    if !access::may_read_lesson(&mut *tx, caller, &lesson).await? {
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
    if !access::lesson_audience(&mut *tx, &lesson)
        .await?
        .contains(&who)
    {
        return Err(Error::denied(if who == caller.user_id {
            "Only the lesson's participants (the class's parents and pupils, or those invited) \
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
    /// The lesson's pupils with the parent who answers for each.
    pupils: Vec<(i64, i64)>,
}

/// A consent answer for `who` as the state machine's event.
fn answer_event(who: i64, consent: bool) -> consent::Event {
    if consent {
        consent::Event::Consent { who }
    } else {
        consent::Event::Decline { who }
    }
}

async fn replay(tx: &mut dyn Tx, lesson: &LessonRecord) -> Result<Replayed> {
    let answers = tx.consents(lesson.id).await?;
    // A pupil's consent is their parent's answer (6.4): each answer counts for the parent and
    // for every pupil the parent answers for.
    let pupils = access::lesson_pupils(tx, lesson).await?;
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
            let mut stopped = false;
            let children = pupils.iter().filter(|(_, parent)| *parent == x.user_id);
            for who in std::iter::once(x.user_id).chain(children.map(|(pupil, _)| *pupil)) {
                let event = answer_event(who, x.consent);
                stopped |= matches!(state.apply(&event), consent::Outcome::Stopped { .. });
            }
            if stopped {
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
        pupils,
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
        pupils,
    } = replay(tx, lesson).await?;
    let over = now >= ends_at(lesson) || lesson.cancelled;
    let present = if over { 0 } else { state.present_count() };
    let (consented, counted, allowed) = if present > 0 {
        let (c, n) = state.tally();
        (c, n, state.recording_allowed())
    } else {
        // Nobody in the lesson: everyone invited counts.
        let mut everyone = consent::Lesson::new();
        for who in &access::lesson_participants(tx, lesson).await? {
            everyone.apply(&consent::Event::Join { who: *who });
        }
        for a in &answers {
            everyone.apply(&answer_event(a.user_id, a.consent));
        }
        let (c, n) = everyone.tally();
        (c, n, everyone.recording_allowed())
    };
    let reads_changes = lesson.teacher_id == caller.user_id
        || roles::grant(caller.role, Action::ManageLessons) == Grant::School
        || tx.is_class_teacher(caller.user_id, lesson.class_id).await?;
    // A pupil's answer is their parent's.
    let answerer = pupils
        .into_iter()
        .find(|(pupil, _)| *pupil == caller.user_id)
        .map_or(caller.user_id, |(_, parent)| parent);
    let mine = answers
        .iter()
        .rev()
        .find(|a| a.user_id == answerer)
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
