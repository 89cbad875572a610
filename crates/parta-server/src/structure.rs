//! The school's structure in one call (procedure 4.1, 4.2): the teachers' chat, a parents' chat
//! and a pupils' chat per class, the director–teachers chat and the director–parent-activists
//! chat, with everyone who belongs in them. Running it again creates only what is missing.

pub use parta_model::school::{StructureChat, StructureReport};

use crate::audit;
use crate::clock::Clock;
use crate::context::{Caller, School};
use crate::error::Result;
use crate::membership;
use crate::roles::{self, Action};
use crate::store::chats::NewChat;
use crate::store::prelude::*;

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
    tx: &mut dyn Tx,
    clock: &dyn Clock,
    owner: i64,
    kind: &str,
    class_id: Option<i64>,
    title: &str,
    description: &str,
) -> Result<StructureChat> {
    if let Some((chat_id, title)) = tx.chat_by_kind(kind, class_id).await? {
        return Ok(StructureChat {
            kind: kind.to_owned(),
            chat_id,
            title,
            class_id,
            created: false,
        });
    }
    let now = clock.now_ms();
    let chat_id = tx
        .insert_chat(NewChat {
            kind,
            title,
            description,
            owner_id: Some(owner),
            class_id,
            created_at: now,
        })
        .await?;
    // The one who builds the structure administers what they built.
    tx.add_admin_member(chat_id, owner, now).await?;
    Ok(StructureChat {
        kind: kind.to_owned(),
        chat_id,
        title: title.to_owned(),
        class_id,
        created: true,
    })
}

/// Creates whatever of the school's structure is missing and adds everyone where they belong.
pub async fn bootstrap(school: &School, caller: Caller) -> Result<StructureReport> {
    roles::require(caller.role, Action::BootstrapStructure)?;
    let mut tx = school.begin().await?;
    let mut chats = Vec::new();
    for (kind, title, description) in SCHOOL_CHATS {
        chats.push(
            ensure_chat(
                &mut *tx,
                school.clock(),
                caller.user_id,
                kind,
                None,
                title,
                description,
            )
            .await?,
        );
    }
    for class in tx.classes().await? {
        let (class_id, name) = (class.id, class.name);
        let title = format!("{name} — родители");
        let description = format!("Чат классного руководителя с родителями {name} класса");
        chats.push(
            ensure_chat(
                &mut *tx,
                school.clock(),
                caller.user_id,
                "class_parents",
                Some(class_id),
                &title,
                &description,
            )
            .await?,
        );
        let title = format!("{name} — ученики");
        let description = format!("Чат классного руководителя с учениками {name} класса");
        chats.push(
            ensure_chat(
                &mut *tx,
                school.clock(),
                caller.user_id,
                "class_pupils",
                Some(class_id),
                &title,
                &description,
            )
            .await?,
        );
    }
    let members_added =
        membership::sync_everyone(&mut *tx, school.clock(), Some(caller.user_id)).await?;
    let created: Vec<i64> = chats
        .iter()
        .filter(|c| c.created)
        .map(|c| c.chat_id)
        .collect();
    audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "structure.bootstrapped",
        "school",
        serde_json::json!({"chats_created": created, "members_added": members_added}),
    )
    .await?;
    school.commit(tx).await?;
    Ok(StructureReport {
        chats,
        members_added,
    })
}
