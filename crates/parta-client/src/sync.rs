//! A signed-in session: reads from the cache, syncs with the server, follows `GET /updates`
//! and publishes [`AppEvent`]s.
//!
//! States (published as [`ConnectionState`]): `Connecting` until the first sync succeeds,
//! `Online` while long polls succeed, `Offline` after a transport failure, then `Connecting`
//! again on each retry (exponential backoff with jitter). The cache is always readable, whatever
//! the state. A rejected token ends the loop; nothing else does until [`Session::stop`].
//!
//! The outbox is a persisted state machine (table `outbox` in the cache, `synchronous=FULL`):
//!
//! ```text
//! written ──▶ pending ──send ok──▶ sent (row removed, message cached, MessageSent event)
//!               │  ▲
//!   transport   │  │ retry when due (exponential backoff with jitter), when the connection
//!   error       ▼  │ returns, on every new message, and at start-up
//!            pending (attempts + 1, next_attempt_at)
//!               │
//!   4xx refusal ▼
//!            failed(reason) — kept and shown, never retried by itself
//! ```
//! Every attempt carries the item's local id as `Idempotency-Key`, so a retry after a lost
//! answer returns the first message instead of posting a second one: exactly once.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use parta_policy::files::FileRules;

use parta_model::max::{self, MAX_TEXT_CHARS, NewMessageBody, Update};
use parta_model::view::{
    AnnouncementStatus, AnnouncementView, AppEvent, AttachmentView, ChatSummary, ChatView,
    ConnectionState, Delivery, MemberView, MessageView, ReceiptsView, ReplyView, SearchHit,
    TextFragment,
};
use rand::Rng;
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use crate::api::ApiClient;
use crate::error::{Error, Result};
use crate::files;
use crate::now_ms;
use crate::search::Query;
use crate::store::{Batch, CachedChat, CachedMessage, OutboxFile, OutboxItem, Side, Store};

/// Tuning of a session; the defaults suit a desktop.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// Long-poll wait per request (MAX allows up to 90 s).
    pub poll_timeout: Duration,
    /// First retry delay after a failure.
    pub backoff_initial: Duration,
    /// Longest retry delay.
    pub backoff_max: Duration,
    /// Messages per `GET /messages` page (MAX allows up to 100).
    pub page_size: u8,
    /// How far back a first sync fetches each chat's history; a later sync fetches only what
    /// is new since the newest cached message (the gap left while offline), up to this many.
    pub history_per_chat: u32,
    /// Where files waiting to be sent and files kept for reading offline live; without it,
    /// sending and opening files is refused.
    pub files_dir: Option<PathBuf>,
    /// Size of the offline file cache, in bytes (least recently opened files go first).
    pub file_cache_limit: u64,
    /// What files may be sent (checked before sending; the server checks again).
    pub file_rules: FileRules,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            poll_timeout: Duration::from_secs(30),
            backoff_initial: Duration::from_millis(250),
            backoff_max: Duration::from_secs(5),
            page_size: 100,
            history_per_chat: 1000,
            files_dir: None,
            file_cache_limit: 1024 * 1024 * 1024,
            file_rules: FileRules::default(),
        }
    }
}

/// How many messages an opened chat shows first.
pub const CHAT_PAGE: u32 = 50;
/// The largest image shown in the timeline itself (bigger ones open in the system's viewer).
pub const PREVIEW_MAX_BYTES: u64 = 4 * 1024 * 1024;

/// The media type of an image the webview shows, by its first bytes.
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// The most messages one page of older history holds.
pub const OLDER_PAGE_MAX: u32 = 200;

/// Messages fetched by a sync are stored in transactions of at least this many.
const STORE_BATCH: usize = 5_000;

/// How many search results are returned at most.
pub const SEARCH_LIMIT: u32 = 100;

struct Inner {
    profile_id: String,
    user_id: Option<i64>,
    api: ApiClient,
    store: Arc<dyn Store>,
    config: SessionConfig,
    events: broadcast::Sender<AppEvent>,
    connection: watch::Sender<ConnectionState>,
    stop: watch::Sender<bool>,
    /// Wakes the outbox worker (a new message, or the connection came back).
    outbox_wake: tokio::sync::Notify,
    /// Held while the outbox is being sent.
    outbox_lock: tokio::sync::Mutex<()>,
    task: std::sync::Mutex<Vec<JoinHandle<()>>>,
}

/// A running session for one profile. Clones share the session.
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

impl Session {
    /// Starts syncing in the background. Reads work at once, from the cache.
    pub fn start(
        profile_id: String,
        user_id: Option<i64>,
        api: ApiClient,
        store: Arc<dyn Store>,
        config: SessionConfig,
    ) -> Self {
        let (events, _) = broadcast::channel(1024);
        let inner = Arc::new(Inner {
            profile_id,
            user_id,
            api,
            store,
            config,
            events,
            connection: watch::Sender::new(ConnectionState::Connecting),
            stop: watch::Sender::new(false),
            outbox_wake: tokio::sync::Notify::new(),
            outbox_lock: tokio::sync::Mutex::new(()),
            task: std::sync::Mutex::new(Vec::new()),
        });
        let sync = tokio::spawn(run(inner.clone()));
        // Also picks up messages left in the outbox by an earlier run of the app.
        let outbox = tokio::spawn(run_outbox(inner.clone()));
        if let Ok(mut tasks) = inner.task.lock() {
            tasks.extend([sync, outbox]);
        }
        Self { inner }
    }

    /// The profile this session belongs to.
    pub fn profile_id(&self) -> &str {
        &self.inner.profile_id
    }

    /// Events from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<AppEvent> {
        self.inner.events.subscribe()
    }

    /// The connection state, now and as it changes.
    pub fn connection(&self) -> watch::Receiver<ConnectionState> {
        self.inner.connection.subscribe()
    }

    /// The chat list from the cache, most recent first.
    pub async fn chats(&self) -> Result<Vec<ChatSummary>> {
        let chats = self.inner.store.chats(&self.inner.profile_id).await?;
        let mut out = Vec::with_capacity(chats.len());
        for chat in chats {
            out.push(self.inner.summary(chat).await?);
        }
        Ok(out)
    }

    /// Every cached message of a chat, oldest first (for export).
    pub async fn all_messages(&self, chat_id: i64) -> Result<Vec<MessageView>> {
        let messages = self
            .inner
            .store
            .latest_messages(&self.inner.profile_id, chat_id, u32::MAX)
            .await?;
        Ok(messages.into_iter().map(|m| self.inner.view(m)).collect())
    }

    /// An opened chat from the cache: header, pinned announcement and newest messages.
    pub async fn open_chat(&self, chat_id: i64) -> Result<ChatView> {
        let store = &self.inner.store;
        let profile = &self.inner.profile_id;
        let chat = store
            .chat(profile, chat_id)
            .await?
            .ok_or_else(|| Error::InvalidInput(format!("chat {chat_id} is not in the cache")))?;
        let pinned = match &chat.pinned_mid {
            Some(mid) => store
                .message(profile, mid)
                .await?
                .map(|m| self.inner.view(m)),
            None => None,
        };
        let messages = store.latest_messages(profile, chat_id, CHAT_PAGE).await?;
        let description = chat.description.clone();
        let mut views: Vec<MessageView> =
            messages.into_iter().map(|m| self.inner.view(m)).collect();
        // Messages still in the outbox come last, as pending (or failed).
        for item in store.outbox(profile).await? {
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

    /// Searches every cached message (offline; Russian morphology, see [`crate::search`]),
    /// newest first, within one chat if `chat_id` is given. An empty query finds nothing.
    pub async fn search(&self, query: &str, chat_id: Option<i64>) -> Result<Vec<SearchHit>> {
        let Some(query) = Query::parse(query) else {
            return Ok(Vec::new());
        };
        let store = &self.inner.store;
        let profile = &self.inner.profile_id;
        let found = store.search(profile, &query, chat_id, SEARCH_LIMIT).await?;
        let mut titles: Vec<(i64, String)> = Vec::new();
        let mut hits = Vec::with_capacity(found.len());
        for message in found {
            let title = match titles.iter().find(|(id, _)| *id == message.chat_id) {
                Some((_, title)) => title.clone(),
                None => {
                    let title = store
                        .chat(profile, message.chat_id)
                        .await?
                        .map(|c| c.title)
                        .unwrap_or_default();
                    titles.push((message.chat_id, title.clone()));
                    title
                }
            };
            let fragments = query
                .highlight(&message.text)
                .into_iter()
                .map(|(text, matched)| TextFragment { text, matched })
                .collect();
            hits.push(SearchHit {
                message: self.inner.view(message),
                chat_title: title,
                fragments,
            });
        }
        Ok(hits)
    }

    /// A chat opened at one message (a search result): the message with up to [`CHAT_PAGE`]
    /// / 2 cached messages on each side, oldest first.
    pub async fn open_chat_at(&self, chat_id: i64, mid: &str) -> Result<ChatView> {
        let store = &self.inner.store;
        let profile = &self.inner.profile_id;
        let target = store
            .message(profile, mid)
            .await?
            .filter(|m| m.chat_id == chat_id)
            .ok_or_else(|| Error::InvalidInput("this message is no longer in the chat".into()))?;
        let mut view = self.open_chat(chat_id).await?;
        let anchor = (target.timestamp, target.seq);
        let mut messages = store
            .messages_beside(profile, chat_id, anchor, Side::Before, CHAT_PAGE / 2)
            .await?;
        messages.push(target);
        messages.extend(
            store
                .messages_beside(profile, chat_id, anchor, Side::After, CHAT_PAGE / 2)
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
        let store = &inner.store;
        let profile = &inner.profile_id;
        let Some(anchor) = store.message(profile, mid).await? else {
            return Ok(Vec::new());
        };
        let key = (anchor.timestamp, anchor.seq);
        let mut older = store
            .messages_beside(profile, chat_id, key, Side::Before, limit)
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
                    store.upsert_messages(profile, &fetched).await?;
                    older = store
                        .messages_beside(profile, chat_id, key, Side::Before, limit)
                        .await?;
                }
                Err(Error::Offline(_) | Error::RateLimited { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(older.into_iter().map(|m| inner.view(m)).collect())
    }

    /// Whether `mid` is an announcement and whether this person acknowledged it: from the
    /// server, remembered in the cache, and from the cache when the server cannot be reached.
    pub async fn announcement_status(&self, mid: &str) -> Result<AnnouncementStatus> {
        let inner = &self.inner;
        match inner.api.announcements().await {
            Ok(list) => {
                inner
                    .store
                    .set_announcements(&inner.profile_id, &list)
                    .await?;
                let found = list.iter().find(|(m, _)| m == mid);
                Ok(AnnouncementStatus {
                    is_announcement: found.is_some(),
                    acknowledged: found.is_some_and(|(_, acknowledged)| *acknowledged),
                })
            }
            Err(Error::Offline(_) | Error::RateLimited { .. }) => {
                let cached = inner.store.announcement(&inner.profile_id, mid).await?;
                Ok(AnnouncementStatus {
                    is_announcement: cached.is_some(),
                    acknowledged: cached == Some(true),
                })
            }
            Err(e) => Err(e),
        }
    }

    /// The announcements of this person's chats, newest first: from the server (their messages
    /// and acknowledgements kept in the cache), or from the cache when offline.
    pub async fn announcements(&self) -> Result<Vec<AnnouncementView>> {
        let inner = &self.inner;
        let store = &inner.store;
        let profile = &inner.profile_id;
        match inner.api.announcement_list().await {
            Ok(list) => {
                let messages: Vec<CachedMessage> = list
                    .iter()
                    .filter_map(|(m, _, _)| CachedMessage::from_max(m))
                    .collect();
                store.upsert_messages(profile, &messages).await?;
                let flags: Vec<(String, bool)> = list
                    .iter()
                    .map(|(message, _, acknowledged)| (message.body.mid.clone(), *acknowledged))
                    .collect();
                store.set_announcements(profile, &flags).await?;
            }
            Err(Error::Offline(_) | Error::RateLimited { .. }) => {}
            Err(e) => return Err(e),
        }
        let mut out = Vec::new();
        for (mid, acknowledged) in store.announcements(profile).await? {
            let Some(message) = store.message(profile, &mid).await? else {
                continue;
            };
            let chat_title = store
                .chat(profile, message.chat_id)
                .await?
                .map(|c| c.title)
                .unwrap_or_default();
            out.push(AnnouncementView {
                message: inner.view(message),
                chat_title,
                acknowledged,
            });
        }
        Ok(out)
    }

    /// The lessons starting in `[from, to)`: from the server, kept for offline reading; from
    /// the cache while offline. The flag tells whether they came from the cache.
    pub async fn lessons(
        &self,
        from: i64,
        to: i64,
    ) -> Result<(Vec<parta_model::lessons::Lesson>, bool)> {
        let inner = &self.inner;
        match inner.api.lessons(from, to).await {
            Ok(lessons) => {
                let rows = lessons
                    .iter()
                    .map(|l| {
                        serde_json::to_string(l)
                            .map(|json| (l.id, l.starts_at, json))
                            .map_err(|e| Error::Internal(format!("a lesson to cache: {e}")))
                    })
                    .collect::<Result<Vec<_>>>()?;
                inner
                    .store
                    .replace_lessons(&inner.profile_id, from, to, &rows)
                    .await?;
                Ok((lessons, false))
            }
            Err(Error::Offline(_) | Error::RateLimited { .. }) => {
                let cached = inner.store.lessons(&inner.profile_id, from, to).await?;
                // A row this build cannot read is skipped, not fatal: it is only a cache.
                let lessons = cached
                    .iter()
                    .filter_map(|json| serde_json::from_str(json).ok())
                    .collect();
                Ok((lessons, true))
            }
            Err(e) => Err(e),
        }
    }

    /// The lessons to remind of now: starting within `lead_ms` of `now`, not cancelled, not
    /// reminded of before on this computer (kept across restarts). Reads them fresh from the
    /// server first, or from the cache while offline.
    pub async fn lesson_reminders(
        &self,
        now: i64,
        lead_ms: i64,
    ) -> Result<Vec<parta_model::lessons::Lesson>> {
        let (lessons, _) = self.lessons(now, now + lead_ms + 1).await?;
        let mut due = Vec::new();
        for lesson in lessons {
            if lesson.cancelled || lesson.starts_at < now {
                continue;
            }
            if self
                .inner
                .store
                .mark_reminded(&self.inner.profile_id, lesson.id, lesson.starts_at)
                .await?
            {
                due.push(lesson);
            }
        }
        Ok(due)
    }

    /// Whether a lesson may be recorded (and, for its teacher, who answered what).
    pub async fn lesson_recording(&self, id: i64) -> Result<parta_model::lessons::RecordingStatus> {
        self.inner.api.lesson_recording(id).await
    }

    /// A parent's answer about recording a lesson, for the child.
    pub async fn answer_lesson_consent(
        &self,
        id: i64,
        consent: bool,
    ) -> Result<parta_model::lessons::RecordingStatus> {
        self.inner.api.answer_lesson_consent(id, consent).await
    }

    /// Reports joining ("Подключиться") or leaving a lesson.
    pub async fn lesson_presence(
        &self,
        id: i64,
        present: bool,
    ) -> Result<parta_model::lessons::RecordingStatus> {
        self.inner.api.lesson_presence(id, present).await
    }

    /// The teacher starts or stops a lesson's recording.
    pub async fn switch_lesson_recording(
        &self,
        id: i64,
        recording: bool,
    ) -> Result<parta_model::lessons::RecordingStatus> {
        self.inner.api.switch_lesson_recording(id, recording).await
    }

    /// Uploads files as a lesson's materials, after those it has: each checked by the school's
    /// rules first, so a refused file is a sentence before anything is sent. Nothing changes
    /// on the lesson unless every file is uploaded.
    pub async fn add_lesson_materials(
        &self,
        id: i64,
        paths: &[PathBuf],
    ) -> Result<parta_model::lessons::Lesson> {
        let rules = &self.inner.config.file_rules;
        let mut checked = Vec::with_capacity(paths.len());
        for path in paths {
            let (size, kind) = files::check(path, rules).await?;
            checked.push(OutboxFile {
                name: files::display_name(path),
                path: path.clone(),
                size,
                kind: kind.to_owned(),
                upload_url: None,
                token: None,
            });
        }
        let lesson = self.inner.api.lesson(id).await?;
        let mut tokens: Vec<String> = lesson
            .materials
            .iter()
            .filter_map(|a| {
                a.payload
                    .as_ref()?
                    .get("token")?
                    .as_str()
                    .map(str::to_owned)
            })
            .collect();
        for mut file in checked {
            let prepared = files::prepare(&self.inner.api, &mut file).await?;
            let (events, id, name) = (
                self.inner.events.clone(),
                format!("material:{}", file.name),
                file.name.clone(),
            );
            let token =
                files::transfer(&self.inner.api, &mut file, prepared, move |done, total| {
                    let _ = events.send(AppEvent::TransferProgress {
                        id: id.clone(),
                        name: name.clone(),
                        done,
                        total,
                        upload: true,
                    });
                })
                .await?;
            tokens.push(token);
        }
        let patch = parta_model::lessons::LessonPatch {
            materials: Some(tokens),
            ..Default::default()
        };
        self.inner.api.change_lesson(id, &patch).await
    }

    /// Acknowledges an announcement ("Ознакомлен").
    pub async fn acknowledge(&self, mid: &str) -> Result<()> {
        self.inner.api.acknowledge(mid).await?;
        self.inner
            .store
            .set_announcements(&self.inner.profile_id, &[(mid.to_owned(), true)])
            .await?;
        Ok(())
    }

    /// Keeps what is being written in a chat (an empty text removes the draft).
    pub async fn save_draft(&self, chat_id: i64, text: &str) -> Result<()> {
        self.inner
            .store
            .save_draft(&self.inner.profile_id, chat_id, text, now_ms())
            .await?;
        Ok(())
    }

    /// What was being written in a chat, if anything.
    pub async fn draft(&self, chat_id: i64) -> Result<Option<String>> {
        Ok(self
            .inner
            .store
            .draft(&self.inner.profile_id, chat_id)
            .await?)
    }

    /// Marks a chat read up to its newest cached message, and tells the server (`mark_seen`)
    /// when it can be reached; offline, the mark is kept here all the same.
    pub async fn mark_read(&self, chat_id: i64) -> Result<()> {
        let inner = &self.inner;
        let newest = inner
            .store
            .latest_messages(&inner.profile_id, chat_id, 1)
            .await?
            .pop();
        if let Some(m) = newest {
            inner
                .store
                .mark_read(&inner.profile_id, chat_id, (m.timestamp, m.seq))
                .await?;
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
                    })
                    .collect();
                inner
                    .store
                    .replace_members(&inner.profile_id, chat_id, &members)
                    .await?;
                Ok(inner.store.members(&inner.profile_id, chat_id).await?)
            }
            Err(Error::Offline(_) | Error::RateLimited { .. }) => {
                Ok(inner.store.members(&inner.profile_id, chat_id).await?)
            }
            Err(e) => Err(e),
        }
    }

    /// Carries out an administrative request for the signed-in person (the server decides
    /// whether they may).
    pub async fn admin(
        &self,
        request: &parta_model::school::AdminRequest,
    ) -> Result<parta_model::school::AdminReply> {
        self.inner.api.admin(request).await
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

    /// Replaces the text of one's own sent message (MAX markdown). Needs the network; the
    /// change reaches the cache and the timeline as `message_edited`, as on every device.
    pub async fn edit(&self, mid: &str, text: &str) -> Result<()> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS {
            return Err(Error::InvalidInput(format!(
                "a message has 1 to {MAX_TEXT_CHARS} characters"
            )));
        }
        let body = NewMessageBody {
            text: Some(text.to_owned()),
            format: Some(max::TextFormat::Markdown),
            ..Default::default()
        };
        self.inner.api.edit_message(mid, &body).await
    }

    /// Deletes a sent message (one's own; a chat's admins any). Needs the network; it leaves
    /// the cache and the timeline as `message_removed`.
    pub async fn delete(&self, mid: &str) -> Result<()> {
        self.inner.api.delete_message(mid).await
    }

    /// The files of the cached messages (of one chat, or all), newest first, with whether
    /// each is kept on this computer; works offline.
    pub async fn files(&self, chat_id: Option<i64>) -> Result<Vec<parta_model::view::FileView>> {
        let inner = &self.inner;
        let messages = inner
            .store
            .messages_with_files(&inner.profile_id, chat_id, 500)
            .await?;
        let titles: std::collections::HashMap<i64, String> = inner
            .store
            .chats(&inner.profile_id)
            .await?
            .into_iter()
            .map(|c| (c.chat_id, c.title))
            .collect();
        let mut out = Vec::new();
        for m in messages {
            for attachment in m.attachments {
                let kept = match &attachment.token {
                    Some(token) => inner.store.file(token).await?.is_some(),
                    None => false,
                };
                out.push(parta_model::view::FileView {
                    chat_id: m.chat_id,
                    chat_title: titles.get(&m.chat_id).cloned().unwrap_or_default(),
                    mid: m.mid.clone(),
                    sender_name: m.sender_name.clone(),
                    timestamp: m.timestamp,
                    attachment,
                    kept,
                });
            }
        }
        Ok(out)
    }

    /// Schedules `text` (MAX markdown) for `chat_id` at `send_at` (Unix ms); the school's
    /// server sends it then, also while this computer is off. Needs the network now.
    pub async fn schedule(
        &self,
        chat_id: i64,
        text: &str,
        send_at: i64,
    ) -> Result<parta_model::school::Scheduled> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > max::MAX_TEXT_CHARS {
            return Err(Error::InvalidInput(format!(
                "a message has 1 to {} characters",
                max::MAX_TEXT_CHARS
            )));
        }
        if send_at <= now_ms() {
            return Err(Error::InvalidInput("the send time has passed".into()));
        }
        let body = NewMessageBody {
            text: Some(text.to_owned()),
            format: Some(max::TextFormat::Markdown),
            ..Default::default()
        };
        self.inner.api.schedule(chat_id, &body, send_at).await
    }

    /// This person's pending scheduled messages in `chat_id`, soonest first.
    pub async fn scheduled(&self, chat_id: i64) -> Result<Vec<parta_model::school::Scheduled>> {
        let mut list: Vec<_> = self
            .inner
            .api
            .scheduled()
            .await?
            .into_iter()
            .filter(|s| {
                s.chat_id == chat_id && s.status == parta_model::school::ScheduleStatus::Pending
            })
            .collect();
        list.sort_by_key(|s| s.send_at);
        Ok(list)
    }

    /// Cancels a pending scheduled message.
    pub async fn cancel_scheduled(&self, id: i64) -> Result<()> {
        self.inner.api.cancel_scheduled(id).await.map(|_| ())
    }

    /// Who has acknowledged an announcement (for its author).
    pub async fn receipts(&self, mid: &str) -> Result<ReceiptsView> {
        let (acknowledged, read, pending) = self.inner.api.receipts(mid).await?;
        Ok(ReceiptsView {
            acknowledged,
            read,
            pending,
        })
    }

    /// Writes a text message: it is saved in the outbox first (so it survives a crash or a
    /// lost connection), shown at once as pending, and sent by the outbox worker as soon as the
    /// server can be reached, with its local id as the `Idempotency-Key`, so that it is
    /// delivered exactly once however often it is retried.
    pub async fn send_text(&self, chat_id: i64, text: &str) -> Result<MessageView> {
        self.send(chat_id, text, &[])
            .await?
            .pop()
            .ok_or_else(|| Error::InvalidInput("the message is empty".into()))
    }

    /// Writes a message with files. Each file is checked first (format by content, size, image
    /// dimensions: a refusal is a sentence naming the file), then copied into the app's data
    /// directory, so the message and its files are in the outbox before anything is sent. The
    /// worker uploads them (resuming after an interruption or a restart) and then sends the
    /// message, exactly once.
    ///
    /// MAX allows a document or audio file only alone on its message, so such files go as
    /// messages of their own, in order, after the one with the text and any photos and videos.
    pub async fn send(
        &self,
        chat_id: i64,
        text: &str,
        paths: &[PathBuf],
    ) -> Result<Vec<MessageView>> {
        self.compose(chat_id, text, paths, None).await
    }

    /// Writes a reply to `reply_to` (a message id), through the outbox like any message.
    pub async fn send_reply(
        &self,
        chat_id: i64,
        text: &str,
        reply_to: &str,
    ) -> Result<MessageView> {
        self.compose(chat_id, text, &[], Some(reply_to.to_owned()))
            .await?
            .pop()
            .ok_or_else(|| Error::InvalidInput("the message is empty".into()))
    }

    async fn compose(
        &self,
        chat_id: i64,
        text: &str,
        paths: &[PathBuf],
        reply_to: Option<String>,
    ) -> Result<Vec<MessageView>> {
        let text = text.trim();
        if text.is_empty() && paths.is_empty() {
            return Err(Error::InvalidInput("the message is empty".into()));
        }
        let chars = text.chars().count();
        if chars > MAX_TEXT_CHARS {
            return Err(Error::InvalidInput(format!(
                "the message has {chars} characters; the limit is {MAX_TEXT_CHARS}"
            )));
        }
        let rules = &self.inner.config.file_rules;
        let mut media = Vec::new();
        let mut alone = Vec::new();
        for path in paths {
            let (_, kind) = files::check(path, rules).await?;
            if kind == "file" || kind == "audio" {
                alone.push(vec![path.clone()]);
            } else {
                media.push(path.clone());
            }
        }
        let mut groups = Vec::new();
        if !media.is_empty() || alone.is_empty() {
            groups.push((text.to_owned(), media));
        }
        for (n, group) in alone.into_iter().enumerate() {
            // With no text or media, the text rides with the first document.
            let caption = if n == 0 && groups.is_empty() {
                text.to_owned()
            } else {
                String::new()
            };
            groups.push((caption, group));
        }
        let created_at = now_ms();
        let mut views = Vec::with_capacity(groups.len());
        for (n, (caption, group)) in groups.into_iter().enumerate() {
            let local_id = uuid::Uuid::new_v4().to_string();
            let attachments = if group.is_empty() {
                Vec::new()
            } else {
                files::stage(self.inner.files_dir()?, &local_id, &group, rules).await?
            };
            let item = OutboxItem {
                local_id,
                chat_id,
                text: caption,
                // One millisecond apart: the outbox sends oldest first.
                created_at: created_at + i64::try_from(n).unwrap_or(0),
                attempts: 0,
                next_attempt_at: 0,
                failed: None,
                attachments,
                // A reply is the first message of what was written.
                reply_to: if n == 0 { reply_to.clone() } else { None },
            };
            if let Err(e) = self
                .inner
                .store
                .outbox_push(&self.inner.profile_id, &item)
                .await
            {
                if let Ok(dir) = self.inner.files_dir() {
                    files::unstage(dir, &item.local_id).await;
                }
                return Err(e.into());
            }
            let view = self.inner.outbox_view(&item);
            let _ = self.inner.events.send(AppEvent::MessageAdded {
                message: view.clone(),
            });
            views.push(view);
        }
        self.inner.outbox_wake.notify_one();
        Ok(views)
    }

    /// A file attached to a message, from the offline cache or downloaded into it (resuming an
    /// interrupted download). Publishes [`AppEvent::TransferProgress`] while downloading.
    pub async fn open_file(&self, token: &str, name: &str) -> Result<PathBuf> {
        let inner = &self.inner;
        let dir = inner.files_dir()?;
        let events = inner.events.clone();
        let (id, shown) = (token.to_owned(), name.to_owned());
        files::fetch(
            &inner.api,
            inner.store.as_ref(),
            dir,
            token,
            name,
            inner.config.file_cache_limit,
            move |done, total| {
                let _ = events.send(AppEvent::TransferProgress {
                    id: id.clone(),
                    name: shown.clone(),
                    done,
                    total,
                    upload: false,
                });
            },
        )
        .await
    }

    /// An image attachment for showing in the timeline: downloaded into the offline file cache
    /// (once; offline from there), then its bytes and their media type, when it is a JPEG,
    /// PNG, GIF or WebP of at most [`PREVIEW_MAX_BYTES`]. `None` for anything else: that is
    /// opened with the system's application instead.
    pub async fn image_preview(
        &self,
        token: &str,
        name: &str,
    ) -> Result<Option<(&'static str, Vec<u8>)>> {
        let path = self.open_file(token, name).await?;
        let size = tokio::fs::metadata(&path)
            .await
            .map_err(|e| Error::Internal(format!("a kept file: {e}")))?
            .len();
        if size > PREVIEW_MAX_BYTES {
            return Ok(None);
        }
        let bytes = tokio::fs::read(&path)
            .await
            .map_err(|e| Error::Internal(format!("a kept file: {e}")))?;
        Ok(image_type(&bytes).map(|mime| (mime, bytes)))
    }

    /// Everything still in the outbox (pending or failed), oldest first.
    pub async fn outbox(&self) -> Result<Vec<MessageView>> {
        let items = self.inner.store.outbox(&self.inner.profile_id).await?;
        Ok(items.iter().map(|i| self.inner.outbox_view(i)).collect())
    }

    async fn outbox_item(&self, local_mid: &str) -> Result<OutboxItem> {
        let local_id = local_mid
            .strip_prefix(LOCAL_MID_PREFIX)
            .unwrap_or(local_mid);
        self.inner
            .store
            .outbox(&self.inner.profile_id)
            .await?
            .into_iter()
            .find(|i| i.local_id == local_id)
            .ok_or_else(|| {
                Error::InvalidInput("this message is no longer waiting to be sent".into())
            })
    }

    /// Tries a failed (or waiting) message again now.
    pub async fn retry(&self, local_mid: &str) -> Result<MessageView> {
        let mut item = self.outbox_item(local_mid).await?;
        item.failed = None;
        item.attempts = 0;
        item.next_attempt_at = 0;
        self.inner
            .store
            .outbox_update(&self.inner.profile_id, &item)
            .await?;
        let view = self.inner.outbox_view(&item);
        let _ = self.inner.events.send(AppEvent::MessageUpdated {
            message: view.clone(),
        });
        self.inner.outbox_wake.notify_one();
        Ok(view)
    }

    /// Gives up on a message that has not reached the server.
    pub async fn discard(&self, local_mid: &str) -> Result<()> {
        let item = self.outbox_item(local_mid).await?;
        self.inner
            .store
            .outbox_remove(&self.inner.profile_id, &item.local_id)
            .await?;
        if let Ok(dir) = self.inner.files_dir() {
            files::unstage(dir, &item.local_id).await;
        }
        let mid = format!("{LOCAL_MID_PREFIX}{}", item.local_id);
        let _ = self.inner.events.send(AppEvent::MessageRemoved {
            chat_id: item.chat_id,
            mid,
        });
        Ok(())
    }

    /// Sends everything in the outbox that is due, now (normally the worker does this).
    pub async fn flush_outbox(&self) -> Result<()> {
        self.inner.drain_outbox().await
    }

    /// Sends everything waiting now, whatever its retry time ("sync now"), and returns the
    /// first error. Messages the server refused stay failed until [`Session::retry`].
    pub async fn send_now(&self) -> Result<()> {
        let inner = &self.inner;
        let _one = inner.outbox_lock.lock().await;
        for mut item in inner.store.outbox(&inner.profile_id).await? {
            if item.failed.is_none() && item.next_attempt_at != 0 {
                item.next_attempt_at = 0;
                inner.store.outbox_update(&inner.profile_id, &item).await?;
            }
        }
        inner.drain_locked().await
    }

    /// Stops syncing and waits for the background task to end.
    pub async fn stop(&self) {
        let _ = self.inner.stop.send(true);
        self.inner.outbox_wake.notify_one();
        let tasks = self
            .inner
            .task
            .lock()
            .map(|mut t| std::mem::take(&mut *t))
            .unwrap_or_default();
        for task in tasks {
            let _ = task.await;
        }
    }
}

/// Prefix of the ids of messages not yet on the server.
pub const LOCAL_MID_PREFIX: &str = "local.";

impl Inner {
    fn outbox_view(&self, item: &OutboxItem) -> MessageView {
        // Shown as it will look once the server has parsed its Markdown.
        let (text, markup) = parta_model::markup::parse_markdown(&item.text);
        MessageView {
            mid: format!("{LOCAL_MID_PREFIX}{}", item.local_id),
            chat_id: item.chat_id,
            // Not on the server yet: no sequence number. (Order comes from the timestamp; a
            // huge placeholder would not survive the trip through JavaScript numbers.)
            seq: 0,
            sender_id: self.user_id,
            sender_name: String::new(),
            text,
            timestamp: item.created_at,
            is_own: true,
            delivery: match &item.failed {
                Some(reason) => Delivery::Failed {
                    reason: reason.clone(),
                },
                None => Delivery::Pending,
            },
            attachments: item
                .attachments
                .iter()
                .map(|f| AttachmentView {
                    kind: f.kind.clone(),
                    name: f.name.clone(),
                    size: Some(f.size),
                    token: f.token.clone(),
                })
                .collect(),
            // The quoted message is in the timeline; its id is enough to find it.
            reply_to: item.reply_to.as_ref().map(|mid| ReplyView {
                mid: mid.clone(),
                sender_name: String::new(),
                text: String::new(),
            }),
            markup,
        }
    }

    /// Sends due outbox items, oldest first; stops at the first that cannot go yet, so that
    /// messages arrive in the order they were written.
    async fn drain_outbox(&self) -> Result<()> {
        // One drain at a time (the worker, a flush, "send now"): two would upload the same
        // file into the same upload at once.
        let _one = self.outbox_lock.lock().await;
        self.drain_locked().await
    }

    async fn drain_locked(&self) -> Result<()> {
        for mut item in self.store.outbox(&self.profile_id).await? {
            if item.failed.is_some() {
                continue;
            }
            if item.next_attempt_at > now_ms() {
                return Ok(());
            }
            match self.deliver(&mut item).await {
                Ok(sent) => {
                    let message = CachedMessage::from_max(&sent.message)
                        .ok_or_else(|| Error::Protocol("the sent message names no chat".into()))?;
                    self.store
                        .outbox_delivered(&self.profile_id, &item.local_id, &message)
                        .await?;
                    // The sender keeps the files for reading offline, without downloading them.
                    if let Ok(dir) = self.files_dir() {
                        for file in &item.attachments {
                            if let Err(e) = files::adopt(
                                self.store.as_ref(),
                                dir,
                                file,
                                self.config.file_cache_limit,
                            )
                            .await
                            {
                                tracing::info!(error = %e, "a sent file was not kept offline");
                            }
                        }
                        files::unstage(dir, &item.local_id).await;
                    }
                    let _ = self.events.send(AppEvent::MessageSent {
                        local_mid: format!("{LOCAL_MID_PREFIX}{}", item.local_id),
                        message: self.view(message),
                    });
                }
                Err(Error::Server {
                    status, message, ..
                }) if (400..500).contains(&status) && status != 429 => {
                    // Refused for good (e.g. no longer a member): keep it, say why.
                    item.failed = Some(message);
                    self.store.outbox_update(&self.profile_id, &item).await?;
                    let _ = self.events.send(AppEvent::MessageUpdated {
                        message: self.outbox_view(&item),
                    });
                }
                Err(e) => {
                    item.attempts = item.attempts.saturating_add(1);
                    let mut delay = self.backoff(item.attempts.min(16));
                    if let Error::RateLimited { retry_after } = &e {
                        delay = delay.max(*retry_after);
                    }
                    item.next_attempt_at =
                        now_ms() + i64::try_from(delay.as_millis()).unwrap_or(i64::MAX);
                    self.store.outbox_update(&self.profile_id, &item).await?;
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    fn files_dir(&self) -> Result<&Path> {
        self.config.files_dir.as_deref().ok_or_else(|| {
            Error::InvalidInput("files cannot be sent or opened in this session".into())
        })
    }

    /// Uploads the item's files that have no token yet (saving progress in the outbox, so a
    /// restart resumes), then sends the message with its `Idempotency-Key`.
    async fn deliver(&self, item: &mut OutboxItem) -> Result<max::SendMessageResult> {
        let local_mid = format!("{LOCAL_MID_PREFIX}{}", item.local_id);
        for index in 0..item.attachments.len() {
            if item.attachments[index].token.is_some() {
                continue;
            }
            let mut file = item.attachments[index].clone();
            let prepared = files::prepare(&self.api, &mut file).await?;
            if prepared.created {
                // The URL is saved before any byte goes: a restart resumes there.
                item.attachments[index] = file.clone();
                self.store.outbox_update(&self.profile_id, item).await?;
            }
            let events = self.events.clone();
            let (id, name) = (local_mid.clone(), file.name.clone());
            files::transfer(&self.api, &mut file, prepared, move |done, total| {
                let _ = events.send(AppEvent::TransferProgress {
                    id: id.clone(),
                    name: name.clone(),
                    done,
                    total,
                    upload: true,
                });
            })
            .await?;
            item.attachments[index] = file;
            self.store.outbox_update(&self.profile_id, item).await?;
        }
        let attachments: Vec<max::Attachment> = item
            .attachments
            .iter()
            .filter_map(|f| {
                Some(max::Attachment {
                    kind: f.kind.clone(),
                    payload: Some(serde_json::json!({ "token": f.token.as_ref()? })),
                    filename: None,
                    size: None,
                })
            })
            .collect();
        let body = NewMessageBody {
            text: (!item.text.is_empty()).then(|| item.text.clone()),
            attachments: (!attachments.is_empty()).then_some(attachments),
            link: item.reply_to.as_ref().map(|mid| max::NewMessageLink {
                link_type: max::MessageLinkType::Reply,
                mid: mid.clone(),
            }),
            // What people type is MAX-flavoured Markdown; the server stores plain text and
            // ranges.
            format: Some(max::TextFormat::Markdown),
            ..Default::default()
        };
        self.api
            .send_message(item.chat_id, &body, &item.local_id)
            .await
    }

    fn view(&self, m: CachedMessage) -> MessageView {
        MessageView {
            is_own: self.user_id.is_some() && m.sender_id == self.user_id,
            mid: m.mid,
            chat_id: m.chat_id,
            seq: m.seq,
            sender_id: m.sender_id,
            sender_name: m.sender_name,
            text: m.text,
            timestamp: m.timestamp,
            delivery: Delivery::Sent,
            attachments: m.attachments,
            reply_to: m.reply_to,
            markup: m.markup,
        }
    }

    async fn summary(&self, chat: CachedChat) -> Result<ChatSummary> {
        let last = self
            .store
            .latest_messages(&self.profile_id, chat.chat_id, 1)
            .await?
            .pop();
        Ok(ChatSummary {
            chat_id: chat.chat_id,
            title: chat.title,
            participants_count: chat.participants_count,
            last_event_time: chat.last_event_time,
            last_message: last.map(|m| self.view(m)),
            unread: self
                .store
                .unread(&self.profile_id, chat.chat_id, self.user_id)
                .await?,
        })
    }

    fn set_connection(&self, state: ConnectionState) {
        let changed = self.connection.send_if_modified(|current| {
            let changed = *current != state;
            *current = state;
            changed
        });
        if changed {
            let _ = self.events.send(AppEvent::Connection { state });
            if state == ConnectionState::Online {
                self.outbox_wake.notify_one();
            }
        }
    }

    fn stopped(&self) -> bool {
        *self.stop.borrow()
    }

    /// Fetches the chat list, then each chat's history: back to the newest message already
    /// cached (filling the gap left while offline) or [`SessionConfig::history_per_chat`]
    /// messages, whichever comes first. Publishes [`AppEvent::SyncProgress`] after each chat.
    async fn resync(&self) -> Result<()> {
        let chats = self.api.all_chats().await?;
        let total = u32::try_from(chats.len()).unwrap_or(u32::MAX);
        self.progress(0, total, 0);
        let mut cached = Vec::with_capacity(chats.len());
        let mut pinned = Vec::new();
        for chat in &chats {
            // The list omits the pinned message; a single chat includes it.
            let full = self.api.chat(chat.chat_id).await?;
            pinned.extend(
                full.pinned_message
                    .as_deref()
                    .and_then(CachedMessage::from_max),
            );
            cached.push(CachedChat::from_max(&full));
        }
        self.store.replace_chats(&self.profile_id, &cached).await?;
        self.store
            .upsert_messages(&self.profile_id, &pinned)
            .await?;
        let _ = self.events.send(AppEvent::ChatsChanged);
        let mut fetched = 0u32;
        // Several chats' history goes into one transaction (each costs a WAL commit that
        // rewrites the pages it touched; chats' histories interleave in time, so they touch
        // many): committed every STORE_BATCH messages and at the end.
        let mut pending: Vec<CachedMessage> = Vec::new();
        for (done, chat) in cached.iter().enumerate() {
            let history = self.backfill(chat.chat_id).await?;
            fetched = fetched.saturating_add(u32::try_from(history.len()).unwrap_or(u32::MAX));
            pending.extend(history);
            if pending.len() >= STORE_BATCH {
                self.store
                    .upsert_messages(&self.profile_id, &std::mem::take(&mut pending))
                    .await?;
            }
            let done = u32::try_from(done + 1).unwrap_or(u32::MAX);
            // The last step is announced once everything is stored.
            if done < total {
                self.progress(done, total, fetched);
            }
        }
        self.store
            .upsert_messages(&self.profile_id, &pending)
            .await?;
        if total > 0 {
            self.progress(total, total, fetched);
        }
        if fetched > 0 {
            let _ = self.events.send(AppEvent::ChatsChanged);
        }
        Ok(())
    }

    /// Pages back through one chat's messages (newest first, as MAX answers) until it meets
    /// the cache or the history limit, and returns them (the caller stores them).
    async fn backfill(&self, chat_id: i64) -> Result<Vec<CachedMessage>> {
        let newest_cached = self
            .store
            .latest_messages(&self.profile_id, chat_id, 1)
            .await?
            .pop()
            .map(|m| (m.timestamp, m.seq));
        let page_size = self.config.page_size.clamp(1, 100);
        let limit = usize::try_from(self.config.history_per_chat).unwrap_or(usize::MAX);
        let mut seen = std::collections::HashSet::new();
        let mut fetched = Vec::new();
        let mut from = None;
        loop {
            let page = self.api.messages(chat_id, page_size, from).await?;
            let full_page = page.messages.len() >= usize::from(page_size);
            let mut met_cache = false;
            let mut oldest: Option<i64> = None;
            for message in page.messages.iter().filter_map(CachedMessage::from_max) {
                met_cache |= newest_cached.is_some_and(|k| (message.timestamp, message.seq) <= k);
                oldest = Some(oldest.map_or(message.timestamp, |o| o.min(message.timestamp)));
                if seen.insert(message.mid.clone()) {
                    fetched.push(message);
                }
            }
            if met_cache || !full_page || fetched.len() >= limit {
                break;
            }
            // `from` is inclusive: the next page starts at the oldest time seen (duplicates are
            // skipped above), or just before it when a whole page shared one millisecond.
            from = match (oldest, from) {
                (Some(o), Some(f)) if o >= f => Some(f - 1),
                (Some(o), _) => Some(o),
                (None, _) => break,
            };
        }
        // Pages overlap by the messages at their boundary, so the last page may overshoot.
        fetched.truncate(limit);
        Ok(fetched)
    }

    fn progress(&self, chats_done: u32, chats_total: u32, messages: u32) {
        let _ = self.events.send(AppEvent::SyncProgress {
            chats_done,
            chats_total,
            messages,
        });
    }

    /// Follows the update log until an error or a stop.
    async fn follow(&self) -> Result<()> {
        let mut stop = self.stop.subscribe();
        loop {
            let marker = self.store.marker(&self.profile_id).await?;
            let poll = self.api.updates(marker, self.config.poll_timeout, 100);
            let page = tokio::select! {
                page = poll => page?,
                _ = stop.wait_for(|s| *s) => return Err(Error::Stopped),
            };
            self.set_connection(ConnectionState::Online);
            self.apply(page).await?;
        }
    }

    async fn apply(&self, page: max::UpdateList) -> Result<()> {
        let mut batch = Batch {
            marker: page.marker,
            ..Default::default()
        };
        let mut events = Vec::new();
        let mut chats_changed = false;
        for update in &page.updates {
            match update {
                Update::MessageCreated { message, .. } | Update::MessageEdited { message, .. } => {
                    if let Some(cached) = CachedMessage::from_max(message) {
                        let view = self.view(cached.clone());
                        events.push(if matches!(update, Update::MessageCreated { .. }) {
                            AppEvent::MessageAdded { message: view }
                        } else {
                            AppEvent::MessageUpdated { message: view }
                        });
                        batch.upserts.push(cached);
                    }
                }
                Update::MessageRemoved {
                    message_id,
                    chat_id,
                    ..
                } => {
                    batch.removals.push((*chat_id, message_id.clone()));
                    events.push(AppEvent::MessageRemoved {
                        chat_id: *chat_id,
                        mid: message_id.clone(),
                    });
                }
                Update::UserAdded { .. }
                | Update::UserRemoved { .. }
                | Update::ChatTitleChanged { .. } => chats_changed = true,
                // Parta's own updates reach the client only when it asks for them by type.
                Update::PartaJoinRequest { .. }
                | Update::PartaAnnouncementAcknowledged { .. }
                | Update::PartaRestricted { .. }
                | Update::PartaLesson { .. }
                | Update::Unknown => {}
            }
        }
        // The marker is saved in the same transaction as the changes: a crash between the two
        // can neither skip updates nor apply them twice.
        self.store.apply(&self.profile_id, &batch).await?;
        if chats_changed {
            self.resync().await?;
        }
        for event in events {
            let _ = self.events.send(event);
        }
        Ok(())
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let base = self
            .config
            .backoff_initial
            .saturating_mul(1u32 << attempt.min(16));
        let capped = base.min(self.config.backoff_max);
        // ±20 % jitter, so a school's worth of clients does not reconnect in lockstep.
        let factor = rand::rng().random_range(0.8..1.2);
        capped.mul_f64(factor)
    }
}

/// The outbox worker: drains on start, on every new message, when the connection returns, and
/// when the next retry is due.
async fn run_outbox(inner: Arc<Inner>) {
    while !inner.stopped() {
        if let Err(e) = inner.drain_outbox().await {
            tracing::info!(error = %e, "outbox: will retry");
        }
        let next_due = match inner.store.outbox(&inner.profile_id).await {
            Ok(items) => items
                .iter()
                .filter(|i| i.failed.is_none())
                .map(|i| i.next_attempt_at)
                .min(),
            Err(_) => None,
        };
        let wait = match next_due {
            Some(at) => Duration::from_millis(u64::try_from(at - now_ms()).unwrap_or(0)),
            None => Duration::from_secs(3600),
        };
        tokio::select! {
            _ = inner.outbox_wake.notified() => {}
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

async fn run(inner: Arc<Inner>) {
    let mut attempt = 0u32;
    let mut stop = inner.stop.subscribe();
    while !inner.stopped() {
        inner.set_connection(ConnectionState::Connecting);
        let result = async {
            inner.resync().await?;
            inner.set_connection(ConnectionState::Online);
            attempt = 0;
            inner.follow().await
        }
        .await;
        match result {
            Err(Error::Stopped) => break,
            Err(Error::Unauthorized) => {
                tracing::warn!("the server rejected the token; sync stopped");
                inner.set_connection(ConnectionState::Offline);
                break;
            }
            Err(Error::RateLimited { retry_after }) => {
                // Reachable, only busy: wait as the server asks, then connect again.
                tracing::info!(?retry_after, "the server asked to slow down");
                inner.set_connection(ConnectionState::Connecting);
                tokio::select! {
                    _ = tokio::time::sleep(retry_after) => {}
                    _ = stop.wait_for(|s| *s) => break,
                }
            }
            Err(e) => {
                tracing::info!(error = %e, "sync interrupted; will retry");
                inner.set_connection(ConnectionState::Offline);
            }
            Ok(()) => {}
        }
        let delay = inner.backoff(attempt);
        attempt = attempt.saturating_add(1);
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = stop.wait_for(|s| *s) => break,
        }
    }
}
