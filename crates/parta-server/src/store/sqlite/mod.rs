//! The [`Store`] in one SQLite file: WAL so long polls read while a send writes,
//! `synchronous=FULL` because an accepted message must survive a power cut (the client has
//! forgotten it once we answered 200). Migrations are in `migrations/`.

#[path = "../sql/bridge.rs"]
mod bridge;
#[path = "../sql/chats.rs"]
mod chats;
#[path = "../sql/lessons.rs"]
mod lessons;
#[path = "../sql/messages.rs"]
mod messages;
#[path = "../sql/people.rs"]
mod people;
#[path = "../sql/reports.rs"]
mod reports;
#[path = "../sql/schedule.rs"]
mod schedule;
#[path = "../sql/school.rs"]
mod school;
#[path = "../sql/statement.rs"]
mod statement;
#[path = "../sql/updates.rs"]
mod updates;
#[path = "../sql/uploads.rs"]
mod uploads;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use async_trait::async_trait;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};

use crate::store::{Committed, Result, Store, StoreError, Tx};

/// The school's database in one SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Writers queue here, first come first served, before taking SQLite's write lock: left to
    /// SQLite, a writer that finds the lock taken sleeps in its busy handler in steps of up to
    /// 100 ms, which made the tail of a busy chat's sends (docs/benchmarks.md).
    writer: Arc<tokio::sync::Mutex<()>>,
}

/// How long a writer waits for its turn before the request fails (SQLite's busy timeout, which
/// still covers another process writing the same file).
const WRITER_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Self> {
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self {
            pool,
            writer: Arc::new(tokio::sync::Mutex::new(())),
        })
    }

    /// The connection pool, for tests that look at the file directly.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn read(&self) -> Result<Box<dyn Tx>> {
        Ok(Box::new(SqliteTx::new(Conn::Pooled(
            self.pool.acquire().await?,
        ))))
    }

    /// Takes the write lock at the start (`BEGIN IMMEDIATE`): a deferred transaction that
    /// read and then wrote failed at once with "database is locked" whenever another
    /// connection had written in between (SQLite cannot move a read snapshot forward), which
    /// the busy timeout does not cover. Writers now wait for each other, up to that timeout.
    async fn begin(&self) -> Result<Box<dyn Tx>> {
        let turn = tokio::time::timeout(WRITER_WAIT, self.writer.clone().lock_owned())
            .await
            .map_err(|_| {
                StoreError::backend(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "the database stayed busy: no turn to write within 5 s",
                ))
            })?;
        let mut tx = SqliteTx::new(Conn::Open(self.pool.begin_with("BEGIN IMMEDIATE").await?));
        tx.turn = Some(turn);
        Ok(Box::new(tx))
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}

/// A key-value table (`settings`, `max_state`): the value under `key`.
async fn kv_get(
    conn: &mut SqliteConnection,
    table: &'static str,
    key: &str,
) -> Result<Option<String>> {
    let sql = format!("SELECT value FROM {table} WHERE key = ?");
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(key)
        .fetch_optional(conn)
        .await?)
}

/// Puts `value` under `key` in a key-value table, replacing what was there.
async fn kv_put(
    conn: &mut SqliteConnection,
    table: &'static str,
    key: &str,
    value: &str,
) -> Result<()> {
    let sql = format!(
        "INSERT INTO {table} (key, value) VALUES (?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(key)
        .bind(value)
        .execute(conn)
        .await?;
    Ok(())
}

/// The role stored under `name`; an unknown name is a row this code cannot read.
fn role_named(name: &str) -> Result<parta_model::school::Role> {
    parta_model::school::Role::from_name(name)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown role '{name}'")))
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        StoreError::backend(error)
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        StoreError::Migration(Box::new(error))
    }
}

/// A connection from the pool, or a transaction on one (rolled back if dropped), with the
/// highest update id appended through it, and a writer's turn (given back when it ends).
pub(crate) struct SqliteTx {
    conn: Conn,
    newest_update: Option<i64>,
    turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

enum Conn {
    Pooled(PoolConnection<Sqlite>),
    Open(Transaction<'static, Sqlite>),
}

impl SqliteTx {
    fn new(conn: Conn) -> Self {
        Self {
            conn,
            newest_update: None,
            turn: None,
        }
    }

    fn conn(&mut self) -> &mut SqliteConnection {
        match &mut self.conn {
            Conn::Pooled(conn) => conn,
            Conn::Open(tx) => tx,
        }
    }

    /// Notes an update appended through this unit.
    fn appended(&mut self, id: i64) {
        self.newest_update = Some(self.newest_update.map_or(id, |n| n.max(id)));
    }
}

#[async_trait]
impl Tx for SqliteTx {
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
