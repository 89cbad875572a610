//! The school's MAX bot, seen from parta-server: the first piece of the bridge that carries the
//! school's MAX chats into Parta and back (issue 15). What is here: the bot's token, read only
//! from a file the server's user alone may read or from the environment and never written
//! anywhere; a client for MAX's Bot API; and `parta-server max check`, which says which bot the
//! token belongs to and which chats it administers with which permissions.
//!
//! The bot sees a group chat's messages only as an administrator with `read_all_messages`, so
//! the check warns about every chat where that permission is missing.

mod api;
mod check;
mod token;

pub use api::{MaxApi, MaxError};
pub use check::{ChatCheck, CheckReport, check};
pub use token::{BotToken, TOKEN_ENV, TokenError};
