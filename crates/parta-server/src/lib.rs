//! parta-server: the school server.
//!
//! It speaks the MAX Bot API surface (../shared/max-bot-api/schema.yaml) to personal accounts,
//! so the same client core talks to it and to MAX itself. Handlers in [`http`] are adapters;
//! the rules live in the domain modules ([`chats`], [`messages`], [`updates`], [`auth`]) and,
//! for the `/school/*` extensions, [`roles`], [`classes`], [`structure`], [`invites`] and
//! [`audit`].
//! It must never log a token or a message text.

pub mod access;
pub mod announcements;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod chats;
pub mod classes;
pub mod clock;
pub mod cluster;
pub mod context;
pub mod demo;
pub mod dialogs;
pub mod error;
pub mod filestore;
pub mod groups;
pub mod http;
pub mod invites;
pub mod lesson_notices;
pub mod lessons;
pub mod max;
pub mod members;
pub mod membership;
pub mod messages;
pub mod password_reset;
pub mod people;
pub mod ratelimit;
pub mod releases;
pub mod reports;
pub mod restrictions;
pub mod roles;
pub mod scheduled;
pub mod store;
pub mod structure;
pub mod timetable;
pub mod tls;
pub mod updates;
pub mod uploads;
pub mod users;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use crate::clock::{Clock, SystemClock};
pub use crate::context::{Caller, School};
pub use crate::error::{Error, Result};
pub use crate::store::postgres::PostgresStore;
pub use crate::store::sqlite::SqliteStore;
pub use crate::store::{Store, Tx};

/// How to run a server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The SQLite database file (created if missing); with `postgres`, only the place uploaded
    /// files are kept beside (`<db_path without extension>.files/`).
    pub db_path: PathBuf,
    /// A PostgreSQL database to keep the school in instead of the SQLite file
    /// (`postgres://user@host:port/db`; docs/scale.md).
    pub postgres: Option<String>,
    /// Where to listen; port 0 picks a free port.
    pub bind: SocketAddr,
    /// Seed the demo school into the database if it is not there yet.
    pub demo: bool,
    /// Request rates per device and per address.
    pub limits: ratelimit::RateLimits,
    /// The school's policy: what the server refuses (`block`) in messages, and the file rules
    /// (allowed formats and size limits, procedure 3.1).
    pub policy: parta_policy::Policy,
    /// The school's MAX bot, to carry linked MAX chats both ways (docs/max-bridge.md).
    pub max: Option<max::BridgeConfig>,
    /// HTTPS: the certificate and key files. Without them the server listens on loopback
    /// only (behind a reverse proxy that serves HTTPS, or for this computer alone).
    pub tls: Option<tls::TlsFiles>,
    /// Uploaded files in an S3-compatible object store (every node of a region shares it);
    /// without it they live beside `db_path`.
    pub s3: Option<filestore::S3Config>,
    /// The folder of the app's signed release files, offered as updates (docs/install.md).
    pub releases: Option<PathBuf>,
}

impl ServerConfig {
    /// The demo school in `db_path` on `bind`, with the default limits and policy (the desktop
    /// app's embedded server, and tests).
    pub fn demo(db_path: PathBuf, bind: SocketAddr) -> Self {
        Self {
            db_path,
            postgres: None,
            bind,
            demo: true,
            limits: ratelimit::RateLimits::default(),
            policy: parta_policy::Policy::default(),
            max: None,
            tls: None,
            s3: None,
            releases: None,
        }
    }
}

/// Which database a running server keeps the school in, with its connection pool.
#[derive(Debug, Clone)]
pub enum Database {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// A server accepting connections until [`RunningServer::stop`].
pub struct RunningServer {
    addr: SocketAddr,
    /// The same database as `school`'s, by its type, for tests that read it directly.
    database: Database,
    cluster: cluster::Cluster,
    school: School,
    auth_cache: auth::AuthCache,
    tls: Option<tls::Tls>,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL clients use, e.g. `http://127.0.0.1:41234` (`https://` when it serves
    /// HTTPS).
    pub fn url(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Reads the certificate and key files again (what SIGHUP does): connections opened from
    /// now on get the new certificate, open ones keep going. Without HTTPS there is nothing to
    /// read.
    pub async fn reload_tls(&self) -> std::result::Result<(), tls::TlsError> {
        match &self.tls {
            Some(tls) => tls.reload().await,
            None => Ok(()),
        }
    }

    /// The school's context, for in-process callers such as the demo and tests.
    pub fn school(&self) -> &School {
        &self.school
    }

    /// The store, for in-process callers such as the demo and tests.
    pub fn store(&self) -> &dyn Store {
        self.school.store()
    }

    /// The database underneath, for tests that look at it directly.
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// The SQLite database underneath, if the school is kept in one (tests that look at the
    /// file directly).
    pub fn sqlite_pool(&self) -> Option<&sqlx::SqlitePool> {
        match &self.database {
            Database::Sqlite(pool) => Some(pool),
            Database::Postgres(_) => None,
        }
    }

    /// Whether this node runs the school's background work (always, alone on SQLite; on
    /// PostgreSQL, one node of those sharing the database: see `cluster`).
    pub fn leads(&self) -> bool {
        self.cluster.leads()
    }

    /// The server's clock.
    pub fn clock(&self) -> &dyn Clock {
        self.school.clock()
    }

    /// Stops accepting, ends waiting long polls at once, lets in-flight writes finish, and
    /// closes the database.
    pub async fn stop(self) -> Result<()> {
        let _ = self.shutdown.send(true);
        let served = self.task.await;
        // The markers committed since the last flush, and the devices' last uses, go in before
        // the database closes.
        let school = &self.school;
        if let Err(e) = self.auth_cache.save_last_use(school).await {
            tracing::error!(error = %e, "could not save the devices' last use at shutdown");
        }
        if let Err(e) = school.hub().flush_markers(school.store()).await {
            tracing::error!(error = %e, "could not save update markers at shutdown");
        }
        school.store().close().await;
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
    tls::check_bind(config.bind, config.tls.is_some(), config.demo)?;
    let tls = match config.tls.clone() {
        Some(files) => Some(tls::Tls::load(files).await?),
        None => None,
    };
    let (shutdown, shutdown_rx) = watch::channel(false);
    let (database, store): (Database, Arc<dyn Store>) = match &config.postgres {
        Some(url) => {
            let store = Arc::new(PostgresStore::open(url).await?);
            (Database::Postgres(store.pool().clone()), store)
        }
        None => {
            let store = Arc::new(SqliteStore::open(&config.db_path).await?);
            (Database::Sqlite(store.pool().clone()), store)
        }
    };
    let hub = updates::UpdateHub::load(store.as_ref()).await?;
    let school = School::new(
        store.clone(),
        clock.clone(),
        hub,
        Arc::new(config.policy.clone()),
    );
    if config.demo {
        demo::ensure(&school).await?;
    }
    // Uploaded files live in the region's object store, or beside the database:
    // `school.sqlite` keeps them in `school.files/`.
    let files: Arc<dyn filestore::FileStore> = match &config.s3 {
        Some(s3) => {
            let store = filestore::S3FileStore::new(s3)?;
            store.check().await?;
            Arc::new(store)
        }
        None => Arc::new(filestore::LocalFileStore::new(
            config.db_path.with_extension("files"),
        )?),
    };
    let uploads = uploads::Uploads::new(files, config.policy.files.clone());
    let listener = tokio::net::TcpListener::bind(config.bind).await?;
    let addr = listener.local_addr()?;
    let mut auth_cache = auth::AuthCache::default();
    let cluster = match (&config.postgres, &database) {
        (Some(url), Database::Postgres(pool)) => {
            cluster::Cluster::join(
                url,
                pool.clone(),
                store.clone(),
                school.hub().clone(),
                &mut auth_cache,
                shutdown_rx.clone(),
            )
            .await?
        }
        _ => cluster::Cluster::single(),
    };
    let bridge = match config.max.clone() {
        Some(max) => {
            let bridge = max::Bridge::new(school.clone(), uploads.clone(), max)
                .map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
            run_while_leading(&cluster, &shutdown_rx, {
                let bridge = bridge.clone();
                move |stop| bridge.start(stop)
            });
            Some(bridge)
        }
        None => None,
    };
    let state = http::AppState {
        school: school.clone(),
        shutdown: shutdown_rx.clone(),
        limiter: ratelimit::RateLimiter::new(config.limits, clock),
        uploads,
        auth_cache: auth_cache.clone(),
        bridge,
        https: tls.is_some(),
        cluster: cluster.clone(),
        metrics: Default::default(),
        releases: config.releases.clone().map(releases::Releases::new),
    };
    let app = http::router(state).into_make_service_with_connect_info::<SocketAddr>();
    // Scheduled messages go out within a second of their time (one indexed query a second, also
    // in the desktop app's embedded demo server, so no faster).
    let leader = cluster.clone();
    every(SECOND, &shutdown_rx, school.clone(), move |school| {
        let leads = leader.leads();
        async move {
            if !leads {
                return;
            }
            if let Err(e) = scheduled::send_due(&school).await {
                tracing::warn!(error = %e, "scheduled messages could not be sent; will retry");
            }
        }
    });
    // Committed update markers reach the database once a second (see `updates`).
    every(SECOND, &shutdown_rx, school.clone(), |school| async move {
        if let Err(e) = school.hub().flush_markers(school.store()).await {
            tracing::warn!(error = %e, "could not save update markers; will retry");
        }
    });
    // When each device was last used («Мои устройства») reaches the database once a minute.
    let last_use = auth_cache.clone();
    every(MINUTE, &shutdown_rx, school.clone(), move |school| {
        let last_use = last_use.clone();
        async move {
            if let Err(e) = last_use.save_last_use(&school).await {
                tracing::warn!(error = %e, "could not save the devices' last use; will retry");
            }
        }
    });
    let mut signal = shutdown_rx;
    let task = match &tls {
        None => tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = signal.wait_for(|stop| *stop).await;
                })
                .await
        }),
        Some(tls) => {
            let handle = axum_server::Handle::new();
            let server = axum_server::from_tcp_rustls(listener.into_std()?, tls.rustls())?
                .handle(handle.clone());
            tokio::spawn(async move {
                let _ = signal.wait_for(|stop| *stop).await;
                // Long polls end at the shutdown signal themselves; a request still running
                // after this long is cut off.
                handle.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
            });
            tokio::spawn(server.serve(app))
        }
    };
    tracing::info!(%addr, https = tls.is_some(), "parta-server listening");
    Ok(RunningServer {
        addr,
        database,
        cluster,
        school,
        auth_cache,
        tls,
        shutdown,
        task,
    })
}

/// Starts work with `start(stop)` each time this node takes the lead, and turns its `stop` true
/// when the node loses the lead or the server stops.
fn run_while_leading(
    cluster: &cluster::Cluster,
    shutdown: &watch::Receiver<bool>,
    start: impl Fn(watch::Receiver<bool>) + Send + 'static,
) {
    let mut leads = cluster.watch();
    let mut shutdown = shutdown.clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                led = leads.wait_for(|l| *l) => if led.is_err() { return },
                _ = shutdown.wait_for(|s| *s) => return,
            }
            let (stop, stopped) = watch::channel(false);
            start(stopped);
            // A lead that can no longer change (a server alone) is kept until shutdown.
            let lost = tokio::select! {
                lost = leads.wait_for(|l| !*l) => lost.is_ok(),
                _ = shutdown.wait_for(|s| *s) => true,
            };
            if !lost {
                let _ = shutdown.wait_for(|s| *s).await;
            }
            stop.send_replace(true);
        }
    });
}

const SECOND: std::time::Duration = std::time::Duration::from_secs(1);
const MINUTE: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs `work` once every `period` until shutdown.
fn every<F, Fut>(
    period: std::time::Duration,
    shutdown: &watch::Receiver<bool>,
    school: School,
    work: F,
) where
    F: Fn(School) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let mut stop = shutdown.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(period);
        loop {
            tokio::select! {
                _ = every.tick() => work(school.clone()).await,
                changed = stop.changed() => {
                    if changed.is_err() || *stop.borrow() {
                        break;
                    }
                }
            }
        }
    });
}
