//! Personal device tokens: issued once, stored only as hashes, checked on every request.

use sha2::{Digest, Sha256};
use sqlx::{Row, SqlitePool};

use crate::clock::Clock;
use crate::error::{Error, ErrorCode, Result};

/// The caller of a request, once its token checked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub user_id: i64,
    pub device_id: i64,
}

/// A freshly issued token. It exists in clear only in this value, which the caller hands to the
/// new device; Debug never prints it.
pub struct IssuedToken(String);

impl IssuedToken {
    /// The token, to give to the device that asked for it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Consumes the value, returning the token.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IssuedToken(<redacted>)")
    }
}

fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Creates a device for `user_id` and returns its token (256 random bits, hex).
pub async fn issue_device_token(
    pool: &SqlitePool,
    clock: &dyn Clock,
    user_id: i64,
    device_name: &str,
) -> Result<IssuedToken> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| Error::Random)?;
    let token = format!("parta_{}", hex::encode(bytes));
    // A new device starts at the end of the update log: it loads history through
    // GET /messages, and only what happens from now on through GET /updates.
    let next_update: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) + 1 FROM updates")
        .fetch_one(pool)
        .await?
        .try_get(0)?;
    sqlx::query(
        "INSERT INTO devices (user_id, token_hash, name, created_at, update_marker)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(user_id)
    .bind(hash(&token))
    .bind(device_name)
    .bind(clock.now_ms())
    .bind(next_update)
    .execute(pool)
    .await?;
    Ok(IssuedToken(token))
}

/// Resolves the `Authorization` header value (the raw token, as MAX expects) to a caller.
pub async fn authenticate(pool: &SqlitePool, header: Option<&str>) -> Result<Caller> {
    let unauthorized = || Error::api(ErrorCode::VerifyToken, "Invalid access_token");
    let token = header
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(unauthorized)?;
    // Accept "Bearer <token>" too: some HTTP tools add it by habit.
    let token = token.strip_prefix("Bearer ").unwrap_or(token);
    let row =
        sqlx::query("SELECT id, user_id FROM devices WHERE token_hash = ? AND revoked_at IS NULL")
            .bind(hash(token))
            .fetch_optional(pool)
            .await?
            .ok_or_else(unauthorized)?;
    Ok(Caller {
        device_id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
    })
}
