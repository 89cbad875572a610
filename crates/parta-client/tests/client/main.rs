//! The client core against a real parta-server on loopback, with real SQLite files and the
//! real Secret Service keychain (run inside `dbus-run-session` with gnome-keyring unlocked;
//! scripts/test.sh does that).

mod common;
mod keychain;
mod sync;
