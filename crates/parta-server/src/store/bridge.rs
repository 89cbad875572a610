//! The MAX bridge's rows: which MAX chat is carried into which Parta chat, the people who write
//! from MAX, which MAX message is which Parta message, and the bridge's own progress.

use async_trait::async_trait;

use crate::store::Result;
use crate::store::updates::UpdateRecord;

/// A MAX chat carried into a Parta chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaxLinkRecord {
    pub chat_id: i64,
    pub chat_title: String,
    pub max_chat_id: i64,
    pub max_title: Option<String>,
    pub linked_by: i64,
    pub linked_at: i64,
    /// Updates of the Parta chat above this id go out to MAX.
    pub from_update: i64,
}

/// A link to make.
#[derive(Debug, Clone, Copy)]
pub struct NewMaxLink<'a> {
    pub chat_id: i64,
    pub max_chat_id: i64,
    pub max_title: Option<&'a str>,
    pub linked_by: i64,
    pub linked_at: i64,
    pub from_update: i64,
}

/// Which way a message crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Written in MAX, carried into Parta.
    In,
    /// Written in Parta, carried out to MAX.
    Out,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }
}

/// A Parta message's copy in MAX.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaxCopyRecord {
    pub max_mid: String,
    pub mid: String,
    pub part: i64,
    pub direction: Direction,
}

/// An update of a linked chat waiting to go out, with the MAX chat it goes to.
#[derive(Debug, Clone)]
pub struct OutgoingRecord {
    pub update: UpdateRecord,
    pub max_chat_id: i64,
}

/// A message from MAX the school's policy would have refused from a Parta user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaxFlagRecord {
    pub mid: String,
    pub chat_id: i64,
    pub rule: String,
    pub at: i64,
}

/// Statements about the MAX bridge.
#[async_trait]
pub trait BridgeRows {
    /// Every link, by Parta chat id.
    async fn max_links(&mut self) -> Result<Vec<MaxLinkRecord>>;
    /// The link of a Parta chat.
    async fn max_link_of_chat(&mut self, chat_id: i64) -> Result<Option<MaxLinkRecord>>;
    /// The link of a MAX chat.
    async fn max_link_of_max_chat(&mut self, max_chat_id: i64) -> Result<Option<MaxLinkRecord>>;
    /// Makes a link; false if either chat is linked already (nothing changes then).
    async fn insert_max_link(&mut self, link: NewMaxLink<'_>) -> Result<bool>;
    /// Removes a Parta chat's link; false if it had none.
    async fn delete_max_link(&mut self, chat_id: i64) -> Result<bool>;
    /// Records the MAX chat's title as MAX last named it.
    async fn set_max_title(&mut self, chat_id: i64, title: &str) -> Result<()>;

    /// The Parta user standing for a MAX user, if they wrote or joined before.
    async fn max_person(&mut self, max_user_id: i64) -> Result<Option<i64>>;
    /// A Parta user for a MAX user: a parent's rights, no login, no devices.
    async fn insert_max_person(
        &mut self,
        max_user_id: i64,
        first_name: &str,
        last_name: Option<&str>,
        at: i64,
    ) -> Result<i64>;
    /// Keeps a MAX person's names as MAX shows them now.
    async fn set_names(
        &mut self,
        user_id: i64,
        first_name: &str,
        last_name: Option<&str>,
    ) -> Result<()>;
    /// Whether `user_id` writes from MAX.
    async fn is_max_person(&mut self, user_id: i64) -> Result<bool>;
    /// The school's group chats (not private conversations), by title: what may be linked.
    async fn group_chats(&mut self) -> Result<Vec<(i64, String)>>;
    /// The name of the class whose chat this is ("5А"), if it is a class's chat.
    async fn chat_class_name(&mut self, chat_id: i64) -> Result<Option<String>>;

    /// The Parta side of a MAX message.
    async fn max_copy(&mut self, max_mid: &str) -> Result<Option<MaxCopyRecord>>;
    /// The MAX copies of a Parta message, by part.
    async fn max_copies_of(&mut self, mid: &str) -> Result<Vec<MaxCopyRecord>>;
    /// Records a MAX copy; false if that MAX message is known already.
    async fn insert_max_copy(&mut self, copy: &MaxCopyRecord, at: i64) -> Result<bool>;

    /// A value of the bridge's own state.
    async fn max_state(&mut self, key: &str) -> Result<Option<String>>;
    async fn set_max_state(&mut self, key: &str, value: &str) -> Result<()>;
    async fn delete_max_state(&mut self, key: &str) -> Result<()>;

    /// Updates of linked chats above `after` (and above each link's start), oldest first.
    async fn outgoing_after(&mut self, after: i64, limit: i64) -> Result<Vec<OutgoingRecord>>;
    /// How many such updates there are above `after`, and when the oldest was made (ms).
    async fn outgoing_backlog(&mut self, after: i64) -> Result<(i64, Option<i64>)>;

    /// Where a Parta message stands toward MAX.
    async fn set_delivery(
        &mut self,
        mid: &str,
        state: &str,
        detail: Option<&str>,
        at: i64,
    ) -> Result<()>;
    async fn delivery(&mut self, mid: &str) -> Result<Option<(String, Option<String>)>>;

    /// Flags a message from MAX for the chat's administrators.
    async fn insert_max_flag(&mut self, flag: &MaxFlagRecord) -> Result<()>;
    /// A chat's flagged messages, newest first.
    async fn max_flags(&mut self, chat_id: i64, limit: i64) -> Result<Vec<MaxFlagRecord>>;
}
