//! The UI's state and the actions that change it. Events from the shell become actions and
//! are applied as diffs: a new message is appended, not the chat re-read.

use std::collections::HashMap;
use std::rc::Rc;

use parta_model::view::{
    AppEvent, ChatSummary, ChatView, ConnectionState, MessageView, ProfileView, UiError,
};
use yew::prelude::*;

use crate::i18n::Lang;

/// Where the app is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Asking the shell what there is.
    Booting,
    /// No profile: the welcome screen.
    Welcome,
    /// The demo school is starting.
    Starting,
    /// Signed in.
    Ready(ProfileView),
    /// A join by invitation waits for the school (or was declined, with its reason).
    Joining { rejected: Option<String> },
}

/// Everything the UI shows.
#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    pub lang: Lang,
    pub phase: Phase,
    pub connection: ConnectionState,
    pub chats: Vec<ChatSummary>,
    /// Shared: cloning the state (every action does) does not copy the open chat's messages.
    pub open: Option<Rc<ChatView>>,
    /// Edits (the new version) and deletions (`None`) of the open chat's messages older than
    /// its latest page: the timeline applies them to the history it loaded by scrolling back.
    pub older_changes: OlderChanges,
    /// Counts the times a chat was opened (the same one again too), so that opening one shows
    /// it whatever section is in front.
    pub opened: u32,
    /// Uploads and downloads under way: (message local id or file token, done, total bytes).
    pub transfers: Vec<(String, u64, u64)>,
    /// The update being downloaded: (done, total bytes; total 0 when unknown).
    pub update_progress: Option<(u64, u64)>,
    /// The message being answered in the composer.
    pub replying: Option<MessageView>,
    /// One's own message being changed in the composer.
    pub editing: Option<MessageView>,
    /// The message the open chat was opened at (a search result), shown highlighted.
    pub focus: Option<String>,
    pub error: Option<UiError>,
    pub demo_offline: bool,
    /// Locked with the app PIN: only the lock screen shows, and nothing of the profile is in
    /// the state.
    pub locked: bool,
    /// The dark theme is on.
    pub dark: bool,
    /// Paths of files dropped on the window, for the composer to take.
    pub dropped: Vec<String>,
    /// An invitation link the app was handed (`parta://join/…`): the join form shows over
    /// whatever was open, until it is used or put away.
    pub invite: Option<String>,
    /// Whose things the page shows: grows when the app locks and when another profile (or none)
    /// comes in front, so that what the page keeps beyond the state (image previews) is
    /// dropped by the effect that watches it, not by the reducer.
    pub shown: u64,
}

impl AppState {
    /// The state at start-up.
    pub fn new(lang: Lang) -> Self {
        Self {
            lang,
            phase: Phase::Booting,
            connection: ConnectionState::Connecting,
            chats: Vec::new(),
            open: None,
            older_changes: OlderChanges::default(),
            opened: 0,
            focus: None,
            replying: None,
            editing: None,
            transfers: Vec::new(),
            update_progress: None,
            error: None,
            demo_offline: false,
            locked: false,
            dark: false,
            dropped: Vec::new(),
            invite: None,
            shown: 0,
        }
    }
}

/// Changes to [`AppState`].
#[derive(Debug, Clone)]
pub enum Action {
    SetLang(Lang),
    SetPhase(Phase),
    SetChats(Vec<ChatSummary>),
    Opened(Box<ChatView>),
    /// Answer this message (or stop answering).
    ReplyTo(Option<Box<MessageView>>),
    /// Change this own message (or stop changing it).
    Edit(Option<Box<MessageView>>),
    /// A chat opened at one message (from search).
    OpenedAt(Box<ChatView>, String),
    Event(Box<AppEvent>),
    Error(UiError),
    DismissError,
    DemoOffline(bool),
    /// Lock the app: forget everything shown.
    Lock,
    Unlocked,
    SetDark(bool),
    /// Files were dropped on the window.
    Dropped(Vec<String>),
    /// The composer took the dropped files.
    TookDropped,
    /// An invitation link arrived (or, with `None`, was put away).
    Invite(Option<String>),
}

/// Edits (the new version) and deletions (`None`) of messages above the latest page, by id,
/// compared by identity (as the timeline's latest page is). Applied to the history loaded by scrolling back; a
/// page loaded later comes from the cache, which has them already.
#[derive(Clone, Debug, Default)]
pub struct OlderChanges(pub Rc<HashMap<String, Option<MessageView>>>);

impl PartialEq for OlderChanges {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The state shared through a context.
pub type AppContext = UseReducerHandle<AppState>;

/// Locked: nothing of the profile stays in the page until the PIN is given.
fn lock(state: &mut AppState) {
    state.shown += 1;
    state.locked = true;
    state.open = None;
    state.older_changes = OlderChanges::default();
    state.replying = None;
    state.focus = None;
    state.chats = Vec::new();
    state.error = None;
}

/// Whether `message` belongs to the open chat's history above its latest page (so it is not
/// put among the latest, where it would show twice or out of order).
fn above_latest(state: &AppState, message: &MessageView) -> bool {
    let Some(open) = state
        .open
        .as_ref()
        .filter(|o| o.chat.chat_id == message.chat_id)
    else {
        return false;
    };
    !open.messages.iter().any(|m| m.mid == message.mid)
        && open
            .messages
            .first()
            .is_some_and(|first| (message.timestamp, message.seq) < (first.timestamp, first.seq))
}

/// Keeps an edit (`Some`) or a deletion (`None`) of an older message of the open chat.
fn note_older(state: &mut AppState, mid: String, change: Option<MessageView>) {
    let mut changes = (*state.older_changes.0).clone();
    changes.insert(mid, change);
    state.older_changes = OlderChanges(Rc::new(changes));
}

fn add_message(state: &mut AppState, message: &MessageView) {
    if let Some(open) = state
        .open
        .as_mut()
        .filter(|o| o.chat.chat_id == message.chat_id)
    {
        let open = Rc::make_mut(open);
        // The same message may come twice: once as the send result, once through updates.
        match open.messages.iter_mut().find(|m| m.mid == message.mid) {
            Some(existing) => *existing = message.clone(),
            None => {
                let at = open
                    .messages
                    .partition_point(|m| (m.timestamp, m.seq) <= (message.timestamp, message.seq));
                open.messages.insert(at, message.clone());
            }
        }
    }
    if let Some(chat) = state
        .chats
        .iter_mut()
        .find(|c| c.chat_id == message.chat_id)
    {
        let newer = chat
            .last_message
            .as_ref()
            .is_none_or(|m| (m.timestamp, m.seq) <= (message.timestamp, message.seq));
        if newer {
            chat.last_message = Some(message.clone());
            chat.last_event_time = chat.last_event_time.max(message.timestamp);
        }
    }
    state
        .chats
        .sort_by_key(|c| std::cmp::Reverse(c.last_event_time));
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut state = (*self).clone();
        match action {
            Action::SetLang(lang) => state.lang = lang,
            Action::Lock => lock(&mut state),
            Action::Unlocked => state.locked = false,
            Action::SetDark(dark) => state.dark = dark,
            Action::Dropped(paths) => state.dropped.extend(paths),
            Action::TookDropped => state.dropped.clear(),
            Action::Invite(link) => state.invite = link,
            // A refusal because the app is locked is what locking is for, not news.
            Action::Error(e) if e.code == parta_model::view::UiErrorCode::Locked => {}
            Action::SetPhase(phase) => {
                // Another profile (or none) shows nothing of the previous one's.
                if let Phase::Ready(profile) = &phase
                    && !matches!(&state.phase, Phase::Ready(p) if p.profile_id == profile.profile_id)
                {
                    state.shown += 1;
                    state.open = None;
                    state.older_changes = OlderChanges::default();
                    state.replying = None;
                    state.focus = None;
                    state.chats = Vec::new();
                }
                state.phase = phase;
            }
            Action::SetChats(chats) => state.chats = chats,
            Action::Opened(view) => {
                if state.open.as_ref().map(|o| o.chat.chat_id) != Some(view.chat.chat_id) {
                    state.replying = None;
                    state.editing = None;
                }
                state.open = Some(Rc::new(*view));
                state.older_changes = OlderChanges::default();
                state.opened = state.opened.wrapping_add(1);
                state.focus = None;
            }
            Action::ReplyTo(message) => {
                state.editing = None;
                state.replying = message.map(|m| *m);
            }
            Action::Edit(message) => {
                state.replying = None;
                state.editing = message.map(|m| *m);
            }
            Action::OpenedAt(view, mid) => {
                state.replying = None;
                state.editing = None;
                state.open = Some(Rc::new(*view));
                state.older_changes = OlderChanges::default();
                state.opened = state.opened.wrapping_add(1);
                state.focus = Some(mid);
            }
            Action::Event(event) => match *event {
                AppEvent::MessageAdded { message } => add_message(&mut state, &message),
                AppEvent::MessageUpdated { message } => {
                    if above_latest(&state, &message) {
                        let mid = message.mid.clone();
                        note_older(&mut state, mid, Some(message));
                    } else {
                        add_message(&mut state, &message);
                    }
                }
                AppEvent::MessageSent { local_mid, message } => {
                    if let Some(open) = state.open.as_mut() {
                        Rc::make_mut(open).messages.retain(|m| m.mid != local_mid);
                    }
                    add_message(&mut state, &message);
                }
                AppEvent::MessageRemoved { chat_id, mid } => {
                    if let Some(open) = state.open.as_mut().filter(|o| o.chat.chat_id == chat_id) {
                        if open.messages.iter().any(|m| m.mid == mid) {
                            Rc::make_mut(open).messages.retain(|m| m.mid != mid);
                        } else {
                            note_older(&mut state, mid, None);
                        }
                    }
                }
                AppEvent::Connection { state: connection } => {
                    state.connection = connection;
                }
                // The chat list is re-read by the listener; nothing to change here.
                AppEvent::ChatsChanged => return self,
                AppEvent::ChatPinned { chat_id, pinned } => {
                    if let Some(open) = state.open.as_mut().filter(|o| o.chat.chat_id == chat_id) {
                        Rc::make_mut(open).pinned = pinned;
                    }
                }
                AppEvent::Locked => lock(&mut state),
                AppEvent::UpdateProgress { done, total } => {
                    state.update_progress = Some((done, total));
                }
                // Shown by the connection badge from the session state; nothing cached here yet.
                AppEvent::SyncProgress { .. } => return self,
                AppEvent::TransferProgress {
                    id, done, total, ..
                } => {
                    state.transfers.retain(|(t, _, _)| *t != id);
                    if done < total {
                        state.transfers.push((id, done, total));
                    }
                }
            },
            Action::Error(error) => state.error = Some(error),
            Action::DismissError => state.error = None,
            Action::DemoOffline(offline) => state.demo_offline = offline,
        }
        Rc::new(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(mid: &str, chat_id: i64, timestamp: i64) -> MessageView {
        MessageView {
            mid: mid.into(),
            chat_id,
            seq: timestamp,
            sender_id: Some(1),
            sender_name: "Анна".into(),
            sender_via_max: false,
            text: mid.into(),
            timestamp,
            is_own: false,
            delivery: Default::default(),
            attachments: Vec::new(),
            reply_to: None,
            markup: Vec::new(),
            max_state: None,
            silent_until: None,
        }
    }

    fn chat(chat_id: i64, last: i64) -> ChatSummary {
        ChatSummary {
            chat_id,
            title: format!("{chat_id}"),
            participants_count: 2,
            last_event_time: last,
            last_message: None,
            unread: 0,
        }
    }

    #[test]
    fn a_message_arriving_twice_is_shown_once_and_the_chat_moves_to_the_top() {
        let mut state = AppState::new(Lang::Ru);
        state.chats = vec![chat(1, 100), chat(2, 50)];
        state.open = Some(Rc::new(ChatView {
            chat: chat(2, 50),
            description: None,
            pinned: None,
            messages: vec![message("a", 2, 10)],
        }));
        let state = Rc::new(state);
        let state = state.reduce(Action::Event(Box::new(AppEvent::MessageAdded {
            message: message("b", 2, 200),
        })));
        let state = state.reduce(Action::Event(Box::new(AppEvent::MessageAdded {
            message: message("b", 2, 200),
        })));
        let open = state.open.as_ref().unwrap();
        assert_eq!(
            open.messages
                .iter()
                .map(|m| m.mid.as_str())
                .collect::<Vec<_>>(),
            vec!["a", "b"]
        );
        assert_eq!(state.chats[0].chat_id, 2);
        assert_eq!(state.chats[0].last_message.as_ref().unwrap().mid, "b");
    }

    #[test]
    fn a_pending_message_is_replaced_by_the_sent_one_in_place() {
        let mut state = AppState::new(Lang::Ru);
        let mut pending = message("local.1", 2, 300);
        pending.delivery = parta_model::view::Delivery::Pending;
        state.open = Some(Rc::new(ChatView {
            chat: chat(2, 50),
            description: None,
            pinned: None,
            messages: vec![message("a", 2, 10), pending],
        }));
        let sent = message("mid.real", 2, 310);
        // The long poll may deliver the real message before the outbox reports it sent.
        let state = Rc::new(state).reduce(Action::Event(Box::new(AppEvent::MessageAdded {
            message: sent.clone(),
        })));
        let state = state.reduce(Action::Event(Box::new(AppEvent::MessageSent {
            local_mid: "local.1".into(),
            message: sent,
        })));
        let mids: Vec<_> = state
            .open
            .as_ref()
            .unwrap()
            .messages
            .iter()
            .map(|m| m.mid.as_str())
            .collect();
        assert_eq!(
            mids,
            vec!["a", "mid.real"],
            "exactly once, no pending copy left"
        );
    }

    #[test]
    fn an_edit_or_deletion_above_the_latest_page_is_kept_for_the_timeline_not_inserted() {
        let mut state = AppState::new(Lang::Ru);
        state.open = Some(Rc::new(ChatView {
            chat: chat(2, 50),
            description: None,
            pinned: None,
            messages: vec![message("c", 2, 30), message("d", 2, 40)],
        }));
        let mut old = message("a", 2, 10);
        old.text = "исправлено".into();
        let state = Rc::new(state).reduce(Action::Event(Box::new(AppEvent::MessageUpdated {
            message: old,
        })));
        let state = state.reduce(Action::Event(Box::new(AppEvent::MessageRemoved {
            chat_id: 2,
            mid: "b".into(),
        })));
        // An edit of a message in the page is made in place, as before.
        let mut latest = message("d", 2, 40);
        latest.text = "тоже исправлено".into();
        let state = state.reduce(Action::Event(Box::new(AppEvent::MessageUpdated {
            message: latest,
        })));
        let open = state.open.as_ref().unwrap();
        let texts: Vec<_> = open.messages.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(texts, ["c", "тоже исправлено"]);
        let changes = &state.older_changes.0;
        assert_eq!(changes.len(), 2);
        assert_eq!(
            changes["a"].as_ref().map(|m| m.text.as_str()),
            Some("исправлено")
        );
        assert_eq!(changes["b"], None);
        // Opening the chat again starts afresh.
        let view = (**open).clone();
        let state = state.reduce(Action::Opened(Box::new(view)));
        assert!(state.older_changes.0.is_empty());
    }

    #[test]
    fn messages_of_another_chat_do_not_enter_the_open_timeline() {
        let mut state = AppState::new(Lang::Ru);
        state.open = Some(Rc::new(ChatView {
            chat: chat(2, 50),
            description: None,
            pinned: None,
            messages: vec![],
        }));
        let state = Rc::new(state).reduce(Action::Event(Box::new(AppEvent::MessageAdded {
            message: message("x", 3, 1),
        })));
        assert!(state.open.as_ref().unwrap().messages.is_empty());
    }

    #[test]
    fn locking_or_another_profile_marks_what_is_shown_as_someone_elses() {
        let profile = |id: &str| ProfileView {
            profile_id: id.into(),
            display_name: id.into(),
            server_url: "http://127.0.0.1:1".into(),
            is_demo: true,
        };
        let state = Rc::new(AppState::new(Lang::Ru));
        let state = state.reduce(Action::SetPhase(Phase::Ready(profile("a"))));
        let first = state.shown;
        let state = state.reduce(Action::SetPhase(Phase::Ready(profile("a"))));
        assert_eq!(
            state.shown, first,
            "the same profile again: the same person's things"
        );
        let state = state.reduce(Action::SetPhase(Phase::Ready(profile("b"))));
        assert_eq!(state.shown, first + 1);
        let state = state.reduce(Action::Lock);
        assert_eq!(state.shown, first + 2);
        assert!(state.open.is_none() && state.chats.is_empty());
    }
}
