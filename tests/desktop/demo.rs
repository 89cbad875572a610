//! The demo school end to end: open it, read a class chat, send, lose the connection, read on.

use std::path::PathBuf;
use std::time::Duration;

use parta_e2e::{Session, TauriDriver};

/// The app binary, built by cargo for this test.
const APP: &str = env!("CARGO_BIN_EXE_parta-desktop");

/// Bounds a failing wait; a passing test moves on as soon as the element shows.
const SOON: Duration = Duration::from_secs(30);

fn screenshot_dir() -> PathBuf {
    std::env::var_os("PARTA_SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("parta-e2e"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_school_open_a_class_chat_send_then_read_it_offline() {
    let data = tempfile::tempdir().unwrap();
    let driver = TauriDriver::start(&[("PARTA_DATA_DIR", data.path())]).unwrap();
    let app = Session::new(&driver, APP.as_ref(), &[]).await.unwrap();

    // First launch: no profile, so the welcome screen offers the demo school.
    let demo = app
        .wait_for("[data-testid=demo-button]", SOON, |t| t == "Демо-школа")
        .await
        .unwrap();
    app.click(&demo).await.unwrap();

    // The demo signs in as the class teacher of 5А and lists her chats.
    let class_chat = app
        .wait_for(
            "[data-testid=chat-item][data-title='5А — родители']",
            SOON,
            |_| true,
        )
        .await
        .unwrap();
    app.wait_for(
        "[data-testid=chat-item][data-title='Учителя']",
        SOON,
        |_| true,
    )
    .await
    .unwrap();
    app.click(&class_chat).await.unwrap();
    app.wait_for("[data-testid=chat-title]", SOON, |t| t == "5А — родители")
        .await
        .unwrap();
    app.wait_for("[data-testid=pinned]", SOON, |t| {
        t.contains("Родительское собрание")
    })
    .await
    .unwrap();
    app.wait_for("[data-testid=message]", SOON, |t| t.contains("№ 245"))
        .await
        .unwrap();

    // Send a message; it appears in the timeline.
    let text = "Напоминаю: завтра контрольная по математике, возьмите линейки.";
    let input = app
        .wait_for("[data-testid=composer-input]", SOON, |_| true)
        .await
        .unwrap();
    app.type_text(&input, text).await.unwrap();
    let send = app
        .wait_for("[data-testid=send-button]", SOON, |_| true)
        .await
        .unwrap();
    app.click(&send).await.unwrap();
    app.wait_for("[data-testid=message]", SOON, |t| t.contains(text))
        .await
        .unwrap();
    app.wait_for("[data-testid=connection-online]", SOON, |t| {
        t.contains("В сети")
    })
    .await
    .unwrap();
    let own = app.find_all("[data-testid=message]").await.unwrap();
    let mut count = 0;
    for element in &own {
        if app.text(element).await.unwrap().contains(text) {
            count += 1;
        }
    }
    assert_eq!(
        count, 1,
        "the sent message shows once, although it also came back as an update"
    );
    app.screenshot(&screenshot_dir().join("demo-ru.png"))
        .await
        .unwrap();

    // Stop the embedded server: the indicator says so and everything cached stays readable.
    let toggle = app
        .wait_for("[data-testid=demo-offline-toggle]", SOON, |_| true)
        .await
        .unwrap();
    app.click(&toggle).await.unwrap();
    app.wait_for("[data-testid=connection-offline]", SOON, |t| {
        t == "Нет связи"
    })
    .await
    .unwrap();
    app.wait_for("[data-testid=message]", SOON, |t| t.contains(text))
        .await
        .unwrap();
    let teachers = app
        .wait_for(
            "[data-testid=chat-item][data-title='Учителя']",
            SOON,
            |_| true,
        )
        .await
        .unwrap();
    app.click(&teachers).await.unwrap();
    app.wait_for("[data-testid=message]", SOON, |t| {
        t.contains("Педсовет переносится")
    })
    .await
    .unwrap();

    // Sending now fails with a sentence, and the text stays in the box.
    let offline_text = "Это сообщение написано без связи";
    let input = app
        .wait_for("[data-testid=composer-input]", SOON, |_| true)
        .await
        .unwrap();
    app.type_text(&input, offline_text).await.unwrap();
    let send = app
        .wait_for("[data-testid=send-button]", SOON, |_| true)
        .await
        .unwrap();
    app.click(&send).await.unwrap();
    app.wait_for("[data-testid=error-banner]", SOON, |t| {
        t.contains("Нет связи с сервером школы")
    })
    .await
    .unwrap();
    let kept = app
        .execute("return document.querySelector('[data-testid=composer-input]').value")
        .await
        .unwrap();
    assert_eq!(
        kept.as_str(),
        Some(offline_text),
        "nothing the user typed is lost"
    );
    app.screenshot(&screenshot_dir().join("demo-offline-ru.png"))
        .await
        .unwrap();

    // The server returns; the app reconnects by itself.
    let toggle = app
        .wait_for("[data-testid=demo-offline-toggle]", SOON, |_| true)
        .await
        .unwrap();
    app.click(&toggle).await.unwrap();
    app.wait_for("[data-testid=connection-online]", SOON, |t| {
        t.contains("В сети")
    })
    .await
    .unwrap();
    app.close().await.unwrap();
}
