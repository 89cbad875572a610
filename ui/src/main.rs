//! Parta's UI: a Yew app rendered in the Tauri window. It does no I/O of its own: everything
//! goes through `services`, which wraps the shell's commands and events.

mod actions;
mod app;
mod components;
mod dom;
mod hooks;
mod i18n;
mod mention;
mod prefs;
mod previews;
mod services;
mod state;
mod theme;
mod time;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
