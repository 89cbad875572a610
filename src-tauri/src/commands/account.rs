//! The person's school account: role, devices, password, failed sign-ins, quiet hours, the Управление requests.

use super::*;

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
pub async fn report_message(
    shell: State<'_, Shell>,
    args: cmd::ReportMessage,
) -> Reply<ReplyOf<cmd::ReportMessage>> {
    let cmd::ReportMessage { mid, reason, note } = args;
    shell
        .with_session(|s| async move { s.report_message(&mid, reason, note).await })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn my_reports(shell: State<'_, Shell>) -> Reply<ReplyOf<cmd::MyReports>> {
    shell
        .with_session(|s| async move { s.my_reports().await })
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
pub async fn admin(shell: State<'_, Shell>, args: cmd::Admin) -> Reply<ReplyOf<cmd::Admin>> {
    let cmd::Admin { request } = args;
    shell
        .with_session(|s| async move { s.admin(&request).await })
        .await
}
