//! What this computer keeps of the person's choices (language, theme, scale, notifications,
//! lesson reminders, the idle time before locking), and their defaults.

use crate::dom;
use crate::i18n::Lang;

pub const LANG_KEY: &str = "parta.lang";
pub const THEME_KEY: &str = "parta.theme";

pub fn stored_lang() -> Lang {
    dom::stored(LANG_KEY)
        .map(|code| Lang::from_code(&code))
        .unwrap_or_default()
}

/// Saves the language and sets `<html lang>`.
pub fn remember_lang(lang: Lang) {
    dom::remember(LANG_KEY, lang.code(), "lang");
}

/// Whether the dark theme was chosen on this computer (light is the default).
pub fn stored_dark() -> bool {
    dom::stored(THEME_KEY).is_some_and(|t| t == "dark")
}

/// Saves the theme and sets `<html data-theme>`, which the stylesheet follows.
pub fn remember_theme(dark: bool) {
    dom::remember(THEME_KEY, if dark { "dark" } else { "light" }, "data-theme");
}

/// Where the idle time before locking is kept (milliseconds; missing or 0: never).
pub const AUTOLOCK_KEY: &str = "parta.autolock_ms";
/// Where the notifications switch is kept (`off`, or on).
pub const NOTIFICATIONS_KEY: &str = "parta.notifications";

/// Where the minutes before a lesson's reminder are kept (`0`: never; 10 when missing).
pub const LESSON_REMINDER_KEY: &str = "parta.lesson_reminder_min";

/// Where the window's scale is kept, in percent (100 when missing).
pub const SCALE_KEY: &str = "parta.scale_percent";
/// The scales offered, in percent.
pub const SCALES: [u32; 5] = [100, 125, 150, 175, 200];

/// The window's scale on this computer, in percent.
pub fn scale_percent() -> u32 {
    dom::stored(SCALE_KEY)
        .and_then(|v| v.parse().ok())
        .filter(|p| SCALES.contains(p))
        .unwrap_or(100)
}

/// How many minutes before a lesson to remind of it on this computer.
pub fn lesson_reminder_min() -> u32 {
    dom::stored(LESSON_REMINDER_KEY)
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
}

/// Whether notifications are on on this computer (on unless switched off).
pub fn notifications_on() -> bool {
    dom::stored(NOTIFICATIONS_KEY).is_none_or(|v| v != "off")
}
