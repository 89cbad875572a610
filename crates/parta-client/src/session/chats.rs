//! Reading chats from the cache (and the server where it helps): the list, a chat's timeline
//! and older history, members, read marks, drafts, the caller's role and the policy's notes.

use parta_model::view::{ChatSummary, ChatView, MemberView, MessageView};

use crate::error::{Error, Result};
use crate::session::config::{CHAT_PAGE, OLDER_PAGE_MAX};
use crate::store::{CachedChat, CachedMessage, Side};

use super::Session;

impl Session {
    /// The chat list from the cache, most recent first.
    pub async fn chats(&self) -> Result<Vec<ChatSummary>> {
        let chats = self.inner.cache.chats().await?;
        let mut out = Vec::with_capacity(chats.len());
        for chat in chats {
            out.push(self.inner.summary(chat).await?);
        }
        Ok(out)
    }

    /// Every cached message of a chat, oldest first (for export).
    pub async fn all_messages(&self, chat_id: i64) -> Result<Vec<MessageView>> {
        let messages = self.inner.cache.latest_messages(chat_id, u32::MAX).await?;
        Ok(messages.into_iter().map(|m| self.inner.view(m)).collect())
    }

    /// An opened chat from the cache: header, pinned announcement and newest messages.
    pub async fn open_chat(&self, chat_id: i64) -> Result<ChatView> {
        let store = &self.inner.cache;
        let chat = match store.chat(chat_id).await? {
            Some(chat) => chat,
            // Just made (a private conversation, another chat) and overwritten by a sync that
            // listed the chats a moment before: asked of the server and kept again.
            None => match self.inner.api.chat(chat_id).await {
                Ok(full) => {
                    self.keep_chat(crate::store::CachedChat::from_max(&full))
                        .await?;
                    store.chat(chat_id).await?.ok_or_else(|| {
                        Error::InvalidInput(format!("chat {chat_id} is not in the cache"))
                    })?
                }
                Err(_) => {
                    return Err(Error::InvalidInput(format!(
                        "chat {chat_id} is not in the cache"
                    )));
                }
            },
        };
        let pinned = match &chat.pinned_mid {
            Some(mid) => store.message(mid).await?.map(|m| self.inner.view(m)),
            None => None,
        };
        let messages = store.latest_messages(chat_id, CHAT_PAGE).await?;
        let description = chat.description.clone();
        let mut views: Vec<MessageView> =
            messages.into_iter().map(|m| self.inner.view(m)).collect();
        // Messages still in the outbox come last, as pending (or failed).
        for item in store.outbox().await? {
            if item.chat_id == chat_id {
                views.push(self.inner.outbox_view(&item));
            }
        }
        Ok(ChatView {
            chat: self.inner.summary(chat).await?,
            description,
            pinned,
            messages: views,
        })
    }

    /// A chat opened at one message (a search result): the message with up to [`CHAT_PAGE`]
    /// / 2 cached messages on each side, oldest first.
    pub async fn open_chat_at(&self, chat_id: i64, mid: &str) -> Result<ChatView> {
        let store = &self.inner.cache;
        let target = store
            .message(mid)
            .await?
            .filter(|m| m.chat_id == chat_id)
            .ok_or_else(|| Error::InvalidInput("this message is no longer in the chat".into()))?;
        let mut view = self.open_chat(chat_id).await?;
        let anchor = (target.timestamp, target.seq);
        let mut messages = store
            .messages_beside(chat_id, anchor, Side::Before, CHAT_PAGE / 2)
            .await?;
        messages.push(target);
        messages.extend(
            store
                .messages_beside(chat_id, anchor, Side::After, CHAT_PAGE / 2)
                .await?,
        );
        view.messages = messages.into_iter().map(|m| self.inner.view(m)).collect();
        Ok(view)
    }

    /// Up to [`CHAT_PAGE`] messages older than `mid`, oldest first (scrolling back): from the
    /// cache, and when the cache runs out (history older than the first sync fetched), from the
    /// server, kept in the cache for next time. Offline, what the cache has.
    pub async fn older_messages(&self, chat_id: i64, mid: &str) -> Result<Vec<MessageView>> {
        self.older_page(chat_id, mid, CHAT_PAGE).await
    }

    /// Like [`Self::older_messages`], up to `limit` messages (1 to [`OLDER_PAGE_MAX`]): the
    /// desktop timeline asks for big pages while one scrolls fast through a long history.
    pub async fn older_page(
        &self,
        chat_id: i64,
        mid: &str,
        limit: u32,
    ) -> Result<Vec<MessageView>> {
        let limit = limit.clamp(1, OLDER_PAGE_MAX);
        let inner = &self.inner;
        let store = &inner.cache;
        let Some(anchor) = store.message(mid).await? else {
            return Ok(Vec::new());
        };
        let key = (anchor.timestamp, anchor.seq);
        let mut older = store
            .messages_beside(chat_id, key, Side::Before, limit)
            .await?;
        if older.len() < limit as usize {
            // The page right before the anchor (`from` includes the anchor itself: one more),
            // at most MAX's 100 a request.
            let count = u8::try_from((limit + 1).min(100)).unwrap_or(100);
            match inner
                .api
                .messages(chat_id, count, Some(anchor.timestamp))
                .await
            {
                Ok(page) => {
                    let fetched: Vec<CachedMessage> = page
                        .messages
                        .iter()
                        .filter_map(CachedMessage::from_max)
                        .filter(|m| m.chat_id == chat_id)
                        .collect();
                    store.upsert_messages(&fetched).await?;
                    older = store
                        .messages_beside(chat_id, key, Side::Before, limit)
                        .await?;
                }
                Err(Error::Offline(_) | Error::RateLimited { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(older.into_iter().map(|m| inner.view(m)).collect())
    }

    /// Marks a chat read up to its newest cached message, and tells the server (`mark_seen`)
    /// when it can be reached; offline, the mark is kept here all the same.
    pub async fn mark_read(&self, chat_id: i64) -> Result<()> {
        let inner = &self.inner;
        let newest = inner.cache.latest_messages(chat_id, 1).await?.pop();
        if let Some(m) = newest {
            inner.cache.mark_read(chat_id, (m.timestamp, m.seq)).await?;
        }
        if let Err(e) = inner.api.mark_seen(chat_id).await {
            tracing::info!(error = %e, "mark_seen did not reach the server");
        }
        Ok(())
    }

    /// A chat's members: from the server (and remembered), or from the cache when offline.
    pub async fn members(&self, chat_id: i64) -> Result<Vec<MemberView>> {
        let inner = &self.inner;
        match inner.api.members(chat_id).await {
            Ok(list) => {
                let members: Vec<MemberView> = list
                    .iter()
                    .map(|m| MemberView {
                        user_id: m.user.user_id,
                        name: m.user.display_name(),
                        is_admin: m.is_admin || m.is_owner,
                        is_me: false,
                    })
                    .collect();
                inner.cache.replace_members(chat_id, &members).await?;
            }
            Err(Error::Offline(_) | Error::RateLimited { .. }) => {}
            Err(e) => return Err(e),
        }
        let mut members = inner.cache.members(chat_id).await?;
        // The profile's person (a MAX bot profile has none: nobody is marked).
        for m in &mut members {
            m.is_me = Some(m.user_id) == inner.user_id;
        }
        Ok(members)
    }

    /// Keeps what is being written in a chat (an empty text removes the draft).
    pub async fn save_draft(&self, chat_id: i64, text: &str) -> Result<()> {
        self.inner
            .cache
            .save_draft(chat_id, text, self.inner.now_ms())
            .await?;
        Ok(())
    }

    /// What was being written in a chat, if anything.
    pub async fn draft(&self, chat_id: i64) -> Result<Option<String>> {
        Ok(self.inner.cache.draft(chat_id).await?)
    }

    /// Carries out an administrative request for the signed-in person (the server decides
    /// whether they may).
    pub async fn admin(
        &self,
        request: &parta_model::school::AdminRequest,
    ) -> Result<parta_model::school::AdminReply> {
        self.inner.api.admin(request).await
    }

    /// The private conversation with `user_id` (procedure 2.5), made if this person may start
    /// it; in the cached chat list at once (the `user_added` update brings the rest a moment
    /// later), so the app opens it. Needs the network.
    pub async fn open_dialog(&self, user_id: i64) -> Result<ChatSummary> {
        let chat = self.inner.api.open_dialog(user_id).await?;
        self.keep_chat(CachedChat::from_max(&chat)).await
    }

    /// Whether this person administers the chat (may pin, add and remove members), asked of
    /// the server; offline, or for a chat that is gone, `false`.
    pub async fn is_chat_admin(&self, chat_id: i64) -> bool {
        self.inner.api.is_chat_admin(chat_id).await.unwrap_or(false)
    }

    /// Pins a message of the chat, or unpins with `None` (chat administrators). Everyone's
    /// app, this one's too, shows it when the server's update arrives.
    pub async fn pin(&self, chat_id: i64, mid: Option<&str>) -> Result<()> {
        self.inner.api.pin(chat_id, mid).await
    }

    /// The signed-in person's role at the school (what the app's sections depend on); `None`
    /// for a profile without a person (a MAX bot).
    pub async fn role(&self) -> Result<Option<parta_model::school::Role>> {
        match self.inner.user_id {
            Some(user_id) => Ok(Some(self.inner.api.role_of(user_id).await?)),
            None => Ok(None),
        }
    }

    /// What the school's rules (procedure 5.1, 6.1, 6.2, 8) find in `text`, before it is sent:
    /// obscene, insulting or discriminatory words, and personal data. Checked with the class
    /// chats' rules, the strictest the app meets; only a warning here — the school's server
    /// decides what it refuses. Works offline.
    pub fn check_text(&self, text: &str) -> Vec<parta_model::view::PolicyNote> {
        let verdict = parta_policy::check_text(
            &parta_policy::Policy::default(),
            parta_policy::ChatKind::ClassParents,
            text,
        );
        let mut notes: Vec<parta_model::view::PolicyNote> = Vec::new();
        for finding in verdict.findings {
            let note = parta_model::view::PolicyNote {
                rule: match finding.rule {
                    parta_policy::Rule::Ethics => "ethics",
                    parta_policy::Rule::PersonalData => "personal_data",
                }
                .to_owned(),
                kind: finding.kind,
            };
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
        notes
    }
}
