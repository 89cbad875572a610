//! The update log and long polling (`GET /updates`).
//!
//! Every event is appended to the `updates` table inside the transaction that caused it, then
//! [`UpdateHub::published`] wakes the waiting polls. A device's position is a marker: the id of
//! the next update it wants. Passing a marker commits everything before it (MAX semantics);
//! polling without one resumes from the device's last committed marker.

use std::time::Duration;

use parta_model::max::{Update, UpdateList};
use sqlx::{Row, SqliteConnection, SqlitePool};
use tokio::sync::watch;

use crate::auth::Caller;
use crate::error::{Error, Result};

/// Limits of `GET /updates` from the schema.
pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 1000;
pub const DEFAULT_TIMEOUT_S: u64 = 30;
pub const MAX_TIMEOUT_S: u64 = 90;

/// Tells waiting long polls that the log has grown.
#[derive(Debug, Clone)]
pub struct UpdateHub {
    latest: watch::Sender<i64>,
}

impl UpdateHub {
    /// A hub that starts at the newest id already in the log.
    pub async fn load(pool: &SqlitePool) -> Result<Self> {
        let latest: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM updates")
            .fetch_one(pool)
            .await?;
        Ok(Self {
            latest: watch::Sender::new(latest),
        })
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
    pub async fn publish_latest(&self, pool: &SqlitePool) -> Result<()> {
        let latest: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM updates")
            .fetch_one(pool)
            .await?;
        self.published(latest);
        Ok(())
    }

    fn subscribe(&self) -> watch::Receiver<i64> {
        self.latest.subscribe()
    }
}

/// Appends an update for the members of `chat_id`; returns its id.
pub async fn append(
    conn: &mut SqliteConnection,
    chat_id: i64,
    update: &Update,
    now_ms: i64,
) -> Result<i64> {
    let payload = serde_json::to_string(update)?;
    let kind = serde_json::to_value(update)?
        .get("update_type")
        .and_then(|t| t.as_str().map(str::to_owned))
        .unwrap_or_default();
    let id = sqlx::query(
        "INSERT INTO updates (chat_id, update_type, payload, created_at) VALUES (?, ?, ?, ?)",
    )
    .bind(chat_id)
    .bind(kind)
    .bind(payload)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?
    .last_insert_rowid();
    Ok(id)
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
    pool: &SqlitePool,
    hub: &UpdateHub,
    mut shutdown: watch::Receiver<bool>,
    caller: Caller,
    query: PollQuery,
) -> Result<UpdateList> {
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
            sqlx::query("UPDATE devices SET update_marker = ? WHERE id = ?")
                .bind(marker)
                .bind(caller.device_id)
                .execute(pool)
                .await?;
            marker
        }
        None => {
            sqlx::query_scalar("SELECT update_marker FROM devices WHERE id = ?")
                .bind(caller.device_id)
                .fetch_one(pool)
                .await?
        }
    };
    let types = query.types.filter(|t| !t.is_empty());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout_s);
    let mut latest = hub.subscribe();
    loop {
        // Read the newest id before querying: SQLite commits ids in order, so every update up
        // to it is visible to the query, and an empty answer may skip past all of them.
        let seen = *latest.borrow_and_update();
        let (scanned, updates) =
            fetch(pool, caller.user_id, start, limit, types.as_deref()).await?;
        if let Some(last_id) = scanned {
            if updates.is_empty() {
                // Every row of this page was of a type the caller did not ask for.
                start = last_id + 1;
                continue;
            }
            return Ok(UpdateList {
                updates,
                marker: Some(last_id + 1),
            });
        }
        let idle = UpdateList {
            updates: Vec::new(),
            marker: Some(start.max(seen + 1)),
        };
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
    pool: &SqlitePool,
    user_id: i64,
    start: i64,
    limit: i64,
    types: Option<&[String]>,
) -> Result<(Option<i64>, Vec<Update>)> {
    // Returns the id of the last row scanned (of any type) and the updates that pass `types`.
    let rows = sqlx::query(
        "SELECT u.id, u.update_type, u.payload FROM updates u
         JOIN chat_members cm ON cm.chat_id = u.chat_id AND cm.user_id = ?
         WHERE u.id >= ? ORDER BY u.id LIMIT ?",
    )
    .bind(user_id)
    .bind(start)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut scanned = None;
    for row in rows {
        scanned = Some(row.try_get::<i64, _>("id")?);
        let kind: String = row.try_get("update_type")?;
        if types.is_some_and(|types| !types.contains(&kind)) {
            continue;
        }
        let payload: String = row.try_get("payload")?;
        out.push(serde_json::from_str(&payload)?);
    }
    Ok((scanned, out))
}
