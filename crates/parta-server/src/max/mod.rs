//! The school's MAX bot, seen from parta-server: the bridge that carries the school's MAX chats
//! into Parta and back (docs/max-bridge.md). Its parts: the bot's token, read only from a file
//! the server's user alone may read or from the environment and never written anywhere
//! ([`token`]); a client for MAX's Bot API ([`api`]) at one pace ([`pace`]); which chats are
//! linked ([`links`]); MAX → Parta ([`inbound`], from [`wire`]'s updates, its senders as
//! [`participants`] and its files through [`files`]); Parta → MAX ([`outbound`], as [`render`]
//! writes it); why either stops for a while ([`failure`]); the tasks that run them ([`bridge`]);
//! and
//! `parta-server max check`, which says which bot the token belongs to and which chats it
//! administers with which permissions.
//!
//! The bot sees a group chat's messages only as an administrator with `read_all_messages`, so
//! the check warns about every chat where that permission is missing.

mod api;
mod bridge;
mod check;
pub mod failure;
pub mod files;
pub mod inbound;
pub mod links;
pub mod outbound;
pub mod pace;
pub mod participants;
pub mod render;
pub mod settings;
mod token;
pub mod wire;

pub use api::{MaxApi, MaxError, RawUpdates};
pub use bridge::{Bridge, BridgeConfig, MIN_POLL_PAUSE, Mode, SECRET_HEADER, WebhookError};
pub use check::{ChatCheck, CheckReport, check};
pub use token::{BotToken, TOKEN_ENV, TokenError};
