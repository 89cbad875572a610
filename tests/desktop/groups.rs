//! Other chats (procedure 4.3) in the real window: the class teacher makes the parents'
//! committee from people she shares chats with, renames it, removes and adds a member; a
//! parent finds it in their list, and the administration among every chat of the school.

use crate::common::{Steps, launch, open_chat, open_demo, switch_profile};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_class_teacher_makes_renames_and_changes_the_parents_committee() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, app) = launch(data.path()).await;
    open_demo(&app).await;

    app.tap("[data-testid=new-chat]").await;
    app.shows("[data-testid=new-chat-form]").await;
    // Nothing picked: the form says what to do.
    app.fill("[data-testid=new-chat-title]", "Родительский комитет 5А")
        .await;
    app.tap("[data-testid=new-chat-create]").await;
    app.shows("[data-testid=new-chat-error]").await;
    for name in ["Елена Морозова", "Олег Смирнов"] {
        app.tap(&format!(
            "[data-testid=new-chat-person][data-name='{name}']"
        ))
        .await;
    }
    app.tap("[data-testid=new-chat-create]").await;
    app.shows_if("[data-testid=chat-title]", |t| {
        t == "Родительский комитет 5А"
    })
    .await;

    // She administers it: renames it, removes Олег and adds him back.
    app.tap("[data-testid=members-button]").await;
    app.shows("[data-testid=manage-chat]").await;
    app.clear("[data-testid=panel-rename-input]", crate::common::SOON)
        .await
        .unwrap();
    app.fill("[data-testid=panel-rename-input]", "Родительский комитет")
        .await;
    app.tap("[data-testid=panel-rename]").await;
    app.shows_if("[data-testid=chat-title]", |t| t == "Родительский комитет")
        .await;
    // The panel stays open on the same chat.
    app.tap("[data-testid=member][data-name='Олег Смирнов'] [data-testid=member-remove]")
        .await;
    app.gone("[data-testid=member][data-name='Олег Смирнов']")
        .await;
    app.tap("[data-testid=members-add-open]").await;
    app.tap("[data-testid=members-add-person][data-name='Олег Смирнов']")
        .await;
    app.tap("[data-testid=members-add]").await;
    app.shows("[data-testid=member][data-name='Олег Смирнов']")
        .await;

    // A parent finds it, renamed, in the list.
    switch_profile(&app, "demo-as-e.morozova").await;
    open_chat(&app, "Родительский комитет").await;

    // The administration sees it among every chat of the school (4.3).
    switch_profile(&app, "demo-as-i.kuznetsova").await;
    app.tap("[data-testid=tab-admin]").await;
    app.tap("[data-testid=admin-tab-chats]").await;
    app.shows_if(
        "[data-testid=school-chat][data-title='Родительский комитет']",
        |t| t.contains("Другой чат") && t.contains("3 участника") && t.contains("Соколова"),
    )
    .await;
    app.shows("[data-testid=school-chat][data-title='Учителя']")
        .await;
    app.close().await.unwrap();
}
