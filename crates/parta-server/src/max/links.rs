//! Which MAX chat is carried into which Parta chat: made and undone by the school's
//! administration (`link_max_chats`), each an audit entry. One MAX chat to one Parta chat; a
//! link carries what is written after it, not the history before.

use parta_model::school::{
    ChatChoice, MaxChatOffer, MaxDelivery, MaxFlag, MaxFlagList, MaxLink, MaxLinks,
};

use crate::access;
use crate::audit;
use crate::context::{Caller, School};
use crate::error::{Error, Result};
use crate::roles::{self, Action};
use crate::store::bridge::{MaxLinkRecord, NewMaxLink};

use super::check::CheckReport;

fn link_of(record: MaxLinkRecord) -> MaxLink {
    MaxLink {
        chat_id: record.chat_id,
        chat_title: record.chat_title,
        max_chat_id: record.max_chat_id,
        max_title: record.max_title,
        linked_by: record.linked_by,
        linked_at: record.linked_at,
    }
}

/// The links, and the bot's MAX chats as `report` (MAX's answer, or why there is none) found
/// them.
pub async fn list(
    school: &School,
    caller: Caller,
    report: Option<std::result::Result<CheckReport, String>>,
) -> Result<MaxLinks> {
    roles::require(caller.role, Action::LinkMaxChats)?;
    let mut tx = school.read().await?;
    let links: Vec<MaxLink> = tx.max_links().await?.into_iter().map(link_of).collect();
    let parta_chats = tx
        .group_chats()
        .await?
        .into_iter()
        .map(|(chat_id, title)| ChatChoice { chat_id, title })
        .collect();
    drop(tx);
    let configured = report.is_some();
    let (bot_name, chats, problem) = match report {
        None => (None, Vec::new(), None),
        Some(Err(problem)) => (None, Vec::new(), Some(problem)),
        Some(Ok(report)) => {
            let chats = report
                .chats
                .into_iter()
                .map(|c| MaxChatOffer {
                    linked_chat_id: links
                        .iter()
                        .find(|l| l.max_chat_id == c.chat_id)
                        .map(|l| l.chat_id),
                    max_chat_id: c.chat_id,
                    title: c.title,
                    can_bridge: c.can_bridge,
                    permissions: c.permissions,
                })
                .collect();
            (Some(report.bot_name), chats, None)
        }
    };
    Ok(MaxLinks {
        configured,
        bot_name,
        links,
        chats,
        problem,
        parta_chats,
    })
}

/// Carries MAX chat `max_chat_id` (titled `max_title` at MAX) into Parta chat `chat_id`.
pub async fn link(
    school: &School,
    caller: Caller,
    chat_id: i64,
    max_chat_id: i64,
    max_title: Option<&str>,
) -> Result<MaxLink> {
    roles::require(caller.role, Action::LinkMaxChats)?;
    let now = school.now_ms();
    let mut tx = school.begin().await?;
    match tx.chat_kind(chat_id).await? {
        None => return Err(Error::not_found(format!("Chat {chat_id} not found"))),
        Some(kind) if kind.starts_with("direct") => {
            return Err(Error::bad_request(
                "A private conversation cannot be carried to MAX: link a group chat",
            ));
        }
        Some(_) => {}
    }
    if let Some(existing) = tx.max_link_of_chat(chat_id).await? {
        return Err(Error::conflict(format!(
            "Chat {chat_id} is already linked to MAX chat {}",
            existing.max_chat_id
        )));
    }
    if let Some(existing) = tx.max_link_of_max_chat(max_chat_id).await? {
        return Err(Error::conflict(format!(
            "MAX chat {max_chat_id} is already linked to chat «{}»",
            existing.chat_title
        )));
    }
    let from_update = tx.newest_update().await?;
    let made = tx
        .insert_max_link(NewMaxLink {
            chat_id,
            max_chat_id,
            max_title,
            linked_by: caller.user_id,
            linked_at: now,
            from_update,
        })
        .await?;
    if !made {
        return Err(Error::conflict("One of the chats was linked meanwhile"));
    }
    audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "max.linked",
        &format!("chat:{chat_id}"),
        serde_json::json!({"max_chat_id": max_chat_id, "max_title": max_title}),
    )
    .await?;
    let record = tx
        .max_link_of_chat(chat_id)
        .await?
        .ok_or_else(|| Error::not_found("The link vanished right after it was made"))?;
    school.commit(tx).await?;
    Ok(link_of(record))
}

/// Stops carrying a Parta chat to and from MAX. What was carried stays.
pub async fn unlink(school: &School, caller: Caller, chat_id: i64) -> Result<()> {
    roles::require(caller.role, Action::LinkMaxChats)?;
    let mut tx = school.begin().await?;
    let link = tx
        .max_link_of_chat(chat_id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Chat {chat_id} is not linked to MAX")))?;
    tx.delete_max_link(chat_id).await?;
    audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "max.unlinked",
        &format!("chat:{chat_id}"),
        serde_json::json!({"max_chat_id": link.max_chat_id}),
    )
    .await?;
    school.commit(tx).await?;
    Ok(())
}

/// Messages from MAX in a chat that the school's policy would have refused: for the chat's
/// administrators.
pub async fn flags(school: &School, caller: Caller, chat_id: i64) -> Result<MaxFlagList> {
    let mut tx = school.read().await?;
    access::require_admin(&mut *tx, caller.user_id, chat_id).await?;
    let flags = tx
        .max_flags(chat_id, 200)
        .await?
        .into_iter()
        .map(|f| MaxFlag {
            message_id: f.mid,
            chat_id: f.chat_id,
            rule: f.rule,
            at: f.at,
        })
        .collect();
    Ok(MaxFlagList { flags })
}

/// Where one's message stands toward MAX: `none` outside linked chats, then `queued` until
/// MAX has it, `sent`, or `failed` with MAX's reason.
pub async fn delivery(school: &School, caller: Caller, mid: &str) -> Result<MaxDelivery> {
    let mut tx = school.read().await?;
    let (chat_id, sender) = tx
        .message_owner(mid)
        .await?
        .ok_or_else(|| Error::not_found(format!("Message {mid} not found")))?;
    access::require_member_on(&mut *tx, caller.user_id, chat_id).await?;
    let (state, detail) = match tx.delivery(mid).await? {
        Some((state, detail)) => (state, detail),
        None if !tx.max_copies_of(mid).await?.is_empty() => ("sent".to_owned(), None),
        None => match tx.max_link_of_chat(chat_id).await? {
            Some(_) if !tx.is_max_person(sender).await? => ("queued".to_owned(), None),
            _ => ("none".to_owned(), None),
        },
    };
    Ok(MaxDelivery {
        message_id: mid.to_owned(),
        state,
        detail,
    })
}
