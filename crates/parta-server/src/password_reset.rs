//! A forgotten password (procedure 8.2): the administration issues a one-time code for the
//! person and hands it over in person, as an invitation; with it the person sets a new
//! password on their device and is signed in there. Every other device of theirs is signed out,
//! since whoever knew the old password may be using one. A code is good for 72 hours and once;
//! a newer code for the same person replaces it; only its hash is kept.

use parta_model::school::{LoginResult, PasswordResetIssued, PasswordResetRedeem};

use crate::audit;
use crate::auth::{
    check_device_name, check_new_password, hash, hash_password, issue_device_token_on,
};
use crate::context::{Caller, School};
use crate::error::{Error, ErrorCode, Result};
use crate::roles::{self, Action};

/// How long a code stays good.
pub const CODE_LIFETIME_MS: i64 = 72 * 60 * 60 * 1000;

/// Letters and digits that cannot be mistaken for each other when read off a slip of paper.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A new code: three groups of four characters from [`ALPHABET`] (about 59 bits).
fn new_code() -> Result<String> {
    let mut random = [0u8; 12];
    getrandom::fill(&mut random).map_err(|_| Error::Random)?;
    let mut code = String::with_capacity(14);
    for (i, byte) in random.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        // 256 is not a multiple of 31: the first 8 characters come up 1/256 more often than
        // the rest, which costs less than a tenth of a bit.
        code.push(char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()]));
    }
    Ok(code)
}

/// The code as typed, in the form it was issued: upper case, without spaces or dashes.
fn canonical(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Issues a code for `user_id` (platform administrator and administration).
pub async fn issue(school: &School, caller: Caller, user_id: i64) -> Result<PasswordResetIssued> {
    roles::require(caller.role, Action::ResetPasswords)?;
    let now = school.now_ms();
    let code = new_code()?;
    let mut tx = school.begin().await?;
    let Some(person) = tx.names(user_id).await? else {
        return Err(Error::not_found(format!("No person {user_id}")));
    };
    let expires_at = now + CODE_LIFETIME_MS;
    tx.insert_password_reset(
        user_id,
        &hash(&canonical(&code)),
        caller.user_id,
        now,
        expires_at,
    )
    .await?;
    audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "user.password_reset_issued",
        &format!("user:{user_id}"),
        serde_json::json!({}),
    )
    .await?;
    school.commit(tx).await?;
    Ok(PasswordResetIssued {
        user_id,
        name: crate::users::person_name(&person.first_name, person.last_name.as_deref()),
        code,
        expires_at,
    })
}

/// Sets the new password with a code, signs every other device out, and signs this one in.
pub async fn redeem(school: &School, request: PasswordResetRedeem) -> Result<LoginResult> {
    let device_name = check_device_name(&request.device_name)?;
    check_new_password(&request.new_password)?;
    let refused = || {
        Error::api(
            ErrorCode::InviteInvalid,
            "This code is not valid: it is mistyped, used or expired. Ask the school for a new one",
        )
    };
    let code = canonical(&request.code);
    if code.len() != 12 {
        return Err(refused());
    }
    let now = school.now_ms();
    let new_password = request.new_password;
    let hashed = tokio::task::spawn_blocking(move || hash_password(&new_password))
        .await
        .map_err(|e| Error::Internal(format!("password hash: {e}")))??;
    let mut tx = school.begin().await?;
    let Some((reset_id, user_id)) = tx.usable_password_reset(&hash(&code), now).await? else {
        return Err(refused());
    };
    tx.use_password_reset(reset_id, now).await?;
    tx.set_password_hash(user_id, &hashed).await?;
    let signed_out = tx.revoke_devices(user_id, now).await?;
    let token = issue_device_token_on(&mut *tx, school.clock(), user_id, device_name).await?;
    audit::record(
        &mut *tx,
        school.clock(),
        Some(user_id),
        "user.password_reset",
        &format!("user:{user_id}"),
        serde_json::json!({"device": device_name, "other_devices_signed_out": signed_out}),
    )
    .await?;
    school.commit(tx).await?;
    Ok(LoginResult {
        user_id,
        access_token: token.into_inner(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_off_paper_and_is_typed_back_in_any_case_and_spacing() {
        let code = new_code().unwrap_or_default();
        assert_eq!(code.len(), 14, "{code}");
        assert_eq!(code.matches('-').count(), 2);
        assert!(
            code.chars()
                .all(|c| c == '-' || ALPHABET.contains(&(c as u8)))
        );
        let typed = format!(" {} ", code.to_lowercase().replace('-', " "));
        assert_eq!(canonical(&typed), canonical(&code));
        assert_eq!(canonical(&code).len(), 12);
    }
}
