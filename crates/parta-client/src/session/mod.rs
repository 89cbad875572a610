//! A signed-in session: a small facade over the cache, the sync loop ([`crate::sync`]) and the
//! outbox ([`crate::outbox`]), with one module per feature (chats, search, announcements,
//! lessons, files, sending). Reads work at once from the cache, whatever the connection.

mod account;
mod announcements;
mod chats;
pub mod config;
mod files;
mod groups;
pub(crate) mod inner;
mod lessons;
mod outbox;
mod search;

pub use config::{CHAT_PAGE, OLDER_PAGE_MAX, SEARCH_LIMIT, SessionConfig};
pub use files::{PREVIEW_MAX_BYTES, SCANNED_MAX_BYTES, check_files, check_material, image_type};

use std::sync::Arc;

use parta_model::view::{AppEvent, ConnectionState};
use tokio::sync::{broadcast, watch};

use crate::api::ApiClient;
use crate::store::Store;

use inner::Inner;

/// A running session for one profile. Clones share the session.
#[derive(Clone)]
pub struct Session {
    pub(crate) inner: Arc<Inner>,
}

impl Session {
    /// Starts syncing in the background. Reads work at once, from the cache.
    pub fn start(
        profile_id: String,
        user_id: Option<i64>,
        api: ApiClient,
        store: Arc<dyn Store>,
        config: SessionConfig,
    ) -> Self {
        let (events, _) = broadcast::channel(1024);
        let inner = Arc::new(Inner {
            cache: crate::store::ProfileStore::new(store, profile_id),
            user_id,
            api,
            config,
            events,
            connection: watch::Sender::new(ConnectionState::Connecting),
            stop: watch::Sender::new(false),
            outbox_wake: tokio::sync::Notify::new(),
            outbox_lock: tokio::sync::Mutex::new(()),
            task: std::sync::Mutex::new(Vec::new()),
            failure: std::sync::Mutex::new(None),
        });
        let sync = tokio::spawn(crate::sync::run(inner.clone()));
        // Also picks up messages left in the outbox by an earlier run of the app.
        let outbox = tokio::spawn(crate::outbox::run_outbox(inner.clone()));
        if let Ok(mut tasks) = inner.task.lock() {
            tasks.extend([sync, outbox]);
        }
        Self { inner }
    }

    /// Why the session is not online, if a sync attempt failed since the last success: what
    /// the server answered (a refusal, a 404), that its answer could not be read, or that it
    /// could not be reached.
    pub fn last_failure(&self) -> Option<String> {
        self.inner
            .failure
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The profile this session belongs to.
    pub fn profile_id(&self) -> &str {
        self.inner.cache.profile_id()
    }

    /// Events from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<AppEvent> {
        self.inner.events.subscribe()
    }

    /// The connection state, now and as it changes.
    pub fn connection(&self) -> watch::Receiver<ConnectionState> {
        self.inner.connection.subscribe()
    }

    /// Stops syncing and waits for the background task to end.
    pub async fn stop(&self) {
        let _ = self.inner.stop.send(true);
        self.inner.outbox_wake.notify_one();
        let tasks = self
            .inner
            .task
            .lock()
            .map(|mut t| std::mem::take(&mut *t))
            .unwrap_or_default();
        for task in tasks {
            let _ = task.await;
        }
        if let Ok(vault) = self.inner.vault() {
            vault.clear_viewing().await;
        }
    }
}
