//! `/school/max/*`: the school's MAX chats carried into Parta chats through the school's bot
//! (the MAX bridge).

use serde::{Deserialize, Serialize};

/// A MAX chat carried into a Parta chat.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MaxLink {
    pub chat_id: i64,
    pub chat_title: String,
    pub max_chat_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_title: Option<String>,
    pub linked_by: i64,
    pub linked_at: i64,
}

/// A MAX chat the school's bot is in.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MaxChatOffer {
    pub max_chat_id: i64,
    pub title: String,
    /// The bot is an administrator that reads every message (`read_all_messages`): without
    /// it the bridge sees only messages that mention the bot.
    pub can_bridge: bool,
    /// The bot's permissions there, as MAX names them.
    pub permissions: Vec<String>,
    /// The Parta chat it is linked to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked_chat_id: Option<i64>,
}

/// What `GET /school/max/links` answers: the links, and the bot's chats when the server can
/// reach MAX.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MaxLinks {
    /// Whether this server has a MAX bot configured.
    pub configured: bool,
    /// The bot's name at MAX, when it answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot_name: Option<String>,
    pub links: Vec<MaxLink>,
    /// The MAX chats the bot is in (empty without a bot, or when MAX did not answer).
    pub chats: Vec<MaxChatOffer>,
    /// Why the chats are missing, in a sentence, when MAX did not answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// The school's group chats a MAX chat may be linked to.
    #[serde(default)]
    pub parta_chats: Vec<ChatChoice>,
}

/// A Parta chat to choose.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ChatChoice {
    pub chat_id: i64,
    pub title: String,
}

/// `POST /school/max/links`: carry a MAX chat into a Parta chat.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LinkMaxChat {
    pub chat_id: i64,
    pub max_chat_id: i64,
}

/// A message from MAX the school's policy would have refused from a Parta user, shown to the
/// chat's administrators (`GET /school/max/flags?chat_id=`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MaxFlag {
    pub message_id: String,
    pub chat_id: i64,
    /// `ethics` or `personal_data`.
    pub rule: String,
    pub at: i64,
}

/// The flags of a chat, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MaxFlagList {
    pub flags: Vec<MaxFlag>,
}

/// Where a Parta message stands toward MAX (`GET /school/max/delivery?message_id=`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MaxDelivery {
    pub message_id: String,
    /// `none` (not a linked chat), `queued`, `sent` or `failed`.
    pub state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}
