//! Wire types shared by every Parta component.
//!
//! [`max`] mirrors the MAX Bot API schema (../shared/max-bot-api/schema.yaml, version 0.0.33):
//! the JSON a MAX server, parta-server and the client core exchange. [`view`] holds the small
//! types the desktop shell hands to the Yew UI, and [`commands`] the shell's commands the UI
//! calls. This crate has no I/O and builds for wasm; it
//! must never grow dependencies that do not.

pub mod address;
pub mod civil;
pub mod clock;
pub mod commands;
pub mod lessons;
pub mod markup;
pub mod max;
mod named;
pub mod school;
pub mod view;
