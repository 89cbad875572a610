//! A person's lessons as iCalendar: a one-off export, and a private feed address a phone's
//! calendar subscribes to (only the token's hash is kept; revoking it ends the feed).

use super::{list, list_for};
use crate::context::{Caller, School};
use crate::error::{Error, Result};

/// What the private calendar feed holds: from a month back to half a year ahead.
const FEED_BACK_MS: i64 = 31 * 86_400_000;
const FEED_AHEAD_MS: i64 = 183 * 86_400_000;

/// The caller's lessons in `[from, to)` as an iCalendar file.
pub async fn export(
    school: &School,
    caller: Caller,
    from: i64,
    to: i64,
    host: &str,
) -> Result<String> {
    let lessons = list(school, caller, from, to).await?;
    Ok(crate::calendar::ics(&lessons, host, school.now_ms()))
}

/// A new private feed address for the caller (`/calendar/<token>.ics`); any earlier one stops
/// working. Only the token's hash is kept: the address is shown once.
pub async fn new_feed(school: &School, caller: Caller) -> Result<String> {
    let token = crate::auth::random_secret("cal_", 24)?;
    school
        .read()
        .await?
        .set_feed(caller.user_id, &crate::auth::hash(&token), school.now_ms())
        .await?;
    Ok(format!("/calendar/{token}.ics"))
}

/// Revokes the caller's feed.
pub async fn revoke_feed(school: &School, caller: Caller) -> Result<()> {
    if school.read().await?.clear_feed(caller.user_id).await? {
        Ok(())
    } else {
        Err(Error::not_found("You have no calendar feed"))
    }
}

/// The feed a token opens: its owner's lessons as iCalendar, while the owner may use the school.
pub async fn feed(school: &School, token: &str, host: &str) -> Result<String> {
    let gone = || Error::not_found("This calendar address does not exist or was revoked");
    let now = school.now_ms();
    let mut tx = school.read().await?;
    let owner = tx
        .feed_owner(&crate::auth::hash(token))
        .await?
        .ok_or_else(gone)?;
    let person = tx
        .person(owner)
        .await?
        .filter(|p| !p.removed)
        .ok_or_else(gone)?;
    if let Some(r) = tx.restriction(owner, now).await?
        && r.mode == parta_model::school::RestrictionMode::Blocked
    {
        return Err(Error::denied(
            "This person's access to the school is blocked",
        ));
    }
    let lessons = list_for(
        &mut *tx,
        owner,
        person.role,
        now - FEED_BACK_MS,
        now + FEED_AHEAD_MS,
    )
    .await?;
    Ok(crate::calendar::ics(&lessons, host, now))
}
