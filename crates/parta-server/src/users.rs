//! People: the caller's own profile (`GET /me`).

use parta_model::max::{BotInfo, User};
use sqlx::{Row, SqlitePool};

use crate::auth::Caller;
use crate::error::{Error, Result};

/// The caller as MAX's `BotInfo`: for a personal token, "the bot" is the person.
pub async fn me(pool: &SqlitePool, caller: Caller) -> Result<BotInfo> {
    let row = sqlx::query("SELECT id, first_name, last_name, username FROM users WHERE id = ?")
        .bind(caller.user_id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| Error::not_found("User not found"))?;
    Ok(BotInfo {
        user: User {
            user_id: row.try_get("id")?,
            first_name: row.try_get("first_name")?,
            last_name: row.try_get("last_name")?,
            username: row.try_get("username")?,
            is_bot: false,
            last_activity_time: None,
        },
        description: None,
        avatar_url: None,
        full_avatar_url: None,
    })
}
