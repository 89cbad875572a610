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
#[path = "../sql/unit.rs"]
mod unit;
#[path = "../sql/updates.rs"]
mod updates;
#[path = "../sql/uploads.rs"]
mod uploads;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use async_trait::async_trait;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::store::{Result, Store, StoreError, Tx};
pub(crate) use unit::SqlTx;
use unit::{Conn, kv_get, kv_put, role_named};

/// What the statements of `store/sql/` are compiled against here.
type Db = sqlx::Sqlite;
type DbRow = sqlx::sqlite::SqliteRow;
type DbArguments = sqlx::sqlite::SqliteArguments;
type DbQueryResult = sqlx::sqlite::SqliteQueryResult;
type DbConnection = sqlx::SqliteConnection;

/// How SQLite's SQL differs from the statements as written.
mod dialect {
    /// A true flag in a comparison: `1`, the literal SQLite's partial indexes are written
    /// with (`x = TRUE` does not match an index on `x = 1`).
    pub(super) const TRUE: &str = "1";

    /// Appends to the update log: SQLite has one writer at a time, so ids grow in commit order.
    pub(super) const INSERT_UPDATE: &str =
        "INSERT INTO updates (chat_id, user_id, update_type, payload, created_at)
         VALUES (?, ?, ?, ?, ?) RETURNING id";

    /// The numbers of a JSON list given as parameter `param`, as a subquery.
    pub(super) fn json_ids(param: &str) -> String {
        format!("SELECT value FROM json_each({param})")
    }

    /// SQLite reads the `?` and `?N` the statements are written with.
    pub(super) fn placeholders(sql: impl sqlx::SqlSafeStr) -> impl sqlx::SqlSafeStr {
        sql
    }
}

/// The school's database in one SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Writers queue here, first come first served, before taking SQLite's write lock: left to
    /// SQLite, a writer that finds the lock taken sleeps in its busy handler in steps of up to
    /// 100 ms, which made the tail of a busy chat's sends (docs/benchmarks.md).
    writer: Arc<tokio::sync::Mutex<()>>,
    waiting: crate::store::WaitingWriters,
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
            waiting: Default::default(),
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
        Ok(Box::new(SqlTx::new(Conn::Pooled(
            self.pool.acquire().await?,
        ))))
    }

    /// Takes the write lock at the start (`BEGIN IMMEDIATE`): a deferred transaction that
    /// read and then wrote failed at once with "database is locked" whenever another
    /// connection had written in between (SQLite cannot move a read snapshot forward), which
    /// the busy timeout does not cover. Writers now wait for each other, up to that timeout.
    async fn begin(&self) -> Result<Box<dyn Tx>> {
        let waiting = self.waiting.enter();
        let turn = tokio::time::timeout(WRITER_WAIT, self.writer.clone().lock_owned())
            .await
            .map_err(|_| {
                StoreError::backend(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "the database stayed busy: no turn to write within 5 s",
                ))
            })?;
        drop(waiting);
        let mut tx = SqlTx::new(Conn::Open(self.pool.begin_with("BEGIN IMMEDIATE").await?));
        tx.turn = Some(turn);
        Ok(Box::new(tx))
    }

    async fn close(&self) {
        self.pool.close().await;
    }

    fn load(&self) -> crate::store::StoreLoad {
        crate::store::StoreLoad {
            writers_waiting: self.waiting.now(),
            connections: self.pool.size(),
            idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
        }
    }
}
