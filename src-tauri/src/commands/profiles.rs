//! Signing in and out, profiles, joining by invitation, the demo school.

use super::*;

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
pub async fn set_demo_offline(
    shell: State<'_, Shell>,
    args: cmd::SetDemoOffline,
) -> Reply<ReplyOf<cmd::SetDemoOffline>> {
    let cmd::SetDemoOffline { offline } = args;
    shell.set_demo_offline(offline).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sign_out(shell: State<'_, Shell>, args: cmd::SignOut) -> Reply<ReplyOf<cmd::SignOut>> {
    let cmd::SignOut { wipe } = args;
    shell.sign_out(wipe).await
}
