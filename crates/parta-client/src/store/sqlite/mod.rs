//! The SQLite [`Store`]: one file in the app's data directory, WAL mode, encrypted with
//! SQLCipher under a key from the OS keychain.
//!
//! `mod.rs` opens the file and implements the `Store` trait; `cipher.rs` holds the key and
//! encrypts a plain cache left by an older Parta; `rows.rs` reads rows back into records,
//! `writes.rs` writes messages (time-ordered keys, batched upserts, the search index).

mod cipher;
mod rows;
mod writes;

pub use cipher::CacheKey;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

use crate::search::Query;
use crate::store::{
    AnnouncementFlags, Batch, CachedChat, CachedFile, CachedMessage, OutboxItem, Side, Store,
    StoredProfile,
};
use crate::store::{Result, StoreError};
use parta_model::view::MemberView;

use rows::*;
use writes::*;

/// The cache in an SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the cache file encrypted under `key` and applies pending
    /// migrations. A plain cache written by an older Parta is encrypted first, nothing lost.
    /// A file that `key` does not open is [`StoreError::WrongKey`].
    pub async fn open_encrypted(path: &Path, key: &CacheKey) -> Result<Self> {
        let plain = match cipher::is_plain(path) {
            Ok(plain) => plain,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => {
                return Err(StoreError::Backend(
                    format!("cannot read {}: {e}", path.display()).into(),
                ));
            }
        };
        if plain {
            tracing::info!("encrypting the plain cache left by an older Parta");
            cipher::encrypt_plain(path, key).await?;
        }
        Self::open_with(path, Some(key)).await
    }

    /// Opens the cache file with no encryption. Only for measuring what encryption costs
    /// (benchmarks); the app and the command always use [`SqliteStore::open_encrypted`].
    pub async fn open_unencrypted(path: &Path) -> Result<Self> {
        Self::open_with(path, None).await
    }

    async fn open_with(path: &Path, key: Option<&CacheKey>) -> Result<Self> {
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: the outbox shares this file, and a message the user wrote must survive a
            // power cut once we said it was saved.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5));
        let options = match key {
            // Decrypted pages stay in SQLite's page cache: 16 MiB a connection instead of the
            // default 2 MiB, so repeated searches decrypt the same index pages less often.
            Some(key) => cipher::keyed(options, key).pragma("cache_size", "-16384"),
            None => options,
        };
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|e| match &e {
                // SQLITE_NOTADB on a keyed file: its pages do not decrypt under this key.
                sqlx::Error::Database(db)
                    if key.is_some() && db.code().as_deref() == Some("26") =>
                {
                    StoreError::WrongKey
                }
                _ => StoreError::from(e),
            })?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        index_existing(&pool).await?;
        Ok(Self { pool })
    }

    /// Closes the file (waits for open connections).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn close(&self) {
        self.pool.close().await;
    }

    async fn compact(&self) -> Result<()> {
        cipher::compact(&self.pool).await
    }

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

    async fn set_pinned(&self, profile_id: &str, chat_id: i64, mid: Option<&str>) -> Result<()> {
        let mut tx = write(&self.pool).await?;
        sqlx::query("UPDATE chats SET pinned_mid = ? WHERE profile_id = ? AND chat_id = ?")
            .bind(mid)
            .bind(profile_id)
            .bind(chat_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
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
        for (mid, state) in &batch.max_states {
            sqlx::query("UPDATE messages SET max_state = ? WHERE profile_id = ? AND mid = ?")
                .bind(state)
                .bind(profile_id)
                .bind(mid)
                .execute(&mut *tx)
                .await?;
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
                next_attempt_at, failed, attachments, reply_to, kind)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        .bind(item.kind.as_str())
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
                is_me: false,
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

    async fn set_announcements(&self, profile_id: &str, flags: &[AnnouncementFlags]) -> Result<()> {
        let mut tx = write(&self.pool).await?;
        for flag in flags {
            sqlx::query(
                "INSERT INTO announcements (profile_id, mid, acknowledged, ack_required)
                 VALUES (?, ?, ?, ?)
                 ON CONFLICT (profile_id, mid) DO UPDATE SET acknowledged = excluded.acknowledged,
                    ack_required = excluded.ack_required",
            )
            .bind(profile_id)
            .bind(&flag.mid)
            .bind(flag.acknowledged)
            .bind(flag.ack_required)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn announcements(&self, profile_id: &str) -> Result<Vec<AnnouncementFlags>> {
        let rows: Vec<(String, bool, bool)> = sqlx::query_as(
            "SELECT a.mid, a.acknowledged, a.ack_required FROM announcements a
             JOIN messages m ON m.profile_id = a.profile_id AND m.mid = a.mid
             WHERE a.profile_id = ? ORDER BY m.timestamp DESC, m.seq DESC",
        )
        .bind(profile_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(announcement_flags).collect())
    }

    async fn announcement(&self, profile_id: &str, mid: &str) -> Result<Option<AnnouncementFlags>> {
        let row: Option<(String, bool, bool)> = sqlx::query_as(
            "SELECT mid, acknowledged, ack_required FROM announcements
             WHERE profile_id = ? AND mid = ?",
        )
        .bind(profile_id)
        .bind(mid)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(announcement_flags))
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
mod tests;
