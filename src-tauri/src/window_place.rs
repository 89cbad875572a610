//! The window opens where it was left: its size and position are kept in `window.json` in the
//! data folder as soon as it moves or changes size, and again once it has settled (a school PC
//! is often just switched off, so waiting for a normal exit would lose them).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tauri::{PhysicalPosition, PhysicalSize, Runtime, Window};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
struct Place {
    x: i32,
    y: i32,
    width: u32,
    height: u32,
}

fn file(data_dir: &Path) -> PathBuf {
    data_dir.join("window.json")
}

/// Puts the window where it was left, if it was (and the size is sane).
pub fn restore<R: Runtime>(window: &tauri::WebviewWindow<R>, data_dir: &Path) {
    let Ok(text) = std::fs::read_to_string(file(data_dir)) else {
        return;
    };
    let Ok(place) = serde_json::from_str::<Place>(&text) else {
        return;
    };
    if !(200..=20_000).contains(&place.width) || !(200..=20_000).contains(&place.height) {
        return;
    }
    let _ = window.set_size(PhysicalSize::new(place.width, place.height));
    let _ = window.set_position(PhysicalPosition::new(place.x, place.y));
}

/// Writes the window's place: the first change at once, then the last of a burst once the
/// window has stayed put for 200 ms (one small thread does it, so a drag that resizes sixty
/// times a second costs a few writes).
pub fn save_soon<R: Runtime>(window: &Window<R>, data_dir: &Path) {
    static WRITER: OnceLock<Mutex<Sender<(PathBuf, Place)>>> = OnceLock::new();
    let (Ok(size), Ok(position)) = (window.outer_size(), window.outer_position()) else {
        return;
    };
    let place = Place {
        x: position.x,
        y: position.y,
        width: size.width,
        height: size.height,
    };
    let writer = WRITER.get_or_init(|| {
        let (tx, rx) = channel::<(PathBuf, Place)>();
        std::thread::spawn(move || {
            // The first change of a burst is written at once (the app may be ending), the
            // last one when the window has stayed put for 200 ms.
            while let Ok(first) = rx.recv() {
                write(&first);
                let mut latest = None;
                while let Ok(newer) = rx.recv_timeout(Duration::from_millis(200)) {
                    latest = Some(newer);
                }
                if let Some(last) = latest {
                    write(&last);
                }
            }
        });
        Mutex::new(tx)
    });
    if let Ok(tx) = writer.lock() {
        let _ = tx.send((file(data_dir), place));
    }
}

fn write((path, place): &(PathBuf, Place)) {
    if let Ok(text) = serde_json::to_string(place)
        && let Err(e) = std::fs::write(path, text)
    {
        tracing::warn!(error = %e, "the window's place could not be saved");
    }
}
