//! How WebKitGTK draws Parta's window on Linux.
//!
//! By default Parta asks WebKit to draw the page in software, without accelerated compositing
//! or GPU buffers shared between its processes: on the machines measured
//! (docs/benchmarks.md) that takes about 85 MiB off the app, scrolls a long chat without the
//! 40–60 ms frames that repainting composited layers costs without a GPU, and starts faster. A
//! school PC often has no usable GPU; a messenger's page does not need one. Settings →
//! "Аппаратное ускорение" gives WebKit its own choice back from the next start; the choice is
//! the file `graphics` in the data folder (`accelerated`, or absent).
//!
//! WebKit reads these switches from the environment when it starts, and a program of this
//! workspace cannot change its own environment (that is `unsafe` in Rust 2024). So Parta starts
//! itself once more with them set, before anything else happens: the process keeps its id, its
//! arguments and everything a launcher or WebDriver gave it. If the user has set
//! `WEBKIT_DISABLE_COMPOSITING_MODE` already, the environment is left as it is.

use std::path::{Path, PathBuf};

/// The variable WebKitGTK reads for compositing (and which tells that the choice is made).
#[cfg(target_os = "linux")]
const WEBKIT_VARIABLE: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Set with it (unless already set): no DMA-BUF buffers shared between WebKit's processes (the
/// shell otherwise sets up EGL for them, on the GPU or on Mesa's software GL: 8 MiB).
#[cfg(target_os = "linux")]
const ALSO: [&str; 1] = ["WEBKIT_DISABLE_DMABUF_RENDERER"];

/// The app's data folder, for the shell too, shared with the `parta` command: `PARTA_DATA_DIR`,
/// or the system's data folder for the app (what Tauri's `app_data_dir` gives).
pub fn data_dir() -> Option<PathBuf> {
    parta_client::home::data_dir()
}

fn file(data_dir: &Path) -> PathBuf {
    data_dir.join("graphics")
}

/// Whether the user asked for hardware-accelerated compositing.
pub fn accelerated(data_dir: &Path) -> bool {
    std::fs::read_to_string(file(data_dir)).is_ok_and(|text| text.trim() == "accelerated")
}

/// Keeps the choice for the next start.
pub fn set_accelerated(data_dir: &Path, on: bool) -> std::io::Result<()> {
    if on {
        std::fs::create_dir_all(data_dir)?;
        std::fs::write(file(data_dir), "accelerated\n")
    } else {
        match std::fs::remove_file(file(data_dir)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// Whether this process draws with compositing (what the settings screen shows as in effect).
pub fn compositing_now() -> bool {
    #[cfg(target_os = "linux")]
    {
        std::env::var_os(WEBKIT_VARIABLE).is_none_or(|v| v == "0")
    }
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

/// Called first in `main`: on Linux, unless the user chose acceleration or set the variable,
/// starts this program again with compositing off. Returns only if it did not (or could not:
/// then the window is drawn as WebKit chooses, and the reason is printed).
pub fn choose() {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        if std::env::var_os(WEBKIT_VARIABLE).is_some() {
            return;
        }
        if data_dir().is_some_and(|dir| accelerated(&dir)) {
            return;
        }
        let Ok(exe) = std::env::current_exe() else {
            return;
        };
        let mut args = std::env::args_os();
        let arg0 = args.next().unwrap_or_else(|| exe.clone().into_os_string());
        let mut command = std::process::Command::new(&exe);
        command.arg0(arg0).args(args).env(WEBKIT_VARIABLE, "1");
        for name in ALSO {
            if std::env::var_os(name).is_none() {
                command.env(name, "1");
            }
        }
        let error = command.exec();
        eprintln!("Parta draws with WebKit's own choice: it could not restart itself ({error})");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_identifier_is_the_apps() {
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../../tauri.conf.json")).expect("tauri.conf.json");
        assert_eq!(conf["identifier"], parta_client::home::APP_ID);
    }

    #[test]
    fn the_choice_is_kept_and_taken_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("new");
        assert!(!accelerated(&data));
        set_accelerated(&data, true).expect("on");
        assert!(accelerated(&data));
        set_accelerated(&data, false).expect("off");
        assert!(!accelerated(&data));
        set_accelerated(&data, false).expect("off twice is fine");
        std::fs::write(file(&data), "something else").expect("write");
        assert!(!accelerated(&data));
    }
}
