//! The window comes back where it was left: size and position are kept between launches, in
//! the data folder, whatever ends the app.

use parta_e2e::Session;
use serde_json::json;

use crate::common::{APP, SOON, Steps, app_dir, launch};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_opens_again_at_the_size_it_was_left() {
    let dir = tempfile::tempdir().unwrap();
    let data = app_dir(dir.path());
    let (driver, app) = launch(&data).await;
    app.shows("[data-testid=demo-button]").await;
    let rect = app
        .set_window_rect(json!({"width": 1000, "height": 700}))
        .await
        .unwrap();
    assert_eq!(
        (rect["width"].as_i64(), rect["height"].as_i64()),
        (Some(1000), Some(700))
    );
    // Kept within a moment of the change (the last of a burst once the window is still), not
    // at exit: wait for that before ending the app.
    let kept = data.join("window.json");
    let deadline = tokio::time::Instant::now() + SOON;
    loop {
        let text = std::fs::read_to_string(&kept).unwrap_or_default();
        if text.contains("\"width\":1000") && text.contains("\"height\":700") {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "not kept: {text}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    app.close().await.unwrap();

    let app = Session::new(&driver, APP.as_ref(), &[]).await.unwrap();
    app.shows("[data-testid=demo-button]").await;
    let rect = app.window_rect().await.unwrap();
    assert_eq!(
        (rect["width"].as_i64(), rect["height"].as_i64()),
        (Some(1000), Some(700)),
        "the size it was left at: {rect}"
    );
    app.close().await.unwrap();
}
