//! People: the caller's own profile (`GET /me`) and how others see a person (`/school/people`).

use parta_model::max::{BotInfo, User};
use sqlx::{Row, SqlitePool};

use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::roles::{self, Action, Grant, Role};

/// A person as MAX's `User`, with their role and whether they left the school: the one place
/// that reads a person for an update or a check.
pub async fn person_on(
    conn: &mut sqlx::SqliteConnection,
    user_id: i64,
) -> Result<(User, Role, bool)> {
    let row = sqlx::query(
        "SELECT id, first_name, last_name, username, role, removed_at FROM users WHERE id = ?",
    )
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::not_found(format!("User {user_id} not found")))?;
    let user = User {
        user_id: row.try_get("id")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        username: row.try_get("username")?,
        is_bot: false,
        last_activity_time: None,
    };
    let role = Role::parse(&row.try_get::<String, _>("role")?)?;
    let removed = row.try_get::<Option<i64>, _>("removed_at")?.is_some();
    Ok((user, role, removed))
}

/// A person as MAX's `User`.
pub async fn user_on(conn: &mut sqlx::SqliteConnection, user_id: i64) -> Result<User> {
    Ok(person_on(conn, user_id).await?.0)
}

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

/// A person as another person sees them: names always; phone and e-mail only for those the
/// permission matrix lets see contact details, and for oneself (procedure 8.3).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Profile {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// `PUT /school/me/contacts`.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Contacts {
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// Longest phone number or e-mail address accepted.
pub const MAX_CONTACT_CHARS: usize = 100;

fn clean_contact(value: Option<String>, what: &str) -> Result<Option<String>> {
    match value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) {
        Some(v) if v.chars().count() > MAX_CONTACT_CHARS => Err(Error::bad_request(format!(
            "The {what} is too long: at most {MAX_CONTACT_CHARS} characters"
        ))),
        Some(v) if what == "e-mail address" && !v.contains('@') => {
            Err(Error::bad_request("The e-mail address needs an @"))
        }
        other => Ok(other),
    }
}

/// Sets the caller's own phone number and e-mail address (empty clears them).
pub async fn set_contacts(
    pool: &SqlitePool,
    caller: Caller,
    contacts: Contacts,
) -> Result<Profile> {
    let phone = clean_contact(contacts.phone, "phone number")?;
    let email = clean_contact(contacts.email, "e-mail address")?;
    sqlx::query("UPDATE users SET phone = ?, email = ? WHERE id = ?")
        .bind(phone)
        .bind(email)
        .bind(caller.user_id)
        .execute(pool)
        .await?;
    profile(pool, caller, caller.user_id).await
}

/// Another person's profile, if the caller shares a chat with them or is staff.
pub async fn profile(pool: &SqlitePool, caller: Caller, user_id: i64) -> Result<Profile> {
    let visible = caller.user_id == user_id
        || caller.role.is_staff()
        || sqlx::query(
            "SELECT 1 FROM chat_members a JOIN chat_members b ON a.chat_id = b.chat_id
             WHERE a.user_id = ? AND b.user_id = ?",
        )
        .bind(caller.user_id)
        .bind(user_id)
        .fetch_optional(pool)
        .await?
        .is_some();
    let row =
        sqlx::query("SELECT id, first_name, last_name, role, phone, email FROM users WHERE id = ?")
            .bind(user_id)
            .fetch_optional(pool)
            .await?;
    let Some(row) = row.filter(|_| visible) else {
        return Err(Error::not_found(format!("User {user_id} not found")));
    };
    let contacts = caller.user_id == user_id
        || roles::grant(caller.role, Action::SeeContactDetails) != Grant::Denied;
    Ok(Profile {
        user_id,
        name: crate::classes::person_name(
            &row.try_get::<String, _>("first_name")?,
            row.try_get::<Option<String>, _>("last_name")?.as_deref(),
        ),
        role: Role::parse(&row.try_get::<String, _>("role")?)?,
        phone: if contacts {
            row.try_get("phone")?
        } else {
            None
        },
        email: if contacts {
            row.try_get("email")?
        } else {
            None
        },
    })
}
