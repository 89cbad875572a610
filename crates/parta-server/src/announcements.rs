//! Announcements (Parta extension): messages flagged as announcements that parents acknowledge
//! ("Ознакомлен"), and the receipts their author reads: who has read, who has acknowledged,
//! who has not yet (procedure 2.3: informing parents).

use parta_model::max::Message;
use serde::{Deserialize, Serialize};
use sqlx::{Row, SqlitePool};

use crate::auth::Caller;
use crate::chats;
use crate::classes::{Person, person_name};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::members;
use crate::messages;

/// Longest page of `GET /school/announcements`.
pub const MAX_PAGE: i64 = 100;

/// An announcement in one of the caller's chats.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Announcement {
    pub chat_id: i64,
    pub chat_title: String,
    pub message: Message,
    /// Whether the caller has acknowledged it.
    pub acknowledged: bool,
}

/// A page of announcements, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AnnouncementList {
    pub announcements: Vec<Announcement>,
}

/// Who has read and acknowledged an announcement.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Receipts {
    pub mid: String,
    /// Read it (marked the chat seen past it) without acknowledging yet.
    pub read: Vec<Person>,
    /// Pressed "Ознакомлен" (which implies reading).
    pub acknowledged: Vec<Person>,
    /// Neither yet.
    pub pending: Vec<Person>,
}

/// Announcements of every chat the caller is a member of, newest first.
pub async fn list(
    pool: &SqlitePool,
    caller: Caller,
    count: Option<i64>,
) -> Result<AnnouncementList> {
    let count = count.unwrap_or(50).clamp(1, MAX_PAGE);
    let rows = sqlx::query(
        "SELECT m.mid, m.chat_id, c.title,
                EXISTS (SELECT 1 FROM acknowledgements a WHERE a.mid = m.mid AND a.user_id = ?1)
                    AS acknowledged
         FROM messages m
         JOIN chat_members cm ON cm.chat_id = m.chat_id AND cm.user_id = ?1
         JOIN chats c ON c.id = m.chat_id
         WHERE m.is_announcement = 1 AND m.deleted_at IS NULL
         ORDER BY m.seq DESC LIMIT ?2",
    )
    .bind(caller.user_id)
    .bind(count)
    .fetch_all(pool)
    .await?;
    let mut announcements = Vec::with_capacity(rows.len());
    for row in &rows {
        let mid: String = row.try_get("mid")?;
        let Some(message) = messages::by_mid(pool, &mid).await? else {
            continue;
        };
        announcements.push(Announcement {
            chat_id: row.try_get("chat_id")?,
            chat_title: row.try_get("title")?,
            message,
            acknowledged: row.try_get("acknowledged")?,
        });
    }
    Ok(AnnouncementList { announcements })
}

/// The announcement's chat, sequence number and author; 404 if it is not an announcement.
async fn announcement(pool: &SqlitePool, mid: &str) -> Result<(i64, i64, i64)> {
    sqlx::query_as(
        "SELECT chat_id, seq, sender_id FROM messages
         WHERE mid = ? AND is_announcement = 1 AND deleted_at IS NULL",
    )
    .bind(mid)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| Error::not_found(format!("Announcement {mid} not found")))
}

/// Acknowledges an announcement ("Ознакомлен"); doing it twice changes nothing.
pub async fn acknowledge(
    pool: &SqlitePool,
    clock: &dyn Clock,
    hub: &crate::updates::UpdateHub,
    caller: Caller,
    mid: &str,
) -> Result<()> {
    let (chat_id, seq, author) = announcement(pool, mid).await?;
    chats::require_member(pool, caller.user_id, chat_id).await?;
    let now = clock.now_ms();
    let mut published = None;
    let mut tx = pool.begin().await?;
    let first = sqlx::query(
        "INSERT INTO acknowledgements (mid, user_id, at) VALUES (?, ?, ?)
         ON CONFLICT (mid, user_id) DO NOTHING",
    )
    .bind(mid)
    .bind(caller.user_id)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if first {
        let update = parta_model::max::Update::PartaAnnouncementAcknowledged {
            timestamp: now,
            chat_id,
            message_id: mid.to_owned(),
            user: crate::users::user_on(&mut tx, caller.user_id).await?,
        };
        published = Some(crate::updates::append_personal(&mut tx, author, &update, now).await?);
    }
    // Acknowledging means having read it.
    sqlx::query(
        "INSERT INTO chat_reads (chat_id, user_id, seen_seq, seen_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (chat_id, user_id) DO UPDATE SET
             seen_seq = MAX(seen_seq, excluded.seen_seq), seen_at = excluded.seen_at",
    )
    .bind(chat_id)
    .bind(caller.user_id)
    .bind(seq)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    if let Some(id) = published {
        hub.published(id);
    }
    Ok(())
}

/// Receipts for the announcement's author and the chat's admins.
pub async fn receipts(pool: &SqlitePool, caller: Caller, mid: &str) -> Result<Receipts> {
    let (chat_id, seq, author) = announcement(pool, mid).await?;
    if caller.user_id != author {
        members::require_admin(&mut *pool.acquire().await?, caller.user_id, chat_id).await?;
    }
    let rows = sqlx::query(
        "SELECT u.id, u.first_name, u.last_name,
                EXISTS (SELECT 1 FROM acknowledgements a WHERE a.mid = ?1 AND a.user_id = u.id)
                    AS acknowledged,
                COALESCE((SELECT r.seen_seq FROM chat_reads r
                          WHERE r.chat_id = ?2 AND r.user_id = u.id), 0) >= ?3 AS read
         FROM chat_members cm JOIN users u ON u.id = cm.user_id
         WHERE cm.chat_id = ?2 AND u.id != ?4
         ORDER BY u.last_name, u.first_name",
    )
    .bind(mid)
    .bind(chat_id)
    .bind(seq)
    .bind(author)
    .fetch_all(pool)
    .await?;
    let mut receipts = Receipts {
        mid: mid.to_owned(),
        read: Vec::new(),
        acknowledged: Vec::new(),
        pending: Vec::new(),
    };
    for row in &rows {
        let person = Person {
            user_id: row.try_get("id")?,
            name: person_name(
                &row.try_get::<String, _>("first_name")?,
                row.try_get::<Option<String>, _>("last_name")?.as_deref(),
            ),
        };
        if row.try_get::<bool, _>("acknowledged")? {
            receipts.acknowledged.push(person);
        } else if row.try_get::<bool, _>("read")? {
            receipts.read.push(person);
        } else {
            receipts.pending.push(person);
        }
    }
    Ok(receipts)
}
