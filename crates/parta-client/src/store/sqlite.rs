//! The SQLite [`Store`]: one file in the app's data directory, WAL mode.

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection, SqlitePool};

use super::{Batch, CachedChat, CachedFile, CachedMessage, OutboxItem, Side, Store, StoredProfile};
use super::{Result, StoreError};
use crate::search::{self, Query};
use parta_model::view::MemberView;

/// A transaction that takes the write lock at once (`BEGIN IMMEDIATE`): one that starts by
/// reading and then writes could not be upgraded while another connection writes (SQLite
/// answers "database is locked" at once, without waiting), which broke sync when a file was
/// kept while updates were applied.
async fn write(pool: &SqlitePool) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

/// The cache in an SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the cache file and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Self> {
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: the outbox shares this file, and a message the user wrote must survive a
            // power cut once we said it was saved.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        index_existing(&pool).await?;
        Ok(Self { pool })
    }

    /// Closes the file (waits for open connections).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn chat_from_row(row: &SqliteRow) -> Result<CachedChat> {
    Ok(CachedChat {
        chat_id: row.try_get("chat_id")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        participants_count: row.try_get("participants_count")?,
        last_event_time: row.try_get("last_event_time")?,
        pinned_mid: row.try_get("pinned_mid")?,
    })
}

fn outbox_from_row(row: &SqliteRow) -> Result<OutboxItem> {
    Ok(OutboxItem {
        local_id: row.try_get("local_id")?,
        chat_id: row.try_get("chat_id")?,
        text: row.try_get("text")?,
        created_at: row.try_get("created_at")?,
        attempts: row.try_get("attempts")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
        failed: row.try_get("failed")?,
        attachments: from_json(row.try_get("attachments")?)?,
        reply_to: row.try_get("reply_to")?,
    })
}

/// A JSON column (attachments) as written by [`to_json`].
fn from_json<T: serde::de::DeserializeOwned>(text: String) -> Result<T> {
    serde_json::from_str(&text)
        .map_err(|e| StoreError::Corrupt(format!("the cache holds unreadable attachments: {e}")))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| StoreError::Corrupt(format!("attachments could not be saved: {e}")))
}

fn file_from_row(row: &SqliteRow) -> Result<CachedFile> {
    Ok(CachedFile {
        token: row.try_get("token")?,
        name: row.try_get("name")?,
        size: u64::try_from(row.try_get::<i64, _>("size")?).unwrap_or(0),
        last_used: row.try_get("last_used")?,
    })
}

fn message_from_row(row: &SqliteRow) -> Result<CachedMessage> {
    Ok(CachedMessage {
        mid: row.try_get("mid")?,
        chat_id: row.try_get("chat_id")?,
        seq: row.try_get("seq")?,
        sender_id: row.try_get("sender_id")?,
        sender_name: row.try_get("sender_name")?,
        text: row.try_get("text")?,
        timestamp: row.try_get("timestamp")?,
        attachments: from_json(row.try_get("attachments")?)?,
        reply_to: row
            .try_get::<Option<String>, _>("reply")?
            .map(from_json)
            .transpose()?,
        markup: row
            .try_get::<Option<String>, _>("markup")?
            .map(from_json)
            .transpose()?
            .unwrap_or_default(),
    })
}

/// Rows per multi-row statement: 12 values each, far below SQLite's 32,766 variables. One
/// statement per hundred messages instead of four per message is what makes a first sync of
/// thousands of messages quick (docs/benchmarks.md).
const UPSERT_CHUNK: usize = 100;

/// Messages of one millisecond that can have time-ordered rowids (see migration 0003).
const SAME_MILLISECOND: i64 = 1024;

/// The time-ordered rowid a message would like, if its timestamp allows one.
fn time_key(timestamp: i64) -> Option<i64> {
    (0..=8_000_000_000_000_000 / SAME_MILLISECOND)
        .contains(&timestamp)
        .then(|| timestamp * SAME_MILLISECOND)
}

/// Picks free time-ordered rowids for new messages: a slot of each one's millisecond chosen by
/// a hash of its id (so that messages of one millisecond rarely meet), checked against the table
/// in one query per round; taken slots move on to the next. After a few rounds (a crowded
/// millisecond) SQLite picks the rowid.
async fn assign_keys(
    conn: &mut SqliteConnection,
    messages: &[&CachedMessage],
) -> Result<Vec<Option<i64>>> {
    let mut keys: Vec<Option<i64>> = messages
        .iter()
        .map(|m| {
            let slot = crate::stable_hash(m.mid.as_bytes()) % SAME_MILLISECOND as u64;
            time_key(m.timestamp).map(|base| base + slot as i64)
        })
        .collect();
    let mut unsettled: Vec<usize> = (0..keys.len()).filter(|&i| keys[i].is_some()).collect();
    let mut claimed = std::collections::HashSet::new();
    for _ in 0..8 {
        if unsettled.is_empty() {
            break;
        }
        let mut lookup = QueryBuilder::<Sqlite>::new("SELECT rowid FROM messages WHERE rowid IN (");
        let mut list = lookup.separated(", ");
        for &i in &unsettled {
            list.push_bind(keys[i].unwrap_or_default());
        }
        list.push_unseparated(")");
        let taken: std::collections::HashSet<i64> = lookup
            .build_query_scalar()
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
        let mut next = Vec::new();
        for i in unsettled {
            let Some(key) = keys[i] else { continue };
            if taken.contains(&key) || !claimed.insert(key) {
                keys[i] = Some(next_slot(key));
                next.push(i);
            }
        }
        unsettled = next;
    }
    for i in unsettled {
        keys[i] = None;
    }
    Ok(keys)
}

/// The next slot in the same millisecond (wrapping round).
fn next_slot(key: i64) -> i64 {
    let base = key - key.rem_euclid(SAME_MILLISECOND);
    base + (key + 1).rem_euclid(SAME_MILLISECOND)
}

async fn upsert_on(
    conn: &mut SqliteConnection,
    profile_id: &str,
    messages: &[CachedMessage],
) -> Result<()> {
    // The last version of a message given twice wins, as if they were applied one by one.
    let mut unique: Vec<&CachedMessage> = Vec::with_capacity(messages.len());
    let mut position: HashMap<&str, usize> = HashMap::with_capacity(messages.len());
    for m in messages {
        match position.get(m.mid.as_str()) {
            Some(&i) => unique[i] = m,
            None => {
                position.insert(&m.mid, unique.len());
                unique.push(m);
            }
        }
    }
    // Oldest first: rowids follow time, and FTS5 takes rising rowids in one go (a falling one
    // makes it write out what it holds; newest-first pages did that a hundred times a chat).
    unique.sort_by_key(|m| (m.timestamp, m.seq));
    let position: HashMap<&str, usize> = unique
        .iter()
        .enumerate()
        .map(|(i, m)| (m.mid.as_str(), i))
        .collect();
    let mut newest: Vec<(i64, i64)> = Vec::new();
    for chunk in unique.chunks(UPSERT_CHUNK) {
        // Messages already cached are edits: what was indexed for them goes first.
        let mut existing =
            QueryBuilder::<Sqlite>::new("SELECT mid, rowid FROM messages WHERE profile_id = ");
        existing
            .push_bind(profile_id.to_owned())
            .push(" AND mid IN (");
        let mut list = existing.separated(", ");
        for m in chunk {
            list.push_bind(m.mid.clone());
        }
        list.push_unseparated(")");
        let old: HashMap<String, i64> = existing
            .build_query_as::<(String, i64)>()
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
        if !old.is_empty() {
            let mut unindex =
                QueryBuilder::<Sqlite>::new("DELETE FROM messages_fts WHERE rowid IN (");
            let mut list = unindex.separated(", ");
            for rowid in old.values() {
                list.push_bind(*rowid);
            }
            list.push_unseparated(")");
            unindex.build().execute(&mut *conn).await?;
        }
        // Cached ones keep their rowid; new ones get a time-ordered one.
        let fresh: Vec<&CachedMessage> = chunk
            .iter()
            .copied()
            .filter(|m| !old.contains_key(&m.mid))
            .collect();
        let fresh_keys = assign_keys(conn, &fresh).await?;
        let mut keyed: Vec<(Option<i64>, &CachedMessage)> = chunk
            .iter()
            .filter(|m| old.contains_key(&m.mid))
            .map(|m| (None, *m))
            .collect();
        keyed.extend(fresh_keys.into_iter().zip(fresh));

        let mut upsert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO messages
                (rowid, profile_id, mid, chat_id, seq, sender_id, sender_name, text, timestamp,
                 attachments, reply, markup) ",
        );
        let mut keyed_json = Vec::with_capacity(keyed.len());
        for (rowid, m) in keyed {
            let reply = m.reply_to.as_ref().map(to_json).transpose()?;
            let markup = (!m.markup.is_empty())
                .then(|| to_json(&m.markup))
                .transpose()?;
            keyed_json.push((rowid, m, to_json(&m.attachments)?, reply, markup));
        }
        upsert.push_values(
            keyed_json,
            |mut row, (rowid, m, attachments, reply, markup)| {
                row.push_bind(rowid)
                    .push_bind(profile_id.to_owned())
                    .push_bind(m.mid.clone())
                    .push_bind(m.chat_id)
                    .push_bind(m.seq)
                    .push_bind(m.sender_id)
                    .push_bind(m.sender_name.clone())
                    .push_bind(m.text.clone())
                    .push_bind(m.timestamp)
                    .push_bind(attachments)
                    .push_bind(reply)
                    .push_bind(markup);
            },
        );
        // A cached message is sent without a rowid: the only conflict is on its
        // (profile, mid), which becomes an update and keeps the rowid it has.
        upsert.push(
            " ON CONFLICT (profile_id, mid) DO UPDATE SET
                chat_id = excluded.chat_id, seq = excluded.seq, sender_id = excluded.sender_id,
                sender_name = excluded.sender_name, text = excluded.text,
                timestamp = excluded.timestamp, attachments = excluded.attachments,
                reply = excluded.reply, markup = excluded.markup
             RETURNING rowid, mid",
        );
        let rows: Vec<(i64, String)> = upsert.build_query_as().fetch_all(&mut *conn).await?;

        let mut entries = Vec::with_capacity(rows.len());
        for (rowid, mid) in rows {
            let m = position
                .get(mid.as_str())
                .and_then(|&i| unique.get(i))
                .ok_or_else(|| {
                    StoreError::Corrupt(format!("the cache returned an unknown message {mid}"))
                })?;
            entries.push((rowid, search::index_text(profile_id, m.chat_id, &m.text)));
        }
        entries.sort_by_key(|(rowid, _)| *rowid);
        if !entries.is_empty() {
            let mut index = QueryBuilder::<Sqlite>::new("INSERT INTO messages_fts (rowid, stems) ");
            index.push_values(entries, |mut row, (rowid, stems)| {
                row.push_bind(rowid).push_bind(stems);
            });
            index.build().execute(&mut *conn).await?;
        }
        for m in chunk {
            match newest.iter_mut().find(|(chat, _)| *chat == m.chat_id) {
                Some((_, time)) => *time = (*time).max(m.timestamp),
                None => newest.push((m.chat_id, m.timestamp)),
            }
        }
    }
    for (chat_id, time) in newest {
        sqlx::query(
            "UPDATE chats SET last_event_time = MAX(last_event_time, ?)
             WHERE profile_id = ? AND chat_id = ?",
        )
        .bind(time)
        .bind(profile_id)
        .bind(chat_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// (Re)indexes one message for search; `replace` drops what was indexed for it before.
async fn unindex_on(conn: &mut SqliteConnection, rowid: i64) -> Result<()> {
    sqlx::query("DELETE FROM messages_fts WHERE rowid = ?")
        .bind(rowid)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Indexes the messages cached before search existed (once; see migration 0003).
async fn index_existing(pool: &SqlitePool) -> Result<()> {
    let indexed: i64 = sqlx::query_scalar("SELECT indexed FROM search_state WHERE id = 1")
        .fetch_one(pool)
        .await?;
    if indexed != 0 {
        return Ok(());
    }
    let mut tx = write(pool).await?;
    let rows: Vec<(i64, String, i64, String)> =
        sqlx::query_as("SELECT rowid, profile_id, chat_id, text FROM messages")
            .fetch_all(&mut *tx)
            .await?;
    for (rowid, profile_id, chat_id, text) in rows {
        unindex_on(&mut tx, rowid).await?;
        sqlx::query("INSERT INTO messages_fts (rowid, stems) VALUES (?, ?)")
            .bind(rowid)
            .bind(search::index_text(&profile_id, chat_id, &text))
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("UPDATE search_state SET indexed = 1 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

#[async_trait]
impl Store for SqliteStore {
    async fn save_profile(&self, p: &StoredProfile) -> Result<()> {
        sqlx::query(
            "INSERT INTO profiles (id, kind, server_url, display_name, user_id, created_at,
                extra_root_pem)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET kind = excluded.kind,
                server_url = excluded.server_url, display_name = excluded.display_name,
                user_id = excluded.user_id, extra_root_pem = excluded.extra_root_pem",
        )
        .bind(&p.id)
        .bind(&p.kind)
        .bind(&p.server_url)
        .bind(&p.display_name)
        .bind(p.user_id)
        .bind(p.created_at)
        .bind(&p.extra_root_pem)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn profiles(&self) -> Result<Vec<StoredProfile>> {
        let rows = sqlx::query(
            "SELECT id, kind, server_url, display_name, user_id, created_at, extra_root_pem
             FROM profiles ORDER BY created_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StoredProfile {
                    id: row.try_get("id")?,
                    kind: row.try_get("kind")?,
                    server_url: row.try_get("server_url")?,
                    display_name: row.try_get("display_name")?,
                    user_id: row.try_get("user_id")?,
                    created_at: row.try_get("created_at")?,
                    extra_root_pem: row.try_get("extra_root_pem")?,
                })
            })
            .collect()
    }

    async fn remove_profile(&self, profile_id: &str, wipe: bool) -> Result<()> {
        let mut tx = write(&self.pool).await?;
        sqlx::query("DELETE FROM profiles WHERE id = ?")
            .bind(profile_id)
            .execute(&mut *tx)
            .await?;
        if wipe {
            for sql in [
                "DELETE FROM drafts WHERE profile_id = ?",
                "DELETE FROM read_state WHERE profile_id = ?",
                "DELETE FROM members WHERE profile_id = ?",
                "DELETE FROM announcements WHERE profile_id = ?",
                "DELETE FROM lessons WHERE profile_id = ?",
                "DELETE FROM lesson_reminders WHERE profile_id = ?",
                "DELETE FROM messages_fts WHERE rowid IN
                    (SELECT rowid FROM messages WHERE profile_id = ?)",
                "DELETE FROM chats WHERE profile_id = ?",
                "DELETE FROM messages WHERE profile_id = ?",
                "DELETE FROM sync_state WHERE profile_id = ?",
                "DELETE FROM outbox WHERE profile_id = ?",
            ] {
                sqlx::query(sql).bind(profile_id).execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn clear_cache(&self, profile_id: &str) -> Result<()> {
        let mut tx = write(&self.pool).await?;
        for sql in [
            "DELETE FROM read_state WHERE profile_id = ?",
            "DELETE FROM members WHERE profile_id = ?",
            "DELETE FROM announcements WHERE profile_id = ?",
            "DELETE FROM lessons WHERE profile_id = ?",
            "DELETE FROM messages_fts WHERE rowid IN
                (SELECT rowid FROM messages WHERE profile_id = ?)",
            "DELETE FROM chats WHERE profile_id = ?",
            "DELETE FROM messages WHERE profile_id = ?",
            "DELETE FROM sync_state WHERE profile_id = ?",
        ] {
            sqlx::query(sql).bind(profile_id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn messages_with_files(
        &self,
        profile_id: &str,
        chat_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<CachedMessage>> {
        let rows = sqlx::query(
            "SELECT * FROM messages
             WHERE profile_id = ?1 AND attachments != '[]' AND (?2 IS NULL OR chat_id = ?2)
             ORDER BY timestamp DESC, seq DESC LIMIT ?3",
        )
        .bind(profile_id)
        .bind(chat_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(message_from_row).collect()
    }

    async fn cached_messages(&self, profile_id: &str) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE profile_id = ?")
                .bind(profile_id)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn replace_chats(&self, profile_id: &str, chats: &[CachedChat]) -> Result<()> {
        let mut tx = write(&self.pool).await?;
        sqlx::query("DELETE FROM chats WHERE profile_id = ?")
            .bind(profile_id)
            .execute(&mut *tx)
            .await?;
        for c in chats {
            sqlx::query(
                "INSERT INTO chats (profile_id, chat_id, title, description, participants_count,
                    last_event_time, pinned_mid)
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(profile_id)
            .bind(c.chat_id)
            .bind(&c.title)
            .bind(&c.description)
            .bind(c.participants_count)
            .bind(c.last_event_time)
            .bind(&c.pinned_mid)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn chats(&self, profile_id: &str) -> Result<Vec<CachedChat>> {
        let rows = sqlx::query(
            "SELECT * FROM chats WHERE profile_id = ? ORDER BY last_event_time DESC, chat_id",
        )
        .bind(profile_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(chat_from_row).collect()
    }

    async fn chat(&self, profile_id: &str, chat_id: i64) -> Result<Option<CachedChat>> {
        let row = sqlx::query("SELECT * FROM chats WHERE profile_id = ? AND chat_id = ?")
            .bind(profile_id)
            .bind(chat_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(chat_from_row).transpose()
    }

    async fn upsert_messages(&self, profile_id: &str, messages: &[CachedMessage]) -> Result<()> {
        let mut tx = write(&self.pool).await?;
        upsert_on(&mut tx, profile_id, messages).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn apply(&self, profile_id: &str, batch: &Batch) -> Result<()> {
        let mut tx = write(&self.pool).await?;
        upsert_on(&mut tx, profile_id, &batch.upserts).await?;
        for (_, mid) in &batch.removals {
            let rowid: Option<i64> = sqlx::query_scalar(
                "DELETE FROM messages WHERE profile_id = ? AND mid = ? RETURNING rowid",
            )
            .bind(profile_id)
            .bind(mid)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(rowid) = rowid {
                unindex_on(&mut tx, rowid).await?;
            }
        }
        if let Some(marker) = batch.marker {
            sqlx::query(
                "INSERT INTO sync_state (profile_id, marker) VALUES (?, ?)
                 ON CONFLICT (profile_id) DO UPDATE SET marker = excluded.marker",
            )
            .bind(profile_id)
            .bind(marker)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn latest_messages(
        &self,
        profile_id: &str,
        chat_id: i64,
        limit: u32,
    ) -> Result<Vec<CachedMessage>> {
        // The newest page is the page before the end of time.
        self.messages_beside(
            profile_id,
            chat_id,
            (i64::MAX, i64::MAX),
            Side::Before,
            limit,
        )
        .await
    }

    async fn messages_beside(
        &self,
        profile_id: &str,
        chat_id: i64,
        (timestamp, seq): (i64, i64),
        side: Side,
        limit: u32,
    ) -> Result<Vec<CachedMessage>> {
        // Walk away from the anchor (so LIMIT keeps the nearest), then put in time order.
        let sql = match side {
            Side::Before => {
                "SELECT * FROM messages WHERE profile_id = ? AND chat_id = ?
                    AND (timestamp < ? OR (timestamp = ? AND seq < ?))
                 ORDER BY timestamp DESC, seq DESC LIMIT ?"
            }
            Side::After => {
                "SELECT * FROM messages WHERE profile_id = ? AND chat_id = ?
                    AND (timestamp > ? OR (timestamp = ? AND seq > ?))
                 ORDER BY timestamp, seq LIMIT ?"
            }
        };
        let rows = sqlx::query(sql)
            .bind(profile_id)
            .bind(chat_id)
            .bind(timestamp)
            .bind(timestamp)
            .bind(seq)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        let mut messages = rows
            .iter()
            .map(message_from_row)
            .collect::<Result<Vec<_>>>()?;
        if side == Side::Before {
            messages.reverse();
        }
        Ok(messages)
    }

    async fn search(
        &self,
        profile_id: &str,
        query: &Query,
        chat_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<CachedMessage>> {
        let rows = sqlx::query(
            // Scoped inside the MATCH, and rowids are time-ordered (migration 0003): FTS5
            // walks its matches newest first and stops after `limit`. The subquery keeps the
            // index the outer loop (joined the other way round, SQLite ran one MATCH per cached
            // message: minutes on 100,000).
            "SELECT m.* FROM
                (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?
                 ORDER BY rowid DESC LIMIT ?) f
             JOIN messages m ON m.rowid = f.rowid
             WHERE m.profile_id = ?
             ORDER BY f.rowid DESC",
        )
        .bind(query.fts5_scoped(profile_id, chat_id))
        .bind(limit)
        .bind(profile_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(message_from_row).collect()
    }

    async fn message(&self, profile_id: &str, mid: &str) -> Result<Option<CachedMessage>> {
        let row = sqlx::query("SELECT * FROM messages WHERE profile_id = ? AND mid = ?")
            .bind(profile_id)
            .bind(mid)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(message_from_row).transpose()
    }

    async fn marker(&self, profile_id: &str) -> Result<Option<i64>> {
        let marker: Option<Option<i64>> =
            sqlx::query_scalar("SELECT marker FROM sync_state WHERE profile_id = ?")
                .bind(profile_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(marker.flatten())
    }

    async fn outbox_push(&self, profile_id: &str, item: &OutboxItem) -> Result<()> {
        sqlx::query(
            "INSERT INTO outbox (profile_id, local_id, chat_id, text, created_at, attempts,
                next_attempt_at, failed, attachments, reply_to)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(profile_id)
        .bind(&item.local_id)
        .bind(item.chat_id)
        .bind(&item.text)
        .bind(item.created_at)
        .bind(item.attempts)
        .bind(item.next_attempt_at)
        .bind(&item.failed)
        .bind(to_json(&item.attachments)?)
        .bind(&item.reply_to)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn outbox(&self, profile_id: &str) -> Result<Vec<OutboxItem>> {
        let rows =
            sqlx::query("SELECT * FROM outbox WHERE profile_id = ? ORDER BY created_at, local_id")
                .bind(profile_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(outbox_from_row).collect()
    }

    async fn outbox_update(&self, profile_id: &str, item: &OutboxItem) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET attempts = ?, next_attempt_at = ?, failed = ?, attachments = ?
             WHERE profile_id = ? AND local_id = ?",
        )
        .bind(item.attempts)
        .bind(item.next_attempt_at)
        .bind(&item.failed)
        .bind(to_json(&item.attachments)?)
        .bind(profile_id)
        .bind(&item.local_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn outbox_remove(&self, profile_id: &str, local_id: &str) -> Result<()> {
        sqlx::query("DELETE FROM outbox WHERE profile_id = ? AND local_id = ?")
            .bind(profile_id)
            .bind(local_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn file_put(&self, file: &CachedFile) -> Result<()> {
        sqlx::query(
            "INSERT INTO file_cache (token, name, size, last_used) VALUES (?, ?, ?, ?)
             ON CONFLICT (token) DO UPDATE SET name = excluded.name, size = excluded.size,
                last_used = excluded.last_used",
        )
        .bind(&file.token)
        .bind(&file.name)
        .bind(i64::try_from(file.size).unwrap_or(i64::MAX))
        .bind(file.last_used)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn file(&self, token: &str) -> Result<Option<CachedFile>> {
        let row = sqlx::query("SELECT * FROM file_cache WHERE token = ?")
            .bind(token)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(file_from_row).transpose()
    }

    async fn files(&self) -> Result<Vec<CachedFile>> {
        let rows = sqlx::query("SELECT * FROM file_cache ORDER BY last_used, token")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(file_from_row).collect()
    }

    async fn file_remove(&self, token: &str) -> Result<()> {
        sqlx::query("DELETE FROM file_cache WHERE token = ?")
            .bind(token)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn save_draft(&self, profile_id: &str, chat_id: i64, text: &str, at: i64) -> Result<()> {
        if text.trim().is_empty() {
            sqlx::query("DELETE FROM drafts WHERE profile_id = ? AND chat_id = ?")
                .bind(profile_id)
                .bind(chat_id)
                .execute(&self.pool)
                .await?;
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO drafts (profile_id, chat_id, text, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (profile_id, chat_id) DO UPDATE SET text = excluded.text,
                updated_at = excluded.updated_at",
        )
        .bind(profile_id)
        .bind(chat_id)
        .bind(text)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn draft(&self, profile_id: &str, chat_id: i64) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT text FROM drafts WHERE profile_id = ? AND chat_id = ?")
                .bind(profile_id)
                .bind(chat_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn mark_read(&self, profile_id: &str, chat_id: i64, up_to: (i64, i64)) -> Result<()> {
        sqlx::query(
            "INSERT INTO read_state (profile_id, chat_id, timestamp, seq) VALUES (?, ?, ?, ?)
             ON CONFLICT (profile_id, chat_id) DO UPDATE SET
                timestamp = excluded.timestamp, seq = excluded.seq
             WHERE (excluded.timestamp, excluded.seq) > (read_state.timestamp, read_state.seq)",
        )
        .bind(profile_id)
        .bind(chat_id)
        .bind(up_to.0)
        .bind(up_to.1)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn read_up_to(&self, profile_id: &str, chat_id: i64) -> Result<Option<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT timestamp, seq FROM read_state WHERE profile_id = ? AND chat_id = ?",
        )
        .bind(profile_id)
        .bind(chat_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn unread(&self, profile_id: &str, chat_id: i64, me: Option<i64>) -> Result<u32> {
        let (timestamp, seq) = self
            .read_up_to(profile_id, chat_id)
            .await?
            .unwrap_or((i64::MIN, i64::MIN));
        // Counted up to UNREAD_CAP: a chat never opened on this device may hold 100,000
        // messages, and "999+" says as much as the exact number.
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE profile_id = ? AND chat_id = ?
                AND (timestamp > ? OR (timestamp = ? AND seq > ?))
                AND (sender_id IS NULL OR sender_id IS NOT ?) LIMIT ?)",
        )
        .bind(profile_id)
        .bind(chat_id)
        .bind(timestamp)
        .bind(timestamp)
        .bind(seq)
        .bind(me)
        .bind(i64::from(super::UNREAD_CAP))
        .fetch_one(&self.pool)
        .await?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    async fn replace_members(
        &self,
        profile_id: &str,
        chat_id: i64,
        members: &[MemberView],
    ) -> Result<()> {
        let mut tx = write(&self.pool).await?;
        sqlx::query("DELETE FROM members WHERE profile_id = ? AND chat_id = ?")
            .bind(profile_id)
            .bind(chat_id)
            .execute(&mut *tx)
            .await?;
        for m in members {
            sqlx::query(
                "INSERT OR REPLACE INTO members (profile_id, chat_id, user_id, name, is_admin)
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(profile_id)
            .bind(chat_id)
            .bind(m.user_id)
            .bind(&m.name)
            .bind(m.is_admin)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn members(&self, profile_id: &str, chat_id: i64) -> Result<Vec<MemberView>> {
        let rows: Vec<(i64, String, bool)> = sqlx::query_as(
            "SELECT user_id, name, is_admin FROM members WHERE profile_id = ? AND chat_id = ?
             ORDER BY name, user_id",
        )
        .bind(profile_id)
        .bind(chat_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(user_id, name, is_admin)| MemberView {
                user_id,
                name,
                is_admin,
            })
            .collect())
    }

    async fn replace_lessons(
        &self,
        profile_id: &str,
        from: i64,
        to: i64,
        lessons: &[(i64, i64, String)],
    ) -> Result<()> {
        let mut tx = write(&self.pool).await?;
        sqlx::query(
            "DELETE FROM lessons WHERE profile_id = ? AND starts_at >= ? AND starts_at < ?",
        )
        .bind(profile_id)
        .bind(from)
        .bind(to)
        .execute(&mut *tx)
        .await?;
        for (id, start, json) in lessons {
            sqlx::query(
                "INSERT INTO lessons (profile_id, id, starts_at, lesson) VALUES (?, ?, ?, ?)
                 ON CONFLICT (profile_id, id) DO UPDATE SET starts_at = excluded.starts_at,
                                                           lesson = excluded.lesson",
            )
            .bind(profile_id)
            .bind(id)
            .bind(start)
            .bind(json)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn lessons(&self, profile_id: &str, from: i64, to: i64) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT lesson FROM lessons WHERE profile_id = ? AND starts_at >= ? AND starts_at < ?
             ORDER BY starts_at, id",
        )
        .bind(profile_id)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn mark_reminded(
        &self,
        profile_id: &str,
        lesson_id: i64,
        starts_at: i64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO lesson_reminders (profile_id, lesson_id, starts_at) VALUES (?, ?, ?)
             ON CONFLICT DO NOTHING",
        )
        .bind(profile_id)
        .bind(lesson_id)
        .bind(starts_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_announcements(&self, profile_id: &str, flags: &[(String, bool)]) -> Result<()> {
        let mut tx = write(&self.pool).await?;
        for (mid, acknowledged) in flags {
            sqlx::query(
                "INSERT INTO announcements (profile_id, mid, acknowledged) VALUES (?, ?, ?)
                 ON CONFLICT (profile_id, mid) DO UPDATE SET acknowledged = excluded.acknowledged",
            )
            .bind(profile_id)
            .bind(mid)
            .bind(acknowledged)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn announcements(&self, profile_id: &str) -> Result<Vec<(String, bool)>> {
        Ok(sqlx::query_as(
            "SELECT a.mid, a.acknowledged FROM announcements a
             JOIN messages m ON m.profile_id = a.profile_id AND m.mid = a.mid
             WHERE a.profile_id = ? ORDER BY m.timestamp DESC, m.seq DESC",
        )
        .bind(profile_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn announcement(&self, profile_id: &str, mid: &str) -> Result<Option<bool>> {
        Ok(sqlx::query_scalar(
            "SELECT acknowledged FROM announcements WHERE profile_id = ? AND mid = ?",
        )
        .bind(profile_id)
        .bind(mid)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn outbox_delivered(
        &self,
        profile_id: &str,
        local_id: &str,
        message: &CachedMessage,
    ) -> Result<()> {
        let mut tx = write(&self.pool).await?;
        sqlx::query("DELETE FROM outbox WHERE profile_id = ? AND local_id = ?")
            .bind(profile_id)
            .bind(local_id)
            .execute(&mut *tx)
            .await?;
        upsert_on(&mut tx, profile_id, std::slice::from_ref(message)).await?;
        tx.commit().await?;
        Ok(())
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        StoreError::Backend(Box::new(error))
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        StoreError::Migration(Box::new(error))
    }
}

#[cfg(test)]
mod tests {
    store_suite!(async {
        // Each test gets its own real file; the directory lives as long as the process.
        let dir = tempfile::tempdir().expect("temp dir").keep();
        super::SqliteStore::open(&dir.join("cache.sqlite"))
            .await
            .expect("open cache")
    });

    #[tokio::test]
    async fn the_cache_survives_reopening_the_file() {
        use crate::store::{CachedChat, Store};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        let chat = CachedChat {
            chat_id: 5,
            title: "5А — родители".into(),
            description: None,
            participants_count: 3,
            last_event_time: 10,
            pinned_mid: None,
        };
        let store = super::SqliteStore::open(&path).await.unwrap();
        store
            .replace_chats("p", std::slice::from_ref(&chat))
            .await
            .unwrap();
        store.close().await;
        let reopened = super::SqliteStore::open(&path).await.unwrap();
        assert_eq!(reopened.chats("p").await.unwrap(), vec![chat]);
    }

    #[tokio::test]
    async fn a_lesson_reminded_of_is_not_reminded_again_after_a_restart() {
        use crate::store::Store;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        let store = super::SqliteStore::open(&path).await.unwrap();
        assert!(store.mark_reminded("p", 7, 1000).await.unwrap());
        assert!(!store.mark_reminded("p", 7, 1000).await.unwrap());
        store.close().await;
        let reopened = super::SqliteStore::open(&path).await.unwrap();
        assert!(
            !reopened.mark_reminded("p", 7, 1000).await.unwrap(),
            "kept in the file"
        );
        assert!(
            reopened.mark_reminded("p", 7, 4600).await.unwrap(),
            "moved to another time: reminded again"
        );
        assert!(
            reopened.mark_reminded("q", 7, 1000).await.unwrap(),
            "per profile"
        );
    }

    #[tokio::test]
    async fn messages_cached_before_search_existed_are_indexed_on_open() {
        use crate::store::{CachedMessage, Store};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        let store = super::SqliteStore::open(&path).await.unwrap();
        let message = CachedMessage {
            mid: "m1".into(),
            chat_id: 1,
            seq: 1,
            sender_id: None,
            sender_name: String::new(),
            text: "Собрание перенесли".into(),
            timestamp: 1,
            attachments: Vec::new(),
            reply_to: None,
            markup: Vec::new(),
        };
        store.upsert_messages("p", &[message]).await.unwrap();
        // As a cache written by a version without search: no index, not marked indexed.
        sqlx::query("DELETE FROM messages_fts")
            .execute(&store.pool)
            .await
            .unwrap();
        sqlx::query("UPDATE search_state SET indexed = 0")
            .execute(&store.pool)
            .await
            .unwrap();
        let query = crate::search::Query::parse("собрании").unwrap();
        assert!(
            store
                .search("p", &query, None, 10)
                .await
                .unwrap()
                .is_empty()
        );
        store.close().await;
        let reopened = super::SqliteStore::open(&path).await.unwrap();
        assert_eq!(
            reopened.search("p", &query, None, 10).await.unwrap().len(),
            1
        );
    }
}
