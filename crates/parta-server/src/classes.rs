//! Classes ("5А") and the teachers assigned to them (procedure 4.1: the platform administrator
//! distributes teachers across classes).

use serde::{Deserialize, Serialize};
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::audit;
use crate::auth::Caller;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::membership;
use crate::roles::{self, Action, Grant, Role};

/// Longest class name.
pub const MAX_NAME_CHARS: usize = 20;

/// A person as the school's lists show them: names only (contact details are not part of it).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Person {
    pub user_id: i64,
    pub name: String,
}

/// A class with its teachers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Class {
    pub id: i64,
    pub name: String,
    pub class_teacher: Option<Person>,
    pub teachers: Vec<Person>,
    /// The class's parents' chat, once the structure bootstrap has made it.
    pub chat_id: Option<i64>,
    pub parents: i64,
}

/// `POST /school/classes`.
#[derive(Debug, Clone, Deserialize)]
pub struct NewClass {
    pub name: String,
    #[serde(default)]
    pub class_teacher_id: Option<i64>,
}

/// `POST /school/classes/{id}/teachers`.
#[derive(Debug, Clone, Deserialize)]
pub struct Assignment {
    pub user_id: i64,
    /// Make this teacher the class teacher (replacing the previous one).
    #[serde(default)]
    pub class_teacher: bool,
}

/// Normalizes a class name: trimmed, inner spaces removed, letters upper-case ("5 а" -> "5А").
pub fn normalize_name(name: &str) -> Result<String> {
    let name: String = name
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::bad_request(format!(
            "A class name must be 1 to {MAX_NAME_CHARS} characters, such as 5А"
        )));
    }
    Ok(name)
}

pub(crate) fn person_name(first: &str, last: Option<&str>) -> String {
    match last {
        Some(last) if !last.is_empty() => format!("{first} {last}"),
        _ => first.to_owned(),
    }
}

async fn people(conn: &mut SqliteConnection, sql: &str, id: i64) -> Result<Vec<Person>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Person {
                user_id: row.try_get("id")?,
                name: person_name(
                    &row.try_get::<String, _>("first_name")?,
                    row.try_get::<Option<String>, _>("last_name")?.as_deref(),
                ),
            })
        })
        .collect()
}

async fn class_on(conn: &mut SqliteConnection, class_id: i64) -> Result<Class> {
    let row = sqlx::query(
        "SELECT id, name, class_teacher_id,
                (SELECT id FROM chats WHERE kind = 'class_parents' AND class_id = classes.id) AS chat_id,
                (SELECT COUNT(DISTINCT user_id) FROM class_parents WHERE class_id = classes.id) AS parents
         FROM classes WHERE id = ?",
    )
    .bind(class_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::not_found(format!("Class {class_id} not found")))?;
    let class_teacher_id: Option<i64> = row.try_get("class_teacher_id")?;
    let class_teacher = match class_teacher_id {
        Some(id) => people(
            conn,
            "SELECT id, first_name, last_name FROM users WHERE id = ?",
            id,
        )
        .await?
        .into_iter()
        .next(),
        None => None,
    };
    let teachers = people(
        conn,
        "SELECT u.id, u.first_name, u.last_name FROM class_teachers t JOIN users u ON u.id = t.user_id
         WHERE t.class_id = ? ORDER BY u.last_name, u.first_name",
        class_id,
    )
    .await?;
    Ok(Class {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        class_teacher,
        teachers,
        chat_id: row.try_get("chat_id")?,
        parents: row.try_get("parents")?,
    })
}

/// Classes by name: staff see all; a parent sees the classes of their children.
pub async fn list(pool: &SqlitePool, caller: Caller) -> Result<Vec<Class>> {
    let mut conn = pool.acquire().await?;
    let ids: Vec<i64> = if roles::require(caller.role, Action::ViewClasses)? != Grant::School {
        sqlx::query_scalar(
            "SELECT DISTINCT c.id FROM classes c JOIN class_parents p ON p.class_id = c.id
             WHERE p.user_id = ? ORDER BY c.name",
        )
        .bind(caller.user_id)
        .fetch_all(&mut *conn)
        .await?
    } else {
        sqlx::query_scalar("SELECT id FROM classes ORDER BY name")
            .fetch_all(&mut *conn)
            .await?
    };
    let mut classes = Vec::with_capacity(ids.len());
    for id in ids {
        classes.push(class_on(&mut conn, id).await?);
    }
    Ok(classes)
}

/// Fails unless `user_id` exists and is staff (only staff teach classes).
async fn require_staff(conn: &mut SqliteConnection, user_id: i64) -> Result<()> {
    let role: Option<String> = sqlx::query_scalar("SELECT role FROM users WHERE id = ?")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
    let role = role.ok_or_else(|| Error::not_found(format!("User {user_id} not found")))?;
    if !Role::parse(&role)?.is_staff() {
        return Err(Error::bad_request(format!(
            "User {user_id} is a parent and cannot teach a class"
        )));
    }
    Ok(())
}

/// Creates a class (optionally with its class teacher).
pub async fn create(
    pool: &SqlitePool,
    clock: &dyn Clock,
    caller: Caller,
    new: NewClass,
) -> Result<Class> {
    roles::require(caller.role, Action::ManageClasses)?;
    let name = normalize_name(&new.name)?;
    let mut tx = pool.begin().await?;
    if let Some(teacher) = new.class_teacher_id {
        require_staff(&mut tx, teacher).await?;
    }
    let taken = sqlx::query("SELECT 1 FROM classes WHERE name = ?")
        .bind(&name)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(Error::conflict(format!("Class {name} already exists")));
    }
    let id =
        sqlx::query("INSERT INTO classes (name, class_teacher_id, created_at) VALUES (?, ?, ?)")
            .bind(&name)
            .bind(new.class_teacher_id)
            .bind(clock.now_ms())
            .execute(&mut *tx)
            .await?
            .last_insert_rowid();
    if let Some(teacher) = new.class_teacher_id {
        sqlx::query("INSERT OR IGNORE INTO class_teachers (class_id, user_id) VALUES (?, ?)")
            .bind(id)
            .bind(teacher)
            .execute(&mut *tx)
            .await?;
    }
    audit::record(
        &mut tx,
        clock,
        Some(caller.user_id),
        "class.created",
        &format!("class:{id}"),
        serde_json::json!({"name": name, "class_teacher_id": new.class_teacher_id}),
    )
    .await?;
    let class = class_on(&mut tx, id).await?;
    tx.commit().await?;
    Ok(class)
}

/// Assigns a teacher to a class (and makes them class teacher if asked); the teacher joins the
/// class's parents' chat. Returns the class and whether any chat membership changed.
pub async fn assign(
    pool: &SqlitePool,
    clock: &dyn Clock,
    caller: Caller,
    class_id: i64,
    assignment: Assignment,
) -> Result<(Class, bool)> {
    roles::require(caller.role, Action::ManageClasses)?;
    let mut tx = pool.begin().await?;
    class_on(&mut tx, class_id).await?;
    require_staff(&mut tx, assignment.user_id).await?;
    sqlx::query("INSERT OR IGNORE INTO class_teachers (class_id, user_id) VALUES (?, ?)")
        .bind(class_id)
        .bind(assignment.user_id)
        .execute(&mut *tx)
        .await?;
    if assignment.class_teacher {
        sqlx::query("UPDATE classes SET class_teacher_id = ? WHERE id = ?")
            .bind(assignment.user_id)
            .bind(class_id)
            .execute(&mut *tx)
            .await?;
    }
    let joined =
        membership::sync_user(&mut tx, clock, assignment.user_id, Some(caller.user_id)).await?;
    audit::record(
        &mut tx,
        clock,
        Some(caller.user_id),
        "class.teacher_assigned",
        &format!("class:{class_id}"),
        serde_json::json!({"user_id": assignment.user_id, "class_teacher": assignment.class_teacher}),
    )
    .await?;
    let class = class_on(&mut tx, class_id).await?;
    tx.commit().await?;
    Ok((class, !joined.is_empty()))
}

/// Removes a teacher from a class (the class teacher too, if it was them). Chat membership is
/// left alone: the teacher may still need the history; an admin removes them from the chat.
pub async fn unassign(
    pool: &SqlitePool,
    clock: &dyn Clock,
    caller: Caller,
    class_id: i64,
    user_id: i64,
) -> Result<Class> {
    roles::require(caller.role, Action::ManageClasses)?;
    let mut tx = pool.begin().await?;
    class_on(&mut tx, class_id).await?;
    let removed = sqlx::query("DELETE FROM class_teachers WHERE class_id = ? AND user_id = ?")
        .bind(class_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if removed.rows_affected() == 0 {
        return Err(Error::not_found(format!(
            "User {user_id} is not assigned to class {class_id}"
        )));
    }
    sqlx::query("UPDATE classes SET class_teacher_id = NULL WHERE id = ? AND class_teacher_id = ?")
        .bind(class_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        clock,
        Some(caller.user_id),
        "class.teacher_unassigned",
        &format!("class:{class_id}"),
        serde_json::json!({"user_id": user_id}),
    )
    .await?;
    let class = class_on(&mut tx, class_id).await?;
    tx.commit().await?;
    Ok(class)
}

/// Whether `user_id` is the class teacher of `class_id`.
pub async fn is_class_teacher(
    conn: &mut SqliteConnection,
    user_id: i64,
    class_id: i64,
) -> Result<bool> {
    let found = sqlx::query("SELECT 1 FROM classes WHERE id = ? AND class_teacher_id = ?")
        .bind(class_id)
        .bind(user_id)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names_are_normalized_so_5a_is_one_class() {
        assert_eq!(normalize_name(" 5 а ").ok().as_deref(), Some("5А"));
        assert_eq!(normalize_name("11б").ok().as_deref(), Some("11Б"));
        assert!(normalize_name("   ").is_err());
        assert!(normalize_name(&"5".repeat(MAX_NAME_CHARS + 1)).is_err());
    }
}
