//! The Администрирование section through the real window: the platform administrator signs
//! in to a school server and runs every administrative action there — invitations with a QR
//! code, join requests, people, classes, the structure and the audit log. Each step is checked
//! in the server's own database.

use std::time::Duration;

use parta_e2e::{Session, TauriDriver};
use serde_json::json;

use crate::common::{APP, SOON, post_json};

async fn scalar_i64(server: &parta_server::RunningServer, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(server.pool())
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
    let server = parta_server::start(parta_server::ServerConfig::demo(
        dir.path().join("school.sqlite"),
        ([127, 0, 0, 1], 0).into(),
    ))
    .await
    .unwrap();
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

    let data = dir.path().join("app");
    std::fs::create_dir_all(&data).unwrap();
    let driver = TauriDriver::start(&[("PARTA_DATA_DIR", data.as_path())]).unwrap();
    let app = Session::new(&driver, APP.as_ref(), &[]).await.unwrap();
    crate::common::sign_in_app(&app, &server.url(), parta_server::demo::PLATFORM_ADMIN).await;
    app.click_when("[data-testid=tab-admin]", SOON, |t| {
        t.contains("Управление")
    })
    .await
    .unwrap();

    // Invitations: a parent's for 5А with the child named; its link and QR code, then revoked.
    app.type_into("[data-testid=invite-child]", SOON, "Кузьмин Олег")
        .await
        .unwrap();
    app.click_when("[data-testid=invite-create]", SOON, |_| true)
        .await
        .unwrap();
    app.wait_for("[data-testid=invite-qr]", SOON, |_| true)
        .await
        .unwrap();
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
    app.click_when("[data-testid=invite-revoke]", SOON, |_| true)
        .await
        .unwrap();
    app.wait_for(
        "[data-testid=invite-row][data-status=revoked]",
        SOON,
        |_| true,
    )
    .await
    .unwrap();
    until_count(
        &server,
        "SELECT COUNT(*) FROM invites WHERE child_name = 'Кузьмин Олег' AND revoked_at IS NOT NULL",
        1,
    )
    .await;

    // Join requests: the first approved, the second rejected with a reason.
    app.click_when("[data-testid=admin-tab-requests]", SOON, |_| true)
        .await
        .unwrap();
    app.click_when("[data-testid=request-approve]", SOON, |_| true)
        .await
        .unwrap();
    until_count(
        &server,
        "SELECT COUNT(*) FROM join_requests WHERE login = 'o.novikova' AND status = 'approved'",
        1,
    )
    .await;
    app.click_when("[data-testid=request-reject]", SOON, |_| true)
        .await
        .unwrap();
    app.type_into(
        "[data-testid=reject-reason]",
        SOON,
        "Такого ребёнка нет в классе",
    )
    .await
    .unwrap();
    app.click_when("[data-testid=reject-confirm]", SOON, |_| true)
        .await
        .unwrap();
    until_count(
        &server,
        "SELECT COUNT(*) FROM join_requests WHERE login = 'p.sidorov' AND status = 'rejected'
         AND reason = 'Такого ребёнка нет в классе'",
        1,
    )
    .await;
    app.wait_for("[data-testid=no-requests]", SOON, |_| true)
        .await
        .unwrap();

    // People: restrict and lift, move a child, appoint an administrator, remove.
    app.click_when("[data-testid=admin-tab-people]", SOON, |_| true)
        .await
        .unwrap();
    let row = |name: &str, what: &str| {
        format!("[data-testid=person-row][data-name='{name}'] [data-testid={what}]")
    };
    app.click_when(&row("Елена Морозова", "person-restrict"), SOON, |_| true)
        .await
        .unwrap();
    app.type_into(
        "[data-testid=restrict-reason]",
        SOON,
        "Грубость в чате класса (п. 9.2)",
    )
    .await
    .unwrap();
    app.click_when("[data-testid=person-apply]", SOON, |_| true)
        .await
        .unwrap();
    app.wait_for(
        &row("Елена Морозова", "person-restricted"),
        SOON,
        |t| t.contains("Грубость"),
    )
    .await
    .unwrap();
    until_count(
        &server,
        "SELECT COUNT(*) FROM restrictions r JOIN users u ON u.id = r.user_id
         WHERE u.username = 'e.morozova' AND r.mode = 'read_only'",
        1,
    )
    .await;
    app.click_when(&row("Елена Морозова", "person-lift"), SOON, |_| true)
        .await
        .unwrap();
    until_count(&server, "SELECT COUNT(*) FROM restrictions", 0).await;

    let class_7b = scalar_i64(&server, "SELECT id FROM classes WHERE name = '7Б'").await;
    app.click_when(&row("Ольга Тестова", "person-move"), SOON, |_| true)
        .await
        .unwrap();
    app.click_when(
        &format!("[data-testid=move-class] option[value='{class_7b}']"),
        SOON,
        |_| true,
    )
    .await
    .unwrap();
    app.click_when("[data-testid=person-apply]", SOON, |_| true)
        .await
        .unwrap();
    until_count(
        &server,
        &format!(
            "SELECT COUNT(*) FROM class_parents p JOIN users u ON u.id = p.user_id
             WHERE u.username = 'o.novikova' AND p.class_id = {class_7b}"
        ),
        1,
    )
    .await;

    app.click_when(
        &row("Михаил Петрович Волков", "person-role"),
        SOON,
        |_| true,
    )
    .await
    .unwrap();
    app.click_when(
        "[data-testid=role-select] option[value=administration]",
        SOON,
        |_| true,
    )
    .await
    .unwrap();
    app.click_when("[data-testid=person-apply]", SOON, |_| true)
        .await
        .unwrap();
    until_count(
        &server,
        "SELECT COUNT(*) FROM users WHERE username = 'm.volkov' AND role = 'administration'",
        1,
    )
    .await;

    app.click_when(&row("Ольга Тестова", "person-remove"), SOON, |_| true)
        .await
        .unwrap();
    app.click_when("[data-testid=person-apply]", SOON, |t| {
        t.contains("Применить")
    })
    .await
    .unwrap();
    until_count(
        &server,
        "SELECT COUNT(*) FROM users WHERE username = 'o.novikova' AND removed_at IS NOT NULL",
        1,
    )
    .await;
    app.wait_gone("[data-testid=person-row][data-name='Ольга Тестова']", SOON)
        .await
        .unwrap();

    // Classes: a new one, with a class teacher.
    app.click_when("[data-testid=admin-tab-classes]", SOON, |_| true)
        .await
        .unwrap();
    app.type_into("[data-testid=class-name]", SOON, "8 г")
        .await
        .unwrap();
    app.click_when("[data-testid=class-create]", SOON, |_| true)
        .await
        .unwrap();
    let class_row = "[data-testid=class-row][data-name='8Г']";
    app.click_when(
        &format!("{class_row} [data-testid=class-assign]"),
        SOON,
        |_| true,
    )
    .await
    .unwrap();
    let sokolova = scalar_i64(
        &server,
        "SELECT id FROM users WHERE username = 'a.sokolova'",
    )
    .await;
    app.click_when(
        &format!("[data-testid=assign-person] option[value='{sokolova}']"),
        SOON,
        |_| true,
    )
    .await
    .unwrap();
    app.click_when("[data-testid=assign-class-teacher]", SOON, |_| true)
        .await
        .unwrap();
    app.click_when("[data-testid=assign-apply]", SOON, |_| true)
        .await
        .unwrap();
    app.wait_for(class_row, SOON, |t| t.contains("Соколова"))
        .await
        .unwrap();
    until_count(
        &server,
        &format!(
            "SELECT COUNT(*) FROM classes WHERE name = '8Г' AND class_teacher_id = {sokolova}"
        ),
        1,
    )
    .await;

    // The structure: 8Г gets its parents' chat; running it is one click.
    app.click_when("[data-testid=admin-tab-structure]", SOON, |_| true)
        .await
        .unwrap();
    app.click_when("[data-testid=structure-run]", SOON, |_| true)
        .await
        .unwrap();
    app.wait_for("[data-testid=structure-report]", SOON, |t| {
        t.contains("8Г — родители")
    })
    .await
    .unwrap();
    until_count(
        &server,
        "SELECT COUNT(*) FROM chats WHERE title = '8Г — родители'",
        1,
    )
    .await;

    // The audit log shows all of it, in words.
    app.click_when("[data-testid=admin-tab-journal]", SOON, |_| true)
        .await
        .unwrap();
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
        app.wait_for(
            &format!("[data-testid=journal-row][data-action='{action}']"),
            SOON,
            |_| true,
        )
        .await
        .unwrap();
    }
    app.wait_for("[data-testid=journal]", SOON, |t| {
        t.contains("Создана структура школы")
    })
    .await
    .unwrap();
    app.screenshot(&shots.join("admin-journal-ru.png"))
        .await
        .unwrap();
    app.close().await.unwrap();
    server.stop().await.unwrap();
}
