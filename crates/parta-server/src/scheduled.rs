//! Scheduled messages and quiet hours (Parta extensions).
//!
//! A scheduled message is stored with its send time and sent by [`send_due`], which the server
//! runs a few times a second; the send uses the idempotency key `scheduled:<id>`, so a crash
//! between sending and recording it can never post it twice. The author's rights are checked
//! again at send time (membership, restrictions).
//!
//! Quiet hours are a teacher's evening: parents' messages that arrive then are delivered as
//! usual, but the teacher's devices are told not to notify before the hours end
//! (`parta_silent_until` on `message_created`).

use parta_model::max::NewMessageBody;
pub use parta_model::school::{QuietHours, ScheduleStatus, Scheduled};

use crate::access;
use crate::context::{Caller, School};
use crate::error::{Error, Result};
use crate::messages::{self, Kind};
use crate::roles::Action;
use crate::store::prelude::*;
use crate::store::schedule::ScheduledRecord;

/// How far ahead a message may be scheduled: a school year.
pub const MAX_AHEAD_MS: i64 = 366 * 86_400_000;

fn from_record(record: ScheduledRecord) -> Result<Scheduled> {
    Ok(Scheduled {
        id: record.id,
        chat_id: record.chat_id,
        body: serde_json::from_str(&record.body)?,
        announcement: record.announcement,
        send_at: record.send_at,
        status: ScheduleStatus::parse(&record.status),
        mid: record.mid,
        reason: record.reason,
    })
}

/// Schedules a message: checked now as a send would be, sent at `send_at`.
pub async fn schedule(
    school: &School,
    caller: Caller,
    chat_id: i64,
    body: NewMessageBody,
    send_at: i64,
    announcement: bool,
) -> Result<Scheduled> {
    messages::validate(&body)?;
    access::require_member(school, caller.user_id, chat_id).await?;
    if announcement {
        crate::roles::require(caller.role, Action::PostAnnouncements)?;
    }
    let now = school.now_ms();
    if send_at <= now {
        return Err(Error::bad_request("The send time must be in the future"));
    }
    if send_at > now + MAX_AHEAD_MS {
        return Err(Error::bad_request(
            "A message can be scheduled at most a year ahead",
        ));
    }
    let mut tx = school.read().await?;
    let id = tx
        .insert_scheduled(
            caller.user_id,
            chat_id,
            &serde_json::to_string(&body)?,
            announcement,
            send_at,
            now,
        )
        .await?;
    one(&mut *tx, caller, id).await
}

async fn one(tx: &mut dyn Tx, caller: Caller, id: i64) -> Result<Scheduled> {
    let record = tx
        .scheduled(caller.user_id, id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Scheduled message {id} not found")))?;
    from_record(record)
}

/// The caller's scheduled messages, pending first, by send time.
pub async fn list(school: &School, caller: Caller) -> Result<Vec<Scheduled>> {
    let records = school.read().await?.scheduled_of(caller.user_id).await?;
    records.into_iter().map(from_record).collect()
}

/// Cancels one of the caller's pending scheduled messages.
pub async fn cancel(school: &School, caller: Caller, id: i64) -> Result<Scheduled> {
    let mut tx = school.read().await?;
    if !tx.cancel_scheduled(caller.user_id, id).await? {
        let existing = one(&mut *tx, caller, id).await?;
        return Err(Error::conflict(format!(
            "Scheduled message {id} is no longer pending ({:?})",
            existing.status
        )));
    }
    one(&mut *tx, caller, id).await
}

/// Sends every scheduled message that is due; returns how many went out.
pub async fn send_due(school: &School) -> Result<usize> {
    let due = school
        .read()
        .await?
        .due_scheduled(school.now_ms(), 100)
        .await?;
    let mut sent = 0;
    for (record, role) in due {
        let id = record.id;
        let body: NewMessageBody = serde_json::from_str(&record.body)?;
        // The author, acting without a device: the send checks their rights as of now.
        let author = Caller {
            user_id: record.user_id,
            device_id: 0,
            role,
        };
        let kind = if record.announcement {
            Kind::Announcement
        } else {
            Kind::Message
        };
        let key = format!("scheduled:{id}");
        let chat_id = record.chat_id;
        match messages::send(school, author, chat_id, body, Some(&key), kind).await {
            Ok(message) => {
                school
                    .read()
                    .await?
                    .mark_scheduled_sent(id, &message.body.mid, school.now_ms())
                    .await?;
                sent += 1;
            }
            Err(Error::Api { message, .. }) => {
                school
                    .read()
                    .await?
                    .mark_scheduled_failed(id, &message)
                    .await?;
            }
            // Storage trouble: leave it pending for the next round.
            Err(other) => return Err(other),
        }
    }
    Ok(sent)
}

/// Sets (or with `None` clears) the caller's quiet hours. Staff only: they are for teachers.
pub async fn set_quiet_hours(
    school: &School,
    caller: Caller,
    hours: Option<QuietHours>,
) -> Result<()> {
    if !caller.role.is_staff() {
        return Err(Error::denied("Quiet hours are for the school's staff"));
    }
    if let Some(hours) = &hours
        && !hours.is_valid()
    {
        return Err(Error::bad_request(
            "Quiet hours need a start and an end between 00:00 and 23:59 that differ, \
             and a UTC offset between -12:00 and +14:00",
        ));
    }
    school
        .read()
        .await?
        .set_quiet_hours(caller.user_id, hours)
        .await?;
    Ok(())
}

/// The members of `chat_id` in their quiet hours now (the caller must be a member): a parent
/// sees before sending that the teacher will not be called until morning.
pub async fn quiet_in_chat(
    school: &School,
    caller: Caller,
    chat_id: i64,
) -> Result<Vec<parta_model::school::QuietMember>> {
    let mut tx = school.read().await?;
    access::require_member_on(&mut *tx, caller.user_id, chat_id).await?;
    let now = school.now_ms();
    Ok(tx
        .quiet_members(chat_id)
        .await?
        .into_iter()
        .filter(|(user_id, _, _)| *user_id != caller.user_id)
        .filter_map(|(user_id, name, hours)| {
            hours
                .silent_until(now)
                .map(|until| parta_model::school::QuietMember {
                    user_id,
                    name,
                    until,
                })
        })
        .collect())
}

/// The caller's own quiet hours (staff).
pub async fn my_quiet_hours(school: &School, caller: Caller) -> Result<Option<QuietHours>> {
    if !caller.role.is_staff() {
        return Err(Error::denied("Quiet hours are for the school's staff"));
    }
    quiet_hours(&mut *school.read().await?, caller.user_id).await
}

/// The quiet hours of `user_id`, if set.
pub async fn quiet_hours(tx: &mut dyn Tx, user_id: i64) -> Result<Option<QuietHours>> {
    Ok(tx.quiet_hours(user_id).await?)
}
