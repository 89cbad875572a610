//! Announcements and their acknowledgements and receipts, and scheduled messages.

use parta_model::max::{self, NewMessageBody};
use parta_model::view::{AnnouncementStatus, AnnouncementView, ReceiptsView};

use crate::error::{Error, Result};
use crate::store::{AnnouncementFlags, CachedMessage};

use super::Session;

impl Session {
    /// Whether `mid` is an announcement, what it asks and whether this person acknowledged it:
    /// from the server, remembered in the cache, and from the cache when the server cannot be
    /// reached.
    pub async fn announcement_status(&self, mid: &str) -> Result<AnnouncementStatus> {
        let inner = &self.inner;
        let found = match inner.api.announcement_list().await {
            Ok(list) => {
                let flags: Vec<AnnouncementFlags> = list.iter().map(flags_of).collect();
                inner.cache.set_announcements(&flags).await?;
                flags.into_iter().find(|f| f.mid == mid)
            }
            Err(Error::Offline(_) | Error::RateLimited { .. }) => {
                inner.cache.announcement(mid).await?
            }
            Err(e) => return Err(e),
        };
        Ok(AnnouncementStatus {
            is_announcement: found.is_some(),
            acknowledged: found.as_ref().is_some_and(|f| f.acknowledged),
            ack_required: found.as_ref().is_some_and(|f| f.ack_required),
        })
    }

    /// The announcements of this person's chats, newest first: from the server (their messages
    /// and acknowledgements kept in the cache), or from the cache when offline.
    pub async fn announcements(&self) -> Result<Vec<AnnouncementView>> {
        let inner = &self.inner;
        let store = &inner.cache;
        match inner.api.announcement_list().await {
            Ok(list) => {
                let messages: Vec<CachedMessage> = list
                    .iter()
                    .filter_map(|a| CachedMessage::from_max(&a.message))
                    .collect();
                store.upsert_messages(&messages).await?;
                let flags: Vec<AnnouncementFlags> = list.iter().map(flags_of).collect();
                store.set_announcements(&flags).await?;
            }
            Err(Error::Offline(_) | Error::RateLimited { .. }) => {}
            Err(e) => return Err(e),
        }
        let mut out = Vec::new();
        for flags in store.announcements().await? {
            let Some(message) = store.message(&flags.mid).await? else {
                continue;
            };
            let chat_title = store
                .chat(message.chat_id)
                .await?
                .map(|c| c.title)
                .unwrap_or_default();
            out.push(AnnouncementView {
                message: inner.view(message),
                chat_title,
                acknowledged: flags.acknowledged,
                ack_required: flags.ack_required,
            });
        }
        Ok(out)
    }

    /// Acknowledges an announcement ("Ознакомлен").
    pub async fn acknowledge(&self, mid: &str) -> Result<()> {
        self.inner.api.acknowledge(mid).await?;
        // Only one that asks can be acknowledged.
        self.inner
            .cache
            .set_announcements(&[AnnouncementFlags {
                mid: mid.to_owned(),
                acknowledged: true,
                ack_required: true,
            }])
            .await?;
        Ok(())
    }

    /// Who has acknowledged an announcement (for its author).
    pub async fn receipts(&self, mid: &str) -> Result<ReceiptsView> {
        let (acknowledged, read, pending) = self.inner.api.receipts(mid).await?;
        Ok(ReceiptsView {
            acknowledged,
            read,
            pending,
        })
    }

    /// Schedules `text` (MAX markdown) for `chat_id` at `send_at` (Unix ms); the school's
    /// server sends it then, also while this computer is off. Needs the network now.
    pub async fn schedule(
        &self,
        chat_id: i64,
        text: &str,
        send_at: i64,
    ) -> Result<parta_model::school::Scheduled> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > max::MAX_TEXT_CHARS {
            return Err(Error::InvalidInput(format!(
                "a message has 1 to {} characters",
                max::MAX_TEXT_CHARS
            )));
        }
        if send_at <= self.inner.now_ms() {
            return Err(Error::InvalidInput("the send time has passed".into()));
        }
        let body = NewMessageBody {
            text: Some(text.to_owned()),
            format: Some(max::TextFormat::Markdown),
            ..Default::default()
        };
        self.inner.api.schedule(chat_id, &body, send_at).await
    }

    /// This person's pending scheduled messages in `chat_id`, soonest first.
    pub async fn scheduled(&self, chat_id: i64) -> Result<Vec<parta_model::school::Scheduled>> {
        let mut list: Vec<_> = self
            .inner
            .api
            .scheduled()
            .await?
            .into_iter()
            .filter(|s| {
                s.chat_id == chat_id && s.status == parta_model::school::ScheduleStatus::Pending
            })
            .collect();
        list.sort_by_key(|s| s.send_at);
        Ok(list)
    }

    /// Cancels a pending scheduled message.
    pub async fn cancel_scheduled(&self, id: i64) -> Result<()> {
        self.inner.api.cancel_scheduled(id).await.map(|_| ())
    }
}

/// What the cache keeps of an announcement the server listed.
fn flags_of(a: &parta_model::school::Announcement) -> AnnouncementFlags {
    AnnouncementFlags {
        mid: a.message.body.mid.clone(),
        acknowledged: a.acknowledged,
        ack_required: a.ack_required,
    }
}
