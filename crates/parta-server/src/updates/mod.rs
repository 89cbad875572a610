//! The update log and long polling (`GET /updates`).
//!
//! Every event is appended to the `updates` table inside the transaction that caused it, then
//! [`UpdateHub::published`] wakes the waiting polls. A device's position is a marker: the id of
//! the next update it wants. Passing a marker commits everything before it (MAX semantics);
//! polling without one resumes from the device's last committed marker.
//!
//! Committed markers are kept in memory and written to the database in batches (every second
//! and at shutdown): a poll must not cost an fsync, or a message to a class of a thousand
//! listeners would cost a thousand. A crash may lose the last second of commits; a device that
//! polls without a marker then sees those updates again (clients deduplicate by message id),
//! and one that passes its own marker, as Parta's client does, loses nothing.

pub mod hub;

pub use hub::{PollAnswer, UpdateHub};
use hub::{PollBody, wanted};

use std::time::Duration;

use parta_model::max::Update;
use tokio::sync::watch;

use crate::context::{Caller, School};
use crate::error::{Error, Result};
use crate::store::prelude::*;

/// Limits of `GET /updates` from the schema.
pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 1000;
pub const DEFAULT_TIMEOUT_S: u64 = 30;
pub const MAX_TIMEOUT_S: u64 = 90;

/// Appends an update for the members of `chat_id`; returns its id.
pub async fn append(tx: &mut dyn Tx, chat_id: i64, update: &Update, now_ms: i64) -> Result<i64> {
    insert(tx, chat_id, None, update, now_ms).await
}

/// Appends an update for one person (Parta's own types: join requests for reviewers,
/// acknowledgements for an author, restrictions); returns its id.
pub async fn append_personal(
    tx: &mut dyn Tx,
    user_id: i64,
    update: &Update,
    now_ms: i64,
) -> Result<i64> {
    // Chat 0 is no chat: only the person named sees the row.
    insert(tx, 0, Some(user_id), update, now_ms).await
}

async fn insert(
    tx: &mut dyn Tx,
    chat_id: i64,
    user_id: Option<i64>,
    update: &Update,
    now_ms: i64,
) -> Result<i64> {
    let payload = serde_json::to_value(update)?;
    let kind = payload
        .get("update_type")
        .and_then(|t| t.as_str())
        .unwrap_or_default()
        .to_owned();
    Ok(tx
        .insert_update(chat_id, user_id, &kind, &payload.to_string(), now_ms)
        .await?)
}

/// What `GET /updates` may ask for.
#[derive(Debug, Default, Clone)]
pub struct PollQuery {
    pub limit: Option<i64>,
    pub timeout_s: Option<u64>,
    pub marker: Option<i64>,
    pub types: Option<Vec<String>>,
}

/// Returns the caller's updates from its marker on, waiting up to the timeout for the first.
/// `shutdown` turning true ends the wait early with what there is (possibly nothing).
pub async fn poll(
    school: &School,
    mut shutdown: watch::Receiver<bool>,
    caller: Caller,
    query: PollQuery,
) -> Result<PollAnswer> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(Error::bad_request(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    let timeout_s = query.timeout_s.unwrap_or(DEFAULT_TIMEOUT_S);
    if timeout_s > MAX_TIMEOUT_S {
        return Err(Error::bad_request(format!(
            "timeout must be at most {MAX_TIMEOUT_S} seconds"
        )));
    }
    let mut start = match query.marker {
        Some(marker) => {
            school.hub().commit_marker(caller.device_id, marker);
            marker
        }
        None => match school.hub().marker_of(caller.device_id) {
            Some(marker) => marker,
            None => school.read().await?.device_marker(caller.device_id).await?,
        },
    };
    let types = query.types.filter(|t| !t.is_empty());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout_s);
    let mut latest = school.hub().subscribe();
    loop {
        // Read the newest id before querying: SQLite commits ids in order, so every update up
        // to it is visible to the query, and an empty answer may skip past all of them.
        let seen = *latest.borrow_and_update();
        let found = school
            .hub()
            .recent(
                school.store(),
                caller.user_id,
                start,
                limit,
                types.as_deref(),
                seen,
            )
            .await?;
        let (scanned, body) = match found {
            // Staff may have quiet hours, which mark messages per recipient: typed for them.
            Some((scanned, stored)) if !caller.role.is_staff() => (
                scanned,
                PollBody::Stored(stored.into_iter().map(|s| s.json).collect()),
            ),
            Some((scanned, stored)) => (
                scanned,
                PollBody::Typed(stored.iter().map(|s| Update::clone(&s.update)).collect()),
            ),
            None => {
                let (scanned, updates) =
                    fetch(school, caller, start, limit, types.as_deref()).await?;
                (scanned, PollBody::Typed(updates))
            }
        };
        let body = match body {
            PollBody::Typed(mut updates) => {
                annotate_quiet_hours(school, caller, &mut updates).await?;
                PollBody::Typed(updates)
            }
            stored => stored,
        };
        if let Some(last_id) = scanned {
            let empty = match &body {
                PollBody::Typed(updates) => updates.is_empty(),
                PollBody::Stored(parts) => parts.is_empty(),
            };
            if empty {
                // Every row of this page was of a type the caller did not ask for.
                start = last_id + 1;
                continue;
            }
            return Ok(PollAnswer {
                marker: last_id + 1,
                body,
            });
        }
        let idle = PollAnswer::idle(start.max(seen + 1));
        if *shutdown.borrow() {
            return Ok(idle);
        }
        tokio::select! {
            changed = latest.changed() => {
                if changed.is_err() {
                    return Ok(idle);
                }
            }
            _ = tokio::time::sleep_until(deadline) => return Ok(idle),
            _ = shutdown.changed() => return Ok(idle),
        }
    }
}

async fn fetch(
    school: &School,
    caller: Caller,
    start: i64,
    limit: i64,
    types: Option<&[String]>,
) -> Result<(Option<i64>, Vec<Update>)> {
    // Returns the id of the last row scanned (of any type) and the updates that pass `types`.
    let rows = school
        .read()
        .await?
        .updates_for(caller.user_id, start, limit)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut scanned = None;
    for row in rows {
        scanned = Some(row.id);
        if !wanted(types, &row.kind) {
            continue;
        }
        out.push(serde_json::from_str(&row.payload)?);
    }
    Ok((scanned, out))
}

/// Marks parents' and pupils' messages that arrived in the caller's quiet hours (staff only;
/// one lookup per poll, and none for families, whose polls are most of them).
async fn annotate_quiet_hours(
    school: &School,
    caller: Caller,
    updates: &mut [Update],
) -> Result<()> {
    if !caller.role.is_staff()
        || !updates
            .iter()
            .any(|u| matches!(u, Update::MessageCreated { .. }))
    {
        return Ok(());
    }
    let mut tx = school.read().await?;
    let Some(hours) = tx.quiet_hours(caller.user_id).await? else {
        return Ok(());
    };
    for update in updates {
        if let Update::MessageCreated {
            timestamp,
            message,
            parta_silent_until,
            ..
        } = update
            && let Some(sender) = &message.sender
            && sender.user_id != caller.user_id
            && is_family(&mut *tx, sender.user_id).await?
        {
            *parta_silent_until = hours.silent_until(*timestamp);
        }
    }
    Ok(())
}

/// Whether the sender is a parent or a pupil (whose messages wait out a teacher's quiet hours).
async fn is_family(tx: &mut dyn Tx, user_id: i64) -> Result<bool> {
    let person = tx.person(user_id).await?;
    Ok(person.is_some_and(|p| !p.role.is_staff()))
}
