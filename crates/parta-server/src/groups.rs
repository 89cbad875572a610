//! Other chats (procedure 4.3): a class teacher makes a chat beyond the structure's (the
//! parents' committee, a project group) with the people she picks: staff, and the parents or
//! the pupils of the classes she teaches (never both in one chat); the administration with
//! anyone. She owns and administers it, so she
//! renames it and adds and removes members with the MAX chat endpoints like any chat admin.

use parta_model::max::Chat;
use parta_model::school::Person;
pub use parta_model::school::{NewGroup, SchoolChat};

use crate::audit;
use crate::chats::MAX_TITLE_CHARS;
use crate::context::{Caller, School};
use crate::error::{Error, Result};
use crate::members::MAX_ADD;
use crate::restrictions;
use crate::roles::{self, Action, Grant};
use crate::store::chats::NewChat;

/// Makes the chat; every member, the creator too, gets `user_added`.
pub async fn create(school: &School, caller: Caller, new: NewGroup) -> Result<Chat> {
    let grant = roles::require(caller.role, Action::CreateChats)?;
    let title = new.title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        return Err(Error::bad_request(format!(
            "A chat title has 1 to {MAX_TITLE_CHARS} characters"
        )));
    }
    let mut members: Vec<i64> = Vec::new();
    for &id in &new.user_ids {
        if id != caller.user_id && !members.contains(&id) {
            members.push(id);
        }
    }
    if members.is_empty() || members.len() > MAX_ADD {
        return Err(Error::bad_request(format!(
            "user_ids must list 1 to {MAX_ADD} other people"
        )));
    }
    let now = school.now_ms();
    let mut tx = school.begin().await?;
    restrictions::enforce_write(&mut *tx, school.clock(), caller.user_id).await?;
    let mut roles = Vec::with_capacity(members.len());
    for &id in &members {
        let person = tx
            .person(id)
            .await?
            .filter(|p| !p.removed)
            .ok_or_else(|| Error::not_found(format!("User {id} not found")))?;
        roles.push(person.role);
        if grant != Grant::School
            && !person.role.is_staff()
            && !crate::dialogs::teaching(&mut *tx, caller.user_id, id)
                .await?
                .teaches
        {
            return Err(Error::denied(format!(
                "{} is not a parent or pupil of a class you teach",
                crate::users::person_name(
                    &person.user.first_name,
                    person.user.last_name.as_deref()
                )
            )));
        }
    }
    crate::membership::keep_families_apart(&mut *tx, None, &roles).await?;
    let description = new.description.as_deref().map(str::trim).unwrap_or("");
    let chat_id = tx
        .insert_chat(NewChat {
            kind: "group",
            title,
            description,
            owner_id: Some(caller.user_id),
            class_id: None,
            created_at: now,
        })
        .await?;
    tx.add_admin_member(chat_id, caller.user_id, now).await?;
    let everyone = std::iter::once((caller.user_id, None))
        .chain(members.iter().map(|&id| (id, Some(caller.user_id))));
    for (member, inviter) in everyone {
        if inviter.is_some() {
            tx.add_member(chat_id, member, false, now).await?;
        }
        crate::members::announce_added(&mut *tx, chat_id, member, inviter, now).await?;
    }
    audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "chat.created",
        &format!("chat:{chat_id}"),
        serde_json::json!({"title": title, "members": members.len() + 1}),
    )
    .await?;
    let chat = crate::chats::seen_on(&mut *tx, caller, chat_id).await?;
    school.commit(tx).await?;
    Ok(chat)
}

/// Every chat of the school but private conversations, by title (`oversee_chats`: the
/// administration sees every chat, 4.2 and 4.3). Titles, kinds, sizes and owners only: reading
/// a chat's messages still takes being in it.
pub async fn overview(school: &School, caller: Caller) -> Result<Vec<SchoolChat>> {
    roles::require(caller.role, Action::OverseeChats)?;
    let records = school.read().await?.school_chats().await?;
    Ok(records
        .into_iter()
        .map(|r| SchoolChat {
            chat_id: r.id,
            title: r.title,
            kind: r.kind,
            members: r.members,
            owner: r.owner.map(|o| Person {
                user_id: o.user_id,
                name: crate::users::person_name(&o.first_name, o.last_name.as_deref()),
            }),
            last_event_time: r.last_event_time,
        })
        .collect())
}
