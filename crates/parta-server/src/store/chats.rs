//! Chats, their members and read state.

use async_trait::async_trait;
use parta_model::max::User;

use crate::store::Result;

/// A chat as one member sees it.
#[derive(Debug, Clone)]
pub struct ChatRecord {
    pub id: i64,
    /// `chat`, `dialog` or `channel`.
    pub chat_type: String,
    /// The procedure's kind: `teachers`, `class_parents`, …
    pub kind: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub owner_id: Option<i64>,
    pub pinned_mid: Option<String>,
    pub last_event_time: i64,
    /// Whether the member asking administers it.
    pub is_admin: bool,
    pub participants: i64,
    pub messages: i64,
}

/// A new chat of the school's structure.
#[derive(Debug, Clone, Copy)]
pub struct NewChat<'a> {
    /// The procedure's kind: `teachers`, `class_parents`, …
    pub kind: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub owner_id: Option<i64>,
    pub class_id: Option<i64>,
    pub created_at: i64,
}

/// A chat as the administration oversees it.
#[derive(Debug, Clone)]
pub struct SchoolChatRecord {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub members: i64,
    pub owner: Option<crate::store::people::NameRecord>,
    pub last_event_time: i64,
}

/// A member of a chat.
#[derive(Debug, Clone)]
pub struct MemberRecord {
    pub user: User,
    pub is_admin: bool,
    pub is_owner: bool,
    pub joined_at: i64,
    /// When they last marked the chat seen (their joining time if never).
    pub last_access: i64,
}

/// Statements about chats and members.
#[async_trait]
pub trait ChatRows {
    /// `user_id`'s chats with ids from `from` on, by id, at most `limit`.
    async fn chats_of(&mut self, user_id: i64, from: i64, limit: i64) -> Result<Vec<ChatRecord>>;
    /// One chat, if `user_id` is a member.
    async fn chat_for(&mut self, user_id: i64, chat_id: i64) -> Result<Option<ChatRecord>>;
    async fn chat_exists(&mut self, chat_id: i64) -> Result<bool>;
    /// The procedure's kind of a chat (`teachers`, `class_parents`, …).
    async fn chat_kind(&mut self, chat_id: i64) -> Result<Option<String>>;
    /// A chat's owner; `None` for an unknown chat, `Some(None)` for one without an owner.
    async fn chat_owner(&mut self, chat_id: i64) -> Result<Option<Option<i64>>>;
    /// The school chat of `kind` (for a class, of `class_id`): its id and title.
    async fn chat_by_kind(
        &mut self,
        kind: &str,
        class_id: Option<i64>,
    ) -> Result<Option<(i64, String)>>;
    /// The class chats `user_id` belongs in: the parents' and pupils' chats of the classes they
    /// teach or lead, the parents' chats of the classes they have a child in, the pupils' chats
    /// of the classes they are a pupil of.
    async fn class_chats_of(&mut self, user_id: i64) -> Result<Vec<i64>>;
    async fn insert_chat(&mut self, chat: NewChat<'_>) -> Result<i64>;
    /// Every chat but private conversations, by title, for the administration: (id, title,
    /// kind, members, owner with names, last event).
    async fn school_chats(&mut self) -> Result<Vec<SchoolChatRecord>>;
    /// The private conversation of two people, if they have one.
    async fn dialog_between(&mut self, a: i64, b: i64) -> Result<Option<i64>>;
    /// Makes `chat_id` (just inserted) the private conversation of `a` and `b`, as a MAX
    /// `dialog`.
    async fn insert_dialog(&mut self, a: i64, b: i64, chat_id: i64) -> Result<()>;
    /// The other person in a private conversation, by name.
    async fn dialog_partner(
        &mut self,
        chat_id: i64,
        user_id: i64,
    ) -> Result<Option<crate::store::people::NameRecord>>;
    async fn set_chat_title(&mut self, chat_id: i64, title: &str, at: i64) -> Result<()>;
    async fn set_chat_description(
        &mut self,
        chat_id: i64,
        description: Option<&str>,
        at: i64,
    ) -> Result<()>;
    /// Records that something happened in the chat at `at`.
    async fn touch_chat(&mut self, chat_id: i64, at: i64) -> Result<()>;
    async fn pinned_mid(&mut self, chat_id: i64) -> Result<Option<String>>;
    async fn set_pinned(&mut self, chat_id: i64, mid: Option<&str>) -> Result<()>;
    /// Unpins `mid` if it is the chat's pinned message.
    async fn unpin_if(&mut self, chat_id: i64, mid: &str) -> Result<()>;
    /// Links the demo's class chat titled `title` to its class.
    async fn link_class_chat(&mut self, title: &str, class_id: i64) -> Result<()>;

    async fn is_member(&mut self, chat_id: i64, user_id: i64) -> Result<bool>;
    /// A member's `(is_admin, is_owner)`, if a member.
    async fn admin_flags(&mut self, chat_id: i64, user_id: i64) -> Result<Option<(bool, bool)>>;
    async fn member(&mut self, chat_id: i64, user_id: i64) -> Result<Option<MemberRecord>>;
    /// Members with ids from `from` on, by id, at most `limit`.
    async fn members(&mut self, chat_id: i64, from: i64, limit: i64) -> Result<Vec<MemberRecord>>;
    /// The chat's admins and owner, by id.
    async fn admins(&mut self, chat_id: i64) -> Result<Vec<MemberRecord>>;
    /// Adds a member; false if they were one already (nothing changes then).
    async fn add_member(
        &mut self,
        chat_id: i64,
        user_id: i64,
        is_admin: bool,
        at: i64,
    ) -> Result<bool>;
    /// Makes `user_id` a member and an admin, whether or not they were a member.
    async fn add_admin_member(&mut self, chat_id: i64, user_id: i64, at: i64) -> Result<()>;
    /// Removes a member; false if they were not one.
    async fn remove_member(&mut self, chat_id: i64, user_id: i64) -> Result<bool>;
    /// Grants or takes away admin rights; false if `user_id` is not a member.
    async fn set_admin(&mut self, chat_id: i64, user_id: i64, admin: bool) -> Result<bool>;
    /// The chats a person is a member of.
    async fn member_chat_ids(&mut self, user_id: i64) -> Result<Vec<i64>>;
    /// The roles among a chat's members (each once).
    async fn member_roles(&mut self, chat_id: i64) -> Result<Vec<parta_model::school::Role>>;
    /// Records that `user_id` has read the chat up to `seq` (never moving backwards).
    async fn mark_read(&mut self, chat_id: i64, user_id: i64, seq: i64, at: i64) -> Result<()>;
}
