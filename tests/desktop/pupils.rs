//! Pupils (procedure 4.1, 6.4) in the real window: the class teacher invites a pupil naming the
//! parent who answers for them; a pupil of the demo's 5А sees only the pupils' chat, writes in
//! it, may write privately to the class teacher but not to another pupil, reads the class's
//! lessons and sees that the parent answers about recording.

use std::time::Duration;

use parta_e2e::screenshot_dir;

use crate::common::{Steps, eventually, launch, open_chat, open_demo, switch_profile};

/// How many rows of the demo school's database `sql` counts (read-only, beside the app's).
async fn demo_count(data: &std::path::Path, sql: &str) -> i64 {
    let school = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}?mode=ro",
        data.join("demo-school.sqlite").display()
    ))
    .await
    .unwrap();
    let n = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&school)
        .await
        .unwrap();
    school.close().await;
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_class_teacher_invites_a_pupil_who_sees_only_the_pupils_chat_and_lessons() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, app) = launch(data.path()).await;
    open_demo(&app).await;

    // The class teacher invites a pupil of 5А, naming the parent who answers for him.
    app.tap_if("[data-testid=tab-admin]", |t| t.contains("Управление"))
        .await;
    app.tap("[data-testid=invite-role] option[value=pupil]")
        .await;
    app.tap_if("[data-testid=invite-parent] option", |t| {
        t.contains("Олег Смирнов")
    })
    .await;
    app.tap("[data-testid=invite-create]").await;
    app.shows("[data-testid=invite-qr]").await;
    app.shows_if("[data-testid=invite-row]", |t| {
        t.contains("Ученик · 5А · родитель: Олег Смирнов")
    })
    .await;
    let path = data.path().to_owned();
    eventually("the pupil's invite is stored with the parent", || {
        let path = path.clone();
        async move {
            demo_count(
                &path,
                "SELECT COUNT(*) FROM invites i JOIN users u ON u.id = i.parent_id
                 WHERE i.role = 'pupil' AND u.username = 'o.smirnov'",
            )
            .await
                == 1
        }
    })
    .await;

    // A pupil: the pupils' chat only, no Управление.
    switch_profile(&app, "demo-as-a.morozov").await;
    app.shows("nav[data-role=pupil]").await;
    app.shows("[data-testid=chat-item][data-title='5А — ученики']")
        .await;
    let mut titles = Vec::new();
    for _ in 0..20 {
        titles.clear();
        for item in app.find_all("[data-testid=chat-item]").await.unwrap() {
            titles.push(app.attribute(&item, "data-title").await.unwrap());
        }
        if titles.len() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(titles, vec![Some("5А — ученики".to_owned())]);
    assert!(
        app.find_all("[data-testid=tab-admin]")
            .await
            .unwrap()
            .is_empty()
    );
    open_chat(&app, "5А — ученики").await;
    let text = "Анна Сергеевна, я принесу тетрадь в клетку.";
    app.fill("[data-testid=composer-input]", text).await;
    app.tap("[data-testid=send-button]").await;
    app.shows_if("[data-testid=message].own", |t| t.contains(text))
        .await;
    app.screenshot(&screenshot_dir().join("pupil-chat-ru.png"))
        .await
        .unwrap();

    // Privately: not to another pupil (the panel says why), but to the class teacher.
    app.tap("[data-testid=members-button]").await;
    app.tap("[data-testid=member][data-name='Вера Смирнова'] [data-testid=write-privately]")
        .await;
    app.shows_if("[data-testid=private-refused]", |t| {
        t.contains("ученики — родителям и другим ученикам")
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

    // The class's lessons, where the parent answers about recording.
    app.tap("[data-testid=tab-lessons]").await;
    let next = app
        .shows_if("[data-testid=next-lesson]", |t| {
            t.contains("Следующее занятие")
        })
        .await;
    let id = app
        .attribute(&next, "data-lesson-id")
        .await
        .unwrap()
        .unwrap();
    app.tap("[data-testid=lessons-week]").await;
    app.tap_if(
        &format!("[data-testid=lesson][data-lesson-id='{id}'] .lesson-head"),
        |_| true,
    )
    .await;
    app.shows_if("[data-testid=my-consent]", |t| {
        t.contains("Твой родитель ещё не ответил")
    })
    .await;
    assert!(
        app.find_all("[data-testid=consent-yes]")
            .await
            .unwrap()
            .is_empty(),
        "a pupil does not answer for themselves"
    );
    app.close().await.unwrap();
}
