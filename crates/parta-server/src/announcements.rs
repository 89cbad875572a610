//! Announcements (Parta extension): messages flagged as announcements that parents acknowledge
//! ("Ознакомлен"), and the receipts their author reads: who has read, who has acknowledged,
//! who has not yet (procedure 2.3: informing parents).

use parta_model::max::NewMessageBody;
pub use parta_model::school::{Announcement, AnnouncementList, Receipts};
pub use parta_model::school::{BroadcastFailure, BroadcastResult, MAX_BROADCAST_CHATS};

use crate::access;
use crate::classes::Person;
use crate::context::{Caller, School};
use crate::error::{Error, Result};
use crate::messages;
use crate::roles::{self, Action};
use crate::store::messages::AnnouncementRef;
use crate::store::prelude::*;
use crate::users::person_name;

/// Longest page of `GET /school/announcements`.
pub const MAX_PAGE: i64 = 100;

/// Announcements of every chat the caller is a member of, newest first.
pub async fn list(school: &School, caller: Caller, count: Option<i64>) -> Result<AnnouncementList> {
    let count = count.unwrap_or(50).clamp(1, MAX_PAGE);
    let mut tx = school.read().await?;
    let records = tx.announcements_for(caller.user_id, count).await?;
    let mut announcements = Vec::with_capacity(records.len());
    for record in records {
        let Some(message) = messages::by_mid_on(&mut *tx, &record.mid).await? else {
            continue;
        };
        announcements.push(Announcement {
            chat_id: record.chat_id,
            chat_title: record.chat_title,
            message,
            acknowledged: record.acknowledged,
            ack_required: record.ack_required,
        });
    }
    Ok(AnnouncementList { announcements })
}

/// The announcement; 404 if it is not one.
async fn announcement(tx: &mut dyn Tx, mid: &str) -> Result<AnnouncementRef> {
    tx.announcement(mid)
        .await?
        .ok_or_else(|| Error::not_found(format!("Announcement {mid} not found")))
}

/// Acknowledges an announcement ("Ознакомлен"); doing it twice changes nothing. One that only
/// informs asks for no acknowledgement and refuses one.
pub async fn acknowledge(school: &School, caller: Caller, mid: &str) -> Result<()> {
    let now = school.now_ms();
    let mut tx = school.begin().await?;
    let AnnouncementRef {
        chat_id,
        seq,
        author,
        ack_required,
    } = announcement(&mut *tx, mid).await?;
    access::require_member_on(&mut *tx, caller.user_id, chat_id).await?;
    if !ack_required {
        return Err(Error::bad_request(format!(
            "Announcement {mid} only informs and asks for no acknowledgement"
        )));
    }
    if tx.acknowledge(mid, caller.user_id, now).await? {
        let update = parta_model::max::Update::PartaAnnouncementAcknowledged {
            timestamp: now,
            chat_id,
            message_id: mid.to_owned(),
            user: crate::users::user_on(&mut *tx, caller.user_id).await?,
        };
        crate::updates::append_personal(&mut *tx, author, &update, now).await?;
    }
    // Acknowledging means having read it.
    tx.mark_read(chat_id, caller.user_id, seq, now).await?;
    school.commit(tx).await?;
    Ok(())
}

/// Receipts for the announcement's author and the chat's admins.
pub async fn receipts(school: &School, caller: Caller, mid: &str) -> Result<Receipts> {
    let mut tx = school.read().await?;
    let AnnouncementRef {
        chat_id,
        seq,
        author,
        ..
    } = announcement(&mut *tx, mid).await?;
    if caller.user_id != author {
        access::require_admin(&mut *tx, caller.user_id, chat_id).await?;
    }
    let records = tx.receipts(mid, chat_id, seq, author).await?;
    let mut receipts = Receipts {
        mid: mid.to_owned(),
        read: Vec::new(),
        acknowledged: Vec::new(),
        pending: Vec::new(),
    };
    for record in records {
        let person = Person {
            user_id: record.user_id,
            name: person_name(&record.first_name, record.last_name.as_deref()),
        };
        if record.acknowledged {
            receipts.acknowledged.push(person);
        } else if record.read {
            receipts.read.push(person);
        } else {
            receipts.pending.push(person);
        }
    }
    Ok(receipts)
}

/// One announcement to many chats (procedure 4.1, broadcasts). Each chat is sent to on its own:
/// a chat the sender may not write to is reported in `failed` and does not stop the others.
/// With an idempotency key, a retry sends to no chat twice (each chat's key is `key:chat_id`).
/// `ack_required`: whether readers are asked to acknowledge it, or only informed.
pub async fn broadcast(
    school: &School,
    caller: Caller,
    chat_ids: &[i64],
    body: NewMessageBody,
    idempotency_key: Option<&str>,
    ack_required: bool,
) -> Result<BroadcastResult> {
    if chat_ids.is_empty() || chat_ids.len() > MAX_BROADCAST_CHATS {
        return Err(Error::bad_request(format!(
            "chat_ids must list 1 to {MAX_BROADCAST_CHATS} chats"
        )));
    }
    roles::require(caller.role, Action::PostAnnouncements)?;
    messages::validate(&body)?;
    let mut result = BroadcastResult {
        messages: Vec::new(),
        failed: Vec::new(),
    };
    for &chat_id in chat_ids {
        let chat_key = idempotency_key.map(|k| format!("{k}:{chat_id}"));
        let sent = messages::send(
            school,
            caller,
            chat_id,
            body.clone(),
            chat_key.as_deref(),
            messages::Kind::announcement(ack_required),
        )
        .await;
        match sent {
            Ok(message) => result.messages.push(message),
            Err(Error::Api { code, message }) => result.failed.push(BroadcastFailure {
                chat_id,
                code: code.as_str().to_owned(),
                message,
            }),
            Err(other) => return Err(other),
        }
    }
    Ok(result)
}
