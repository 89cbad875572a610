//! What this computer keeps: settings, the person's choices, the cache, the app lock, scale and drawing.

use super::*;

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

#[tauri::command(rename_all = "snake_case")]
pub async fn settings(shell: State<'_, Shell>) -> Reply<ReplyOf<cmd::Settings>> {
    shell.settings().await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn clear_cache(shell: State<'_, Shell>) -> Reply<ReplyOf<cmd::ClearCache>> {
    shell.clear_cache().await
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

/// Asks the active profile's server whether a newer Parta is there.
#[tauri::command(rename_all = "snake_case")]
pub async fn update_check(
    app: tauri::AppHandle,
    shell: State<'_, Shell>,
) -> Reply<ReplyOf<cmd::UpdateCheck>> {
    crate::updates::check(&app, &shell).await
}

/// Downloads, checks and installs the update the last check offered.
#[tauri::command(rename_all = "snake_case")]
pub async fn update_install(app: tauri::AppHandle) -> Reply<ReplyOf<cmd::UpdateInstall>> {
    crate::updates::install(&app).await
}

/// Starts Parta again, e.g. to run the installed update.
#[tauri::command(rename_all = "snake_case")]
pub fn restart(app: tauri::AppHandle) -> Reply<ReplyOf<cmd::Restart>> {
    crate::updates::restart(&app);
    Ok(())
}
