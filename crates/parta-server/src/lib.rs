//! parta-server: the school server.
//!
//! It speaks the MAX Bot API surface (../shared/max-bot-api/schema.yaml) to personal accounts,
//! so the same client core talks to it and to MAX itself. Handlers in [`http`] are adapters;
//! the rules live in the domain modules ([`chats`], [`messages`], [`updates`], [`auth`]) and,
//! for the `/school/*` extensions, [`roles`], [`classes`], [`structure`], [`invites`] and
//! [`audit`].
//! It must never log a token or a message text.

pub mod announcements;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod chats;
pub mod classes;
pub mod clock;
pub mod context;
pub mod demo;
pub mod error;
pub mod filestore;
pub mod http;
pub mod invites;
pub mod lesson_notices;
pub mod lessons;
pub mod members;
pub mod membership;
pub mod messages;
pub mod people;
pub mod ratelimit;
pub mod restrictions;
pub mod roles;
pub mod scheduled;
pub mod store;
pub mod structure;
pub mod timetable;
pub mod updates;
pub mod uploads;
pub mod users;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use crate::clock::{Clock, SystemClock};
pub use crate::error::{Error, Result};
pub use crate::store::sqlite::SqliteStore;
pub use crate::store::{Store, Tx};

/// How to run a server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The SQLite database file (created if missing).
    pub db_path: PathBuf,
    /// Where to listen; port 0 picks a free port.
    pub bind: SocketAddr,
    /// Seed the demo school into the database if it is not there yet.
    pub demo: bool,
    /// Request rates per device and per address.
    pub limits: ratelimit::RateLimits,
    /// The school's policy: what the server refuses (`block`) in messages, and the file rules
    /// (allowed formats and size limits, procedure 3.1).
    pub policy: parta_policy::Policy,
}

impl ServerConfig {
    /// The demo school in `db_path` on `bind`, with the default limits and policy (the desktop
    /// app's embedded server, and tests).
    pub fn demo(db_path: PathBuf, bind: SocketAddr) -> Self {
        Self {
            db_path,
            bind,
            demo: true,
            limits: ratelimit::RateLimits::default(),
            policy: parta_policy::Policy::default(),
        }
    }
}

/// A server accepting connections until [`RunningServer::stop`].
pub struct RunningServer {
    addr: SocketAddr,
    store: Arc<SqliteStore>,
    clock: Arc<dyn Clock>,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<std::io::Result<()>>,
    hub: updates::UpdateHub,
}

impl RunningServer {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL clients use, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The store, for in-process callers such as the demo and tests.
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// The SQLite database underneath, for tests that look at the file directly.
    pub fn pool(&self) -> &sqlx::SqlitePool {
        self.store.pool()
    }

    /// The server's clock.
    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// Stops accepting, ends waiting long polls at once, lets in-flight writes finish, and
    /// closes the database.
    pub async fn stop(self) -> Result<()> {
        let _ = self.shutdown.send(true);
        let served = self.task.await;
        // The markers committed since the last flush go in before the database closes.
        if let Err(e) = self.hub.flush_markers(self.store.as_ref()).await {
            tracing::error!(error = %e, "could not save update markers at shutdown");
        }
        self.store.close().await;
        match served {
            Ok(result) => Ok(result?),
            Err(join) => Err(Error::Io(std::io::Error::other(join))),
        }
    }
}

/// Opens the database, binds, and serves in a background task.
pub async fn start(config: ServerConfig) -> Result<RunningServer> {
    start_with_clock(config, Arc::new(SystemClock)).await
}

/// [`start`] with a given clock.
pub async fn start_with_clock(
    config: ServerConfig,
    clock: Arc<dyn Clock>,
) -> Result<RunningServer> {
    let store = Arc::new(SqliteStore::open(&config.db_path).await?);
    if config.demo {
        demo::ensure(store.as_ref(), clock.as_ref()).await?;
    }
    let hub = updates::UpdateHub::load(store.as_ref()).await?;
    // Uploaded files live beside the database: `school.sqlite` keeps them in `school.files/`.
    let files = filestore::LocalFileStore::new(config.db_path.with_extension("files"))?;
    let uploads = uploads::Uploads::new(Arc::new(files), config.policy.files.clone());
    let policy = Arc::new(config.policy.clone());
    let listener = tokio::net::TcpListener::bind(config.bind).await?;
    let addr = listener.local_addr()?;
    let (shutdown, shutdown_rx) = watch::channel(false);
    let flusher_hub = hub.clone();
    let state = http::AppState {
        store: store.clone(),
        clock: clock.clone(),
        hub: hub.clone(),
        shutdown: shutdown_rx.clone(),
        limiter: ratelimit::RateLimiter::new(config.limits, clock.clone()),
        uploads,
        policy: policy.clone(),
        auth_cache: auth::AuthCache::default(),
    };
    let app = http::router(state).into_make_service_with_connect_info::<SocketAddr>();
    // Scheduled messages go out within a second of their time (one indexed query a second, also
    // in the desktop app's embedded demo server, so no faster).
    let (send_store, send_clock, send_hub, send_policy) =
        (store.clone(), clock.clone(), hub.clone(), policy.clone());
    let mut send_stop = shutdown_rx.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {
            tokio::select! {
                _ = every.tick() => {
                    if let Err(e) = scheduled::send_due(send_store.as_ref(), send_clock.as_ref(), &send_hub, &send_policy).await {
                        tracing::warn!(error = %e, "scheduled messages could not be sent; will retry");
                    }
                }
                changed = send_stop.changed() => {
                    if changed.is_err() || *send_stop.borrow() {
                        break;
                    }
                }
            }
        }
    });
    // Committed update markers reach the database once a second (see `updates`).
    let flush_store = store.clone();
    let mut flush_stop = shutdown_rx.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {
            tokio::select! {
                _ = every.tick() => {
                    if let Err(e) = flusher_hub.flush_markers(flush_store.as_ref()).await {
                        tracing::warn!(error = %e, "could not save update markers; will retry");
                    }
                }
                changed = flush_stop.changed() => {
                    if changed.is_err() || *flush_stop.borrow() {
                        break;
                    }
                }
            }
        }
    });
    let mut signal = shutdown_rx;
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = signal.wait_for(|stop| *stop).await;
            })
            .await
    });
    tracing::info!(%addr, "parta-server listening");
    Ok(RunningServer {
        addr,
        store,
        clock,
        shutdown,
        task,
        hub,
    })
}
