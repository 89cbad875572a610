//! The person's choices while the app runs: loaded from the data folder
//! (`parta_client::settings`) before the window opens, kept as app state that the shell's
//! parts read (notifications, lesson reminders, the tray's language), and saved whole when the
//! UI changes them.

use std::path::{Path, PathBuf};
use std::sync::RwLock;

use parta_client::settings::{self, Preferences};
use tauri::{AppHandle, Manager, Runtime};

/// The choices, as app state.
pub struct Kept {
    data_dir: PathBuf,
    current: RwLock<Preferences>,
}

impl Kept {
    /// The choices kept in `data_dir` (the defaults where there are none).
    pub fn load(data_dir: &Path) -> Self {
        Self {
            data_dir: data_dir.to_owned(),
            current: RwLock::new(settings::load(data_dir)),
        }
    }

    /// The choices now.
    pub fn get(&self) -> Preferences {
        match self.current.read() {
            Ok(prefs) => prefs.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Keeps new choices in the data folder, then uses them; returns what was kept.
    pub fn save(&self, prefs: &Preferences) -> std::io::Result<Preferences> {
        let kept = settings::save(&self.data_dir, prefs)?;
        match self.current.write() {
            Ok(mut current) => *current = kept.clone(),
            Err(poisoned) => *poisoned.into_inner() = kept.clone(),
        }
        Ok(kept)
    }
}

/// The choices now; the defaults before they are loaded.
pub fn current<R: Runtime>(app: &AppHandle<R>) -> Preferences {
    app.try_state::<Kept>()
        .map(|kept| kept.get())
        .unwrap_or_default()
}
