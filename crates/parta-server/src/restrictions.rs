//! Restricting a person after a violation (procedure 9.2): read-only or blocked, with a reason
//! and an end date, audited. Enforced on every request (blocked: in `auth::authenticate`) and
//! every write (read-only).

pub use parta_model::school::{NewRestriction, Restriction, RestrictionMode as Mode};

use crate::audit;
use crate::clock::Clock;
use crate::context::{Caller, School};
use crate::error::{Error, ErrorCode, Result};
use crate::roles::{self, Action};
use crate::store::prelude::*;

/// Longest restriction: a school year.
pub const MAX_DAYS: i64 = 366;
const DAY_MS: i64 = 86_400_000;

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
pub async fn enforce_write(tx: &mut dyn Tx, clock: &dyn Clock, user_id: i64) -> Result<()> {
    match tx.restriction(user_id, clock.now_ms()).await? {
        Some(r) => Err(refusal(&r, " to reading")),
        None => Ok(()),
    }
}

/// Restricts a person (replacing an earlier restriction).
pub async fn restrict(
    school: &School,
    caller: Caller,
    user_id: i64,
    new: NewRestriction,
) -> Result<Restriction> {
    let now = school.now_ms();
    let mut tx = school.begin().await?;
    let restriction = restrict_on(&mut *tx, school.clock(), now, caller, user_id, new).await?;
    school.commit(tx).await?;
    Ok(restriction)
}

/// [`restrict`] in `tx`, so another action can restrict in its own transaction.
pub async fn restrict_on(
    tx: &mut dyn Tx,
    clock: &dyn Clock,
    now: i64,
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
    if tx.person(user_id).await?.is_none() {
        return Err(Error::not_found(format!("User {user_id} not found")));
    }
    let until = now + new.days * DAY_MS;
    let restriction = Restriction {
        user_id,
        mode: new.mode,
        reason: reason.to_owned(),
        until,
        created_by: caller.user_id,
        created_at: now,
    };
    tx.put_restriction(&restriction).await?;
    audit::record(
        tx,
        clock,
        Some(caller.user_id),
        "user.restricted",
        &format!("user:{user_id}"),
        serde_json::json!({"mode": new.mode, "reason": reason, "until": until}),
    )
    .await?;
    let update = parta_model::max::Update::PartaRestricted {
        timestamp: now,
        mode: new.mode.as_str().to_owned(),
        reason: reason.to_owned(),
        until,
    };
    crate::updates::append_personal(tx, user_id, &update, now).await?;
    Ok(restriction)
}

/// Lifts a person's restriction before its end.
pub async fn lift(school: &School, caller: Caller, user_id: i64) -> Result<()> {
    roles::require(caller.role, Action::RestrictUsers)?;
    let mut tx = school.begin().await?;
    if !tx.delete_restriction(user_id).await? {
        return Err(Error::not_found(format!(
            "User {user_id} is not restricted"
        )));
    }
    audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "user.restriction_lifted",
        &format!("user:{user_id}"),
        serde_json::json!({}),
    )
    .await?;
    school.commit(tx).await?;
    Ok(())
}

/// `YYYY-MM-DD HH:MM` in UTC for a Unix-milliseconds time.
pub fn format_utc(ms: i64) -> String {
    let t = crate::calendar::Utc::from_ms(ms);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year, t.month, t.day, t.hour, t.minute
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
