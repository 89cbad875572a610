//! The app's updates from the school's server: the newest signed release newer than the app's
//! own version for its platform, its notes in both languages, and the file itself.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{Fixture, error_of};

/// A school offering the releases in `dir`.
async fn school_with_releases(dir: &std::path::Path) -> Fixture {
    let dir = dir.to_path_buf();
    Fixture::edited(Arc::new(parta_server::SystemClock), move |config| {
        parta_server::ServerConfig {
            releases: Some(dir),
            ..config
        }
    })
    .await
}

fn put(dir: &std::path::Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

async fn check(f: &Fixture, path: &str) -> (StatusCode, Value) {
    f.call(reqwest::Method::GET, None, path, None).await
}

#[tokio::test]
async fn the_newest_signed_release_for_the_platform_is_offered_with_its_notes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let appimage: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    put(d, "Parta-0.2.0-x86_64.AppImage", &appimage);
    put(
        d,
        "Parta-0.2.0-x86_64.AppImage.sig",
        b"c2lnbmF0dXJlIG9mIDAuMi4w\n",
    );
    put(
        d,
        "Parta-0.2.0.notes.ru.txt",
        "Файлы до 100 МБ.\n".as_bytes(),
    );
    put(d, "Parta-0.2.0.notes.en.txt", b"Files up to 100 MB.\n");
    put(d, "Parta-0.1.5-x86_64.AppImage", b"older");
    put(d, "Parta-0.1.5-x86_64.AppImage.sig", b"b2xkZXI=");
    // Newer, but unsigned: never offered, nor served.
    put(d, "Parta-0.3.0-x86_64.AppImage", b"unsigned");
    // Another platform's newer release.
    put(d, "Parta-0.4.0-setup.exe", b"MZ windows");
    put(d, "Parta-0.4.0-setup.exe.sig", b"d2luZG93cw==");
    let f = school_with_releases(d).await;

    let (status, offer) = check(&f, "/school/updates/linux/x86_64/0.1.0").await;
    assert_eq!(status, StatusCode::OK, "{offer}");
    assert_eq!(offer["version"], "0.2.0");
    assert_eq!(offer["signature"], "c2lnbmF0dXJlIG9mIDAuMi4w");
    assert_eq!(offer["notes_ru"], "Файлы до 100 МБ.");
    assert_eq!(offer["notes_en"], "Files up to 100 MB.");
    assert_eq!(offer["notes"], "Файлы до 100 МБ.\n\nFiles up to 100 MB.");
    let date = offer["pub_date"].as_str().unwrap();
    assert!(
        date.len() == 20 && date.ends_with('Z') && date.starts_with("20"),
        "{date}"
    );
    let url = offer["url"].as_str().unwrap();
    assert_eq!(
        url,
        format!(
            "{}/school/updates/files/Parta-0.2.0-x86_64.AppImage",
            f.server.url()
        )
    );

    // The file, whole, as the updater downloads it.
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.content_length(), Some(appimage.len() as u64));
    assert!(response.bytes().await.unwrap() == appimage);

    // Windows gets its own.
    let (_, offer) = check(&f, "/school/updates/windows/x86_64/0.1.0").await;
    assert_eq!(offer["version"], "0.4.0");
    assert!(
        offer["url"]
            .as_str()
            .unwrap()
            .ends_with("/Parta-0.4.0-setup.exe")
    );
    assert_eq!(offer["notes"], "");

    // Up to date, or newer than anything here: nothing to offer.
    for current in ["0.2.0", "0.2.1", "1.0.0"] {
        let (status, body) = check(&f, &format!("/school/updates/linux/x86_64/{current}")).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{current}: {body}");
    }
}

#[tokio::test]
async fn only_signed_release_files_are_served_and_bad_requests_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    put(d, "Parta-0.3.0-x86_64.AppImage", b"unsigned");
    put(d, "secret.txt", b"not for anyone");
    put(d, "Parta-0.2.0-x86_64.AppImage", b"signed");
    put(d, "Parta-0.2.0-x86_64.AppImage.sig", b"c2ln");
    let f = school_with_releases(d).await;
    let base = f.server.url();
    for name in [
        "Parta-0.3.0-x86_64.AppImage",
        "secret.txt",
        "Parta-0.2.0-x86_64.AppImage.sig",
        "..%2Fschool.sqlite",
    ] {
        let response = reqwest::get(format!("{base}/school/updates/files/{name}"))
            .await
            .unwrap();
        let error = error_of(response, StatusCode::NOT_FOUND).await;
        assert!(
            error.message.contains("no release file"),
            "{name}: {}",
            error.message
        );
    }
    let (status, body) = check(&f, "/school/updates/darwin/aarch64/0.1.0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"].as_str().unwrap().contains("darwin-aarch64"),
        "{body}"
    );
    let (status, body) = check(&f, "/school/updates/linux/x86_64/latest").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("MAJOR.MINOR.PATCH"),
        "{body}"
    );
}

#[tokio::test]
async fn a_school_without_a_folder_of_releases_offers_nothing() {
    let f = Fixture::new().await;
    let (status, _) = check(&f, "/school/updates/linux/x86_64/0.1.0").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let response = reqwest::get(format!(
        "{}/school/updates/files/Parta-0.2.0-x86_64.AppImage",
        f.server.url()
    ))
    .await
    .unwrap();
    error_of(response, StatusCode::NOT_FOUND).await;
}
