//! The sync loop of a session: the first sync (chats, then each chat's recent history), the
//! backfill of a gap left while offline, and following `GET /updates` by long polling, saving
//! each page of updates with its marker in one transaction and publishing [`AppEvent`]s.
//!
//! States (published as [`ConnectionState`]): `Connecting` until the first sync succeeds,
//! `Online` while long polls succeed, `Offline` after a transport failure, then `Connecting`
//! again on each retry (exponential backoff with jitter). The cache is always readable, whatever
//! the state. A rejected token ends the loop; nothing else does until the session stops.

use std::sync::Arc;

use parta_model::max::{self, Update};
use parta_model::view::{AppEvent, ConnectionState};

use crate::error::{Error, Result};
use crate::session::config::STORE_BATCH;
use crate::store::{Batch, CachedChat, CachedMessage};

use crate::session::inner::Inner;

impl Inner {
    /// Fetches the chat list, then each chat's history: back to the newest message already
    /// cached (filling the gap left while offline) or [`SessionConfig::history_per_chat`]
    /// messages, whichever comes first. Publishes [`AppEvent::SyncProgress`] after each chat.
    pub(crate) async fn resync(&self) -> Result<()> {
        let chats = self.api.all_chats().await?;
        let total = u32::try_from(chats.len()).unwrap_or(u32::MAX);
        self.progress(0, total, 0);
        let mut cached = Vec::with_capacity(chats.len());
        let mut pinned = Vec::new();
        for chat in &chats {
            // The list omits the pinned message; a single chat includes it.
            let full = self.api.chat(chat.chat_id).await?;
            pinned.extend(
                full.pinned_message
                    .as_deref()
                    .and_then(CachedMessage::from_max),
            );
            cached.push(CachedChat::from_max(&full));
        }
        self.cache.replace_chats(&cached).await?;
        self.cache.upsert_messages(&pinned).await?;
        let _ = self.events.send(AppEvent::ChatsChanged);
        let mut fetched = 0u32;
        // Several chats' history goes into one transaction (each costs a WAL commit that
        // rewrites the pages it touched; chats' histories interleave in time, so they touch
        // many): committed every STORE_BATCH messages and at the end.
        let mut pending: Vec<CachedMessage> = Vec::new();
        for (done, chat) in cached.iter().enumerate() {
            let history = self.backfill(chat.chat_id).await?;
            fetched = fetched.saturating_add(u32::try_from(history.len()).unwrap_or(u32::MAX));
            pending.extend(history);
            if pending.len() >= STORE_BATCH {
                self.cache
                    .upsert_messages(&std::mem::take(&mut pending))
                    .await?;
            }
            let done = u32::try_from(done + 1).unwrap_or(u32::MAX);
            // The last step is announced once everything is stored.
            if done < total {
                self.progress(done, total, fetched);
            }
        }
        self.cache.upsert_messages(&pending).await?;
        if total > 0 {
            self.progress(total, total, fetched);
        }
        if fetched > 0 {
            let _ = self.events.send(AppEvent::ChatsChanged);
        }
        Ok(())
    }

    /// Pages back through one chat's messages (newest first, as MAX answers) until it meets
    /// the cache or the history limit, and returns them (the caller stores them).
    pub(crate) async fn backfill(&self, chat_id: i64) -> Result<Vec<CachedMessage>> {
        let newest_cached = self
            .cache
            .latest_messages(chat_id, 1)
            .await?
            .pop()
            .map(|m| (m.timestamp, m.seq));
        let page_size = self.config.page_size.clamp(1, 100);
        let limit = usize::try_from(self.config.history_per_chat).unwrap_or(usize::MAX);
        let mut seen = std::collections::HashSet::new();
        let mut fetched = Vec::new();
        let mut from = None;
        loop {
            let page = self.api.messages(chat_id, page_size, from).await?;
            let full_page = page.messages.len() >= usize::from(page_size);
            let mut met_cache = false;
            let mut oldest: Option<i64> = None;
            for message in page.messages.iter().filter_map(CachedMessage::from_max) {
                met_cache |= newest_cached.is_some_and(|k| (message.timestamp, message.seq) <= k);
                oldest = Some(oldest.map_or(message.timestamp, |o| o.min(message.timestamp)));
                if seen.insert(message.mid.clone()) {
                    fetched.push(message);
                }
            }
            if met_cache || !full_page || fetched.len() >= limit {
                break;
            }
            // `from` is inclusive: the next page starts at the oldest time seen (duplicates are
            // skipped above), or just before it when a whole page shared one millisecond.
            from = match (oldest, from) {
                (Some(o), Some(f)) if o >= f => Some(f - 1),
                (Some(o), _) => Some(o),
                (None, _) => break,
            };
        }
        // Pages overlap by the messages at their boundary, so the last page may overshoot.
        fetched.truncate(limit);
        Ok(fetched)
    }

    pub(crate) fn progress(&self, chats_done: u32, chats_total: u32, messages: u32) {
        let _ = self.events.send(AppEvent::SyncProgress {
            chats_done,
            chats_total,
            messages,
        });
    }

    /// Follows the update log until an error or a stop.
    pub(crate) async fn follow(&self) -> Result<()> {
        let mut stop = self.stop.subscribe();
        loop {
            let marker = self.cache.marker().await?;
            let poll = self.api.updates(
                marker,
                self.config.poll_timeout,
                100,
                self.config.update_types.as_deref(),
            );
            let page = tokio::select! {
                page = poll => page?,
                _ = stop.wait_for(|s| *s) => return Err(Error::Stopped),
            };
            self.set_connection(ConnectionState::Online);
            self.apply(page).await?;
        }
    }

    pub(crate) async fn apply(&self, page: max::UpdateList) -> Result<()> {
        let mut batch = Batch {
            marker: page.marker,
            ..Default::default()
        };
        let mut events = Vec::new();
        let mut chats_changed = false;
        let mut pins = Vec::new();
        for update in &page.updates {
            match update {
                Update::MessageCreated { message, .. } | Update::MessageEdited { message, .. } => {
                    if let Some(cached) = CachedMessage::from_max(message) {
                        let mut view = self.view(cached.clone());
                        if let Update::MessageCreated {
                            parta_silent_until, ..
                        } = update
                        {
                            view.silent_until = *parta_silent_until;
                        }
                        events.push(if matches!(update, Update::MessageCreated { .. }) {
                            AppEvent::MessageAdded { message: view }
                        } else {
                            AppEvent::MessageUpdated { message: view }
                        });
                        batch.upserts.push(cached);
                    }
                }
                Update::MessageRemoved {
                    message_id,
                    chat_id,
                    ..
                } => {
                    batch.removals.push((*chat_id, message_id.clone()));
                    events.push(AppEvent::MessageRemoved {
                        chat_id: *chat_id,
                        mid: message_id.clone(),
                    });
                }
                Update::UserAdded { .. }
                | Update::UserRemoved { .. }
                | Update::ChatTitleChanged { .. } => chats_changed = true,
                Update::PartaMaxState {
                    message_id, state, ..
                } => {
                    batch.max_states.push((message_id.clone(), state.clone()));
                }
                Update::PartaChatPinned { chat_id, .. } => pins.push(*chat_id),
                // Parta's own updates reach the client only when it asks for them by type.
                Update::MessageCallback { .. }
                | Update::PartaJoinRequest { .. }
                | Update::PartaAnnouncementAcknowledged { .. }
                | Update::PartaRestricted { .. }
                | Update::PartaLesson { .. }
                | Update::Unknown => {}
            }
        }
        // The marker is saved in the same transaction as the changes: a crash between the two
        // can neither skip updates nor apply them twice.
        self.cache.apply(&batch).await?;
        // The app redraws a message whose state toward MAX changed, as it is now cached.
        for (mid, _) in &batch.max_states {
            if let Some(cached) = self.cache.message(mid).await? {
                events.push(AppEvent::MessageUpdated {
                    message: self.view(cached),
                });
            }
        }
        for chat_id in pins {
            events.push(self.refresh_pin(chat_id).await?);
        }
        if chats_changed {
            self.resync().await?;
        }
        for event in events {
            let _ = self.events.send(event);
        }
        Ok(())
    }
}

impl Inner {
    /// Reads a chat again after its pin changed: the chat with its pinned message goes into
    /// the cache, and the app hears what is pinned now.
    async fn refresh_pin(&self, chat_id: i64) -> Result<AppEvent> {
        let full = self.api.chat(chat_id).await?;
        let pinned = full
            .pinned_message
            .as_deref()
            .and_then(CachedMessage::from_max);
        if let Some(message) = &pinned {
            self.cache
                .upsert_messages(std::slice::from_ref(message))
                .await?;
        }
        // Only this chat's pin changes: the rest of the cached chat list is not rewritten.
        let mid = pinned.as_ref().map(|m| m.mid.as_str());
        self.cache.set_pinned(chat_id, mid).await?;
        Ok(AppEvent::ChatPinned {
            chat_id,
            pinned: pinned.map(|m| self.view(m)),
        })
    }
}

pub(crate) async fn run(inner: Arc<Inner>) {
    let mut attempt = 0u32;
    let mut stop = inner.stop.subscribe();
    while !inner.stopped() {
        inner.set_connection(ConnectionState::Connecting);
        let result = async {
            inner.resync().await?;
            inner.note_failure(None);
            inner.set_connection(ConnectionState::Online);
            attempt = 0;
            inner.follow().await
        }
        .await;
        match result {
            Err(Error::Stopped) => break,
            Err(Error::Unauthorized) => {
                tracing::warn!("the server rejected the token; sync stopped");
                inner.note_failure(Some(Error::Unauthorized.to_string()));
                inner.set_connection(ConnectionState::Offline);
                break;
            }
            Err(Error::RateLimited { retry_after }) => {
                // Reachable, only busy: wait as the server asks, then connect again.
                tracing::info!(?retry_after, "the server asked to slow down");
                inner.set_connection(ConnectionState::Connecting);
                tokio::select! {
                    _ = tokio::time::sleep(retry_after) => {}
                    _ = stop.wait_for(|s| *s) => break,
                }
            }
            Err(e) => {
                tracing::info!(error = %e, "sync interrupted; will retry");
                inner.note_failure(Some(e.to_string()));
                inner.set_connection(ConnectionState::Offline);
            }
            Ok(()) => {}
        }
        let delay = inner.backoff(attempt);
        attempt = attempt.saturating_add(1);
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = stop.wait_for(|s| *s) => break,
        }
    }
}
