//! Parta → MAX: the update log is the durable queue. The bridge keeps a cursor in it and carries
//! each update of a linked chat out in log order (so in order per chat), surviving restarts and
//! hours of MAX being away: nothing moves the cursor but a finished update.
//!
//! MAX takes no idempotency key, so a send is announced before it goes (`out.pending`). If the
//! server dies between MAX's answer and recording it, the next attempt first reads the MAX chat's
//! newest messages and recognises its own (the bot's, same text, not yet known as any other
//! message's copy) before sending again: nothing lost, nothing doubled. Edits and deletions are
//! idempotent at MAX and are simply repeated.

use parta_model::max::{
    Attachment, Message, MessageLinkType, NewMessageBody, NewMessageLink, TextFormat, Update,
};

use crate::context::School;
use crate::store::bridge::{Direction, MaxCopyRecord, OutgoingRecord};
use crate::uploads::Uploads;

use super::api::{MaxApi, MaxError};
use super::failure::RelayError;
use super::pace::Pace;
use super::render;
use super::wire::ACK_PREFIX;

/// Where the cursor is kept.
const CURSOR: &str = "out.cursor";
/// The send in flight: `update_id:part@started_ms`.
const PENDING: &str = "out.pending";
/// Updates read from the log at a time.
const BATCH: i64 = 100;
/// How many of the MAX chat's newest messages are searched for our own after a crash.
const RECOGNISE_WINDOW: u32 = 100;

/// What a refusal means for the message.
fn permanent(error: &MaxError) -> bool {
    match error {
        // "Not processed yet" (an attachment MAX is still working on) is worth waiting for.
        MaxError::Refused { status, code, .. } => {
            (400..500).contains(status) && *status != 429 && !code.contains("not.ready")
        }
        _ => false,
    }
}

/// Part numbers of a message's files start here (text parts count from 0), so an edit touches
/// only the text.
const FIRST_FILE_PART: usize = 1000;
/// How often a message whose file MAX is still processing is tried again before the relay
/// backs off as from any other error.
const NOT_READY_TRIES: u32 = 20;

/// One message sent to MAX for a Parta message.
#[derive(Debug, Clone)]
enum Part {
    /// Text (the first with the author in front), with the reply link and the keyboard.
    Text(NewMessageBody),
    /// One of its files, uploaded when it is sent.
    File { token: String, kind: String },
}

/// The updates of linked chats not yet carried to MAX, and when the oldest of them was made
/// (ms): the bridge's outgoing queue, as the database has it (so every node can tell).
pub async fn backlog(school: &School) -> crate::error::Result<(i64, Option<i64>)> {
    let mut tx = school.read().await?;
    let cursor = match tx.max_state(CURSOR).await? {
        Some(value) => value.parse::<i64>().unwrap_or(0),
        None => 0,
    };
    Ok(tx.outgoing_backlog(cursor).await?)
}

/// The outgoing side, for one pass.
pub struct Relay<'a> {
    pub school: &'a School,
    pub uploads: &'a Uploads,
    pub api: &'a MaxApi,
    pub pace: &'a Pace,
    /// The school's bot at MAX.
    pub bot_id: i64,
}

impl Relay<'_> {
    /// Carries out what the log holds past the cursor, up to a batch; returns how many updates
    /// it moved past (0: nothing waits).
    pub async fn pass(&self) -> Result<usize, RelayError> {
        let (cursor, batch) = {
            let mut tx = self.school.read().await?;
            let cursor = match tx.max_state(CURSOR).await? {
                Some(value) => value.parse::<i64>().unwrap_or(0),
                None => 0,
            };
            (cursor, tx.outgoing_after(cursor, BATCH).await?)
        };
        let mut done = 0;
        for out in batch {
            debug_assert!(out.update.id > cursor);
            self.one(&out).await?;
            done += 1;
        }
        Ok(done)
    }

    /// One update of a linked chat.
    async fn one(&self, out: &OutgoingRecord) -> Result<(), RelayError> {
        let update: Update = match serde_json::from_str(&out.update.payload) {
            Ok(update) => update,
            Err(e) => {
                tracing::error!(update = out.update.id, error = %e, "an update in the log cannot be read; not carried to MAX");
                return self.finish(out, None).await;
            }
        };
        // Who made the change: what came from MAX never goes back.
        let actor = match &update {
            Update::MessageCreated { message, .. } | Update::MessageEdited { message, .. } => {
                message.sender.as_ref().map(|s| s.user_id)
            }
            Update::MessageRemoved { user_id, .. } => Some(*user_id),
            _ => None,
        };
        if let Some(actor) = actor
            && self.came_from_max(actor).await?
        {
            return self.finish(out, None).await;
        }
        let outcome = match &update {
            Update::MessageCreated { message, .. } => self.created(out, message).await,
            Update::MessageEdited { message, .. } => self.edited(out, message).await,
            Update::MessageRemoved { message_id, .. } => self.removed(message_id).await,
            _ => Ok(None),
        };
        match outcome {
            Ok(mid) => self.finish(out, mid.map(|m| (m, "sent", None))).await,
            Err(RelayError::Max(e)) if permanent(&e) => {
                let mid = match &update {
                    Update::MessageCreated { message, .. }
                    | Update::MessageEdited { message, .. } => Some(message.body.mid.clone()),
                    _ => None,
                };
                tracing::warn!(update = out.update.id, error = %e, "MAX refused a message; marked failed");
                let detail = e.to_string();
                self.finish(out, mid.map(|m| (m, "failed", Some(detail))))
                    .await
            }
            Err(e) => Err(e),
        }
    }

    /// Moves the cursor past `out`, recording where its message stands, in one transaction.
    async fn finish(
        &self,
        out: &OutgoingRecord,
        delivery: Option<(String, &str, Option<String>)>,
    ) -> Result<(), RelayError> {
        let mut tx = self.school.begin().await?;
        if let Some((mid, state, detail)) = delivery {
            let now = self.school.now_ms();
            tx.set_delivery(&mid, state, detail.as_deref(), now).await?;
            // The chat's members (the author first of all) learn that MAX has it.
            let update = Update::PartaMaxState {
                timestamp: now,
                chat_id: out.update.chat_id,
                message_id: mid.clone(),
                state: state.to_owned(),
                detail,
            };
            crate::updates::append(&mut *tx, out.update.chat_id, &update, now).await?;
        }
        tx.set_max_state(CURSOR, &out.update.id.to_string()).await?;
        self.school.commit(tx).await?;
        Ok(())
    }

    /// Whether a change by `user_id` came from MAX (and must not go back).
    async fn came_from_max(&self, user_id: i64) -> Result<bool, RelayError> {
        Ok(self.school.read().await?.is_max_person(user_id).await?)
    }

    /// The messages a Parta message is sent to MAX as, by part number: its text (the author
    /// in front, the reply link, an announcement's button on the last) and its files.
    async fn parts(
        &self,
        chat_id: i64,
        message: &Message,
    ) -> Result<Vec<(usize, Part)>, RelayError> {
        let mut tx = self.school.read().await?;
        let sender = message.sender.as_ref().map(|s| s.user_id).unwrap_or(0);
        let person = tx.person(sender).await?;
        let (author, role) = match &person {
            Some(p) => {
                let class = tx.chat_class_name(chat_id).await?;
                (
                    p.user.display_name(),
                    render::role_label(p.role, class.as_deref()),
                )
            }
            None => ("Парта".to_owned(), "школа".to_owned()),
        };
        let text = message.body.text.clone().unwrap_or_default();
        let markup = message.body.markup.clone().unwrap_or_default();
        let reply = match &message.link {
            Some(link) if link.link_type == MessageLinkType::Reply => tx
                .max_copies_of(&link.message.mid)
                .await?
                .into_iter()
                .next()
                .map(|copy| NewMessageLink {
                    link_type: MessageLinkType::Reply,
                    mid: copy.max_mid,
                }),
            _ => None,
        };
        // Only an announcement that asks for acknowledgement gets the button.
        let announcement = tx
            .announcement(&message.body.mid)
            .await?
            .is_some_and(|a| a.ack_required);
        let texts = render::parts(&author, &role, &text, &markup);
        let last = texts.len().saturating_sub(1);
        let mut parts: Vec<(usize, Part)> = texts
            .into_iter()
            .enumerate()
            .map(|(i, text)| {
                (
                    i,
                    Part::Text(NewMessageBody {
                        text: Some(text),
                        attachments: (announcement && i == last)
                            .then(|| vec![ack_keyboard(&message.body.mid)]),
                        link: if i == 0 { reply.clone() } else { None },
                        notify: None,
                        format: Some(TextFormat::Markdown),
                    }),
                )
            })
            .collect();
        for (i, attachment) in message.body.attachments.iter().flatten().enumerate() {
            let token = attachment
                .payload
                .as_ref()
                .and_then(|p| p.get("token"))
                .and_then(serde_json::Value::as_str);
            if let Some(token) = token {
                parts.push((
                    FIRST_FILE_PART + i,
                    Part::File {
                        token: token.to_owned(),
                        kind: attachment.kind.clone(),
                    },
                ));
            }
        }
        Ok(parts)
    }

    async fn created(
        &self,
        out: &OutgoingRecord,
        message: &Message,
    ) -> Result<Option<String>, RelayError> {
        let mid = &message.body.mid;
        let parts = self.parts(out.update.chat_id, message).await?;
        let done: Vec<i64> = self
            .school
            .read()
            .await?
            .max_copies_of(mid)
            .await?
            .iter()
            .map(|c| c.part)
            .collect();
        for (number, part) in &parts {
            if !done.contains(&part_number(*number)) {
                self.send_part(out, mid, *number, part).await?;
            }
        }
        Ok(Some(mid.clone()))
    }

    async fn edited(
        &self,
        out: &OutgoingRecord,
        message: &Message,
    ) -> Result<Option<String>, RelayError> {
        let mid = &message.body.mid;
        let copies = self.school.read().await?.max_copies_of(mid).await?;
        if copies.is_empty() || copies.iter().any(|c| c.direction != Direction::Out) {
            // Never carried (sent before the link), or a MAX message: nothing to follow.
            return Ok(None);
        }
        let text_copies: Vec<_> = copies
            .iter()
            .filter(|c| c.part < part_number(FIRST_FILE_PART))
            .collect();
        let parts = self.parts(out.update.chat_id, message).await?;
        let texts: Vec<&(usize, Part)> = parts
            .iter()
            .filter(|(_, p)| matches!(p, Part::Text(_)))
            .collect();
        for (number, part) in &texts {
            match (
                text_copies.iter().find(|c| c.part == part_number(*number)),
                part,
            ) {
                (Some(copy), Part::Text(body)) => {
                    self.pace.admit().await;
                    self.api.edit(&copy.max_mid, body).await?;
                }
                _ => self.send_part(out, mid, *number, part).await?,
            }
        }
        // A shorter text: the parts it no longer needs go.
        self.delete_copies(
            text_copies
                .iter()
                .copied()
                .filter(|c| c.part >= part_number(texts.len())),
        )
        .await?;
        Ok(Some(mid.clone()))
    }

    async fn removed(&self, mid: &str) -> Result<Option<String>, RelayError> {
        let copies = self.school.read().await?.max_copies_of(mid).await?;
        self.delete_copies(copies.iter()).await?;
        Ok(None)
    }

    /// Deletes these copies at MAX; one MAX no longer has is gone as far as we are concerned.
    async fn delete_copies(
        &self,
        copies: impl Iterator<Item = &MaxCopyRecord>,
    ) -> Result<(), RelayError> {
        for copy in copies {
            self.pace.admit().await;
            ignore_gone(self.api.delete(&copy.max_mid).await)?;
        }
        Ok(())
    }

    /// Sends one part, unless an attempt before a crash already reached MAX.
    async fn send_part(
        &self,
        out: &OutgoingRecord,
        mid: &str,
        part: usize,
        content: &Part,
    ) -> Result<(), RelayError> {
        let body = match content {
            Part::Text(body) => body.clone(),
            Part::File { token, kind } => match self.file_body(token, kind).await? {
                Some(body) => body,
                // The file is gone from Parta (its message was edited or deleted since).
                None => return Ok(()),
            },
        };
        let tag = format!("{}:{part}", out.update.id);
        let pending = self.school.read().await?.max_state(PENDING).await?;
        if let Some((pending_tag, started)) = pending.as_deref().and_then(|p| p.split_once('@'))
            && pending_tag == tag
        {
            let started = started.parse::<i64>().unwrap_or(0);
            if let Some(max_mid) = self.find_own(out.max_chat_id, &body, started).await? {
                tracing::info!(
                    update = out.update.id,
                    part,
                    "a send before the restart had reached MAX; not sent again"
                );
                return self.record(mid, part, &max_mid).await;
            }
        }
        let now = self.school.now_ms();
        self.school
            .read()
            .await?
            .set_max_state(PENDING, &format!("{tag}@{now}"))
            .await?;
        let mut tries = 0;
        let sent = loop {
            self.pace.admit().await;
            match self.api.send(out.max_chat_id, &body).await {
                Ok(sent) => break sent,
                // MAX is still processing the file: it says so with a 400; ask again shortly.
                Err(e) if not_ready(&e) && tries < NOT_READY_TRIES => {
                    tries += 1;
                    let pause = std::time::Duration::from_millis(200 * u64::from(tries.min(10)));
                    tokio::time::sleep(pause).await;
                }
                Err(e) => return Err(e.into()),
            }
        };
        self.record(mid, part, &sent.body.mid).await
    }

    /// A file of a Parta message uploaded to MAX, as the body of a message of its own.
    async fn file_body(
        &self,
        token: &str,
        kind: &str,
    ) -> Result<Option<NewMessageBody>, RelayError> {
        let Some(file) = self.uploads.by_token(self.school, token).await? else {
            return Ok(None);
        };
        let bytes = self
            .uploads
            .read(
                &file.id,
                0,
                usize::try_from(file.size).unwrap_or(usize::MAX),
            )
            .await?;
        let name = file
            .filename
            .clone()
            .unwrap_or_else(|| match file.format.as_deref() {
                Some(format) => format!("файл.{format}"),
                None => "файл".to_owned(),
            });
        // Images show as pictures in MAX; everything else travels as a file.
        let upload_kind = if kind == "image" { "image" } else { "file" };
        self.pace.admit().await;
        let attachment = self.api.upload(upload_kind, &name, bytes).await?;
        Ok(Some(NewMessageBody {
            text: None,
            attachments: Some(vec![attachment]),
            link: None,
            notify: None,
            format: None,
        }))
    }

    /// Notes MAX's copy of a part and that nothing is in flight, together.
    async fn record(&self, mid: &str, part: usize, max_mid: &str) -> Result<(), RelayError> {
        let mut tx = self.school.begin().await?;
        tx.insert_max_copy(
            &MaxCopyRecord {
                max_mid: max_mid.to_owned(),
                mid: mid.to_owned(),
                part: part_number(part),
                direction: Direction::Out,
            },
            self.school.now_ms(),
        )
        .await?;
        tx.delete_max_state(PENDING).await?;
        self.school.commit(tx).await?;
        Ok(())
    }

    /// The bot's message in the MAX chat with this text, sent since `started_ms` (a minute of
    /// clock difference allowed), that is no other message's copy.
    async fn find_own(
        &self,
        max_chat_id: i64,
        body: &NewMessageBody,
        started_ms: i64,
    ) -> Result<Option<String>, RelayError> {
        let wanted = render::plain(body.text.as_deref().unwrap_or_default());
        self.pace.admit().await;
        let recent = self.api.recent(max_chat_id, RECOGNISE_WINDOW).await?;
        let mut tx = self.school.read().await?;
        // Oldest first: of two identical texts, the earlier unclaimed one is ours.
        for message in recent.iter().rev() {
            let ours = message
                .sender
                .as_ref()
                .is_some_and(|s| s.user_id == self.bot_id);
            if ours
                && message.timestamp >= started_ms - 60_000
                && message.body.text.as_deref().unwrap_or_default() == wanted
                && tx.max_copy(&message.body.mid).await?.is_none()
            {
                return Ok(Some(message.body.mid.clone()));
            }
        }
        Ok(None)
    }
}

/// A part's number as stored.
fn part_number(part: usize) -> i64 {
    i64::try_from(part).unwrap_or(i64::MAX)
}

/// MAX's "the attachment is not processed yet" (a 400 that is worth retrying).
fn not_ready(error: &MaxError) -> bool {
    matches!(error, MaxError::Refused { status: 400, code, message }
        if code.contains("not.ready") || message.contains("not.processed"))
}

/// The «Ознакомлен» button under an announcement.
fn ack_keyboard(mid: &str) -> Attachment {
    Attachment {
        kind: "inline_keyboard".into(),
        payload: Some(serde_json::json!({
            "buttons": [[{"type": "callback", "text": "Ознакомлен", "payload": format!("{ACK_PREFIX}{mid}")}]]
        })),
        filename: None,
        size: None,
    }
}

/// A message MAX no longer has is deleted as far as we are concerned.
fn ignore_gone(result: Result<(), MaxError>) -> Result<(), MaxError> {
    match result {
        Err(MaxError::Refused { status: 404, .. }) => Ok(()),
        other => other,
    }
}
