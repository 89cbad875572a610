//! The shell's commands, one typed function each.

use parta_model::school::{AdminReply, AdminRequest, Role};
use parta_model::view::{
    AnnouncementStatus, AnnouncementView, AppEvent, BootInfo, ChatSummary, ChatView, JoinForm,
    JoinView, MemberView, MessageView, ProfileView, ReceiptsView, SearchHit, UiError,
};
use parta_model::view::{PickedFile, SettingsInfo, UnlockView};
use serde::Serialize;

use super::tauri::{call, subscribe};

#[derive(Serialize)]
struct NoArgs {}

#[derive(Serialize)]
struct ChatArgs {
    chat_id: i64,
}

#[derive(Serialize)]
struct SendArgs<'a> {
    chat_id: i64,
    text: &'a str,
}

#[derive(Serialize)]
struct OfflineArgs {
    offline: bool,
}

#[derive(Serialize)]
struct SearchArgs<'a> {
    query: &'a str,
    chat_id: Option<i64>,
}

/// Searches the cached messages (offline, any word form), newest first.
pub async fn search_messages(query: &str, chat_id: Option<i64>) -> Result<Vec<SearchHit>, UiError> {
    call("search_messages", &SearchArgs { query, chat_id }).await
}

#[derive(Serialize)]
struct OpenAtArgs<'a> {
    chat_id: i64,
    mid: &'a str,
}

/// Opens a chat at one message (a search result), with the messages around it.
pub async fn open_chat_at(chat_id: i64, mid: &str) -> Result<ChatView, UiError> {
    call("open_chat_at", &OpenAtArgs { chat_id, mid }).await
}

#[derive(Serialize)]
struct ReplyArgs<'a> {
    chat_id: i64,
    text: &'a str,
    reply_to: &'a str,
}

/// Writes a reply to a message (through the outbox).
pub async fn send_reply(chat_id: i64, text: &str, reply_to: &str) -> Result<MessageView, UiError> {
    call(
        "send_reply",
        &ReplyArgs {
            chat_id,
            text,
            reply_to,
        },
    )
    .await
}

/// Marks a chat read up to its newest message.
pub async fn mark_read(chat_id: i64) -> Result<(), UiError> {
    call("mark_read", &ChatArgs { chat_id }).await
}

#[derive(Serialize)]
struct DraftArgs<'a> {
    chat_id: i64,
    text: &'a str,
}

/// Keeps what is being written in a chat (an empty text removes it).
pub async fn save_draft(chat_id: i64, text: &str) -> Result<(), UiError> {
    call("save_draft", &DraftArgs { chat_id, text }).await
}

/// What was being written in a chat.
pub async fn load_draft(chat_id: i64) -> Result<Option<String>, UiError> {
    call("load_draft", &ChatArgs { chat_id }).await
}

/// The announcements of one's chats, newest first (from the cache when offline).
pub async fn announcements() -> Result<Vec<AnnouncementView>, UiError> {
    call("announcements", &NoArgs {}).await
}

/// A chat's members (from the cache when offline).
pub async fn chat_members(chat_id: i64) -> Result<Vec<MemberView>, UiError> {
    call("chat_members", &ChatArgs { chat_id }).await
}

/// What the shell knows at start-up.
pub async fn boot() -> Result<BootInfo, UiError> {
    call("boot", &NoArgs {}).await
}

/// Starts the demo school and signs in as its class teacher.
pub async fn start_demo(person: Option<&str>) -> Result<ProfileView, UiError> {
    call("start_demo", &DemoArgs { person }).await
}

/// An image attachment as a `data:` URL for the timeline (`None`: not previewable).
pub async fn image_preview(token: &str, name: &str) -> Result<Option<String>, UiError> {
    call("image_preview", &AttachmentArgs { token, name }).await
}

#[derive(Serialize)]
struct ScaleArgs {
    percent: u32,
}

/// Scales the window's page (100 to 200 percent).
pub async fn set_scale(percent: u32) -> Result<(), UiError> {
    call("set_scale", &ScaleArgs { percent }).await
}

#[derive(Serialize)]
struct OlderArgs<'a> {
    chat_id: i64,
    mid: &'a str,
    limit: u32,
}

/// Up to `limit` messages older than `mid`, oldest first (none when the history is all here).
pub async fn older_messages(
    chat_id: i64,
    mid: &str,
    limit: u32,
) -> Result<Vec<MessageView>, UiError> {
    call(
        "older_messages",
        &OlderArgs {
            chat_id,
            mid,
            limit,
        },
    )
    .await
}

#[derive(Serialize)]
struct BotArgs<'a> {
    server_url: Option<&'a str>,
    token: &'a str,
    root_pem: Option<&'a str>,
}

/// Connects the school's MAX bot with its token (kept in the OS keychain by the shell).
pub async fn connect_max_bot(
    server_url: Option<&str>,
    token: &str,
    root_pem: Option<&str>,
) -> Result<ProfileView, UiError> {
    call(
        "connect_max_bot",
        &BotArgs {
            server_url,
            token,
            root_pem,
        },
    )
    .await
}

#[derive(Serialize)]
struct PasswordArgs<'a> {
    server_url: &'a str,
    login: &'a str,
    password: &'a str,
}

/// Signs in to a school's server with a login and password (this device gets its own token,
/// kept in the OS keychain by the shell).
pub async fn sign_in_with_password(
    server_url: &str,
    login: &str,
    password: &str,
) -> Result<ProfileView, UiError> {
    call(
        "sign_in_with_password",
        &PasswordArgs {
            server_url,
            login,
            password,
        },
    )
    .await
}

#[derive(Serialize)]
struct JoinArgs<'a> {
    form: &'a JoinForm,
}

/// Joins a school by an invitation.
pub async fn join_by_invite(form: &JoinForm) -> Result<JoinView, UiError> {
    call("join_by_invite", &JoinArgs { form }).await
}

/// How the waiting join stands (signs in once approved).
pub async fn join_outcome() -> Result<JoinView, UiError> {
    call("join_outcome", &NoArgs {}).await
}

/// Whether a message is an announcement, and whether I acknowledged it.
pub async fn announcement_status(mid: &str) -> Result<AnnouncementStatus, UiError> {
    call("announcement_status", &MidArgs { mid }).await
}

/// "Ознакомлен".
pub async fn acknowledge(mid: &str) -> Result<(), UiError> {
    call("acknowledge", &MidArgs { mid }).await
}

/// Who has acknowledged my announcement.
pub async fn receipts(mid: &str) -> Result<ReceiptsView, UiError> {
    call("receipts", &MidArgs { mid }).await
}

/// The chat list, from the cache.
pub async fn chats() -> Result<Vec<ChatSummary>, UiError> {
    call("list_chats", &NoArgs {}).await
}

/// One chat, from the cache.
pub async fn open_chat(chat_id: i64) -> Result<ChatView, UiError> {
    call("open_chat", &ChatArgs { chat_id }).await
}

/// Sends a text message.
pub async fn send_text(chat_id: i64, text: &str) -> Result<MessageView, UiError> {
    call("send_message", &SendArgs { chat_id, text }).await
}

#[derive(Serialize)]
struct MidArgs<'a> {
    mid: &'a str,
}

/// Tries a message that did not go out again.
pub async fn retry(mid: &str) -> Result<MessageView, UiError> {
    call("retry_message", &MidArgs { mid }).await
}

/// Gives up on a message that did not go out.
pub async fn discard(mid: &str) -> Result<(), UiError> {
    call("discard_message", &MidArgs { mid }).await
}

/// Demo only: stops or restarts the in-process school server.
pub async fn set_demo_offline(offline: bool) -> Result<bool, UiError> {
    call("set_demo_offline", &OfflineArgs { offline }).await
}

/// Calls `handler` with every event of the session.
pub async fn on_event(handler: impl FnMut(AppEvent) + 'static) {
    subscribe("parta://event", handler).await;
}

#[derive(Serialize)]
struct DemoArgs<'a> {
    person: Option<&'a str>,
}

/// Every profile on this computer, the active one first.
pub async fn profiles() -> Result<Vec<ProfileView>, UiError> {
    call("profiles", &NoArgs {}).await
}

#[derive(Serialize)]
struct ProfileArgs<'a> {
    profile_id: &'a str,
}

/// Makes another profile the active one.
pub async fn switch_profile(profile_id: &str) -> Result<ProfileView, UiError> {
    call("switch_profile", &ProfileArgs { profile_id }).await
}

/// The signed-in person's role at the school (what the Администрирование section shows).
pub async fn my_role() -> Result<Option<Role>, UiError> {
    call("my_role", &NoArgs {}).await
}

#[derive(Serialize)]
struct AdminArgs<'a> {
    request: &'a AdminRequest,
}

/// One administrative request; the school's server decides whether it is allowed.
pub async fn admin(request: &AdminRequest) -> Result<AdminReply, UiError> {
    call("admin", &AdminArgs { request }).await
}

/// What the settings screen shows.
pub async fn settings() -> Result<SettingsInfo, UiError> {
    call("settings", &NoArgs {}).await
}

/// Empties the active profile's offline cache and loads it again.
pub async fn clear_cache() -> Result<ProfileView, UiError> {
    call("clear_cache", &NoArgs {}).await
}

#[derive(Serialize)]
struct SignOutArgs {
    wipe: bool,
}

/// Signs the active profile out; the next saved profile, if any, becomes active.
pub async fn sign_out(wipe: bool) -> Result<Option<ProfileView>, UiError> {
    call("sign_out", &SignOutArgs { wipe }).await
}

#[derive(Serialize)]
struct ActivityArgs {
    idle_ms: Option<u64>,
}

/// Someone is using the window; the shell locks the app after `idle_ms` without this.
pub async fn activity(idle_ms: Option<u64>) -> Result<(), UiError> {
    call("activity", &ActivityArgs { idle_ms }).await
}

#[derive(Serialize)]
struct PinArgs<'a> {
    pin: Option<&'a str>,
}

/// Sets the app lock PIN, or removes it.
pub async fn set_pin(pin: Option<&str>) -> Result<(), UiError> {
    call("set_pin", &PinArgs { pin }).await
}

/// Locks the app now; whether it locked (only with a PIN set).
pub async fn lock_now() -> Result<bool, UiError> {
    call("lock_now", &NoArgs {}).await
}

#[derive(Serialize)]
struct UnlockArgs<'a> {
    pin: &'a str,
}

/// Unlocks with the PIN.
pub async fn unlock(pin: &str) -> Result<UnlockView, UiError> {
    call("unlock", &UnlockArgs { pin }).await
}

#[derive(Serialize)]
struct LinkArgs<'a> {
    url: &'a str,
}

/// Opens a web or mail link from a message in the system browser (the shell checks it).
pub async fn open_link(url: &str) -> Result<(), UiError> {
    call("open_link", &LinkArgs { url }).await
}

#[derive(Serialize)]
struct ScheduleArgs<'a> {
    chat_id: i64,
    text: &'a str,
    send_at: i64,
}

/// Has the school's server send `text` to the chat at `send_at` (Unix ms).
pub async fn schedule_message(
    chat_id: i64,
    text: &str,
    send_at: i64,
) -> Result<parta_model::school::Scheduled, UiError> {
    call(
        "schedule_message",
        &ScheduleArgs {
            chat_id,
            text,
            send_at,
        },
    )
    .await
}

/// One's pending scheduled messages in a chat, soonest first.
pub async fn scheduled_messages(
    chat_id: i64,
) -> Result<Vec<parta_model::school::Scheduled>, UiError> {
    call("scheduled_messages", &ChatArgs { chat_id }).await
}

#[derive(Serialize)]
struct IdArgs {
    id: i64,
}

/// Cancels a pending scheduled message.
pub async fn cancel_scheduled(id: i64) -> Result<(), UiError> {
    call("cancel_scheduled", &IdArgs { id }).await
}

/// The system's file chooser: files to attach (none if cancelled).
pub async fn pick_files() -> Result<Vec<PickedFile>, UiError> {
    call("pick_files", &NoArgs {}).await
}

#[derive(Serialize)]
struct PathsArgs<'a> {
    paths: &'a [String],
}

/// Name and size of files dropped on the window.
pub async fn describe_files(paths: &[String]) -> Result<Vec<PickedFile>, UiError> {
    call("describe_files", &PathsArgs { paths }).await
}

#[derive(Serialize)]
struct SendFilesArgs<'a> {
    chat_id: i64,
    text: &'a str,
    paths: &'a [String],
}

/// Writes a message with files (through the outbox).
pub async fn send_files(
    chat_id: i64,
    text: &str,
    paths: &[String],
) -> Result<Vec<MessageView>, UiError> {
    call(
        "send_files",
        &SendFilesArgs {
            chat_id,
            text,
            paths,
        },
    )
    .await
}

#[derive(serde::Deserialize)]
struct DropPayload {
    paths: Vec<String>,
}

/// Calls `handler` with each invitation link a second launch hands over.
pub async fn on_invite(handler: impl FnMut(String) + 'static) {
    subscribe("parta://invite", handler).await;
}

/// Calls `handler` with the paths of files dropped on the window.
pub async fn on_drop(mut handler: impl FnMut(Vec<String>) + 'static) {
    subscribe("tauri://drag-drop", move |p: DropPayload| handler(p.paths)).await;
}

#[derive(Serialize)]
struct AttachmentArgs<'a> {
    token: &'a str,
    name: &'a str,
}

/// Opens an attached file with the system's application (downloading it once).
pub async fn open_attachment(token: &str, name: &str) -> Result<(), UiError> {
    call("open_attachment", &AttachmentArgs { token, name }).await
}

#[derive(Serialize)]
struct FilesArgs {
    chat_id: Option<i64>,
}

/// The files of the cached messages (one chat's, or all), newest first; works offline.
pub async fn files(chat_id: Option<i64>) -> Result<Vec<parta_model::view::FileView>, UiError> {
    call("files", &FilesArgs { chat_id }).await
}

#[derive(Serialize)]
struct OnArgs {
    on: bool,
}

/// Lets the window draw with the GPU from the next start, or not.
pub async fn set_accelerated(on: bool) -> Result<(), UiError> {
    call("set_accelerated", &OnArgs { on }).await
}

/// Switches the notifications of new messages and mentions on or off.
pub async fn set_notifications(on: bool) -> Result<(), UiError> {
    call("set_notifications", &OnArgs { on }).await
}

#[derive(Serialize)]
struct EditArgs<'a> {
    mid: &'a str,
    text: &'a str,
}

/// Replaces the text of one's own message.
pub async fn edit_message(mid: &str, text: &str) -> Result<(), UiError> {
    call("edit_message", &EditArgs { mid, text }).await
}

/// Deletes a sent message.
pub async fn delete_message(mid: &str) -> Result<(), UiError> {
    call("delete_message", &MidArgs { mid }).await
}

#[derive(Serialize)]
struct TextArgs<'a> {
    text: &'a str,
}

/// What the school's rules find in a text before it is sent.
pub async fn check_text(text: &str) -> Result<Vec<parta_model::view::PolicyNote>, UiError> {
    call("check_text", &TextArgs { text }).await
}

#[derive(Serialize)]
struct LessonsArgs {
    from: i64,
    to: i64,
}

/// The lessons starting in `[from, to)`; from this computer's cache while offline.
pub async fn lessons(from: i64, to: i64) -> Result<parta_model::view::LessonsView, UiError> {
    call("lessons", &LessonsArgs { from, to }).await
}

#[derive(Serialize)]
struct LessonArgs {
    id: i64,
}

/// Whether a lesson may be recorded.
pub async fn lesson_recording(id: i64) -> Result<parta_model::lessons::RecordingStatus, UiError> {
    call("lesson_recording", &LessonArgs { id }).await
}

#[derive(Serialize)]
struct ConsentArgs {
    id: i64,
    consent: bool,
}

/// A parent's answer about recording a lesson.
pub async fn lesson_consent(
    id: i64,
    consent: bool,
) -> Result<parta_model::lessons::RecordingStatus, UiError> {
    call("lesson_consent", &ConsentArgs { id, consent }).await
}

#[derive(Serialize)]
struct PresenceArgs {
    id: i64,
    present: bool,
}

/// Reports joining or leaving a lesson.
pub async fn lesson_presence(
    id: i64,
    present: bool,
) -> Result<parta_model::lessons::RecordingStatus, UiError> {
    call("lesson_presence", &PresenceArgs { id, present }).await
}

#[derive(Serialize)]
struct SwitchArgs {
    id: i64,
    recording: bool,
}

/// The teacher starts or stops a lesson's recording.
pub async fn lesson_recording_switch(
    id: i64,
    recording: bool,
) -> Result<parta_model::lessons::RecordingStatus, UiError> {
    call("lesson_recording_switch", &SwitchArgs { id, recording }).await
}

/// Materials chosen in the system's file chooser, uploaded to a lesson; `None` if cancelled.
pub async fn add_lesson_materials(
    id: i64,
) -> Result<Option<parta_model::lessons::Lesson>, UiError> {
    call("add_lesson_materials", &LessonArgs { id }).await
}

/// A timetable CSV chosen in the system's file chooser: its text, `None` if cancelled.
pub async fn pick_timetable_csv() -> Result<Option<String>, UiError> {
    call("pick_timetable_csv", &NoArgs {}).await
}

/// "Подключиться": the shell opens only https links.
pub async fn join_lesson(url: &str) -> Result<(), UiError> {
    call("join_lesson", &LinkArgs { url }).await
}

#[derive(Serialize)]
struct ReminderArgs {
    minutes: u32,
    english: bool,
}

/// How many minutes before a lesson the shell reminds of it (0: never), in which language.
pub async fn set_lesson_reminders(minutes: u32, english: bool) -> Result<(), UiError> {
    call("set_lesson_reminders", &ReminderArgs { minutes, english }).await
}
