//! Tauri commands: each one is a few lines over [`Shell`] and parta-client.

use parta_client::secrets::Sensitive;
use parta_model::commands::{self as cmd, ReplyOf};
use parta_model::view::UiError;
use tauri::State;

use crate::chooser::{choose, describe};
use crate::links::{is_conference_link, is_openable};
use crate::shell::{Shell, internal, invalid};

type Reply<T> = Result<T, UiError>;

#[tauri::command(rename_all = "snake_case")]
pub async fn boot(shell: State<'_, Shell>) -> Reply<ReplyOf<cmd::Boot>> {
    shell.boot().await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn start_demo(
    shell: State<'_, Shell>,
    args: cmd::StartDemo,
) -> Reply<ReplyOf<cmd::StartDemo>> {
    let cmd::StartDemo { person } = args;
    shell.start_demo(person.as_deref()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn profiles(shell: State<'_, Shell>) -> Reply<ReplyOf<cmd::Profiles>> {
    shell.profiles().await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn switch_profile(
    shell: State<'_, Shell>,
    args: cmd::SwitchProfile,
) -> Reply<ReplyOf<cmd::SwitchProfile>> {
    let cmd::SwitchProfile { profile_id } = args;
    shell.switch_profile(&profile_id).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn my_role(shell: State<'_, Shell>) -> Reply<ReplyOf<cmd::MyRole>> {
    shell.with_session(|s| async move { s.role().await }).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn failed_sign_ins(shell: State<'_, Shell>) -> Reply<ReplyOf<cmd::FailedSignIns>> {
    shell
        .with_session(|s| async move { s.failed_sign_ins().await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn chat_quiet(
    shell: State<'_, Shell>,
    args: cmd::ChatQuiet,
) -> Reply<ReplyOf<cmd::ChatQuiet>> {
    let cmd::ChatQuiet { chat_id } = args;
    shell
        .with_session(|s| async move { Ok(s.quiet_in_chat(chat_id).await) })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn quiet_hours(shell: State<'_, Shell>) -> Reply<ReplyOf<cmd::GetQuietHours>> {
    shell
        .with_session(|s| async move { s.quiet_hours().await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_quiet_hours(
    shell: State<'_, Shell>,
    args: cmd::SetQuietHours,
) -> Reply<ReplyOf<cmd::SetQuietHours>> {
    let cmd::SetQuietHours { hours } = args;
    shell
        .with_session(|s| async move { s.set_quiet_hours(hours).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn my_devices(shell: State<'_, Shell>) -> Reply<ReplyOf<cmd::MyDevices>> {
    shell
        .with_session(|s| async move { s.devices().await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn revoke_device(
    shell: State<'_, Shell>,
    args: cmd::RevokeDevice,
) -> Reply<ReplyOf<cmd::RevokeDevice>> {
    let cmd::RevokeDevice { device_id } = args;
    shell
        .with_session(|s| async move { s.revoke_device(device_id).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn change_password(
    shell: State<'_, Shell>,
    args: cmd::ChangePassword,
) -> Reply<ReplyOf<cmd::ChangePassword>> {
    let cmd::ChangePassword {
        current,
        new_password,
        sign_out_others,
    } = args;
    let (current, new_password) = (Sensitive::new(current), Sensitive::new(new_password));
    shell
        .with_session(|s| async move {
            s.change_password(&current, &new_password, sign_out_others)
                .await
        })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn chat_admin(
    shell: State<'_, Shell>,
    args: cmd::ChatAdmin,
) -> Reply<ReplyOf<cmd::ChatAdmin>> {
    let cmd::ChatAdmin { chat_id } = args;
    shell
        .with_session(|s| async move { Ok(s.is_chat_admin(chat_id).await) })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn pin_message(
    shell: State<'_, Shell>,
    args: cmd::PinMessage,
) -> Reply<ReplyOf<cmd::PinMessage>> {
    let cmd::PinMessage { chat_id, mid } = args;
    shell
        .with_session(|s| async move { s.pin(chat_id, mid.as_deref()).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn admin(shell: State<'_, Shell>, args: cmd::Admin) -> Reply<ReplyOf<cmd::Admin>> {
    let cmd::Admin { request } = args;
    shell
        .with_session(|s| async move { s.admin(&request).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sign_in_with_password(
    shell: State<'_, Shell>,
    args: cmd::SignInWithPassword,
) -> Reply<ReplyOf<cmd::SignInWithPassword>> {
    let cmd::SignInWithPassword {
        server_url,
        login,
        password,
        root_pem,
    } = args;
    shell
        .sign_in_with_password(&server_url, &login, password, root_pem)
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn reset_password(
    shell: State<'_, Shell>,
    args: cmd::ResetPassword,
) -> Reply<ReplyOf<cmd::ResetPassword>> {
    shell.reset_password(args).await
}

/// Connects the school's MAX bot with its token (the platform administrator's profile).
#[tauri::command(rename_all = "snake_case")]
pub async fn connect_max_bot(
    shell: State<'_, Shell>,
    args: cmd::ConnectMaxBot,
) -> Reply<ReplyOf<cmd::ConnectMaxBot>> {
    let cmd::ConnectMaxBot {
        server_url,
        token,
        root_pem,
    } = args;
    shell.connect_max_bot(server_url, token, root_pem).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn join_by_invite(
    shell: State<'_, Shell>,
    args: cmd::JoinByInvite,
) -> Reply<ReplyOf<cmd::JoinByInvite>> {
    let cmd::JoinByInvite { form } = args;
    shell.join_by_invite(form).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn join_outcome(shell: State<'_, Shell>) -> Reply<ReplyOf<cmd::JoinOutcome>> {
    shell.join_outcome().await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn list_chats(shell: State<'_, Shell>) -> Reply<ReplyOf<cmd::ListChats>> {
    shell.with_session(|s| async move { s.chats().await }).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn open_chat(
    shell: State<'_, Shell>,
    args: cmd::OpenChat,
) -> Reply<ReplyOf<cmd::OpenChat>> {
    let cmd::OpenChat { chat_id } = args;
    shell
        .with_session(|s| async move { s.open_chat(chat_id).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn search_messages(
    shell: State<'_, Shell>,
    args: cmd::SearchMessages,
) -> Reply<ReplyOf<cmd::SearchMessages>> {
    let cmd::SearchMessages { query, chat_id } = args;
    shell
        .with_session(|s| async move { s.search(&query, chat_id).await })
        .await
}

/// Scales the window's page: 100 to 200 percent (page zoom, as Ctrl + "+" does).
#[tauri::command(rename_all = "snake_case")]
pub fn set_scale(
    window: tauri::WebviewWindow,
    args: cmd::SetScale,
) -> Reply<ReplyOf<cmd::SetScale>> {
    let cmd::SetScale { percent } = args;
    if !(100..=200).contains(&percent) {
        return Err(invalid("the scale is between 100 and 200 percent"));
    }
    window
        .set_zoom(f64::from(percent) / 100.0)
        .map_err(|e| internal(format!("the window could not be scaled: {e}")))
}

/// Up to `limit` messages older than `mid`, oldest first: scrolling back through history
/// (from the cache, and from the server once the cache runs out).
#[tauri::command(rename_all = "snake_case")]
pub async fn older_messages(
    shell: State<'_, Shell>,
    args: cmd::OlderMessages,
) -> Reply<ReplyOf<cmd::OlderMessages>> {
    let cmd::OlderMessages {
        chat_id,
        mid,
        limit,
    } = args;
    shell
        .with_session(|s| async move { s.older_page(chat_id, &mid, limit).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn open_chat_at(
    shell: State<'_, Shell>,
    args: cmd::OpenChatAt,
) -> Reply<ReplyOf<cmd::OpenChatAt>> {
    let cmd::OpenChatAt { chat_id, mid } = args;
    shell
        .with_session(|s| async move { s.open_chat_at(chat_id, &mid).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn send_message(
    shell: State<'_, Shell>,
    args: cmd::SendMessage,
) -> Reply<ReplyOf<cmd::SendMessage>> {
    let cmd::SendMessage { chat_id, text } = args;
    shell
        .with_session(|s| async move { s.send_text(chat_id, &text).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn send_reply(
    shell: State<'_, Shell>,
    args: cmd::SendReply,
) -> Reply<ReplyOf<cmd::SendReply>> {
    let cmd::SendReply {
        chat_id,
        text,
        reply_to,
    } = args;
    shell
        .with_session(|s| async move { s.send_reply(chat_id, &text, &reply_to).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn mark_read(
    app: tauri::AppHandle,
    shell: State<'_, Shell>,
    args: cmd::MarkRead,
) -> Reply<ReplyOf<cmd::MarkRead>> {
    let cmd::MarkRead { chat_id } = args;
    shell
        .with_session(|s| async move { s.mark_read(chat_id).await })
        .await?;
    crate::tray::changed(&app);
    Ok(())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn save_draft(
    shell: State<'_, Shell>,
    args: cmd::SaveDraft,
) -> Reply<ReplyOf<cmd::SaveDraft>> {
    let cmd::SaveDraft { chat_id, text } = args;
    shell
        .with_session(|s| async move { s.save_draft(chat_id, &text).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn load_draft(
    shell: State<'_, Shell>,
    args: cmd::LoadDraft,
) -> Reply<ReplyOf<cmd::LoadDraft>> {
    let cmd::LoadDraft { chat_id } = args;
    shell
        .with_session(|s| async move { s.draft(chat_id).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn announcements(shell: State<'_, Shell>) -> Reply<ReplyOf<cmd::Announcements>> {
    shell
        .with_session(|s| async move { s.announcements().await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn chat_members(
    shell: State<'_, Shell>,
    args: cmd::ChatMembers,
) -> Reply<ReplyOf<cmd::ChatMembers>> {
    let cmd::ChatMembers { chat_id } = args;
    shell
        .with_session(|s| async move { s.members(chat_id).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_demo_offline(
    shell: State<'_, Shell>,
    args: cmd::SetDemoOffline,
) -> Reply<ReplyOf<cmd::SetDemoOffline>> {
    let cmd::SetDemoOffline { offline } = args;
    shell.set_demo_offline(offline).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn retry_message(
    shell: State<'_, Shell>,
    args: cmd::RetryMessage,
) -> Reply<ReplyOf<cmd::RetryMessage>> {
    let cmd::RetryMessage { mid } = args;
    shell
        .with_session(|s| async move { s.retry(&mid).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn discard_message(
    shell: State<'_, Shell>,
    args: cmd::DiscardMessage,
) -> Reply<ReplyOf<cmd::DiscardMessage>> {
    let cmd::DiscardMessage { mid } = args;
    shell
        .with_session(|s| async move { s.discard(&mid).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn announcement_status(
    shell: State<'_, Shell>,
    args: cmd::AnnouncementStatus,
) -> Reply<ReplyOf<cmd::AnnouncementStatus>> {
    let cmd::AnnouncementStatus { mid } = args;
    shell
        .with_session(|s| async move { s.announcement_status(&mid).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn acknowledge(
    shell: State<'_, Shell>,
    args: cmd::Acknowledge,
) -> Reply<ReplyOf<cmd::Acknowledge>> {
    let cmd::Acknowledge { mid } = args;
    shell
        .with_session(|s| async move { s.acknowledge(&mid).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn receipts(
    shell: State<'_, Shell>,
    args: cmd::Receipts,
) -> Reply<ReplyOf<cmd::Receipts>> {
    let cmd::Receipts { mid } = args;
    shell
        .with_session(|s| async move { s.receipts(&mid).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn settings(shell: State<'_, Shell>) -> Reply<ReplyOf<cmd::Settings>> {
    shell.settings().await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn clear_cache(shell: State<'_, Shell>) -> Reply<ReplyOf<cmd::ClearCache>> {
    shell.clear_cache().await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sign_out(shell: State<'_, Shell>, args: cmd::SignOut) -> Reply<ReplyOf<cmd::SignOut>> {
    let cmd::SignOut { wipe } = args;
    shell.sign_out(wipe).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_pin(shell: State<'_, Shell>, args: cmd::SetPin) -> Reply<ReplyOf<cmd::SetPin>> {
    let cmd::SetPin { pin } = args;
    shell.set_pin(pin).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn lock_now(shell: State<'_, Shell>) -> Reply<ReplyOf<cmd::LockNow>> {
    shell.lock_now().await
}

/// Someone is using the window (sent at most about once a second); `idle_ms` is the chosen
/// time without use before the app locks by itself (`None` or 0: never).
#[tauri::command(rename_all = "snake_case")]
pub fn activity(shell: State<'_, Shell>, args: cmd::Activity) {
    let cmd::Activity { idle_ms } = args;
    shell.activity(idle_ms);
}

#[tauri::command(rename_all = "snake_case")]
pub async fn unlock(shell: State<'_, Shell>, args: cmd::Unlock) -> Reply<ReplyOf<cmd::Unlock>> {
    let cmd::Unlock { pin } = args;
    shell.unlock(pin).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn schedule_message(
    shell: State<'_, Shell>,
    args: cmd::ScheduleMessage,
) -> Reply<ReplyOf<cmd::ScheduleMessage>> {
    let cmd::ScheduleMessage {
        chat_id,
        text,
        send_at,
    } = args;
    shell
        .with_session(|s| async move { s.schedule(chat_id, &text, send_at).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn scheduled_messages(
    shell: State<'_, Shell>,
    args: cmd::ScheduledMessages,
) -> Reply<ReplyOf<cmd::ScheduledMessages>> {
    let cmd::ScheduledMessages { chat_id } = args;
    shell
        .with_session(|s| async move { s.scheduled(chat_id).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn cancel_scheduled(
    shell: State<'_, Shell>,
    args: cmd::CancelScheduled,
) -> Reply<ReplyOf<cmd::CancelScheduled>> {
    let cmd::CancelScheduled { id } = args;
    shell
        .with_session(|s| async move { s.cancel_scheduled(id).await })
        .await
}

/// The system's file chooser: the files a person picked to attach (none if they cancelled).
///
/// WebDriver cannot drive the system's file chooser, so in debug builds (the end-to-end tests')
/// `PARTA_E2E_PICK_FILES` answers for it; see [`test_choice`].
#[tauri::command(rename_all = "snake_case")]
pub async fn pick_files(app: tauri::AppHandle) -> Reply<ReplyOf<cmd::PickFiles>> {
    describe(choose(&app, None).await).await
}

/// Name and size of files dropped on the window (folders and unreadable paths are left out).
#[tauri::command(rename_all = "snake_case")]
pub async fn describe_files(args: cmd::DescribeFiles) -> Reply<ReplyOf<cmd::DescribeFiles>> {
    let cmd::DescribeFiles { paths } = args;
    describe(paths.into_iter().map(std::path::PathBuf::from).collect()).await
}

/// Writes a message with files (through the outbox: checked, copied, uploaded, sent once).
#[tauri::command(rename_all = "snake_case")]
pub async fn send_files(
    shell: State<'_, Shell>,
    args: cmd::SendFiles,
) -> Reply<ReplyOf<cmd::SendFiles>> {
    let cmd::SendFiles {
        chat_id,
        text,
        paths,
    } = args;
    let paths: Vec<std::path::PathBuf> = paths.into_iter().map(Into::into).collect();
    shell
        .with_session(|s| async move { s.send(chat_id, &text, &paths).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn files(shell: State<'_, Shell>, args: cmd::Files) -> Reply<ReplyOf<cmd::Files>> {
    let cmd::Files { chat_id } = args;
    shell
        .with_session(|s| async move { s.files(chat_id).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn edit_message(
    shell: State<'_, Shell>,
    args: cmd::EditMessage,
) -> Reply<ReplyOf<cmd::EditMessage>> {
    let cmd::EditMessage { mid, text } = args;
    shell
        .with_session(|s| async move { s.edit(&mid, &text).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn delete_message(
    shell: State<'_, Shell>,
    args: cmd::DeleteMessage,
) -> Reply<ReplyOf<cmd::DeleteMessage>> {
    let cmd::DeleteMessage { mid } = args;
    shell
        .with_session(|s| async move { s.delete(&mid).await })
        .await
}

/// What the school's rules find in a text before it is sent (warnings; works offline).
#[tauri::command(rename_all = "snake_case")]
pub async fn check_text(
    shell: State<'_, Shell>,
    args: cmd::CheckText,
) -> Reply<ReplyOf<cmd::CheckText>> {
    let cmd::CheckText { text } = args;
    shell
        .with_session(|s| async move { Ok(s.check_text(&text)) })
        .await
}

/// The person's choices on this computer (Settings), as kept in the data folder.
#[tauri::command(rename_all = "snake_case")]
pub async fn preferences(
    kept: State<'_, crate::prefs::Kept>,
    _args: cmd::GetPreferences,
) -> Reply<ReplyOf<cmd::GetPreferences>> {
    Ok(kept.get())
}

/// Keeps new choices (Settings) and uses them at once: notifications, lesson reminders and the
/// tray's language follow. Returns what was kept (out-of-range values put back).
#[tauri::command(rename_all = "snake_case")]
pub async fn save_preferences(
    app: tauri::AppHandle,
    kept: State<'_, crate::prefs::Kept>,
    args: cmd::SavePreferences,
) -> Reply<ReplyOf<cmd::SavePreferences>> {
    let cmd::SavePreferences { preferences } = args;
    let kept = kept
        .save(&preferences)
        .map_err(|e| internal(format!("preferences not kept: {e}")))?;
    // The tray's menu and tooltip speak the UI's language too.
    crate::tray::changed(&app);
    Ok(kept)
}

/// Lets WebKit draw with the GPU, or not, from the next start (see `graphics`).
#[tauri::command(rename_all = "snake_case")]
pub async fn set_accelerated(
    shell: State<'_, Shell>,
    args: cmd::SetAccelerated,
) -> Reply<ReplyOf<cmd::SetAccelerated>> {
    let cmd::SetAccelerated { on } = args;
    crate::graphics::set_accelerated(shell.data_dir(), on)
        .map_err(|e| internal(format!("graphics choice not kept: {e}")))
}

/// Opens an attached file with the system's application: downloaded into the offline file
/// cache first (resuming an interrupted download), opened from there afterwards, offline too.
#[tauri::command(rename_all = "snake_case")]
pub async fn open_attachment(
    app: tauri::AppHandle,
    shell: State<'_, Shell>,
    args: cmd::OpenAttachment,
) -> Reply<ReplyOf<cmd::OpenAttachment>> {
    let cmd::OpenAttachment { token, name } = args;
    use tauri_plugin_opener::OpenerExt;
    let path = shell
        .with_session(|s| async move { s.open_file(&token, &name).await })
        .await?;
    app.opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| internal(format!("The file could not be opened: {e}")))
}

/// An image attachment as a `data:` URL for the timeline (the CSP admits `data:` images and
/// nothing remote); `None` when it is not a previewable image. Downloaded into the offline
/// file cache first, so a preview once seen shows offline too.
#[tauri::command(rename_all = "snake_case")]
pub async fn image_preview(
    shell: State<'_, Shell>,
    args: cmd::ImagePreview,
) -> Reply<ReplyOf<cmd::ImagePreview>> {
    let cmd::ImagePreview { token, name } = args;
    use base64::Engine;
    let image = shell
        .with_session(|s| async move { s.image_preview(&token, &name).await })
        .await?;
    Ok(image.map(|(mime, bytes)| {
        format!(
            "data:{mime};base64,{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        )
    }))
}

/// Opens a link from a message in the system browser or mail program: only `https:`,
/// `http:` and `mailto:` links, never files or other schemes.
#[tauri::command(rename_all = "snake_case")]
pub async fn open_link(
    app: tauri::AppHandle,
    args: cmd::OpenLink,
) -> Reply<ReplyOf<cmd::OpenLink>> {
    let cmd::OpenLink { url } = args;
    use tauri_plugin_opener::OpenerExt;
    if !is_openable(&url) {
        return Err(invalid("Only web and mail links can be opened"));
    }
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| internal(format!("The link could not be opened: {e}")))
}

/// The lessons starting in `[from, to)` (Занятия): from the server, or the cache offline.
#[tauri::command(rename_all = "snake_case")]
pub async fn lessons(shell: State<'_, Shell>, args: cmd::Lessons) -> Reply<ReplyOf<cmd::Lessons>> {
    let cmd::Lessons { from, to } = args;
    shell
        .with_session(|s| async move {
            let (lessons, offline) = s.lessons(from, to).await?;
            Ok(parta_model::view::LessonsView { lessons, offline })
        })
        .await
}

/// Whether a lesson may be recorded.
#[tauri::command(rename_all = "snake_case")]
pub async fn lesson_recording(
    shell: State<'_, Shell>,
    args: cmd::LessonRecording,
) -> Reply<ReplyOf<cmd::LessonRecording>> {
    let cmd::LessonRecording { id } = args;
    shell
        .with_session(|s| async move { s.lesson_recording(id).await })
        .await
}

/// A parent's answer about recording a lesson.
#[tauri::command(rename_all = "snake_case")]
pub async fn lesson_consent(
    shell: State<'_, Shell>,
    args: cmd::LessonConsent,
) -> Reply<ReplyOf<cmd::LessonConsent>> {
    let cmd::LessonConsent { id, consent } = args;
    shell
        .with_session(|s| async move { s.answer_lesson_consent(id, consent).await })
        .await
}

/// Reports joining ("Подключиться") or leaving a lesson, for the recording consent (6.4).
#[tauri::command(rename_all = "snake_case")]
pub async fn lesson_presence(
    shell: State<'_, Shell>,
    args: cmd::LessonPresence,
) -> Reply<ReplyOf<cmd::LessonPresence>> {
    let cmd::LessonPresence { id, present } = args;
    shell
        .with_session(|s| async move { s.lesson_presence(id, present).await })
        .await
}

/// The teacher starts or stops a lesson's recording.
#[tauri::command(rename_all = "snake_case")]
pub async fn lesson_recording_switch(
    shell: State<'_, Shell>,
    args: cmd::LessonRecordingSwitch,
) -> Reply<ReplyOf<cmd::LessonRecordingSwitch>> {
    let cmd::LessonRecordingSwitch { id, recording } = args;
    shell
        .with_session(|s| async move { s.switch_lesson_recording(id, recording).await })
        .await
}

/// A teacher adds materials to a lesson: the files are chosen here in the shell (the page
/// never names a path), checked by the school's rules and uploaded; returns the lesson, or
/// `None` if nothing was chosen.
#[tauri::command(rename_all = "snake_case")]
pub async fn add_lesson_materials(
    app: tauri::AppHandle,
    shell: State<'_, Shell>,
    args: cmd::AddLessonMaterials,
) -> Reply<ReplyOf<cmd::AddLessonMaterials>> {
    let cmd::AddLessonMaterials { id } = args;
    let paths = choose(&app, None).await;
    if paths.is_empty() {
        return Ok(None);
    }
    shell
        .with_session(|s| async move { s.add_lesson_materials(id, &paths).await.map(Some) })
        .await
}

/// The largest timetable file read.
const MAX_TIMETABLE_BYTES: u64 = 1024 * 1024;

/// A class teacher chooses a timetable CSV file: its text (UTF-8, at most 1 MiB), or `None` if
/// nothing was chosen. Only the chosen file is read, in the shell.
#[tauri::command(rename_all = "snake_case")]
pub async fn pick_timetable_csv(app: tauri::AppHandle) -> Reply<ReplyOf<cmd::PickTimetableCsv>> {
    let Some(path) = choose(&app, Some(("CSV", &["csv", "txt"])))
        .await
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let meta = tokio::fs::metadata(&path)
        .await
        .map_err(|e| invalid(format!("{name}: не удаётся открыть файл ({e})")))?;
    if !meta.is_file() || meta.len() > MAX_TIMETABLE_BYTES {
        return Err(invalid(format!("{name}: нужен файл CSV размером до 1 МБ")));
    }
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| invalid(format!("{name}: не удаётся прочитать файл ({e})")))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        invalid(format!(
            "{name}: файл не в кодировке UTF-8; сохраните его из таблицы как «CSV UTF-8»"
        ))
    })?;
    Ok(Some(text.trim_start_matches('\u{feff}').to_owned()))
}

/// "Подключиться": opens a lesson's video-conference link in the system browser (or the
/// conference app that claims it): https only, never a file or another scheme.
#[tauri::command(rename_all = "snake_case")]
pub async fn join_lesson(
    app: tauri::AppHandle,
    args: cmd::JoinLesson,
) -> Reply<ReplyOf<cmd::JoinLesson>> {
    let cmd::JoinLesson { url } = args;
    if !is_conference_link(&url) {
        return Err(invalid(
            "Only https links to a video conference can be opened",
        ));
    }
    open_link(app, cmd::OpenLink { url }).await
}
