//! The person's choices on this computer ([`Preferences`]: language, theme, scale,
//! notifications, lesson reminders, the idle time before locking), kept in one typed file in
//! the data folder. The desktop shell reads it before the window opens and is its only writer
//! while the app runs; the UI changes it through the shell. Each app's data folder has its own,
//! so two apps on one machine (or two tests) never share a theme.

use std::path::{Path, PathBuf};

pub use parta_model::view::Preferences;

/// The file in the data folder.
pub const FILE: &str = "preferences.json";

fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE)
}

/// The choices kept in `data_dir`: the defaults where there is no file yet; the defaults, with
/// a warning in the log, where it cannot be read (a choice is never worth not starting for).
pub fn load(data_dir: &Path) -> Preferences {
    match std::fs::read(path(data_dir)) {
        Ok(bytes) => match serde_json::from_slice::<Preferences>(&bytes) {
            Ok(prefs) => prefs.normalised(),
            Err(e) => {
                tracing::warn!(error = %e, "the preferences file cannot be read; using the defaults");
                Preferences::default()
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Preferences::default(),
        Err(e) => {
            tracing::warn!(error = %e, "the preferences file cannot be opened; using the defaults");
            Preferences::default()
        }
    }
}

/// Keeps `prefs` (normalised) in `data_dir`, whole or not at all: written beside the file,
/// then renamed over it. Returns what was kept.
pub fn save(data_dir: &Path, prefs: &Preferences) -> std::io::Result<Preferences> {
    let prefs = prefs.clone().normalised();
    let text = serde_json::to_vec_pretty(&prefs).map_err(std::io::Error::other)?;
    std::fs::create_dir_all(data_dir)?;
    let partial = data_dir.join(format!("{FILE}.partial"));
    std::fs::write(&partial, text)?;
    std::fs::rename(&partial, path(data_dir))?;
    Ok(prefs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_file_gives_the_defaults_and_a_saved_choice_comes_back() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(load(dir.path()), Preferences::default());
        let chosen = Preferences {
            language: "en".into(),
            dark: true,
            scale_percent: 150,
            notifications: false,
            lesson_reminder_min: 30,
            autolock_ms: 300_000,
        };
        let kept = save(dir.path(), &chosen).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(kept, chosen);
        assert_eq!(load(dir.path()), chosen);
        assert!(!dir.path().join(format!("{FILE}.partial")).exists());
    }

    #[test]
    fn a_broken_or_odd_file_falls_back_without_failing() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join(FILE), b"{not json").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(load(dir.path()), Preferences::default());
        std::fs::write(
            dir.path().join(FILE),
            br#"{"language": "de", "scale_percent": 333, "lesson_reminder_min": 99999, "dark": true}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let odd = load(dir.path());
        assert_eq!(odd.language, "ru");
        assert_eq!(odd.scale_percent, 100);
        assert_eq!(odd.lesson_reminder_min, Preferences::MAX_REMINDER_MIN);
        assert!(odd.dark, "what is valid is kept");
        assert!(odd.notifications, "a missing key takes its default");
    }
}
