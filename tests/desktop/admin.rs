//! The Администрирование section through the real window: the platform administrator signs
//! in to a school server and runs every administrative action there — invitations with a QR
//! code, join requests, people, classes, the structure and the audit log. Each step is checked
//! in the server's own database.

use std::time::Duration;

use serde_json::json;

use crate::common::{SOON, Steps, app_dir, demo_school, launch, post_json};

async fn scalar_i64(server: &parta_server::RunningServer, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(server.sqlite_pool().unwrap())
        .await
        .unwrap()
}

/// Waits until `sql` counts `want` rows: the app's request has reached the server.
async fn until_count(server: &parta_server::RunningServer, sql: &str, want: i64) {
    let deadline = tokio::time::Instant::now() + SOON;
    loop {
        let got = scalar_i64(server, sql).await;
        if got == want {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{sql}: {got}, wanted {want}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_platform_administrator_runs_every_admin_action_from_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let server = demo_school(dir.path()).await;
    // Two newcomers wait for approval (they joined by a class teacher's invitation).
    let teacher =
        parta_server::demo::issue_token(server.school(), parta_server::demo::CLASS_TEACHER, "test")
            .await
            .unwrap()
            .into_inner();
    let class_5a = scalar_i64(&server, "SELECT id FROM classes WHERE name = '5А'").await;
    let invite = post_json(
        format!("{}/school/invites", server.url()),
        Some(&teacher),
        json!({"role": "parent", "class_id": class_5a, "max_uses": 2}),
    )
    .await;
    let code = invite["code"].as_str().unwrap().to_owned();
    for (first, login, child) in [
        ("Ольга", "o.novikova", "Новиков Илья"),
        ("Пётр", "p.sidorov", "Сидорова Аня"),
    ] {
        post_json(
            format!("{}/school/invites/redeem", server.url()),
            None,
            json!({"code": code, "first_name": first, "last_name": "Тестова", "child_name": child,
                   "login": login, "password": "весна-2026-школа", "device_name": "phone",
                   "consent_personal_data": true}),
        )
        .await;
    }

    let data = app_dir(dir.path());
    let (_driver, app) = launch(&data).await;
    crate::common::sign_in_app(&app, &server.url(), parta_server::demo::PLATFORM_ADMIN).await;
    app.tap_if("[data-testid=tab-admin]", |t| t.contains("Управление"))
        .await;

    // Invitations: a parent's for 5А with the child named; its link and QR code, then revoked.
    app.fill("[data-testid=invite-child]", "Кузьмин Олег").await;
    app.tap("[data-testid=invite-create]").await;
    app.shows("[data-testid=invite-qr]").await;
    let link = app.find_all("[data-testid=invite-link]").await.unwrap();
    let link = app
        .attribute(&link[0], "value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(link.starts_with("parta://join/"), "{link}");
    let shots = parta_e2e::screenshot_dir();
    app.screenshot(&shots.join("admin-invite-ru.png"))
        .await
        .unwrap();
    until_count(
        &server,
        "SELECT COUNT(*) FROM invites WHERE child_name = 'Кузьмин Олег' AND revoked_at IS NULL",
        1,
    )
    .await;
    // The newest invitation is first in the list.
    app.tap("[data-testid=invite-revoke]").await;
    app.shows("[data-testid=invite-row][data-status=revoked]")
        .await;
    until_count(
        &server,
        "SELECT COUNT(*) FROM invites WHERE child_name = 'Кузьмин Олег' AND revoked_at IS NOT NULL",
        1,
    )
    .await;

    // Join requests: the first approved, the second rejected with a reason.
    app.tap("[data-testid=admin-tab-requests]").await;
    app.tap("[data-testid=request-approve]").await;
    until_count(
        &server,
        "SELECT COUNT(*) FROM join_requests WHERE login = 'o.novikova' AND status = 'approved'",
        1,
    )
    .await;
    app.tap("[data-testid=request-reject]").await;
    app.fill("[data-testid=reject-reason]", "Такого ребёнка нет в классе")
        .await;
    app.tap("[data-testid=reject-confirm]").await;
    until_count(
        &server,
        "SELECT COUNT(*) FROM join_requests WHERE login = 'p.sidorov' AND status = 'rejected'
         AND reason = 'Такого ребёнка нет в классе'",
        1,
    )
    .await;
    app.shows("[data-testid=no-requests]").await;

    // People: restrict and lift, move a child, appoint an administrator, remove.
    app.tap("[data-testid=admin-tab-people]").await;
    let row = |name: &str, what: &str| {
        format!("[data-testid=person-row][data-name='{name}'] [data-testid={what}]")
    };
    app.tap(&row("Елена Морозова", "person-restrict")).await;
    app.fill(
        "[data-testid=restrict-reason]",
        "Грубость в чате класса (п. 9.2)",
    )
    .await;
    app.tap("[data-testid=person-apply]").await;
    app.shows_if(
        &row("Елена Морозова", "person-restricted"),
        |t| t.contains("Грубость"),
    )
    .await;
    until_count(
        &server,
        "SELECT COUNT(*) FROM restrictions r JOIN users u ON u.id = r.user_id
         WHERE u.username = 'e.morozova' AND r.mode = 'read_only'",
        1,
    )
    .await;
    app.tap(&row("Елена Морозова", "person-lift")).await;
    until_count(&server, "SELECT COUNT(*) FROM restrictions", 0).await;

    // She forgot her password: a one-time code to hand over, shown once, only its hash kept.
    app.tap(&row("Елена Морозова", "person-reset")).await;
    let shown = app.shows("[data-testid=reset-code-shown]").await;
    let code = app.text(&shown).await.unwrap();
    assert_eq!(code.trim().len(), 14, "XXXX-XXXX-XXXX: {code}");
    until_count(
        &server,
        "SELECT COUNT(*) FROM password_resets r JOIN users u ON u.id = r.user_id
         WHERE u.username = 'e.morozova' AND r.used_at IS NULL",
        1,
    )
    .await;

    let class_7b = scalar_i64(&server, "SELECT id FROM classes WHERE name = '7Б'").await;
    app.tap(&row("Ольга Тестова", "person-move")).await;
    app.tap_if(
        &format!("[data-testid=move-class] option[value='{class_7b}']"),
        |_| true,
    )
    .await;
    app.tap("[data-testid=person-apply]").await;
    until_count(
        &server,
        &format!(
            "SELECT COUNT(*) FROM class_parents p JOIN users u ON u.id = p.user_id
             WHERE u.username = 'o.novikova' AND p.class_id = {class_7b}"
        ),
        1,
    )
    .await;

    app.tap_if(&row("Михаил Петрович Волков", "person-role"), |_| true)
        .await;
    app.tap("[data-testid=role-select] option[value=administration]")
        .await;
    app.tap("[data-testid=person-apply]").await;
    until_count(
        &server,
        "SELECT COUNT(*) FROM users WHERE username = 'm.volkov' AND role = 'administration'",
        1,
    )
    .await;

    app.tap(&row("Ольга Тестова", "person-remove")).await;
    app.tap_if("[data-testid=person-apply]", |t| t.contains("Применить"))
        .await;
    until_count(
        &server,
        "SELECT COUNT(*) FROM users WHERE username = 'o.novikova' AND removed_at IS NOT NULL",
        1,
    )
    .await;
    app.gone("[data-testid=person-row][data-name='Ольга Тестова']")
        .await;

    // Classes: a new one, with a class teacher.
    app.tap("[data-testid=admin-tab-classes]").await;
    app.fill("[data-testid=class-name]", "8 г").await;
    app.tap("[data-testid=class-create]").await;
    let class_row = "[data-testid=class-row][data-name='8Г']";
    app.tap_if(&format!("{class_row} [data-testid=class-assign]"), |_| true)
        .await;
    let sokolova = scalar_i64(
        &server,
        "SELECT id FROM users WHERE username = 'a.sokolova'",
    )
    .await;
    app.tap_if(
        &format!("[data-testid=assign-person] option[value='{sokolova}']"),
        |_| true,
    )
    .await;
    app.tap("[data-testid=assign-class-teacher]").await;
    app.tap("[data-testid=assign-apply]").await;
    app.shows_if(class_row, |t| t.contains("Соколова")).await;
    until_count(
        &server,
        &format!(
            "SELECT COUNT(*) FROM classes WHERE name = '8Г' AND class_teacher_id = {sokolova}"
        ),
        1,
    )
    .await;

    // The structure: 8Г gets its parents' chat; running it is one click.
    app.tap("[data-testid=admin-tab-structure]").await;
    app.tap("[data-testid=structure-run]").await;
    app.shows_if("[data-testid=structure-report]", |t| {
        t.contains("8Г — родители")
    })
    .await;
    until_count(
        &server,
        "SELECT COUNT(*) FROM chats WHERE title = '8Г — родители'",
        1,
    )
    .await;

    // The audit log shows all of it, in words.
    app.tap("[data-testid=admin-tab-journal]").await;
    for action in [
        "invite.created",
        "invite.revoked",
        "join_request.approved",
        "join_request.rejected",
        "user.restricted",
        "user.restriction_lifted",
        "user.moved",
        "user.role_changed",
        "user.removed",
        "class.created",
        "class.teacher_assigned",
        "structure.bootstrapped",
    ] {
        app.shows_if(
            &format!("[data-testid=journal-row][data-action='{action}']"),
            |_| true,
        )
        .await;
    }
    app.shows_if("[data-testid=journal]", |t| {
        t.contains("Создана структура школы")
    })
    .await;
    // Whom it was done to, in words, and what changed.
    app.shows_if(
        "[data-testid=journal-row][data-action='user.restricted']",
        |t| t.contains("Введено ограничение — Елена Морозова") && t.contains("Грубость"),
    )
    .await;
    app.screenshot(&shots.join("admin-journal-ru.png"))
        .await
        .unwrap();
    // Narrowed to invitations: nothing else is listed.
    app.tap("[data-testid=journal-kind] option[value=invite]")
        .await;
    app.gone("[data-testid=journal-row][data-action='class.created']")
        .await;
    app.shows("[data-testid=journal-row][data-action='invite.created']")
        .await;
    app.close().await.unwrap();
    server.stop().await.unwrap();
}
