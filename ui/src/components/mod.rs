//! One component per file.

pub mod account;
pub mod admin;
pub mod announcements;
pub mod chat_list;
pub mod composer;
pub mod connection_badge;
pub mod error_banner;
pub mod files_view;
pub mod icons;
pub mod join_form;
pub mod join_waiting;
pub mod lessons;
pub mod lock_screen;
pub mod main_view;
pub mod members_panel;
pub mod password_reset_form;
pub mod pinned_banner;
pub mod profile_switcher;
pub mod qr;
pub mod quiet_hours;
pub mod rich_text;
pub mod search;
pub mod settings;
pub mod sign_in_failures;
pub mod timeline;
pub mod welcome;
