//! The client core against a real parta-server on loopback, with real SQLite files and the
//! real Secret Service keychain (run inside `dbus-run-session` with gnome-keyring unlocked;
//! scripts/test.sh does that).

// A failing helper in a test should panic with its error: that is the test failing.
#![allow(clippy::unwrap_used)]

mod account;
mod admin;
mod announcements;
mod at_rest;
mod backfill;
mod clock;
mod common;
mod dialogs;
mod files;
mod groups;
mod keychain;
mod max;
// nginx in front of the server is a Linux deployment (the test starts the system's nginx).
#[cfg(target_os = "linux")]
mod nginx;
mod proxy;
mod reports;
mod sync;
mod tls;
