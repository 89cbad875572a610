//! The tray icon, where the platform has one: the app's icon with the active profile's unread
//! count drawn on it (see `badge`), the count as its label (panels that show one) and in its
//! tooltip (Windows, macOS). Its menu brings the window to the front or quits. A task recounts
//! shortly after anything that can change the count; a desktop without a tray only loses the
//! icon.

use std::sync::Arc;

use tauri::image::Image;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::Notify;

use crate::badge;

/// How long to wait after a change before recounting, so a burst (a sync) recounts once.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(250);

/// The tray icon and what it is drawn from.
pub struct Tray<R: Runtime> {
    icon: TrayIcon<R>,
    show: MenuItem<R>,
    quit: MenuItem<R>,
    /// The plain icon, [`badge::SIZE`] square.
    base: Vec<u8>,
    wake: Arc<Notify>,
}

/// Menu and tooltip texts in the UI's language.
struct Texts {
    show: &'static str,
    quit: &'static str,
}

fn texts(english: bool) -> Texts {
    if english {
        Texts {
            show: "Open Parta",
            quit: "Quit",
        }
    } else {
        Texts {
            show: "Открыть Парту",
            quit: "Выйти",
        }
    }
}

/// The tooltip: the app's name and, if any, how many messages are unread.
pub fn tooltip(unread: u32, english: bool) -> String {
    match (unread, english) {
        (0, false) => "Парта".to_owned(),
        (0, true) => "Parta".to_owned(),
        (1, true) => "Parta: 1 unread message".to_owned(),
        (n, true) => format!("Parta: {n} unread messages"),
        (n, false) => {
            let form = match (n % 10, n % 100) {
                (1, r) if r != 11 => "непрочитанное сообщение",
                (2..=4, r) if !(12..=14).contains(&r) => "непрочитанных сообщения",
                _ => "непрочитанных сообщений",
            };
            format!("Парта: {n} {form}")
        }
    }
}

/// Puts the icon in the tray (named after `instance`, so that two Parta windows of different
/// data folders keep apart) and starts the task that keeps its count. Without a tray on this
/// desktop (or without the system's indicator library) the app goes on without one.
pub fn install<R, F, Fut>(app: &AppHandle<R>, instance: &str, icon_dir: &std::path::Path, unread: F)
where
    R: Runtime,
    F: Fn(AppHandle<R>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Option<u32>> + Send,
{
    // The Linux indicator library is loaded at run time, and its loader panics when the
    // library is missing: that must cost the tray, not the app.
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        build(app, instance, icon_dir)
    }));
    let tray = match built {
        Ok(Ok(tray)) => tray,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "no tray icon on this desktop");
            return;
        }
        Err(_) => {
            tracing::warn!("no tray icon: the system's indicator library is missing");
            return;
        }
    };
    let wake = tray.wake.clone();
    // The first count, as soon as the task runs.
    wake.notify_one();
    app.manage(tray);
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut shown: Option<(u32, bool)> = None;
        loop {
            wake.notified().await;
            tokio::time::sleep(SETTLE).await;
            let Some(unread) = unread(app.clone()).await else {
                continue;
            };
            let english = crate::prefs::current(&app).english();
            if shown == Some((unread, english)) {
                continue;
            }
            if let Some(tray) = app.try_state::<Tray<R>>() {
                match tray.show_count(unread, english) {
                    Ok(()) => shown = Some((unread, english)),
                    Err(e) => tracing::warn!(error = %e, "the tray icon was not updated"),
                }
            }
        }
    });
}

/// Something may have changed the unread count or the language: recount soon.
pub fn changed<R: Runtime>(app: &AppHandle<R>) {
    if let Some(tray) = app.try_state::<Tray<R>>() {
        tray.wake.notify_one();
    }
}

fn build<R: Runtime>(
    app: &AppHandle<R>,
    instance: &str,
    icon_dir: &std::path::Path,
) -> tauri::Result<Tray<R>> {
    let plain = tauri::include_image!("icons/128x128.png");
    let base = badge::fit(plain.rgba(), plain.width())
        .ok_or_else(|| tauri::Error::InvalidIcon(std::io::Error::other("not a square icon")))?;
    let english = crate::prefs::current(app).english();
    let words = texts(english);
    let show = MenuItem::with_id(app, "tray-show", words.show, true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "tray-quit", words.quit, true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&show, &quit])?;
    std::fs::create_dir_all(icon_dir)?;
    let icon = TrayIconBuilder::with_id(instance)
        .icon(Image::new_owned(base.clone(), badge::SIZE, badge::SIZE))
        .tooltip(tooltip(0, english))
        .temp_dir_path(icon_dir)
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "tray-show" => bring_to_front(app),
            "tray-quit" => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|icon, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                bring_to_front(icon.app_handle());
            }
        })
        .build(app)?;
    Ok(Tray {
        icon,
        show,
        quit,
        base,
        wake: Arc::new(Notify::new()),
    })
}

fn bring_to_front<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

impl<R: Runtime> Tray<R> {
    fn show_count(&self, unread: u32, english: bool) -> tauri::Result<()> {
        let mut pixels = self.base.clone();
        badge::draw(&mut pixels, unread);
        self.icon
            .set_icon(Some(Image::new_owned(pixels, badge::SIZE, badge::SIZE)))?;
        self.icon.set_title(badge::text(unread))?;
        self.icon.set_tooltip(Some(tooltip(unread, english)))?;
        let words = texts(english);
        self.show.set_text(words.show)?;
        self.quit.set_text(words.quit)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tooltip_counts_in_both_languages() {
        assert_eq!(tooltip(0, false), "Парта");
        assert_eq!(tooltip(1, false), "Парта: 1 непрочитанное сообщение");
        assert_eq!(tooltip(3, false), "Парта: 3 непрочитанных сообщения");
        assert_eq!(tooltip(5, false), "Парта: 5 непрочитанных сообщений");
        assert_eq!(tooltip(11, false), "Парта: 11 непрочитанных сообщений");
        assert_eq!(tooltip(13, false), "Парта: 13 непрочитанных сообщений");
        assert_eq!(tooltip(21, false), "Парта: 21 непрочитанное сообщение");
        assert_eq!(tooltip(104, false), "Парта: 104 непрочитанных сообщения");
        assert_eq!(tooltip(0, true), "Parta");
        assert_eq!(tooltip(1, true), "Parta: 1 unread message");
        assert_eq!(tooltip(40, true), "Parta: 40 unread messages");
    }
}
