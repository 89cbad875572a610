//! Chat members, admins, the pinned message and read state, with MAX's semantics
//! (`/chats/{id}/members…`, `/chats/{id}/pin`, `/chats/{id}/actions`).
//!
//! A chat's admins (the owner and whoever they appoint) add and remove members and pin; every
//! member reads the member list. Joining and leaving go into the update log as `user_added` and
//! `user_removed`, in the same transaction as the change.

use parta_model::max::{
    ChatAdmin, ChatAdminPermission, ChatMember, ChatMembersList, Message, SenderAction, Update,
};

use crate::access;
use crate::context::{Caller, School};
use crate::error::{Error, Result};
use crate::messages;
use crate::restrictions;
use crate::store::Tx;
use crate::store::chats::MemberRecord;
use crate::updates::{self};

/// Page limits of `GET /chats/{id}/members` (schema: 1..=100, default 20).
pub const DEFAULT_PAGE: i64 = 20;
pub const MAX_PAGE: i64 = 100;
/// Most users added in one call (`UserIdsList.maxItems`).
pub const MAX_ADD: usize = 100;

fn member_from_record(record: MemberRecord) -> ChatMember {
    let admin = record.is_admin || record.is_owner;
    ChatMember {
        user: record.user,
        last_access_time: record.last_access,
        is_owner: record.is_owner,
        is_admin: admin,
        join_time: record.joined_at,
        permissions: admin.then(|| ChatAdminPermission::ALL.to_vec()),
    }
}

/// One page of a chat's members, by user id, or the members among `user_ids`.
pub async fn list(
    school: &School,
    caller: Caller,
    chat_id: i64,
    user_ids: Option<Vec<i64>>,
    marker: Option<i64>,
    count: Option<i64>,
) -> Result<ChatMembersList> {
    let mut tx = school.read().await?;
    access::require_member_on(&mut *tx, caller.user_id, chat_id).await?;
    let count = count.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&count) {
        return Err(Error::bad_request(format!(
            "count must be between 1 and {MAX_PAGE}"
        )));
    }
    if let Some(ids) = user_ids {
        let mut members = Vec::new();
        for id in ids.into_iter().take(MAX_ADD) {
            if let Some(record) = tx.member(chat_id, id).await? {
                members.push(member_from_record(record));
            }
        }
        return Ok(ChatMembersList {
            members,
            marker: None,
        });
    }
    let records = tx
        .members(chat_id, marker.unwrap_or(i64::MIN), count + 1)
        .await?;
    let mut members: Vec<ChatMember> = records.into_iter().map(member_from_record).collect();
    let marker = if members.len() > usize::try_from(count).unwrap_or(usize::MAX) {
        members.pop().map(|m| m.user.user_id)
    } else {
        None
    };
    Ok(ChatMembersList { members, marker })
}

/// The caller's own membership.
pub async fn me(school: &School, caller: Caller, chat_id: i64) -> Result<ChatMember> {
    let mut tx = school.read().await?;
    match tx.member(chat_id, caller.user_id).await? {
        Some(record) => Ok(member_from_record(record)),
        None => Err(access::not_visible_on(&mut *tx, chat_id).await),
    }
}

/// The chat's admins.
pub async fn admins(school: &School, caller: Caller, chat_id: i64) -> Result<ChatMembersList> {
    let mut tx = school.read().await?;
    access::require_member_on(&mut *tx, caller.user_id, chat_id).await?;
    let records = tx.admins(chat_id).await?;
    Ok(ChatMembersList {
        members: records.into_iter().map(member_from_record).collect(),
        marker: None,
    })
}

/// Adds people to a chat (admins only); returns how many were not members yet.
pub async fn add(school: &School, caller: Caller, chat_id: i64, user_ids: &[i64]) -> Result<usize> {
    if user_ids.is_empty() || user_ids.len() > MAX_ADD {
        return Err(Error::bad_request(format!(
            "user_ids must list 1 to {MAX_ADD} users"
        )));
    }
    let mut tx = school.begin().await?;
    restrictions::enforce_write(&mut *tx, school.clock(), caller.user_id).await?;
    access::require_admin(&mut *tx, caller.user_id, chat_id).await?;
    let mut roles = Vec::with_capacity(user_ids.len());
    for &user_id in user_ids {
        // Fails for someone who does not exist, before anything is written for anyone.
        let (_, role, _) = crate::users::person_on(&mut *tx, user_id).await?;
        roles.push(role);
    }
    crate::membership::keep_families_apart(&mut *tx, Some(chat_id), &roles).await?;
    let now = school.now_ms();
    let mut added = 0;
    for &user_id in user_ids {
        if !tx.add_member(chat_id, user_id, false, now).await? {
            continue;
        }
        announce_added(&mut *tx, chat_id, user_id, Some(caller.user_id), now).await?;
        added += 1;
    }
    tx.touch_chat(chat_id, now).await?;
    school.commit(tx).await?;
    Ok(added)
}

/// Tells a chat's members, the newcomer too, that `user_id` is in it now (`user_added`; their
/// apps then list the chat). `inviter`: who added them, `None` for the one who made the chat.
pub(crate) async fn announce_added(
    tx: &mut dyn Tx,
    chat_id: i64,
    user_id: i64,
    inviter: Option<i64>,
    now: i64,
) -> Result<()> {
    let update = Update::UserAdded {
        timestamp: now,
        chat_id,
        user: crate::users::user_on(tx, user_id).await?,
        inviter_id: inviter,
        is_channel: false,
    };
    updates::append(tx, chat_id, &update, now).await?;
    Ok(())
}

/// Removes someone from a chat: an admin removing a member, or a member leaving
/// (`user_id == caller`). The chat's owner cannot be removed.
pub async fn remove(school: &School, caller: Caller, chat_id: i64, user_id: i64) -> Result<()> {
    let mut tx = school.begin().await?;
    if user_id == caller.user_id {
        access::require_member_on(&mut *tx, caller.user_id, chat_id).await?;
    } else {
        restrictions::enforce_write(&mut *tx, school.clock(), caller.user_id).await?;
        access::require_admin(&mut *tx, caller.user_id, chat_id).await?;
    }
    if tx.chat_owner(chat_id).await?.flatten() == Some(user_id) {
        return Err(Error::bad_request(
            "The chat's owner cannot be removed from it",
        ));
    }
    let user = crate::users::user_on(&mut *tx, user_id).await?;
    if !tx.remove_member(chat_id, user_id).await? {
        return Err(Error::not_found(format!(
            "User {user_id} is not a member of chat {chat_id}"
        )));
    }
    let now = school.now_ms();
    let update = Update::UserRemoved {
        timestamp: now,
        chat_id,
        user,
        admin_id: (user_id != caller.user_id).then_some(caller.user_id),
        is_channel: false,
    };
    updates::append(&mut *tx, chat_id, &update, now).await?;
    tx.touch_chat(chat_id, now).await?;
    school.commit(tx).await?;
    Ok(())
}

/// Appoints members as admins (admins only).
pub async fn appoint_admins(
    school: &School,
    caller: Caller,
    chat_id: i64,
    admins: &[ChatAdmin],
) -> Result<()> {
    if admins.is_empty() || admins.len() > MAX_ADD {
        return Err(Error::bad_request(format!(
            "admins must list 1 to {MAX_ADD} members"
        )));
    }
    let mut tx = school.begin().await?;
    restrictions::enforce_write(&mut *tx, school.clock(), caller.user_id).await?;
    access::require_admin(&mut *tx, caller.user_id, chat_id).await?;
    for admin in admins {
        if !tx.set_admin(chat_id, admin.user_id, true).await? {
            return Err(Error::bad_request(format!(
                "User {} is not a member of chat {chat_id}",
                admin.user_id
            )));
        }
    }
    crate::audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "chat.admins_appointed",
        &format!("chat:{chat_id}"),
        serde_json::json!({"user_ids": admins.iter().map(|a| a.user_id).collect::<Vec<_>>()}),
    )
    .await?;
    school.commit(tx).await?;
    Ok(())
}

/// Revokes a member's admin rights (not the owner's).
pub async fn revoke_admin(
    school: &School,
    caller: Caller,
    chat_id: i64,
    user_id: i64,
) -> Result<()> {
    let mut tx = school.begin().await?;
    restrictions::enforce_write(&mut *tx, school.clock(), caller.user_id).await?;
    access::require_admin(&mut *tx, caller.user_id, chat_id).await?;
    if tx.chat_owner(chat_id).await?.flatten() == Some(user_id) {
        return Err(Error::bad_request("The chat's owner stays its admin"));
    }
    if tx
        .admin_flags(chat_id, user_id)
        .await?
        .map(|(admin, _)| admin)
        != Some(true)
    {
        return Err(Error::not_found(format!(
            "User {user_id} is not an admin of chat {chat_id}"
        )));
    }
    tx.set_admin(chat_id, user_id, false).await?;
    crate::audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "chat.admin_revoked",
        &format!("chat:{chat_id}"),
        serde_json::json!({"user_id": user_id}),
    )
    .await?;
    school.commit(tx).await?;
    Ok(())
}

/// The chat's pinned message, if any.
pub async fn pinned(school: &School, caller: Caller, chat_id: i64) -> Result<Option<Message>> {
    let mut tx = school.read().await?;
    access::require_member_on(&mut *tx, caller.user_id, chat_id).await?;
    match tx.pinned_mid(chat_id).await? {
        Some(mid) => messages::by_mid_on(&mut *tx, &mid).await,
        None => Ok(None),
    }
}

/// Pins a message of the chat (admins only), or unpins with `None`.
pub async fn pin(school: &School, caller: Caller, chat_id: i64, mid: Option<&str>) -> Result<()> {
    let mut tx = school.begin().await?;
    restrictions::enforce_write(&mut *tx, school.clock(), caller.user_id).await?;
    access::require_admin(&mut *tx, caller.user_id, chat_id).await?;
    if let Some(mid) = mid {
        let in_chat = tx.message_owner(mid).await?.map(|(chat, _)| chat);
        if in_chat != Some(chat_id) {
            return Err(Error::not_found(format!(
                "Message {mid} is not in chat {chat_id}"
            )));
        }
    }
    tx.set_pinned(chat_id, mid).await?;
    let now = school.now_ms();
    tx.touch_chat(chat_id, now).await?;
    // The members' apps show the pin (or take it away) as it happens.
    let update = Update::PartaChatPinned {
        timestamp: now,
        chat_id,
        message_id: mid.map(str::to_owned),
    };
    crate::updates::append(&mut *tx, chat_id, &update, now).await?;
    school.commit(tx).await?;
    Ok(())
}

/// A sender action. `mark_seen` records how far the caller has read; the typing and sending
/// indicators are accepted and not stored (nothing relays them yet).
pub async fn action(
    school: &School,
    caller: Caller,
    chat_id: i64,
    action: SenderAction,
) -> Result<()> {
    let mut tx = school.read().await?;
    access::require_member_on(&mut *tx, caller.user_id, chat_id).await?;
    if action != SenderAction::MarkSeen {
        return Ok(());
    }
    let newest = tx.newest_seq(chat_id).await?;
    Ok(tx
        .mark_read(chat_id, caller.user_id, newest, school.now_ms())
        .await?)
}
