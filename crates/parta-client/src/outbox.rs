//! The outbox: every message written is stored before it is sent, shown as pending, and
//! delivered exactly once, also after a restart.
//!
//! It is a persisted state machine (table `outbox` in the cache, `synchronous=FULL`):
//!
//! ```text
//! written ──▶ pending ──send ok──▶ sent (row removed, message cached, MessageSent event)
//!               │  ▲
//!   transport   │  │ retry when due (exponential backoff with jitter), when the connection
//!   error       ▼  │ returns, on every new message, and at start-up
//!            pending (attempts + 1, next_attempt_at)
//!               │
//!   4xx refusal ▼
//!            failed(reason) — kept and shown, never retried by itself
//! ```
//! Every attempt carries the item's local id as `Idempotency-Key`, so a retry after a lost
//! answer returns the first message instead of posting a second one: exactly once.

use std::sync::Arc;
use std::time::Duration;

use parta_model::max::{self, NewMessageBody};
use parta_model::view::{AppEvent, AttachmentView, Delivery, MessageView, ReplyView};

use crate::error::{Error, Result};
use crate::files;
use crate::store::{CachedMessage, OutboxItem, OutboxKind};

use crate::session::inner::Inner;

/// Prefix of the ids of messages not yet on the server.
pub const LOCAL_MID_PREFIX: &str = "local.";

impl Inner {
    pub(crate) fn outbox_view(&self, item: &OutboxItem) -> MessageView {
        // Shown as it will look once the server has parsed its Markdown.
        let (text, markup) = parta_model::markup::parse_markdown(&item.text);
        MessageView {
            mid: format!("{LOCAL_MID_PREFIX}{}", item.local_id),
            chat_id: item.chat_id,
            // Not on the server yet: no sequence number. (Order comes from the timestamp; a
            // huge placeholder would not survive the trip through JavaScript numbers.)
            seq: 0,
            sender_id: self.user_id,
            sender_name: String::new(),
            sender_via_max: false,
            text,
            timestamp: item.created_at,
            is_own: true,
            delivery: match &item.failed {
                Some(reason) => Delivery::Failed {
                    reason: reason.clone(),
                },
                None => Delivery::Pending,
            },
            attachments: item
                .attachments
                .iter()
                .map(|f| AttachmentView {
                    kind: f.kind.clone(),
                    name: f.name.clone(),
                    size: Some(f.size),
                    token: f.token.clone(),
                })
                .collect(),
            // The quoted message is in the timeline; its id is enough to find it.
            reply_to: item.reply_to.as_ref().map(|mid| ReplyView {
                mid: mid.clone(),
                sender_name: String::new(),
                text: String::new(),
            }),
            markup,
            max_state: None,
            silent_until: None,
        }
    }

    /// Sends due outbox items, oldest first; stops at the first that cannot go yet, so that
    /// messages arrive in the order they were written.
    pub(crate) async fn drain_outbox(&self) -> Result<()> {
        // One drain at a time (the worker, a flush, "send now"): two would upload the same
        // file into the same upload at once.
        let _one = self.outbox_lock.lock().await;
        self.drain_locked().await
    }

    pub(crate) async fn drain_locked(&self) -> Result<()> {
        for mut item in self.cache.outbox().await? {
            if item.failed.is_some() {
                continue;
            }
            if item.next_attempt_at > self.now_ms() {
                return Ok(());
            }
            match self.deliver(&mut item).await {
                Ok(sent) => {
                    let message = CachedMessage::from_max(&sent.message)
                        .ok_or_else(|| Error::Protocol("the sent message names no chat".into()))?;
                    self.cache
                        .outbox_delivered(&item.local_id, &message)
                        .await?;
                    // The sender keeps the files for reading offline, without downloading them.
                    if let Ok(vault) = self.vault() {
                        for file in &item.attachments {
                            if let Err(e) = files::adopt(
                                self.cache.shared(),
                                vault.dir(),
                                file,
                                self.config.file_cache_limit,
                            )
                            .await
                            {
                                tracing::info!(error = %e, "a sent file was not kept offline");
                            }
                        }
                        files::unstage(vault, &item.local_id).await;
                    }
                    let _ = self.events.send(AppEvent::MessageSent {
                        local_mid: format!("{LOCAL_MID_PREFIX}{}", item.local_id),
                        message: self.view(message),
                    });
                }
                Err(Error::Server {
                    status, message, ..
                }) if (400..500).contains(&status) && status != 429 => {
                    // Refused for good (e.g. no longer a member): keep it, say why.
                    item.failed = Some(message);
                    self.cache.outbox_update(&item).await?;
                    let _ = self.events.send(AppEvent::MessageUpdated {
                        message: self.outbox_view(&item),
                    });
                }
                Err(e) => {
                    item.attempts = item.attempts.saturating_add(1);
                    let mut delay = self.backoff(item.attempts.min(16));
                    if let Error::RateLimited { retry_after } = &e {
                        delay = delay.max(*retry_after);
                    }
                    item.next_attempt_at =
                        self.now_ms() + i64::try_from(delay.as_millis()).unwrap_or(i64::MAX);
                    self.cache.outbox_update(&item).await?;
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// Uploads the item's files that have no token yet (saving progress in the outbox, so a
    /// restart resumes), then sends the message with its `Idempotency-Key`.
    pub(crate) async fn deliver(&self, item: &mut OutboxItem) -> Result<max::SendMessageResult> {
        let local_mid = format!("{LOCAL_MID_PREFIX}{}", item.local_id);
        for index in 0..item.attachments.len() {
            if item.attachments[index].token.is_some() {
                continue;
            }
            let mut file = item.attachments[index].clone();
            let prepared = files::prepare(&self.api, &mut file).await?;
            if prepared.created {
                // The URL is saved before any byte goes: a restart resumes there.
                item.attachments[index] = file.clone();
                self.cache.outbox_update(item).await?;
            }
            let events = self.events.clone();
            let (id, name) = (local_mid.clone(), file.name.clone());
            let key = self.vault().ok().map(files::FileVault::key);
            files::transfer(&self.api, key, &mut file, prepared, move |done, total| {
                let _ = events.send(AppEvent::TransferProgress {
                    id: id.clone(),
                    name: name.clone(),
                    done,
                    total,
                    upload: true,
                });
            })
            .await?;
            item.attachments[index] = file;
            self.cache.outbox_update(item).await?;
        }
        let attachments: Vec<max::Attachment> = item
            .attachments
            .iter()
            .filter_map(|f| {
                Some(max::Attachment {
                    kind: f.kind.clone(),
                    payload: Some(serde_json::json!({ "token": f.token.as_ref()? })),
                    filename: None,
                    size: None,
                })
            })
            .collect();
        let body = NewMessageBody {
            text: (!item.text.is_empty()).then(|| item.text.clone()),
            attachments: (!attachments.is_empty()).then_some(attachments),
            link: item.reply_to.as_ref().map(|mid| max::NewMessageLink {
                link_type: max::MessageLinkType::Reply,
                mid: mid.clone(),
            }),
            // What people type is MAX-flavoured Markdown; the server stores plain text and
            // ranges.
            format: Some(max::TextFormat::Markdown),
            ..Default::default()
        };
        match item.kind {
            OutboxKind::Message => {
                self.api
                    .send_message(item.chat_id, &body, &item.local_id)
                    .await
            }
            OutboxKind::Announcement { ack_required } => {
                self.api
                    .post_announcement(item.chat_id, &body, ack_required, &item.local_id)
                    .await
            }
        }
    }
}

/// The outbox worker: drains on start, on every new message, when the connection returns, and
/// when the next retry is due.
pub(crate) async fn run_outbox(inner: Arc<Inner>) {
    if let Ok(vault) = inner.vault() {
        // Copies opened by an earlier run, then what an older Parta kept plain, before any
        // file is sent.
        vault.clear_viewing().await;
        let _one = inner.outbox_lock.lock().await;
        match files::seal_legacy(&inner.cache, vault).await {
            Ok(0) => {}
            Ok(n) => tracing::info!("{n} plain files kept earlier are sealed now"),
            Err(e) => tracing::warn!(error = %e, "plain files kept earlier could not be sealed"),
        }
    }
    while !inner.stopped() {
        if let Err(e) = inner.drain_outbox().await {
            tracing::info!(error = %e, "outbox: will retry");
        }
        let next_due = match inner.cache.outbox().await {
            Ok(items) => items
                .iter()
                .filter(|i| i.failed.is_none())
                .map(|i| i.next_attempt_at)
                .min(),
            Err(_) => None,
        };
        let wait = match next_due {
            Some(at) => Duration::from_millis(u64::try_from(at - inner.now_ms()).unwrap_or(0)),
            None => Duration::from_secs(3600),
        };
        tokio::select! {
            _ = inner.outbox_wake.notified() => {}
            _ = tokio::time::sleep(wait) => {}
        }
    }
}
