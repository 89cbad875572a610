//! Messages: reading a chat's history, sending, editing and deleting (`GET/POST/PUT/DELETE
//! /messages`, `GET /messages/{id}`). Every change goes into the update log in its own
//! transaction. A restricted person (procedure 9.2) writes nothing.

use parta_model::max::{
    ChatType, LinkedMessage, MAX_TEXT_CHARS, Message, MessageBody, MessageLinkType, MessageList,
    NewMessageBody, Recipient, TextFormat, Update,
};

use crate::access;
use crate::attachments;
use crate::context::{Caller, School};
use crate::error::{Error, Result};
use crate::restrictions;
use crate::roles::{self, Action};
use crate::store::messages::{MessageRecord, NewMessageRecord};
use crate::store::prelude::*;
use crate::updates::{self};
use crate::uploads;

/// Page size limits of `GET /messages` (schema: default 50, 1..=100).
pub const DEFAULT_PAGE: i64 = 50;
pub const MAX_PAGE: i64 = 100;
/// Longest accepted `Idempotency-Key`.
pub const MAX_IDEMPOTENCY_KEY: usize = 128;

fn body_of(record: &MessageRecord) -> MessageBody {
    MessageBody {
        mid: record.mid.clone(),
        seq: record.seq,
        text: record.text.clone(),
        // Stored by this server from a valid parse; an unreadable value shows plain text.
        markup: record
            .markup
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok()),
        attachments: (!record.attachments.is_empty()).then(|| {
            record
                .attachments
                .iter()
                .map(attachments::attachment)
                .collect()
        }),
    }
}

/// A stored message as MAX's `Message`.
pub(crate) fn message_of(record: MessageRecord) -> Message {
    let link = record.link.as_ref().and_then(|(kind, linked)| {
        let linked = linked.as_deref()?;
        Some(LinkedMessage {
            link_type: if kind == "forward" {
                MessageLinkType::Forward
            } else {
                MessageLinkType::Reply
            },
            sender: Some(linked.sender.clone()),
            chat_id: Some(linked.chat_id),
            message: body_of(linked),
        })
    });
    Message {
        body: body_of(&record),
        sender: Some(record.sender),
        recipient: Recipient {
            chat_id: Some(record.chat_id),
            chat_type: ChatType::Chat,
            user_id: None,
        },
        timestamp: record.created_at,
        link,
        url: None,
        parta_max_state: record.max_state,
    }
}

/// A message by id, whoever may see it (callers check membership).
pub async fn by_mid(school: &School, mid: &str) -> Result<Option<Message>> {
    by_mid_on(&mut *school.read().await?, mid).await
}

/// [`by_mid`] in a unit of work, so a transaction can read what it just wrote.
pub async fn by_mid_on(tx: &mut dyn Tx, mid: &str) -> Result<Option<Message>> {
    Ok(tx.message(mid).await?.map(message_of))
}

/// What `GET /messages` may ask for.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    pub chat_id: Option<i64>,
    pub message_ids: Option<Vec<String>>,
    /// Newest timestamp to include (MAX's `from`; the walk goes backwards in time).
    pub from: Option<i64>,
    /// Oldest timestamp to include (MAX's `to`).
    pub to: Option<i64>,
    pub count: Option<i64>,
}

/// Messages newest first, as MAX returns them.
pub async fn list(school: &School, caller: Caller, query: ListQuery) -> Result<MessageList> {
    let count = query.count.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&count) {
        return Err(Error::bad_request(format!(
            "count must be between 1 and {MAX_PAGE}"
        )));
    }
    let mut tx = school.read().await?;
    if let Some(ids) = query.message_ids {
        let mut messages = Vec::new();
        for mid in ids.iter().take(usize::try_from(MAX_PAGE).unwrap_or(100)) {
            if let Some(record) = tx.message(mid).await?
                && tx.is_member(record.chat_id, caller.user_id).await?
            {
                messages.push(message_of(record));
            }
        }
        return Ok(MessageList { messages });
    }
    let chat_id = query
        .chat_id
        .ok_or_else(|| Error::bad_request("chat_id or message_ids is required"))?;
    access::require_member_on(&mut *tx, caller.user_id, chat_id).await?;
    let records = tx
        .history(
            chat_id,
            query.from.unwrap_or(i64::MAX),
            query.to.unwrap_or(i64::MIN),
            count,
        )
        .await?;
    let messages = records.into_iter().map(message_of).collect();
    Ok(MessageList { messages })
}

/// Checks a new message against the schema's limits before anything is stored.
pub fn validate(body: &NewMessageBody) -> Result<()> {
    let text_len = body.text.as_deref().map(|t| t.chars().count()).unwrap_or(0);
    let has_attachments = body.attachments.as_ref().is_some_and(|a| !a.is_empty());
    if text_len > MAX_TEXT_CHARS {
        return Err(Error::bad_request(format!(
            "text is {text_len} characters long; the limit is {MAX_TEXT_CHARS}"
        )));
    }
    if body.text.as_deref().map(str::trim).unwrap_or("").is_empty() && !has_attachments {
        return Err(Error::bad_request("A message needs text or an attachment"));
    }
    Ok(())
}

/// The procedure's kind of a stored chat, for the policy's per-chat settings.
pub(crate) fn chat_kind(kind: &str) -> parta_policy::ChatKind {
    use parta_policy::ChatKind;
    match kind {
        "teachers" => ChatKind::Teachers,
        "director_teachers" => ChatKind::DirectorTeachers,
        "director_activists" => ChatKind::DirectorParents,
        "direct" => ChatKind::Direct,
        "direct_class_teacher" => ChatKind::DirectClassTeacher,
        // Class chats, and any other group with parents in it, get the class chats' rules.
        _ => ChatKind::ClassParents,
    }
}

/// Which of the school's rules a text breaks where the policy blocks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocked {
    /// Obscene, insulting or discriminatory words (procedure 6.1, 6.2).
    Ethics,
    /// Personal data: document, phone or card numbers (procedure 5.1, 8).
    PersonalData,
}

impl Blocked {
    /// The rule's name in flags and answers.
    pub fn as_str(self) -> &'static str {
        match self {
            Blocked::Ethics => "ethics",
            Blocked::PersonalData => "personal_data",
        }
    }
}

/// The rule the school's policy would refuse `text` for in this chat, if any.
pub async fn blocked_by_policy(
    tx: &mut dyn Tx,
    policy: &parta_policy::Policy,
    chat_id: i64,
    text: Option<&str>,
) -> Result<Option<Blocked>> {
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let kind = tx.chat_kind(chat_id).await?.unwrap_or_default();
    let verdict = parta_policy::check_text(policy, chat_kind(&kind), text);
    if verdict.action != parta_policy::Action::Block {
        return Ok(None);
    }
    let ethics = verdict
        .findings
        .iter()
        .any(|f| f.rule == parta_policy::Rule::Ethics && f.action == parta_policy::Action::Block);
    Ok(Some(if ethics {
        Blocked::Ethics
    } else {
        Blocked::PersonalData
    }))
}

/// Refuses a text that the school's policy blocks in this chat (procedure 5.1, 6.1, 6.2). The
/// answer names the rule, not the words: the sender has them, and logs must not.
async fn enforce_policy(
    tx: &mut dyn Tx,
    policy: &parta_policy::Policy,
    chat_id: i64,
    text: Option<&str>,
) -> Result<()> {
    let message = match blocked_by_policy(tx, policy, chat_id, text).await? {
        None => return Ok(()),
        Some(Blocked::Ethics) => {
            "The message was not sent: the school's rules do not allow obscene, insulting or \
             discriminatory words (procedure 6.1, 6.2). Please rephrase it."
        }
        Some(Blocked::PersonalData) => {
            "The message was not sent: the school's rules do not allow personal data such as \
             document numbers, phone numbers or card numbers in this chat (procedure 5.1, 8)."
        }
    };
    Err(Error::api(crate::error::ErrorCode::PolicyBlocked, message))
}

/// Refuses files holding personal data (found when each upload completed) in a chat whose
/// rules block personal data, as a text would be (procedure 5.1, 8). Names the file, not what
/// was found in it.
async fn enforce_file_policy(
    tx: &mut dyn Tx,
    policy: &parta_policy::Policy,
    chat_id: i64,
    upload_ids: &[String],
) -> Result<()> {
    if upload_ids.is_empty() {
        return Ok(());
    }
    let kind = tx.chat_kind(chat_id).await?.unwrap_or_default();
    if policy.action(parta_policy::Rule::PersonalData, chat_kind(&kind))
        != parta_policy::Action::Block
    {
        return Ok(());
    }
    for id in upload_ids {
        if let Some((true, name)) = tx.upload_personal_data(id).await? {
            return Err(Error::api(
                crate::error::ErrorCode::PolicyBlocked,
                format!(
                    "The message was not sent: the file {} holds personal data such as phone, \
                     document or card numbers, which the school's rules do not allow in this \
                     chat (procedure 5.1, 8).",
                    name.as_deref().unwrap_or("attached")
                ),
            ));
        }
    }
    Ok(())
}

/// What kind of message a send makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An ordinary message.
    Message,
    /// An announcement, which parents acknowledge (Parta extension; staff only).
    Announcement,
    /// An announcement that only informs: nobody is asked to acknowledge it (staff only).
    Notice,
}

impl Kind {
    /// An announcement asking for acknowledgement, or one that only informs.
    pub fn announcement(ack_required: bool) -> Self {
        if ack_required {
            Self::Announcement
        } else {
            Self::Notice
        }
    }
}

/// Sends a message to a chat the caller belongs to, appends `message_created` to the update
/// log and wakes long polls. With an idempotency key, a repeat returns the first message.
pub async fn send(
    school: &School,
    caller: Caller,
    chat_id: i64,
    body: NewMessageBody,
    idempotency_key: Option<&str>,
    kind: Kind,
) -> Result<Message> {
    validate(&body)?;
    if kind != Kind::Message {
        roles::require(caller.role, Action::PostAnnouncements)?;
    }
    // The checks before the write share one connection: under load every acquire queues.
    let mut conn = school.read().await?;
    restrictions::enforce_write(&mut *conn, school.clock(), caller.user_id).await?;
    if let Some(key) = idempotency_key {
        if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY {
            return Err(Error::bad_request(format!(
                "Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} bytes"
            )));
        }
        if let Some(message) = by_idempotency_key(&mut *conn, caller.user_id, key).await? {
            return Ok(message);
        }
    }
    access::require_member_on(&mut *conn, caller.user_id, chat_id).await?;
    enforce_policy(&mut *conn, school.policy(), chat_id, body.text.as_deref()).await?;
    if let Some(link) = &body.link {
        // A reply must point at a message the sender can see.
        let (target_chat, _) = conn
            .message_owner(&link.mid)
            .await?
            .ok_or_else(|| Error::not_found(format!("Linked message {} not found", link.mid)))?;
        access::require_member_on(&mut *conn, caller.user_id, target_chat).await?;
    }
    drop(conn);

    let now = school.now_ms();
    let mid = new_mid()?;
    let (link_type, link_mid) = match &body.link {
        Some(link) => (
            Some(match link.link_type {
                MessageLinkType::Forward => "forward",
                MessageLinkType::Reply => "reply",
            }),
            Some(link.mid.clone()),
        ),
        None => (None, None),
    };

    let mut tx = school.begin().await?;
    let attached = match body.attachments.as_deref() {
        Some(list) if !list.is_empty() => {
            uploads::resolve_attachments(&mut *tx, caller, list).await?
        }
        _ => Vec::new(),
    };
    enforce_file_policy(&mut *tx, school.policy(), chat_id, &attached).await?;
    let (text, markup) = formatted(&body)?;
    // The key is claimed first: a concurrent retry that won the race leaves nothing of ours.
    if let Some(key) = idempotency_key
        && !tx
            .claim_idempotency_key(caller.user_id, key, &mid, now)
            .await?
    {
        // A concurrent retry with the same key won the race: drop ours, return theirs.
        drop(tx);
        return by_idempotency_key(&mut *school.read().await?, caller.user_id, key)
            .await?
            .ok_or_else(|| Error::not_found("The first request's message is gone"));
    }
    // The update goes into the log in the same transaction as the message: a crash can lose
    // neither one without the other.
    let message = store_on(
        &mut *tx,
        NewMessageRecord {
            mid: &mid,
            chat_id,
            sender_id: caller.user_id,
            text: text.as_deref(),
            markup: markup.as_deref(),
            created_at: now,
            link: link_type.zip(link_mid.as_deref()),
            is_announcement: kind != Kind::Message,
            ack_required: kind == Kind::Announcement,
        },
        &attached,
    )
    .await?;
    school.commit(tx).await?;
    Ok(message)
}

/// Writes a notice into a chat inside the caller's transaction, in `sender_id`'s name (who
/// made the change it tells of), with its `message_created` update; for changes that the
/// class chat must hear of, such as a moved lesson. The caller publishes after committing.
pub async fn post_notice(
    tx: &mut dyn Tx,
    chat_id: i64,
    sender_id: i64,
    text: &str,
    now: i64,
) -> Result<()> {
    let mid = new_mid()?;
    store_on(
        tx,
        NewMessageRecord {
            mid: &mid,
            chat_id,
            sender_id,
            text: Some(text),
            markup: None,
            created_at: now,
            link: None,
            is_announcement: false,
            ack_required: false,
        },
        &[],
    )
    .await?;
    Ok(())
}

/// In a chat carried to MAX, a Parta user's new message waits for the bridge (`queued`), so
/// its author sees that MAX does not have it yet; what came from MAX is not marked.
async fn note_bridged(
    tx: &mut dyn Tx,
    chat_id: i64,
    mid: &str,
    sender_id: i64,
    now: i64,
) -> Result<()> {
    if tx.max_link_of_chat(chat_id).await?.is_some() && !tx.is_max_person(sender_id).await? {
        tx.set_delivery(mid, "queued", None, now).await?;
    }
    Ok(())
}

/// A new message id.
pub fn new_mid() -> Result<String> {
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).map_err(|_| Error::Random)?;
    Ok(format!("mid.{}", hex::encode(random)))
}

/// Stores a message with these finished uploads attached, in the caller's transaction, and
/// appends its `message_created` (which carries them): sends, notices and what the MAX bridge
/// carries in.
pub async fn store_on(
    tx: &mut dyn Tx,
    record: NewMessageRecord<'_>,
    attachments: &[String],
) -> Result<Message> {
    tx.insert_message(record).await?;
    if !attachments.is_empty() {
        tx.set_attachments(record.mid, attachments).await?;
    }
    note_bridged(
        tx,
        record.chat_id,
        record.mid,
        record.sender_id,
        record.created_at,
    )
    .await?;
    tx.touch_chat(record.chat_id, record.created_at).await?;
    let message = by_mid_on(tx, record.mid)
        .await?
        .ok_or_else(|| Error::not_found("The message vanished right after it was stored"))?;
    let update = Update::MessageCreated {
        timestamp: record.created_at,
        message: message.clone(),
        user_locale: None,
        parta_silent_until: None,
    };
    updates::append(tx, record.chat_id, &update, record.created_at).await?;
    Ok(message)
}

/// The text to store and its markup as JSON: a `format: markdown` text becomes plain text with
/// ranges (as MAX does it); other texts are stored as written.
fn formatted(body: &NewMessageBody) -> Result<(Option<String>, Option<String>)> {
    match (&body.text, body.format) {
        (Some(source), Some(TextFormat::Markdown)) => {
            let (text, markup) = parta_model::markup::parse_markdown(source);
            let markup = if markup.is_empty() {
                None
            } else {
                Some(serde_json::to_string(&markup)?)
            };
            Ok((Some(text), markup))
        }
        (text, _) => Ok((text.clone(), None)),
    }
}

/// The chat and sender of a message that is not deleted.
async fn owner_of(tx: &mut dyn Tx, mid: &str) -> Result<(i64, i64)> {
    tx.message_owner(mid)
        .await?
        .ok_or_else(|| Error::not_found(format!("Message {mid} not found")))
}

/// Edits the text of one's own message (`PUT /messages?message_id=`); members receive
/// `message_edited`.
pub async fn edit(school: &School, caller: Caller, mid: &str, body: NewMessageBody) -> Result<()> {
    validate(&body)?;
    let mut tx = school.begin().await?;
    restrictions::enforce_write(&mut *tx, school.clock(), caller.user_id).await?;
    let (chat_id, sender_id) = owner_of(&mut *tx, mid).await?;
    access::require_member_on(&mut *tx, caller.user_id, chat_id).await?;
    enforce_policy(&mut *tx, school.policy(), chat_id, body.text.as_deref()).await?;
    if sender_id != caller.user_id {
        return Err(Error::denied("You can edit only your own messages"));
    }
    let now = school.now_ms();
    let (text, markup) = formatted(&body)?;
    tx.set_message_text(mid, text.as_deref(), markup.as_deref(), now)
        .await?;
    // Attachments given replace the old ones; none given keeps them.
    if let Some(list) = body.attachments.as_deref() {
        let attached = uploads::resolve_attachments(&mut *tx, caller, list).await?;
        enforce_file_policy(&mut *tx, school.policy(), chat_id, &attached).await?;
        tx.set_attachments(mid, &attached).await?;
    }
    let message = by_mid_on(&mut *tx, mid)
        .await?
        .ok_or_else(|| Error::not_found(format!("Message {mid} not found")))?;
    let update = Update::MessageEdited {
        timestamp: now,
        message,
    };
    updates::append(&mut *tx, chat_id, &update, now).await?;
    school.commit(tx).await?;
    Ok(())
}

/// Deletes a message: one's own, or anyone's for the chat's admins (`DELETE /messages`);
/// members receive `message_removed`. A pinned message is unpinned with it.
pub async fn delete(school: &School, caller: Caller, mid: &str) -> Result<()> {
    let mut tx = school.begin().await?;
    restrictions::enforce_write(&mut *tx, school.clock(), caller.user_id).await?;
    let (chat_id, sender_id) = owner_of(&mut *tx, mid).await?;
    if sender_id == caller.user_id {
        access::require_member_on(&mut *tx, caller.user_id, chat_id).await?;
    } else {
        access::require_admin(&mut *tx, caller.user_id, chat_id).await?;
    }
    remove_on(&mut *tx, school.now_ms(), mid, chat_id, caller.user_id).await?;
    school.commit(tx).await?;
    Ok(())
}

/// Deletes a message of `chat_id` in `tx` (the caller has checked who may), unpins it and
/// tells the chat's members; `by` is who deleted it.
pub async fn remove_on(tx: &mut dyn Tx, now: i64, mid: &str, chat_id: i64, by: i64) -> Result<()> {
    tx.mark_deleted(mid, now).await?;
    tx.unpin_if(chat_id, mid).await?;
    let update = Update::MessageRemoved {
        timestamp: now,
        message_id: mid.to_owned(),
        chat_id,
        user_id: by,
    };
    updates::append(tx, chat_id, &update, now).await?;
    Ok(())
}

async fn by_idempotency_key(tx: &mut dyn Tx, user_id: i64, key: &str) -> Result<Option<Message>> {
    match tx.idempotent_mid(user_id, key).await? {
        Some(mid) => by_mid_on(tx, &mid).await,
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_of_exactly_the_limit_is_accepted_and_one_more_is_refused() {
        let at_limit = NewMessageBody {
            text: Some("ё".repeat(MAX_TEXT_CHARS)),
            ..Default::default()
        };
        assert!(
            validate(&at_limit).is_ok(),
            "the limit counts characters, not bytes"
        );
        let over = NewMessageBody {
            text: Some("ё".repeat(MAX_TEXT_CHARS + 1)),
            ..Default::default()
        };
        assert!(validate(&over).is_err());
    }

    #[test]
    fn a_message_without_text_or_attachments_is_refused() {
        assert!(validate(&NewMessageBody::default()).is_err());
        let blank = NewMessageBody {
            text: Some(" \n\t".into()),
            ..Default::default()
        };
        assert!(validate(&blank).is_err());
    }
}
