//! Updates from the school's own server through the real window (issue 18): the release on
//! offer with what is new in each language, and the two refusals: an update signed by another
//! key than the one built into the app, and one without a signature it can read. Neither
//! touches the installed AppImage. The way to a new version itself needs a build signed by the
//! release key: scripts/update-e2e.sh takes an AppImage from A to B.

use std::io::Cursor;
use std::path::Path;

use base64::Engine;

use crate::common::{Steps, app_dir, sign_in_app};
use parta_e2e::{Session, TauriDriver};

/// What an update file looks like to the updater's first look: an ELF executable.
const NEW_RELEASE: &[u8] = b"\x7fELF\x02\x01\x01\0 Parta 9.1.0, as an attacker would like it";
/// The AppImage "installed" on this computer (the app is told it runs as it).
const INSTALLED: &[u8] = b"\x7fELF\x02\x01\x01\0 Parta as installed";

/// A signature as `cargo tauri signer sign` (and scripts/sign-release.sh) writes it: the
/// minisign signature file, base64, its trusted comment naming the version.
fn signature_by_another_key(data: &[u8], version: &str) -> String {
    let pair = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let comment =
        format!("timestamp:1765000000\tfile:Parta-{version}-x86_64.AppImage\tversion:{version}");
    let signed = minisign::sign(
        Some(&pair.pk),
        &pair.sk,
        Cursor::new(data),
        Some(&comment),
        Some("signature from a key that is not Parta's"),
    )
    .unwrap();
    base64::engine::general_purpose::STANDARD.encode(signed.to_string())
}

fn put_release(dir: &Path, version: &str, signature: &str) {
    std::fs::write(
        dir.join(format!("Parta-{version}-x86_64.AppImage")),
        NEW_RELEASE,
    )
    .unwrap();
    std::fs::write(
        dir.join(format!("Parta-{version}-x86_64.AppImage.sig")),
        signature,
    )
    .unwrap();
    std::fs::write(
        dir.join(format!("Parta-{version}.notes.ru.txt")),
        "Расписание звонков в боковой панели.",
    )
    .unwrap();
    std::fs::write(
        dir.join(format!("Parta-{version}.notes.en.txt")),
        "The bell schedule in the side panel.",
    )
    .unwrap();
}

async fn open_updates(app: &Session, server: &str) {
    sign_in_app(app, server, parta_server::demo::CLASS_TEACHER).await;
    app.shows("[data-testid=chat-item]").await;
    app.tap("[data-testid=settings-button]").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_not_signed_by_the_release_key_is_refused_and_nothing_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let releases = dir.path().join("releases");
    std::fs::create_dir_all(&releases).unwrap();
    let mut config = parta_server::ServerConfig::demo(
        dir.path().join("school.sqlite"),
        ([127, 0, 0, 1], 0).into(),
    );
    config.releases = Some(releases.clone());
    let server = parta_server::start(config).await.unwrap();
    let url = server.url();

    // Nothing newer on the server: the app says it is up to date, with its version.
    let data = app_dir(dir.path());
    let installed = dir.path().join("Parta.AppImage");
    std::fs::write(&installed, INSTALLED).unwrap();
    let driver =
        TauriDriver::start(&[("PARTA_DATA_DIR", &data), ("APPIMAGE", &installed)]).unwrap();
    let app = Session::new(&driver, crate::common::APP.as_ref(), &[])
        .await
        .unwrap();
    open_updates(&app, &url).await;
    app.shows_if("[data-testid=update-none]", |t| {
        t.contains("У вас последняя версия") && t.contains(env!("CARGO_PKG_VERSION"))
    })
    .await;

    // A release signed by a key of someone else's: offered with its notes in the reader's
    // language, refused once downloaded.
    put_release(
        &releases,
        "9.1.0",
        &signature_by_another_key(NEW_RELEASE, "9.1.0"),
    );
    app.tap("[data-testid=update-check]").await;
    app.shows("[data-testid=update-offer][data-version='9.1.0']")
        .await;
    app.shows_if("[data-testid=update-notes]", |t| {
        t == "Расписание звонков в боковой панели."
    })
    .await;
    app.tap("[data-testid=settings-lang-en]").await;
    app.shows_if("[data-testid=update-notes]", |t| {
        t == "The bell schedule in the side panel."
    })
    .await;
    app.tap("[data-testid=update-install]").await;
    app.shows_if(
        "[data-testid=update-error][data-code=UpdateBadSignature]",
        |t| {
            t.contains("its signature is not the Parta developers'")
                && t.contains("Nothing was installed")
        },
    )
    .await;
    assert_eq!(
        std::fs::read(&installed).unwrap(),
        INSTALLED,
        "the AppImage is untouched"
    );

    // A signature that is not one (what an unsigned build's .sig would hold): refused as unsigned.
    app.tap("[data-testid=settings-lang-ru]").await;
    std::fs::write(
        releases.join("Parta-9.1.0-x86_64.AppImage.sig"),
        base64::engine::general_purpose::STANDARD.encode("not a signature"),
    )
    .unwrap();
    app.tap("[data-testid=update-check]").await;
    app.tap("[data-testid=update-install]").await;
    app.shows_if(
        "[data-testid=update-error][data-code=UpdateUnsigned]",
        |t| t.contains("оно не подписано") && t.contains("Ничего не установлено"),
    )
    .await;
    assert_eq!(
        std::fs::read(&installed).unwrap(),
        INSTALLED,
        "the AppImage is untouched"
    );
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !files.iter().any(|f| f.starts_with("tauri_current_app")),
        "no half-done install left beside it: {files:?}"
    );
    app.close().await.unwrap();
    drop(driver);

    // Installed from a package (not an AppImage): what is new, and who updates it.
    let driver = TauriDriver::start(&[("PARTA_DATA_DIR", &data)]).unwrap();
    let app = Session::new(&driver, crate::common::APP.as_ref(), &[])
        .await
        .unwrap();
    app.shows("[data-testid=chat-item]").await;
    app.tap("[data-testid=settings-button]").await;
    app.shows("[data-testid=update-offer][data-version='9.1.0']")
        .await;
    app.shows_if("[data-testid=update-by-package]", |t| {
        t.contains("менеджер пакетов")
    })
    .await;
    assert!(
        app.find_all("[data-testid=update-install]")
            .await
            .unwrap()
            .is_empty()
    );
    app.close().await.unwrap();
    drop(server);
}
