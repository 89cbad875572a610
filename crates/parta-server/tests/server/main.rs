//! parta-server over real HTTP on loopback, with a real SQLite file per test.

// A failing helper in a test should panic with its error: that is the test failing.
#![allow(clippy::unwrap_used)]

mod announcements;
mod api;
mod balancer;
mod bridge;
mod bridge_crash;
mod chats;
mod cluster;
mod common;
mod conformance;
mod dialogs;
mod files;
mod groups;
mod lessons;
mod max_check;
mod migrate;
mod nginx;
mod objects;
mod operations;
mod process;
mod properties;
mod pupils;
mod releases;
mod reports;
mod school;
mod sdk;
mod store;
mod tls;
