//! The audit log: every administrative action, who did it and when (procedure 4.2).
//!
//! Entries are written in the transaction of the action itself, so an action is never without
//! its entry. They must never hold a secret (a token, an invite code, a password).

pub use parta_model::school::{AuditEntry, AuditFilter, AuditPage};

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
    filter: &AuditFilter,
) -> Result<AuditPage> {
    roles::require(caller.role, Action::ReadAuditLog)?;
    let count = count.unwrap_or(50).clamp(1, MAX_PAGE);
    let records = school
        .read()
        .await?
        .audit(before.unwrap_or(i64::MAX), filter, count + 1)
        .await?;
    let mut entries = Vec::with_capacity(records.len());
    for r in records {
        entries.push(AuditEntry {
            id: r.id,
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            action: r.action,
            target: r.target,
            object: r.object,
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

/// The most entries one CSV export carries (a school's years of records fit many times).
pub const MAX_CSV_ROWS: usize = 200_000;

/// The journal as CSV for the school's records (UTF-8 with a byte-order mark, so spreadsheet
/// programs read the Cyrillic right): time in UTC, who, action, what in words, the target,
/// and the details as JSON; newest first, narrowed by `filter`.
pub async fn csv(school: &School, caller: Caller, filter: &AuditFilter) -> Result<String> {
    roles::require(caller.role, Action::ReadAuditLog)?;
    let mut out = csv::WriterBuilder::new().from_writer(Vec::new());
    let csv_error = |e: csv::Error| crate::error::Error::Internal(format!("csv: {e}"));
    out.write_record(["time_utc", "who", "action", "object", "target", "details"])
        .map_err(csv_error)?;
    let mut before = i64::MAX;
    let mut written = 0;
    while written < MAX_CSV_ROWS {
        let records = school.read().await?.audit(before, filter, 1000).await?;
        let Some(last) = records.last() else {
            break;
        };
        before = last.id;
        for r in &records {
            let time = parta_model::civil::Utc::from_ms(r.created_at).rfc3339();
            let who = r.actor_name.as_deref().unwrap_or("server");
            let object = r.object.as_deref().unwrap_or("");
            out.write_record([time.as_str(), who, &r.action, object, &r.target, &r.details])
                .map_err(csv_error)?;
            written += 1;
        }
    }
    let bytes = out
        .into_inner()
        .map_err(|e| crate::error::Error::Internal(format!("csv: {e}")))?;
    let text =
        String::from_utf8(bytes).map_err(|e| crate::error::Error::Internal(format!("csv: {e}")))?;
    Ok(format!("\u{feff}{text}"))
}
