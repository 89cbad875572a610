//! Chat members, admins, the pinned message and read state, with MAX's semantics
//! (`/chats/{id}/members…`, `/chats/{id}/pin`, `/chats/{id}/actions`).
//!
//! A chat's admins (the owner and whoever they appoint) add and remove members and pin; every
//! member reads the member list. Joining and leaving go into the update log as `user_added` and
//! `user_removed`, in the same transaction as the change.

use parta_model::max::{
    ChatAdmin, ChatAdminPermission, ChatMember, ChatMembersList, Message, SenderAction, Update,
    User,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::auth::Caller;
use crate::chats;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::messages;
use crate::restrictions;
use crate::updates::{self, UpdateHub};

/// Page limits of `GET /chats/{id}/members` (schema: 1..=100, default 20).
pub const DEFAULT_PAGE: i64 = 20;
pub const MAX_PAGE: i64 = 100;
/// Most users added in one call (`UserIdsList.maxItems`).
pub const MAX_ADD: usize = 100;

const MEMBER_SELECT: &str = "SELECT u.id, u.first_name, u.last_name, u.username, cm.is_admin,
    cm.joined_at, (c.owner_id IS u.id) AS is_owner,
    COALESCE((SELECT seen_at FROM chat_reads r WHERE r.chat_id = cm.chat_id AND r.user_id = u.id),
             cm.joined_at) AS last_access
    FROM chat_members cm JOIN users u ON u.id = cm.user_id JOIN chats c ON c.id = cm.chat_id";

fn member_from_row(row: &SqliteRow) -> Result<ChatMember> {
    let is_admin: bool = row.try_get("is_admin")?;
    let is_owner: bool = row.try_get("is_owner")?;
    Ok(ChatMember {
        user: User {
            user_id: row.try_get("id")?,
            first_name: row.try_get("first_name")?,
            last_name: row.try_get("last_name")?,
            username: row.try_get("username")?,
            is_bot: false,
            last_activity_time: None,
        },
        last_access_time: row.try_get("last_access")?,
        is_owner,
        is_admin: is_admin || is_owner,
        join_time: row.try_get("joined_at")?,
        permissions: (is_admin || is_owner).then(|| ChatAdminPermission::ALL.to_vec()),
    })
}

/// Fails unless `user_id` administers `chat_id` (403; 404 for a chat it cannot see).
pub async fn require_admin(conn: &mut SqliteConnection, user_id: i64, chat_id: i64) -> Result<()> {
    let row = sqlx::query(
        "SELECT cm.is_admin, (c.owner_id IS cm.user_id) AS is_owner FROM chat_members cm
         JOIN chats c ON c.id = cm.chat_id WHERE cm.chat_id = ? AND cm.user_id = ?",
    )
    .bind(chat_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row)
            if row.try_get::<bool, _>("is_admin")? || row.try_get::<bool, _>("is_owner")? =>
        {
            Ok(())
        }
        Some(_) => Err(Error::denied("Only the chat's admins may do this")),
        None => Err(chats::not_visible_on(conn, chat_id).await),
    }
}

/// One page of a chat's members, by user id, or the members among `user_ids`.
pub async fn list(
    pool: &SqlitePool,
    caller: Caller,
    chat_id: i64,
    user_ids: Option<Vec<i64>>,
    marker: Option<i64>,
    count: Option<i64>,
) -> Result<ChatMembersList> {
    chats::require_member(pool, caller.user_id, chat_id).await?;
    let count = count.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&count) {
        return Err(Error::bad_request(format!(
            "count must be between 1 and {MAX_PAGE}"
        )));
    }
    if let Some(ids) = user_ids {
        let mut members = Vec::new();
        for id in ids.into_iter().take(MAX_ADD) {
            let sql = format!("{MEMBER_SELECT} WHERE cm.chat_id = ? AND cm.user_id = ?");
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(chat_id)
                .bind(id)
                .fetch_optional(pool)
                .await?;
            if let Some(row) = row {
                members.push(member_from_row(&row)?);
            }
        }
        return Ok(ChatMembersList {
            members,
            marker: None,
        });
    }
    let sql = format!(
        "{MEMBER_SELECT} WHERE cm.chat_id = ? AND cm.user_id >= ? ORDER BY cm.user_id LIMIT ?"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(chat_id)
        .bind(marker.unwrap_or(i64::MIN))
        .bind(count + 1)
        .fetch_all(pool)
        .await?;
    let mut members = rows
        .iter()
        .map(member_from_row)
        .collect::<Result<Vec<_>>>()?;
    let marker = if members.len() > usize::try_from(count).unwrap_or(usize::MAX) {
        members.pop().map(|m| m.user.user_id)
    } else {
        None
    };
    Ok(ChatMembersList { members, marker })
}

/// The caller's own membership.
pub async fn me(pool: &SqlitePool, caller: Caller, chat_id: i64) -> Result<ChatMember> {
    chats::require_member(pool, caller.user_id, chat_id).await?;
    let sql = format!("{MEMBER_SELECT} WHERE cm.chat_id = ? AND cm.user_id = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(chat_id)
        .bind(caller.user_id)
        .fetch_one(pool)
        .await?;
    member_from_row(&row)
}

/// The chat's admins.
pub async fn admins(pool: &SqlitePool, caller: Caller, chat_id: i64) -> Result<ChatMembersList> {
    chats::require_member(pool, caller.user_id, chat_id).await?;
    let sql = format!(
        "{MEMBER_SELECT} WHERE cm.chat_id = ? AND (cm.is_admin = 1 OR c.owner_id IS cm.user_id)
         ORDER BY cm.user_id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(chat_id)
        .fetch_all(pool)
        .await?;
    Ok(ChatMembersList {
        members: rows.iter().map(member_from_row).collect::<Result<_>>()?,
        marker: None,
    })
}

async fn touch(conn: &mut SqliteConnection, chat_id: i64, now: i64) -> Result<()> {
    sqlx::query("UPDATE chats SET last_event_time = ? WHERE id = ?")
        .bind(now)
        .bind(chat_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Adds people to a chat (admins only); returns how many were not members yet.
pub async fn add(
    pool: &SqlitePool,
    clock: &dyn Clock,
    hub: &UpdateHub,
    caller: Caller,
    chat_id: i64,
    user_ids: &[i64],
) -> Result<usize> {
    if user_ids.is_empty() || user_ids.len() > MAX_ADD {
        return Err(Error::bad_request(format!(
            "user_ids must list 1 to {MAX_ADD} users"
        )));
    }
    let mut tx = pool.begin().await?;
    restrictions::enforce_write(&mut tx, clock, caller.user_id).await?;
    require_admin(&mut tx, caller.user_id, chat_id).await?;
    let now = clock.now_ms();
    let mut added = 0;
    let mut last_update = None;
    for &user_id in user_ids {
        let user = crate::users::user_on(&mut tx, user_id).await?;
        let inserted = sqlx::query(
            "INSERT INTO chat_members (chat_id, user_id, is_admin, joined_at) VALUES (?, ?, 0, ?)
             ON CONFLICT (chat_id, user_id) DO NOTHING",
        )
        .bind(chat_id)
        .bind(user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            continue;
        }
        let update = Update::UserAdded {
            timestamp: now,
            chat_id,
            user,
            inviter_id: Some(caller.user_id),
            is_channel: false,
        };
        last_update = Some(updates::append(&mut tx, chat_id, &update, now).await?);
        added += 1;
    }
    touch(&mut tx, chat_id, now).await?;
    tx.commit().await?;
    if let Some(id) = last_update {
        hub.published(id);
    }
    Ok(added)
}

/// Removes someone from a chat: an admin removing a member, or a member leaving
/// (`user_id == caller`). The chat's owner cannot be removed.
pub async fn remove(
    pool: &SqlitePool,
    clock: &dyn Clock,
    hub: &UpdateHub,
    caller: Caller,
    chat_id: i64,
    user_id: i64,
) -> Result<()> {
    let mut tx = pool.begin().await?;
    if user_id == caller.user_id {
        chats::require_member_on(&mut tx, caller.user_id, chat_id).await?;
    } else {
        restrictions::enforce_write(&mut tx, clock, caller.user_id).await?;
        require_admin(&mut tx, caller.user_id, chat_id).await?;
    }
    let owner: Option<i64> = sqlx::query_scalar("SELECT owner_id FROM chats WHERE id = ?")
        .bind(chat_id)
        .fetch_one(&mut *tx)
        .await?;
    if owner == Some(user_id) {
        return Err(Error::bad_request(
            "The chat's owner cannot be removed from it",
        ));
    }
    let user = crate::users::user_on(&mut tx, user_id).await?;
    let removed = sqlx::query("DELETE FROM chat_members WHERE chat_id = ? AND user_id = ?")
        .bind(chat_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if removed.rows_affected() == 0 {
        return Err(Error::not_found(format!(
            "User {user_id} is not a member of chat {chat_id}"
        )));
    }
    let now = clock.now_ms();
    let update = Update::UserRemoved {
        timestamp: now,
        chat_id,
        user,
        admin_id: (user_id != caller.user_id).then_some(caller.user_id),
        is_channel: false,
    };
    let id = updates::append(&mut tx, chat_id, &update, now).await?;
    touch(&mut tx, chat_id, now).await?;
    tx.commit().await?;
    hub.published(id);
    Ok(())
}

/// Appoints members as admins (admins only).
pub async fn appoint_admins(
    pool: &SqlitePool,
    clock: &dyn Clock,
    caller: Caller,
    chat_id: i64,
    admins: &[ChatAdmin],
) -> Result<()> {
    if admins.is_empty() || admins.len() > MAX_ADD {
        return Err(Error::bad_request(format!(
            "admins must list 1 to {MAX_ADD} members"
        )));
    }
    let mut tx = pool.begin().await?;
    restrictions::enforce_write(&mut tx, clock, caller.user_id).await?;
    require_admin(&mut tx, caller.user_id, chat_id).await?;
    for admin in admins {
        let done =
            sqlx::query("UPDATE chat_members SET is_admin = 1 WHERE chat_id = ? AND user_id = ?")
                .bind(chat_id)
                .bind(admin.user_id)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            return Err(Error::bad_request(format!(
                "User {} is not a member of chat {chat_id}",
                admin.user_id
            )));
        }
    }
    crate::audit::record(
        &mut tx,
        clock,
        Some(caller.user_id),
        "chat.admins_appointed",
        &format!("chat:{chat_id}"),
        serde_json::json!({"user_ids": admins.iter().map(|a| a.user_id).collect::<Vec<_>>()}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Revokes a member's admin rights (not the owner's).
pub async fn revoke_admin(
    pool: &SqlitePool,
    clock: &dyn Clock,
    caller: Caller,
    chat_id: i64,
    user_id: i64,
) -> Result<()> {
    let mut tx = pool.begin().await?;
    restrictions::enforce_write(&mut tx, clock, caller.user_id).await?;
    require_admin(&mut tx, caller.user_id, chat_id).await?;
    let owner: Option<i64> = sqlx::query_scalar("SELECT owner_id FROM chats WHERE id = ?")
        .bind(chat_id)
        .fetch_one(&mut *tx)
        .await?;
    if owner == Some(user_id) {
        return Err(Error::bad_request("The chat's owner stays its admin"));
    }
    let done = sqlx::query(
        "UPDATE chat_members SET is_admin = 0 WHERE chat_id = ? AND user_id = ? AND is_admin = 1",
    )
    .bind(chat_id)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::not_found(format!(
            "User {user_id} is not an admin of chat {chat_id}"
        )));
    }
    crate::audit::record(
        &mut tx,
        clock,
        Some(caller.user_id),
        "chat.admin_revoked",
        &format!("chat:{chat_id}"),
        serde_json::json!({"user_id": user_id}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The chat's pinned message, if any.
pub async fn pinned(pool: &SqlitePool, caller: Caller, chat_id: i64) -> Result<Option<Message>> {
    chats::require_member(pool, caller.user_id, chat_id).await?;
    let mid: Option<String> = sqlx::query_scalar("SELECT pinned_mid FROM chats WHERE id = ?")
        .bind(chat_id)
        .fetch_one(pool)
        .await?;
    match mid {
        Some(mid) => messages::by_mid(pool, &mid).await,
        None => Ok(None),
    }
}

/// Pins a message of the chat (admins only), or unpins with `None`.
pub async fn pin(
    pool: &SqlitePool,
    clock: &dyn Clock,
    caller: Caller,
    chat_id: i64,
    mid: Option<&str>,
) -> Result<()> {
    let mut tx = pool.begin().await?;
    restrictions::enforce_write(&mut tx, clock, caller.user_id).await?;
    require_admin(&mut tx, caller.user_id, chat_id).await?;
    if let Some(mid) = mid {
        let in_chat: Option<i64> =
            sqlx::query_scalar("SELECT chat_id FROM messages WHERE mid = ? AND deleted_at IS NULL")
                .bind(mid)
                .fetch_optional(&mut *tx)
                .await?;
        if in_chat != Some(chat_id) {
            return Err(Error::not_found(format!(
                "Message {mid} is not in chat {chat_id}"
            )));
        }
    }
    sqlx::query("UPDATE chats SET pinned_mid = ? WHERE id = ?")
        .bind(mid)
        .bind(chat_id)
        .execute(&mut *tx)
        .await?;
    touch(&mut tx, chat_id, clock.now_ms()).await?;
    tx.commit().await?;
    Ok(())
}

/// A sender action. `mark_seen` records how far the caller has read; the typing and sending
/// indicators are accepted and not stored (nothing relays them yet).
pub async fn action(
    pool: &SqlitePool,
    clock: &dyn Clock,
    caller: Caller,
    chat_id: i64,
    action: SenderAction,
) -> Result<()> {
    chats::require_member(pool, caller.user_id, chat_id).await?;
    if action != SenderAction::MarkSeen {
        return Ok(());
    }
    let newest: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM messages WHERE chat_id = ?")
            .bind(chat_id)
            .fetch_one(pool)
            .await?;
    sqlx::query(
        "INSERT INTO chat_reads (chat_id, user_id, seen_seq, seen_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (chat_id, user_id) DO UPDATE SET
             seen_seq = MAX(seen_seq, excluded.seen_seq), seen_at = excluded.seen_at",
    )
    .bind(chat_id)
    .bind(caller.user_id)
    .bind(newest)
    .bind(clock.now_ms())
    .execute(pool)
    .await?;
    Ok(())
}
