//! The [`Store`] on PostgreSQL, for a region's service: several parta-server nodes on one
//! database. The statements are those of `store/sql/`, compiled here against PostgreSQL's
//! connection; migrations are in `migrations-postgres/`.
//!
//! Write transactions take one transaction-level advisory lock ([`WRITERS`]) before their first
//! statement, so they run one after another across every node, as SQLite's writers do: the
//! domain's read-then-write steps (an idempotency key, a membership, a read mark) stay exact,
//! and update ids grow in commit order, which long polls rely on. Reads never wait for it.

// The statements are compiled once per backend on purpose: each copy against its own concrete
// connection and row types, which spares every statement the bounds a generic `sqlx::Database`
// would need.
#![allow(clippy::duplicate_mod)]

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

use std::str::FromStr;

use async_trait::async_trait;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::store::{Result, Store, Tx};
pub(crate) use unit::SqlTx;
use unit::{Conn, kv_get, kv_put, role_named};

/// What the statements of `store/sql/` are compiled against here.
type Db = sqlx::Postgres;
type DbRow = sqlx::postgres::PgRow;
type DbArguments = sqlx::postgres::PgArguments;
type DbQueryResult = sqlx::postgres::PgQueryResult;
type DbConnection = sqlx::PgConnection;

/// The advisory lock every write transaction holds until it ends (any number would do; this
/// one reads "parta" on a phone keypad).
const WRITERS: i64 = 72_782;

/// The school's database on a PostgreSQL server.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    waiting: crate::store::WaitingWriters,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user@host:port/db`) and applies pending
    /// migrations. Off loopback the connection must use TLS (`sslmode=verify-full` or
    /// `require` in the URL).
    pub async fn open(url: &str) -> Result<Self> {
        let options = PgConnectOptions::from_str(url)?.application_name("parta-server");
        let pool = PgPoolOptions::new()
            .max_connections(32)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations-postgres").run(&pool).await?;
        Ok(Self {
            pool,
            waiting: Default::default(),
        })
    }

    /// The connection pool, for tests that look at the database directly.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

#[async_trait]
impl Store for PostgresStore {
    async fn read(&self) -> Result<Box<dyn Tx>> {
        Ok(Box::new(SqlTx::new(Conn::Pooled(
            self.pool.acquire().await?,
        ))))
    }

    async fn begin(&self) -> Result<Box<dyn Tx>> {
        let waiting = self.waiting.enter();
        let mut tx = SqlTx::new(Conn::Open(self.pool.begin().await?));
        tx.run("SELECT pg_advisory_xact_lock(?)", (WRITERS,))
            .await?;
        drop(waiting);
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

/// How PostgreSQL's SQL differs from the statements as written.
mod dialect {
    use sqlx::{AssertSqlSafe, SqlSafeStr};

    /// A true flag in a comparison.
    pub(super) const TRUE: &str = "TRUE";

    /// Appends to the update log. A unit outside a transaction takes the writers' lock in the
    /// same statement, so that its id too is given in commit order; every node hears of the
    /// new id at commit (`parta_updates`, see `crate::cluster`).
    pub(super) const INSERT_UPDATE: &str = "WITH turn AS (SELECT pg_advisory_xact_lock(72782)),
              added AS (INSERT INTO updates (chat_id, user_id, update_type, payload, created_at)
                        SELECT ?, ?, ?, ?, ? FROM turn RETURNING id)
         SELECT id FROM added, LATERAL pg_notify('parta_updates', CAST(added.id AS TEXT)) AS told";

    /// The numbers of a JSON list given as parameter `param`, as a subquery.
    pub(super) fn json_ids(param: &str) -> String {
        format!("SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST({param} AS json))")
    }

    /// The statements' `?` and `?N` as PostgreSQL's `$N` (a bare `?` is one past the highest
    /// number so far, as in SQLite); quoted text is left alone.
    pub(super) fn placeholders(sql: impl SqlSafeStr) -> impl SqlSafeStr {
        let sql = sql.into_sql_str();
        AssertSqlSafe(numbered(sql.as_str()))
    }

    pub(super) fn numbered(sql: &str) -> String {
        let mut out = String::with_capacity(sql.len() + 8);
        let mut highest = 0u32;
        let mut quote: Option<char> = None;
        let mut chars = sql.chars().peekable();
        while let Some(c) = chars.next() {
            match (quote, c) {
                (Some(q), c) if c == q => {
                    quote = None;
                    out.push(c);
                }
                (Some(_), c) => out.push(c),
                (None, '\'' | '"') => {
                    quote = Some(c);
                    out.push(c);
                }
                (None, '?') => {
                    let mut digits = String::new();
                    while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                        digits.push(d);
                        chars.next();
                    }
                    let n = match digits.parse::<u32>() {
                        Ok(n) => n,
                        Err(_) => highest + 1,
                    };
                    highest = highest.max(n);
                    out.push('$');
                    out.push_str(&n.to_string());
                }
                (None, c) => out.push(c),
            }
        }
        out
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn placeholders_are_numbered_as_sqlite_numbers_them() {
            assert_eq!(super::numbered("a = ? AND b = ?"), "a = $1 AND b = $2");
            assert_eq!(
                super::numbered("?1 OR ?2 = ?1 LIMIT ?3"),
                "$1 OR $2 = $1 LIMIT $3"
            );
            assert_eq!(super::numbered("x = ?2 AND y = ?"), "x = $2 AND y = $3");
            assert_eq!(super::numbered("t = '?' AND u = ?"), "t = '?' AND u = $1");
        }
    }
}
