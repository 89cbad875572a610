//! The MAX bridge in the real window: the platform administrator links the school's MAX chat
//! to the 5А parents' chat in Управление → MAX; then the class teacher and a parent in MAX talk
//! in one chat, both ways: messages (marked «MAX» in the app, with the author in front in MAX),
//! a reply, an edit and a deletion on each side, a file each way, and an announcement a MAX
//! parent acknowledges with its button.
//!
//! MAX is `parta-fake-max` on loopback, which checks every request the server sends it and
//! every answer it gives against the official schema.

use std::time::Duration;

use parta_fake_max::{BOT_ID, FakeMax, MaxUser, TOKEN};
use parta_server::max::{BotToken, BridgeConfig};
use serde_json::json;

use crate::common::{
    APP, SOON, Steps, click_in_message, eventually, get_json, launch, open_chat, post_json,
    sign_in, sign_in_app,
};

const MAX_CHAT: i64 = -701;

fn bot_texts(fake: &FakeMax) -> Vec<String> {
    fake.messages(MAX_CHAT)
        .into_iter()
        .filter(|m| m.sender_id() == BOT_ID)
        .map(|m| m.text)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teacher_in_parta_and_a_parent_in_max_talk_in_one_chat() {
    let fake = FakeMax::start().await.unwrap();
    fake.add_chat(
        MAX_CHAT,
        "5А — родители (MAX)",
        &["read_all_messages", "write", "delete"],
    );
    fake.add_chat(-702, "Кружок робототехники", &["write"]);
    let dir = tempfile::tempdir().unwrap();
    let mut max = BridgeConfig::new(fake.url(), BotToken::new(TOKEN, "e2e").unwrap());
    max.retry_base = Duration::from_millis(50);
    max.retry_cap = Duration::from_millis(500);
    let server = parta_server::start(parta_server::ServerConfig {
        max: Some(max),
        ..parta_server::ServerConfig::demo(
            dir.path().join("school.sqlite"),
            ([127, 0, 0, 1], 0).into(),
        )
    })
    .await
    .unwrap();
    let url = server.url();
    let shots = parta_e2e::screenshot_dir();

    // The platform administrator links the chats in Управление → MAX.
    {
        let data = dir.path().join("admin-app");
        std::fs::create_dir_all(&data).unwrap();
        let (_driver, app) = launch(&data).await;
        sign_in_app(&app, &url, parta_server::demo::PLATFORM_ADMIN).await;
        app.tap("[data-testid=tab-admin]").await;
        app.tap("[data-testid=admin-tab-max]").await;
        app.shows_if("[data-testid=max-chat][data-max-chat='-702']", |t| {
            t.contains("Читать все сообщения")
        })
        .await;
        let select = "[data-testid=max-chat][data-max-chat='-701'] [data-testid=max-link-chat]";
        app.shows_if(select, |t| t.contains("5А — родители")).await;
        let chosen = app
            .execute(&format!(
                "const s = document.querySelector(\"{select}\"); \
                 const o = [...s.options].find(o => o.text === '5А — родители'); \
                 s.value = o.value; s.dispatchEvent(new Event('change', {{bubbles: true}})); \
                 return o.value"
            ))
            .await
            .unwrap();
        assert!(chosen.as_str().is_some_and(|v| !v.is_empty()), "{chosen}");
        app.tap("[data-testid=max-chat][data-max-chat='-701'] [data-testid=max-link]")
            .await;
        app.shows_if("[data-testid=max-linked-to]", |t| {
            t.contains("5А — родители")
        })
        .await;
        app.screenshot(&shots.join("admin-max-ru.png"))
            .await
            .unwrap();
        app.close().await.unwrap();
    }

    // The class teacher opens the linked chat.
    let data = dir.path().join("teacher-app");
    std::fs::create_dir_all(&data).unwrap();
    let pdf_path = dir.path().join("Памятка.pdf");
    let mut memo = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    memo.resize(20_000, b' ');
    memo.extend_from_slice(b"\n%%EOF\n");
    std::fs::write(&pdf_path, &memo).unwrap();
    let (_driver, app) = crate::common::launch_with(
        &[
            ("PARTA_DATA_DIR", data.as_path()),
            ("PARTA_E2E_PICK_FILES", pdf_path.as_path()),
        ],
        APP.as_ref(),
    )
    .await;
    sign_in_app(&app, &url, parta_server::demo::CLASS_TEACHER).await;
    open_chat(&app, "5А — родители").await;

    // A parent writes in MAX: the teacher reads it marked «MAX».
    let dad = MaxUser::new(501, "Олег", Some("Смирнов"));
    let question = fake.user_writes(MAX_CHAT, &dad, "Здравствуйте! Завтра нужна форма?", None);
    app.shows_if("[data-testid=message]", |t| {
        t.contains("Олег Смирнов") && t.contains("MAX") && t.contains("Завтра нужна форма?")
    })
    .await;

    // She replies: MAX shows it as a reply, with her name and role in front.
    click_in_message(&app, "Завтра нужна форма?", "reply").await;
    app.shows("[data-testid=reply-bar]").await;
    app.fill("[data-testid=composer-input]", "Да, спортивная форма.")
        .await;
    app.tap("[data-testid=send-button]").await;
    let in_max = "Анна Сергеевна Соколова, классный руководитель 5А: Да, спортивная форма.";
    eventually("the reply in MAX", || async {
        bot_texts(&fake) == vec![in_max.to_owned()]
    })
    .await;
    let reply = fake
        .messages(MAX_CHAT)
        .into_iter()
        .find(|m| m.sender_id() == BOT_ID)
        .unwrap();
    assert_eq!(reply.reply_to.as_deref(), Some(question.as_str()));
    // And she sees that MAX has it.
    app.shows_if("[data-testid=message][data-max-state='sent']", |t| {
        t.contains("Да, спортивная форма.") && t.contains("в MAX ✓")
    })
    .await;
    app.screenshot(&shots.join("max-bridge-ru.png"))
        .await
        .unwrap();

    // His edit and deletion in MAX reach the app.
    fake.user_edits(&question, "Здравствуйте! Завтра нужна спортивная форма?");
    app.shows_if("[data-testid=message]", |t| {
        t.contains("нужна спортивная форма?")
    })
    .await;
    fake.user_deletes(&question, &dad);
    eventually("his deletion in the app", || async {
        app.count_containing("[data-testid=message]", "нужна спортивная форма?")
            .await
            .unwrap()
            == 0
    })
    .await;

    // Her edit and deletion in the app reach MAX.
    click_in_message(&app, "Да, спортивная форма.", "edit").await;
    app.clear("[data-testid=composer-input]", SOON)
        .await
        .unwrap();
    app.fill(
        "[data-testid=composer-input]",
        "Да, спортивная форма и кеды.",
    )
    .await;
    app.tap("[data-testid=send-button]").await;
    eventually("her edit in MAX", || async {
        bot_texts(&fake)
            == vec![
                "Анна Сергеевна Соколова, классный руководитель 5А: Да, спортивная форма и кеды."
                    .to_owned(),
            ]
    })
    .await;
    click_in_message(&app, "и кеды.", "delete").await;
    click_in_message(&app, "и кеды.", "delete-confirm").await;
    eventually("her deletion in MAX", || async {
        bot_texts(&fake).is_empty()
    })
    .await;

    // What the school's rules would have refused from a Parta user is kept, flagged for her.
    fake.user_writes(
        MAX_CHAT,
        &dad,
        "Ну вы и идииииоты все, честное слово.",
        None,
    );
    app.shows_if("[data-testid=message] [data-testid=policy-flag]", |t| {
        t.contains("правила школы не пропустили бы")
    })
    .await;

    // A file each way.
    let note = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\nsick note\n%%EOF\n".to_vec();
    fake.user_sends_file(
        MAX_CHAT,
        &dad,
        "Справка от врача",
        "file",
        "справка.pdf",
        &note,
    );
    app.shows_if("[data-testid=message] [data-testid=attachment]", |t| {
        t.contains("справка.pdf")
    })
    .await;
    app.tap("[data-testid=attach]").await;
    app.shows_if("[data-testid=picked-files]", |t| t.contains("Памятка.pdf"))
        .await;
    app.fill("[data-testid=composer-input]", "Памятка к экскурсии")
        .await;
    app.tap("[data-testid=send-button]").await;
    eventually("her file in MAX", || async {
        fake.messages(MAX_CHAT)
            .iter()
            .filter(|m| m.sender_id() == BOT_ID)
            .any(|m| fake.files_of(&m.mid) == vec![("Памятка.pdf".to_owned(), memo.clone())])
    })
    .await;

    // An announcement, pinned; the MAX parent acknowledges it with the button under it.
    let phone = sign_in(&url, parta_server::demo::CLASS_TEACHER).await;
    let chats = get_json(format!("{url}/chats"), &phone).await;
    let chat = crate::common::id_where(&chats["chats"], "title", "5А — родители", "chat_id");
    let posted = post_json(
        format!("{url}/school/announcements?chat_id={chat}"),
        Some(&phone),
        json!({"text": "Экскурсия в музей в пятницу, сбор в 9:00"}),
    )
    .await;
    let mid = posted["message"]["body"]["mid"]
        .as_str()
        .or_else(|| posted["body"]["mid"].as_str())
        .unwrap()
        .to_owned();
    let pinned = reqwest::Client::new()
        .put(format!("{url}/chats/{chat}/pin"))
        .header("Authorization", &phone)
        .json(&json!({"message_id": mid}))
        .send()
        .await
        .unwrap();
    assert!(pinned.status().is_success());
    let mut button_mid = None;
    eventually("the announcement in MAX with its button", || {
        let found = fake
            .messages(MAX_CHAT)
            .into_iter()
            .find(|m| m.sender_id() == BOT_ID && m.text.contains("Экскурсия в музей"));
        button_mid = found.as_ref().map(|m| m.mid.clone());
        async move { found.is_some_and(|m| m.attachments.is_some()) }
    })
    .await;
    fake.user_presses(&button_mid.unwrap(), &dad, &format!("ack:{mid}"));
    eventually("the answer to the press", || async {
        fake.answers().len() == 1
    })
    .await;
    app.tap("[data-testid=receipts-button]").await;
    app.shows_if("[data-testid=receipts]", |t| t.contains("Олег Смирнов"))
        .await;
    app.screenshot(&shots.join("max-receipts-ru.png"))
        .await
        .unwrap();
    assert_eq!(fake.violations(), Vec::<String>::new());
    app.close().await.unwrap();
    server.stop().await.unwrap();
}
