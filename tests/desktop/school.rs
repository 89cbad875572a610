//! Signing in to a school's own server from the welcome screen: a wrong password is answered
//! in the form, the right one opens the parent's chats, and the token lands in the keychain.

use serde_json::json;

use crate::common::{
    Steps, app_dir, cache_value, demo_school, launch, post_json, sign_in, submit_sign_in,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_signs_in_to_the_school_server_with_login_and_password() {
    let dir = tempfile::tempdir().unwrap();
    let server = demo_school(dir.path()).await;
    let data = app_dir(dir.path());
    let (_driver, app) = launch(&data).await;

    app.tap_if("[data-testid=connect-button]", |t| {
        t.contains("Подключиться к серверу школы")
    })
    .await;
    // A plain-http address on another computer is refused before anything is sent.
    submit_sign_in(&app, "http://school.example", "e.morozova", "пароль").await;
    app.shows_if("[data-testid=sign-in-error]", |t| {
        t.contains("только по") && t.contains("https")
    })
    .await;
    submit_sign_in(&app, &server.url(), "e.morozova", "не-тот-пароль").await;
    app.shows_if("[data-testid=sign-in-error]", |t| {
        t.contains("Неверный логин или пароль")
    })
    .await;

    let shots = parta_e2e::screenshot_dir();
    app.screenshot(&shots.join("sign-in-ru.png")).await.unwrap();

    submit_sign_in(
        &app,
        &server.url(),
        "e.morozova",
        parta_server::demo::DEMO_PASSWORD,
    )
    .await;

    // The parent of 5А sees her class chat, and no staff chat.
    app.shows("[data-testid=chat-item][data-title='5А — родители']")
        .await;
    assert_eq!(
        app.count_containing("[data-testid=chat-item]", "Учителя")
            .await
            .unwrap(),
        0
    );
    app.shows_if("[data-testid=connection-online]", |t| t.contains("В сети"))
        .await;

    // The class teacher is in her quiet hours: the parent is told before writing.
    let teacher = sign_in(&server.url(), "a.sokolova").await;
    let minute = (parta_client::now_ms() / 60_000) % 1440;
    let hours = json!({"start_minute": (minute + 1440 - 60) % 1440,
                       "end_minute": (minute + 60) % 1440, "utc_offset_minutes": 0});
    let set = reqwest::Client::new()
        .put(format!("{}/school/me/quiet-hours", server.url()))
        .header("Authorization", &teacher)
        .json(&hours)
        .send()
        .await
        .unwrap();
    assert!(set.status().is_success());

    // The class teacher's pinned announcement: she acknowledges it ("Ознакомлен").
    crate::common::open_chat(&app, "5А — родители").await;
    app.shows_if("[data-testid=chat-quiet]", |t| {
        t.contains("Анна Сергеевна Соколова") && t.contains("тихие часы")
    })
    .await;
    app.tap_if("[data-testid=ack-button]", |t| t.contains("Ознакомлен"))
        .await;
    app.shows_if("[data-testid=acked]", |t| t.contains("Вы ознакомились"))
        .await;
    let acknowledged: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM acknowledgements a JOIN users u ON u.id = a.user_id
         WHERE u.username = 'e.morozova'",
    )
    .fetch_one(server.sqlite_pool().unwrap())
    .await
    .unwrap();
    assert_eq!(acknowledged, 1, "the server recorded it");
    app.screenshot(&shots.join("acknowledged-ru.png"))
        .await
        .unwrap();
    // Her phone signs in too; then her settings show both devices and the wrong password
    // given for her login a moment ago.
    let phone = sign_in(&server.url(), "e.morozova").await;
    app.tap("[data-testid=settings-button]").await;
    app.shows("[data-testid=failed-sign-ins] [data-testid=failed-sign-in]")
        .await;
    assert_eq!(
        app.count_containing("[data-testid=failed-sign-in]", "")
            .await
            .unwrap(),
        1,
        "one wrong password, one line"
    );

    // «Мои устройства»: she signs the phone out from here; the server no longer knows it.
    app.shows("[data-testid=device-row][data-current=false]")
        .await;
    app.tap("[data-testid=device-revoke]").await;
    app.gone("[data-testid=device-row][data-current=false]")
        .await;
    let me = reqwest::Client::new()
        .get(format!("{}/me", server.url()))
        .header("Authorization", &phone)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 401, "the phone is signed out");

    // A new password: the wrong current one is named, the right one changes it.
    app.fill("[data-testid=current-password]", "не-тот-пароль")
        .await;
    app.fill("[data-testid=new-password]", "новый-пароль-42")
        .await;
    app.fill("[data-testid=repeat-password]", "новый-пароль-42")
        .await;
    app.tap("[data-testid=change-password]").await;
    app.shows_if("[data-testid=password-note]", |t| {
        t.contains("Текущий пароль введён неверно")
    })
    .await;
    app.clear("[data-testid=current-password]", crate::common::SOON)
        .await
        .unwrap();
    app.fill(
        "[data-testid=current-password]",
        parta_server::demo::DEMO_PASSWORD,
    )
    .await;
    app.tap("[data-testid=change-password]").await;
    app.shows_if("[data-testid=password-note]", |t| {
        t.contains("Пароль изменён")
    })
    .await;
    let with_new = post_json(
        format!("{}/school/login", server.url()),
        None,
        json!({"login": "e.morozova", "password": "новый-пароль-42", "device_name": "phone"}),
    )
    .await;
    assert!(
        with_new["access_token"].is_string(),
        "the new password signs in"
    );
    app.close().await.unwrap();

    // The server knows this computer as a device of hers (and the sign-in with the new
    // password as another; the phone is gone); no file of the app holds the password.
    let devices: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM devices d JOIN users u ON u.id = d.user_id
         WHERE u.username = 'e.morozova' AND d.revoked_at IS NULL",
    )
    .fetch_one(server.sqlite_pool().unwrap())
    .await
    .unwrap();
    assert_eq!(devices, 2);
    for entry in parta_e2e::files_under(&data) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        let needle = parta_server::demo::DEMO_PASSWORD.as_bytes();
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "{} holds the password",
            entry.display()
        );
    }
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_joins_by_invitation_and_gets_in_once_the_class_teacher_approves() {
    let dir = tempfile::tempdir().unwrap();
    let server = demo_school(dir.path()).await;
    // The class teacher of 5А makes an invitation (as her own app would).
    let teacher =
        parta_server::demo::issue_token(server.school(), parta_server::demo::CLASS_TEACHER, "test")
            .await
            .unwrap()
            .into_inner();
    let class_5a: i64 = sqlx::query_scalar("SELECT id FROM classes WHERE name = '5А'")
        .fetch_one(server.sqlite_pool().unwrap())
        .await
        .unwrap();
    let invite = post_json(
        format!("{}/school/invites", server.url()),
        Some(&teacher),
        json!({"role": "parent", "class_id": class_5a}),
    )
    .await;
    let link = invite["link"].as_str().unwrap().to_owned();

    let data = app_dir(dir.path());
    let (_driver, app) = launch(&data).await;
    app.tap_if("[data-testid=join-invite-button]", |t| {
        t.contains("Присоединиться по приглашению")
    })
    .await;
    for (field, value) in [
        ("invite-link", link.as_str()),
        ("first-name", "Павел"),
        ("last-name", "Лебедев"),
        ("child-name", "Лебедева Маша"),
        ("new-login", "p.lebedev"),
        ("new-password", "весна-2026-школа"),
    ] {
        app.fill(&format!("[data-testid={field}]"), value).await;
    }
    // Without consent the form says why and sends nothing.
    app.tap("[data-testid=join-button]").await;
    app.shows_if("[data-testid=join-error]", |t| {
        t.contains("согласия на обработку персональных данных")
    })
    .await;
    app.tap("[data-testid=consent]").await;
    app.tap("[data-testid=join-button]").await;
    app.shows_if("[data-testid=join-waiting]", |t| {
        t.contains("Заявка отправлена")
    })
    .await;
    let shots = parta_e2e::screenshot_dir();
    app.screenshot(&shots.join("join-waiting-ru.png"))
        .await
        .unwrap();

    // The class teacher approves; the waiting screen turns into the parent's chats by itself.
    let request: i64 = sqlx::query_scalar("SELECT id FROM join_requests WHERE login = 'p.lebedev'")
        .fetch_one(server.sqlite_pool().unwrap())
        .await
        .unwrap();
    post_json(
        format!("{}/school/join-requests/{request}/approve", server.url()),
        Some(&teacher),
        json!({}),
    )
    .await;
    app.shows("[data-testid=chat-item][data-title='5А — родители']")
        .await;
    app.close().await.unwrap();
    assert!(
        !data.join("pending-join").exists(),
        "the waiting request is forgotten once joined"
    );
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_school_with_its_own_certificate_authority_is_reached_once_its_root_is_pasted() {
    let dir = tempfile::tempdir().unwrap();
    let authority = parta_test_ca::Authority::new("Школа №1: удостоверяющий центр").unwrap();
    let tls = parta_server::tls::TlsFiles {
        cert: dir.path().join("server.crt"),
        key: dir.path().join("server.key"),
    };
    authority.issue_into(&tls.cert, &tls.key).unwrap();
    let server = parta_server::start(parta_server::ServerConfig {
        tls: Some(tls),
        ..parta_server::ServerConfig::demo(
            dir.path().join("school.sqlite"),
            ([127, 0, 0, 1], 0).into(),
        )
    })
    .await
    .unwrap();
    let data = app_dir(dir.path());
    let (_driver, app) = launch(&data).await;
    let password = parta_server::demo::DEMO_PASSWORD;

    // The system does not know the school's authority: the form says what to do.
    app.tap("[data-testid=connect-button]").await;
    submit_sign_in(&app, &server.url(), "e.morozova", password).await;
    app.shows_if("[data-testid=sign-in-error]", |t| {
        t.contains("не подтверждён") && t.contains("Сертификат школы")
    })
    .await;

    // The root the school's administrator handed out goes in «Сертификат школы».
    app.tap("[data-testid=sign-in-form] details summary").await;
    app.fill("[data-testid=server-root]", &authority.root_pem())
        .await;
    app.tap("[data-testid=sign-in-button]").await;
    app.shows("[data-testid=chat-item][data-title='5А — родители']")
        .await;
    let kept: String = cache_value(&data, "SELECT extra_root_pem FROM profiles").await;
    assert_eq!(
        kept,
        authority.root_pem(),
        "the profile keeps the school's root"
    );
    app.close().await.unwrap();
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_who_forgot_the_password_signs_in_with_the_schools_one_time_code() {
    let dir = tempfile::tempdir().unwrap();
    let server = demo_school(dir.path()).await;
    let url = server.url();
    // The administration issues her a code (as «Сбросить пароль» in Управление does).
    let admin = sign_in(&url, "i.kuznetsova").await;
    let me = crate::common::get_json(format!("{url}/school/people"), &admin).await;
    let her = crate::common::id_where(&me["people"], "name", "Елена Морозова", "user_id");
    let issued = post_json(
        format!("{url}/school/users/{her}/password-reset"),
        Some(&admin),
        json!({}),
    )
    .await;
    let code = issued["code"].as_str().unwrap().to_owned();

    let data = app_dir(dir.path());
    let (_driver, app) = launch(&data).await;
    app.tap("[data-testid=connect-button]").await;
    app.tap("[data-testid=forgot-password]").await;
    app.fill("[data-testid=reset-server]", &url).await;
    app.fill("[data-testid=reset-code]", "AAAA-BBBB-CCCC").await;
    app.fill("[data-testid=reset-new]", "новый-пароль-99").await;
    app.fill("[data-testid=reset-repeat]", "новый-пароль-99")
        .await;
    app.tap("[data-testid=reset-submit]").await;
    app.shows_if("[data-testid=reset-error]", |t| {
        t.contains("Код не подошёл")
    })
    .await;
    // Typed as read off the slip: lower case, spaces for dashes.
    app.clear("[data-testid=reset-code]", crate::common::SOON)
        .await
        .unwrap();
    app.fill(
        "[data-testid=reset-code]",
        &code.to_lowercase().replace('-', " "),
    )
    .await;
    app.tap("[data-testid=reset-submit]").await;
    app.shows("[data-testid=chat-item][data-title='5А — родители']")
        .await;
    let with_new = post_json(
        format!("{url}/school/login"),
        None,
        json!({"login": "e.morozova", "password": "новый-пароль-99", "device_name": "phone"}),
    )
    .await;
    assert!(
        with_new["access_token"].is_string(),
        "the new password is hers now"
    );
    app.close().await.unwrap();
    server.stop().await.unwrap();
}
