//! The camera and microphone for the lesson check (procedure 7.1: a working camera, microphone
//! and speakers). WebKitGTK keeps media capture off and refuses every permission request the
//! embedding app leaves unanswered, and wry answers none: this turns capture on for the app's own
//! page and allows its user-media requests, and nothing else (no location, no notifications
//! through the page, no screen capture).
//!
//! In debug builds `PARTA_E2E_MOCK_MEDIA` gives WebKit's mock camera and microphone, as the
//! end-to-end test's machine has neither.

/// Turns media capture on in the main window's page and allows its camera and microphone
/// requests.
#[cfg(target_os = "linux")]
pub fn allow_capture(window: &tauri::WebviewWindow) {
    let mock = cfg!(debug_assertions) && std::env::var_os("PARTA_E2E_MOCK_MEDIA").is_some();
    let done = window.with_webview(move |platform| {
        use webkit2gtk::glib::prelude::*;
        use webkit2gtk::{PermissionRequestExt, SettingsExt, WebViewExt};
        let view = platform.inner();
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_enable_media_stream(true);
            if mock {
                settings.set_enable_mock_capture_devices(true);
            }
        }
        view.connect_permission_request(|_, request| {
            let media = request.is::<webkit2gtk::UserMediaPermissionRequest>();
            if media {
                request.allow();
            }
            media
        });
    });
    if let Err(e) = done {
        tracing::info!(error = %e, "the camera and microphone stay off");
    }
}

/// Other systems' webviews ask the person themselves.
#[cfg(not(target_os = "linux"))]
pub fn allow_capture(_window: &tauri::WebviewWindow) {}
