//! Accounts and devices (procedure 8.2: nobody shares credentials). Every device has its own
//! token, issued once and stored only as a hash; a password (argon2id) lets a person sign in on
//! a new device; devices can be listed and signed out one by one.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
pub use parta_model::school::{Device, FailedSignIn, LoginRequest, LoginResult, PasswordChange};
use sha2::{Digest, Sha256};

use crate::audit;
use crate::clock::Clock;
use crate::context::{Caller, School};
use crate::error::{Error, ErrorCode, Result};
use crate::roles::{self, Action};
use crate::store::prelude::*;

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted (argon2 takes any length; this bounds the work per request).
pub const MAX_PASSWORD_CHARS: usize = 256;
/// Longest device name.
pub const MAX_DEVICE_NAME_CHARS: usize = 100;

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

/// SHA-256 of a random secret (device token, invite code): they carry 128 bits or more of
/// randomness, so a slow hash would add nothing.
pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A random secret: `prefix` then `bytes` random bytes in hex.
pub fn random_secret(prefix: &str, bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|_| Error::Random)?;
    Ok(format!("{prefix}{}", hex::encode(buf)))
}

/// Checks a new password's length; the message says what to do.
pub fn check_new_password(password: &str) -> Result<()> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(Error::bad_request(format!(
            "The password is too short: use at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(Error::bad_request(format!(
            "The password is too long: use at most {MAX_PASSWORD_CHARS} characters"
        )));
    }
    Ok(())
}

/// argon2id of a password, in PHC string form (the salt and parameters travel inside).
pub fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|_| Error::Random)?;
    let salt = SaltString::encode_b64(&salt).map_err(|_| Error::Random)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| Error::Internal(format!("argon2: {e}")))
}

/// Whether `password` matches a stored PHC string. A malformed stored hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Checks a device name: what a person sees in their device list.
pub fn check_device_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_DEVICE_NAME_CHARS {
        return Err(Error::bad_request(format!(
            "The device name must be 1 to {MAX_DEVICE_NAME_CHARS} characters"
        )));
    }
    Ok(name)
}

/// Creates a device for `user_id` and returns its token (256 random bits, hex).
pub async fn issue_device_token(
    school: &School,
    user_id: i64,
    device_name: &str,
) -> Result<IssuedToken> {
    issue_device_token_on(
        &mut *school.read().await?,
        school.clock(),
        user_id,
        device_name,
    )
    .await
}

/// [`issue_device_token`] inside a caller's transaction.
pub async fn issue_device_token_on(
    tx: &mut dyn Tx,
    clock: &dyn Clock,
    user_id: i64,
    device_name: &str,
) -> Result<IssuedToken> {
    let token = random_secret("parta_", 32)?;
    // A new device starts at the end of the update log: it loads history through
    // GET /messages, and only what happens from now on through GET /updates.
    let next_update = tx.newest_update().await? + 1;
    tx.insert_device(
        user_id,
        &hash(&token),
        device_name,
        clock.now_ms(),
        next_update,
    )
    .await?;
    Ok(IssuedToken(token))
}

/// Resolves the `Authorization` header value (the raw token, as MAX expects) to a caller, now.
/// A person blocked now (procedure 9.2) is refused here.
pub async fn authenticate(school: &School, header: Option<&str>) -> Result<Caller> {
    let unauthorized = || Error::api(ErrorCode::VerifyToken, "Invalid access_token");
    let token = header
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(unauthorized)?;
    // Accept "Bearer <token>" too: some HTTP tools add it by habit.
    let token = token.strip_prefix("Bearer ").unwrap_or(token);
    let owner = school
        .read()
        .await?
        .token_owner(&hash(token), school.now_ms())
        .await?
        .ok_or_else(unauthorized)?;
    if let Some(block) = &owner.blocked {
        return Err(crate::restrictions::refusal(block, ""));
    }
    Ok(Caller {
        device_id: owner.device_id,
        user_id: owner.user_id,
        role: owner.role,
    })
}

/// Recently checked tokens, so that a long poll coming back every few hundred milliseconds
/// does not look its token up each time. An entry lives one second at most, and every change
/// that can take access away (signing out, revoking devices, removing a person, changing a
/// role, restricting) empties the cache at once through [`AuthCache::invalidate`].
#[derive(Debug, Clone, Default)]
pub struct AuthCache {
    entries: std::sync::Arc<std::sync::Mutex<CheckedTokens>>,
    /// Device id -> when it last made a request, not yet saved (see [`AuthCache::save_last_use`]).
    last_use: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<i64, i64>>>,
    /// Where to say that access was taken away, for the other nodes on the same database
    /// (`cluster`); none for a server alone.
    peers: Option<tokio::sync::mpsc::UnboundedSender<()>>,
}

/// Token hash -> who it is, and when that was looked up.
type CheckedTokens = std::collections::HashMap<Vec<u8>, (Caller, std::time::Instant)>;

/// How long a checked token is trusted without looking again.
const AUTH_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(1);

impl AuthCache {
    fn entries(&self) -> std::sync::MutexGuard<'_, CheckedTokens> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Forgets every checked token, here and on every other node: call after anything that
    /// may take access away.
    pub fn invalidate(&self) {
        self.forget_checked();
        if let Some(peers) = &self.peers {
            let _ = peers.send(());
        }
    }

    /// Forgets every token checked on this node (another node took access away).
    pub fn forget_checked(&self) {
        self.entries().clear();
    }

    /// Sends word of every [`AuthCache::invalidate`] to `peers` from now on; call before the
    /// cache is cloned.
    pub fn tell_peers(&mut self, peers: tokio::sync::mpsc::UnboundedSender<()>) {
        self.peers = Some(peers);
    }

    /// Saves when each device that made requests since the last call last did, in one
    /// transaction (the server calls it every minute and at shutdown, and before listing
    /// devices): a timestamp is never written on every request.
    pub async fn save_last_use(&self, school: &School) -> Result<()> {
        let seen = std::mem::take(
            &mut *self
                .last_use
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        if seen.is_empty() {
            return Ok(());
        }
        let mut tx = school.begin().await?;
        for (device_id, at) in &seen {
            tx.note_device_use(*device_id, *at).await?;
        }
        school.commit(tx).await?;
        Ok(())
    }

    /// [`authenticate`], answered from the cache while an entry is fresh.
    pub async fn authenticate(&self, school: &School, header: Option<&str>) -> Result<Caller> {
        let caller = self.check(school, header).await?;
        self.last_use
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(caller.device_id, school.now_ms());
        Ok(caller)
    }

    async fn check(&self, school: &School, header: Option<&str>) -> Result<Caller> {
        let key = header
            .map(str::trim)
            .map(|t| t.strip_prefix("Bearer ").unwrap_or(t))
            .filter(|t| !t.is_empty())
            .map(hash);
        if let Some(key) = &key
            && let Some((caller, at)) = self.entries().get(key)
            && at.elapsed() < AUTH_CACHE_TTL
        {
            return Ok(*caller);
        }
        let caller = authenticate(school, header).await?;
        if let Some(key) = key {
            let mut entries = self.entries();
            if entries.len() > 50_000 {
                entries.retain(|_, (_, at)| at.elapsed() < AUTH_CACHE_TTL);
            }
            entries.insert(key, (caller, std::time::Instant::now()));
        }
        Ok(caller)
    }
}

/// Signs in with a login and password; a new device token on success. The same answer for an
/// unknown login and a wrong password, so logins cannot be probed.
pub async fn login(school: &School, request: LoginRequest) -> Result<LoginResult> {
    let device_name = check_device_name(&request.device_name)?;
    let wrong = || Error::api(ErrorCode::VerifyCredentials, "Wrong login or password");
    if request.password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(wrong());
    }
    let found = school
        .read()
        .await?
        .credentials(request.login.trim())
        .await?;
    let Some((user_id, stored)) = found else {
        // Spend the same time as a real check, so a missing login does not answer faster.
        let password = request.password;
        let _ = tokio::task::spawn_blocking(move || verify_password(&password, dummy_hash())).await;
        return Err(wrong());
    };
    let password = request.password;
    // argon2 takes tens of milliseconds of CPU: keep it off the async workers.
    let matches = tokio::task::spawn_blocking(move || {
        stored.is_some_and(|stored| verify_password(&password, &stored))
    })
    .await
    .map_err(|e| Error::Internal(format!("password check: {e}")))?;
    if !matches {
        // The person's and the administration's to see (an unknown login is not written
        // down: what was typed there may be someone's password).
        let mut tx = school.begin().await?;
        audit::record(
            &mut *tx,
            school.clock(),
            Some(user_id),
            "user.login_failed",
            &format!("user:{user_id}"),
            serde_json::json!({"device": device_name}),
        )
        .await?;
        school.commit(tx).await?;
        return Err(wrong());
    }
    let mut tx = school.begin().await?;
    let token = issue_device_token_on(&mut *tx, school.clock(), user_id, device_name).await?;
    audit::record(
        &mut *tx,
        school.clock(),
        Some(user_id),
        "device.login",
        &format!("user:{user_id}"),
        serde_json::json!({"device": device_name}),
    )
    .await?;
    school.commit(tx).await?;
    Ok(LoginResult {
        user_id,
        access_token: token.into_inner(),
    })
}

/// An argon2id hash of a random password, made once, checked against when a login is unknown
/// so that the answer takes as long as for a known one.
static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

fn dummy_hash() -> &'static str {
    DUMMY_HASH.get_or_init(|| {
        random_secret("", 16)
            .and_then(|password| hash_password(&password))
            .unwrap_or_default()
    })
}

/// Sets the caller's password (the old one is required if there is one).
/// Changes the caller's password (the current one must be given, where there is one); with
/// `sign_out_others`, every other device of theirs is signed out in the same step. Returns how
/// many were.
pub async fn change_password(
    school: &School,
    caller: Caller,
    change: PasswordChange,
) -> Result<u64> {
    let PasswordChange {
        old_password: old,
        new_password: new,
        sign_out_others,
    } = change;
    check_new_password(&new)?;
    let stored = school.read().await?.password_hash(caller.user_id).await?;
    let hashed = tokio::task::spawn_blocking(move || {
        if let Some(stored) = stored {
            let old = old.unwrap_or_default();
            if !verify_password(&old, &stored) {
                return Err(Error::api(
                    ErrorCode::VerifyCredentials,
                    "The current password is wrong",
                ));
            }
        }
        hash_password(&new)
    })
    .await
    .map_err(|e| Error::Internal(format!("password hash: {e}")))??;
    let mut tx = school.begin().await?;
    tx.set_password_hash(caller.user_id, &hashed).await?;
    let signed_out = if sign_out_others {
        let now = school.now_ms();
        tx.revoke_other_devices(caller.user_id, caller.device_id, now)
            .await?
    } else {
        0
    };
    audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "user.password_changed",
        &format!("user:{}", caller.user_id),
        serde_json::json!({"other_devices_signed_out": signed_out}),
    )
    .await?;
    school.commit(tx).await?;
    Ok(signed_out)
}

/// The caller's devices that are still signed in, oldest first.
pub async fn devices(school: &School, caller: Caller) -> Result<Vec<Device>> {
    let records = school.read().await?.devices(caller.user_id).await?;
    Ok(records
        .into_iter()
        .map(|d| Device {
            id: d.id,
            name: d.name,
            created_at: d.created_at,
            last_used_at: d.last_used_at,
            current: d.id == caller.device_id,
        })
        .collect())
}

/// How far back a person is shown the wrong passwords given for their login.
pub const FAILED_SIGN_INS_SHOWN_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// The most failed sign-ins a person is shown at once.
const FAILED_SIGN_INS_LISTED: i64 = 100;

/// The wrong passwords given for the caller's own login in the last 30 days, newest first,
/// from the audit log (the administration sees the same entries there): someone may be
/// guessing, and the person should know.
pub async fn failed_sign_ins(school: &School, caller: Caller) -> Result<Vec<FailedSignIn>> {
    let since = school.now_ms() - FAILED_SIGN_INS_SHOWN_MS;
    let target = format!("user:{}", caller.user_id);
    let records = school
        .read()
        .await?
        .audit_on(&target, "user.login_failed", since, FAILED_SIGN_INS_LISTED)
        .await?;
    Ok(records
        .into_iter()
        .map(|r| FailedSignIn {
            at: r.created_at,
            device: serde_json::from_str::<serde_json::Value>(&r.details)
                .ok()
                .and_then(|d| d["device"].as_str().map(str::to_owned))
                .filter(|d| !d.is_empty()),
        })
        .collect())
}

/// Signs out one of the caller's own devices (the current one too: that is signing out).
pub async fn revoke_device(school: &School, caller: Caller, device_id: i64) -> Result<()> {
    let mut tx = school.begin().await?;
    if !tx
        .revoke_device(caller.user_id, device_id, school.now_ms())
        .await?
    {
        return Err(Error::not_found(format!("Device {device_id} not found")));
    }
    audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "device.revoked",
        &format!("device:{device_id}"),
        serde_json::json!({}),
    )
    .await?;
    school.commit(tx).await?;
    Ok(())
}

/// Signs out every device of another person (an administrator's action); returns how many.
pub async fn revoke_all_devices(school: &School, caller: Caller, user_id: i64) -> Result<u64> {
    roles::require(caller.role, Action::RevokeOthersDevices)?;
    let mut tx = school.begin().await?;
    if tx.person(user_id).await?.is_none() {
        return Err(Error::not_found(format!("User {user_id} not found")));
    }
    let revoked = tx.revoke_devices(user_id, school.now_ms()).await?;
    audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "user.devices_revoked",
        &format!("user:{user_id}"),
        serde_json::json!({"devices": revoked}),
    )
    .await?;
    school.commit(tx).await?;
    Ok(revoked)
}
