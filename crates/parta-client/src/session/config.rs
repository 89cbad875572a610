//! How a session is tuned, and the page sizes its parts share.

use std::sync::Arc;
use std::time::Duration;

use parta_policy::files::FileRules;

use crate::clock::{Clock, SystemClock};
use crate::files::FileVault;

/// Tuning of a session; the defaults suit a desktop.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// Long-poll wait per request (MAX allows up to 90 s).
    pub poll_timeout: Duration,
    /// First retry delay after a failure.
    pub backoff_initial: Duration,
    /// Longest retry delay.
    pub backoff_max: Duration,
    /// Messages per `GET /messages` page (MAX allows up to 100).
    pub page_size: u8,
    /// How far back a first sync fetches each chat's history; a later sync fetches only what
    /// is new since the newest cached message (the gap left while offline), up to this many.
    pub history_per_chat: u32,
    /// Where files waiting to be sent and files kept for reading offline live, sealed under
    /// the profile's key; without it, sending and opening files is refused.
    pub files: Option<FileVault>,
    /// Size of the offline file cache, in bytes (least recently opened files go first).
    pub file_cache_limit: u64,
    /// What files may be sent (checked before sending; the server checks again).
    pub file_rules: FileRules,
    /// Where the session reads the time.
    pub clock: Arc<dyn Clock>,
    /// The update types a long poll asks for: `None` for MAX's own set (a MAX bot profile);
    /// a school's server is asked for [`SCHOOL_UPDATE_TYPES`] (MAX's and Parta's own).
    pub update_types: Option<Vec<String>>,
}

/// What the app follows on a school's server: MAX's update types it shows, and Parta's own
/// that concern a chat's messages.
pub const SCHOOL_UPDATE_TYPES: [&str; 8] = [
    "message_created",
    "message_edited",
    "message_removed",
    "user_added",
    "user_removed",
    "chat_title_changed",
    "parta_max_state",
    "parta_chat_pinned",
];

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            poll_timeout: Duration::from_secs(30),
            backoff_initial: Duration::from_millis(250),
            backoff_max: Duration::from_secs(5),
            page_size: 100,
            history_per_chat: 1000,
            files: None,
            file_cache_limit: 1024 * 1024 * 1024,
            file_rules: FileRules::default(),
            clock: Arc::new(SystemClock),
            update_types: None,
        }
    }
}

/// How many messages an opened chat shows first.
pub const CHAT_PAGE: u32 = 50;
/// The most messages one page of older history holds.
pub const OLDER_PAGE_MAX: u32 = 200;

/// Messages fetched by a sync are stored in transactions of at least this many.
pub(crate) const STORE_BATCH: usize = 5_000;

/// How many search results are returned at most.
pub const SEARCH_LIMIT: u32 = 100;
