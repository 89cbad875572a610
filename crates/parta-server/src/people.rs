//! The school's people as administrators edit them (procedure 4.1: "edits membership when the
//! school's people change", "appoints additional administrators"): change a person's role,
//! move a parent's child to another class, remove a person from the school. Chat membership
//! follows each change, with `user_added`/`user_removed` updates in the same transaction.

use parta_model::max::{Update, User};
use serde::Deserialize;
use sqlx::{SqliteConnection, SqlitePool};

use crate::audit;
use crate::auth::Caller;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::membership;
use crate::roles::{self, Action, Role};
use crate::updates;

/// `PUT /school/users/{id}/role`.
#[derive(Debug, Clone, Deserialize)]
pub struct RoleChange {
    pub role: Role,
}

/// `POST /school/users/{id}/move`: a parent's child changes class.
#[derive(Debug, Clone, Deserialize)]
pub struct Move {
    pub from_class_id: i64,
    pub to_class_id: i64,
    /// Which child, if the parent has more than one in the old class.
    #[serde(default)]
    pub child_name: Option<String>,
}

/// A person still at the school (a removed one is "not found").
async fn person(conn: &mut SqliteConnection, user_id: i64) -> Result<(User, Role)> {
    match crate::users::person_on(conn, user_id).await? {
        (_, _, true) => Err(Error::not_found(format!("User {user_id} not found"))),
        (user, role, false) => Ok((user, role)),
    }
}

/// Takes `user` out of `chat_id`, telling the chat.
async fn leave(
    conn: &mut SqliteConnection,
    clock: &dyn Clock,
    user: &User,
    chat_id: i64,
    admin: i64,
) -> Result<()> {
    let removed = sqlx::query("DELETE FROM chat_members WHERE chat_id = ? AND user_id = ?")
        .bind(chat_id)
        .bind(user.user_id)
        .execute(&mut *conn)
        .await?;
    if removed.rows_affected() > 0 {
        let now = clock.now_ms();
        let update = Update::UserRemoved {
            timestamp: now,
            chat_id,
            user: user.clone(),
            admin_id: Some(admin),
            is_channel: false,
        };
        updates::append(conn, chat_id, &update, now).await?;
    }
    Ok(())
}

/// Changes a person's role among the staff roles (appointing or standing down an
/// administrator). Parents become staff only through an invite.
pub async fn change_role(
    pool: &SqlitePool,
    clock: &dyn Clock,
    caller: Caller,
    user_id: i64,
    change: RoleChange,
) -> Result<()> {
    roles::require(caller.role, Action::AppointAdmins)?;
    if user_id == caller.user_id {
        return Err(Error::bad_request("You cannot change your own role"));
    }
    let mut tx = pool.begin().await?;
    let (_, old) = person(&mut tx, user_id).await?;
    if !old.is_staff() || !change.role.is_staff() {
        return Err(Error::bad_request(
            "Roles change among the school's staff; a parent joins the staff by an invite",
        ));
    }
    sqlx::query("UPDATE users SET role = ? WHERE id = ?")
        .bind(change.role.as_str())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    membership::sync_user(&mut tx, clock, user_id, Some(caller.user_id)).await?;
    audit::record(
        &mut tx,
        clock,
        Some(caller.user_id),
        "user.role_changed",
        &format!("user:{user_id}"),
        serde_json::json!({"from": old, "to": change.role}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a parent's child from one class to another: the parent leaves the old class's chat
/// (unless another child keeps them there) and joins the new one.
pub async fn move_child(
    pool: &SqlitePool,
    clock: &dyn Clock,
    caller: Caller,
    user_id: i64,
    movement: Move,
) -> Result<()> {
    roles::require(caller.role, Action::ManageMembers)?;
    let mut tx = pool.begin().await?;
    let (user, role) = person(&mut tx, user_id).await?;
    if role != Role::Parent {
        return Err(Error::bad_request(
            "Only parents move with their children; assign teachers to classes instead",
        ));
    }
    let target = sqlx::query("SELECT 1 FROM classes WHERE id = ?")
        .bind(movement.to_class_id)
        .fetch_optional(&mut *tx)
        .await?;
    if target.is_none() {
        return Err(Error::not_found(format!(
            "Class {} not found",
            movement.to_class_id
        )));
    }
    let children: Vec<String> = sqlx::query_scalar(
        "SELECT child_name FROM class_parents WHERE class_id = ? AND user_id = ?",
    )
    .bind(movement.from_class_id)
    .bind(user_id)
    .fetch_all(&mut *tx)
    .await?;
    let child = match (&movement.child_name, children.as_slice()) {
        (Some(name), _) if children.contains(name) => name.clone(),
        (Some(name), _) => {
            return Err(Error::not_found(format!(
                "{name} is not in that class with this parent"
            )));
        }
        (None, [only]) => only.clone(),
        (None, []) => {
            return Err(Error::not_found("This parent has no child in that class"));
        }
        (None, _) => {
            return Err(Error::bad_request(
                "This parent has several children there: name the child",
            ));
        }
    };
    sqlx::query(
        "UPDATE class_parents SET class_id = ? WHERE class_id = ? AND user_id = ? AND child_name = ?",
    )
    .bind(movement.to_class_id)
    .bind(movement.from_class_id)
    .bind(user_id)
    .bind(&child)
    .execute(&mut *tx)
    .await?;
    let still_there = sqlx::query("SELECT 1 FROM class_parents WHERE class_id = ? AND user_id = ?")
        .bind(movement.from_class_id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
    if !still_there {
        let old_chat: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM chats WHERE kind = 'class_parents' AND class_id = ?",
        )
        .bind(movement.from_class_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(chat_id) = old_chat {
            leave(&mut tx, clock, &user, chat_id, caller.user_id).await?;
        }
    }
    membership::sync_user(&mut tx, clock, user_id, Some(caller.user_id)).await?;
    audit::record(
        &mut tx,
        clock,
        Some(caller.user_id),
        "user.moved",
        &format!("user:{user_id}"),
        serde_json::json!({"from": movement.from_class_id, "to": movement.to_class_id}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a person from the school: every device signed out, every chat left, class links
/// gone; their old messages stay, under their name.
pub async fn remove(
    pool: &SqlitePool,
    clock: &dyn Clock,
    caller: Caller,
    user_id: i64,
) -> Result<()> {
    roles::require(caller.role, Action::ManageMembers)?;
    if user_id == caller.user_id {
        return Err(Error::bad_request("You cannot remove yourself"));
    }
    let now = clock.now_ms();
    let mut tx = pool.begin().await?;
    let (user, role) = person(&mut tx, user_id).await?;
    if role == Role::PlatformAdmin && caller.role != Role::PlatformAdmin {
        return Err(Error::denied(
            "Only a platform administrator removes a platform administrator",
        ));
    }
    let chats: Vec<i64> = sqlx::query_scalar("SELECT chat_id FROM chat_members WHERE user_id = ?")
        .bind(user_id)
        .fetch_all(&mut *tx)
        .await?;
    for chat_id in chats {
        leave(&mut tx, clock, &user, chat_id, caller.user_id).await?;
    }
    for sql in [
        "DELETE FROM class_parents WHERE user_id = ?",
        "DELETE FROM class_teachers WHERE user_id = ?",
        "UPDATE classes SET class_teacher_id = NULL WHERE class_teacher_id = ?",
    ] {
        sqlx::query(sql).bind(user_id).execute(&mut *tx).await?;
    }
    sqlx::query("UPDATE devices SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE users SET removed_at = ?, password_hash = NULL WHERE id = ?")
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        clock,
        Some(caller.user_id),
        "user.removed",
        &format!("user:{user_id}"),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
