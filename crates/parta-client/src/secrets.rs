//! Tokens in the OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows) and the [`Sensitive`] wrapper they travel in.
//!
//! There is no fallback: if no keychain answers, [`Keychain`] returns
//! [`SecretsError::Unavailable`] and the caller stops. A token is never written to a file, a log
//! or the cache.

use serde::{Serialize, Serializer};

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
compile_error!("Parta needs an OS keychain backend; this platform has none configured");

/// A secret value. Debug prints `<redacted>`, and serializing it is an error, so it cannot
/// end up in a log line, an event or a JSON file by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    /// Wraps a secret.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> std::fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T> Serialize for Sensitive<T> {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("refusing to serialize a secret"))
    }
}

/// A random 256-bit key kept in the keychain as 64 hex digits: the cache's (SQLCipher) and
/// each profile's for its files. Debug never prints it.
#[derive(Clone)]
pub struct SecretKey(Sensitive<String>);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl SecretKey {
    /// A new random key from the operating system's generator.
    pub fn generate() -> Result<Self, String> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| format!("no random numbers: {e}"))?;
        Ok(Self(Sensitive::new(hex::encode(bytes))))
    }

    /// A key kept earlier (64 hex digits), or `None` if `text` is not one.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        (text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Self(Sensitive::new(text.to_ascii_lowercase())))
    }

    /// The 64 hex digits, for the keychain.
    pub fn as_secret(&self) -> &Sensitive<String> {
        &self.0
    }

    /// The 32 bytes themselves, for a cipher.
    pub(crate) fn bytes(&self) -> [u8; 32] {
        let mut bytes = [0u8; 32];
        // `parse` and `generate` only ever hold 64 hex digits.
        if hex::decode_to_slice(self.0.expose(), &mut bytes).is_err() {
            bytes = [0u8; 32];
        }
        bytes
    }

    /// The key kept under `account`, made and stored there first if there is none (or what
    /// is there is not a key).
    pub async fn kept_in(keychain: &Keychain, account: &str) -> Result<Self, SecretsError> {
        let kept = keychain
            .load(account)
            .await?
            .and_then(|kept| Self::parse(kept.expose()));
        match kept {
            Some(key) => Ok(key),
            None => {
                let key = Self::generate().map_err(SecretsError::Failed)?;
                keychain.store(account, key.as_secret()).await?;
                Ok(key)
            }
        }
    }
}

/// Keeps this process's memory (tokens, keys, messages) out of core files: `RLIMIT_CORE` 0,
/// soft and hard, so neither a crash nor a signal writes one, whatever the system's
/// `core_pattern` (systemd-coredump included). The app and the command call it first thing;
/// `PARTA_ALLOW_CORE_DUMPS=1` leaves them for a developer's debugging. Elsewhere than Linux it
/// does nothing (Windows writes no dumps unless told to). The process stays dumpable
/// (`PR_SET_DUMPABLE` 0 also broke the app's idle lock in the window tests, for a reason not
/// found yet).
pub fn keep_out_of_core_dumps() -> std::io::Result<()> {
    if std::env::var_os("PARTA_ALLOW_CORE_DUMPS").is_some_and(|v| v == "1") {
        return Ok(());
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{
            DumpableBehavior, Resource, Rlimit, set_dumpable_behavior, setrlimit,
        };
        setrlimit(
            Resource::Core,
            Rlimit {
                current: Some(0),
                maximum: Some(0),
            },
        )?;
        set_dumpable_behavior(DumpableBehavior::NotDumpable)?;
    }
    Ok(())
}

/// How to get a keychain on a Linux desktop, for a person who has none: what the CLI prints
/// (the app says the same in Russian and English).
pub const HOW_TO_GET_A_KEYCHAIN: &str = "\
To get one: on GNOME, Astra Linux, RED OS or ALT, install gnome-keyring (the package of that \
name) and log in again, the keyring opens with your login password; on KDE, turn on KWallet \
and its Secret Service in the system settings; or with KeePassXC, turn on Settings -> Secret \
Service Integration and unlock a database. On Windows the Credential Manager is always there.";

/// Keychain failures.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum SecretsError {
    /// No keychain is reachable or it is locked; nothing was stored.
    #[error(
        "no system keychain is available ({0}); Parta keeps sign-ins only in the system \
         keychain and has stored nothing"
    )]
    Unavailable(String),
    /// The keychain answered with an error.
    #[error("the system keychain failed: {0}")]
    Failed(String),
}

impl From<keyring::Error> for SecretsError {
    fn from(e: keyring::Error) -> Self {
        match e {
            keyring::Error::NoStorageAccess(inner) => SecretsError::Unavailable(inner.to_string()),
            keyring::Error::PlatformFailure(inner) => SecretsError::Unavailable(inner.to_string()),
            other => SecretsError::Failed(other.to_string()),
        }
    }
}

/// The keychain entries of one application (a keychain "service").
#[derive(Debug, Clone)]
pub struct Keychain {
    service: String,
}

impl Keychain {
    /// Entries under `service`, e.g. "parta" (tests use their own service names).
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    /// The service name.
    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, account: &str) -> Result<keyring::Entry, SecretsError> {
        Ok(keyring::Entry::new(&self.service, account)?)
    }

    /// Stores `secret` under `account`, replacing what was there.
    pub async fn store(
        &self,
        account: &str,
        secret: &Sensitive<String>,
    ) -> Result<(), SecretsError> {
        let entry = self.entry(account)?;
        let value = secret.expose().clone();
        // keyring's backends block (D-Bus round trips): keep them off the async workers.
        blocking(move || entry.set_password(&value)).await
    }

    /// The secret under `account`, or `None` if there is none.
    pub async fn load(&self, account: &str) -> Result<Option<Sensitive<String>>, SecretsError> {
        let entry = self.entry(account)?;
        match tokio::task::spawn_blocking(move || entry.get_password()).await {
            Ok(Ok(value)) => Ok(Some(Sensitive::new(value))),
            Ok(Err(keyring::Error::NoEntry)) => Ok(None),
            Ok(Err(e)) => Err(e.into()),
            Err(join) => Err(SecretsError::Failed(join.to_string())),
        }
    }

    /// Removes the secret under `account`; removing a missing one is not an error.
    pub async fn delete(&self, account: &str) -> Result<(), SecretsError> {
        let entry = self.entry(account)?;
        match tokio::task::spawn_blocking(move || entry.delete_credential()).await {
            Ok(Ok(())) | Ok(Err(keyring::Error::NoEntry)) => Ok(()),
            Ok(Err(e)) => Err(e.into()),
            Err(join) => Err(SecretsError::Failed(join.to_string())),
        }
    }
}

async fn blocking(
    f: impl FnOnce() -> keyring::Result<()> + Send + 'static,
) -> Result<(), SecretsError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(result) => Ok(result?),
        Err(join) => Err(SecretsError::Failed(join.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_never_prints_its_value() {
        let token = Sensitive::new("parta_0123456789abcdef".to_owned());
        assert_eq!(format!("{token:?}"), "<redacted>");
    }

    #[test]
    fn keys_are_64_hex_digits_and_never_printed() {
        let key = SecretKey::generate().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(key.as_secret().expose().len(), 64);
        let again = SecretKey::parse(key.as_secret().expose()).unwrap_or_else(|| panic!("parse"));
        assert_eq!(again.bytes(), key.bytes());
        assert_ne!(key.bytes(), [0u8; 32]);
        assert_ne!(
            key.as_secret().expose(),
            SecretKey::generate()
                .unwrap_or_else(|e| panic!("{e}"))
                .as_secret()
                .expose()
        );
        assert!(!format!("{key:?}").contains(key.as_secret().expose()));
        assert!(SecretKey::parse("abc").is_none());
        assert!(SecretKey::parse(&"z".repeat(64)).is_none());
    }

    /// Runs in a child process of its own (it changes the process for good).
    #[test]
    #[ignore = "run by a_process_holding_secrets_leaves_no_core_dump"]
    fn child_keeps_out_of_core_dumps() {
        keep_out_of_core_dumps().unwrap_or_else(|e| panic!("{e}"));
        #[cfg(target_os = "linux")]
        {
            let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
            let core = limits
                .lines()
                .find(|l| l.starts_with("Max core file size"))
                .unwrap_or_default()
                .split_whitespace()
                .skip(4)
                .take(2)
                .collect::<Vec<_>>();
            assert_eq!(core, ["0", "0"], "{limits}");
        }
        println!("child checked");
    }

    #[test]
    fn a_process_holding_secrets_leaves_no_core_dump() {
        let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
        let out = std::process::Command::new(exe)
            .args(["--exact", "secrets::tests::child_keeps_out_of_core_dumps"])
            .args(["--ignored", "--nocapture"])
            .env_remove("PARTA_ALLOW_CORE_DUMPS")
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("child checked"), "{stdout}");
    }

    #[test]
    fn sensitive_refuses_to_serialize() {
        let token = Sensitive::new("parta_0123456789abcdef".to_owned());
        let err = serde_json::to_string(&token).expect_err("a secret must not serialize");
        assert!(err.to_string().contains("refusing"));
    }
}
