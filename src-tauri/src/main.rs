//! Parta's desktop shell: opens the window, owns the app state and registers the commands.
//! Behaviour lives in parta-client (and parta-server for the demo); see `commands`.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod badge;
mod chooser;
mod commands;
mod demo;
mod graphics;
mod links;
mod notify;
mod prefs;
#[cfg(test)]
mod registry_tests;
mod shell;
mod tray;
mod window_place;

use tauri::{Emitter, Manager};

fn main() {
    // Before anything else: this may start the program again with WebKit's drawing chosen.
    graphics::choose();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let demo_requested = std::env::args().any(|a| a == "--demo");
    let started_with = invite_link(std::env::args());
    // One instance per data folder (a test run's own folder gets its own D-Bus name).
    let instance_id = match std::env::var_os("PARTA_DATA_DIR") {
        Some(dir) => format!(
            "ru.parta.desktop.d{:016x}",
            parta_client::stable_hash(dir.to_string_lossy().as_bytes())
        ),
        None => "ru.parta.desktop".to_owned(),
    };
    let tray_id = instance_id.replace('.', "-");

    let result = tauri::Builder::default()
        // First among the plugins, as it may end this process and hand its arguments over.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance_id)
                .callback(|app, argv, _cwd| {
                    if let Some(window) = app.get_webview_window("main") {
                        let _ = window.unminimize();
                        let _ = window.show();
                        let _ = window.set_focus();
                    }
                    if let Some(link) = invite_link(argv.into_iter()) {
                        let _ = app.emit(shell::INVITE_EVENT, link);
                    }
                })
                .build(),
        )
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            let shell = tauri::async_runtime::block_on(shell::Shell::open(
                app.handle().clone(),
                demo_requested,
                started_with.clone(),
            ))?;
            if let Some(window) = app.get_webview_window("main") {
                window_place::restore(&window, shell.data_dir());
            }
            let icon_dir = shell.data_dir().join("tray");
            app.manage(shell);
            tray::install(app.handle(), &tray_id, &icon_dir, |app| async move {
                match app.try_state::<shell::Shell>() {
                    Some(shell) => match shell.unread_total().await {
                        Ok(n) => Some(n),
                        Err(e) => {
                            tracing::debug!(error = %e.message, "the unread count was not read");
                            None
                        }
                    },
                    None => Some(0),
                }
            });
            shell::watch_idle(app.handle().clone());
            shell::watch_lessons(app.handle().clone());
            Ok(())
        })
        .on_window_event(|window, event| {
            if matches!(
                event,
                tauri::WindowEvent::Resized(_) | tauri::WindowEvent::Moved(_)
            ) && let Some(shell) = window.try_state::<shell::Shell>()
            {
                window_place::save_soon(window, shell.data_dir());
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::boot,
            commands::start_demo,
            commands::profiles,
            commands::switch_profile,
            commands::my_role,
            commands::failed_sign_ins,
            commands::my_devices,
            commands::quiet_hours,
            commands::chat_quiet,
            commands::set_quiet_hours,
            commands::chat_admin,
            commands::pin_message,
            commands::revoke_device,
            commands::change_password,
            commands::admin,
            commands::settings,
            commands::clear_cache,
            commands::sign_out,
            commands::set_pin,
            commands::lock_now,
            commands::activity,
            commands::unlock,
            commands::open_link,
            commands::lessons,
            commands::lesson_recording,
            commands::lesson_consent,
            commands::image_preview,
            commands::set_scale,
            commands::older_messages,
            commands::connect_max_bot,
            commands::lesson_presence,
            commands::lesson_recording_switch,
            commands::add_lesson_materials,
            commands::pick_timetable_csv,
            commands::join_lesson,
            commands::pick_files,
            commands::describe_files,
            commands::send_files,
            commands::open_attachment,
            commands::files,
            commands::preferences,
            commands::save_preferences,
            commands::set_accelerated,
            commands::edit_message,
            commands::check_text,
            commands::delete_message,
            commands::schedule_message,
            commands::scheduled_messages,
            commands::cancel_scheduled,
            commands::sign_in_with_password,
            commands::reset_password,
            commands::join_by_invite,
            commands::join_outcome,
            commands::list_chats,
            commands::open_chat,
            commands::open_chat_at,
            commands::search_messages,
            commands::send_message,
            commands::send_reply,
            commands::mark_read,
            commands::save_draft,
            commands::load_draft,
            commands::chat_members,
            commands::announcements,
            commands::set_demo_offline,
            commands::retry_message,
            commands::discard_message,
            commands::announcement_status,
            commands::acknowledge,
            commands::receipts,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Parta could not start: {e}");
        std::process::exit(1);
    }
}

/// An invitation link among command-line arguments (how the desktop hands a clicked
/// `parta://join/…` link to the app).
fn invite_link(args: impl Iterator<Item = String>) -> Option<String> {
    args.skip(1)
        .find(|a| a.starts_with("parta://join/") && a.len() < 2048)
}
