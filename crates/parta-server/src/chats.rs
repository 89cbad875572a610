//! Chats as members see them (`GET /chats`, `GET /chats/{id}`), and their admins' edits
//! (`PATCH /chats/{id}`).

use parta_model::max::{Chat, ChatList, ChatStatus, ChatType};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::auth::Caller;
use crate::error::{Error, ErrorCode, Result};
use crate::messages;

/// Page size limits for `GET /chats` (those of the official SDK's `getAllChats`).
pub const DEFAULT_PAGE: i64 = 50;
pub const MAX_PAGE: i64 = 100;

const CHAT_COLUMNS: &str = "c.id, c.type, c.title, c.description, c.owner_id, c.pinned_mid,
    c.last_event_time, cm.is_admin,
    (SELECT COUNT(*) FROM chat_members x WHERE x.chat_id = c.id) AS participants,
    (SELECT COUNT(*) FROM messages m WHERE m.chat_id = c.id AND m.deleted_at IS NULL) AS messages";

fn chat_from_row(row: &SqliteRow) -> Result<Chat> {
    let chat_type = match row.try_get::<String, _>("type")?.as_str() {
        "dialog" => ChatType::Dialog,
        "channel" => ChatType::Channel,
        _ => ChatType::Chat,
    };
    let is_admin: bool = row.try_get("is_admin")?;
    Ok(Chat {
        chat_id: row.try_get("id")?,
        chat_type,
        status: ChatStatus::Active,
        title: row.try_get("title")?,
        last_event_time: row.try_get("last_event_time")?,
        participants_count: i32::try_from(row.try_get::<i64, _>("participants")?)
            .unwrap_or(i32::MAX),
        // The schema: "Visible only for chat admins".
        owner_id: if is_admin {
            row.try_get("owner_id")?
        } else {
            None
        },
        is_public: false,
        description: row.try_get("description")?,
        messages_count: Some(row.try_get("messages")?),
        pinned_message: None,
    })
}

/// One page of the caller's chats, ordered by id; `marker` is the first id of the next page.
pub async fn list(
    pool: &SqlitePool,
    caller: Caller,
    count: Option<i64>,
    marker: Option<i64>,
) -> Result<ChatList> {
    let count = count.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&count) {
        return Err(Error::bad_request(format!(
            "count must be between 1 and {MAX_PAGE}"
        )));
    }
    let sql = format!(
        "SELECT {CHAT_COLUMNS} FROM chats c
         JOIN chat_members cm ON cm.chat_id = c.id AND cm.user_id = ?
         WHERE c.id >= ? ORDER BY c.id LIMIT ?"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(caller.user_id)
        .bind(marker.unwrap_or(i64::MIN))
        .bind(count + 1)
        .fetch_all(pool)
        .await?;
    let mut chats = rows.iter().map(chat_from_row).collect::<Result<Vec<_>>>()?;
    let marker = if chats.len() > usize::try_from(count).unwrap_or(usize::MAX) {
        chats.pop().map(|next| next.chat_id)
    } else {
        None
    };
    Ok(ChatList { chats, marker })
}

/// One chat with its pinned message, if the caller is a member.
pub async fn get(pool: &SqlitePool, caller: Caller, chat_id: i64) -> Result<Chat> {
    let sql = format!(
        "SELECT {CHAT_COLUMNS} FROM chats c
         JOIN chat_members cm ON cm.chat_id = c.id AND cm.user_id = ?
         WHERE c.id = ?"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(caller.user_id)
        .bind(chat_id)
        .fetch_optional(pool)
        .await?;
    let Some(row) = row else {
        return Err(not_visible(pool, chat_id).await);
    };
    let mut chat = chat_from_row(&row)?;
    if let Some(mid) = row.try_get::<Option<String>, _>("pinned_mid")? {
        chat.pinned_message = messages::by_mid(pool, &mid).await?.map(Box::new);
    }
    Ok(chat)
}

/// Fails unless `user_id` is a member of `chat_id`: 404 for an unknown chat, 403 otherwise.
pub async fn require_member(pool: &SqlitePool, user_id: i64, chat_id: i64) -> Result<()> {
    require_member_on(&mut *pool.acquire().await?, user_id, chat_id).await
}

/// [`require_member`] on a given connection (inside a transaction).
pub async fn require_member_on(
    conn: &mut SqliteConnection,
    user_id: i64,
    chat_id: i64,
) -> Result<()> {
    let member = sqlx::query("SELECT 1 FROM chat_members WHERE chat_id = ? AND user_id = ?")
        .bind(chat_id)
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
    match member {
        Some(_) => Ok(()),
        None => Err(not_visible_on(conn, chat_id).await),
    }
}

async fn not_visible(pool: &SqlitePool, chat_id: i64) -> Error {
    match pool.acquire().await {
        Ok(mut conn) => not_visible_on(&mut conn, chat_id).await,
        Err(e) => e.into(),
    }
}

/// The refusal for a chat the caller is not in: 403 if it exists, 404 if it does not.
pub async fn not_visible_on(conn: &mut SqliteConnection, chat_id: i64) -> Error {
    let exists = sqlx::query("SELECT 1 FROM chats WHERE id = ?")
        .bind(chat_id)
        .fetch_optional(conn)
        .await;
    match exists {
        Ok(Some(_)) => Error::api(ErrorCode::AccessDenied, "You are not a member of this chat"),
        Ok(None) => Error::not_found(format!("Chat {chat_id} not found")),
        Err(e) => e.into(),
    }
}

/// Longest chat title and description (`ChatPatch` in the schema).
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 16_000;

/// Edits a chat's title, description or pin (admins only); a new title reaches the members as
/// `chat_title_changed`. Returns the chat as the caller now sees it.
pub async fn edit(
    pool: &SqlitePool,
    clock: &dyn crate::clock::Clock,
    hub: &crate::updates::UpdateHub,
    caller: Caller,
    chat_id: i64,
    patch: parta_model::max::ChatPatch,
) -> Result<Chat> {
    let title = match patch.title.as_deref().map(str::trim) {
        Some(t) if t.is_empty() || t.chars().count() > MAX_TITLE_CHARS => {
            return Err(Error::bad_request(format!(
                "A chat title has 1 to {MAX_TITLE_CHARS} characters"
            )));
        }
        other => other.map(str::to_owned),
    };
    if patch
        .description
        .as_deref()
        .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION_CHARS)
    {
        return Err(Error::bad_request(format!(
            "A chat description has at most {MAX_DESCRIPTION_CHARS} characters"
        )));
    }
    if let Some(mid) = patch.pin.as_deref() {
        crate::members::pin(pool, clock, caller, chat_id, Some(mid)).await?;
    }
    let mut tx = pool.begin().await?;
    crate::restrictions::enforce_write(&mut tx, clock, caller.user_id).await?;
    crate::members::require_admin(&mut tx, caller.user_id, chat_id).await?;
    let now = clock.now_ms();
    if let Some(description) = &patch.description {
        // An empty description removes it, as the schema says.
        let description = Some(description.as_str()).filter(|d| !d.is_empty());
        sqlx::query("UPDATE chats SET description = ?, last_event_time = ? WHERE id = ?")
            .bind(description)
            .bind(now)
            .bind(chat_id)
            .execute(&mut *tx)
            .await?;
    }
    let mut published = None;
    if let Some(title) = title {
        sqlx::query("UPDATE chats SET title = ?, last_event_time = ? WHERE id = ?")
            .bind(&title)
            .bind(now)
            .bind(chat_id)
            .execute(&mut *tx)
            .await?;
        let update = parta_model::max::Update::ChatTitleChanged {
            timestamp: now,
            chat_id,
            user: crate::users::user_on(&mut tx, caller.user_id).await?,
            title,
        };
        published = Some(crate::updates::append(&mut tx, chat_id, &update, now).await?);
    }
    tx.commit().await?;
    if let Some(id) = published {
        hub.published(id);
    }
    get(pool, caller, chat_id).await
}
