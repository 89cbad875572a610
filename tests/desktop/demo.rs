//! The demo school end to end: open it, read a class chat, send, lose the connection, read on.

use std::time::Duration;

use parta_e2e::{Element, Session, screenshot_dir};

use crate::common::{SOON, Steps, launch, open_chat, switch_profile};

/// The first element matching `css`, once it shows.
async fn element(app: &Session, css: &str) -> Element {
    app.shows(css).await
}

/// Waits until an element matching `css` contains `needle`.
async fn see(app: &Session, css: &str, needle: &str) -> Element {
    app.shows_if(css, |t| t.contains(needle)).await
}

/// Types `text` into the composer and presses "Отправить".
async fn compose_and_send(app: &Session, text: &str) {
    app.fill("[data-testid=composer-input]", text).await;
    app.tap("[data-testid=send-button]").await;
}

/// How many timeline messages contain `text`.
async fn count_messages(app: &Session, text: &str) -> usize {
    app.count_containing("[data-testid=message]", text)
        .await
        .unwrap()
}

/// What the message box holds now.
async fn composer_text(app: &Session) -> String {
    let composer = element(app, "[data-testid=composer-input]").await;
    app.attribute(&composer, "value")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Clicks the button `testid` (edit, delete…) of one's own sent message containing `text`.
async fn click_in_own_message(app: &Session, text: &str, testid: &str) {
    let text = serde_json::Value::from(text);
    app.execute(&format!(
        "const m = [...document.querySelectorAll(\"[data-testid=message][data-delivery='sent']\")]\
           .find(e => e.innerText.includes({text}));\
         m.querySelector('[data-testid={testid}]').click(); return null"
    ))
    .await
    .unwrap();
}

async fn toggle_demo_connection(app: &Session) {
    app.tap("[data-testid=demo-offline-toggle]").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_school_open_a_class_chat_send_read_offline_and_deliver_offline_writing_once() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, app) = launch(data.path()).await;

    // First launch: no profile, so the welcome screen offers the demo school.
    app.tap_if("[data-testid=demo-button]", |t| t.contains("Демо-школа"))
        .await;

    // The demo signs in as the class teacher of 5А and lists her chats.
    element(&app, "[data-testid=chat-item][data-title='Учителя']").await;
    // Nothing has been read on this computer yet: the teachers' chat shows its unread count.
    let unread_teachers = "[data-testid=chat-item][data-title='Учителя'] [data-testid=unread]";
    element(&app, unread_teachers).await;
    open_chat(&app, "5А — родители").await;
    see(&app, "[data-testid=pinned]", "Родительское собрание").await;
    // Her own announcement: she can see who has acknowledged it (nobody yet).
    app.tap_if("[data-testid=receipts-button]", |t| {
        t.contains("Кто ознакомился")
    })
    .await;
    see(&app, "[data-testid=receipts]", "Ознакомились (0 / 2)").await;
    see(&app, "[data-testid=receipts]", "Елена Морозова").await;
    see(&app, "[data-testid=message]", "№ 245").await;

    // Send a message written with MAX markdown; it appears once, formatted.
    let text = "Напоминаю: завтра контрольная по математике, возьмите линейки.";
    compose_and_send(
        &app,
        "Напоминаю: **завтра контрольная** по математике, возьмите _линейки_.",
    )
    .await;
    see(&app, "[data-testid=message]", text).await;
    see(
        &app,
        "[data-testid=message] .text strong",
        "завтра контрольная",
    )
    .await;
    see(&app, "[data-testid=message] .text em", "линейки").await;

    // The toolbar wraps the selection in markdown; "send later" hands it to the school's
    // server for a time, listed above the composer until it goes, and can be cancelled.
    app.fill("[data-testid=composer-input]", "Сбор в 8:45 у входа")
        .await;
    app.execute("document.querySelector('[data-testid=composer-input]').setSelectionRange(0, 4); return null")
        .await
        .unwrap();
    app.tap("[data-testid=format-bold]").await;
    assert_eq!(composer_text(&app).await, "**Сбор** в 8:45 у входа");
    app.tap("[data-testid=send-later]").await;
    app.tap("[data-testid=schedule-button]").await;
    see(&app, "[data-testid=scheduled-item]", "Будет отправлено").await;
    see(&app, "[data-testid=scheduled-item]", "Сбор").await;
    assert_eq!(
        composer_text(&app).await,
        "",
        "handed to the server: the box is free again"
    );
    app.tap("[data-testid=scheduled-cancel]").await;
    app.gone("[data-testid=scheduled-item]").await;

    // The school's rules speak before sending: a phone number in the class chat is a
    // warning, and nothing goes until the person decides.
    app.fill(
        "[data-testid=composer-input]",
        "Звоните мне: +7 912 345-67-89",
    )
    .await;
    app.tap("[data-testid=send-button]").await;
    see(&app, "[data-testid=policy-warning]", "персональные данные").await;
    assert_eq!(count_messages(&app, "345-67-89").await, 0, "not sent");
    app.tap("[data-testid=policy-fix]").await;
    app.gone("[data-testid=policy-warning]").await;
    app.clear("[data-testid=composer-input]", SOON)
        .await
        .unwrap();

    // One's own message is changed (for everyone) and deleted (asked twice).
    compose_and_send(&app, "Собрание в 18:00").await;
    let own = "[data-testid=message][data-delivery='sent']";
    see(&app, own, "Собрание в 18:00").await;
    click_in_own_message(&app, "Собрание в 18:00", "edit").await;
    see(&app, "[data-testid=edit-bar]", "Собрание в 18:00").await;
    app.clear("[data-testid=composer-input]", SOON)
        .await
        .unwrap();
    compose_and_send(&app, "Собрание в 18:30, кабинет 305").await;
    see(&app, own, "Собрание в 18:30, кабинет 305").await;
    assert_eq!(
        count_messages(&app, "Собрание в 18:00").await,
        0,
        "changed in place, not sent again"
    );
    app.gone("[data-testid=edit-bar]").await;
    assert_eq!(
        composer_text(&app).await,
        "",
        "the edited text does not stay behind as the chat's draft"
    );
    click_in_own_message(&app, "кабинет 305", "delete").await;
    app.tap("[data-testid=delete-confirm]").await;
    let deadline = std::time::Instant::now() + SOON;
    while count_messages(&app, "кабинет 305").await > 0
        || app
            .execute(
                "return [...document.querySelectorAll('[data-testid=chat-item]')]\
                   .some(e => e.textContent.includes('кабинет 305'))",
            )
            .await
            .unwrap()
            .as_bool()
            .unwrap_or(true)
    {
        if std::time::Instant::now() > deadline {
            let page = app.execute("return document.body.innerText").await.unwrap();
            panic!(
                "the deleted message stays: {}",
                page.as_str().unwrap_or_default()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    see(&app, "[data-testid=connection-online]", "В сети").await;
    let copies = count_messages(&app, text).await;
    assert_eq!(
        copies, 1,
        "the sent message shows once, although it also came back as an update"
    );
    app.screenshot(&screenshot_dir().join("demo-ru.png"))
        .await
        .unwrap();

    // The Объявления section lists her announcement; a card opens the chat at it.
    app.tap_if("[data-testid=tab-announcements]", |t| {
        t.contains("Объявления")
    })
    .await;
    let card = see(&app, "[data-testid=announcement]", "Родительское собрание").await;
    assert_eq!(
        app.count_containing("[data-testid=announcement-ack]", "Ознакомлен")
            .await
            .unwrap(),
        0,
        "the author is not asked to acknowledge her own announcement"
    );
    app.screenshot(&screenshot_dir().join("announcements-ru.png"))
        .await
        .unwrap();
    app.click(&card).await.unwrap();
    see(
        &app,
        "[data-testid=message].focused",
        "Родительское собрание",
    )
    .await;
    app.tap("[data-testid=tab-chats]").await;
    element(&app, "[data-testid=chat-item][data-title='Учителя']").await;

    // The members panel lists the chat's people; Esc closes it.
    app.tap("[data-testid=members-button]").await;
    see(&app, "[data-testid=members-panel]", "Елена Морозова").await;
    see(&app, "[data-testid=members-panel]", "Олег Смирнов").await;
    app.screenshot(&screenshot_dir().join("members-ru.png"))
        .await
        .unwrap();
    app.fill("[data-testid=composer-input]", "\u{E00C}").await;
    app.gone("[data-testid=members-panel]").await;

    // English, and back to Russian.
    app.tap_if("[data-testid=language-switch]", |t| t.contains("English"))
        .await;
    see(&app, "[data-testid=members-button]", "Members").await;
    see(&app, "[data-testid=theme-switch]", "Dark theme").await;
    app.tap_if("[data-testid=language-switch]", |t| t.contains("Русский"))
        .await;
    see(&app, "[data-testid=members-button]", "Участники").await;

    // A reply quotes the message it answers.
    app.execute(
        "const m = [...document.querySelectorAll('[data-testid=message]')]
            .find(e => e.textContent.includes('Даша вчера болела'));
         m.querySelector('[data-testid=reply]').click();",
    )
    .await
    .unwrap();
    see(&app, "[data-testid=reply-bar]", "Елена Морозова").await;
    let answer = "Выздоравливайте! Задание пришлю вечером.";
    compose_and_send(&app, answer).await;
    let replied = app
        .wait_for("[data-testid=message]", SOON, |t| {
            t.contains(answer) && t.contains("Даша вчера болела")
        })
        .await;
    assert!(replied.is_ok(), "the reply shows the quoted message");
    app.gone("[data-testid=reply-bar]").await;

    // A draft stays with its chat: written here, kept while another chat is open.
    let draft = "Черновик: про экскурсию напишу позже";
    app.fill("[data-testid=composer-input]", draft).await;
    open_chat(&app, "Учителя").await;
    app.gone(unread_teachers).await;
    open_chat(&app, "5А — родители").await;
    let deadline = std::time::Instant::now() + SOON;
    loop {
        let value = app
            .execute("return document.querySelector('[data-testid=composer-input]').value")
            .await
            .unwrap();
        if value.as_str() == Some(draft) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the draft came back: {value}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Stop the embedded server: the indicator says so and everything cached stays readable.
    toggle_demo_connection(&app).await;
    see(&app, "[data-testid=connection-offline]", "Нет связи").await;
    see(&app, "[data-testid=message]", text).await;
    open_chat(&app, "Учителя").await;
    see(&app, "[data-testid=message]", "Педсовет переносится").await;

    // Search works offline, in any word form, and opens the chat at the message found.
    app.fill("[data-testid=search]", "контрольной").await;
    let hit = see(
        &app,
        "[data-testid=search-hit]",
        "Напоминаю: завтра контрольная",
    )
    .await;
    let marked = app
        .count_containing("[data-testid=search-hit] mark", "контрольная")
        .await
        .unwrap();
    assert_eq!(marked, 1, "the matched word is marked");
    app.click(&hit).await.unwrap();
    see(&app, "[data-testid=chat-title]", "5А — родители").await;
    see(&app, "[data-testid=message].focused", text).await;
    app.screenshot(&screenshot_dir().join("search-ru.png"))
        .await
        .unwrap();
    // Esc empties the box and brings the chat list back.
    app.fill("[data-testid=search]", "\u{E00C}").await;
    open_chat(&app, "Учителя").await;

    // Writing now is not refused: the message is saved and shown as waiting.
    let offline_text = "Это сообщение написано без связи";
    compose_and_send(&app, offline_text).await;
    see(
        &app,
        "[data-testid=message][data-delivery='pending']",
        offline_text,
    )
    .await;
    app.screenshot(&screenshot_dir().join("demo-offline-ru.png"))
        .await
        .unwrap();

    // The server returns; the app reconnects by itself and delivers it, exactly once.
    toggle_demo_connection(&app).await;
    see(&app, "[data-testid=connection-online]", "В сети").await;
    see(
        &app,
        "[data-testid=message][data-delivery='sent']",
        offline_text,
    )
    .await;
    assert_eq!(
        count_messages(&app, offline_text).await,
        1,
        "delivered once, no pending copy"
    );

    // The dark theme, chosen once, applies at once and is remembered.
    app.tap_if("[data-testid=theme-switch]", |t| t.contains("Тёмная тема"))
        .await;
    see(&app, "[data-testid=theme-switch]", "Светлая тема").await;
    let theme = app
        .execute("return document.documentElement.dataset.theme")
        .await
        .unwrap();
    assert_eq!(theme.as_str(), Some("dark"));
    // Kept by the app in its own data folder, not in the webview's storage another Parta on
    // this computer would share.
    crate::common::eventually("the theme kept in the data folder", || async {
        std::fs::read_to_string(data.path().join("preferences.json"))
            .is_ok_and(|text| text.contains("\"dark\": true"))
    })
    .await;
    app.screenshot(&screenshot_dir().join("demo-dark-ru.png"))
        .await
        .unwrap();

    // The demo's other people are profiles of their own: the platform administrator gets the
    // whole administration section, a parent none; switching back keeps the class teacher's.
    switch_profile(&app, "demo-as-i.kuznetsova").await;
    see(&app, "[data-testid=profile-name]", "Кузнецова").await;
    app.tap("[data-testid=tab-admin]").await;
    for tab in [
        "invites",
        "requests",
        "people",
        "classes",
        "structure",
        "journal",
    ] {
        app.shows(&format!("[data-testid=admin-tab-{tab}]")).await;
    }
    switch_profile(&app, "demo-as-e.morozova").await;
    see(&app, "[data-testid=profile-name]", "Морозова").await;
    app.shows("nav[data-role=parent]").await;
    assert_eq!(
        app.find_all("[data-testid=tab-admin]").await.unwrap().len(),
        0,
        "a parent has no administration section"
    );
    switch_profile(&app, "demo-as-a.sokolova").await;
    see(&app, "[data-testid=profile-name]", "Соколова").await;
    app.shows("nav[data-role=class_teacher]").await;
    app.tap("[data-testid=tab-admin]").await;
    app.shows("[data-testid=admin-tab-requests]").await;
    assert_eq!(
        app.find_all("[data-testid=admin-tab-people]")
            .await
            .unwrap()
            .len(),
        0,
        "a class teacher manages her class's invitations and requests, not the school's people"
    );
    // The class teacher's own draft and outbox history are hers again.
    app.tap("[data-testid=tab-chats]").await;
    app.shows("[data-testid=chat-item][data-title='5А — родители']")
        .await;
    app.close().await.unwrap();
}

/// Scrolling back: older history comes page by page (from the server, then the cache) as the
/// top comes near, the view stays where it was while rows go in above, and with a long history
/// only the rows near the view are in the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scrolling_back_brings_older_history_and_keeps_the_page_small() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, app) = launch(data.path()).await;
    crate::common::open_demo(&app).await;

    // 400 older messages in the teachers' chat, written on the server.
    const OLDER: i64 = 400;
    let school = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        data.path().join("demo-school.sqlite").display()
    ))
    .await
    .unwrap();
    let (chat_id, first): (i64, i64) = sqlx::query_as(
        "SELECT c.id, MIN(m.created_at) FROM chats c JOIN messages m ON m.chat_id = c.id
         WHERE c.title = 'Учителя' GROUP BY c.id",
    )
    .fetch_one(&school)
    .await
    .unwrap();
    let sender: i64 = sqlx::query_scalar("SELECT MIN(user_id) FROM chat_members WHERE chat_id = ?")
        .bind(chat_id)
        .fetch_one(&school)
        .await
        .unwrap();
    for i in 1..=OLDER {
        sqlx::query(
            "INSERT INTO messages (mid, chat_id, sender_id, text, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(format!("mid.old{i:04}"))
        .bind(chat_id)
        .bind(sender)
        .bind(format!("Старое сообщение №{i}."))
        .bind(first - i * 3_600_000)
        .execute(&school)
        .await
        .unwrap();
    }
    school.close().await;

    open_chat(&app, "Учителя").await;
    app.shows("[data-testid=timeline] .tl-row").await;
    // Scroll to the top again and again, as a person does, until the oldest is on screen.
    let deadline = tokio::time::Instant::now() + SOON;
    let mut most_rows = 0;
    let all_rows = loop {
        let state = app
            .execute(
                "const t = document.querySelector('[data-testid=timeline]');\
                 t.scrollTop = 0; t.dispatchEvent(new Event('scroll'));\
                 return [Number(t.dataset.rows), t.querySelectorAll('.tl-row').length,\
                         t.textContent.includes('Старое сообщение №400.')]",
            )
            .await
            .unwrap();
        let (rows, rendered, oldest) = (
            state[0].as_i64().unwrap_or(0),
            state[1].as_u64().unwrap_or(0),
            state[2].as_bool().unwrap_or(false),
        );
        most_rows = most_rows.max(rendered);
        if oldest {
            assert!(rows > OLDER, "every message is in the history: {rows}");
            break rows;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the oldest message never came: {rows} rows"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    };
    assert!(
        most_rows < 200,
        "only the rows near the view are in the page: {most_rows}"
    );

    // Older messages are in order: №400 is above №399 on screen.
    let ordered = app
        .execute(
            "const rows = [...document.querySelectorAll('.tl-row')].map(r => r.textContent);\
             const a = rows.findIndex(t => t.includes('Старое сообщение №400.'));\
             const b = rows.findIndex(t => t.includes('Старое сообщение №399.'));\
             return a >= 0 && b > a",
        )
        .await
        .unwrap();
    assert_eq!(ordered.as_bool(), Some(true));

    // Its author changes №400 and deletes №399 from her phone: the rows already loaded by
    // scrolling back show it at once, with the view still at the top.
    let school = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}?mode=ro",
        data.path().join("demo-school.sqlite").display()
    ))
    .await
    .unwrap();
    let login: String = sqlx::query_scalar("SELECT username FROM users WHERE id = ?")
        .bind(sender)
        .fetch_one(&school)
        .await
        .unwrap();
    school.close().await;
    let server: String =
        crate::common::cache_value(data.path(), "SELECT server_url FROM profiles").await;
    let author = crate::common::sign_in(&server, &login).await;
    let http = reqwest::Client::new();
    let edited = http
        .put(format!("{server}/messages?message_id=mid.old0400"))
        .header("Authorization", &author)
        .json(&serde_json::json!({"text": "Старое сообщение №400, исправленное."}))
        .send()
        .await
        .unwrap();
    assert!(edited.status().is_success(), "{}", edited.status());
    let deleted = http
        .delete(format!("{server}/messages?message_id=mid.old0399"))
        .header("Authorization", &author)
        .send()
        .await
        .unwrap();
    assert!(deleted.status().is_success(), "{}", deleted.status());
    let deadline = tokio::time::Instant::now() + SOON;
    loop {
        let seen = app
            .execute(
                "const rows = [...document.querySelectorAll('.tl-row')].map(r => r.textContent);                 return [rows.filter(t => t.includes('№400, исправленное.')).length,                         rows.filter(t => t.includes('Старое сообщение №399.')).length,                         document.querySelector('[data-testid=timeline]').scrollTop,\
                         Number(document.querySelector('[data-testid=timeline]').dataset.rows)]",
            )
            .await
            .unwrap();
        let (edited, deleted_left, top) = (
            seen[0].as_u64().unwrap_or(0),
            seen[1].as_u64().unwrap_or(1),
            seen[2].as_f64().unwrap_or(f64::MAX),
        );
        if edited == 1 && deleted_left == 0 {
            assert!(top < 2000.0, "the view stayed near the top: {top}");
            // One row fewer: the edit was not added to the newest messages as a copy.
            assert_eq!(seen[3].as_i64(), Some(all_rows - 1));
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the older rows did not change: {edited} edited, {deleted_left} deleted still shown"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }

    // Back at the bottom, the newest message is there again.
    let newest = app
        .execute(
            "const t = document.querySelector('[data-testid=timeline]');\
             t.scrollTop = t.scrollHeight; t.dispatchEvent(new Event('scroll')); return null",
        )
        .await;
    newest.unwrap();
    app.shows_if("[data-testid=timeline] .tl-row", |t| {
        t.contains("Напоминаю всем")
    })
    .await;
    app.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_administrator_pins_and_unpins_a_message_from_its_row() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, app) = launch(data.path()).await;
    crate::common::open_demo(&app).await;
    // The class teacher administers her class's chat: its rows offer «Закрепить».
    open_chat(&app, "5А — родители").await;
    app.shows("[data-testid=message] [data-testid=pin]").await;
    // The first message with text that is not pinned yet.
    let found = app
        .execute(
            "const m = Array.from(document.querySelectorAll('[data-testid=message]')).find(m => \
               m.querySelector('[data-testid=pin]') && m.querySelector('.text') && \
               m.querySelector('.text').textContent.trim()); \
             return m ? [m.dataset.mid, m.querySelector('.text').textContent] : null;",
        )
        .await
        .unwrap();
    let mid = found[0].as_str().unwrap().to_owned();
    let text = found[1].as_str().unwrap().trim().to_owned();
    app.tap(&format!(
        "[data-testid=message][data-mid='{mid}'] [data-testid=pin]"
    ))
    .await;
    // The server's update brings the pin back to this window: the banner shows that message.
    app.shows_if("[data-testid=pinned]", |t| t.contains(&text))
        .await;
    app.tap(&format!(
        "[data-testid=message][data-mid='{mid}'] [data-testid=unpin]"
    ))
    .await;
    app.gone("[data-testid=pinned]").await;
    app.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_at_offers_the_chats_members_and_the_message_carries_the_mention() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, app) = launch(data.path()).await;
    crate::common::open_demo(&app).await;
    open_chat(&app, "5А — родители").await;
    app.fill("[data-testid=composer-input]", "Спасибо, @мор")
        .await;
    app.shows_if("[data-testid=mention-option]", |t| {
        t.contains("Елена Морозова")
    })
    .await;
    // Escape closes the list and leaves the text; typing on brings it back.
    app.press(&[], "Escape").await.unwrap();
    app.gone("[data-testid=mention-picker]").await;
    app.type_keys("о").await.unwrap();
    app.shows("[data-testid=mention-picker]").await;
    app.press(&[], "Enter").await.unwrap();
    app.gone("[data-testid=mention-picker]").await;
    let typed = app
        .execute("return document.querySelector('[data-testid=composer-input]').value")
        .await
        .unwrap();
    let typed = typed.as_str().unwrap_or_default().to_owned();
    assert!(
        typed.starts_with("Спасибо, [Елена Морозова](max://user/") && typed.ends_with(") "),
        "Enter took the member, not the message: {typed}"
    );
    app.type_keys("за помощь").await.unwrap();
    app.tap("[data-testid=send-button]").await;
    // Sent, the message shows the mention as a mention, and MAX markup carries who it is.
    app.shows_if("[data-testid=message] .mention", |t| t == "Елена Морозова")
        .await;
    app.close().await.unwrap();
}
