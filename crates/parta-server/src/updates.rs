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

use std::collections::HashSet;
use std::time::Duration;

use parta_model::max::{Update, UpdateList};
use tokio::sync::watch;

use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::store::prelude::*;

/// Limits of `GET /updates` from the schema.
pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 1000;
pub const DEFAULT_TIMEOUT_S: u64 = 30;
pub const MAX_TIMEOUT_S: u64 = 90;

/// Tells waiting long polls that the log has grown, and holds the markers devices committed
/// since the last flush.
#[derive(Debug, Clone)]
pub struct UpdateHub {
    latest: watch::Sender<i64>,
    markers: std::sync::Arc<std::sync::Mutex<MarkerBook>>,
    recent: std::sync::Arc<tokio::sync::RwLock<Recent>>,
    chat_sets: std::sync::Arc<std::sync::Mutex<ChatSets>>,
}

/// The newest updates, parsed once, so that a message to a class of a thousand wakes a
/// thousand polls that read memory instead of the database. Holds the ids in
/// `(floor, newest]`; a poll from before `floor` reads the database as before.
#[derive(Debug, Default)]
struct Recent {
    entries: std::collections::VecDeque<RecentUpdate>,
    floor: i64,
    newest: i64,
}

#[derive(Debug)]
struct RecentUpdate {
    id: i64,
    chat_id: i64,
    user_id: Option<i64>,
    kind: String,
    update: std::sync::Arc<Update>,
    /// The update as stored: sent as it is when nothing in it is per-recipient.
    json: std::sync::Arc<str>,
}

/// An update from memory: parsed, and as stored.
#[derive(Debug, Clone)]
struct Stored {
    update: std::sync::Arc<Update>,
    json: std::sync::Arc<str>,
}

/// What a poll answers: an `UpdateList`, either built from typed updates or, when the updates
/// came from memory and nothing in them is per-recipient, joined from their stored JSON (no
/// serialization per listener).
#[derive(Debug)]
pub struct PollAnswer {
    pub marker: i64,
    body: PollBody,
}

#[derive(Debug)]
enum PollBody {
    Typed(Vec<Update>),
    Stored(Vec<std::sync::Arc<str>>),
}

impl PollAnswer {
    fn idle(marker: i64) -> Self {
        Self {
            marker,
            body: PollBody::Typed(Vec::new()),
        }
    }

    /// The `UpdateList` as JSON text.
    pub fn to_json(&self) -> Result<String> {
        match &self.body {
            PollBody::Typed(updates) => Ok(serde_json::to_string(&UpdateList {
                updates: updates.clone(),
                marker: Some(self.marker),
            })?),
            PollBody::Stored(parts) => {
                let size = parts.iter().map(|p| p.len() + 1).sum::<usize>() + 40;
                let mut out = String::with_capacity(size);
                out.push_str("{\"updates\":[");
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(part);
                }
                out.push_str("],\"marker\":");
                out.push_str(&self.marker.to_string());
                out.push('}');
                Ok(out)
            }
        }
    }
}

/// Most updates held in memory.
const RECENT_CAPACITY: usize = 10_000;
/// How long a person's set of chats is trusted without a membership update in between.
const CHAT_SET_TTL: Duration = Duration::from_secs(2);

/// Each person's chats, as last read, stamped with the membership generation of then.
#[derive(Debug, Default)]
struct ChatSets {
    generation: u64,
    sets: std::collections::HashMap<i64, (u64, std::time::Instant, std::sync::Arc<HashSet<i64>>)>,
}

/// Committed markers: the newest per device, and which are not in the database yet.
#[derive(Debug, Default)]
struct MarkerBook {
    known: std::collections::HashMap<i64, i64>,
    dirty: std::collections::HashSet<i64>,
}

impl UpdateHub {
    /// A hub that starts at the newest id already in the log.
    pub async fn load(store: &dyn Store) -> Result<Self> {
        let latest = store.read().await?.newest_update().await?;
        Ok(Self {
            latest: watch::Sender::new(latest),
            markers: Default::default(),
            recent: std::sync::Arc::new(tokio::sync::RwLock::new(Recent {
                entries: Default::default(),
                floor: latest,
                newest: latest,
            })),
            chat_sets: Default::default(),
        })
    }

    /// Loads what the log gained since the last load into memory (one query, whichever poll
    /// wakes first does it). Membership changes among them make every cached chat set stale.
    async fn refresh(&self, store: &dyn Store, wanted: i64) -> Result<()> {
        if self.recent.read().await.newest >= wanted {
            return Ok(());
        }
        let mut recent = self.recent.write().await;
        if recent.newest >= wanted {
            return Ok(());
        }
        let mut membership_changed = false;
        // In batches until everything up to `wanted` is held: an idle answer moves the marker
        // past `wanted`, so nothing below it may be missing.
        let mut tx = store.read().await?;
        while recent.newest < wanted {
            let rows = tx.updates_after(recent.newest, 5000).await?;
            if rows.is_empty() {
                break;
            }
            for row in rows {
                membership_changed |= matches!(row.kind.as_str(), "user_added" | "user_removed");
                recent.entries.push_back(RecentUpdate {
                    id: row.id,
                    chat_id: row.chat_id,
                    user_id: row.user_id,
                    kind: row.kind,
                    update: std::sync::Arc::new(serde_json::from_str(&row.payload)?),
                    json: row.payload.into(),
                });
                recent.newest = row.id;
            }
        }
        drop(tx);
        while recent.entries.len() > RECENT_CAPACITY {
            if let Some(old) = recent.entries.pop_front() {
                recent.floor = old.id;
            }
        }
        if membership_changed {
            self.chat_book().generation += 1;
        }
        Ok(())
    }

    fn chat_book(&self) -> std::sync::MutexGuard<'_, ChatSets> {
        self.chat_sets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The chats `user_id` is a member of, from memory while no membership changed.
    async fn chat_set(
        &self,
        store: &dyn Store,
        user_id: i64,
    ) -> Result<std::sync::Arc<HashSet<i64>>> {
        let generation = {
            let book = self.chat_book();
            if let Some((seen, at, set)) = book.sets.get(&user_id)
                && *seen == book.generation
                && at.elapsed() < CHAT_SET_TTL
            {
                return Ok(set.clone());
            }
            book.generation
        };
        let chats = store.read().await?.member_chat_ids(user_id).await?;
        let set = std::sync::Arc::new(chats.into_iter().collect::<HashSet<_>>());
        let mut book = self.chat_book();
        if book.sets.len() > 100_000 {
            book.sets.clear();
        }
        book.sets.insert(
            user_id,
            (generation, std::time::Instant::now(), set.clone()),
        );
        Ok(set)
    }

    /// The caller's updates from `start` (as [`fetch`] finds them), read from memory; `None`
    /// when memory does not reach back to `start`.
    async fn recent(
        &self,
        store: &dyn Store,
        caller: Caller,
        start: i64,
        limit: i64,
        types: Option<&[String]>,
        seen: i64,
    ) -> Result<Option<(Option<i64>, Vec<Stored>)>> {
        if start <= self.recent.read().await.floor {
            return Ok(None);
        }
        self.refresh(store, seen).await?;
        let chats = self.chat_set(store, caller.user_id).await?;
        let recent = self.recent.read().await;
        if start <= recent.floor {
            return Ok(None);
        }
        let first = recent.entries.partition_point(|e| e.id < start);
        let mut scanned = None;
        let mut out = Vec::new();
        let mut taken = 0;
        for entry in recent.entries.iter().skip(first) {
            let visible = chats.contains(&entry.chat_id) || entry.user_id == Some(caller.user_id);
            if !visible {
                continue;
            }
            if taken >= limit {
                break;
            }
            taken += 1;
            scanned = Some(entry.id);
            if wanted(types, &entry.kind) {
                out.push(Stored {
                    update: entry.update.clone(),
                    json: entry.json.clone(),
                });
            }
        }
        Ok(Some((scanned, out)))
    }

    fn book(&self) -> std::sync::MutexGuard<'_, MarkerBook> {
        // A panic elsewhere mid-update leaves plain numbers behind: keep using them.
        self.markers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records that `device_id` committed everything before `marker`.
    pub fn commit_marker(&self, device_id: i64, marker: i64) {
        let mut book = self.book();
        book.known.insert(device_id, marker);
        book.dirty.insert(device_id);
    }

    /// The device's committed marker, if it committed one since the server started.
    fn marker_of(&self, device_id: i64) -> Option<i64> {
        self.book().known.get(&device_id).copied()
    }

    /// Writes the markers committed since the last flush, in one transaction.
    pub async fn flush_markers(&self, store: &dyn Store) -> Result<usize> {
        let batch: Vec<(i64, i64)> = {
            let mut book = self.book();
            let dirty: Vec<i64> = book.dirty.drain().collect();
            dirty
                .into_iter()
                .filter_map(|d| book.known.get(&d).map(|m| (d, *m)))
                .collect()
        };
        if batch.is_empty() {
            return Ok(0);
        }
        let written = async {
            let mut tx = store.begin().await?;
            for (device, marker) in &batch {
                tx.set_device_marker(*device, *marker).await?;
            }
            tx.commit().await
        }
        .await;
        if let Err(e) = written {
            // Put them back for the next flush.
            let mut book = self.book();
            book.dirty.extend(batch.iter().map(|(d, _)| *d));
            return Err(e.into());
        }
        Ok(batch.len())
    }

    /// Call after the transaction that appended `id` has committed.
    pub fn published(&self, id: i64) {
        self.latest.send_if_modified(|latest| {
            let grew = id > *latest;
            if grew {
                *latest = id;
            }
            grew
        });
    }

    /// Publishes the newest id in the log: for writes that appended several updates (people
    /// joining chats) without counting them. Call after their transaction committed.
    pub async fn publish_latest(&self, store: &dyn Store) -> Result<()> {
        let latest = store.read().await?.newest_update().await?;
        self.published(latest);
        Ok(())
    }

    fn subscribe(&self) -> watch::Receiver<i64> {
        self.latest.subscribe()
    }
}

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
    store: &dyn Store,
    hub: &UpdateHub,
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
            hub.commit_marker(caller.device_id, marker);
            marker
        }
        None => match hub.marker_of(caller.device_id) {
            Some(marker) => marker,
            None => store.read().await?.device_marker(caller.device_id).await?,
        },
    };
    let types = query.types.filter(|t| !t.is_empty());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout_s);
    let mut latest = hub.subscribe();
    loop {
        // Read the newest id before querying: SQLite commits ids in order, so every update up
        // to it is visible to the query, and an empty answer may skip past all of them.
        let seen = *latest.borrow_and_update();
        let found = hub
            .recent(store, caller, start, limit, types.as_deref(), seen)
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
                    fetch(store, caller, start, limit, types.as_deref()).await?;
                (scanned, PollBody::Typed(updates))
            }
        };
        let body = match body {
            PollBody::Typed(mut updates) => {
                annotate_quiet_hours(store, caller, &mut updates).await?;
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
    store: &dyn Store,
    caller: Caller,
    start: i64,
    limit: i64,
    types: Option<&[String]>,
) -> Result<(Option<i64>, Vec<Update>)> {
    // Returns the id of the last row scanned (of any type) and the updates that pass `types`.
    let rows = store
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

/// Whether a poll gets an update of `kind`: Parta's own types go only to those who name them,
/// so a MAX client never sees them.
fn wanted(types: Option<&[String]>, kind: &str) -> bool {
    match types {
        Some(types) => types.iter().any(|t| t == kind),
        None => !kind.starts_with("parta_"),
    }
}

/// Marks parents' messages that arrived in the caller's quiet hours (staff only; one lookup
/// per poll, and none for parents, whose polls are most of them).
async fn annotate_quiet_hours(
    store: &dyn Store,
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
    let mut tx = store.read().await?;
    let Some(hours) = crate::scheduled::quiet_hours(&mut *tx, caller.user_id).await? else {
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
            && is_parent(&mut *tx, sender.user_id).await?
        {
            *parta_silent_until = hours.silent_until(*timestamp);
        }
    }
    Ok(())
}

async fn is_parent(tx: &mut dyn Tx, user_id: i64) -> Result<bool> {
    let person = tx.person(user_id).await?;
    Ok(person.is_some_and(|p| p.role == crate::roles::Role::Parent))
}
