//! The cache at rest: SQLCipher (AES-256 per page, the WAL too) under a random 256-bit key
//! that lives only in the OS keychain. A cache written by an older Parta in plain SQLite is
//! copied into an encrypted one at the first start with a key, and the plain files removed.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::secrets::SecretKey;
use crate::store::{Result, StoreError};

/// The first 16 bytes of every plain SQLite file; an encrypted one starts with random salt.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// A cache's key: 32 random bytes kept in the keychain as 64 hex digits.
pub type CacheKey = SecretKey;

/// SQLCipher's raw-key form, `"x'…'"`: used as the key itself, with no key derivation.
fn pragma(key: &CacheKey) -> String {
    format!("\"x'{}'\"", key.as_secret().expose())
}

/// Whether `path` holds a plain (unencrypted) SQLite database.
pub fn is_plain(path: &Path) -> std::io::Result<bool> {
    use std::io::Read;
    let mut header = [0u8; 16];
    let mut file = std::fs::File::open(path)?;
    match file.read_exact(&mut header) {
        Ok(()) => Ok(&header == PLAIN_HEADER),
        // Shorter than a header: an empty file SQLite has not written yet.
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(e),
    }
}

/// Options that open `path` with `key` (sqlx sends `key` before any other pragma).
pub fn keyed(options: SqliteConnectOptions, key: &CacheKey) -> SqliteConnectOptions {
    options.pragma("key", pragma(key))
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

fn io(what: &str, path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Backend(format!("{what} {}: {e}", path.display()).into())
}

/// Copies the plain database at `path` into an encrypted one under `key` (`sqlcipher_export`:
/// schema, rows, the search index and the migrations' record alike), puts it in its place and
/// removes the plain file with its WAL. Nothing is lost if it stops half-way: the plain file
/// stays until the encrypted copy is complete and synced, and a left-over copy is replaced.
pub async fn encrypt_plain(path: &Path, key: &CacheKey) -> Result<()> {
    let staged = sibling(path, ".encrypting");
    for leftover in [
        staged.clone(),
        sibling(&staged, "-wal"),
        sibling(&staged, "-shm"),
    ] {
        crate::gone(std::fs::remove_file(&leftover))
            .map_err(|e| io("cannot remove", &leftover, e))?;
    }
    let mut plain = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        // ATTACH creates the encrypted file with the main connection's flags.
        .create_if_missing(true)
        .connect()
        .await?;
    // The WAL's pages into the main file first, so that the copy reads one consistent state.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut plain)
        .await?;
    let staged_name = staged.to_string_lossy().into_owned();
    let attach = format!("ATTACH DATABASE ? AS encrypted KEY {}", pragma(key));
    sqlx::query(sqlx::AssertSqlSafe(attach))
        .bind(&staged_name)
        .execute(&mut plain)
        .await?;
    sqlx::query("SELECT sqlcipher_export('encrypted')")
        .execute(&mut plain)
        .await?;
    // The copy keeps the schema version sqlx's migrations do not track themselves.
    let version: i64 = sqlx::query_scalar("PRAGMA main.user_version")
        .fetch_one(&mut plain)
        .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "PRAGMA encrypted.user_version = {version}"
    )))
    .execute(&mut plain)
    .await?;
    sqlx::query("DETACH DATABASE encrypted")
        .execute(&mut plain)
        .await?;
    plain.close().await?;
    // Opened for writing: Windows flushes a file only through a handle that may write
    // (FlushFileBuffers on a read-only one is "access denied"; found under Wine).
    std::fs::OpenOptions::new()
        .write(true)
        .open(&staged)
        .and_then(|f| f.sync_all())
        .map_err(|e| io("cannot sync", &staged, e))?;
    std::fs::rename(&staged, path).map_err(|e| io("cannot replace", path, e))?;
    for plain_left in [sibling(path, "-wal"), sibling(path, "-shm")] {
        crate::gone(std::fs::remove_file(&plain_left))
            .map_err(|e| io("cannot remove", &plain_left, e))?;
    }
    Ok(())
}

/// Merges the search index (an FTS5 delete only marks its words deleted until segments
/// merge), rewrites the database without free pages (`VACUUM`) and empties the WAL, so that
/// rows deleted for a wiped profile are left nowhere: not in the index, free pages or log.
pub async fn compact(pool: &sqlx::SqlitePool) -> Result<()> {
    let mut conn = pool.acquire().await?;
    sqlx::query("INSERT INTO messages_fts(messages_fts) VALUES ('optimize')")
        .execute(&mut *conn)
        .await?;
    sqlx::query("VACUUM").execute(&mut *conn).await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut *conn)
        .await?;
    Ok(())
}
