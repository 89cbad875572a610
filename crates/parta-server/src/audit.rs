//! The audit log: every administrative action, who did it and when (procedure 4.2).
//!
//! Entries are written in the transaction of the action itself, so an action is never without
//! its entry. They must never hold a secret (a token, an invite code, a password).

use serde::{Deserialize, Serialize};
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::auth::Caller;
use crate::clock::Clock;
use crate::error::Result;
use crate::roles::{self, Action};

/// Longest page of `GET /school/audit`.
pub const MAX_PAGE: i64 = 200;

/// One entry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    /// Who acted; `None` for the server itself (e.g. the demo seed).
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    /// A dotted verb such as `invite.created`.
    pub action: String,
    /// What it was done to, as `kind:id`.
    pub target: String,
    pub details: serde_json::Value,
    pub created_at: i64,
}

/// A page of entries, newest first; `marker` is the id to pass for the next page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub marker: Option<i64>,
}

/// Appends an entry on `conn` (the action's own transaction).
pub async fn record(
    conn: &mut SqliteConnection,
    clock: &dyn Clock,
    actor_id: Option<i64>,
    action: &str,
    target: &str,
    details: serde_json::Value,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (actor_id, action, target, details, created_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(actor_id)
    .bind(action)
    .bind(target)
    .bind(details.to_string())
    .bind(clock.now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// Reads the log, newest first, for those allowed to.
pub async fn page(
    pool: &SqlitePool,
    caller: Caller,
    before: Option<i64>,
    count: Option<i64>,
) -> Result<AuditPage> {
    roles::require(caller.role, Action::ReadAuditLog)?;
    let count = count.unwrap_or(50).clamp(1, MAX_PAGE);
    let rows = sqlx::query(
        "SELECT a.id, a.actor_id, a.action, a.target, a.details, a.created_at,
                u.first_name || COALESCE(' ' || u.last_name, '') AS actor_name
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
         WHERE a.id < ? ORDER BY a.id DESC LIMIT ?",
    )
    .bind(before.unwrap_or(i64::MAX))
    .bind(count + 1)
    .fetch_all(pool)
    .await?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in &rows {
        let details: String = row.try_get("details")?;
        entries.push(AuditEntry {
            id: row.try_get("id")?,
            actor_id: row.try_get("actor_id")?,
            actor_name: row.try_get("actor_name")?,
            action: row.try_get("action")?,
            target: row.try_get("target")?,
            details: serde_json::from_str(&details)?,
            created_at: row.try_get("created_at")?,
        });
    }
    let marker = if entries.len() > usize::try_from(count).unwrap_or(usize::MAX) {
        entries.pop();
        entries.last().map(|e| e.id)
    } else {
        None
    };
    Ok(AuditPage { entries, marker })
}
