//! The audit log: every administrative action, who did it and when (procedure 4.2).
//!
//! Entries are written in the transaction of the action itself, so an action is never without
//! its entry. They must never hold a secret (a token, an invite code, a password).

pub use parta_model::school::{AuditEntry, AuditPage};

use crate::clock::Clock;
use crate::context::{Caller, School};
use crate::error::Result;
use crate::roles::{self, Action};
use crate::store::prelude::*;

/// Longest page of `GET /school/audit`.
pub const MAX_PAGE: i64 = 200;

/// Appends an entry in `tx` (the action's own transaction).
pub async fn record(
    tx: &mut dyn Tx,
    clock: &dyn Clock,
    actor_id: Option<i64>,
    action: &str,
    target: &str,
    details: serde_json::Value,
) -> Result<()> {
    Ok(tx
        .insert_audit(
            actor_id,
            action,
            target,
            &details.to_string(),
            clock.now_ms(),
        )
        .await?)
}

/// Reads the log, newest first, for those allowed to.
pub async fn page(
    school: &School,
    caller: Caller,
    before: Option<i64>,
    count: Option<i64>,
) -> Result<AuditPage> {
    roles::require(caller.role, Action::ReadAuditLog)?;
    let count = count.unwrap_or(50).clamp(1, MAX_PAGE);
    let records = school
        .read()
        .await?
        .audit(before.unwrap_or(i64::MAX), count + 1)
        .await?;
    let mut entries = Vec::with_capacity(records.len());
    for r in records {
        entries.push(AuditEntry {
            id: r.id,
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            action: r.action,
            target: r.target,
            details: serde_json::from_str(&r.details)?,
            created_at: r.created_at,
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
