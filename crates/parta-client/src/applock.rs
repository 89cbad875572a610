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
}
