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
pub mod api;
mod client;
pub mod error;
pub mod files;
pub mod search;
pub mod secrets;
pub mod store;
pub mod sync;

pub use client::{Client, JoinState, MAX_API_URL, Profile, ProfileKind};
pub use error::{Error, Result};
pub use sync::{Session, SessionConfig};
