//! MAX Bot API shapes (schema 0.0.33). Field names and optionality follow the schema; optional
//! fields are skipped when absent so that what we send validates against it.

use serde::{Deserialize, Serialize};

/// MAX's Bot API, as MAX documents it today (`platform-api2.max.ru`; the schema says only
/// `/`): the direct bot profile's default, and what the app shows as the address to expect.
pub const MAX_API_URL: &str = "https://platform-api2.max.ru";

/// Identifier of a user (`UserId`).
pub type UserId = i64;
/// Identifier of a chat (`ChatId`).
pub type ChatId = i64;

/// `User`: a person (or a bot) as MAX shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub user_id: UserId,
    pub first_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    pub is_bot: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_activity_time: Option<i64>,
    /// Parta extension: someone who writes from MAX through the school's bot, with no Parta
    /// account (the app marks them "MAX"). Absent (false) for everyone else.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub parta_max: bool,
}

impl User {
    /// "Имя Фамилия", or the first name alone.
    pub fn display_name(&self) -> String {
        match &self.last_name {
            Some(last) if !last.is_empty() => format!("{} {}", self.first_name, last),
            _ => self.first_name.clone(),
        }
    }
}

/// `BotInfo` (returned by `GET /me`): for a parta-server personal token "the bot" is the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotInfo {
    #[serde(flatten)]
    pub user: User,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_avatar_url: Option<String>,
}

/// `ChatType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatType {
    Dialog,
    Chat,
    Channel,
}

/// `ChatStatus`: the caller's status in the chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatStatus {
    Active,
    Removed,
    Left,
    Closed,
    Suspended,
}

/// `Chat`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chat {
    pub chat_id: ChatId,
    #[serde(rename = "type")]
    pub chat_type: ChatType,
    pub status: ChatStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub last_event_time: i64,
    pub participants_count: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<UserId>,
    pub is_public: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages_count: Option<i64>,
    /// Only returned when a single chat is requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned_message: Option<Box<Message>>,
    /// Parta extension: in a class chat of a school that warns before a whole book or a video
    /// is sent (procedure 6.2), the pages from which a PDF reads as a book. Absent elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parta_material_pages: Option<u32>,
}

/// `ChatList`: one page of chats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatList {
    pub chats: Vec<Chat>,
    #[serde(default)]
    pub marker: Option<i64>,
}

/// `Recipient`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_id: Option<ChatId>,
    pub chat_type: ChatType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
}

/// `MessageLinkType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageLinkType {
    Forward,
    Reply,
}

/// `Attachment`: kept opaque at this layer until files land (issue 4); only its type is read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<serde_json::Value>,
    /// `FileAttachment.filename`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// `FileAttachment.size`, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<i64>,
}

// `Attachment` holds JSON values, which are never NaN here (they come from JSON text).
impl Eq for Attachment {}

/// What `POST /uploads` answers: where to send the file (and, for video and audio, the token
/// at once, as MAX does).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadEndpoint {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// Where an upload stands (a GET on the upload URL, and the answer to each chunk).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadStatus {
    /// Bytes received so far: the next chunk starts here.
    pub received: u64,
    /// The whole size, once a chunk has said it.
    pub total: Option<u64>,
    pub complete: bool,
    /// The attachment token, once complete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// `MessageBody`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageBody {
    pub mid: String,
    pub seq: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<Attachment>>,
    /// Formatting over `text` (see [`crate::markup`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markup: Option<Vec<crate::markup::Markup>>,
}

/// `LinkedMessage`: the message a reply or forward points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedMessage {
    #[serde(rename = "type")]
    pub link_type: MessageLinkType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<User>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_id: Option<ChatId>,
    pub message: MessageBody,
}

/// `Message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<User>,
    pub recipient: Recipient,
    /// Unix time in milliseconds.
    pub timestamp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<LinkedMessage>,
    pub body: MessageBody,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Parta extension, in a chat carried to MAX: where this Parta message stands toward MAX
    /// (`queued`, `sent`, `failed`). Absent elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parta_max_state: Option<String>,
}

/// `MessageList`: newest first, as MAX returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageList {
    pub messages: Vec<Message>,
}

/// `TextFormat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextFormat {
    Markdown,
    Html,
}

/// `NewMessageLink`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMessageLink {
    #[serde(rename = "type")]
    pub link_type: MessageLinkType,
    pub mid: String,
}

/// `NewMessageBody`: what `POST /messages` takes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMessageBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<Attachment>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<NewMessageLink>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<TextFormat>,
}

/// Maximum length of a message text in characters (`NewMessageBody.text.maxLength`).
pub const MAX_TEXT_CHARS: usize = 4000;

/// `SendMessageResult`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendMessageResult {
    pub message: Message,
}

/// `Update`: one event, discriminated by `update_type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "update_type", rename_all = "snake_case")]
pub enum Update {
    MessageCreated {
        timestamp: i64,
        message: Message,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user_locale: Option<String>,
        /// Parta extension: the message arrived in the recipient's quiet hours; do not notify
        /// before this time (Unix ms).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parta_silent_until: Option<i64>,
    },
    MessageEdited {
        timestamp: i64,
        message: Message,
    },
    MessageRemoved {
        timestamp: i64,
        message_id: String,
        chat_id: ChatId,
        user_id: UserId,
    },
    UserAdded {
        timestamp: i64,
        chat_id: ChatId,
        user: User,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        inviter_id: Option<UserId>,
        is_channel: bool,
    },
    UserRemoved {
        timestamp: i64,
        chat_id: ChatId,
        user: User,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        admin_id: Option<UserId>,
        is_channel: bool,
    },
    ChatTitleChanged {
        timestamp: i64,
        chat_id: ChatId,
        user: User,
        title: String,
    },
    /// A button under a message was pressed (what the school's bot hears from MAX).
    MessageCallback {
        timestamp: i64,
        callback: Callback,
        /// The message with the button; absent when it was deleted meanwhile.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<Box<Message>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user_locale: Option<String>,
    },
    /// Parta extension, to the school's reviewers: someone redeemed an invite and waits for
    /// approval. Sent only to pollers that ask for it in `types`.
    PartaJoinRequest {
        timestamp: i64,
        request_id: i64,
        /// The role the invite grants (`parent`, `teacher`, …).
        role: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        class_id: Option<ChatId>,
        name: String,
    },
    /// Parta extension, to an announcement's author: a member acknowledged it ("Ознакомлен").
    /// Sent only to pollers that ask for it in `types`.
    PartaAnnouncementAcknowledged {
        timestamp: i64,
        chat_id: ChatId,
        message_id: String,
        user: User,
    },
    /// Parta extension, to the person concerned: their access was restricted (procedure 9.2).
    /// Sent only to pollers that ask for it in `types`.
    PartaRestricted {
        timestamp: i64,
        /// `read_only` or `blocked`.
        mode: String,
        reason: String,
        /// Unix ms at which it ends.
        until: i64,
    },
    /// Parta extension, to everyone who reads a class's lessons: a lesson was planned, changed
    /// or cancelled, or the class's timetable was imported (`lesson_id` absent). Sent only to
    /// pollers that ask for it in `types`.
    PartaLesson {
        timestamp: i64,
        class_id: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lesson_id: Option<i64>,
        /// `created`, `changed`, `cancelled` or `timetable`.
        change: String,
    },
    /// Parta extension, to a chat's members: a message of the chat reached MAX (`sent`), or
    /// MAX refused it (`failed`, with MAX's reason). Sent only to pollers that ask for it in
    /// `types`.
    PartaMaxState {
        timestamp: i64,
        chat_id: ChatId,
        message_id: String,
        state: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
    },
    /// Parta extension, to a chat's members: a message was pinned (`message_id`) or the pin
    /// removed (none). Sent only to pollers that ask for it in `types`.
    PartaChatPinned {
        timestamp: i64,
        chat_id: ChatId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_id: Option<String>,
    },
    /// An update type this build does not know; skipped, never an error.
    #[serde(other)]
    Unknown,
}

impl Update {
    /// The chat the update concerns, where it names one.
    pub fn chat_id(&self) -> Option<ChatId> {
        match self {
            Update::MessageCreated { message, .. } | Update::MessageEdited { message, .. } => {
                message.recipient.chat_id
            }
            Update::MessageRemoved { chat_id, .. }
            | Update::UserAdded { chat_id, .. }
            | Update::UserRemoved { chat_id, .. }
            | Update::ChatTitleChanged { chat_id, .. }
            | Update::PartaAnnouncementAcknowledged { chat_id, .. }
            | Update::PartaMaxState { chat_id, .. }
            | Update::PartaChatPinned { chat_id, .. } => Some(*chat_id),
            Update::MessageCallback { message, .. } => {
                message.as_ref().and_then(|m| m.recipient.chat_id)
            }
            Update::PartaJoinRequest { .. }
            | Update::PartaRestricted { .. }
            | Update::PartaLesson { .. }
            | Update::Unknown => None,
        }
    }
}

/// `Callback`: a button pressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Callback {
    pub timestamp: i64,
    pub callback_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    pub user: User,
}

/// `UpdateList`: a page of updates and the marker of the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateList {
    pub updates: Vec<Update>,
    #[serde(default)]
    pub marker: Option<i64>,
}

/// `ChatPatch`: what `PATCH /chats/{chatId}` changes (the icon is not supported by Parta).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<bool>,
}

/// `SimpleQueryResult`: the answer to writes that return nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimpleQueryResult {
    pub success: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl SimpleQueryResult {
    /// `{"success": true}`.
    pub fn ok() -> Self {
        Self {
            success: true,
            message: None,
        }
    }
}

crate::named::named_enum! {
    /// `ChatAdminPermission`; one MAX added later keeps a member list readable.
    ChatAdminPermission {
        ReadAllMessages => "read_all_messages",
        AddRemoveMembers => "add_remove_members",
        AddAdmins => "add_admins",
        ChangeChatInfo => "change_chat_info",
        PinMessage => "pin_message",
        EditLink => "edit_link",
        Write => "write",
        Edit => "edit",
        Delete => "delete",
        CanCall => "can_call",
        ViewStats => "view_stats",
    }
}

impl ChatAdminPermission {
    /// Every permission this code knows (what a chat's owner holds).
    pub const ALL: [ChatAdminPermission; 11] = [
        ChatAdminPermission::ReadAllMessages,
        ChatAdminPermission::AddRemoveMembers,
        ChatAdminPermission::AddAdmins,
        ChatAdminPermission::ChangeChatInfo,
        ChatAdminPermission::PinMessage,
        ChatAdminPermission::EditLink,
        ChatAdminPermission::Write,
        ChatAdminPermission::Edit,
        ChatAdminPermission::Delete,
        ChatAdminPermission::CanCall,
        ChatAdminPermission::ViewStats,
    ];
}

/// `ChatMember`: a member with membership details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMember {
    #[serde(flatten)]
    pub user: User,
    pub last_access_time: i64,
    pub is_owner: bool,
    pub is_admin: bool,
    pub join_time: i64,
    #[serde(default)]
    pub permissions: Option<Vec<ChatAdminPermission>>,
}

/// `ChatMembersList`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMembersList {
    pub members: Vec<ChatMember>,
    #[serde(default)]
    pub marker: Option<i64>,
}

/// `ChatAdmin`: an admin to appoint, with permissions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatAdmin {
    pub user_id: UserId,
    pub permissions: Vec<ChatAdminPermission>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
}

/// `ChatAdminsList`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatAdminsList {
    pub admins: Vec<ChatAdmin>,
}

/// `UserIdsList`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserIdsList {
    pub user_ids: Vec<UserId>,
}

/// `GetPinnedMessageResult`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetPinnedMessageResult {
    pub message: Option<Message>,
}

/// `PinMessageBody`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinMessageBody {
    pub message_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<bool>,
}

/// `SenderAction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SenderAction {
    TypingOn,
    SendingPhoto,
    SendingVideo,
    SendingAudio,
    SendingFile,
    MarkSeen,
}

/// `ActionRequestBody`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionRequestBody {
    pub action: SenderAction,
}

/// `Error`: the body of every error response, `{code, message}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_message() -> Message {
        Message {
            sender: Some(User {
                user_id: 7,
                first_name: "Анна".into(),
                last_name: Some("Соколова".into()),
                username: None,
                is_bot: false,
                last_activity_time: None,
                parta_max: false,
            }),
            recipient: Recipient {
                chat_id: Some(3),
                chat_type: ChatType::Chat,
                user_id: None,
            },
            timestamp: 1_700_000_000_000,
            link: None,
            parta_max_state: None,
            body: MessageBody {
                mid: "mid.00000000000000a1".into(),
                seq: 161,
                text: Some("Собрание в четверг в 18:00".into()),
                attachments: None,
                markup: None,
            },
            url: None,
        }
    }

    #[test]
    fn message_created_update_serializes_as_max_does() {
        let update = Update::MessageCreated {
            timestamp: 1_700_000_000_000,
            message: sample_message(),
            user_locale: None,
            parta_silent_until: None,
        };
        insta::assert_json_snapshot!(update);
    }

    #[test]
    fn unknown_update_types_are_skipped_not_rejected() {
        let json = r#"{"update_type":"bot_started","timestamp":1,"chat_id":1,"user":{}}"#;
        let update: Update = serde_json::from_str(json).expect("unknown types must parse");
        assert_eq!(update, Update::Unknown);
    }

    #[test]
    fn absent_optional_fields_are_not_sent_as_null() {
        // The schema marks these nullable; omitting them keeps requests minimal and
        // byte-for-byte what the official SDK sends for a plain text message.
        let body = NewMessageBody {
            text: Some("Привет".into()),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"text":"Привет"}"#
        );
    }

    #[test]
    fn display_name_joins_first_and_last_name() {
        let user = sample_message().sender.unwrap();
        assert_eq!(user.display_name(), "Анна Соколова");
    }

    #[test]
    fn a_permission_max_added_later_keeps_a_member_list_readable() {
        let json = r#"["read_all_messages","post_stories"]"#;
        let permissions: Vec<ChatAdminPermission> =
            serde_json::from_str(json).expect("a list with a new permission reads");
        assert_eq!(
            permissions,
            vec![
                ChatAdminPermission::ReadAllMessages,
                ChatAdminPermission::Other("post_stories".into())
            ]
        );
        assert_eq!(
            serde_json::to_string(&permissions).ok().as_deref(),
            Some(json)
        );
    }
}
