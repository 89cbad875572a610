//! The system's file chooser and the files a person hands the app (chosen or dropped): only
//! paths chosen here, in the shell, reach the client core; the page never names one itself.

use parta_model::view::{PickedFile, UiError};

/// The end-to-end tests' answer for the system's file chooser, which WebDriver cannot drive:
/// the paths in `PARTA_E2E_PICK_FILES` (one per line) that pass the dialog's filter. Compiled
/// into debug builds only (the tests'), so the release binary that ships never reads it.
#[cfg(debug_assertions)]
fn test_choice(filter: Option<(&str, &[&str])>) -> Option<Vec<std::path::PathBuf>> {
    let list = std::env::var("PARTA_E2E_PICK_FILES").ok()?;
    Some(
        list.lines()
            .map(std::path::PathBuf::from)
            .filter(|p| {
                filter.is_none_or(|(_, extensions)| {
                    p.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
                })
            })
            .collect(),
    )
}

/// Paths chosen in the system's file chooser (none if cancelled).
pub async fn choose(
    app: &tauri::AppHandle,
    filter: Option<(&str, &[&str])>,
) -> Vec<std::path::PathBuf> {
    use tauri_plugin_dialog::DialogExt;
    #[cfg(debug_assertions)]
    if let Some(paths) = test_choice(filter) {
        return paths;
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut dialog = app.dialog().file();
    if let Some((name, extensions)) = filter {
        dialog = dialog.add_filter(name, extensions);
    }
    dialog.pick_files(move |picked| {
        let _ = tx.send(picked.unwrap_or_default());
    });
    rx.await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.into_path().ok())
        .collect()
}

/// Name and size of the files among `paths` (folders and unreadable paths are left out).
pub async fn describe(paths: Vec<std::path::PathBuf>) -> Result<Vec<PickedFile>, UiError> {
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        let Ok(meta) = tokio::fs::metadata(&path).await else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        out.push(PickedFile {
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: path.to_string_lossy().into_owned(),
            size: meta.len(),
        });
    }
    Ok(out)
}
