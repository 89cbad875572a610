//! `parta-server max check`: which bot the token belongs to, and which chats it is in with which
//! permissions, warning where it cannot read the members' messages.

use serde::Serialize;

use super::api::{MaxApi, MaxError};

/// The permission without which a bot sees a group chat's messages only when mentioned.
pub const READ_ALL: &str = "read_all_messages";

/// One chat the bot is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChatCheck {
    pub chat_id: i64,
    pub title: String,
    pub is_admin: bool,
    /// The bot's permissions there, as MAX names them.
    pub permissions: Vec<String>,
    /// Whether the bridge can carry this chat: the bot is an administrator that reads every
    /// message.
    pub can_bridge: bool,
}

/// What the check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    pub bot_id: i64,
    pub bot_name: String,
    pub username: Option<String>,
    pub chats: Vec<ChatCheck>,
}

/// Asks MAX who the bot is and what it may do in each of its chats.
pub async fn check(api: &MaxApi) -> Result<CheckReport, MaxError> {
    let me = api.me().await?;
    let mut chats = Vec::new();
    for chat in api.chats().await? {
        let membership = api.membership(chat.chat_id).await?;
        let permissions = membership.permissions.unwrap_or_default();
        let is_admin = membership.is_admin || membership.is_owner;
        chats.push(ChatCheck {
            chat_id: chat.chat_id,
            title: chat.title.unwrap_or_default(),
            is_admin,
            can_bridge: is_admin && permissions.iter().any(|p| p == READ_ALL),
            permissions,
        });
    }
    let name = match me.user.last_name.as_deref().filter(|l| !l.is_empty()) {
        Some(last) => format!("{} {last}", me.user.first_name),
        None => me.user.first_name.clone(),
    };
    Ok(CheckReport {
        bot_id: me.user.user_id,
        bot_name: name,
        username: me.user.username,
        chats,
    })
}

impl CheckReport {
    /// The report for a person: the bot, then each chat with a warning where the bridge cannot
    /// carry it and what to do about it.
    pub fn to_text(&self) -> String {
        let mut out = format!("bot: {} (id {}", self.bot_name, self.bot_id);
        if let Some(username) = &self.username {
            out.push_str(&format!(", @{username}"));
        }
        out.push_str(")\n");
        if self.chats.is_empty() {
            out.push_str(
                "chats: none — add the bot to the school's MAX chats as an administrator\n",
            );
        }
        for chat in &self.chats {
            let permissions = if chat.permissions.is_empty() {
                "no permissions".to_owned()
            } else {
                chat.permissions.join(", ")
            };
            out.push_str(&format!(
                "chat {} «{}»: {}; {permissions}\n",
                chat.chat_id,
                chat.title,
                if chat.is_admin {
                    "administrator"
                } else {
                    "member"
                }
            ));
            if !chat.can_bridge {
                out.push_str(&format!(
                    "  warning: the bot cannot read this chat's messages: make it an \
                     administrator with «{READ_ALL}» in MAX\n"
                ));
            }
        }
        out
    }
}
