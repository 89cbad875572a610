//! The shell's commands, one typed function each, over `parta_model::commands` (the argument
//! types the shell takes, with each command's name and reply).

use parta_model::commands as cmd;
use parta_model::school::{AdminReply, AdminRequest, Role};
use parta_model::view::{
    AnnouncementStatus, AnnouncementView, AppEvent, BootInfo, ChatSummary, ChatView, JoinForm,
    JoinView, MemberView, MessageView, PickedFile, ProfileView, ReceiptsView, SearchHit,
    SettingsInfo, UiError, UnlockView,
};

use super::tauri::{run, subscribe};

/// Searches the cached messages (offline, any word form), newest first.
pub async fn search_messages(query: &str, chat_id: Option<i64>) -> Result<Vec<SearchHit>, UiError> {
    run(&cmd::SearchMessages {
        query: query.to_owned(),
        chat_id,
    })
    .await
}

/// Opens a chat at one message (a search result), with the messages around it.
pub async fn open_chat_at(chat_id: i64, mid: &str) -> Result<ChatView, UiError> {
    run(&cmd::OpenChatAt {
        chat_id,
        mid: mid.to_owned(),
    })
    .await
}

/// Writes a reply to a message (through the outbox).
pub async fn send_reply(chat_id: i64, text: &str, reply_to: &str) -> Result<MessageView, UiError> {
    run(&cmd::SendReply {
        chat_id,
        text: text.to_owned(),
        reply_to: reply_to.to_owned(),
    })
    .await
}

/// Sends an announcement to one chat or several through the outbox; one pending message per
/// chat comes back.
pub async fn send_announcement(
    chat_ids: Vec<i64>,
    text: &str,
    ack_required: bool,
) -> Result<Vec<MessageView>, UiError> {
    run(&cmd::SendAnnouncement {
        chat_ids,
        text: text.to_owned(),
        ack_required,
    })
    .await
}

/// The private conversation with one person, made if one may start it (procedure 2.5).
pub async fn open_dialog(user_id: i64) -> Result<ChatSummary, UiError> {
    run(&cmd::OpenDialog { user_id }).await
}

/// Whom one shares a chat with (a new chat's members are picked from them).
pub async fn people_to_pick() -> Result<Vec<MemberView>, UiError> {
    run(&cmd::PeopleToPick {}).await
}

/// Makes another chat (procedure 4.3) that one owns and administers.
pub async fn create_group(title: &str, user_ids: Vec<i64>) -> Result<ChatSummary, UiError> {
    run(&cmd::CreateGroup {
        title: title.to_owned(),
        user_ids,
    })
    .await
}

/// Renames a chat one administers.
pub async fn rename_chat(chat_id: i64, title: &str) -> Result<ChatSummary, UiError> {
    run(&cmd::RenameChat {
        chat_id,
        title: title.to_owned(),
    })
    .await
}

/// Adds people to a chat one administers; its members as they are now.
pub async fn add_members(chat_id: i64, user_ids: Vec<i64>) -> Result<Vec<MemberView>, UiError> {
    run(&cmd::AddMembers { chat_id, user_ids }).await
}

/// Removes someone from a chat one administers; its members as they are now.
pub async fn remove_member(chat_id: i64, user_id: i64) -> Result<Vec<MemberView>, UiError> {
    run(&cmd::RemoveMember { chat_id, user_id }).await
}

/// Marks a chat read up to its newest message.
pub async fn mark_read(chat_id: i64) -> Result<(), UiError> {
    run(&cmd::MarkRead { chat_id }).await
}

/// Keeps what is being written in a chat (an empty text removes it).
pub async fn save_draft(chat_id: i64, text: &str) -> Result<(), UiError> {
    run(&cmd::SaveDraft {
        chat_id,
        text: text.to_owned(),
    })
    .await
}

/// What was being written in a chat.
pub async fn load_draft(chat_id: i64) -> Result<Option<String>, UiError> {
    run(&cmd::LoadDraft { chat_id }).await
}

/// The announcements of one's chats, newest first (from the cache when offline).
pub async fn announcements() -> Result<Vec<AnnouncementView>, UiError> {
    run(&cmd::Announcements {}).await
}

/// A chat's members (from the cache when offline).
pub async fn chat_members(chat_id: i64) -> Result<Vec<MemberView>, UiError> {
    run(&cmd::ChatMembers { chat_id }).await
}

/// What the shell knows at start-up.
pub async fn boot() -> Result<BootInfo, UiError> {
    run(&cmd::Boot {}).await
}

/// Starts the demo school and signs in as its class teacher.
pub async fn start_demo(person: Option<&str>) -> Result<ProfileView, UiError> {
    run(&cmd::StartDemo {
        person: person.map(str::to_owned),
    })
    .await
}

/// An image attachment as a `data:` URL for the timeline (`None`: not previewable).
pub async fn image_preview(token: &str, name: &str) -> Result<Option<String>, UiError> {
    run(&cmd::ImagePreview {
        token: token.to_owned(),
        name: name.to_owned(),
    })
    .await
}

/// Scales the window's page (100 to 200 percent).
pub async fn set_scale(percent: u32) -> Result<(), UiError> {
    run(&cmd::SetScale { percent }).await
}

/// Up to `limit` messages older than `mid`, oldest first (none when the history is all here).
pub async fn older_messages(
    chat_id: i64,
    mid: &str,
    limit: u32,
) -> Result<Vec<MessageView>, UiError> {
    run(&cmd::OlderMessages {
        chat_id,
        mid: mid.to_owned(),
        limit,
    })
    .await
}

/// Replaces a forgotten password with the school's one-time code and signs in.
pub async fn reset_password(
    server_url: &str,
    code: &str,
    new_password: &str,
    root_pem: Option<&str>,
) -> Result<ProfileView, UiError> {
    run(&cmd::ResetPassword {
        server_url: server_url.to_owned(),
        code: code.to_owned(),
        new_password: new_password.to_owned(),
        root_pem: root_pem.map(str::to_owned),
    })
    .await
}

/// Connects the school's MAX bot with its token (kept in the OS keychain by the shell).
pub async fn connect_max_bot(
    server_url: Option<&str>,
    token: &str,
    root_pem: Option<&str>,
) -> Result<ProfileView, UiError> {
    run(&cmd::ConnectMaxBot {
        server_url: server_url.map(str::to_owned),
        token: token.to_owned(),
        root_pem: root_pem.map(str::to_owned),
    })
    .await
}

/// Signs in to a school's server with a login and password (this device gets its own token,
/// kept in the OS keychain by the shell).
pub async fn sign_in_with_password(
    server_url: &str,
    login: &str,
    password: &str,
    root_pem: Option<&str>,
) -> Result<ProfileView, UiError> {
    run(&cmd::SignInWithPassword {
        server_url: server_url.to_owned(),
        login: login.to_owned(),
        password: password.to_owned(),
        root_pem: root_pem.map(str::to_owned),
    })
    .await
}

/// Joins a school by an invitation.
pub async fn join_by_invite(form: &JoinForm) -> Result<JoinView, UiError> {
    run(&cmd::JoinByInvite { form: form.clone() }).await
}

/// How the waiting join stands (signs in once approved).
pub async fn join_outcome() -> Result<JoinView, UiError> {
    run(&cmd::JoinOutcome {}).await
}

/// Whether a message is an announcement, and whether I acknowledged it.
pub async fn announcement_status(mid: &str) -> Result<AnnouncementStatus, UiError> {
    run(&cmd::AnnouncementStatus {
        mid: mid.to_owned(),
    })
    .await
}

/// "Ознакомлен".
pub async fn acknowledge(mid: &str) -> Result<(), UiError> {
    run(&cmd::Acknowledge {
        mid: mid.to_owned(),
    })
    .await
}

/// Who has acknowledged my announcement.
pub async fn receipts(mid: &str) -> Result<ReceiptsView, UiError> {
    run(&cmd::Receipts {
        mid: mid.to_owned(),
    })
    .await
}

/// The chat list, from the cache.
pub async fn chats() -> Result<Vec<ChatSummary>, UiError> {
    run(&cmd::ListChats {}).await
}

/// One chat, from the cache.
pub async fn open_chat(chat_id: i64) -> Result<ChatView, UiError> {
    run(&cmd::OpenChat { chat_id }).await
}

/// Sends a text message.
pub async fn send_text(chat_id: i64, text: &str) -> Result<MessageView, UiError> {
    run(&cmd::SendMessage {
        chat_id,
        text: text.to_owned(),
    })
    .await
}

/// Tries a message that did not go out again.
pub async fn retry(mid: &str) -> Result<MessageView, UiError> {
    run(&cmd::RetryMessage {
        mid: mid.to_owned(),
    })
    .await
}

/// Gives up on a message that did not go out.
pub async fn discard(mid: &str) -> Result<(), UiError> {
    run(&cmd::DiscardMessage {
        mid: mid.to_owned(),
    })
    .await
}

/// Demo only: stops or restarts the in-process school server.
pub async fn set_demo_offline(offline: bool) -> Result<bool, UiError> {
    run(&cmd::SetDemoOffline { offline }).await
}

/// Calls `handler` with every event of the session.
pub async fn on_event(handler: impl FnMut(AppEvent) + 'static) {
    subscribe("parta://event", handler).await;
}

/// Every profile on this computer, the active one first.
pub async fn profiles() -> Result<Vec<ProfileView>, UiError> {
    run(&cmd::Profiles {}).await
}

/// Makes another profile the active one.
pub async fn switch_profile(profile_id: &str) -> Result<ProfileView, UiError> {
    run(&cmd::SwitchProfile {
        profile_id: profile_id.to_owned(),
    })
    .await
}

/// The signed-in person's role at the school (what the Администрирование section shows).
/// Wrong passwords given for one's own login in the last 30 days, newest first (`None` for a
/// profile without a password: a MAX bot).
pub async fn failed_sign_ins() -> Result<Option<Vec<parta_model::school::FailedSignIn>>, UiError> {
    run(&cmd::FailedSignIns {}).await
}

/// Whether one administers the chat (asked of the server; offline, no).
pub async fn chat_admin(chat_id: i64) -> Result<bool, UiError> {
    run(&cmd::ChatAdmin { chat_id }).await
}

/// Pins a message of the chat, or unpins with none.
pub async fn pin_message(chat_id: i64, mid: Option<&str>) -> Result<(), UiError> {
    run(&cmd::PinMessage {
        chat_id,
        mid: mid.map(str::to_owned),
    })
    .await
}

/// The chat's members in their quiet hours now.
pub async fn chat_quiet(chat_id: i64) -> Result<Vec<parta_model::school::QuietMember>, UiError> {
    run(&cmd::ChatQuiet { chat_id }).await
}

/// One's quiet hours (staff; a parent is refused).
pub async fn quiet_hours() -> Result<Option<parta_model::school::QuietHours>, UiError> {
    run(&cmd::GetQuietHours {}).await
}

/// Sets one's quiet hours, or takes them away with `None`.
pub async fn set_quiet_hours(
    hours: Option<parta_model::school::QuietHours>,
) -> Result<(), UiError> {
    run(&cmd::SetQuietHours { hours }).await
}

/// The devices signed in as oneself, with their last use.
pub async fn my_devices() -> Result<Vec<parta_model::school::Device>, UiError> {
    run(&cmd::MyDevices {}).await
}

/// Reports a message (procedure 6.2, 9.1).
pub async fn report_message(
    mid: &str,
    reason: parta_model::school::ReportReason,
    note: Option<String>,
) -> Result<parta_model::school::Report, UiError> {
    run(&cmd::ReportMessage {
        mid: mid.to_owned(),
        reason,
        note,
    })
    .await
}

/// One's own reports with what became of each.
pub async fn my_reports() -> Result<Vec<parta_model::school::Report>, UiError> {
    run(&cmd::MyReports {}).await
}

/// Signs one of one's own devices out.
pub async fn revoke_device(device_id: i64) -> Result<(), UiError> {
    run(&cmd::RevokeDevice { device_id }).await
}

/// Changes one's password, and signs the other devices out when asked.
pub async fn change_password(
    current: &str,
    new_password: &str,
    sign_out_others: bool,
) -> Result<(), UiError> {
    run(&cmd::ChangePassword {
        current: current.to_owned(),
        new_password: new_password.to_owned(),
        sign_out_others,
    })
    .await
}

pub async fn my_role() -> Result<Option<Role>, UiError> {
    run(&cmd::MyRole {}).await
}

/// One administrative request; the school's server decides whether it is allowed.
pub async fn admin(request: &AdminRequest) -> Result<AdminReply, UiError> {
    run(&cmd::Admin {
        request: request.clone(),
    })
    .await
}

/// What the settings screen shows.
pub async fn settings() -> Result<SettingsInfo, UiError> {
    run(&cmd::Settings {}).await
}

/// Asks the active profile's server whether a newer Parta is there.
pub async fn update_check() -> Result<parta_model::view::UpdateView, UiError> {
    run(&cmd::UpdateCheck {}).await
}

/// Downloads, checks and installs the offered update (progress comes as events).
pub async fn update_install() -> Result<(), UiError> {
    run(&cmd::UpdateInstall {}).await
}

/// Starts Parta again.
pub async fn restart() -> Result<(), UiError> {
    run(&cmd::Restart {}).await
}

/// Empties the active profile's offline cache and loads it again.
pub async fn clear_cache() -> Result<ProfileView, UiError> {
    run(&cmd::ClearCache {}).await
}

/// Signs the active profile out; the next saved profile, if any, becomes active.
pub async fn sign_out(wipe: bool) -> Result<Option<ProfileView>, UiError> {
    run(&cmd::SignOut { wipe }).await
}

/// Someone is using the window; the shell locks the app after `idle_ms` without this.
pub async fn activity(idle_ms: Option<u64>) -> Result<(), UiError> {
    run(&cmd::Activity { idle_ms }).await
}

/// Sets the app lock PIN, or removes it.
pub async fn set_pin(pin: Option<&str>) -> Result<(), UiError> {
    run(&cmd::SetPin {
        pin: pin.map(str::to_owned),
    })
    .await
}

/// Locks the app now; whether it locked (only with a PIN set).
pub async fn lock_now() -> Result<bool, UiError> {
    run(&cmd::LockNow {}).await
}

/// Unlocks with the PIN.
pub async fn unlock(pin: &str) -> Result<UnlockView, UiError> {
    run(&cmd::Unlock {
        pin: pin.to_owned(),
    })
    .await
}

/// Opens a web or mail link from a message in the system browser (the shell checks it).
pub async fn open_link(url: &str) -> Result<(), UiError> {
    run(&cmd::OpenLink {
        url: url.to_owned(),
    })
    .await
}

/// Has the school's server send `text` to the chat at `send_at` (Unix ms).
pub async fn schedule_message(
    chat_id: i64,
    text: &str,
    send_at: i64,
) -> Result<parta_model::school::Scheduled, UiError> {
    run(&cmd::ScheduleMessage {
        chat_id,
        text: text.to_owned(),
        send_at,
    })
    .await
}

/// One's pending scheduled messages in a chat, soonest first.
pub async fn scheduled_messages(
    chat_id: i64,
) -> Result<Vec<parta_model::school::Scheduled>, UiError> {
    run(&cmd::ScheduledMessages { chat_id }).await
}

/// Cancels a pending scheduled message.
pub async fn cancel_scheduled(id: i64) -> Result<(), UiError> {
    run(&cmd::CancelScheduled { id }).await
}

/// The system's file chooser: files to attach (none if cancelled).
pub async fn pick_files() -> Result<Vec<PickedFile>, UiError> {
    run(&cmd::PickFiles {}).await
}

/// Name and size of files dropped on the window.
pub async fn describe_files(paths: &[String]) -> Result<Vec<PickedFile>, UiError> {
    run(&cmd::DescribeFiles {
        paths: paths.to_vec(),
    })
    .await
}

/// Writes a message with files (through the outbox).
pub async fn send_files(
    chat_id: i64,
    text: &str,
    paths: &[String],
) -> Result<Vec<MessageView>, UiError> {
    run(&cmd::SendFiles {
        chat_id,
        text: text.to_owned(),
        paths: paths.to_vec(),
    })
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

/// Opens an attached file with the system's application (downloading it once).
pub async fn open_attachment(token: &str, name: &str) -> Result<(), UiError> {
    run(&cmd::OpenAttachment {
        token: token.to_owned(),
        name: name.to_owned(),
    })
    .await
}

/// The files of the cached messages (one chat's, or all), newest first; works offline.
pub async fn files(chat_id: Option<i64>) -> Result<Vec<parta_model::view::FileView>, UiError> {
    run(&cmd::Files { chat_id }).await
}

/// Lets the window draw with the GPU from the next start, or not.
pub async fn set_accelerated(on: bool) -> Result<(), UiError> {
    run(&cmd::SetAccelerated { on }).await
}

/// The person's choices on this computer, as the shell keeps them.
pub async fn preferences() -> Result<parta_model::view::Preferences, UiError> {
    run(&cmd::GetPreferences {}).await
}

/// Keeps new choices; the answer is what was kept.
pub async fn save_preferences(
    preferences: &parta_model::view::Preferences,
) -> Result<parta_model::view::Preferences, UiError> {
    run(&cmd::SavePreferences {
        preferences: preferences.clone(),
    })
    .await
}

/// Replaces the text of one's own message.
pub async fn edit_message(mid: &str, text: &str) -> Result<(), UiError> {
    run(&cmd::EditMessage {
        mid: mid.to_owned(),
        text: text.to_owned(),
    })
    .await
}

/// Deletes a sent message.
pub async fn delete_message(mid: &str) -> Result<(), UiError> {
    run(&cmd::DeleteMessage {
        mid: mid.to_owned(),
    })
    .await
}

/// Personal data the school's rules find in files before they are sent into `chat_id`, and
/// whole books and videos where the school warns about them.
pub async fn check_files(
    chat_id: i64,
    paths: Vec<String>,
) -> Result<Vec<parta_model::view::PolicyNote>, UiError> {
    run(&cmd::CheckFiles { chat_id, paths }).await
}

/// What the school's rules find in a text before it is sent.
pub async fn check_text(text: &str) -> Result<Vec<parta_model::view::PolicyNote>, UiError> {
    run(&cmd::CheckText {
        text: text.to_owned(),
    })
    .await
}

/// The lessons starting in `[from, to)`; from this computer's cache while offline.
pub async fn lessons(from: i64, to: i64) -> Result<parta_model::view::LessonsView, UiError> {
    run(&cmd::Lessons { from, to }).await
}

/// Whether a lesson may be recorded.
pub async fn lesson_recording(id: i64) -> Result<parta_model::lessons::RecordingStatus, UiError> {
    run(&cmd::LessonRecording { id }).await
}

/// A parent's answer about recording a lesson.
pub async fn lesson_consent(
    id: i64,
    consent: bool,
) -> Result<parta_model::lessons::RecordingStatus, UiError> {
    run(&cmd::LessonConsent { id, consent }).await
}

/// Reports joining or leaving a lesson.
pub async fn lesson_presence(
    id: i64,
    present: bool,
) -> Result<parta_model::lessons::RecordingStatus, UiError> {
    run(&cmd::LessonPresence { id, present }).await
}

/// The teacher starts or stops a lesson's recording.
pub async fn lesson_recording_switch(
    id: i64,
    recording: bool,
) -> Result<parta_model::lessons::RecordingStatus, UiError> {
    run(&cmd::LessonRecordingSwitch { id, recording }).await
}

/// Materials chosen in the system's file chooser, uploaded to a lesson; `None` if cancelled.
pub async fn add_lesson_materials(
    id: i64,
) -> Result<Option<parta_model::lessons::Lesson>, UiError> {
    run(&cmd::AddLessonMaterials { id }).await
}

/// A timetable CSV chosen in the system's file chooser: its text, `None` if cancelled.
pub async fn pick_timetable_csv() -> Result<Option<String>, UiError> {
    run(&cmd::PickTimetableCsv {}).await
}

/// "Подключиться": the shell opens only https links.
pub async fn join_lesson(url: &str) -> Result<(), UiError> {
    run(&cmd::JoinLesson {
        url: url.to_owned(),
    })
    .await
}
