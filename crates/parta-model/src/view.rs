//! What the desktop shell hands to the Yew UI: flat, display-ready types, plus the events the
//! UI applies as diffs. They carry no secrets: tokens never leave the client core.

use serde::{Deserialize, Serialize};

use crate::max::ChatId;

/// The connection to the school server as the UI shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionState {
    /// Live updates are flowing.
    Online,
    /// First contact or a reconnect attempt is under way.
    #[default]
    Connecting,
    /// The server cannot be reached; everything shown comes from the cache.
    Offline,
}

/// One row of the chat list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatSummary {
    pub chat_id: ChatId,
    pub title: String,
    pub participants_count: i32,
    /// Unix time in milliseconds of the last event, for ordering.
    pub last_event_time: i64,
    pub last_message: Option<MessageView>,
    /// Messages from others newer than what this person has read.
    #[serde(default)]
    pub unread: u32,
}

/// One message in a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub mid: String,
    pub chat_id: ChatId,
    pub seq: i64,
    pub sender_id: Option<i64>,
    pub sender_name: String,
    /// The sender writes from MAX through the school's bridge (marked "MAX").
    #[serde(default)]
    pub sender_via_max: bool,
    pub text: String,
    /// Unix time in milliseconds.
    pub timestamp: i64,
    /// Sent by the signed-in user.
    pub is_own: bool,
    /// Whether the server has it yet (own messages waiting in the outbox are `Pending`).
    #[serde(default)]
    pub delivery: Delivery,
    /// Attached files and images.
    #[serde(default)]
    pub attachments: Vec<AttachmentView>,
    /// The message this one answers.
    #[serde(default)]
    pub reply_to: Option<ReplyView>,
    /// Formatting over `text` (bold, links, quotes…), as MAX sends it.
    #[serde(default)]
    pub markup: Vec<crate::markup::Markup>,
    /// In a chat the school carries to MAX: where this message stands toward MAX (`queued`,
    /// `sent`, `failed`).
    #[serde(default)]
    pub max_state: Option<String>,
    /// Arrived in one's quiet hours: show it, but do not notify before this time (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub silent_until: Option<i64>,
}

/// The message a reply quotes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyView {
    pub mid: String,
    pub sender_name: String,
    pub text: String,
}

/// A member of a chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: i64,
    pub name: String,
    pub is_admin: bool,
    /// The person looking (set when the list is read, never kept).
    #[serde(default)]
    pub is_me: bool,
}

/// A file attached to a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentView {
    /// MAX's attachment type: `image`, `video`, `audio` or `file`.
    pub kind: String,
    /// The file name ("файл" when the server gave none).
    pub name: String,
    /// Bytes, when known.
    pub size: Option<u64>,
    /// The download token (`GET /files/{token}`); `None` while it is still being uploaded.
    pub token: Option<String>,
}

/// Delivery of a message written here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Delivery {
    /// On the server.
    #[default]
    Sent,
    /// Saved locally, waiting to be sent (offline, or retrying).
    Pending,
    /// The server refused it; `reason` says why. It stays until retried or deleted.
    Failed { reason: String },
}

/// An opened chat: its header, pinned announcement and newest messages (oldest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatView {
    pub chat: ChatSummary,
    pub description: Option<String>,
    pub pinned: Option<MessageView>,
    pub messages: Vec<MessageView>,
}

/// A piece of a found message's text; `matched` pieces are what the search matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextFragment {
    pub text: String,
    pub matched: bool,
}

/// One search result: the message, its chat's title, and its text cut into fragments for
/// highlighting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub message: MessageView,
    pub chat_title: String,
    pub fragments: Vec<TextFragment>,
}

/// The signed-in profile as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileView {
    pub profile_id: String,
    pub display_name: String,
    pub server_url: String,
    pub is_demo: bool,
}

/// What the UI learns at start-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BootInfo {
    /// The active profile, if one is signed in.
    pub profile: Option<ProfileView>,
    /// The app was started with `--demo`: open the demo school without asking.
    pub demo_requested: bool,
    /// A join by invitation is waiting for the school's approval.
    #[serde(default)]
    pub join_pending: bool,
    /// The app is locked with a PIN: show the lock screen, nothing else.
    #[serde(default)]
    pub locked: bool,
    /// The app was opened with an invitation link (`parta://join/…`): show the join form.
    #[serde(default)]
    pub invite_link: Option<String>,
}

/// Something the school's rules find in a text about to be sent: `rule` is `ethics` or
/// `personal_data`, `kind` what exactly (`insult`, `phone`, `snils`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyNote {
    pub rule: String,
    pub kind: String,
}

/// A file in the Файлы section: an attachment of a cached message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileView {
    pub chat_id: ChatId,
    pub chat_title: String,
    pub mid: String,
    pub sender_name: String,
    pub timestamp: i64,
    pub attachment: AttachmentView,
    /// Whether the whole file is on this computer (opens offline).
    pub kept: bool,
}

/// A file chosen (or dropped) to send, before it is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickedFile {
    pub path: String,
    pub name: String,
    pub size: u64,
}

/// What the settings screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsInfo {
    pub profile: ProfileView,
    /// The app's version.
    pub version: String,
    /// Where this computer keeps Parta's data.
    pub data_dir: String,
    /// Messages of this profile in the offline cache.
    pub cached_messages: i64,
    /// Bytes of this profile's downloaded and waiting files.
    pub files_bytes: u64,
    /// Bytes of the cache database (all profiles on this computer).
    pub database_bytes: u64,
    /// Whether an app lock PIN is set.
    pub pin_set: bool,
    /// Whether WebKit may draw with the GPU from the next start (Settings → hardware
    /// acceleration; off by default on Linux, see the shell's `graphics`).
    pub accelerated: bool,
    /// Whether this run draws that way (differs from `accelerated` until a restart).
    pub accelerated_now: bool,
}

/// The person's choices on this computer: kept by the client core in the data folder
/// (`parta_client::settings`), read by the shell before the window opens, changed by the UI
/// through the `save_preferences` command. Missing keys take their defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preferences {
    /// The UI's language: `ru` or `en`.
    pub language: String,
    pub dark: bool,
    /// The window's scale, in percent (one of [`Preferences::SCALES`]).
    pub scale_percent: u32,
    /// Notifications for new messages, mentions and lessons.
    pub notifications: bool,
    /// Minutes before a lesson to remind of it (0: never).
    pub lesson_reminder_min: u32,
    /// Idle time before the app locks, in milliseconds (0: never; needs a PIN).
    pub autolock_ms: u64,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            language: "ru".into(),
            dark: false,
            scale_percent: 100,
            notifications: true,
            lesson_reminder_min: 10,
            autolock_ms: 0,
        }
    }
}

impl Preferences {
    /// The scales offered, in percent.
    pub const SCALES: [u32; 5] = [100, 125, 150, 175, 200];
    /// Longest lead of a lesson reminder: a day.
    pub const MAX_REMINDER_MIN: u32 = 24 * 60;

    /// The same choices with anything out of range put back to its default (a hand-edited
    /// file, a value an older or newer build wrote).
    pub fn normalised(mut self) -> Self {
        let defaults = Self::default();
        if self.language != "ru" && self.language != "en" {
            self.language = defaults.language;
        }
        if !Self::SCALES.contains(&self.scale_percent) {
            self.scale_percent = defaults.scale_percent;
        }
        self.lesson_reminder_min = self.lesson_reminder_min.min(Self::MAX_REMINDER_MIN);
        self
    }

    /// Whether the UI speaks English.
    pub fn english(&self) -> bool {
        self.language == "en"
    }
}

/// What entering the PIN answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum UnlockView {
    Unlocked,
    WrongPin,
    /// Too many wrong PINs: wait this many seconds.
    Wait {
        seconds: u64,
    },
}

/// Where an announcement stands for the person looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnouncementStatus {
    /// Whether the message is an announcement at all (ordinary pinned messages are not).
    pub is_announcement: bool,
    /// Whether this person has acknowledged it.
    pub acknowledged: bool,
    /// Whether it asks its readers to acknowledge it; one that does not only informs.
    pub ack_required: bool,
}

/// An announcement in the Объявления section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnouncementView {
    pub message: MessageView,
    pub chat_title: String,
    /// Whether this person has acknowledged it.
    pub acknowledged: bool,
    /// Whether it asks its readers to acknowledge it; one that does not only informs.
    pub ack_required: bool,
}

/// Who has acknowledged an announcement, for its author (names only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptsView {
    pub acknowledged: Vec<String>,
    pub read: Vec<String>,
    pub pending: Vec<String>,
}

/// What a newcomer fills in to join by an invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinForm {
    /// The invitation link (`parta://join/…?server=…`) or its code.
    pub link: String,
    /// The school server's address, when the link does not carry it.
    #[serde(default)]
    pub server_url: Option<String>,
    pub first_name: String,
    #[serde(default)]
    pub last_name: Option<String>,
    /// For a parent: the child's name.
    #[serde(default)]
    pub child_name: Option<String>,
    pub login: String,
    pub password: String,
    /// Consent to the processing of personal data.
    pub consent: bool,
}

/// Where a join by invitation stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum JoinView {
    /// Signed in.
    Joined { profile: ProfileView },
    /// Waiting for the school's approval.
    Waiting,
    /// Refused, with the school's reason.
    Rejected { reason: String },
}

/// A change the UI applies to what it shows, instead of re-reading everything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppEvent {
    /// Chats were added, removed or renamed: re-read the (small) chat list.
    ChatsChanged,
    /// A message arrived or was sent.
    MessageAdded { message: MessageView },
    /// A chat's pinned message changed (none: unpinned).
    ChatPinned {
        chat_id: ChatId,
        pinned: Option<MessageView>,
    },
    /// A message was edited, or its delivery state changed.
    MessageUpdated { message: MessageView },
    /// A message from the outbox reached the server: replace `local_mid` with `message`.
    MessageSent {
        local_mid: String,
        message: MessageView,
    },
    /// A message was deleted.
    MessageRemoved { chat_id: ChatId, mid: String },
    /// The connection state changed.
    Connection { state: ConnectionState },
    /// A file is being uploaded or downloaded: `done` of `total` bytes. `id` is the message's
    /// local id for an upload, the file's token for a download.
    TransferProgress {
        id: String,
        name: String,
        done: u64,
        total: u64,
        upload: bool,
    },
    /// A (re)sync is under way: `chats_done` of `chats_total` chats have their recent history,
    /// `messages` messages fetched so far.
    SyncProgress {
        chats_done: u32,
        chats_total: u32,
        messages: u32,
    },
    /// Nobody touched the app for the chosen time and a PIN is set: it locked itself.
    Locked,
    /// An update is being downloaded: `done` of `total` bytes (`total` unknown: 0).
    UpdateProgress { done: u64, total: u64 },
}

/// An error as the UI receives it: a stable code to branch on and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UiError {
    pub code: UiErrorCode,
    /// The whole story in English, for the log and as the last fallback.
    pub message: String,
    /// The server's own sentence, where a server refused: it names the field or the rule that
    /// refused (the UI shows it beside its own translated sentence, never parses `message`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl UiError {
    /// An error with a code and an English sentence, and no server's words.
    pub fn new(code: UiErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            detail: None,
        }
    }
}

/// Stable error codes for the UI. Nobody matches on message strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum UiErrorCode {
    /// The server cannot be reached right now.
    Offline,
    /// The OS keychain is missing or locked; nothing was saved.
    KeychainUnavailable,
    /// The server rejected the saved sign-in.
    Unauthorized,
    /// The input was refused (too long, empty, not allowed).
    InvalidInput,
    /// No profile is signed in.
    NoProfile,
    /// The school does not allow this person to do that.
    Forbidden,
    /// The app is locked: enter the PIN first.
    Locked,
    /// A server's address is plain `http://` on another computer: Parta goes there only over
    /// `https` (procedure 8.1), plain `http` only to this computer.
    InsecureAddress,
    /// The server's certificate does not lead to a root this profile trusts (the school may
    /// run its own authority, whose root the person then adds).
    UntrustedCertificate,
    /// A root certificate given to trust is not a PEM certificate.
    BadCertificate,
    /// An update came without a signature Parta can read: nothing was installed.
    UpdateUnsigned,
    /// An update's signature is not the release key's (or names another version): nothing
    /// was installed.
    UpdateBadSignature,
    /// Anything else; the message says what happened.
    Internal,
}

/// The Занятия section's lessons, and whether they come from this computer's cache (offline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonsView {
    pub lessons: Vec<crate::lessons::Lesson>,
    pub offline: bool,
}

/// What the school's server offers to update this Parta to (Settings → Updates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateView {
    /// The version running now.
    pub current: String,
    /// The newer release the server holds, if any.
    pub offer: Option<UpdateOffer>,
}

/// A newer release of Parta on the profile's server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateOffer {
    pub version: String,
    /// What is new, as the school's administrator put it (empty: nothing said).
    pub notes_ru: String,
    pub notes_en: String,
    /// When the release was published, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Whether this Parta can install it itself (an AppImage or the Windows installer can; a
    /// .deb or .rpm is updated by the system's package manager).
    pub installable: bool,
}
