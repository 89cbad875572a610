//! The Занятия section through the real window: the demo's class teacher sees the next lesson
//! with a countdown and "Подключиться" and the week by day; a parent answers about recording
//! for the child; once every parent of the class has agreed, the teacher reads that recording
//! is allowed (procedure 6.4); offline, the timetable is still there.

use parta_e2e::{Session, screenshot_dir};
use serde_json::json;

use crate::common::{
    APP, SOON, Steps, cache_value, eventually, launch, open_demo, set_input, sign_in,
    switch_profile,
};

/// How many lessons the section lists, once it has listed `want`.
async fn lessons_listed(app: &Session, want: usize) -> usize {
    let deadline = tokio::time::Instant::now() + SOON;
    loop {
        let got = app.find_all("[data-testid=lesson]").await.unwrap().len();
        if got == want || tokio::time::Instant::now() > deadline {
            return got;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// (id, start, link, cancelled) of the lesson named `subject` in the demo school's database.
async fn school_row(data: &tempfile::TempDir, subject: &str) -> (i64, i64, String, bool) {
    let school = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}?mode=ro",
        data.path().join("demo-school.sqlite").display()
    ))
    .await
    .unwrap();
    let deadline = tokio::time::Instant::now() + SOON;
    let row = loop {
        let row: Option<(i64, i64, String, bool)> = sqlx::query_as(
            "SELECT id, starts_at, COALESCE(link, ''), cancelled FROM lessons WHERE subject = ?",
        )
        .bind(subject)
        .fetch_optional(&school)
        .await
        .unwrap();
        match row {
            Some(row) => break row,
            None if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            None => panic!("no lesson '{subject}' on the server"),
        }
    };
    school.close().await;
    row
}

const SAMPLE_TIMETABLE: &str = include_str!("../../docs/samples/timetable-5a.csv");

/// How many lessons 5А has from 2027-01-11 to 2027-01-31 (UTC, the test machine's time) in the
/// demo school's database.
async fn term_lessons(data: &tempfile::TempDir) -> i64 {
    let school = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}?mode=ro",
        data.path().join("demo-school.sqlite").display()
    ))
    .await
    .unwrap();
    let count = sqlx::query_scalar(
        "SELECT COUNT(*) FROM lessons l JOIN classes c ON c.id = l.class_id
         WHERE c.name = '5А' AND l.starts_at >= 1799625600000 AND l.starts_at < 1801440000000",
    )
    .fetch_one(&school)
    .await
    .unwrap();
    school.close().await;
    count
}

/// Opens the Занятия section and the lesson `id` in it; returns its recording status line.
async fn open_lesson(app: &Session, id: &str, status_has: &str) -> String {
    app.tap("[data-testid=tab-lessons]").await;
    app.tap("[data-testid=lessons-week]").await;
    app.tap_if(
        &format!("[data-testid=lesson][data-lesson-id='{id}'] .lesson-head"),
        |_| true,
    )
    .await;
    let status = app
        .shows_if("[data-testid=recording-status]", |t| t.contains(status_has))
        .await;
    app.text(&status).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_teacher_sees_the_next_lesson_and_recording_is_allowed_once_every_parent_agrees() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, app) = launch(data.path()).await;
    app.tap("[data-testid=demo-button]").await;
    app.shows("[data-testid=chat-item]").await;

    // The next lesson, prominent, with a countdown and a way in; the week by day.
    app.tap("[data-testid=tab-lessons]").await;
    let next = app
        .shows_if("[data-testid=next-lesson]", |t| {
            t.contains("Следующее занятие")
        })
        .await;
    let countdown = app.shows("[data-testid=next-countdown]").await;
    let countdown = app.text(&countdown).await.unwrap();
    assert!(
        countdown.starts_with("через") || countdown == "Идёт сейчас",
        "{countdown}"
    );
    app.shows_if("[data-testid=join-next]", |t| t.contains("Подключиться"))
        .await;
    assert_eq!(
        lessons_listed(&app, 8).await,
        8,
        "the demo timetable's eight weekly lessons"
    );
    let id = app
        .attribute(&next, "data-lesson-id")
        .await
        .unwrap()
        .unwrap();

    // Nobody has answered yet: recording is not allowed.
    let status = open_lesson(&app, &id, "Запись запрещена").await;
    assert!(status.contains("нет согласия"), "{status}");

    // A parent, in the same app, agrees for her child.
    switch_profile(&app, "demo-as-e.morozova").await;
    app.shows("nav[data-role=parent]").await;
    open_lesson(&app, &id, "Запись запрещена").await;
    app.tap("[data-testid=consent-yes]").await;
    app.shows_if("[data-testid=my-consent]", |t| {
        t.contains("Вы дали согласие")
    })
    .await;

    // The class's other parents agree from their own phones.
    let server: String = cache_value(data.path(), "SELECT server_url FROM profiles LIMIT 1").await;
    let school = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}?mode=ro",
        data.path().join("demo-school.sqlite").display()
    ))
    .await
    .unwrap();
    let others: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT u.username FROM class_parents p JOIN users u ON u.id = p.user_id
         JOIN classes c ON c.id = p.class_id WHERE c.name = '5А' AND u.username != 'e.morozova'",
    )
    .fetch_all(&school)
    .await
    .unwrap();
    school.close().await;
    assert!(!others.is_empty());
    for login in &others {
        let token = sign_in(&server, login).await;
        let answer = reqwest::Client::new()
            .put(format!("{server}/school/lessons/{id}/consent"))
            .header("Authorization", &token)
            .json(&json!({"consent": true}))
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success(), "{}", answer.status());
    }

    // The teacher reads that recording is allowed, with everyone counted.
    switch_profile(&app, "demo-as-a.sokolova").await;
    app.shows("nav[data-role=class_teacher]").await;
    let everyone = others.len() + 1;
    let status = open_lesson(&app, &id, "Запись разрешена").await;
    assert!(
        status.contains(&format!("{everyone} из {everyone}")),
        "{status}"
    );

    app.screenshot(&screenshot_dir().join("lessons-ru.png"))
        .await
        .unwrap();

    // The teacher plans a lesson in the app, moves it by 45 minutes, then cancels it; each
    // step is checked in the school server's own database.
    app.tap("[data-testid=new-lesson]").await;
    app.fill("[data-testid=lesson-subject]", "Дроби: контрольная")
        .await;
    app.fill(
        "[data-testid=lesson-link]",
        "https://vk.com/call/join/e2e-test",
    )
    .await;
    app.tap("[data-testid=lesson-create]").await;
    app.gone("[data-testid=lesson-form]").await;
    let planned = school_row(&data, "Дроби: контрольная").await;
    assert_eq!(planned.2, "https://vk.com/call/join/e2e-test");
    app.tap_if(
        &format!(
            "[data-testid=lesson][data-lesson-id='{}'] .lesson-head",
            planned.0
        ),
        |_| true,
    )
    .await;
    set_input(&app, "[data-testid=move-time]", "09:15").await;
    app.tap("[data-testid=move-lesson]").await;
    let deadline = tokio::time::Instant::now() + SOON;
    while school_row(&data, "Дроби: контрольная").await.1 != planned.1 + 45 * 60_000
    {
        assert!(tokio::time::Instant::now() < deadline, "not moved");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // Still open after the move: cancelled from there.
    app.tap("[data-testid=cancel-lesson]").await;
    app.tap("[data-testid=cancel-confirm]").await;
    app.shows_if(
        &format!("[data-testid=lesson][data-lesson-id='{}']", planned.0),
        |t| t.contains("Отменено"),
    )
    .await;
    assert!(
        school_row(&data, "Дроби: контрольная").await.3,
        "cancelled on the server"
    );

    // The class teacher imports the class's timetable for a term from CSV: the preview shows
    // what it will make and stores nothing; the import makes it.
    app.tap("[data-testid=import-timetable]").await;
    set_input(&app, "[data-testid=term-start]", "2027-01-11").await;
    set_input(&app, "[data-testid=term-end]", "2027-01-31").await;
    set_input(&app, "[data-testid=holidays]", "2027-01-18..2027-01-24").await;
    set_input(&app, "[data-testid=timetable-csv]", SAMPLE_TIMETABLE).await;
    let before = term_lessons(&data).await;
    app.tap("[data-testid=timetable-preview-button]").await;
    let preview = app.shows("[data-testid=timetable-preview]").await;
    assert_eq!(
        app.attribute(&preview, "data-count")
            .await
            .unwrap()
            .as_deref(),
        Some("8"),
        "two school weeks of four lessons"
    );
    assert_eq!(
        term_lessons(&data).await,
        before,
        "a preview stores nothing"
    );
    app.tap("[data-testid=timetable-import]").await;
    app.gone("[data-testid=timetable-form]").await;
    assert_eq!(
        term_lessons(&data).await,
        8,
        "the term holds the imported timetable"
    );

    // Offline, the week is still there, from this computer.
    app.tap("[data-testid=demo-offline-toggle]").await;
    app.shows("[data-testid=lessons-offline]").await;
    assert_eq!(
        lessons_listed(&app, 9).await,
        9,
        "read from the cache, the cancelled one marked"
    );
    app.close().await.unwrap();
}

/// The lesson's recording panel, once its `data-recording` is `want`.
async fn recording_is(app: &Session, want: &str) -> String {
    let panel = app
        .shows_if(
            &format!("[data-testid=recording-status][data-recording='{want}']"),
            |_| true,
        )
        .await;
    app.text(&panel).await.unwrap()
}

/// PUTs `body` to the school server as the device with `token`.
async fn put_json(url: String, token: &str, body: serde_json::Value) {
    let answer = reqwest::Client::new()
        .put(url)
        .header("Authorization", token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{}", answer.status());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_joins_and_the_teacher_records_only_while_everyone_in_consents() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    // What the system's file chooser answers: a timetable and a handout.
    let csv = dir.path().join("timetable-5a.csv");
    std::fs::write(&csv, SAMPLE_TIMETABLE).unwrap();
    let pdf = dir.path().join("Памятка.pdf");
    let mut bytes = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    bytes.resize(20_000, b' ');
    bytes.extend_from_slice(b"\n%%EOF\n");
    std::fs::write(&pdf, &bytes).unwrap();
    let picks = std::path::PathBuf::from(format!("{}\n{}", csv.display(), pdf.display()));
    let (_driver, app) = crate::common::launch_with(
        &[
            ("PARTA_DATA_DIR", data.path()),
            ("PARTA_E2E_PICK_FILES", picks.as_path()),
            // "Подключиться" opens the link with the system's browser: here one that does nothing.
            ("BROWSER", std::path::Path::new("true")),
        ],
        APP.as_ref(),
    )
    .await;
    open_demo(&app).await;

    // A lesson in ten minutes, planned from the teacher's phone.
    let server: String = cache_value(data.path(), "SELECT server_url FROM profiles LIMIT 1").await;
    let teacher = sign_in(&server, "a.sokolova").await;
    let classes = crate::common::get_json(format!("{server}/school/classes"), &teacher).await;
    let class_5a = crate::common::id_where(&classes["classes"], "name", "5А", "id");
    let starts_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
        + 10 * 60_000;
    let lesson = crate::common::post_json(
        format!("{server}/school/lessons"),
        Some(&teacher),
        json!({"class_id": class_5a, "subject": "Экскурсия в музей", "starts_at": starts_at,
               "duration_min": 40, "link": "https://vk.com/call/join/e2e-live"}),
    )
    .await;
    let id = lesson["id"].as_i64().unwrap().to_string();

    // The month's calendar: the lesson's day holds it; picking the day lists it.
    app.tap("[data-testid=tab-lessons]").await;
    app.tap("[data-testid=lessons-month]").await;
    app.shows_if("[data-testid=month-title]", |t| {
        [
            "Январь",
            "Февраль",
            "Март",
            "Апрель",
            "Май",
            "Июнь",
            "Июль",
            "Август",
            "Сентябрь",
            "Октябрь",
            "Ноябрь",
            "Декабрь",
        ]
        .iter()
        .any(|m| t.starts_with(m))
    })
    .await;
    app.tap_if("[data-testid=month-day]", |t| {
        t.contains("Экскурсия в музей")
    })
    .await;
    app.shows_if(
        &format!("[data-testid=lesson][data-lesson-id='{id}']"),
        |t| t.contains("Экскурсия в музей"),
    )
    .await;
    app.screenshot(&screenshot_dir().join("lessons-month-ru.png"))
        .await
        .unwrap();

    // The teacher adds materials from the file chooser: both files are uploaded.
    app.tap_if(
        &format!("[data-testid=lesson][data-lesson-id='{id}'] .lesson-head"),
        |_| true,
    )
    .await;
    app.tap("[data-testid=add-materials]").await;
    let school = format!(
        "sqlite://{}?mode=ro",
        data.path().join("demo-school.sqlite").display()
    );
    eventually("both materials uploaded", || async {
        let pool = sqlx::SqlitePool::connect(&school).await.unwrap();
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM lesson_materials WHERE lesson_id = ?")
                .bind(&id)
                .fetch_one(&pool)
                .await
                .unwrap();
        pool.close().await;
        n == 2
    })
    .await;

    // The timetable CSV comes from the file chooser too (only .csv files are offered).
    app.tap("[data-testid=import-timetable]").await;
    app.tap("[data-testid=timetable-choose-file]").await;
    eventually("the CSV file read into the form", || async {
        let text = app
            .execute("return document.querySelector('[data-testid=timetable-csv]').value")
            .await
            .unwrap();
        text.as_str() == Some(SAMPLE_TIMETABLE.trim_start_matches('\u{feff}'))
    })
    .await;

    // A consultation for one parent only: the form offers the class's parents.
    app.tap("[data-testid=new-lesson]").await;
    app.fill("[data-testid=lesson-subject]", "Консультация: оценки")
        .await;
    app.execute(
        "const s = document.querySelector('[data-testid=lesson-kind]'); s.value = 'consultation';\
         s.dispatchEvent(new Event('change', {bubbles: true})); return null",
    )
    .await
    .unwrap();
    app.tap("[data-testid=invite-some]").await;
    app.tap("[data-testid=invite-parent][data-name='Елена Морозова']")
        .await;
    app.tap("[data-testid=lesson-create]").await;
    app.gone("[data-testid=lesson-form]").await;
    let pool = sqlx::SqlitePool::connect(&school).await.unwrap();
    let invited: Vec<String> = sqlx::query_scalar(
        "SELECT u.username FROM lesson_participants p JOIN lessons l ON l.id = p.lesson_id
         JOIN users u ON u.id = p.user_id WHERE l.subject = 'Консультация: оценки'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    assert_eq!(invited, ["e.morozova"], "only the parent ticked is invited");

    // A parent agrees, opens a material and joins with "Подключиться".
    switch_profile(&app, "demo-as-e.morozova").await;
    app.shows("nav[data-role=parent]").await;
    open_lesson(&app, &id, "Запись").await;
    app.shows_if("[data-testid=lesson-materials]", |t| {
        t.contains("Памятка.pdf") && t.contains("timetable-5a.csv")
    })
    .await;
    app.tap_if("[data-testid=lesson-material]", |t| t == "Памятка.pdf")
        .await;
    app.tap("[data-testid=consent-yes]").await;
    app.tap("[data-testid=join-lesson]").await;
    app.shows_if("[data-testid=you-are-in]", |t| t.contains("Вы на занятии"))
        .await;
    eventually("the material downloaded into the file cache", || async {
        cache_value::<i64>(
            data.path(),
            "SELECT COUNT(*) FROM file_cache WHERE name = 'Памятка.pdf'",
        )
        .await
            == 1
    })
    .await;

    // The class's other parents agree from their phones; one of them joins too.
    let pool = sqlx::SqlitePool::connect(&school).await.unwrap();
    let others: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT u.username FROM class_parents p JOIN users u ON u.id = p.user_id
         JOIN classes c ON c.id = p.class_id WHERE c.name = '5А' AND u.username != 'e.morozova'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    let mut phones = Vec::new();
    for login in &others {
        let token = sign_in(&server, login).await;
        let lesson_url = format!("{server}/school/lessons/{id}");
        put_json(
            format!("{lesson_url}/consent"),
            &token,
            json!({"consent": true}),
        )
        .await;
        phones.push((token, lesson_url));
    }
    let (late, late_url) = &phones[0];
    put_json(
        format!("{late_url}/presence"),
        late,
        json!({"present": true}),
    )
    .await;

    // The teacher starts the recording; a withdrawal stops it, and the log says why.
    switch_profile(&app, "demo-as-a.sokolova").await;
    app.shows("nav[data-role=class_teacher]").await;
    open_lesson(&app, &id, "Запись разрешена: 2 из 2").await;
    app.tap("[data-testid=start-recording]").await;
    let on = recording_is(&app, "true").await;
    assert!(on.contains("Идёт запись"), "{on}");
    put_json(
        format!("{late_url}/consent"),
        late,
        json!({"consent": false}),
    )
    .await;
    let off = recording_is(&app, "false").await;
    assert!(off.contains("Запись запрещена"), "{off}");
    app.tap("[data-testid=lesson-log] summary").await;
    app.shows_if("[data-testid=lesson-log]", |t| {
        t.contains("запись начата") && t.contains("отзыв согласия — запись остановлена")
    })
    .await;
    app.execute(
        "const b = document.querySelector('.lessons-body');\
         const r = document.querySelector('[data-testid=recording-status]').getBoundingClientRect();\
         b.scrollTop += r.bottom - b.getBoundingClientRect().bottom + 16; return b.scrollTop",
    )
    .await
    .unwrap();
    app.screenshot(&screenshot_dir().join("lessons-live-ru.png"))
        .await
        .unwrap();
    app.close().await.unwrap();
}
