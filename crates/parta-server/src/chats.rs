//! Chats as members see them (`GET /chats`, `GET /chats/{id}`), and their admins' edits
//! (`PATCH /chats/{id}`).

use parta_model::max::{Chat, ChatList, ChatStatus, ChatType};

use crate::access;
use crate::context::{Caller, School};
use crate::error::{Error, Result};
use crate::messages;
use crate::store::chats::ChatRecord;
use crate::store::prelude::*;

/// Page size limits for `GET /chats` (those of the official SDK's `getAllChats`).
pub const DEFAULT_PAGE: i64 = 50;
pub const MAX_PAGE: i64 = 100;

fn chat_from_record(record: ChatRecord) -> Chat {
    let chat_type = match record.chat_type.as_str() {
        "dialog" => ChatType::Dialog,
        "channel" => ChatType::Channel,
        _ => ChatType::Chat,
    };
    Chat {
        chat_id: record.id,
        chat_type,
        status: ChatStatus::Active,
        title: record.title,
        last_event_time: record.last_event_time,
        participants_count: i32::try_from(record.participants).unwrap_or(i32::MAX),
        // The schema: "Visible only for chat admins".
        owner_id: if record.is_admin {
            record.owner_id
        } else {
            None
        },
        is_public: false,
        description: record.description,
        messages_count: Some(record.messages),
        pinned_message: None,
        parta_material_pages: None,
    }
}

/// Tells the app where the school warns before a whole book or a video is sent (6.2).
fn with_material_rule(school: &School, kind: &str, mut chat: Chat) -> Chat {
    chat.parta_material_pages = school.policy().material_pages_in(messages::chat_kind(kind));
    chat
}

/// A chat as `caller` sees it: a private conversation is titled with the other person's name.
pub(crate) async fn seen_by(tx: &mut dyn Tx, caller: Caller, record: ChatRecord) -> Result<Chat> {
    let dialog = record.chat_type == "dialog";
    let id = record.id;
    let mut chat = chat_from_record(record);
    if dialog && let Some(partner) = tx.dialog_partner(id, caller.user_id).await? {
        chat.title = Some(crate::users::person_name(
            &partner.first_name,
            partner.last_name.as_deref(),
        ));
    }
    Ok(chat)
}

/// Chat `chat_id` as `caller`, a member, sees it, read in `tx` (a transaction that has just
/// made it, say).
pub(crate) async fn seen_on(tx: &mut dyn Tx, caller: Caller, chat_id: i64) -> Result<Chat> {
    let record = tx
        .chat_for(caller.user_id, chat_id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Chat {chat_id} not found")))?;
    seen_by(tx, caller, record).await
}

/// One page of the caller's chats, ordered by id; `marker` is the first id of the next page.
pub async fn list(
    school: &School,
    caller: Caller,
    count: Option<i64>,
    marker: Option<i64>,
) -> Result<ChatList> {
    let count = count.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&count) {
        return Err(Error::bad_request(format!(
            "count must be between 1 and {MAX_PAGE}"
        )));
    }
    let mut tx = school.read().await?;
    let records = tx
        .chats_of(caller.user_id, marker.unwrap_or(i64::MIN), count + 1)
        .await?;
    let mut chats = Vec::with_capacity(records.len());
    for record in records {
        let kind = record.kind.clone();
        let chat = seen_by(&mut *tx, caller, record).await?;
        chats.push(with_material_rule(school, &kind, chat));
    }
    let marker = if chats.len() > usize::try_from(count).unwrap_or(usize::MAX) {
        chats.pop().map(|next| next.chat_id)
    } else {
        None
    };
    Ok(ChatList { chats, marker })
}

/// One chat with its pinned message, if the caller is a member.
pub async fn get(school: &School, caller: Caller, chat_id: i64) -> Result<Chat> {
    let mut tx = school.read().await?;
    let Some(record) = tx.chat_for(caller.user_id, chat_id).await? else {
        return Err(access::not_visible_on(&mut *tx, chat_id).await);
    };
    let pinned = record.pinned_mid.clone();
    let kind = record.kind.clone();
    let mut chat = with_material_rule(school, &kind, seen_by(&mut *tx, caller, record).await?);
    if let Some(mid) = pinned {
        chat.pinned_message = messages::by_mid_on(&mut *tx, &mid).await?.map(Box::new);
    }
    Ok(chat)
}

/// Longest chat title and description (`ChatPatch` in the schema).
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 16_000;

/// Edits a chat's title, description or pin (admins only); a new title reaches the members as
/// `chat_title_changed`. Returns the chat as the caller now sees it.
pub async fn edit(
    school: &School,
    caller: Caller,
    chat_id: i64,
    patch: parta_model::max::ChatPatch,
) -> Result<Chat> {
    let title = match patch.title.as_deref().map(str::trim) {
        Some(t) if t.is_empty() || t.chars().count() > MAX_TITLE_CHARS => {
            return Err(Error::bad_request(format!(
                "A chat title has 1 to {MAX_TITLE_CHARS} characters"
            )));
        }
        other => other.map(str::to_owned),
    };
    if patch
        .description
        .as_deref()
        .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION_CHARS)
    {
        return Err(Error::bad_request(format!(
            "A chat description has at most {MAX_DESCRIPTION_CHARS} characters"
        )));
    }
    if let Some(mid) = patch.pin.as_deref() {
        crate::members::pin(school, caller, chat_id, Some(mid)).await?;
    }
    let mut tx = school.begin().await?;
    crate::restrictions::enforce_write(&mut *tx, school.clock(), caller.user_id).await?;
    access::require_admin(&mut *tx, caller.user_id, chat_id).await?;
    let now = school.now_ms();
    if let Some(description) = &patch.description {
        // An empty description removes it, as the schema says.
        let description = Some(description.as_str()).filter(|d| !d.is_empty());
        tx.set_chat_description(chat_id, description, now).await?;
    }
    if let Some(title) = title {
        tx.set_chat_title(chat_id, &title, now).await?;
        let update = parta_model::max::Update::ChatTitleChanged {
            timestamp: now,
            chat_id,
            user: crate::users::user_on(&mut *tx, caller.user_id).await?,
            title,
        };
        crate::updates::append(&mut *tx, chat_id, &update, now).await?;
    }
    school.commit(tx).await?;
    get(school, caller, chat_id).await
}
