//! The real Parta window under Xvfb, driven through tauri-driver and WebKitWebDriver.
//! Needs DISPLAY, a D-Bus session with an unlocked keychain, and the built app:
//! scripts/test.sh provides all three.

// A failing helper in a test should panic with its error: that is the test failing.
#![allow(clippy::unwrap_used)]

mod common;

mod admin;
mod announcements;
mod bridge;
mod demo;
mod dialogs;
mod files;
mod groups;
mod invite_link;
mod keyboard;
mod lessons;
mod max_bot;
mod media;
mod notifications;
mod pupils;
mod reports;
mod school;
mod settings;
mod tray;
mod updates;
mod window;
