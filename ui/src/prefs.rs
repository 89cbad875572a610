//! The person's choices on this computer (language, theme, scale, notifications, lesson
//! reminders, the idle time before locking), as the shell keeps them in the data folder
//! (`parta_client::settings`). The UI holds a copy, loaded once at start ([`load`]); every change
//! goes through [`update`], which keeps the copy, sets what `<html>` shows, and asks the shell
//! to keep it. Nothing is kept in the webview's storage, which app instances on one machine
//! would share.

use std::cell::RefCell;

use parta_model::view::Preferences;
use yew::platform::spawn_local;

use crate::i18n::Lang;
use crate::services::api;

thread_local! {
    static CURRENT: RefCell<Preferences> = RefCell::new(Preferences::default());
}

/// The scales offered, in percent.
pub const SCALES: [u32; 5] = Preferences::SCALES;

/// The choices now.
pub fn current() -> Preferences {
    CURRENT.with(|c| c.borrow().clone())
}

/// Where `localStorage` kept the choices before the shell did (read once, to carry them over).
const OLD_KEYS: [&str; 6] = [
    "parta.lang",
    "parta.theme",
    "parta.scale_percent",
    "parta.notifications",
    "parta.lesson_reminder_min",
    "parta.autolock_ms",
];

/// Asks the shell for the kept choices and shows them (`<html lang>` and `data-theme`).
/// Choices an older Parta kept in this webview's storage are carried over once.
pub async fn load() -> Preferences {
    let mut prefs = api::preferences().await.unwrap_or_default();
    if let Some(old) = carry_over(&prefs) {
        prefs = api::save_preferences(&old).await.unwrap_or(old);
    }
    CURRENT.with(|c| *c.borrow_mut() = prefs.clone());
    show(&prefs);
    prefs
}

/// What an older Parta kept in the webview's storage, on top of `prefs`, once; `None` when
/// there is nothing to carry over.
fn carry_over(prefs: &Preferences) -> Option<Preferences> {
    let storage = web_sys::window()?.local_storage().ok().flatten()?;
    let get = |key: &str| storage.get_item(key).ok().flatten();
    if OLD_KEYS.iter().all(|k| get(k).is_none()) {
        return None;
    }
    let mut old = prefs.clone();
    if let Some(lang) = get("parta.lang") {
        old.language = Lang::from_code(&lang).code().to_owned();
    }
    if let Some(theme) = get("parta.theme") {
        old.dark = theme == "dark";
    }
    if let Some(scale) = get("parta.scale_percent").and_then(|v| v.parse().ok()) {
        old.scale_percent = scale;
    }
    if let Some(on) = get("parta.notifications") {
        old.notifications = on != "off";
    }
    if let Some(min) = get("parta.lesson_reminder_min").and_then(|v| v.parse().ok()) {
        old.lesson_reminder_min = min;
    }
    if let Some(ms) = get("parta.autolock_ms").and_then(|v| v.parse().ok()) {
        old.autolock_ms = ms;
    }
    for key in OLD_KEYS {
        let _ = storage.remove_item(key);
    }
    Some(old.normalised())
}

/// Changes the choices: kept here at once, shown, and handed to the shell to keep.
pub fn update(change: impl FnOnce(&mut Preferences)) {
    let prefs = CURRENT.with(|c| {
        let mut current = c.borrow_mut();
        change(&mut current);
        *current = current.clone().normalised();
        current.clone()
    });
    show(&prefs);
    spawn_local(async move {
        let _ = api::save_preferences(&prefs).await;
    });
}

/// Sets `<html lang>` and `<html data-theme>`, which screen readers and the stylesheet follow.
fn show(prefs: &Preferences) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", &prefs.language);
        let _ = root.set_attribute("data-theme", if prefs.dark { "dark" } else { "light" });
    }
}

pub fn stored_lang() -> Lang {
    Lang::from_code(&current().language)
}

/// Keeps the language.
pub fn remember_lang(lang: Lang) {
    update(|p| p.language = lang.code().to_owned());
}

/// Keeps the theme.
pub fn remember_theme(dark: bool) {
    update(|p| p.dark = dark);
}

/// The window's scale, in percent.
pub fn scale_percent() -> u32 {
    current().scale_percent
}

/// How many minutes before a lesson to remind of it.
pub fn lesson_reminder_min() -> u32 {
    current().lesson_reminder_min
}

/// Whether notifications are on (on unless switched off).
pub fn notifications_on() -> bool {
    current().notifications
}

/// The idle time before locking, in milliseconds (`None`: never).
pub fn autolock_ms() -> Option<u64> {
    Some(current().autolock_ms).filter(|ms| *ms > 0)
}
