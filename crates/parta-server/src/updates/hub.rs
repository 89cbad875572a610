//! The update hub: what the server keeps in memory about the update log. It wakes waiting
//! long polls when the log grows, holds the newest updates parsed (and as stored JSON) with each
//! person's set of chats, and the markers devices committed since the last flush.

use std::collections::HashSet;
use std::time::Duration;

use parta_model::max::{Update, UpdateList};
use tokio::sync::watch;

use crate::error::Result;
use crate::store::prelude::*;

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
pub(super) struct Stored {
    pub(super) update: std::sync::Arc<Update>,
    pub(super) json: std::sync::Arc<str>,
}

/// What a poll answers: an `UpdateList`, either built from typed updates or, when the updates
/// came from memory and nothing in them is per-recipient, joined from their stored JSON (no
/// serialization per listener).
#[derive(Debug)]
pub struct PollAnswer {
    pub marker: i64,
    pub(super) body: PollBody,
}

#[derive(Debug)]
pub(super) enum PollBody {
    Typed(Vec<Update>),
    Stored(Vec<std::sync::Arc<str>>),
}

impl PollAnswer {
    pub(super) fn idle(marker: i64) -> Self {
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

    /// `user_id`'s updates from `start` (as `fetch` finds them), read from memory; `None`
    /// when memory does not reach back to `start`.
    pub(super) async fn recent(
        &self,
        store: &dyn Store,
        user_id: i64,
        start: i64,
        limit: i64,
        types: Option<&[String]>,
        seen: i64,
    ) -> Result<Option<(Option<i64>, Vec<Stored>)>> {
        if start <= self.recent.read().await.floor {
            return Ok(None);
        }
        self.refresh(store, seen).await?;
        let chats = self.chat_set(store, user_id).await?;
        let recent = self.recent.read().await;
        if start <= recent.floor {
            return Ok(None);
        }
        let first = recent.entries.partition_point(|e| e.id < start);
        let mut scanned = None;
        let mut out = Vec::new();
        let mut taken = 0;
        for entry in recent.entries.iter().skip(first) {
            let visible = chats.contains(&entry.chat_id) || entry.user_id == Some(user_id);
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
    pub(super) fn marker_of(&self, device_id: i64) -> Option<i64> {
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

    pub(super) fn subscribe(&self) -> watch::Receiver<i64> {
        self.latest.subscribe()
    }

    /// The newest published update id, to wait on (the MAX bridge's outgoing relay).
    pub fn watch(&self) -> watch::Receiver<i64> {
        self.latest.subscribe()
    }
}

/// Whether a poll gets an update of `kind`: Parta's own types go only to those who name them,
/// so a MAX client never sees them.
pub(crate) fn wanted(types: Option<&[String]>, kind: &str) -> bool {
    match types {
        Some(types) => types.iter().any(|t| t == kind),
        None => !kind.starts_with("parta_"),
    }
}
