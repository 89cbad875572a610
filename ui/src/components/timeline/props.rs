//! What the timeline is given: the open chat's latest page (compared by identity), the older
//! history's changes, and what a person may do with a message.

use std::rc::Rc;

use parta_model::view::{ChatView, MessageView};
use yew::prelude::*;

use crate::i18n::Lang;
use crate::state::OlderChanges;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// The open chat with its latest messages; older ones are loaded here as one scrolls back.
    pub latest: Latest,
    /// Edits and deletions of the older messages.
    #[prop_or_default]
    pub older_changes: OlderChanges,
    pub lang: Lang,
    /// Retry a failed message (by its local id).
    pub on_retry: Callback<String>,
    /// Delete a message that did not go out.
    pub on_discard: Callback<String>,
    /// A message to bring into view and highlight (opened from search) instead of the newest.
    #[prop_or_default]
    pub focus: Option<String>,
    /// Uploads under way: (message local id, done, total bytes).
    #[prop_or_default]
    pub transfers: Vec<(String, u64, u64)>,
    /// Answer a message.
    #[prop_or_default]
    pub on_reply: Callback<MessageView>,
    /// Change one's own message.
    #[prop_or_default]
    pub on_edit: Callback<MessageView>,
    /// Delete one's own message (asked twice).
    #[prop_or_default]
    pub on_delete: Callback<String>,
    /// One administers the chat, so may pin a message.
    #[prop_or_default]
    pub can_pin: bool,
    /// The chat's pinned message.
    #[prop_or_default]
    pub pinned_mid: Option<String>,
    /// Pin a message (`Some`) or take the pin away (`None`).
    #[prop_or_default]
    pub on_pin: Callback<Option<String>>,
    /// Write privately to a message's author (by user id).
    #[prop_or_default]
    pub on_write_privately: Callback<i64>,
}

/// The open chat's latest messages as the app state holds them, compared by identity: a
/// timeline of thousands of messages is not compared message by message on every render.
#[derive(Clone, Debug)]
pub struct Latest(pub Rc<ChatView>);

impl PartialEq for Latest {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
