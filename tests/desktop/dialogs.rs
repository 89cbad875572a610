//! Private conversations (procedure 2.5) in the real window: a parent writes privately to the
//! class teacher from the members panel, is told why she cannot write to another parent, and
//! the teacher answers in the conversation titled with the parent's name; the teacher opens one
//! from a message's author.

use parta_e2e::screenshot_dir;

use crate::common::{Steps, click_in_message, launch, open_chat, open_demo, switch_profile};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_writes_privately_to_the_class_teacher_who_answers() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, app) = launch(data.path()).await;
    open_demo(&app).await;

    switch_profile(&app, "demo-as-e.morozova").await;
    open_chat(&app, "5А — родители").await;
    app.tap("[data-testid=members-button]").await;
    // Not to another parent: the panel says why.
    app.tap("[data-testid=member][data-name='Олег Смирнов'] [data-testid=write-privately]")
        .await;
    app.shows_if("[data-testid=private-refused]", |t| {
        t.contains("Родители друг другу лично не пишут")
    })
    .await;
    app.tap(
        "[data-testid=member][data-name='Анна Сергеевна Соколова'] [data-testid=write-privately]",
    )
    .await;
    app.shows_if("[data-testid=chat-title]", |t| {
        t == "Анна Сергеевна Соколова"
    })
    .await;
    let question = "Анна Сергеевна, можно завтра поговорить о Даше после уроков?";
    app.fill("[data-testid=composer-input]", question).await;
    app.tap("[data-testid=send-button]").await;
    app.shows_if("[data-testid=message]", |t| t.contains(question))
        .await;

    // The teacher: the conversation is in her list under the parent's name.
    switch_profile(&app, "demo-as-a.sokolova").await;
    open_chat(&app, "Елена Морозова").await;
    app.shows_if("[data-testid=message]", |t| t.contains(question))
        .await;
    let answer = "Да, конечно, в 14:00 в кабинете 214.";
    app.fill("[data-testid=composer-input]", answer).await;
    app.tap("[data-testid=send-button]").await;
    app.shows_if("[data-testid=message].own", |t| t.contains(answer))
        .await;
    app.screenshot(&screenshot_dir().join("private-chat-ru.png"))
        .await
        .unwrap();

    // From a message's author in the class chat: a conversation with Олег Смирнов.
    open_chat(&app, "5А — родители").await;
    click_in_message(&app, "ничего страшного", "write-author").await;
    app.shows_if("[data-testid=chat-title]", |t| t == "Олег Смирнов")
        .await;
    app.shows("[data-testid=chat-item][data-title='Олег Смирнов']")
        .await;
    app.close().await.unwrap();
}
