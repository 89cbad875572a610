//! What MAX sends the bridge: updates of the chats the bot administers. Each is read on its
//! own, so one of a type this server does not know (MAX adds types over time) is kept out of
//! the way, never a failed page.

use parta_model::max::{ChatId, Message, User, UserId};
use serde::Deserialize;

/// The payload of the «Ознакомлен» button under an announcement sent to MAX, before the
/// announcement's id.
pub const ACK_PREFIX: &str = "ack:";

/// The update types the bridge asks MAX for.
pub const UPDATE_TYPES: [&str; 7] = [
    "message_created",
    "message_edited",
    "message_removed",
    "user_added",
    "user_removed",
    "chat_title_changed",
    "message_callback",
];

/// One update from MAX.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "update_type", rename_all = "snake_case")]
pub enum MaxUpdate {
    MessageCreated {
        timestamp: i64,
        message: Message,
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
    },
    UserRemoved {
        timestamp: i64,
        chat_id: ChatId,
        user: User,
    },
    ChatTitleChanged {
        timestamp: i64,
        chat_id: ChatId,
        user: User,
        title: String,
    },
    MessageCallback {
        timestamp: i64,
        callback: Callback,
        #[serde(default)]
        message: Option<Message>,
    },
    /// A type the bridge does not carry (`bot_started`, `dialog_muted`, new ones).
    #[serde(other)]
    Unknown,
}

/// `Callback`: a button pressed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Callback {
    pub timestamp: i64,
    pub callback_id: String,
    #[serde(default)]
    pub payload: Option<String>,
    pub user: User,
}

impl MaxUpdate {
    /// Reads one update as MAX sent it; an update of a known type this server cannot read is
    /// an error naming the type.
    pub fn read(value: &serde_json::Value) -> Result<MaxUpdate, String> {
        serde_json::from_value(value.clone()).map_err(|e| {
            let kind = value
                .get("update_type")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("(no update_type)");
            format!("a {kind} update could not be read: {e}")
        })
    }

    /// The MAX chat the update concerns.
    pub fn max_chat_id(&self) -> Option<ChatId> {
        match self {
            MaxUpdate::MessageCreated { message, .. }
            | MaxUpdate::MessageEdited { message, .. } => message.recipient.chat_id,
            MaxUpdate::MessageRemoved { chat_id, .. }
            | MaxUpdate::UserAdded { chat_id, .. }
            | MaxUpdate::UserRemoved { chat_id, .. }
            | MaxUpdate::ChatTitleChanged { chat_id, .. } => Some(*chat_id),
            MaxUpdate::MessageCallback { message, .. } => {
                message.as_ref().and_then(|m| m.recipient.chat_id)
            }
            MaxUpdate::Unknown => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_type_max_adds_later_reads_as_unknown() {
        let value = serde_json::json!({"update_type": "message_chat_created", "timestamp": 1});
        assert_eq!(MaxUpdate::read(&value), Ok(MaxUpdate::Unknown));
    }

    #[test]
    fn a_known_type_with_a_broken_body_names_its_type() {
        let value = serde_json::json!({"update_type": "message_created", "timestamp": 1});
        let error = MaxUpdate::read(&value).unwrap_err();
        assert!(error.starts_with("a message_created update"), "{error}");
    }
}
