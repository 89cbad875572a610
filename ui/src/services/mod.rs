//! The UI's only door to the outside: typed wrappers over the shell's commands and events.

pub mod api;
mod tauri;
