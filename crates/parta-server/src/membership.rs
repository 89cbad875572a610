//! Who belongs in which of the school's chats, derived from roles and classes (4.1-4.5).
//!
//! The school's own chats follow the people: staff are in the teachers' chat and the
//! director–teachers chat; the administration is in both director chats; a class's parents'
//! chat holds its class teacher, the teachers assigned to it and its parents. [`sync_user`]
//! adds whatever is missing (it never removes: leaving a chat is an explicit admin action) and
//! tells the chat through a `user_added` update in the same transaction.

use parta_model::max::Update;
use sqlx::SqliteConnection;

use crate::clock::Clock;
use crate::error::Result;
use crate::roles::Role;
use crate::updates;

/// The chats `user_id` should be in, by the school's rules.
async fn expected_chats(conn: &mut SqliteConnection, user_id: i64, role: Role) -> Result<Vec<i64>> {
    let mut kinds: Vec<&str> = Vec::new();
    if role.is_staff() {
        kinds.extend(["teachers", "director_teachers"]);
    }
    if matches!(role, Role::Administration) {
        kinds.push("director_activists");
    }
    let mut chats: Vec<i64> = Vec::new();
    for kind in kinds {
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM chats WHERE kind = ?")
            .bind(kind)
            .fetch_optional(&mut *conn)
            .await?;
        chats.extend(id);
    }
    let class_chats: Vec<i64> = sqlx::query_scalar(
        "SELECT c.id FROM chats c WHERE c.kind = 'class_parents' AND c.class_id IN (
             SELECT id FROM classes WHERE class_teacher_id = ?1
             UNION SELECT class_id FROM class_teachers WHERE user_id = ?1
             UNION SELECT class_id FROM class_parents WHERE user_id = ?1)",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    chats.extend(class_chats);
    chats.sort_unstable();
    chats.dedup();
    Ok(chats)
}

/// Adds `user_id` to every school chat it belongs in and is not in yet; returns how many.
pub async fn sync_user(
    conn: &mut SqliteConnection,
    clock: &dyn Clock,
    user_id: i64,
    inviter_id: Option<i64>,
) -> Result<Vec<i64>> {
    let (user, role, _) = crate::users::person_on(conn, user_id).await?;
    let now = clock.now_ms();
    let mut added = Vec::new();
    for chat_id in expected_chats(conn, user_id, role).await? {
        let inserted = sqlx::query(
            "INSERT INTO chat_members (chat_id, user_id, is_admin, joined_at) VALUES (?, ?, 0, ?)
             ON CONFLICT (chat_id, user_id) DO NOTHING",
        )
        .bind(chat_id)
        .bind(user_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        if inserted.rows_affected() == 0 {
            continue;
        }
        let update = Update::UserAdded {
            timestamp: now,
            chat_id,
            user: user.clone(),
            inviter_id,
            is_channel: false,
        };
        updates::append(conn, chat_id, &update, now).await?;
        sqlx::query("UPDATE chats SET last_event_time = ? WHERE id = ?")
            .bind(now)
            .bind(chat_id)
            .execute(&mut *conn)
            .await?;
        added.push(chat_id);
    }
    Ok(added)
}

/// [`sync_user`] for everyone at the school (after the structure changed).
pub async fn sync_everyone(
    conn: &mut SqliteConnection,
    clock: &dyn Clock,
    actor: Option<i64>,
) -> Result<usize> {
    let users: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE removed_at IS NULL ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
    let mut added = 0;
    for user_id in users {
        added += sync_user(conn, clock, user_id, actor).await?.len();
    }
    Ok(added)
}
