//! The app's updates, from the active profile's school server and nowhere else (docs/install.md):
//! schools often cannot reach arbitrary sites, so parta-server serves the release files its
//! administrator dropped into its updates folder (`parta_server::releases`).
//!
//! The check asks `{server}/school/updates/{target}/{arch}/{current}`; the download is checked
//! against the release key whose public half is built into the app (tauri.conf.json,
//! `plugins.updater.pubkey`), and against the version the signature names
//! (`requireSignedVersion`), before anything is installed. An AppImage replaces itself and runs
//! the new version when it starts again; the Windows installer installs and starts it. A .deb or
//! .rpm belongs to the system's package manager, so there the app only says what is new.
//!
//! The plugin's config allows plain `http` (`dangerousInsecureTransportProtocol`) because Parta
//! applies its own rule before the plugin sees an address: `https` to other computers, plain
//! `http` only to this one (the demo school, a test), as for everything else it sends.

use std::sync::atomic::{AtomicBool, Ordering};

use parta_model::view::{AppEvent, UiError, UiErrorCode, UpdateOffer, UpdateView};
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_updater::{Error as UpdaterError, Update, UpdaterExt};
use tokio::sync::Mutex;

use crate::shell::{EVENT, Shell, internal, invalid};

/// How long one request of the check may take; the download has no limit but its progress.
const CHECK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The update last offered, and whether one is being installed.
#[derive(Default)]
pub struct Updates {
    offered: Mutex<Option<Update>>,
    installing: AtomicBool,
}

/// The plugin itself: registered with the app, used from Rust only (the window is granted none
/// of its permissions).
pub fn plugin() -> tauri::plugin::TauriPlugin<tauri::Wry, tauri_plugin_updater::Config> {
    tauri_plugin_updater::Builder::new().build()
}

/// The version running now (tauri.conf.json's, which a release build may set).
pub fn current_version(app: &AppHandle) -> String {
    app.package_info().version.to_string()
}

/// Asks the active profile's server for a newer Parta.
pub async fn check(app: &AppHandle, shell: &Shell) -> Result<UpdateView, UiError> {
    let (server, root_pem) = shell.update_server().await?;
    let endpoint = endpoint(&server)?;
    let mut builder = app
        .updater_builder()
        .endpoints(vec![endpoint])
        .map_err(|e| internal(format!("the update address was refused: {e}")))?
        .timeout(CHECK_TIMEOUT);
    if let Some(pem) = root_pem {
        let roots = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
            .map_err(|e| UiError::new(UiErrorCode::BadCertificate, e.to_string()))?;
        builder = builder.configure_client(move |client| client.tls_certs_merge(roots.clone()));
    }
    let handle = app.clone();
    builder = builder.on_before_exit(move || {
        // The Windows installer is about to replace this program: close the cache first, as
        // quitting does (the plugin then ends the process itself).
        if let Some(shell) = handle.try_state::<Shell>() {
            tauri::async_runtime::block_on(shell.close());
        }
        handle.cleanup_before_exit();
    });
    let updater = builder
        .build()
        .map_err(|e| internal(format!("the updater could not start: {e}")))?;
    let update = updater.check().await.map_err(refused)?;
    let current = current_version(app);
    let state = app.state::<Updates>();
    let offer = update.as_ref().map(|update| offer(app, update));
    *state.offered.lock().await = update;
    Ok(UpdateView { current, offer })
}

/// Downloads the update last offered (progress as `UpdateProgress` events), checks its
/// signature and installs it. On Windows the installer takes over and this process ends.
pub async fn install(app: &AppHandle) -> Result<(), UiError> {
    let state = app.state::<Updates>();
    let Some(update) = state.offered.lock().await.clone() else {
        return Err(invalid("no update is offered: check for one first"));
    };
    if !installable(app) {
        return Err(invalid(
            "this Parta was installed by a package: the system's package manager updates it",
        ));
    }
    if state.installing.swap(true, Ordering::SeqCst) {
        return Err(invalid("the update is already being installed"));
    }
    let result = download_and_install(app, update).await;
    state.installing.store(false, Ordering::SeqCst);
    result
}

async fn download_and_install(app: &AppHandle, update: Update) -> Result<(), UiError> {
    if update.signature.trim().is_empty() {
        return Err(unsigned("the server offered it without a signature"));
    }
    let (mut done, mut told) = (0u64, 0u64);
    let events = app.clone();
    let bytes = update
        .download(
            |chunk, total| {
                done += chunk as u64;
                let total = total.unwrap_or(0);
                // About a hundred events a download, whatever its size.
                if done - told >= (total / 100).max(256 * 1024) || done == total {
                    told = done;
                    let _ = events.emit(EVENT, AppEvent::UpdateProgress { done, total });
                }
            },
            || {},
        )
        .await
        .map_err(refused)?;
    tracing::info!(version = %update.version, bytes = bytes.len(), "the update's signature is the release key's");
    // Installing writes files (and on Windows waits for the installer to start): off the
    // async threads, so that the hook above may close the cache.
    let installed = tauri::async_runtime::spawn_blocking(move || update.install(bytes))
        .await
        .map_err(|e| internal(format!("the install stopped: {e}")))?;
    installed.map_err(refused)?;
    tracing::info!("the update is installed: it runs from the next start");
    Ok(())
}

/// Starts Parta again, through the exit handlers (the cache closes first). An AppImage starts
/// its new self: the path restarted is the AppImage's, not the mounted program's.
pub fn restart(app: &AppHandle) {
    app.request_restart();
}

/// Whether this Parta can replace itself: an AppImage on Linux, the installed program on
/// Windows; a .deb or .rpm install belongs to the package manager.
#[cfg(target_os = "linux")]
fn installable(app: &AppHandle) -> bool {
    app.env().appimage.is_some()
}

#[cfg(not(target_os = "linux"))]
fn installable(_app: &AppHandle) -> bool {
    cfg!(target_os = "windows")
}

/// The check's address on `server` (the plugin fills in the target, arch and version). Plain
/// `http` goes only to this computer, as every other request of the app.
fn endpoint(server: &str) -> Result<tauri::Url, UiError> {
    let base = server.trim_end_matches('/');
    if parta_model::address::is_plain_http_elsewhere(base) {
        return Err(UiError::new(
            UiErrorCode::InsecureAddress,
            format!("updates are fetched from {base} only over https"),
        ));
    }
    format!("{base}/school/updates/{{{{target}}}}/{{{{arch}}}}/{{{{current_version}}}}")
        .parse()
        .map_err(|e| invalid(format!("'{base}' is not a server address: {e}")))
}

fn offer(app: &AppHandle, update: &Update) -> UpdateOffer {
    let note = |key: &str| {
        update.raw_json[key]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_default()
    };
    let (mut notes_ru, notes_en) = (note("notes_ru"), note("notes_en"));
    if notes_ru.is_empty() && notes_en.is_empty() {
        // Another server's single `notes`: shown in both languages.
        notes_ru = update.body.clone().unwrap_or_default();
    }
    UpdateOffer {
        version: update.version.clone(),
        notes_ru,
        notes_en,
        date: update
            .date
            .map(|d| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())),
        installable: installable(app),
    }
}

fn unsigned(why: impl std::fmt::Display) -> UiError {
    UiError::new(
        UiErrorCode::UpdateUnsigned,
        format!("the update was refused, it is not signed: {why}; nothing was installed"),
    )
}

/// The plugin's error as the window shows it: a signature that is missing or unreadable, one
/// that is not the release key's, the network, or the rest with its words.
fn refused(e: UpdaterError) -> UiError {
    match e {
        UpdaterError::Base64(_)
        | UpdaterError::SignatureUtf8(_)
        | UpdaterError::Minisign(
            minisign_verify::Error::InvalidEncoding | minisign_verify::Error::UnsupportedAlgorithm,
        ) => unsigned(e),
        UpdaterError::Minisign(_)
        | UpdaterError::SignedVersionMismatch { .. }
        | UpdaterError::MissingSignedVersion => bad_signature(e),
        UpdaterError::Reqwest(_) | UpdaterError::Network(_) => UiError::new(
            UiErrorCode::Offline,
            format!("the school's server could not be reached for the update: {e}"),
        ),
        other => internal(format!("the update failed: {other}")),
    }
}

fn bad_signature(e: UpdaterError) -> UiError {
    UiError::new(
        UiErrorCode::UpdateBadSignature,
        format!(
            "the update was refused, its signature is not Parta's release key's: {e}; nothing was installed"
        ),
    )
}
