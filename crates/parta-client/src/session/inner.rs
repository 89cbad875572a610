//! What a session's parts share: the profile, the API client, the cache, the events and the
//! connection state, and the helpers every part uses (views of cached rows, backoff).

use std::time::Duration;

use parta_model::view::{AppEvent, ChatSummary, ConnectionState, Delivery, MessageView};
use rand::Rng;
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use crate::api::ApiClient;
use crate::error::{Error, Result};
use crate::files::FileVault;
use crate::session::config::SessionConfig;
use crate::store::{CachedChat, CachedMessage, ProfileStore};

pub(crate) struct Inner {
    pub(crate) user_id: Option<i64>,
    pub(crate) api: ApiClient,
    /// The cache, opened for this profile.
    pub(crate) cache: ProfileStore,
    pub(crate) config: SessionConfig,
    pub(crate) events: broadcast::Sender<AppEvent>,
    pub(crate) connection: watch::Sender<ConnectionState>,
    pub(crate) stop: watch::Sender<bool>,
    /// Wakes the outbox worker (a new message, or the connection came back).
    pub(crate) outbox_wake: tokio::sync::Notify,
    /// Held while the outbox is being sent.
    pub(crate) outbox_lock: tokio::sync::Mutex<()>,
    pub(crate) task: std::sync::Mutex<Vec<JoinHandle<()>>>,
    /// Why the last attempt to sync failed, until one succeeds: what the server answered, or
    /// that its answer could not be read, or that it could not be reached.
    pub(crate) failure: std::sync::Mutex<Option<String>>,
}

impl Inner {
    /// Keeps why the last sync attempt failed (`None`: it succeeded).
    pub(crate) fn note_failure(&self, failure: Option<String>) {
        *self
            .failure
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = failure;
    }

    /// Now, by the session's clock.
    pub(crate) fn now_ms(&self) -> i64 {
        self.config.clock.now_ms()
    }

    pub(crate) fn view(&self, m: CachedMessage) -> MessageView {
        MessageView {
            is_own: self.user_id.is_some() && m.sender_id == self.user_id,
            mid: m.mid,
            chat_id: m.chat_id,
            seq: m.seq,
            sender_id: m.sender_id,
            sender_name: m.sender_name,
            sender_via_max: m.sender_via_max,
            text: m.text,
            timestamp: m.timestamp,
            delivery: Delivery::Sent,
            attachments: m.attachments,
            reply_to: m.reply_to,
            markup: m.markup,
            max_state: m.max_state,
            silent_until: None,
        }
    }

    pub(crate) async fn summary(&self, chat: CachedChat) -> Result<ChatSummary> {
        let last = self.cache.latest_messages(chat.chat_id, 1).await?.pop();
        Ok(ChatSummary {
            chat_id: chat.chat_id,
            title: chat.title,
            participants_count: chat.participants_count,
            last_event_time: chat.last_event_time,
            last_message: last.map(|m| self.view(m)),
            unread: self.cache.unread(chat.chat_id, self.user_id).await?,
        })
    }

    pub(crate) fn vault(&self) -> Result<&FileVault> {
        self.config.files.as_ref().ok_or_else(|| {
            Error::InvalidInput("files cannot be sent or opened in this session".into())
        })
    }

    pub(crate) fn set_connection(&self, state: ConnectionState) {
        let changed = self.connection.send_if_modified(|current| {
            let changed = *current != state;
            *current = state;
            changed
        });
        if changed {
            let _ = self.events.send(AppEvent::Connection { state });
            if state == ConnectionState::Online {
                self.outbox_wake.notify_one();
            }
        }
    }

    pub(crate) fn stopped(&self) -> bool {
        *self.stop.borrow()
    }

    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let base = self
            .config
            .backoff_initial
            .saturating_mul(1u32 << attempt.min(16));
        let capped = base.min(self.config.backoff_max);
        // ±20 % jitter, so a school's worth of clients does not reconnect in lockstep.
        let factor = rand::rng().random_range(0.8..1.2);
        capped.mul_f64(factor)
    }
}
