//! Parta's desktop shell: opens the window, owns the app state and registers the commands.
//! Behaviour lives in parta-client (and parta-server for the demo); see `commands`.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod badge;
mod chooser;
mod commands;
mod demo;
mod graphics;
mod links;
mod media;
mod notify;
mod prefs;
#[cfg(test)]
mod registry_tests;
mod shell;
mod tray;
mod updates;
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
    if let Err(e) = parta_client::secrets::keep_out_of_core_dumps() {
        tracing::warn!("core dumps could not be turned off: {e}");
    }
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
                        // Without the link itself: its code admits whoever holds it.
                        tracing::info!("an invitation link came from another launch");
                        let _ = app.emit(shell::INVITE_EVENT, link);
                    }
                })
                .build(),
        )
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(updates::plugin())
        .manage(updates::Updates::default())
        .setup(move |app| {
            let shell = tauri::async_runtime::block_on(shell::Shell::open(
                app.handle().clone(),
                demo_requested,
                started_with.clone(),
            ))?;
            if let Some(window) = app.get_webview_window("main") {
                window_place::restore(&window, shell.data_dir());
                media::allow_capture(&window);
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
            commands::profiles::boot,
            commands::profiles::start_demo,
            commands::profiles::profiles,
            commands::profiles::switch_profile,
            commands::account::my_role,
            commands::account::failed_sign_ins,
            commands::account::my_devices,
            commands::account::quiet_hours,
            commands::account::chat_quiet,
            commands::account::set_quiet_hours,
            commands::chats::chat_admin,
            commands::chats::pin_message,
            commands::account::revoke_device,
            commands::account::report_message,
            commands::account::my_reports,
            commands::account::change_password,
            commands::account::admin,
            commands::settings::settings,
            commands::settings::clear_cache,
            commands::settings::update_check,
            commands::settings::update_install,
            commands::settings::restart,
            commands::profiles::sign_out,
            commands::settings::set_pin,
            commands::settings::lock_now,
            commands::settings::activity,
            commands::settings::unlock,
            commands::files::open_link,
            commands::lessons::lessons,
            commands::lessons::lesson_recording,
            commands::lessons::lesson_consent,
            commands::files::image_preview,
            commands::settings::set_scale,
            commands::chats::older_messages,
            commands::profiles::connect_max_bot,
            commands::lessons::lesson_presence,
            commands::lessons::lesson_recording_switch,
            commands::lessons::add_lesson_materials,
            commands::lessons::pick_timetable_csv,
            commands::lessons::join_lesson,
            commands::files::pick_files,
            commands::files::describe_files,
            commands::files::send_files,
            commands::files::open_attachment,
            commands::files::files,
            commands::settings::preferences,
            commands::settings::save_preferences,
            commands::settings::set_accelerated,
            commands::chats::edit_message,
            commands::chats::check_text,
            commands::chats::delete_message,
            commands::chats::schedule_message,
            commands::chats::scheduled_messages,
            commands::chats::cancel_scheduled,
            commands::profiles::sign_in_with_password,
            commands::profiles::reset_password,
            commands::profiles::join_by_invite,
            commands::profiles::join_outcome,
            commands::chats::list_chats,
            commands::chats::open_chat,
            commands::chats::open_chat_at,
            commands::chats::search_messages,
            commands::chats::send_message,
            commands::chats::send_reply,
            commands::chats::send_announcement,
            commands::chats::open_dialog,
            commands::files::check_files,
            commands::chats::people_to_pick,
            commands::chats::create_group,
            commands::chats::rename_chat,
            commands::chats::add_members,
            commands::chats::remove_member,
            commands::chats::mark_read,
            commands::chats::save_draft,
            commands::chats::load_draft,
            commands::chats::chat_members,
            commands::chats::announcements,
            commands::profiles::set_demo_offline,
            commands::chats::retry_message,
            commands::chats::discard_message,
            commands::chats::announcement_status,
            commands::chats::acknowledge,
            commands::chats::receipts,
        ])
        .build(tauri::generate_context!());
    match result {
        Ok(app) => app.run(|app, event| {
            if let tauri::RunEvent::Exit = event
                && let Some(shell) = app.try_state::<shell::Shell>()
            {
                tauri::async_runtime::block_on(shell.close());
            }
        }),
        Err(e) => {
            eprintln!("Parta could not start: {e}");
            std::process::exit(1);
        }
    }
}

/// An invitation link among command-line arguments (how the desktop hands a clicked
/// `parta://join/…` link to the app).
fn invite_link(args: impl Iterator<Item = String>) -> Option<String> {
    args.skip(1)
        .find(|a| a.starts_with("parta://join/") && a.len() < 2048)
}
