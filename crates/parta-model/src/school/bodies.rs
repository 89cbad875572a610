//! The `/school/*` requests and answers that carry no rule of their own: list wrappers, queries,
//! sign-in and join bodies, announcements and receipts. One definition for the server, which
//! parses and answers them, and the client, which sends and reads them.

use serde::{Deserialize, Serialize};

use super::things::{Class, Invite, JoinRequest, JoinStatus, Person, Role, Scheduled};

/// `{"success": true}`, as MAX answers writes that return nothing else.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Success {
    pub success: bool,
}

/// An announcement in one of the caller's chats.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Announcement {
    pub chat_id: i64,
    pub chat_title: String,
    pub message: crate::max::Message,
    /// Whether the caller has acknowledged it.
    pub acknowledged: bool,
    /// Whether it asks its readers to acknowledge it; one that does not only informs.
    #[serde(default = "yes")]
    pub ack_required: bool,
}

fn yes() -> bool {
    true
}

/// A page of announcements, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AnnouncementList {
    pub announcements: Vec<Announcement>,
}

/// Who has read and acknowledged an announcement.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Receipts {
    pub mid: String,
    /// Read it (marked the chat seen past it) without acknowledging yet.
    pub read: Vec<Person>,
    /// Pressed "Ознакомлен" (which implies reading).
    pub acknowledged: Vec<Person>,
    /// Neither yet.
    pub pending: Vec<Person>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LessonRange {
    pub from: Option<i64>,
    pub to: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FeedAddress {
    /// The feed's path on this server; the token in it is shown only now.
    pub path: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AnnouncementsQuery {
    #[serde(default)]
    pub chat_id: Option<i64>,
    #[serde(default)]
    pub count: Option<i64>,
    /// When posting: whether readers are asked to acknowledge it (the default) or only informed.
    #[serde(default)]
    pub ack: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScheduleQuery {
    pub chat_id: Option<i64>,
    pub send_at: Option<i64>,
    #[serde(default)]
    pub announcement: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScheduledList {
    pub scheduled: Vec<Scheduled>,
}

/// `POST /school/dialogs`: the private conversation with one person (procedure 2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDialog {
    pub user_id: i64,
}

/// `POST /school/chats`: another chat (procedure 4.3), its creator its owner and admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewGroup {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Who else is in it.
    pub user_ids: Vec<i64>,
}

/// A chat of the school as its administration oversees it (`GET /school/chats`): every group
/// chat, private conversations left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolChat {
    pub chat_id: i64,
    pub title: String,
    /// The procedure's kind: `teachers`, `class_parents`, `director_teachers`,
    /// `director_activists`, `group`.
    pub kind: String,
    pub members: i64,
    /// Who made it (other chats, 4.3); none for the structure's.
    pub owner: Option<super::Person>,
    /// Unix ms of its last event.
    pub last_event_time: i64,
}

/// `GET /school/chats`, by title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolChatList {
    pub chats: Vec<SchoolChat>,
}

/// Most chats one broadcast (one announcement to several chats) reaches.
pub const MAX_BROADCAST_CHATS: usize = 200;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BroadcastQuery {
    pub chat_ids: Option<String>,
    /// Whether readers are asked to acknowledge it (the default) or only informed.
    #[serde(default)]
    pub ack: Option<bool>,
}

/// Its `Debug` leaves out the password or token it carries, which must never reach a log.
#[derive(Clone, Serialize, Deserialize)]
pub struct PasswordChange {
    #[serde(default)]
    pub old_password: Option<String>,
    pub new_password: String,
    /// Also sign out every other device of this person (8.2: when a password may have been
    /// seen by someone).
    #[serde(default)]
    pub sign_out_others: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeviceList {
    pub devices: Vec<Device>,
}

/// A wrong password given for one's own login (`GET /school/me/failed-sign-ins`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedSignIn {
    /// When, in ms since the epoch.
    pub at: i64,
    /// The device name the attempt gave, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
}

/// The failed sign-ins to the caller's login in the last 30 days, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedSignIns {
    pub failures: Vec<FailedSignIn>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Revoked {
    pub revoked: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClassList {
    pub classes: Vec<Class>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InviteList {
    pub invites: Vec<Invite>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestsQuery {
    #[serde(default)]
    pub status: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestList {
    pub requests: Vec<JoinRequest>,
}

/// Its `Debug` leaves out the password or token it carries, which must never reach a log.
#[derive(Clone, Serialize, Deserialize)]
pub struct StatusRequest {
    pub request_token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rejection {
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SchoolSettings {
    pub join_requires_approval: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub marker: Option<i64>,
    #[serde(default)]
    pub count: Option<i64>,
    /// Only what this person did.
    #[serde(default)]
    pub actor: Option<i64>,
    /// Only this kind of action: the part before the dot (`user`, `invite`, `class`, …).
    #[serde(default)]
    pub kind: Option<String>,
    /// Only entries at or after this time (ms).
    #[serde(default)]
    pub from: Option<i64>,
    /// Only entries before this time (ms).
    #[serde(default)]
    pub to: Option<i64>,
}

/// `POST /school/login`: a password sign-in on a new device.
/// Its `Debug` leaves out the password or token it carries, which must never reach a log.
#[derive(Clone, Serialize, Deserialize)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
    pub device_name: String,
}

/// `POST /school/password-reset`: a forgotten password replaced with the one-time code the
/// administration handed over; signs this device in. Its `Debug` leaves out the code and the
/// password.
#[derive(Clone, Serialize, Deserialize)]
pub struct PasswordResetRedeem {
    pub code: String,
    pub new_password: String,
    pub device_name: String,
}

impl std::fmt::Debug for PasswordResetRedeem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordResetRedeem")
            .field("device_name", &self.device_name)
            .finish_non_exhaustive()
    }
}

/// `POST /school/users/{id}/password-reset`: the one-time code for a person who forgot their
/// password, shown this once to hand over in person.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordResetIssued {
    pub user_id: i64,
    /// Whose it is, to write on the slip.
    pub name: String,
    /// `XXXX-XXXX-XXXX`.
    pub code: String,
    pub expires_at: i64,
}

impl std::fmt::Debug for PasswordResetIssued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordResetIssued")
            .field("user_id", &self.user_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// The answer to a successful sign-in: the new device's token, shown this once.
/// Its `Debug` leaves out the password or token it carries, which must never reach a log.
#[derive(Clone, Serialize, Deserialize)]
pub struct LoginResult {
    pub user_id: i64,
    pub access_token: String,
}

/// One of a person's signed-in devices.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Device {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    /// When it last reached the server (up to a minute behind); none before its first use
    /// was saved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<i64>,
    /// Whether this is the device asking.
    pub current: bool,
}

/// A person as another person sees them: names always; phone and e-mail only for those the
/// permission matrix lets see contact details, and for oneself (procedure 8.3).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Profile {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// `PUT /school/me/contacts`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Contacts {
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// `POST /school/invites/redeem`: a newcomer's answer to an invite.
/// Its `Debug` leaves out the password or token it carries, which must never reach a log.
#[derive(Clone, Serialize, Deserialize)]
pub struct Redeem {
    pub code: String,
    pub first_name: String,
    #[serde(default)]
    pub last_name: Option<String>,
    /// For a parent: the child's name, unless the invite already names the child.
    #[serde(default)]
    pub child_name: Option<String>,
    pub login: String,
    pub password: String,
    pub device_name: String,
    /// Consent to the processing of personal data (procedure 8; required).
    #[serde(default)]
    pub consent_personal_data: bool,
}

/// The answer to a redemption or to a requester asking for the outcome.
/// Its `Debug` leaves out the password or token it carries, which must never reach a log.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct JoinOutcome {
    pub status: JoinStatus,
    /// The join request, when the school reviews newcomers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<i64>,
    /// What the requester presents to ask for the outcome (shown once, at redemption).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_token: Option<String>,
    /// The reason of a rejection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    /// The new device's token: given once, with the approval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("login", &self.login)
            .field("device_name", &self.device_name)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for LoginResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginResult")
            .field("user_id", &self.user_id)
            .field("access_token", &"<redacted>")
            .finish()
    }
}

impl std::fmt::Debug for Redeem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redeem")
            .field("login", &self.login)
            .field("device_name", &self.device_name)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for JoinOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinOutcome")
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("reason", &self.reason)
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordChange").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for StatusRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatusRequest").finish_non_exhaustive()
    }
}
