//! Messages: reading a chat's history, sending, editing and deleting (`GET/POST/PUT/DELETE
//! /messages`, `GET /messages/{id}`). Every change goes into the update log in its own
//! transaction. A restricted person (procedure 9.2) writes nothing.

use parta_model::max::{
    ChatType, LinkedMessage, MAX_TEXT_CHARS, Message, MessageBody, MessageLinkType, MessageList,
    NewMessageBody, Recipient, Update, User,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::auth::Caller;
use crate::chats;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::restrictions;
use crate::roles::{self, Action};
use crate::updates::{self, UpdateHub};
use crate::uploads;

/// Page size limits of `GET /messages` (schema: default 50, 1..=100).
pub const DEFAULT_PAGE: i64 = 50;
pub const MAX_PAGE: i64 = 100;
/// Longest accepted `Idempotency-Key`.
pub const MAX_IDEMPOTENCY_KEY: usize = 128;

// `has_attachments` spares a page of plain messages one query each (most have none).
const SELECT: &str = "SELECT m.seq, m.mid, m.chat_id, m.text, m.created_at, m.link_type,
    m.link_mid, u.id AS sender_id, u.first_name, u.last_name, u.username,
    EXISTS (SELECT 1 FROM message_attachments a WHERE a.mid = m.mid) AS has_attachments
    FROM messages m JOIN users u ON u.id = m.sender_id";

fn user_from_row(row: &SqliteRow) -> Result<User> {
    Ok(User {
        user_id: row.try_get("sender_id")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        username: row.try_get("username")?,
        is_bot: false,
        last_activity_time: None,
    })
}

async fn body_from_row(conn: &mut SqliteConnection, row: &SqliteRow) -> Result<MessageBody> {
    let mid: String = row.try_get("mid")?;
    let attachments = if row.try_get::<bool, _>("has_attachments")? {
        uploads::attachments_of(conn, &mid).await?
    } else {
        None
    };
    Ok(MessageBody {
        mid,
        seq: row.try_get("seq")?,
        text: row.try_get("text")?,
        attachments,
    })
}

async fn message_from_row(conn: &mut SqliteConnection, row: &SqliteRow) -> Result<Message> {
    let link = match (
        row.try_get::<Option<String>, _>("link_type")?,
        row.try_get::<Option<String>, _>("link_mid")?,
    ) {
        (Some(kind), Some(mid)) => linked(conn, &kind, &mid).await?,
        _ => None,
    };
    Ok(Message {
        sender: Some(user_from_row(row)?),
        recipient: Recipient {
            chat_id: Some(row.try_get("chat_id")?),
            chat_type: ChatType::Chat,
            user_id: None,
        },
        timestamp: row.try_get("created_at")?,
        link,
        body: body_from_row(conn, row).await?,
        url: None,
    })
}

async fn linked(
    conn: &mut SqliteConnection,
    kind: &str,
    mid: &str,
) -> Result<Option<LinkedMessage>> {
    let link_type = if kind == "forward" {
        MessageLinkType::Forward
    } else {
        MessageLinkType::Reply
    };
    let sql = format!("{SELECT} WHERE m.mid = ? AND m.deleted_at IS NULL");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(mid)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(LinkedMessage {
        link_type,
        sender: Some(user_from_row(&row)?),
        chat_id: Some(row.try_get("chat_id")?),
        message: body_from_row(conn, &row).await?,
    }))
}

/// A message by id, whoever may see it (callers check membership).
pub async fn by_mid(pool: &SqlitePool, mid: &str) -> Result<Option<Message>> {
    by_mid_on(&mut *pool.acquire().await?, mid).await
}

/// [`by_mid`] on a given connection, so a transaction can read what it just wrote.
pub async fn by_mid_on(conn: &mut SqliteConnection, mid: &str) -> Result<Option<Message>> {
    let sql = format!("{SELECT} WHERE m.mid = ? AND m.deleted_at IS NULL");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(mid)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => Ok(Some(message_from_row(conn, &row).await?)),
        None => Ok(None),
    }
}

/// What `GET /messages` may ask for.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    pub chat_id: Option<i64>,
    pub message_ids: Option<Vec<String>>,
    /// Newest timestamp to include (MAX's `from`; the walk goes backwards in time).
    pub from: Option<i64>,
    /// Oldest timestamp to include (MAX's `to`).
    pub to: Option<i64>,
    pub count: Option<i64>,
}

/// Messages newest first, as MAX returns them.
pub async fn list(pool: &SqlitePool, caller: Caller, query: ListQuery) -> Result<MessageList> {
    let count = query.count.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&count) {
        return Err(Error::bad_request(format!(
            "count must be between 1 and {MAX_PAGE}"
        )));
    }
    if let Some(ids) = query.message_ids {
        let mut messages = Vec::new();
        for mid in ids.iter().take(usize::try_from(MAX_PAGE).unwrap_or(100)) {
            if let Some(message) = by_mid(pool, mid).await? {
                let chat_id = message.recipient.chat_id.unwrap_or_default();
                if chats::require_member(pool, caller.user_id, chat_id)
                    .await
                    .is_ok()
                {
                    messages.push(message);
                }
            }
        }
        return Ok(MessageList { messages });
    }
    let chat_id = query
        .chat_id
        .ok_or_else(|| Error::bad_request("chat_id or message_ids is required"))?;
    chats::require_member(pool, caller.user_id, chat_id).await?;
    let sql = format!(
        "{SELECT} WHERE m.chat_id = ? AND m.deleted_at IS NULL
         AND m.created_at <= ? AND m.created_at >= ?
         ORDER BY m.created_at DESC, m.seq DESC LIMIT ?"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(chat_id)
        .bind(query.from.unwrap_or(i64::MAX))
        .bind(query.to.unwrap_or(i64::MIN))
        .bind(count)
        .fetch_all(pool)
        .await?;
    let mut conn = pool.acquire().await?;
    let mut messages = Vec::with_capacity(rows.len());
    for row in &rows {
        messages.push(message_from_row(&mut conn, row).await?);
    }
    Ok(MessageList { messages })
}

/// Checks a new message against the schema's limits before anything is stored.
pub fn validate(body: &NewMessageBody) -> Result<()> {
    let text_len = body.text.as_deref().map(|t| t.chars().count()).unwrap_or(0);
    let has_attachments = body.attachments.as_ref().is_some_and(|a| !a.is_empty());
    if text_len > MAX_TEXT_CHARS {
        return Err(Error::bad_request(format!(
            "text is {text_len} characters long; the limit is {MAX_TEXT_CHARS}"
        )));
    }
    if body.text.as_deref().map(str::trim).unwrap_or("").is_empty() && !has_attachments {
        return Err(Error::bad_request("A message needs text or an attachment"));
    }
    Ok(())
}

/// The procedure's kind of a stored chat, for the policy's per-chat settings.
fn chat_kind(kind: &str) -> parta_policy::ChatKind {
    use parta_policy::ChatKind;
    match kind {
        "teachers" => ChatKind::Teachers,
        "director_teachers" => ChatKind::DirectorTeachers,
        "director_activists" => ChatKind::DirectorParents,
        "direct" => ChatKind::Direct,
        "direct_class_teacher" => ChatKind::DirectClassTeacher,
        // Class chats, and any other group with parents in it, get the class chats' rules.
        _ => ChatKind::ClassParents,
    }
}

/// Refuses a text that the school's policy blocks in this chat (procedure 5.1, 6.1, 6.2). The
/// answer names the rule, not the words: the sender has them, and logs must not.
async fn enforce_policy(
    conn: &mut SqliteConnection,
    policy: &parta_policy::Policy,
    chat_id: i64,
    text: Option<&str>,
) -> Result<()> {
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(());
    };
    let kind: String = sqlx::query_scalar("SELECT kind FROM chats WHERE id = ?")
        .bind(chat_id)
        .fetch_one(conn)
        .await?;
    let verdict = parta_policy::check_text(policy, chat_kind(&kind), text);
    if verdict.action != parta_policy::Action::Block {
        return Ok(());
    }
    let blocked = |rule| {
        verdict
            .findings
            .iter()
            .any(|f| f.rule == rule && f.action == parta_policy::Action::Block)
    };
    let message = if blocked(parta_policy::Rule::Ethics) {
        "The message was not sent: the school's rules do not allow obscene, insulting or \
         discriminatory words (procedure 6.1, 6.2). Please rephrase it."
    } else {
        "The message was not sent: the school's rules do not allow personal data such as \
         document numbers, phone numbers or card numbers in this chat (procedure 5.1, 8)."
    };
    Err(Error::api(crate::error::ErrorCode::PolicyBlocked, message))
}

/// What kind of message a send makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An ordinary message.
    Message,
    /// An announcement, which parents acknowledge (Parta extension; staff only).
    Announcement,
}

/// Sends a message to a chat the caller belongs to, appends `message_created` to the update
/// log and wakes long polls. With an idempotency key, a repeat returns the first message.
#[allow(clippy::too_many_arguments)] // three adapters call it; a struct would only rename them
pub async fn send(
    pool: &SqlitePool,
    clock: &dyn Clock,
    hub: &UpdateHub,
    caller: Caller,
    chat_id: i64,
    body: NewMessageBody,
    idempotency_key: Option<&str>,
    kind: Kind,
    policy: &parta_policy::Policy,
) -> Result<Message> {
    validate(&body)?;
    if kind == Kind::Announcement {
        roles::require(caller.role, Action::PostAnnouncements)?;
    }
    // The checks before the write share one connection: under load every acquire queues.
    let mut conn = pool.acquire().await?;
    restrictions::enforce_write(&mut conn, clock, caller.user_id).await?;
    if let Some(key) = idempotency_key {
        if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY {
            return Err(Error::bad_request(format!(
                "Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} bytes"
            )));
        }
        if let Some(message) = by_idempotency_key(pool, caller.user_id, key).await? {
            return Ok(message);
        }
    }
    chats::require_member_on(&mut conn, caller.user_id, chat_id).await?;
    enforce_policy(&mut conn, policy, chat_id, body.text.as_deref()).await?;
    drop(conn);
    if let Some(link) = &body.link {
        // A reply must point at a message the sender can see.
        let target = by_mid(pool, &link.mid)
            .await?
            .ok_or_else(|| Error::not_found(format!("Linked message {} not found", link.mid)))?;
        chats::require_member(
            pool,
            caller.user_id,
            target.recipient.chat_id.unwrap_or_default(),
        )
        .await?;
    }

    let now = clock.now_ms();
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).map_err(|_| Error::Random)?;
    let mid = format!("mid.{}", hex::encode(random));
    let (link_type, link_mid) = match &body.link {
        Some(link) => (
            Some(match link.link_type {
                MessageLinkType::Forward => "forward",
                MessageLinkType::Reply => "reply",
            }),
            Some(link.mid.clone()),
        ),
        None => (None, None),
    };

    let mut tx = pool.begin().await?;
    let attached = match body.attachments.as_deref() {
        Some(list) if !list.is_empty() => {
            uploads::resolve_attachments(&mut tx, caller, list).await?
        }
        _ => Vec::new(),
    };
    sqlx::query(
        "INSERT INTO messages (mid, chat_id, sender_id, text, created_at, link_type, link_mid,
                               is_announcement)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&mid)
    .bind(chat_id)
    .bind(caller.user_id)
    .bind(body.text.as_deref())
    .bind(now)
    .bind(link_type)
    .bind(link_mid.as_deref())
    .bind(kind == Kind::Announcement)
    .execute(&mut *tx)
    .await?;
    if let Some(key) = idempotency_key {
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (user_id, key, mid, created_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (user_id, key) DO NOTHING",
        )
        .bind(caller.user_id)
        .bind(key)
        .bind(&mid)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            // A concurrent retry with the same key won the race: drop ours, return theirs.
            tx.rollback().await?;
            return by_idempotency_key(pool, caller.user_id, key)
                .await?
                .ok_or_else(|| Error::not_found("The first request's message is gone"));
        }
    }
    for (position, upload_id) in attached.iter().enumerate() {
        sqlx::query("INSERT INTO message_attachments (mid, position, upload_id) VALUES (?, ?, ?)")
            .bind(&mid)
            .bind(position as i64)
            .bind(upload_id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("UPDATE chats SET last_event_time = ? WHERE id = ?")
        .bind(now)
        .bind(chat_id)
        .execute(&mut *tx)
        .await?;
    let message = by_mid_on(&mut tx, &mid)
        .await?
        .ok_or_else(|| Error::not_found("The message vanished right after it was stored"))?;
    // The update goes into the log in the same transaction as the message: a crash can lose
    // neither one without the other.
    let update = Update::MessageCreated {
        timestamp: now,
        message: message.clone(),
        user_locale: None,
        parta_silent_until: None,
    };
    let update_id = updates::append(&mut tx, chat_id, &update, now).await?;
    tx.commit().await?;
    hub.published(update_id);
    Ok(message)
}

/// The chat and sender of a message that is not deleted.
async fn owner_of(conn: &mut SqliteConnection, mid: &str) -> Result<(i64, i64)> {
    sqlx::query_as("SELECT chat_id, sender_id FROM messages WHERE mid = ? AND deleted_at IS NULL")
        .bind(mid)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| Error::not_found(format!("Message {mid} not found")))
}

/// Edits the text of one's own message (`PUT /messages?message_id=`); members receive
/// `message_edited`.
pub async fn edit(
    pool: &SqlitePool,
    clock: &dyn Clock,
    hub: &UpdateHub,
    policy: &parta_policy::Policy,
    caller: Caller,
    mid: &str,
    body: NewMessageBody,
) -> Result<()> {
    validate(&body)?;
    let mut tx = pool.begin().await?;
    restrictions::enforce_write(&mut tx, clock, caller.user_id).await?;
    let (chat_id, sender_id) = owner_of(&mut tx, mid).await?;
    chats::require_member_on(&mut tx, caller.user_id, chat_id).await?;
    enforce_policy(&mut tx, policy, chat_id, body.text.as_deref()).await?;
    if sender_id != caller.user_id {
        return Err(Error::denied("You can edit only your own messages"));
    }
    let now = clock.now_ms();
    sqlx::query("UPDATE messages SET text = ?, edited_at = ? WHERE mid = ?")
        .bind(body.text.as_deref())
        .bind(now)
        .bind(mid)
        .execute(&mut *tx)
        .await?;
    // Attachments given replace the old ones; none given keeps them.
    if let Some(list) = body.attachments.as_deref() {
        let attached = uploads::resolve_attachments(&mut tx, caller, list).await?;
        sqlx::query("DELETE FROM message_attachments WHERE mid = ?")
            .bind(mid)
            .execute(&mut *tx)
            .await?;
        for (position, upload_id) in attached.iter().enumerate() {
            sqlx::query(
                "INSERT INTO message_attachments (mid, position, upload_id) VALUES (?, ?, ?)",
            )
            .bind(mid)
            .bind(position as i64)
            .bind(upload_id)
            .execute(&mut *tx)
            .await?;
        }
    }
    let message = by_mid_on(&mut tx, mid)
        .await?
        .ok_or_else(|| Error::not_found(format!("Message {mid} not found")))?;
    let update = Update::MessageEdited {
        timestamp: now,
        message,
    };
    let id = updates::append(&mut tx, chat_id, &update, now).await?;
    tx.commit().await?;
    hub.published(id);
    Ok(())
}

/// Deletes a message: one's own, or anyone's for the chat's admins (`DELETE /messages`);
/// members receive `message_removed`. A pinned message is unpinned with it.
pub async fn delete(
    pool: &SqlitePool,
    clock: &dyn Clock,
    hub: &UpdateHub,
    caller: Caller,
    mid: &str,
) -> Result<()> {
    let mut tx = pool.begin().await?;
    restrictions::enforce_write(&mut tx, clock, caller.user_id).await?;
    let (chat_id, sender_id) = owner_of(&mut tx, mid).await?;
    if sender_id == caller.user_id {
        chats::require_member_on(&mut tx, caller.user_id, chat_id).await?;
    } else {
        crate::members::require_admin(&mut tx, caller.user_id, chat_id).await?;
    }
    let now = clock.now_ms();
    sqlx::query("UPDATE messages SET deleted_at = ? WHERE mid = ?")
        .bind(now)
        .bind(mid)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE chats SET pinned_mid = NULL WHERE id = ? AND pinned_mid = ?")
        .bind(chat_id)
        .bind(mid)
        .execute(&mut *tx)
        .await?;
    let update = Update::MessageRemoved {
        timestamp: now,
        message_id: mid.to_owned(),
        chat_id,
        user_id: caller.user_id,
    };
    let id = updates::append(&mut tx, chat_id, &update, now).await?;
    tx.commit().await?;
    hub.published(id);
    Ok(())
}

async fn by_idempotency_key(pool: &SqlitePool, user_id: i64, key: &str) -> Result<Option<Message>> {
    let mid: Option<String> =
        sqlx::query_scalar("SELECT mid FROM idempotency_keys WHERE user_id = ? AND key = ?")
            .bind(user_id)
            .bind(key)
            .fetch_optional(pool)
            .await?;
    match mid {
        Some(mid) => by_mid(pool, &mid).await,
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_of_exactly_the_limit_is_accepted_and_one_more_is_refused() {
        let at_limit = NewMessageBody {
            text: Some("ё".repeat(MAX_TEXT_CHARS)),
            ..Default::default()
        };
        assert!(
            validate(&at_limit).is_ok(),
            "the limit counts characters, not bytes"
        );
        let over = NewMessageBody {
            text: Some("ё".repeat(MAX_TEXT_CHARS + 1)),
            ..Default::default()
        };
        assert!(validate(&over).is_err());
    }

    #[test]
    fn a_message_without_text_or_attachments_is_refused() {
        assert!(validate(&NewMessageBody::default()).is_err());
        let blank = NewMessageBody {
            text: Some(" \n\t".into()),
            ..Default::default()
        };
        assert!(validate(&blank).is_err());
    }
}
