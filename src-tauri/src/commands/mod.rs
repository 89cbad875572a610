//! Tauri commands: each one is a few lines over [`Shell`] and parta-client, one file per area.

pub(crate) use parta_client::secrets::Sensitive;
pub(crate) use parta_model::commands::{self as cmd, ReplyOf};
pub(crate) use parta_model::view::UiError;
pub(crate) use tauri::State;

pub(crate) use crate::chooser::{choose, describe};
pub(crate) use crate::links::{is_conference_link, is_openable};
pub(crate) use crate::shell::{Shell, internal, invalid};

pub(crate) type Reply<T> = Result<T, UiError>;

pub mod account;
pub mod chats;
pub mod files;
pub mod lessons;
pub mod profiles;
pub mod settings;
