//! Updates from the school's own server through the real window (issue 18): the release on
//! offer with what is new in each language, and the two refusals: an update signed by another
//! key than the one built into the app, and one without a signature it can read. Neither
//! touches the installed AppImage. The way to a new version itself needs a build signed by the
//! release key: scripts/update-e2e.sh takes an AppImage from A to B.

use std::io::Cursor;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use base64::Engine;

use crate::common::{APP, SOON, Steps, app_dir, launch_with, sign_in_app};
use parta_e2e::Session;

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
    let (driver, app) = launch_with(
        &[("PARTA_DATA_DIR", &data), ("APPIMAGE", &installed)],
        APP.as_ref(),
    )
    .await;
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
    let (_driver, app) = launch_with(&[("PARTA_DATA_DIR", &data)], APP.as_ref()).await;
    app.shows("[data-testid=chat-item]").await;
    // Asked at start: the settings button says a newer Parta is there.
    app.shows("[data-testid=settings-button] [data-testid=update-available][data-version='9.1.0']")
        .await;
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

/// The processes running Parta with its data in `data`: (pid, program).
fn parta_processes(data: &Path) -> Vec<(u32, std::path::PathBuf)> {
    let wanted = format!("PARTA_DATA_DIR={}", data.display());
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let exe = std::fs::read_link(entry.path().join("exe")).ok()?;
            let environ = std::fs::read(entry.path().join("environ")).ok()?;
            let ours = exe.file_name().is_some_and(|n| n == "parta-desktop")
                && environ.split(|b| *b == 0).any(|v| v == wanted.as_bytes());
            ours.then_some((pid, exe))
        })
        .collect()
}

/// scripts/update-e2e.sh builds A and B (B signed by a key whose public half both carry) and
/// runs this: A, as an AppImage, finds B on its school's server, installs it over itself and
/// restarts into it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs two release builds: scripts/update-e2e.sh"]
async fn an_appimage_updates_itself_from_a_to_b() {
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| panic!("{name}: run scripts/update-e2e.sh"))
    };
    let versions = var("PARTA_UPDATE_VERSIONS");
    let (a, b) = versions.split_once(' ').unwrap();
    let b_file = std::fs::read(var("PARTA_UPDATE_B")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut config = parta_server::ServerConfig::demo(
        dir.path().join("school.sqlite"),
        ([127, 0, 0, 1], 0).into(),
    );
    config.releases = Some(var("PARTA_UPDATE_RELEASES").into());
    let server = parta_server::start(config).await.unwrap();

    // A, installed the AppImage way: one file in a folder of the person's.
    let installed = dir.path().join("Parta.AppImage");
    std::fs::copy(var("PARTA_UPDATE_A"), &installed).unwrap();
    let data = app_dir(dir.path());
    // No FUSE here: the runtime unpacks itself to /tmp and runs from there, as
    // `--appimage-extract-and-run` does (APPIMAGE still names the file).
    let envs: &[(&str, &Path)] = &[
        ("PARTA_DATA_DIR", &data),
        ("APPIMAGE_EXTRACT_AND_RUN", Path::new("1")),
    ];
    let (driver, app) = launch_with(envs, &installed).await;
    open_updates(&app, &server.url()).await;
    app.shows(&format!("[data-testid=update-offer][data-version='{b}']"))
        .await;
    app.shows_if("[data-testid=update-notes]", |t| {
        t == format!("Версия {b}: проверка обновления.")
    })
    .await;
    let a_program = parta_processes(&data);
    assert_eq!(a_program.len(), 1, "one Parta runs: {a_program:?}");
    app.tap("[data-testid=update-install]").await;
    app.shows_if("[data-testid=update-installed]", |t| {
        t.contains("Новая версия откроется после перезапуска")
    })
    .await;
    assert!(
        std::fs::read(&installed).unwrap() == b_file,
        "the AppImage file is B now"
    );
    assert!(
        std::fs::metadata(&installed).unwrap().permissions().mode() & 0o111 != 0,
        "and can still be run"
    );

    // «Перезапустить сейчас»: A ends and B starts, from the same file.
    // The click's answer may never come: the window it went to closes with A.
    let _ = app
        .click_when("[data-testid=update-restart]", SOON, |_| true)
        .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let b_program = loop {
        let now = parta_processes(&data);
        if let [(pid, program)] = now.as_slice()
            && *program != a_program[0].1
        {
            break (*pid, program.clone());
        }
        assert!(
            std::time::Instant::now() < deadline,
            "B did not start: {now:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    // The restarted B is nobody's WebDriver session: end it, and look at it through a new one.
    std::process::Command::new("kill")
        .arg(b_program.0.to_string())
        .status()
        .unwrap();
    while !parta_processes(&data).is_empty() {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // A's session ended with A; what is left of it is the driver's.
    let _ = app.close().await;
    drop(driver);
    let (_driver, app) = launch_with(envs, &installed).await;
    app.shows("[data-testid=chat-item]").await;
    app.tap("[data-testid=settings-button]").await;
    app.shows_if("[data-testid=update-none]", |t| {
        t.contains(&format!("У вас последняя версия: {b}"))
    })
    .await;
    assert_ne!(a, b);
    app.close().await.unwrap();
    drop(server);
}
