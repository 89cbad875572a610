//! Parta's client core: everything the desktop app does without a window.
//!
//! - [`api`]: the MAX Bot API client (works against parta-server and MAX itself);
//! - [`store`]: the offline cache behind the [`store::Store`] trait (SQLite and in-memory);
//! - [`files`]: checks, resumable uploads and downloads, the offline file cache;
//! - [`search`]: offline full-text search with Russian morphology (stems in FTS5);
//! - [`secrets`]: tokens in the OS keychain, wrapped in [`secrets::Sensitive`];
//! - [`sync`]: the session that syncs, follows `GET /updates` and publishes events;
//! - [`Client`]: profiles, sign-in and sign-out, and starting sessions.
//!
//! This crate must never import Tauri, and must never write a token anywhere but the keychain.

pub mod account;
pub mod admin;
pub mod api;
pub mod applock;
pub mod certificates;
mod client;
pub mod clock;
pub mod error;
pub mod files;
pub mod groups;
pub mod home;
pub mod outbox;
pub mod search;
pub mod secrets;
pub mod session;
pub mod settings;
pub mod store;
pub mod sync;

/// A removal whose target was already gone counts as done.
pub(crate) fn gone(done: std::io::Result<()>) -> std::io::Result<()> {
    match done {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Unix time in milliseconds by the system's clock (0 before 1970, saturating far ahead); a
/// session reads its own [`Clock`] instead.
pub fn now_ms() -> i64 {
    SystemClock.now_ms()
}

/// FNV-1a of `bytes`: a hash that stays the same across runs, versions and machines (std's
/// does not), for what is stored and for names derived from paths (the app lock's keychain
/// entry, the app's single-instance name).
pub fn stable_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

pub use client::{
    CacheUsage, Client, JoinState, MAX_API_URL, Profile, ProfileKind, cache_key_account,
    files_key_account, profile_files_dir,
};
pub use clock::{Clock, SystemClock};
pub use error::{Error, Result};
pub use session::{Session, SessionConfig};
