//! What several parta-server processes on one PostgreSQL database share beyond the data: word
//! that the update log grew (so a long poll on any node wakes), word that access was taken away
//! (so every node forgets the tokens it checked), and which one node runs the school's
//! background work (scheduled messages, the MAX bridge). One server on SQLite is a cluster of
//! one and leads always.
//!
//! On PostgreSQL, word goes by `LISTEN`/`NOTIFY` on the database every node already has: an
//! appended update notifies `parta_updates` with its id in the same statement (delivered at
//! commit, so never before the row is visible), and taking access away notifies
//! `parta_access`. Leadership is a session-level advisory lock ([`LEADER`]) held on a
//! connection of its own: when the leading process dies its connection closes, the database
//! releases the lock, and another node takes it within [`RETRY`].

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnection, PgListener};
use sqlx::{Connection, PgPool};
use tokio::sync::{mpsc, watch};

use crate::auth::AuthCache;
use crate::store::Store;
use crate::updates::UpdateHub;

/// The advisory lock the leading node holds (a number of its own, apart from the writers').
const LEADER: i64 = 72_783;
/// How often a follower tries for the lead, and the leader checks it still holds it.
const RETRY: Duration = Duration::from_secs(1);

/// This node's place in the cluster.
#[derive(Debug, Clone)]
pub struct Cluster {
    leads: watch::Receiver<bool>,
    /// A lone server's own "leads", kept so that it never reads as closed.
    _alone: Option<Arc<watch::Sender<bool>>>,
}

impl Cluster {
    /// A server alone on its database: it leads.
    pub fn single() -> Self {
        let (alone, leads) = watch::channel(true);
        Self {
            leads,
            _alone: Some(Arc::new(alone)),
        }
    }

    /// Joins the nodes on the PostgreSQL database at `url` (`pool` is the store's): wakes `hub`
    /// for updates any node appends, empties `auth` when any node takes access away (and tells
    /// the others, through `pool`, when this one does), and competes for the lead. Its tasks end when `shutdown` turns true.
    pub async fn join(
        url: &str,
        pool: PgPool,
        store: Arc<dyn Store>,
        hub: UpdateHub,
        auth: &mut AuthCache,
        shutdown: watch::Receiver<bool>,
    ) -> crate::Result<Self> {
        let mut listener = PgListener::connect(url).await.map_err(db)?;
        listener
            .listen_all(["parta_updates", "parta_access"])
            .await
            .map_err(db)?;
        let (tell, told) = mpsc::unbounded_channel();
        auth.tell_peers(tell);
        tokio::spawn(listen(listener, store, hub, auth.clone(), shutdown.clone()));
        tokio::spawn(announce(pool, told));
        // The first try is made before the server starts: a node alone leads from its first
        // request on.
        let mut conn = PgConnection::connect(url).await.map_err(db)?;
        let held = try_lead(&mut conn).await.map_err(db)?;
        let (lead, leads) = watch::channel(held);
        let first = held.then_some(conn);
        tokio::spawn(lead_when_free(url.to_owned(), first, lead, shutdown));
        Ok(Self {
            leads,
            _alone: None,
        })
    }

    /// Whether this node runs the school's background work now.
    pub fn leads(&self) -> bool {
        *self.leads.borrow()
    }

    /// Changes of [`Cluster::leads`], to start and stop work with it.
    pub fn watch(&self) -> watch::Receiver<bool> {
        self.leads.clone()
    }
}

fn db(error: sqlx::Error) -> crate::Error {
    crate::Error::from(crate::store::StoreError::from(error))
}

/// Hears the other nodes until shutdown.
async fn listen(
    mut listener: PgListener,
    store: Arc<dyn Store>,
    hub: UpdateHub,
    auth: AuthCache,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let heard = tokio::select! {
            heard = listener.try_recv() => heard,
            _ = shutdown.wait_for(|stop| *stop) => return,
        };
        match heard {
            Ok(Some(note)) if note.channel() == "parta_updates" => {
                if let Ok(id) = note.payload().parse::<i64>() {
                    hub.published(id);
                }
            }
            Ok(Some(_)) => auth.forget_checked(),
            // The connection dropped and is back: whatever was said meanwhile is lost, so
            // catch up on the log and trust no checked token.
            Ok(None) => {
                auth.forget_checked();
                if let Err(e) = hub.publish_latest(store.as_ref()).await {
                    tracing::warn!(error = %e, "could not catch up on the update log");
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "lost word from the other nodes; reconnecting");
                tokio::time::sleep(RETRY).await;
            }
        }
    }
}

/// Tells the other nodes each time this one takes access away, through the store's pool
/// (which reconnects by itself).
async fn announce(pool: PgPool, mut told: mpsc::UnboundedReceiver<()>) {
    while told.recv().await.is_some() {
        // Many at once are one notice.
        while told.try_recv().is_ok() {}
        if let Err(e) = sqlx::query("SELECT pg_notify('parta_access', '')")
            .execute(&pool)
            .await
        {
            tracing::warn!(error = %e, "could not tell the other nodes that access was taken away");
        }
    }
}

/// Takes the lead on `conn` if no other node holds it.
async fn try_lead(conn: &mut PgConnection) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(LEADER)
        .fetch_one(conn)
        .await
}

/// Holds the lead whenever no other node does, until shutdown; `first` is the connection that
/// holds it already, if the first try won.
async fn lead_when_free(
    url: String,
    mut first: Option<PgConnection>,
    lead: watch::Sender<bool>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let held = async {
            let mut conn = match first.take() {
                Some(conn) => conn,
                None => {
                    let mut conn = PgConnection::connect(&url).await?;
                    while !try_lead(&mut conn).await? {
                        tokio::time::sleep(RETRY).await;
                    }
                    conn
                }
            };
            lead.send_replace(true);
            tracing::info!("this node leads: it runs the school's background work");
            // Still connected means still holding it.
            loop {
                tokio::time::sleep(RETRY).await;
                sqlx::query("SELECT 1").execute(&mut conn).await?;
            }
            #[allow(unreachable_code)]
            Ok::<(), sqlx::Error>(())
        };
        tokio::select! {
            result = held => {
                if let Err(e) = result {
                    tracing::warn!(error = %e, "lost the database connection that holds the lead");
                }
            }
            _ = shutdown.wait_for(|stop| *stop) => {
                lead.send_replace(false);
                return;
            }
        }
        lead.send_replace(false);
        tokio::time::sleep(RETRY).await;
    }
}
