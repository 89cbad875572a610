//! Where Parta keeps things on this computer, for the desktop app and the `parta` command alike:
//! one data folder (profiles, the cache, files, settings) and one keychain service, so that the
//! command sees the profiles and cache the app made, and the other way round.

use std::path::PathBuf;

/// The app's identifier (`tauri.conf.json`): the name of its data folder.
pub const APP_ID: &str = "ru.parta.desktop";

/// The OS keychain service under which Parta keeps tokens and the app lock's PIN hash.
pub const KEYCHAIN_SERVICE: &str = "parta";

/// The data folder: `PARTA_DATA_DIR` if set, else the system's data folder for the app (on
/// Linux `$XDG_DATA_HOME/ru.parta.desktop` or `~/.local/share/ru.parta.desktop`, on Windows
/// `%APPDATA%\ru.parta.desktop`); `None` only where the system has no data folder.
pub fn data_dir() -> Option<PathBuf> {
    match std::env::var_os("PARTA_DATA_DIR") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => dirs::data_dir().map(|d| d.join(APP_ID)),
    }
}
