//! A unit of work on one backend's connection: the pooled connection or transaction the
//! statements of `store/sql/` run on, and what the unit appended to the update log.

use async_trait::async_trait;
use sqlx::Transaction;
use sqlx::pool::PoolConnection;

use super::{Db, DbConnection};
use crate::store::{Committed, Result, StoreError, Tx};

/// A connection from the pool, or a transaction on one (rolled back if dropped), with the
/// highest update id appended through it, and a writer's turn (given back when it ends).
pub(crate) struct SqlTx {
    conn: Conn,
    newest_update: Option<i64>,
    // Held, never read: its end gives the writer's turn back (SQLite's queue; none on PostgreSQL).
    #[allow(dead_code)]
    pub(super) turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

pub(super) enum Conn {
    Pooled(PoolConnection<Db>),
    Open(Transaction<'static, Db>),
}

impl SqlTx {
    pub(super) fn new(conn: Conn) -> Self {
        Self {
            conn,
            newest_update: None,
            turn: None,
        }
    }

    pub(super) fn conn(&mut self) -> &mut DbConnection {
        match &mut self.conn {
            Conn::Pooled(conn) => conn,
            Conn::Open(tx) => tx,
        }
    }

    /// Notes an update appended through this unit.
    pub(super) fn appended(&mut self, id: i64) {
        self.newest_update = Some(self.newest_update.map_or(id, |n| n.max(id)));
    }
}

#[async_trait]
impl Tx for SqlTx {
    async fn commit(self: Box<Self>) -> Result<Committed> {
        let committed = Committed {
            newest_update: self.newest_update,
        };
        match self.conn {
            Conn::Pooled(_) => {}
            Conn::Open(tx) => tx.commit().await?,
        }
        Ok(committed)
    }
}

/// A key-value table (`settings`, `max_state`): the value under `key`.
pub(super) async fn kv_get(
    tx: &mut SqlTx,
    table: &'static str,
    key: &str,
) -> Result<Option<String>> {
    let sql = format!("SELECT value FROM {table} WHERE key = ?");
    tx.scalar_opt(sqlx::AssertSqlSafe(sql), (key,)).await
}

/// Puts `value` under `key` in a key-value table, replacing what was there.
pub(super) async fn kv_put(
    tx: &mut SqlTx,
    table: &'static str,
    key: &str,
    value: &str,
) -> Result<()> {
    let sql = format!(
        "INSERT INTO {table} (key, value) VALUES (?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    );
    tx.run(sqlx::AssertSqlSafe(sql), (key, value)).await
}

/// The role stored under `name`; an unknown name is a row this code cannot read.
pub(super) fn role_named(name: &str) -> Result<parta_model::school::Role> {
    parta_model::school::Role::from_name(name)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown role '{name}'")))
}
