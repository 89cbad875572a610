//! Other chats (procedure 4.3) for the person: making one with people picked from those they
//! share chats with, and, as its administrator, renaming it and changing its members. Each needs
//! the network; the chat list follows at once.

use parta_model::school::NewGroup;
use parta_model::view::{AppEvent, ChatSummary, MemberView};

use crate::error::{Error, Result};
use crate::store::CachedChat;

use super::Session;

impl Session {
    /// The people this person shares a chat with (asked of the server chat by chat), by name,
    /// oneself left out (known from the profile): whom a new chat's members are picked from.
    pub async fn people_to_pick(&self) -> Result<Vec<MemberView>> {
        let mut people: Vec<MemberView> = Vec::new();
        for chat in self.inner.cache.chats().await? {
            for member in self.members(chat.chat_id).await? {
                if !member.is_me && !people.iter().any(|p| p.user_id == member.user_id) {
                    people.push(MemberView {
                        is_admin: false,
                        ..member
                    });
                }
            }
        }
        people.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(people)
    }

    /// Makes another chat with `user_ids` (this person owns and administers it) and puts it in
    /// the cached chat list.
    pub async fn create_group(&self, title: &str, user_ids: &[i64]) -> Result<ChatSummary> {
        let title = title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(Error::InvalidInput(
                "a chat title has 1 to 200 characters".into(),
            ));
        }
        if user_ids.is_empty() {
            return Err(Error::InvalidInput("pick at least one member".into()));
        }
        let group = NewGroup {
            title: title.to_owned(),
            description: None,
            user_ids: user_ids.to_vec(),
        };
        let chat = self.inner.api.create_group(&group).await?;
        self.keep_chat(CachedChat::from_max(&chat)).await
    }

    /// Renames a chat one administers.
    pub async fn rename_chat(&self, chat_id: i64, title: &str) -> Result<ChatSummary> {
        let title = title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(Error::InvalidInput(
                "a chat title has 1 to 200 characters".into(),
            ));
        }
        let chat = self.inner.api.rename_chat(chat_id, title).await?;
        self.keep_chat(CachedChat::from_max(&chat)).await
    }

    /// Adds people to a chat one administers.
    pub async fn add_members(&self, chat_id: i64, user_ids: &[i64]) -> Result<Vec<MemberView>> {
        self.inner.api.add_members(chat_id, user_ids).await?;
        self.members(chat_id).await
    }

    /// Removes someone from a chat one administers.
    pub async fn remove_member(&self, chat_id: i64, user_id: i64) -> Result<Vec<MemberView>> {
        self.inner.api.remove_member(chat_id, user_id).await?;
        self.members(chat_id).await
    }

    /// Puts `chat` in the cached chat list (replacing its older copy) and tells the app.
    pub(super) async fn keep_chat(&self, chat: CachedChat) -> Result<ChatSummary> {
        let inner = &self.inner;
        let mut chats = inner.cache.chats().await?;
        chats.retain(|c| c.chat_id != chat.chat_id);
        chats.push(chat.clone());
        inner.cache.replace_chats(&chats).await?;
        let _ = inner.events.send(AppEvent::ChatsChanged);
        inner.summary(chat).await
    }
}
