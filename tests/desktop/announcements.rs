//! Announcements from the composer (procedure 2.3, 4.1): a class teacher announces to her class
//! and, in the same step, to another chat; asks for «Ознакомлен» or only informs; the parent
//! acknowledges in Объявления, and the teacher reads who has.

use parta_e2e::{Session, screenshot_dir};

use crate::common::{Steps, launch, open_chat, open_demo, switch_profile};

/// Waits for `testid` inside the Объявления card of `chat` whose text has `text`, and clicks
/// it (a label just takes the click).
async fn tap_in_card(app: &Session, chat: &str, text: &str, testid: &str) {
    let script = format!(
        "const c = Array.from(document.querySelectorAll('[data-testid=announcement]')).find(c => \
           c.dataset.chatTitle === {chat:?} && c.textContent.includes({text:?})); \
         const b = c && c.querySelector('[data-testid={testid}]'); \
         if (b) {{ b.click(); return true; }} return false;"
    );
    crate::common::eventually(
        &format!("{testid} in the card «{text}» of {chat}"),
        || async { app.execute(&script).await.ok().and_then(|v| v.as_bool()) == Some(true) },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teacher_announces_to_two_chats_and_the_parent_acknowledges_it() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, app) = launch(data.path()).await;
    open_demo(&app).await;
    open_chat(&app, "5А — родители").await;

    // One that asks for «Ознакомлен», to her class and to the teachers' chat at once.
    let meeting = "Родительское собрание во вторник в 18:00, кабинет 12";
    app.tap("[data-testid=announce-toggle]").await;
    app.shows("[data-testid=announce-panel]").await;
    app.tap("[data-testid=announce-chat][data-title='Учителя']")
        .await;
    app.fill("[data-testid=composer-input]", meeting).await;
    app.shows_if("[data-testid=send-button]", |t| t == "Объявить")
        .await;
    app.screenshot(&screenshot_dir().join("announce-ru.png"))
        .await
        .unwrap();
    app.tap("[data-testid=send-button]").await;
    app.shows_if("[data-testid=message]", |t| t.contains(meeting))
        .await;
    app.gone("[data-testid=announce-panel]").await;

    // One that only informs.
    let holidays = "Зимние каникулы с 28 декабря по 11 января";
    app.tap("[data-testid=announce-toggle]").await;
    app.tap("[data-testid=announce-ack]").await;
    app.fill("[data-testid=composer-input]", holidays).await;
    app.tap("[data-testid=send-button]").await;
    app.shows_if("[data-testid=message]", |t| t.contains(holidays))
        .await;

    // The teachers' chat got the meeting too.
    open_chat(&app, "Учителя").await;
    app.shows_if("[data-testid=message]", |t| t.contains(meeting))
        .await;

    // The parent: «Ознакомлен» under the meeting, «Для сведения» on the holidays.
    switch_profile(&app, "demo-as-e.morozova").await;
    app.tap("[data-testid=tab-announcements]").await;
    app.shows_if("[data-testid=announcement]", |t| t.contains(holidays))
        .await;
    tap_in_card(&app, "5А — родители", holidays, "announcement-notice").await;
    let asks = app
        .execute(&format!(
            "return Array.from(document.querySelectorAll('[data-testid=announcement]')) \
               .filter(c => c.textContent.includes({holidays:?})) \
               .map(c => !!c.querySelector('[data-testid=announcement-ack]'));"
        ))
        .await
        .unwrap();
    assert_eq!(
        asks,
        serde_json::json!([false]),
        "nothing to acknowledge on a notice"
    );
    tap_in_card(&app, "5А — родители", meeting, "announcement-ack").await;
    app.shows_if("[data-testid=announcement]", |t| {
        t.contains(meeting) && t.contains("Вы ознакомились")
    })
    .await;

    // The teacher sees who has acknowledged it, and who has read the other.
    switch_profile(&app, "demo-as-a.sokolova").await;
    app.tap("[data-testid=tab-announcements]").await;
    tap_in_card(&app, "5А — родители", meeting, "receipts-button").await;
    app.shows_if("[data-testid=receipts]", |t| {
        t.contains("Ознакомились (1 / ") && t.contains("Елена Морозова")
    })
    .await;
    tap_in_card(&app, "5А — родители", holidays, "receipts-button").await;
    app.shows_if("[data-testid=receipts]", |t| t.starts_with("Прочитали ("))
        .await;
    app.screenshot(&screenshot_dir().join("announcement-receipts-ru.png"))
        .await
        .unwrap();
    app.close().await.unwrap();
}
