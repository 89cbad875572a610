//! Restricting a person after a violation (procedure 9.2): read-only or blocked, with a reason
//! and an end date, audited. Enforced on every request (blocked: in `auth::authenticate`) and
//! every write (read-only).

use serde::{Deserialize, Serialize};
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::audit;
use crate::auth::Caller;
use crate::clock::Clock;
use crate::error::{Error, ErrorCode, Result};
use crate::roles::{self, Action};

/// Longest restriction: a school year.
pub const MAX_DAYS: i64 = 366;
const DAY_MS: i64 = 86_400_000;

/// What a restriction takes away.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// May read, may not write.
    ReadOnly,
    /// May not use the server at all.
    Blocked,
}

impl Mode {
    fn as_str(self) -> &'static str {
        match self {
            Mode::ReadOnly => "read_only",
            Mode::Blocked => "blocked",
        }
    }

    fn parse(s: &str) -> Mode {
        if s == "blocked" {
            Mode::Blocked
        } else {
            Mode::ReadOnly
        }
    }
}

/// A restriction in force.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Restriction {
    pub user_id: i64,
    pub mode: Mode,
    pub reason: String,
    /// Unix milliseconds at which it ends by itself.
    pub until: i64,
    pub created_by: i64,
    pub created_at: i64,
}

/// `POST /school/users/{id}/restriction`.
#[derive(Debug, Clone, Deserialize)]
pub struct NewRestriction {
    pub mode: Mode,
    pub reason: String,
    /// How many days it lasts (1 to [`MAX_DAYS`]).
    pub days: i64,
}

/// The restriction of `user_id` in force at `now`, if any.
pub async fn current(
    conn: &mut SqliteConnection,
    user_id: i64,
    now: i64,
) -> Result<Option<Restriction>> {
    let row = sqlx::query(
        "SELECT user_id, mode, reason, until, created_by, created_at FROM restrictions
         WHERE user_id = ? AND until > ?",
    )
    .bind(user_id)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok(Restriction {
            user_id: row.try_get("user_id")?,
            mode: Mode::parse(&row.try_get::<String, _>("mode")?),
            reason: row.try_get("reason")?,
            until: row.try_get("until")?,
            created_by: row.try_get("created_by")?,
            created_at: row.try_get("created_at")?,
        })
    })
    .transpose()
}

/// The refusal a restricted person gets, with the end and the reason.
pub(crate) fn refusal(restriction: &Restriction, doing: &str) -> Error {
    Error::api(
        ErrorCode::AccessDenied,
        format!(
            "Your access is restricted{doing} until {} (UTC): {}",
            format_utc(restriction.until),
            restriction.reason
        ),
    )
}

/// Fails for a blocked or read-only person: checked on every write.
pub async fn enforce_write(
    conn: &mut SqliteConnection,
    clock: &dyn Clock,
    user_id: i64,
) -> Result<()> {
    match current(conn, user_id, clock.now_ms()).await? {
        Some(r) => Err(refusal(&r, " to reading")),
        None => Ok(()),
    }
}

/// Restricts a person (replacing an earlier restriction).
pub async fn restrict(
    pool: &SqlitePool,
    clock: &dyn Clock,
    caller: Caller,
    user_id: i64,
    new: NewRestriction,
) -> Result<Restriction> {
    roles::require(caller.role, Action::RestrictUsers)?;
    let reason = new.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(Error::bad_request(
            "Give the reason for the restriction (up to 500 characters)",
        ));
    }
    if !(1..=MAX_DAYS).contains(&new.days) {
        return Err(Error::bad_request(format!(
            "A restriction lasts 1 to {MAX_DAYS} days"
        )));
    }
    if user_id == caller.user_id {
        return Err(Error::bad_request("You cannot restrict yourself"));
    }
    let now = clock.now_ms();
    let mut tx = pool.begin().await?;
    let exists = sqlx::query("SELECT 1 FROM users WHERE id = ?")
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Err(Error::not_found(format!("User {user_id} not found")));
    }
    let until = now + new.days * DAY_MS;
    sqlx::query(
        "INSERT INTO restrictions (user_id, mode, reason, until, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET mode = excluded.mode, reason = excluded.reason,
             until = excluded.until, created_by = excluded.created_by,
             created_at = excluded.created_at",
    )
    .bind(user_id)
    .bind(new.mode.as_str())
    .bind(reason)
    .bind(until)
    .bind(caller.user_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        clock,
        Some(caller.user_id),
        "user.restricted",
        &format!("user:{user_id}"),
        serde_json::json!({"mode": new.mode, "reason": reason, "until": until}),
    )
    .await?;
    let restriction = current(&mut tx, user_id, now)
        .await?
        .ok_or_else(|| Error::Internal("restriction vanished".into()))?;
    let update = parta_model::max::Update::PartaRestricted {
        timestamp: now,
        mode: new.mode.as_str().to_owned(),
        reason: reason.to_owned(),
        until,
    };
    crate::updates::append_personal(&mut tx, user_id, &update, now).await?;
    tx.commit().await?;
    Ok(restriction)
}

/// Lifts a person's restriction before its end.
pub async fn lift(
    pool: &SqlitePool,
    clock: &dyn Clock,
    caller: Caller,
    user_id: i64,
) -> Result<()> {
    roles::require(caller.role, Action::RestrictUsers)?;
    let mut tx = pool.begin().await?;
    let removed = sqlx::query("DELETE FROM restrictions WHERE user_id = ?")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if removed.rows_affected() == 0 {
        return Err(Error::not_found(format!(
            "User {user_id} is not restricted"
        )));
    }
    audit::record(
        &mut tx,
        clock,
        Some(caller.user_id),
        "user.restriction_lifted",
        &format!("user:{user_id}"),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `YYYY-MM-DD HH:MM` in UTC for a Unix-milliseconds time (civil-from-days, H. Hinnant).
pub fn format_utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        rem / 3600,
        (rem % 3600) / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_times_are_formatted_as_calendar_dates() {
        assert_eq!(format_utc(0), "1970-01-01 00:00");
        // 2026-11-24 08:42 UTC
        assert_eq!(format_utc(1_795_509_720_000), "2026-11-24 08:42");
        assert_eq!(format_utc(951_782_400_000), "2000-02-29 00:00");
    }
}
