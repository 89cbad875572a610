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
use crate::error::Error;
use crate::store::bridge::{Direction, MaxCopyRecord, OutgoingRecord};

use super::api::{MaxApi, MaxError};
use super::inbound::ACK_PREFIX;
use super::pace::Pace;
use super::render;

/// Where the cursor is kept.
const CURSOR: &str = "out.cursor";
/// The send in flight: `update_id:part@started_ms`.
const PENDING: &str = "out.pending";
/// Updates read from the log at a time.
const BATCH: i64 = 100;
/// How many of the MAX chat's newest messages are searched for our own after a crash.
const RECOGNISE_WINDOW: u32 = 100;

/// Why relaying stopped for now.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// MAX is away, slow, or asks to wait: try again later, nothing is lost.
    #[error("{0}")]
    Max(#[from] MaxError),
    /// The database.
    #[error("{0}")]
    Store(#[from] Error),
}

impl From<crate::store::StoreError> for RelayError {
    fn from(e: crate::store::StoreError) -> Self {
        RelayError::Store(e.into())
    }
}

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

/// The outgoing side, for one pass.
pub struct Relay<'a> {
    pub school: &'a School,
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
        let outcome = match &update {
            Update::MessageCreated { message, .. } => self.created(out, message).await,
            Update::MessageEdited { message, .. } => self.edited(out, message).await,
            Update::MessageRemoved {
                message_id,
                user_id,
                ..
            } => self.removed(message_id, *user_id).await,
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
            tx.set_delivery(&mid, state, detail.as_deref(), self.school.now_ms())
                .await?;
        }
        tx.set_max_state(CURSOR, &out.update.id.to_string()).await?;
        self.school.commit(tx).await?;
        Ok(())
    }

    /// Whether a change by `user_id` came from MAX (and must not go back).
    async fn came_from_max(&self, user_id: i64) -> Result<bool, RelayError> {
        Ok(self.school.read().await?.is_max_person(user_id).await?)
    }

    /// The texts (and the link and keyboard) a Parta message is sent to MAX as.
    async fn bodies(
        &self,
        chat_id: i64,
        message: &Message,
    ) -> Result<Vec<NewMessageBody>, RelayError> {
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
        let mut text = message.body.text.clone().unwrap_or_default();
        for attachment in message.body.attachments.iter().flatten() {
            let name = attachment
                .filename
                .clone()
                .unwrap_or_else(|| attachment.kind.clone());
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&format!("[вложение «{name}» — в Парте]"));
        }
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
        let announcement = tx.announcement(&message.body.mid).await?.is_some();
        let parts = render::parts(&author, &role, &text, &markup);
        let last = parts.len().saturating_sub(1);
        Ok(parts
            .into_iter()
            .enumerate()
            .map(|(i, text)| NewMessageBody {
                text: Some(text),
                attachments: (announcement && i == last)
                    .then(|| vec![ack_keyboard(&message.body.mid)]),
                link: if i == 0 { reply.clone() } else { None },
                notify: None,
                format: Some(TextFormat::Markdown),
            })
            .collect())
    }

    async fn created(
        &self,
        out: &OutgoingRecord,
        message: &Message,
    ) -> Result<Option<String>, RelayError> {
        let sender = message.sender.as_ref().map(|s| s.user_id).unwrap_or(0);
        if self.came_from_max(sender).await? {
            return Ok(None);
        }
        let mid = &message.body.mid;
        let bodies = self.bodies(out.update.chat_id, message).await?;
        let done = self.school.read().await?.max_copies_of(mid).await?.len();
        for (part, body) in bodies.iter().enumerate().skip(done) {
            self.send_part(out, mid, part, body).await?;
        }
        Ok(Some(mid.clone()))
    }

    async fn edited(
        &self,
        out: &OutgoingRecord,
        message: &Message,
    ) -> Result<Option<String>, RelayError> {
        let sender = message.sender.as_ref().map(|s| s.user_id).unwrap_or(0);
        if self.came_from_max(sender).await? {
            return Ok(None);
        }
        let mid = &message.body.mid;
        let copies = self.school.read().await?.max_copies_of(mid).await?;
        if copies.is_empty() || copies.iter().any(|c| c.direction != Direction::Out) {
            // Never carried (sent before the link), or a MAX message: nothing to follow.
            return Ok(None);
        }
        let bodies = self.bodies(out.update.chat_id, message).await?;
        for (part, body) in bodies.iter().enumerate() {
            match copies.get(part) {
                Some(copy) => {
                    self.pace.admit().await;
                    self.api.edit(&copy.max_mid, body).await?;
                }
                None => self.send_part(out, mid, part, body).await?,
            }
        }
        // A shorter text: the parts it no longer needs go.
        for copy in copies.iter().skip(bodies.len()) {
            self.pace.admit().await;
            ignore_gone(self.api.delete(&copy.max_mid).await)?;
        }
        Ok(Some(mid.clone()))
    }

    async fn removed(&self, mid: &str, by: i64) -> Result<Option<String>, RelayError> {
        if self.came_from_max(by).await? {
            return Ok(None);
        }
        let copies = self.school.read().await?.max_copies_of(mid).await?;
        for copy in &copies {
            self.pace.admit().await;
            ignore_gone(self.api.delete(&copy.max_mid).await)?;
        }
        Ok(None)
    }

    /// Sends one part, unless an attempt before a crash already reached MAX.
    async fn send_part(
        &self,
        out: &OutgoingRecord,
        mid: &str,
        part: usize,
        body: &NewMessageBody,
    ) -> Result<(), RelayError> {
        let tag = format!("{}:{part}", out.update.id);
        let pending = self.school.read().await?.max_state(PENDING).await?;
        if let Some((pending_tag, started)) = pending.as_deref().and_then(|p| p.split_once('@'))
            && pending_tag == tag
        {
            let started = started.parse::<i64>().unwrap_or(0);
            if let Some(max_mid) = self.find_own(out.max_chat_id, body, started).await? {
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
        self.pace.admit().await;
        let sent = self.api.send(out.max_chat_id, body).await?;
        self.record(mid, part, &sent.body.mid).await
    }

    /// Notes MAX's copy of a part and that nothing is in flight, together.
    async fn record(&self, mid: &str, part: usize, max_mid: &str) -> Result<(), RelayError> {
        let mut tx = self.school.begin().await?;
        tx.insert_max_copy(
            &MaxCopyRecord {
                max_mid: max_mid.to_owned(),
                mid: mid.to_owned(),
                part: i64::try_from(part).unwrap_or(i64::MAX),
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
