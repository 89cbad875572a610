//! Moving a school from its SQLite file into PostgreSQL (`parta-server migrate`): every row of
//! every table, in one PostgreSQL transaction, then counted and checksummed on both sides.
//! Refuses a database that already holds a school. Uploaded files go into the object store
//! when one is named (`files.rs`), first, so that the school's rows never name a file the
//! store lacks; without one they stay in the `.files/` folder beside the SQLite file.

mod files;

pub use files::FilesMoved;

use sha2::{Digest, Sha256};
use sqlx::{Column, PgPool, Row, SqlitePool};

use crate::store::{Result, StoreError};
use crate::{PostgresStore, SqliteStore};

/// What was copied: per table, its rows and the checksum both sides agree on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub tables: Vec<(String, u64, String)>,
    /// The files copied into the object store, if one was named.
    pub files: Option<FilesMoved>,
}

impl Moved {
    /// All rows copied.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n, _)| n).sum()
    }
}

/// A value of one column, as both databases hold it.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Int(i64),
    Bool(bool),
    Text(String),
    Bytes(Vec<u8>),
}

impl Value {
    /// Feeds the value to a checksum, tagged so that no two values read alike.
    fn hash_into(&self, hash: &mut Sha256) {
        match self {
            Value::Null => hash.update(b"n"),
            Value::Int(v) => {
                hash.update(b"i");
                hash.update(v.to_le_bytes());
            }
            Value::Bool(v) => hash.update(if *v { b"t" } else { b"f" }),
            Value::Text(v) => {
                hash.update(b"s");
                hash.update((v.len() as u64).to_le_bytes());
                hash.update(v.as_bytes());
            }
            Value::Bytes(v) => {
                hash.update(b"b");
                hash.update((v.len() as u64).to_le_bytes());
                hash.update(v);
            }
        }
    }
}

/// A table's checksum whatever order its rows are read in (each database sorts text its own
/// way): the SHA-256 of its rows' SHA-256s, sorted.
#[derive(Default)]
struct Checksum(Vec<[u8; 32]>);

impl Checksum {
    fn add(&mut self, row: Sha256) {
        self.0.push(row.finalize().into());
    }

    fn finish(mut self) -> String {
        self.0.sort_unstable();
        let mut all = Sha256::new();
        for row in &self.0 {
            all.update(row);
        }
        hex::encode(all.finalize())
    }
}

/// A PostgreSQL column: its name and type (`bigint`, `boolean`, `text`, `bytea`).
struct Column_ {
    name: String,
    kind: String,
}

/// Copies the school in the SQLite file at `from` into the PostgreSQL database at `to`, and
/// its files into the object store `s3` if given.
pub async fn sqlite_to_postgres(
    from: &std::path::Path,
    to: &str,
    s3: Option<&crate::filestore::S3Config>,
) -> Result<Moved> {
    if !from.exists() {
        return Err(StoreError::Corrupt(format!(
            "there is no SQLite school at {}",
            from.display()
        )));
    }
    let store = s3
        .map(crate::filestore::S3FileStore::new)
        .transpose()
        .map_err(|e| StoreError::Corrupt(format!("object store: {e}")))?;
    let sqlite = SqliteStore::open(from).await?;
    let postgres = PostgresStore::open(to).await?;
    let result = async {
        let files = match &store {
            Some(store) => {
                Some(files::copy_files(sqlite.pool(), &from.with_extension("files"), store).await?)
            }
            None => None,
        };
        let staged = files.as_ref().map_or(&[][..], |f| &f.staged[..]);
        match copy(sqlite.pool(), postgres.pool(), staged).await {
            Ok(tables) => Ok(Moved { tables, files }),
            Err(e) => {
                if let (Some(store), Some(files)) = (&store, &files) {
                    files::remove_copied(store, &files.copied).await;
                }
                Err(e)
            }
        }
    }
    .await;
    sqlite.pool().close().await;
    postgres.pool().close().await;
    result
}

/// Copies the rows, and records `staged` (an upload's id and the object store's record of its
/// bytes) in the uploads still arriving.
async fn copy(
    sqlite: &SqlitePool,
    pg: &PgPool,
    staged: &[(String, Option<String>)],
) -> Result<Vec<(String, u64, String)>> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> '_sqlx_migrations'
         ORDER BY c.oid",
    )
    .fetch_all(pg)
    .await?;
    let mut tx = pg.begin().await?;
    for table in &tables {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {table})");
        let taken: bool = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut *tx)
            .await?;
        if taken {
            return Err(StoreError::Corrupt(format!(
                "the PostgreSQL database already holds a school (table {table} has rows): \
                 nothing was copied; migrate into an empty database"
            )));
        }
    }
    let mut moved = Moved {
        tables: Vec::new(),
        files: None,
    };
    for table in &tables {
        let columns = columns(&mut tx, table).await?;
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        let select = format!("SELECT {} FROM {table}", names.join(", "));
        let rows = sqlx::query(sqlx::AssertSqlSafe(select.clone()))
            .fetch_all(sqlite)
            .await?;
        let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
        let insert = format!(
            "INSERT INTO {table} ({}) OVERRIDING SYSTEM VALUE VALUES ({})",
            names.join(", "),
            placeholders.join(", ")
        );
        let mut from_rows = Checksum::default();
        for row in &rows {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(insert.clone()));
            let mut row_hash = Sha256::new();
            for (i, column) in columns.iter().enumerate() {
                let value = from_sqlite(row, i, &column.kind)?;
                value.hash_into(&mut row_hash);
                query = match value {
                    Value::Null => match column.kind.as_str() {
                        "bigint" => query.bind(None::<i64>),
                        "boolean" => query.bind(None::<bool>),
                        "bytea" => query.bind(None::<Vec<u8>>),
                        _ => query.bind(None::<String>),
                    },
                    Value::Int(v) => query.bind(v),
                    Value::Bool(v) => query.bind(v),
                    Value::Text(v) => query.bind(v),
                    Value::Bytes(v) => query.bind(v),
                };
            }
            query.execute(&mut *tx).await?;
            from_rows.add(row_hash);
        }
        // Read back what PostgreSQL now holds and compare.
        let copied = sqlx::query(sqlx::AssertSqlSafe(select))
            .fetch_all(&mut *tx)
            .await?;
        let mut to_rows = Checksum::default();
        for row in &copied {
            let mut row_hash = Sha256::new();
            for (i, column) in columns.iter().enumerate() {
                from_postgres(row, i, &column.kind)?.hash_into(&mut row_hash);
            }
            to_rows.add(row_hash);
        }
        let (from_sum, to_sum) = (from_rows.finish(), to_rows.finish());
        if copied.len() != rows.len() || from_sum != to_sum {
            return Err(StoreError::Corrupt(format!(
                "table {table}: {} rows read, {} in PostgreSQL, checksums {from_sum} and {to_sum}: \
                 nothing was copied",
                rows.len(),
                copied.len()
            )));
        }
        moved
            .tables
            .push((table.clone(), rows.len() as u64, from_sum));
    }
    // New rows get ids after the copied ones.
    let identities: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND is_identity = 'YES'",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (table, column) in identities {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', '{column}'),
                           COALESCE(MAX({column}), 0) + 1, false) FROM {table}"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *tx)
            .await?;
    }
    for (id, state) in staged {
        sqlx::query("UPDATE uploads SET staged = $1 WHERE id = $2")
            .bind(state)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(moved.tables)
}

async fn columns(tx: &mut sqlx::PgConnection, table: &str) -> Result<Vec<Column_>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, kind)| Column_ { name, kind })
        .collect())
}

fn from_sqlite(row: &sqlx::sqlite::SqliteRow, i: usize, kind: &str) -> Result<Value> {
    let name = row.column(i).name().to_owned();
    let value = match kind {
        "bigint" => row.try_get::<Option<i64>, _>(i)?.map(Value::Int),
        "boolean" => row
            .try_get::<Option<i64>, _>(i)?
            .map(|v| Value::Bool(v != 0)),
        "bytea" => row.try_get::<Option<Vec<u8>>, _>(i)?.map(Value::Bytes),
        "text" => row.try_get::<Option<String>, _>(i)?.map(Value::Text),
        other => {
            return Err(StoreError::Corrupt(format!(
                "column {name}: no copy for PostgreSQL type {other}"
            )));
        }
    };
    Ok(value.unwrap_or(Value::Null))
}

fn from_postgres(row: &sqlx::postgres::PgRow, i: usize, kind: &str) -> Result<Value> {
    let value = match kind {
        "bigint" => row.try_get::<Option<i64>, _>(i)?.map(Value::Int),
        "boolean" => row.try_get::<Option<bool>, _>(i)?.map(Value::Bool),
        "bytea" => row.try_get::<Option<Vec<u8>>, _>(i)?.map(Value::Bytes),
        _ => row.try_get::<Option<String>, _>(i)?.map(Value::Text),
    };
    Ok(value.unwrap_or(Value::Null))
}
