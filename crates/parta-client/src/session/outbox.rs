//! Writing: composing, sending, replying, editing and deleting, and the outbox as the person
//! sees it (retry, discard). Delivery itself is [`crate::outbox`].

use std::path::PathBuf;

use parta_model::max::{self, MAX_TEXT_CHARS, NewMessageBody};
use parta_model::school::MAX_BROADCAST_CHATS;
use parta_model::view::{AppEvent, MessageView};

use crate::error::{Error, Result};
use crate::files;
use crate::outbox::LOCAL_MID_PREFIX;
use crate::store::{OutboxItem, OutboxKind};

use super::Session;

impl Session {
    /// Replaces the text of one's own sent message (MAX markdown). Needs the network; the
    /// change reaches the cache and the timeline as `message_edited`, as on every device.
    pub async fn edit(&self, mid: &str, text: &str) -> Result<()> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS {
            return Err(Error::InvalidInput(format!(
                "a message has 1 to {MAX_TEXT_CHARS} characters"
            )));
        }
        let body = NewMessageBody {
            text: Some(text.to_owned()),
            format: Some(max::TextFormat::Markdown),
            ..Default::default()
        };
        self.inner.api.edit_message(mid, &body).await
    }

    /// Deletes a sent message (one's own; a chat's admins any). Needs the network; it leaves
    /// the cache and the timeline as `message_removed`.
    pub async fn delete(&self, mid: &str) -> Result<()> {
        self.inner.api.delete_message(mid).await
    }

    /// Writes a text message: it is saved in the outbox first (so it survives a crash or a
    /// lost connection), shown at once as pending, and sent by the outbox worker as soon as the
    /// server can be reached, with its local id as the `Idempotency-Key`, so that it is
    /// delivered exactly once however often it is retried.
    pub async fn send_text(&self, chat_id: i64, text: &str) -> Result<MessageView> {
        self.send(chat_id, text, &[])
            .await?
            .pop()
            .ok_or_else(|| Error::InvalidInput("the message is empty".into()))
    }

    /// Writes a message with files. Each file is checked first (format by content, size, image
    /// dimensions: a refusal is a sentence naming the file), then copied into the app's data
    /// directory, so the message and its files are in the outbox before anything is sent. The
    /// worker uploads them (resuming after an interruption or a restart) and then sends the
    /// message, exactly once.
    ///
    /// MAX allows a document or audio file only alone on its message, so such files go as
    /// messages of their own, in order, after the one with the text and any photos and videos.
    pub async fn send(
        &self,
        chat_id: i64,
        text: &str,
        paths: &[PathBuf],
    ) -> Result<Vec<MessageView>> {
        self.compose(chat_id, text, paths, None, OutboxKind::Message)
            .await
    }

    /// Writes an announcement to each of `chat_ids`: one chat, or a broadcast to several
    /// (procedure 4.1). Each chat gets an item of its own in the outbox, written before
    /// anything is sent, so each is delivered exactly once and a chat that refuses it shows why
    /// without holding up the others. `ack_required`: whether readers are asked to acknowledge
    /// it («Ознакомлен») or only informed.
    pub async fn announce(
        &self,
        chat_ids: &[i64],
        text: &str,
        ack_required: bool,
    ) -> Result<Vec<MessageView>> {
        let mut chats: Vec<i64> = Vec::with_capacity(chat_ids.len());
        for &id in chat_ids {
            if !chats.contains(&id) {
                chats.push(id);
            }
        }
        if chats.is_empty() || chats.len() > MAX_BROADCAST_CHATS {
            return Err(Error::InvalidInput(format!(
                "an announcement goes to 1 to {MAX_BROADCAST_CHATS} chats"
            )));
        }
        if text.trim().is_empty() {
            return Err(Error::InvalidInput("the announcement is empty".into()));
        }
        let kind = OutboxKind::Announcement { ack_required };
        let mut views = Vec::with_capacity(chats.len());
        for chat_id in chats {
            views.extend(self.compose(chat_id, text, &[], None, kind).await?);
        }
        Ok(views)
    }

    /// Writes a reply to `reply_to` (a message id), through the outbox like any message.
    pub async fn send_reply(
        &self,
        chat_id: i64,
        text: &str,
        reply_to: &str,
    ) -> Result<MessageView> {
        self.compose(
            chat_id,
            text,
            &[],
            Some(reply_to.to_owned()),
            OutboxKind::Message,
        )
        .await?
        .pop()
        .ok_or_else(|| Error::InvalidInput("the message is empty".into()))
    }

    async fn compose(
        &self,
        chat_id: i64,
        text: &str,
        paths: &[PathBuf],
        reply_to: Option<String>,
        kind: OutboxKind,
    ) -> Result<Vec<MessageView>> {
        let text = text.trim();
        if text.is_empty() && paths.is_empty() {
            return Err(Error::InvalidInput("the message is empty".into()));
        }
        let chars = text.chars().count();
        if chars > MAX_TEXT_CHARS {
            return Err(Error::InvalidInput(format!(
                "the message has {chars} characters; the limit is {MAX_TEXT_CHARS}"
            )));
        }
        let rules = &self.inner.config.file_rules;
        let mut media = Vec::new();
        let mut alone = Vec::new();
        for path in paths {
            let (_, kind) = files::check(path, rules).await?;
            if kind == "file" || kind == "audio" {
                alone.push(vec![path.clone()]);
            } else {
                media.push(path.clone());
            }
        }
        let mut groups = Vec::new();
        if !media.is_empty() || alone.is_empty() {
            groups.push((text.to_owned(), media));
        }
        for (n, group) in alone.into_iter().enumerate() {
            // With no text or media, the text rides with the first document.
            let caption = if n == 0 && groups.is_empty() {
                text.to_owned()
            } else {
                String::new()
            };
            groups.push((caption, group));
        }
        let created_at = self.inner.now_ms();
        let mut views = Vec::with_capacity(groups.len());
        for (n, (caption, group)) in groups.into_iter().enumerate() {
            let local_id = uuid::Uuid::new_v4().to_string();
            let attachments = if group.is_empty() {
                Vec::new()
            } else {
                files::stage(self.inner.vault()?, &local_id, &group, rules).await?
            };
            let item = OutboxItem {
                local_id,
                chat_id,
                text: caption,
                // One millisecond apart: the outbox sends oldest first.
                created_at: created_at + i64::try_from(n).unwrap_or(0),
                attempts: 0,
                next_attempt_at: 0,
                failed: None,
                attachments,
                // A reply is the first message of what was written.
                reply_to: if n == 0 { reply_to.clone() } else { None },
                // So is an announcement; files that must go alone follow as messages.
                kind: if n == 0 { kind } else { OutboxKind::Message },
            };
            if let Err(e) = self.inner.cache.outbox_push(&item).await {
                if let Ok(vault) = self.inner.vault() {
                    files::unstage(vault, &item.local_id).await;
                }
                return Err(e.into());
            }
            let view = self.inner.outbox_view(&item);
            let _ = self.inner.events.send(AppEvent::MessageAdded {
                message: view.clone(),
            });
            views.push(view);
        }
        self.inner.outbox_wake.notify_one();
        Ok(views)
    }

    /// Everything still in the outbox (pending or failed), oldest first.
    pub async fn outbox(&self) -> Result<Vec<MessageView>> {
        let items = self.inner.cache.outbox().await?;
        Ok(items.iter().map(|i| self.inner.outbox_view(i)).collect())
    }

    async fn outbox_item(&self, local_mid: &str) -> Result<OutboxItem> {
        let local_id = local_mid
            .strip_prefix(LOCAL_MID_PREFIX)
            .unwrap_or(local_mid);
        self.inner
            .cache
            .outbox()
            .await?
            .into_iter()
            .find(|i| i.local_id == local_id)
            .ok_or_else(|| {
                Error::InvalidInput("this message is no longer waiting to be sent".into())
            })
    }

    /// Tries a failed (or waiting) message again now.
    pub async fn retry(&self, local_mid: &str) -> Result<MessageView> {
        let mut item = self.outbox_item(local_mid).await?;
        item.failed = None;
        item.attempts = 0;
        item.next_attempt_at = 0;
        self.inner.cache.outbox_update(&item).await?;
        let view = self.inner.outbox_view(&item);
        let _ = self.inner.events.send(AppEvent::MessageUpdated {
            message: view.clone(),
        });
        self.inner.outbox_wake.notify_one();
        Ok(view)
    }

    /// Gives up on a message that has not reached the server.
    pub async fn discard(&self, local_mid: &str) -> Result<()> {
        let item = self.outbox_item(local_mid).await?;
        self.inner.cache.outbox_remove(&item.local_id).await?;
        if let Ok(vault) = self.inner.vault() {
            files::unstage(vault, &item.local_id).await;
        }
        let mid = format!("{LOCAL_MID_PREFIX}{}", item.local_id);
        let _ = self.inner.events.send(AppEvent::MessageRemoved {
            chat_id: item.chat_id,
            mid,
        });
        Ok(())
    }

    /// Sends everything in the outbox that is due, now (normally the worker does this).
    pub async fn flush_outbox(&self) -> Result<()> {
        self.inner.drain_outbox().await
    }

    /// Sends everything waiting now, whatever its retry time ("sync now"), and returns the
    /// first error. Messages the server refused stay failed until [`Session::retry`].
    pub async fn send_now(&self) -> Result<()> {
        let inner = &self.inner;
        let _one = inner.outbox_lock.lock().await;
        for mut item in inner.cache.outbox().await? {
            if item.failed.is_none() && item.next_attempt_at != 0 {
                item.next_attempt_at = 0;
                inner.cache.outbox_update(&item).await?;
            }
        }
        inner.drain_locked().await
    }
}
