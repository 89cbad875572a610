//! The shell's commands as the UI calls them: one argument type per command, with the name the
//! shell registers it under and the type of its reply. The shell (`src-tauri`) takes these
//! types and the UI (`ui/src/services/api.rs`) sends them, so a renamed field or a changed reply
//! fails to compile on both sides instead of at run time. The UI sends a command's arguments
//! under the key `args`.
//!
//! No argument type derives `Debug`: some carry a password, a PIN or a bot token.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::lessons::{Lesson, RecordingStatus};
use crate::school::{AdminReply, AdminRequest, Role, Scheduled};
use crate::view::{
    self, AnnouncementView, BootInfo, ChatSummary, ChatView, FileView, JoinForm, JoinView,
    LessonsView, MemberView, MessageView, PickedFile, PolicyNote, Preferences, ProfileView,
    ReceiptsView, SearchHit, SettingsInfo, UnlockView,
};

/// A shell command: its arguments are the value, its name and reply are associated.
pub trait Command: Serialize + DeserializeOwned {
    /// The name the shell registers the command under (its function's name).
    const NAME: &'static str;
    /// What the command answers when it succeeds.
    type Reply: Serialize + DeserializeOwned;
}

/// The reply of command `C`.
pub type ReplyOf<C> = <C as Command>::Reply;

macro_rules! commands {
    ($( $(#[$doc:meta])* $name:literal => $ty:ident { $($field:ident : $fty:ty),* } -> $reply:ty; )*) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Serialize, Deserialize)]
            pub struct $ty {
                $(pub $field: $fty,)*
            }

            impl Command for $ty {
                const NAME: &'static str = $name;
                type Reply = $reply;
            }
        )*

        /// Every command: the name of its argument type, and its own name.
        pub const ALL: &[(&str, &str)] = &[$((stringify!($ty), $name)),*];
    };
}

commands! {
    /// The app as it starts: profiles, the active one, the lock.
    "boot" => Boot {  } -> BootInfo;
    /// Opens the demo school as one of its people (the class teacher unless named).
    "start_demo" => StartDemo { person: Option<String> } -> ProfileView;
    /// Every profile on this computer.
    "profiles" => Profiles {  } -> Vec<ProfileView>;
    /// Makes another profile the active one.
    "switch_profile" => SwitchProfile { profile_id: String } -> ProfileView;
    /// The active profile's role at its school.
    "my_role" => MyRole {  } -> Option<Role>;
    /// Wrong passwords given for one's own login in the last 30 days, newest first.
    "failed_sign_ins" => FailedSignIns {  } -> Option<Vec<crate::school::FailedSignIn>>;
    /// The chat's members in their quiet hours now.
    "chat_quiet" => ChatQuiet { chat_id: i64 } -> Vec<crate::school::QuietMember>;
    /// One's quiet hours (staff).
    "quiet_hours" => GetQuietHours {  } -> Option<crate::school::QuietHours>;
    /// Sets one's quiet hours, or takes them away.
    "set_quiet_hours" => SetQuietHours { hours: Option<crate::school::QuietHours> } -> ();
    /// The devices signed in as oneself, with their last use.
    "my_devices" => MyDevices {  } -> Vec<crate::school::Device>;
    /// Reports a message to the chat's administrators and the school's administration.
    "report_message" => ReportMessage { mid: String, reason: crate::school::ReportReason, note: Option<String> } -> crate::school::Report;
    /// One's own reports with what became of each.
    "my_reports" => MyReports {  } -> Vec<crate::school::Report>;
    /// Signs one of one's own devices out.
    "revoke_device" => RevokeDevice { device_id: i64 } -> ();
    /// Changes one's password; optionally signs every other device out.
    "change_password" => ChangePassword { current: String, new_password: String, sign_out_others: bool } -> ();
    /// Whom one shares a chat with: a new chat's members are picked from them.
    "people_to_pick" => PeopleToPick {  } -> Vec<MemberView>;
    /// Makes another chat (procedure 4.3) that one owns and administers.
    "create_group" => CreateGroup { title: String, user_ids: Vec<i64> } -> ChatSummary;
    /// Renames a chat one administers.
    "rename_chat" => RenameChat { chat_id: i64, title: String } -> ChatSummary;
    /// Adds people to a chat one administers.
    "add_members" => AddMembers { chat_id: i64, user_ids: Vec<i64> } -> Vec<MemberView>;
    /// Removes someone from a chat one administers.
    "remove_member" => RemoveMember { chat_id: i64, user_id: i64 } -> Vec<MemberView>;
    /// The private conversation with one person, made if one may start it.
    "open_dialog" => OpenDialog { user_id: i64 } -> ChatSummary;
    /// Whether one is an administrator of the chat (asked of the server; offline, no).
    "chat_admin" => ChatAdmin { chat_id: i64 } -> bool;
    /// Pins a message of the chat, or unpins with none (chat administrators).
    "pin_message" => PinMessage { chat_id: i64, mid: Option<String> } -> ();
    /// One request of the Управление section.
    "admin" => Admin { request: AdminRequest } -> AdminReply;
    /// Signs in to a school's server; this computer gets a token of its own.
    "sign_in_with_password" => SignInWithPassword { server_url: String, login: String, password: String, root_pem: Option<String> } -> ProfileView;
    /// Replaces a forgotten password with the school's one-time code and signs in.
    "reset_password" => ResetPassword { server_url: String, code: String, new_password: String, root_pem: Option<String> } -> ProfileView;
    /// Connects the school's MAX bot by its token (the platform administrator's).
    "connect_max_bot" => ConnectMaxBot { server_url: Option<String>, token: String, root_pem: Option<String> } -> ProfileView;
    /// Joins a school with an invitation.
    "join_by_invite" => JoinByInvite { form: JoinForm } -> JoinView;
    /// Asks again whether the school approved the join.
    "join_outcome" => JoinOutcome {  } -> JoinView;
    /// The chat list, from the cache.
    "list_chats" => ListChats {  } -> Vec<ChatSummary>;
    /// A chat's newest messages.
    "open_chat" => OpenChat { chat_id: i64 } -> ChatView;
    /// Searches the cached messages (offline, any word form).
    "search_messages" => SearchMessages { query: String, chat_id: Option<i64> } -> Vec<SearchHit>;
    /// The window's scale.
    "set_scale" => SetScale { percent: u32 } -> ();
    /// A page of history older than `mid`.
    "older_messages" => OlderMessages { chat_id: i64, mid: String, limit: u32 } -> Vec<MessageView>;
    /// Opens a chat at one message, with those around it.
    "open_chat_at" => OpenChatAt { chat_id: i64, mid: String } -> ChatView;
    /// Sends a message through the outbox.
    "send_message" => SendMessage { chat_id: i64, text: String } -> MessageView;
    /// Sends an announcement to one chat or several (a broadcast) through the outbox.
    "send_announcement" => SendAnnouncement { chat_ids: Vec<i64>, text: String, ack_required: bool } -> Vec<MessageView>;
    /// Sends a reply through the outbox.
    "send_reply" => SendReply { chat_id: i64, text: String, reply_to: String } -> MessageView;
    /// Marks a chat read.
    "mark_read" => MarkRead { chat_id: i64 } -> ();
    /// Keeps what is being written in a chat.
    "save_draft" => SaveDraft { chat_id: i64, text: String } -> ();
    /// A chat's draft.
    "load_draft" => LoadDraft { chat_id: i64 } -> Option<String>;
    /// Every announcement of one's chats.
    "announcements" => Announcements {  } -> Vec<AnnouncementView>;
    /// Who is in a chat.
    "chat_members" => ChatMembers { chat_id: i64 } -> Vec<MemberView>;
    /// Takes the demo server away or brings it back.
    "set_demo_offline" => SetDemoOffline { offline: bool } -> bool;
    /// Sends a failed message again.
    "retry_message" => RetryMessage { mid: String } -> MessageView;
    /// Drops a message from the outbox.
    "discard_message" => DiscardMessage { mid: String } -> ();
    /// Whether one has acknowledged an announcement.
    "announcement_status" => AnnouncementStatus { mid: String } -> view::AnnouncementStatus;
    /// "Ознакомлен".
    "acknowledge" => Acknowledge { mid: String } -> ();
    /// Who has acknowledged, read, or not yet.
    "receipts" => Receipts { mid: String } -> ReceiptsView;
    /// What the settings screen shows.
    "settings" => Settings {  } -> SettingsInfo;
    /// Asks the profile's server whether a newer Parta is there.
    "update_check" => UpdateCheck {  } -> view::UpdateView;
    /// Downloads the offered update (progress as events), checks its signature, installs it.
    "update_install" => UpdateInstall {  } -> ();
    /// Starts Parta again (the installed update runs).
    "restart" => Restart {  } -> ();
    /// Clears what this computer keeps (drafts and the outbox stay).
    "clear_cache" => ClearCache {  } -> ProfileView;
    /// Signs the active profile out.
    "sign_out" => SignOut { wipe: bool } -> Option<ProfileView>;
    /// Sets or removes the app lock's PIN.
    "set_pin" => SetPin { pin: Option<String> } -> ();
    /// Locks the app now.
    "lock_now" => LockNow {  } -> bool;
    /// Someone is using the window.
    "activity" => Activity { idle_ms: Option<u64> } -> ();
    /// Unlocks the app with the PIN.
    "unlock" => Unlock { pin: String } -> UnlockView;
    /// A message the school's server sends later.
    "schedule_message" => ScheduleMessage { chat_id: i64, text: String, send_at: i64 } -> Scheduled;
    /// One's pending scheduled messages in a chat.
    "scheduled_messages" => ScheduledMessages { chat_id: i64 } -> Vec<Scheduled>;
    /// Cancels a scheduled message.
    "cancel_scheduled" => CancelScheduled { id: i64 } -> ();
    /// The system's file chooser.
    "pick_files" => PickFiles {  } -> Vec<PickedFile>;
    /// Name and size of dropped files.
    "describe_files" => DescribeFiles { paths: Vec<String> } -> Vec<PickedFile>;
    /// Sends files (and a text) through the outbox.
    "send_files" => SendFiles { chat_id: i64, text: String, paths: Vec<String> } -> Vec<MessageView>;
    /// The files of the cached chats.
    "files" => Files { chat_id: Option<i64> } -> Vec<FileView>;
    /// Changes one's own message.
    "edit_message" => EditMessage { mid: String, text: String } -> ();
    /// Deletes a message for everyone.
    "delete_message" => DeleteMessage { mid: String } -> ();
    /// What the school's rules say of a text before it is sent.
    "check_text" => CheckText { text: String } -> Vec<PolicyNote>;
    /// What the school's rules find in files before they are sent (personal data).
    "check_files" => CheckFiles { chat_id: i64, paths: Vec<String> } -> Vec<PolicyNote>;
    /// Desktop notifications on or off.
    "preferences" => GetPreferences {} -> Preferences;
    "save_preferences" => SavePreferences { preferences: Preferences } -> Preferences;
    /// Hardware acceleration from the next start.
    "set_accelerated" => SetAccelerated { on: bool } -> ();
    /// How long before a lesson it is reminded of.
    /// Opens a file through the offline file cache.
    "open_attachment" => OpenAttachment { token: String, name: String } -> ();
    /// An image as a `data:` URL for the timeline.
    "image_preview" => ImagePreview { token: String, name: String } -> Option<String>;
    /// Opens a web or mail link in the system browser.
    "open_link" => OpenLink { url: String } -> ();
    /// The lessons in `[from, to)`.
    "lessons" => Lessons { from: i64, to: i64 } -> LessonsView;
    /// Whether a lesson may be recorded.
    "lesson_recording" => LessonRecording { id: i64 } -> RecordingStatus;
    /// A parent's answer about recording.
    "lesson_consent" => LessonConsent { id: i64, consent: bool } -> RecordingStatus;
    /// Reports joining or leaving a lesson.
    "lesson_presence" => LessonPresence { id: i64, present: bool } -> RecordingStatus;
    /// The teacher's recording switch.
    "lesson_recording_switch" => LessonRecordingSwitch { id: i64, recording: bool } -> RecordingStatus;
    /// Adds materials to a lesson from the system's file chooser.
    "add_lesson_materials" => AddLessonMaterials { id: i64 } -> Option<Lesson>;
    /// A timetable CSV from the system's file chooser.
    "pick_timetable_csv" => PickTimetableCsv {  } -> Option<String>;
    /// Opens a lesson's video-conference link.
    "join_lesson" => JoinLesson { url: String } -> ();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_a_name_of_its_own() {
        let mut names: Vec<&str> = ALL.iter().map(|(_, name)| *name).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "two argument types claim one command");
    }

    #[test]
    fn arguments_travel_as_the_shell_reads_them() {
        let json = serde_json::to_value(OlderMessages {
            chat_id: 7,
            mid: "mid.1".into(),
            limit: 100,
        })
        .unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"chat_id": 7, "mid": "mid.1", "limit": 100})
        );
        assert_eq!(<OlderMessages as Command>::NAME, "older_messages");
    }
}
