//! The app lock (school computers are shared): a PIN of 4 to 8 digits, of which only an
//! argon2id hash is kept, and only in the OS keychain — never in a file. Wrong PINs slow the
//! next try down: after five, each further try waits 30 seconds.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::error::{Error, Result};
use crate::secrets::{Keychain, Sensitive};

/// Free tries before the wait.
const FREE_TRIES: u32 = 5;
/// The wait after them.
const BACKOFF: Duration = Duration::from_secs(30);

/// What unlocking answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unlock {
    Unlocked,
    WrongPin,
    /// Too many wrong PINs: try again after this long.
    Wait(Duration),
}

/// The app lock of this computer's Parta.
#[derive(Debug)]
pub struct AppLock {
    keychain: Keychain,
    account: String,
    failures: Mutex<(u32, Option<Instant>)>,
}

/// The keychain account of the lock of the Parta whose data is in `data_dir` (each
/// installation has its own; profiles use their ids, never this form).
pub fn account_for(data_dir: &std::path::Path) -> String {
    format!(
        "app-lock:{:016x}",
        crate::stable_hash(data_dir.to_string_lossy().as_bytes())
    )
}

/// Checks a new PIN: 4 to 8 digits.
pub fn check_pin(pin: &str) -> Result<()> {
    if (4..=8).contains(&pin.chars().count()) && pin.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::InvalidInput("a PIN is 4 to 8 digits".into()))
    }
}

impl AppLock {
    /// The lock of the Parta whose data is in `data_dir`.
    pub fn new(keychain: Keychain, data_dir: &std::path::Path) -> Self {
        Self {
            keychain,
            account: account_for(data_dir),
            failures: Mutex::new((0, None)),
        }
    }

    /// Whether a PIN is set.
    pub async fn is_set(&self) -> Result<bool> {
        Ok(self.keychain.load(&self.account).await?.is_some())
    }

    /// Sets (or replaces) the PIN.
    pub async fn set(&self, pin: &Sensitive<String>) -> Result<()> {
        check_pin(pin.expose())?;
        let pin = pin.expose().clone();
        let hash = tokio::task::spawn_blocking(move || {
            let salt: [u8; 16] = rand::random();
            let salt = SaltString::encode_b64(&salt).map_err(|e| Error::Internal(e.to_string()))?;
            Argon2::default()
                .hash_password(pin.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| Error::Internal(format!("argon2: {e}")))
        })
        .await
        .map_err(|e| Error::Internal(e.to_string()))??;
        self.keychain
            .store(&self.account, &Sensitive::new(hash))
            .await?;
        Ok(())
    }

    /// Removes the PIN (the app no longer locks).
    pub async fn clear(&self) -> Result<()> {
        Ok(self.keychain.delete(&self.account).await?)
    }

    fn book(&self) -> std::sync::MutexGuard<'_, (u32, Option<Instant>)> {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Checks `pin` against the kept hash. Without a PIN set, anything unlocks.
    pub async fn unlock(&self, pin: &Sensitive<String>) -> Result<Unlock> {
        if let (_, Some(until)) = *self.book()
            && let Some(left) = until.checked_duration_since(Instant::now())
        {
            return Ok(Unlock::Wait(left));
        }
        let Some(stored) = self.keychain.load(&self.account).await? else {
            return Ok(Unlock::Unlocked);
        };
        let pin = pin.expose().clone();
        let stored = stored.expose().clone();
        let matches = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&stored).is_ok_and(|parsed| {
                Argon2::default()
                    .verify_password(pin.as_bytes(), &parsed)
                    .is_ok()
            })
        })
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
        let mut book = self.book();
        if matches {
            *book = (0, None);
            return Ok(Unlock::Unlocked);
        }
        book.0 += 1;
        if book.0 >= FREE_TRIES {
            book.1 = Some(Instant::now() + BACKOFF);
            return Ok(Unlock::Wait(BACKOFF));
        }
        Ok(Unlock::WrongPin)
    }
}

/// When the app locks by itself: the last sign of someone at the keyboard and how long
/// without one is enough. Kept outside the webview, whose timers slow down or stop while its
/// window is covered or minimised; a school computer left alone must lock all the same.
#[derive(Debug)]
pub struct Idle {
    state: Mutex<(Instant, Option<Duration>)>,
}

impl Default for Idle {
    fn default() -> Self {
        Self {
            state: Mutex::new((Instant::now(), None)),
        }
    }
}

impl Idle {
    fn book(&self) -> std::sync::MutexGuard<'_, (Instant, Option<Duration>)> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Someone is at the keyboard at `now`; `limit` is the chosen idle time (`None`: never).
    pub fn touch(&self, now: Instant, limit: Option<Duration>) {
        *self.book() = (now, limit.filter(|l| !l.is_zero()));
    }

    /// Whether the app has been left alone for the chosen time at `now`. Answering yes starts
    /// the count again, so a lock that could not happen (no PIN) is not retried at once.
    pub fn due(&self, now: Instant) -> bool {
        let mut book = self.book();
        let (last, limit) = *book;
        match limit {
            Some(limit) if now.saturating_duration_since(last) >= limit => {
                book.0 = now;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_four_to_eight_digits() {
        assert!(check_pin("1234").is_ok());
        assert!(check_pin("12345678").is_ok());
        assert!(check_pin("123").is_err());
        assert!(check_pin("123456789").is_err());
        assert!(check_pin("12a4").is_err());
        assert!(check_pin("١٢٣٤").is_err(), "ASCII digits only");
    }

    #[test]
    fn idle_is_due_after_the_chosen_time_without_a_touch_and_never_without_a_limit() {
        let idle = Idle::default();
        let start = Instant::now();
        idle.touch(start, Some(Duration::from_secs(60)));
        assert!(!idle.due(start + Duration::from_secs(59)));
        idle.touch(
            start + Duration::from_secs(30),
            Some(Duration::from_secs(60)),
        );
        assert!(!idle.due(start + Duration::from_secs(61)), "touched since");
        assert!(idle.due(start + Duration::from_secs(90)));
        assert!(
            !idle.due(start + Duration::from_secs(91)),
            "counted again from the lock"
        );
        idle.touch(start, Some(Duration::ZERO));
        assert!(!idle.due(start + Duration::from_secs(3600)), "zero: never");
        idle.touch(start, None);
        assert!(!idle.due(start + Duration::from_secs(3600)));
    }
}
