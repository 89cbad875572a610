//! Who belongs in which of the school's chats, derived from roles and classes (4.1-4.5).
//!
//! The school's own chats follow the people: staff are in the teachers' chat and the
//! director–teachers chat; the administration is in both director chats; a class's parents'
//! chat holds its class teacher, the teachers assigned to it and its parents; its pupils' chat
//! the same teachers and its pupils (never a parent). [`sync_user`]
//! adds whatever is missing (it never removes: leaving a chat is an explicit admin action) and
//! tells the chat through a `user_added` update in the same transaction.

use parta_model::max::Update;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::roles::Role;
use crate::store::prelude::*;
use crate::updates;

/// The chats `user_id` should be in, by the school's rules.
async fn expected_chats(tx: &mut dyn Tx, user_id: i64, role: Role) -> Result<Vec<i64>> {
    let mut kinds: Vec<&str> = Vec::new();
    if role.is_staff() {
        kinds.extend(["teachers", "director_teachers"]);
    }
    if matches!(role, Role::Administration) {
        kinds.push("director_activists");
    }
    let mut chats: Vec<i64> = Vec::new();
    for kind in kinds {
        chats.extend(tx.chat_by_kind(kind, None).await?.map(|(id, _)| id));
    }
    chats.extend(tx.class_chats_of(user_id).await?);
    chats.sort_unstable();
    chats.dedup();
    Ok(chats)
}

/// Adds `user_id` to every school chat it belongs in and is not in yet; returns which.
pub async fn sync_user(
    tx: &mut dyn Tx,
    clock: &dyn Clock,
    user_id: i64,
    inviter_id: Option<i64>,
) -> Result<Vec<i64>> {
    let (user, role, _) = crate::users::person_on(tx, user_id).await?;
    let now = clock.now_ms();
    let mut added = Vec::new();
    for chat_id in expected_chats(tx, user_id, role).await? {
        if !tx.add_member(chat_id, user_id, false, now).await? {
            continue;
        }
        let update = Update::UserAdded {
            timestamp: now,
            chat_id,
            user: user.clone(),
            inviter_id,
            is_channel: false,
        };
        updates::append(tx, chat_id, &update, now).await?;
        tx.touch_chat(chat_id, now).await?;
        added.push(chat_id);
    }
    Ok(added)
}

/// [`sync_user`] for everyone at the school (after the structure changed).
pub async fn sync_everyone(
    tx: &mut dyn Tx,
    clock: &dyn Clock,
    actor: Option<i64>,
) -> Result<usize> {
    let mut added = 0;
    for user_id in tx.active_user_ids().await? {
        added += sync_user(tx, clock, user_id, actor).await?.len();
    }
    Ok(added)
}

/// Refuses to put parents and pupils in one chat (4.1: a pupil is never in a parents' chat;
/// 8.3: nor sees a parent's contact): `chat_id`'s members (none for a new chat) with
/// `newcomers` must not hold both.
pub async fn keep_families_apart(
    tx: &mut dyn Tx,
    chat_id: Option<i64>,
    newcomers: &[Role],
) -> Result<()> {
    let mut roles = newcomers.to_vec();
    if let Some(chat_id) = chat_id {
        roles.extend(tx.member_roles(chat_id).await?);
    }
    if roles.contains(&Role::Parent) && roles.contains(&Role::Pupil) {
        return Err(Error::bad_request(
            "Pupils and parents are never in one chat: pupils have their class's pupils' chat",
        ));
    }
    Ok(())
}
