//! Chats and messages: lists, timelines, sending through the outbox, drafts, pins, announcements, scheduled messages.

use super::*;

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
pub async fn people_to_pick(shell: State<'_, Shell>) -> Reply<ReplyOf<cmd::PeopleToPick>> {
    shell
        .with_session(|s| async move { s.people_to_pick().await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn create_group(
    shell: State<'_, Shell>,
    args: cmd::CreateGroup,
) -> Reply<ReplyOf<cmd::CreateGroup>> {
    let cmd::CreateGroup { title, user_ids } = args;
    shell
        .with_session(|s| async move { s.create_group(&title, &user_ids).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn rename_chat(
    shell: State<'_, Shell>,
    args: cmd::RenameChat,
) -> Reply<ReplyOf<cmd::RenameChat>> {
    let cmd::RenameChat { chat_id, title } = args;
    shell
        .with_session(|s| async move { s.rename_chat(chat_id, &title).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_members(
    shell: State<'_, Shell>,
    args: cmd::AddMembers,
) -> Reply<ReplyOf<cmd::AddMembers>> {
    let cmd::AddMembers { chat_id, user_ids } = args;
    shell
        .with_session(|s| async move { s.add_members(chat_id, &user_ids).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn remove_member(
    shell: State<'_, Shell>,
    args: cmd::RemoveMember,
) -> Reply<ReplyOf<cmd::RemoveMember>> {
    let cmd::RemoveMember { chat_id, user_id } = args;
    shell
        .with_session(|s| async move { s.remove_member(chat_id, user_id).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn open_dialog(
    shell: State<'_, Shell>,
    args: cmd::OpenDialog,
) -> Reply<ReplyOf<cmd::OpenDialog>> {
    let cmd::OpenDialog { user_id } = args;
    shell
        .with_session(|s| async move { s.open_dialog(user_id).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn send_announcement(
    shell: State<'_, Shell>,
    args: cmd::SendAnnouncement,
) -> Reply<ReplyOf<cmd::SendAnnouncement>> {
    let cmd::SendAnnouncement {
        chat_ids,
        text,
        ack_required,
    } = args;
    shell
        .with_session(|s| async move { s.announce(&chat_ids, &text, ack_required).await })
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
