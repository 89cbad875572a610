//! Reports (procedure 6.2, 9.1) in the real window: a parent reports a message under it, the
//! class teacher sees it with its context in Управление → Жалобы and deletes the message, and
//! the parent reads the decision in Настройки → Мои жалобы.

use parta_e2e::screenshot_dir;

use crate::common::{
    Steps, click_in_message, eventually, launch, open_chat, open_demo, switch_profile,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_reports_a_message_and_the_class_teacher_deletes_it() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, app) = launch(data.path()).await;
    open_demo(&app).await;
    let reported = "ничего страшного";

    // The parent: «Пожаловаться» under another parent's message; "other" needs her words.
    switch_profile(&app, "demo-as-e.morozova").await;
    open_chat(&app, "5А — родители").await;
    click_in_message(&app, reported, "report").await;
    app.shows("[data-testid=report-form]").await;
    app.tap("[data-testid=report-reason][data-reason=other]")
        .await;
    app.tap("[data-testid=report-submit]").await;
    app.shows_if("[data-testid=report-error]", |t| {
        t.contains("своими словами")
    })
    .await;
    app.tap("[data-testid=report-reason][data-reason=off_topic]")
        .await;
    app.fill("[data-testid=report-note]", "Не по теме собрания")
        .await;
    app.tap("[data-testid=report-submit]").await;
    app.shows_if("[data-testid=report-sent]", |t| t.contains("Мои жалобы"))
        .await;
    app.tap("[data-testid=settings-button]").await;
    app.shows_if("[data-testid=my-report]", |t| t.contains("На рассмотрении"))
        .await;

    // The class teacher administers the chat: the report with the messages around it.
    switch_profile(&app, "demo-as-a.sokolova").await;
    app.tap("[data-testid=tab-admin]").await;
    app.tap("[data-testid=admin-tab-reports]").await;
    app.shows_if("[data-testid=report-row]", |t| {
        t.contains("Не относится к учёбе")
            && t.contains("Елена Морозова")
            && t.contains("«Не по теме собрания»")
    })
    .await;
    app.shows_if("[data-testid=report-context] .reported", |t| {
        t.contains(reported)
    })
    .await;
    assert!(
        app.find_all("[data-testid=report-restrict]")
            .await
            .unwrap()
            .is_empty(),
        "a class teacher may not restrict people (restrict_users)"
    );
    app.screenshot(&screenshot_dir().join("reports-ru.png"))
        .await
        .unwrap();
    app.tap("[data-testid=report-delete]").await;
    app.shows("[data-testid=no-reports]").await;
    app.tap("[data-testid=reports-open-only]").await;
    app.shows_if("[data-testid=report-row][data-status=deleted]", |t| {
        t.contains("Анна Сергеевна Соколова")
    })
    .await;

    // Gone from the chat; the parent reads what was decided.
    app.tap("[data-testid=tab-chats]").await;
    open_chat(&app, "5А — родители").await;
    let script = format!(
        "return [...document.querySelectorAll('[data-testid=message]')] \
           .some(m => m.textContent.includes({reported:?}))"
    );
    eventually("the deleted message leaves the chat", || async {
        app.execute(&script).await.unwrap() == serde_json::Value::Bool(false)
    })
    .await;
    switch_profile(&app, "demo-as-e.morozova").await;
    app.tap("[data-testid=settings-button]").await;
    app.shows_if("[data-testid=my-report][data-status=deleted]", |t| {
        t.contains("Сообщение удалено") && t.contains("Соколова")
    })
    .await;
    app.close().await.unwrap();
}
