//! The school's structure in one call (procedure 4.1, 4.2): the teachers' chat, a parents' chat
//! per class, the director–teachers chat and the director–parent-activists chat, with everyone
//! who belongs in them. Running it again creates only what is missing.

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::audit;
use crate::auth::Caller;
use crate::clock::Clock;
use crate::error::Result;
use crate::membership;
use crate::roles::{self, Action};

/// One of the school's chats as the bootstrap reports it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StructureChat {
    pub kind: String,
    pub chat_id: i64,
    pub title: String,
    pub class_id: Option<i64>,
    /// Whether this run made it.
    pub created: bool,
}

/// What a bootstrap did.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StructureReport {
    pub chats: Vec<StructureChat>,
    /// Memberships added (people who joined a chat they belong in).
    pub members_added: usize,
}

const SCHOOL_CHATS: &[(&str, &str, &str)] = &[
    ("teachers", "Учителя", "Рабочий чат педагогов школы"),
    (
        "director_teachers",
        "Директор и педагоги",
        "Чат руководителя школы с педагогическими работниками",
    ),
    (
        "director_activists",
        "Директор и родительский актив",
        "Чат руководителя школы с родительским активом",
    ),
];

async fn ensure_chat(
    conn: &mut SqliteConnection,
    clock: &dyn Clock,
    owner: i64,
    kind: &str,
    class_id: Option<i64>,
    title: &str,
    description: &str,
) -> Result<StructureChat> {
    let existing: Option<(i64, String)> =
        sqlx::query_as("SELECT id, title FROM chats WHERE kind = ? AND class_id IS ?")
            .bind(kind)
            .bind(class_id)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some((chat_id, title)) = existing {
        return Ok(StructureChat {
            kind: kind.to_owned(),
            chat_id,
            title,
            class_id,
            created: false,
        });
    }
    let now = clock.now_ms();
    let chat_id = sqlx::query(
        "INSERT INTO chats (kind, title, description, owner_id, class_id, created_at, last_event_time)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(kind)
    .bind(title)
    .bind(description)
    .bind(owner)
    .bind(class_id)
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .last_insert_rowid();
    // The one who builds the structure administers what they built.
    sqlx::query(
        "INSERT INTO chat_members (chat_id, user_id, is_admin, joined_at) VALUES (?, ?, 1, ?)
         ON CONFLICT (chat_id, user_id) DO UPDATE SET is_admin = 1",
    )
    .bind(chat_id)
    .bind(owner)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(StructureChat {
        kind: kind.to_owned(),
        chat_id,
        title: title.to_owned(),
        class_id,
        created: true,
    })
}

/// Creates whatever of the school's structure is missing and adds everyone where they belong.
pub async fn bootstrap(
    pool: &sqlx::SqlitePool,
    clock: &dyn Clock,
    caller: Caller,
) -> Result<StructureReport> {
    roles::require(caller.role, Action::BootstrapStructure)?;
    let mut tx = pool.begin().await?;
    let mut chats = Vec::new();
    for (kind, title, description) in SCHOOL_CHATS {
        chats.push(
            ensure_chat(
                &mut tx,
                clock,
                caller.user_id,
                kind,
                None,
                title,
                description,
            )
            .await?,
        );
    }
    let classes: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM classes ORDER BY name")
        .fetch_all(&mut *tx)
        .await?;
    for (class_id, name) in classes {
        let title = format!("{name} — родители");
        let description = format!("Чат классного руководителя с родителями {name} класса");
        chats.push(
            ensure_chat(
                &mut tx,
                clock,
                caller.user_id,
                "class_parents",
                Some(class_id),
                &title,
                &description,
            )
            .await?,
        );
    }
    let members_added = membership::sync_everyone(&mut tx, clock, Some(caller.user_id)).await?;
    let created: Vec<i64> = chats
        .iter()
        .filter(|c| c.created)
        .map(|c| c.chat_id)
        .collect();
    audit::record(
        &mut tx,
        clock,
        Some(caller.user_id),
        "structure.bootstrapped",
        "school",
        serde_json::json!({"chats_created": created, "members_added": members_added}),
    )
    .await?;
    tx.commit().await?;
    Ok(StructureReport {
        chats,
        members_added,
    })
}
