//! MAX → Parta: an update from a linked MAX chat becomes the same change in its Parta chat, in
//! the caller's transaction (the long poll saves its marker in it; the webhook answers 200 only
//! after it commits). Applying an update twice changes nothing: a MAX message is known by its
//! id once carried, membership and deletion are idempotent.
//!
//! A MAX sender becomes a MAX participant: a Parta user with MAX's name, no login and no
//! phone, marked "MAX" in the app. The bot's own messages are never carried back (no echo).
//! Nothing is dropped for the school's policy: what a Parta user could not have sent is kept
//! and flagged for the chat's administrators.

use parta_model::max::{Callback, MessageLinkType, Update};

use crate::context::School;
use crate::error::Result;
use crate::messages::{self, Blocked};
use crate::store::bridge::{Direction, MaxCopyRecord, MaxFlagRecord, MaxLinkRecord};
use crate::store::messages::{AnnouncementRef, NewMessageRecord};
use crate::store::prelude::*;
use crate::updates;

use super::files::Fetched;
use super::participants::participant;
use super::wire::ACK_PREFIX;

/// What to do once the transaction committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterCommit {
    /// Answer a pressed button (`POST /answers`).
    Answer {
        callback_id: String,
        notification: String,
    },
}

/// Applies one update from MAX in `tx`. `bot_id` is the school's bot at MAX; `fetched` holds
/// what became of its files (fetched before the transaction).
pub async fn apply(
    tx: &mut dyn Tx,
    school: &School,
    bot_id: i64,
    update: &Update,
    fetched: &Fetched,
) -> Result<Option<AfterCommit>> {
    let Some(max_chat) = update.chat_id() else {
        return Ok(None);
    };
    let Some(link) = tx.max_link_of_max_chat(max_chat).await? else {
        // Not a chat the school carries.
        return Ok(None);
    };
    let now = school.now_ms();
    match update {
        Update::MessageCreated { message, .. } => {
            let Some(sender) = message.sender.as_ref().filter(|s| s.user_id != bot_id) else {
                return Ok(None);
            };
            if tx.max_copy(&message.body.mid).await?.is_some() {
                return Ok(None);
            }
            let person = participant(tx, &link, sender, now).await?;
            let reply_to = match &message.link {
                Some(linked) if linked.link_type == MessageLinkType::Reply => {
                    tx.max_copy(&linked.message.mid).await?.map(|copy| copy.mid)
                }
                _ => None,
            };
            let text = text_with_attachments(message, fetched);
            let markup = markup_json(message)?;
            let attached: Vec<String> = message
                .body
                .attachments
                .iter()
                .flatten()
                .filter_map(|a| fetched.outcome(a)?.as_ref().ok().cloned())
                .collect();
            let mid = messages::new_mid()?;
            messages::store_on(
                tx,
                NewMessageRecord {
                    mid: &mid,
                    chat_id: link.chat_id,
                    sender_id: person,
                    text: text.as_deref(),
                    markup: markup.as_deref(),
                    created_at: now,
                    link: reply_to.as_deref().map(|to| ("reply", to)),
                    is_announcement: false,
                    ack_required: false,
                },
                &attached,
            )
            .await?;
            tx.insert_max_copy(
                &MaxCopyRecord {
                    max_mid: message.body.mid.clone(),
                    mid: mid.clone(),
                    part: 0,
                    direction: Direction::In,
                },
                now,
            )
            .await?;
            flag(tx, school, &link, &mid, text.as_deref(), now).await?;
        }
        Update::MessageEdited { message, .. } => {
            if message.sender.as_ref().is_some_and(|s| s.user_id == bot_id) {
                return Ok(None);
            }
            let Some(copy) = tx.max_copy(&message.body.mid).await? else {
                return Ok(None);
            };
            if copy.direction != Direction::In || tx.message_owner(&copy.mid).await?.is_none() {
                return Ok(None);
            }
            let text = text_with_attachments(message, fetched);
            let markup = markup_json(message)?;
            let current = tx.message(&copy.mid).await?;
            if current
                .as_ref()
                .is_some_and(|m| m.text == text && m.markup == markup)
            {
                // A repeated delivery of an edit already carried.
                return Ok(None);
            }
            tx.set_message_text(&copy.mid, text.as_deref(), markup.as_deref(), now)
                .await?;
            if let Some(message) = messages::by_mid_on(tx, &copy.mid).await? {
                let update = Update::MessageEdited {
                    timestamp: now,
                    message,
                };
                updates::append(tx, link.chat_id, &update, now).await?;
            }
            flag(tx, school, &link, &copy.mid, text.as_deref(), now).await?;
        }
        Update::MessageRemoved {
            message_id,
            user_id,
            ..
        } => {
            if *user_id == bot_id {
                return Ok(None);
            }
            let Some(copy) = tx.max_copy(message_id).await? else {
                return Ok(None);
            };
            // A MAX moderator removing the bot's copy of a Parta message leaves the Parta
            // original to its author.
            if copy.direction != Direction::In {
                return Ok(None);
            }
            let Some((chat_id, sender)) = tx.message_owner(&copy.mid).await? else {
                return Ok(None);
            };
            let actor = tx.max_person(*user_id).await?.unwrap_or(sender);
            tx.mark_deleted(&copy.mid, now).await?;
            tx.unpin_if(chat_id, &copy.mid).await?;
            let update = Update::MessageRemoved {
                timestamp: now,
                message_id: copy.mid.clone(),
                chat_id,
                user_id: actor,
            };
            updates::append(tx, chat_id, &update, now).await?;
        }
        Update::UserAdded { user, .. } if user.user_id != bot_id => {
            participant(tx, &link, user, now).await?;
        }
        Update::UserRemoved { user, .. } => {
            if let Some(person) = tx.max_person(user.user_id).await?
                && tx.remove_member(link.chat_id, person).await?
            {
                let update = Update::UserRemoved {
                    timestamp: now,
                    chat_id: link.chat_id,
                    user: crate::users::user_on(tx, person).await?,
                    admin_id: None,
                    is_channel: false,
                };
                updates::append(tx, link.chat_id, &update, now).await?;
            }
        }
        Update::ChatTitleChanged { user, title, .. } => {
            if link.max_title.as_deref() == Some(title.as_str()) {
                return Ok(None);
            }
            tx.set_max_title(link.chat_id, title).await?;
            if user.user_id != bot_id {
                let person = participant(tx, &link, user, now).await?;
                let notice = format!("В MAX чат переименован: «{title}»");
                messages::post_notice(tx, link.chat_id, person, &notice, now).await?;
            }
        }
        Update::MessageCallback { callback, .. } => {
            return acknowledge(tx, &link, callback, now).await;
        }
        // Parta's own types and what MAX may add: nothing to carry.
        _ => {}
    }
    Ok(None)
}

/// A MAX message's formatting as stored (JSON), kept whatever kinds it names.
fn markup_json(message: &parta_model::max::Message) -> Result<Option<String>> {
    Ok(message
        .body
        .markup
        .as_ref()
        .filter(|m| !m.is_empty())
        .map(serde_json::to_string)
        .transpose()?)
}

/// The text to keep for a MAX message: its text, then a line for each attachment Parta does
/// not carry as a file (or the school's rules refused), so that nothing arrives silently empty.
fn text_with_attachments(message: &parta_model::max::Message, fetched: &Fetched) -> Option<String> {
    let mut text = message.body.text.clone().unwrap_or_default();
    for attachment in message.body.attachments.iter().flatten() {
        if attachment.kind == "inline_keyboard" {
            continue;
        }
        match fetched.outcome(attachment) {
            Some(Ok(_)) => continue,
            Some(Err(reason)) => {
                let name = attachment.filename.as_deref().unwrap_or("без имени");
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&format!(
                    "[файл «{name}» не принят: {reason} — открыть в MAX]"
                ));
                continue;
            }
            None => {}
        }
        let what = match attachment.kind.as_str() {
            "image" => "фото".to_owned(),
            "video" => "видео".to_owned(),
            "audio" => "аудио".to_owned(),
            "file" => match &attachment.filename {
                Some(name) => format!("файл «{name}»"),
                None => "файл".to_owned(),
            },
            "sticker" => "стикер".to_owned(),
            "contact" => "контакт".to_owned(),
            "location" => "геопозиция".to_owned(),
            "share" => "ссылка".to_owned(),
            other => format!("вложение MAX ({other})"),
        };
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&format!("[{what} — открыть в MAX]"));
    }
    (!text.is_empty()).then_some(text)
}

/// Flags a carried message the school's policy would have refused from a Parta user.
async fn flag(
    tx: &mut dyn Tx,
    school: &School,
    link: &MaxLinkRecord,
    mid: &str,
    text: Option<&str>,
    now: i64,
) -> Result<()> {
    if let Some(rule) = messages::blocked_by_policy(tx, school.policy(), link.chat_id, text).await?
    {
        tx.insert_max_flag(&MaxFlagRecord {
            mid: mid.to_owned(),
            chat_id: link.chat_id,
            rule: rule_name(rule).to_owned(),
            at: now,
        })
        .await?;
    }
    Ok(())
}

fn rule_name(rule: Blocked) -> &'static str {
    rule.as_str()
}

/// «Ознакомлен» pressed under an announcement in MAX: an acknowledgement in Parta's receipts.
async fn acknowledge(
    tx: &mut dyn Tx,
    link: &MaxLinkRecord,
    callback: &Callback,
    now: i64,
) -> Result<Option<AfterCommit>> {
    let Some(mid) = callback
        .payload
        .as_deref()
        .and_then(|p| p.strip_prefix(ACK_PREFIX))
    else {
        return Ok(None);
    };
    let answer = |text: &str| {
        Some(AfterCommit::Answer {
            callback_id: callback.callback_id.clone(),
            notification: text.to_owned(),
        })
    };
    let Some(AnnouncementRef {
        chat_id,
        seq,
        author,
        ack_required: true,
    }) = tx.announcement(mid).await?
    else {
        return Ok(answer("Объявление удалено"));
    };
    if chat_id != link.chat_id {
        return Ok(None);
    }
    let person = participant(tx, link, &callback.user, now).await?;
    if tx.acknowledge(mid, person, now).await? {
        let update = Update::PartaAnnouncementAcknowledged {
            timestamp: now,
            chat_id,
            message_id: mid.to_owned(),
            user: crate::users::user_on(tx, person).await?,
        };
        updates::append_personal(tx, author, &update, now).await?;
        tx.mark_read(chat_id, person, seq, now).await?;
        Ok(answer("Спасибо, отмечено: ознакомлен"))
    } else {
        Ok(answer("Вы уже отметили это объявление"))
    }
}
