//! One component per file.

pub mod announcements;
pub mod chat_list;
pub mod composer;
pub mod connection_badge;
pub mod error_banner;
pub mod join_form;
pub mod join_waiting;
pub mod main_view;
pub mod members_panel;
pub mod pinned_banner;
pub mod search;
pub mod timeline;
pub mod welcome;
