//! «Проверить камеру и звук» (procedure 7.1) in the real window, with WebKit's mock camera and
//! microphone (`PARTA_E2E_MOCK_MEDIA`: this machine has neither): the picture, the
//! microphone's level, and a test sound.

use crate::common::{APP, Steps, app_dir, eventually};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_camera_microphone_and_speakers_are_checked_before_a_lesson() {
    let dir = tempfile::tempdir().unwrap();
    let data = app_dir(dir.path());
    let mock = dir.path().join("mock");
    let (_driver, app) = crate::common::launch_with(
        &[
            ("PARTA_DATA_DIR", data.as_path()),
            ("PARTA_E2E_MOCK_MEDIA", mock.as_path()),
        ],
        APP.as_ref(),
    )
    .await;
    app.tap("[data-testid=demo-button]").await;
    app.shows("[data-testid=chat-item]").await;
    app.tap("[data-testid=settings-button]").await;
    app.tap("[data-testid=media-section] [data-testid=check-media]")
        .await;
    app.shows("[data-testid=media-camera][data-state=working]")
        .await;
    app.shows("[data-testid=media-microphone][data-state=working]")
        .await;
    app.shows("[data-testid=mic-level]").await;
    // The picture is there: the video has frames of the mock camera's size.
    eventually("the camera's picture", || async {
        app.execute("return document.querySelector('[data-testid=media-video]').videoWidth")
            .await
            .ok()
            .and_then(|v| v.as_u64())
            .is_some_and(|w| w > 0)
    })
    .await;
    app.tap("[data-testid=play-test-sound]").await;
    app.shows("[data-testid=sound-played]").await;
    // Closing the check lets the devices go.
    app.tap("[data-testid=media-section] [data-testid=check-media]")
        .await;
    app.gone("[data-testid=media-check-panel]").await;
    app.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_computer_without_a_camera_or_microphone_is_told_so_in_plain_words() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, app) = crate::common::launch(data.path()).await;
    crate::common::open_demo(&app).await;
    app.tap("[data-testid=settings-button]").await;
    app.tap("[data-testid=media-section] [data-testid=check-media]")
        .await;
    app.shows_if("[data-testid=media-camera][data-state=failed]", |t| {
        t.contains("Камера не найдена")
    })
    .await;
    app.shows_if("[data-testid=media-microphone][data-state=failed]", |t| {
        t.contains("Микрофон не найден")
    })
    .await;
    app.close().await.unwrap();
}
