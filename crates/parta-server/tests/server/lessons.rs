//! Online lessons (issue 7): planning, moving and cancelling by the permission matrix, who reads
//! them, bad input refused with nothing stored, and recording consent (6.4) as participants
//! answer.

use parta_server::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Arg, Fixture};

const ADMIN: &str = parta_server::demo::PLATFORM_ADMIN;
const TEACHER_5A: &str = parta_server::demo::CLASS_TEACHER;
const PARENT_5A: &str = parta_server::demo::PARENT;
const DAY: i64 = 86_400_000;

fn now() -> i64 {
    parta_server::SystemClock.now_ms()
}

async fn class_id(f: &Fixture, name: &str) -> i64 {
    f.sql()
        .int("SELECT id FROM classes WHERE name = ?", &[Arg::Text(name)])
        .await
}

async fn count(f: &Fixture, sql: &str) -> i64 {
    f.sql().int(sql, &[]).await
}

/// The ids of the lessons `token` reads between yesterday and a month ahead.
async fn listed(f: &Fixture, token: &str) -> Vec<i64> {
    let list = f
        .ok_get(
            token,
            &format!(
                "/school/lessons?from={}&to={}",
                now() - DAY,
                now() + 30 * DAY
            ),
        )
        .await;
    list["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_i64().unwrap())
        .collect()
}

async fn plan(f: &Fixture, token: &str, class_id: i64, starts_at: i64) -> Value {
    let (status, lesson) = f
        .send_as(
            Method::POST,
            token,
            "/school/lessons",
            json!({
                "class_id": class_id, "subject": "Математика", "starts_at": starts_at,
                "duration_min": 45, "link": "https://vk.com/call/join/abc-123",
                "notes": "Учебник, с. 42"
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{lesson}");
    lesson
}

#[tokio::test]
async fn a_class_teacher_plans_moves_and_cancels_a_lesson_that_only_the_class_reads() {
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    let parent = f.token(PARENT_5A).await;
    let outsider = f.person("t.outsider", "Нина Петровна", "teacher").await;
    let director = f.person("director", "Директор", "administration").await;
    let class_5a = class_id(&f, "5А").await;
    let tomorrow = now() + DAY;

    let marker = |token: String| {
        let f = &f;
        async move {
            f.ok_get(&token, "/updates?timeout=0&types=parta_lesson")
                .await["marker"]
                .as_i64()
                .unwrap()
        }
    };
    let (parent_from, outsider_from) =
        (marker(parent.clone()).await, marker(outsider.clone()).await);

    let lesson = plan(&f, &teacher, class_5a, tomorrow).await;
    let id = lesson["id"].as_i64().unwrap();
    // The class's parents hear of it at once (Parta's own update type); others do not.
    let heard = f
        .ok_get(
            &parent,
            &format!("/updates?timeout=5&types=parta_lesson&marker={parent_from}"),
        )
        .await;
    assert_eq!(
        heard["updates"][0]["update_type"], "parta_lesson",
        "{heard}"
    );
    assert_eq!(heard["updates"][0]["lesson_id"], id);
    assert_eq!(heard["updates"][0]["change"], "created");
    let not_heard = f
        .ok_get(
            &outsider,
            &format!("/updates?timeout=0&types=parta_lesson&marker={outsider_from}"),
        )
        .await;
    assert_eq!(not_heard["updates"], json!([]), "{not_heard}");
    assert_eq!(lesson["class_name"], "5А");
    assert_eq!(lesson["teacher_name"], "Анна Сергеевна Соколова");
    assert_eq!(lesson["kind"], "lesson");
    assert_eq!(lesson["link"], "https://vk.com/call/join/abc-123");
    assert_eq!(lesson["cancelled"], false);

    // The class's parent and the administration read it; a teacher of other classes does not.
    assert_eq!(listed(&f, &parent).await, vec![id]);
    assert_eq!(listed(&f, &director).await, vec![id]);
    assert!(listed(&f, &outsider).await.is_empty());
    let (status, body) = f.get_as(&outsider, &format!("/school/lessons/{id}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["code"], "access.denied");

    // Nobody outside the class plans or changes its lessons; parents never do.
    for token in [&outsider, &parent] {
        let (status, _) = f
            .send_as(
                Method::POST,
                token,
                "/school/lessons",
                json!({"class_id": class_5a, "subject": "Чужой урок",
                            "starts_at": tomorrow, "duration_min": 45}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = f
            .send_as(
                Method::PATCH,
                token,
                &format!("/school/lessons/{id}"),
                json!({"starts_at": tomorrow + 3_600_000}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    assert_eq!(count(&f, "SELECT COUNT(*) FROM lessons").await, 1);

    // Moved by an hour and made 40 minutes; the link removed with an empty string.
    let moved = f
        .ok_send(
            Method::PATCH,
            &teacher,
            &format!("/school/lessons/{id}"),
            json!({"starts_at": tomorrow + 3_600_000, "duration_min": 40, "link": ""}),
        )
        .await;
    assert_eq!(moved["starts_at"], tomorrow + 3_600_000);
    assert_eq!(moved["duration_min"], 40);
    assert!(
        moved.get("link").is_none() || moved["link"].is_null(),
        "{moved}"
    );
    assert_eq!(moved["notes"], "Учебник, с. 42", "what was not named stays");
    let seen = f.ok_get(&parent, &format!("/school/lessons/{id}")).await;
    assert_eq!(seen, moved, "the parent reads the moved lesson");

    // Cancelled: still listed, marked; once only; no more changes.
    let cancelled = f
        .ok_delete(&teacher, &format!("/school/lessons/{id}"))
        .await;
    assert_eq!(cancelled["cancelled"], true);
    assert_eq!(listed(&f, &parent).await, vec![id]);
    let (status, body) = f
        .delete_as(&teacher, &format!("/school/lessons/{id}"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, _) = f
        .send_as(
            Method::PATCH,
            &teacher,
            &format!("/school/lessons/{id}"),
            json!({"subject": "Геометрия"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn bad_lessons_are_refused_with_a_reason_and_nothing_is_stored() {
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    let admin = f.token(ADMIN).await;
    let class_5a = class_id(&f, "5А").await;
    let tomorrow = now() + DAY;
    let good = json!({"class_id": class_5a, "subject": "Математика", "starts_at": tomorrow,
                      "duration_min": 45});
    let with = |key: &str, value: Value| {
        let mut body = good.clone();
        body[key] = value;
        body
    };
    let cases = [
        (
            with("link", json!("http://vk.com/call")),
            StatusCode::BAD_REQUEST,
        ),
        (
            with("link", json!("javascript:alert(1)")),
            StatusCode::BAD_REQUEST,
        ),
        (
            with("link", json!("file:///etc/passwd")),
            StatusCode::BAD_REQUEST,
        ),
        (with("link", json!("https://")), StatusCode::BAD_REQUEST),
        (
            with("link", json!("https://a b.ru")),
            StatusCode::BAD_REQUEST,
        ),
        (with("duration_min", json!(0)), StatusCode::BAD_REQUEST),
        (with("duration_min", json!(601)), StatusCode::BAD_REQUEST),
        (with("duration_min", json!("45")), StatusCode::BAD_REQUEST),
        (with("subject", json!("   ")), StatusCode::BAD_REQUEST),
        (
            with("subject", json!("М".repeat(201))),
            StatusCode::BAD_REQUEST,
        ),
        (
            with("starts_at", json!(now() + 400 * DAY)),
            StatusCode::BAD_REQUEST,
        ),
        (with("kind", json!("party")), StatusCode::BAD_REQUEST),
        (with("class_id", json!(999_999)), StatusCode::NOT_FOUND),
        (with("teacher_id", json!(999_999)), StatusCode::NOT_FOUND),
    ];
    for (body, expected) in cases {
        let (status, answer) = f
            .send_as(Method::POST, &admin, "/school/lessons", body.clone())
            .await;
        assert_eq!(status, expected, "{body}: {answer}");
        assert!(
            answer["code"].is_string() && answer["message"].is_string(),
            "MAX-shaped error: {answer}"
        );
    }
    let raw = f
        .post(&teacher, "/school/lessons")
        .header("Content-Type", "application/json")
        .body("{\"class_id\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
    for query in [
        "",
        "?from=10",
        "?from=10&to=5",
        &format!("?from=0&to={}", 400 * DAY),
    ] {
        let (status, _) = f.get_as(&teacher, &format!("/school/lessons{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
    }
    assert_eq!(count(&f, "SELECT COUNT(*) FROM lessons").await, 0);
    let (status, _) = f.get_as(&teacher, "/school/lessons/424242").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn clause_6_4_recording_is_allowed_only_while_every_parent_consents() {
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    let class_5a = class_id(&f, "5А").await;
    let lesson = plan(&f, &teacher, class_5a, now() + DAY).await;
    let id = lesson["id"].as_i64().unwrap();
    let usernames = f
        .sql()
        .texts(
            "SELECT DISTINCT u.username, u.id FROM class_parents p JOIN users u ON u.id = p.user_id
             WHERE p.class_id = ? ORDER BY u.id",
            &[Arg::Int(class_5a)],
        )
        .await;
    assert!(
        usernames.len() >= 2,
        "the demo's 5А has parents: {usernames:?}"
    );
    let n = usernames.len() as u64;
    let mut parents = Vec::new();
    for name in &usernames {
        parents.push(f.token(name).await);
    }
    let status = f
        .ok_get(&parents[0], &format!("/school/lessons/{id}/recording"))
        .await;
    assert_eq!(status["allowed"], false, "nobody has answered");
    assert_eq!(
        (
            status["consented"].as_u64(),
            status["participants"].as_u64()
        ),
        (Some(0), Some(n))
    );

    let answer = |token: String, consent: bool| {
        let f = &f;
        async move {
            f.ok_send(
                Method::PUT,
                &token,
                &format!("/school/lessons/{id}/consent"),
                json!({"consent": consent}),
            )
            .await
        }
    };
    for (i, token) in parents.iter().enumerate() {
        let status = answer(token.clone(), true).await;
        let everyone = i + 1 == parents.len();
        assert_eq!(status["allowed"], everyone, "{i}: {status}");
        assert_eq!(status["consented"], i as u64 + 1);
        assert_eq!(status["mine"], true);
        assert!(
            status.get("changes").is_none(),
            "a parent reads no one's answers"
        );
    }
    // One parent changes their mind: recording is no longer allowed.
    let status = answer(parents[0].clone(), false).await;
    assert_eq!(status["allowed"], false);
    assert_eq!(status["consented"], n - 1);
    assert_eq!(status["mine"], false);

    // The teacher reads every change, in order, with names.
    let status = f
        .ok_get(&teacher, &format!("/school/lessons/{id}/recording"))
        .await;
    let changes = status["changes"].as_array().unwrap();
    assert_eq!(changes.len() as u64, n + 1);
    assert_eq!(changes.last().unwrap()["consent"], false);
    assert!(
        changes
            .iter()
            .all(|c| c["name"].as_str().is_some_and(|s| !s.is_empty()))
    );
    assert_eq!(
        count(&f, "SELECT COUNT(*) FROM lesson_consents").await as u64,
        n + 1,
        "every change is kept"
    );

    // Only the class's parents answer: not its teacher, not a parent of another class.
    let stranger = f.person("p.outsider", "Пётр", "parent").await;
    for token in [&teacher, &stranger] {
        let (status, _) = f
            .send_as(
                Method::PUT,
                token,
                &format!("/school/lessons/{id}/consent"),
                json!({"consent": true}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    assert_eq!(
        count(&f, "SELECT COUNT(*) FROM lesson_consents").await as u64,
        n + 1
    );
}

/// The events of an iCalendar text, read back with the `icalendar` crate.
fn events(ics: &str) -> Vec<icalendar::Event> {
    let calendar: icalendar::Calendar = ics.parse().unwrap_or_else(|e| panic!("{e}\n{ics}"));
    calendar
        .components
        .into_iter()
        .filter_map(|c| match c {
            icalendar::CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

fn utc_ms(value: Option<icalendar::DatePerhapsTime>) -> i64 {
    match value {
        Some(icalendar::DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Utc(t))) => {
            t.timestamp_millis()
        }
        other => panic!("a UTC time, not {other:?}"),
    }
}

async fn fetch_feed(f: &Fixture, path: &str) -> (StatusCode, String) {
    let response = f
        .http
        .get(format!("{}{path}", f.server.url()))
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn lessons_export_as_icalendar_and_a_private_feed_works_until_revoked() {
    use icalendar::Component;
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    let parent = f.token(PARENT_5A).await;
    let admin = f.token(ADMIN).await;
    let class_5a = class_id(&f, "5А").await;
    // Whole seconds: iCalendar has no milliseconds.
    let start = (now() / 1000 + 86_400) * 1000;
    let first = plan(&f, &teacher, class_5a, start).await;
    let second = f
        .ok_send(
            Method::POST,
            &teacher,
            "/school/lessons",
            json!({"class_id": class_5a, "subject": "Собрание; итоги четверти, планы",
                        "kind": "parents_meeting", "starts_at": start + 2 * DAY,
                        "duration_min": 90, "notes": "Повестка:\n1. Оценки\n2. Экскурсия"}),
        )
        .await;
    f.ok_delete(&teacher, &format!("/school/lessons/{}", second["id"]))
        .await;

    let response = f
        .get(
            &parent,
            &format!("/school/lessons.ics?from={}&to={}", now(), now() + 30 * DAY),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    let ics = response.text().await.unwrap();
    assert!(
        ics.split("\r\n").all(|l| l.len() <= 75),
        "lines are folded at 75 octets"
    );
    let read = events(&ics);
    assert_eq!(read.len(), 2, "{ics}");
    assert_eq!(read[0].get_summary(), Some("Математика — 5А"));
    assert_eq!(utc_ms(read[0].get_start()), start);
    assert_eq!(utc_ms(read[0].get_end()), start + 45 * 60_000);
    assert_eq!(read[0].get_url(), first["link"].as_str());
    assert_eq!(
        read[0].get_status(),
        Some(icalendar::EventStatus::Confirmed)
    );
    assert_eq!(
        read[1].get_summary(),
        Some("Собрание; итоги четверти, планы — 5А"),
        "escaped and read back whole"
    );
    assert!(
        read[1]
            .get_description()
            .is_some_and(|d| d.contains("Родительское собрание") && d.contains("2. Экскурсия")),
        "{:?}",
        read[1].get_description()
    );
    assert_eq!(
        read[1].get_status(),
        Some(icalendar::EventStatus::Cancelled)
    );
    let uids: Vec<_> = read
        .iter()
        .map(|e| e.get_uid().unwrap().to_owned())
        .collect();
    assert_ne!(uids[0], uids[1]);

    // The private feed: no login, the token is the key; a new one replaces the old one.
    let old = f.ok_post(&parent, "/school/me/calendar").await["path"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = fetch_feed(&f, &old).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(events(&body).len(), 2);
    let new = f.ok_post(&parent, "/school/me/calendar").await["path"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(old, new);
    assert_eq!(fetch_feed(&f, &old).await.0, StatusCode::NOT_FOUND);
    assert_eq!(fetch_feed(&f, &new).await.0, StatusCode::OK);
    let token = new
        .trim_start_matches("/calendar/")
        .trim_end_matches(".ics");
    let kept = f
        .sql()
        .bytes("SELECT token_hash FROM calendar_feeds", &[])
        .await;
    assert!(
        !String::from_utf8_lossy(&kept).contains(token) && kept.len() == 32,
        "only a hash is kept"
    );
    assert_eq!(
        fetch_feed(&f, "/calendar/cal_0000.ics").await.0,
        StatusCode::NOT_FOUND
    );

    // Blocked, the feed stops; revoked, it is gone.
    let parent_id = f.ok_get(&parent, "/me").await["user_id"].as_i64().unwrap();
    f.ok_send(
        Method::POST,
        &admin,
        &format!("/school/users/{parent_id}/restriction"),
        json!({"mode": "blocked", "reason": "Проверка", "days": 1}),
    )
    .await;
    let (status, body) = fetch_feed(&f, &new).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    f.ok_delete(&admin, &format!("/school/users/{parent_id}/restriction"))
        .await;
    f.ok_delete(&parent, "/school/me/calendar").await;
    assert_eq!(fetch_feed(&f, &new).await.0, StatusCode::NOT_FOUND);
    let (status, _) = f.delete_as(&parent, "/school/me/calendar").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

const SAMPLE: &str = include_str!("../../../../docs/samples/timetable-5a.csv");
/// Monday 2027-01-11, 08:30 Moscow time.
const FIRST_MONDAY_0830: i64 = 1_799_645_400_000;

fn term(class_id: i64, csv: &str, dry_run: bool) -> Value {
    json!({
        "class_id": class_id,
        "term_start": "2027-01-11",
        "term_end": "2027-01-31",
        "holidays": [{"from": "2027-01-18", "to": "2027-01-24"}],
        "csv": csv,
        "dry_run": dry_run,
    })
}

async fn lessons_in_term(f: &Fixture, token: &str) -> Vec<Value> {
    let list = f
        .ok_get(
            token,
            &format!(
                "/school/lessons?from={}&to={}",
                FIRST_MONDAY_0830 - DAY,
                FIRST_MONDAY_0830 + 30 * DAY
            ),
        )
        .await;
    list["lessons"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_term_timetable_becomes_lessons_on_school_days_and_a_new_import_keeps_hand_changes() {
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    let parent = f.token(PARENT_5A).await;
    let class_5a = class_id(&f, "5А").await;

    // The preview makes exactly what the import will, and stores nothing.
    let preview = f
        .ok_send(
            Method::POST,
            &teacher,
            "/school/timetable/import",
            term(class_5a, SAMPLE, true),
        )
        .await;
    assert_eq!(preview["dry_run"], true);
    assert_eq!(count(&f, "SELECT COUNT(*) FROM lessons").await, 0);

    let (status, report) = f
        .send_as(
            Method::POST,
            &teacher,
            "/school/timetable/import",
            term(class_5a, SAMPLE, false),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    let made = report["lessons"].as_array().unwrap();
    // Two school weeks (the middle one is a holiday), four lessons each.
    assert_eq!(made.len(), 8, "{report}");
    let starts = |lessons: &[Value]| -> Vec<i64> {
        lessons
            .iter()
            .map(|l| l["starts_at"].as_i64().unwrap())
            .collect()
    };
    let first_week = FIRST_MONDAY_0830;
    let third_week = FIRST_MONDAY_0830 + 14 * DAY;
    let expected = |monday: i64| {
        vec![
            monday,
            monday + 55 * 60_000,
            monday + 2 * DAY,
            monday + 4 * DAY + (15 * 60 - 8 * 60 - 30) * 60_000,
        ]
    };
    assert_eq!(
        starts(made),
        [expected(first_week), expected(third_week)].concat(),
        "Mondays 08:30 and 09:25, Wednesdays 08:30, Fridays 15:00 Moscow time"
    );
    let preview_made = preview["lessons"].as_array().unwrap();
    assert_eq!(starts(preview_made), starts(made));
    assert_eq!(made[3]["subject"], "Консультация: дроби, проценты");
    assert_eq!(made[3]["kind"], "consultation");
    assert_eq!(made[3]["duration_min"], 30);
    assert_eq!(made[1]["link"], Value::Null);
    assert_eq!(made[0]["link"], "https://vk.com/call/join/math-5a");
    assert_eq!(made[0]["teacher_name"], "Анна Сергеевна Соколова");
    assert_eq!(
        lessons_in_term(&f, &parent).await.len(),
        8,
        "the parents read them"
    );

    // One lesson moved and one cancelled by hand; then the timetable is imported again.
    let moved = made[0]["id"].as_i64().unwrap();
    let cancelled = made[3]["id"].as_i64().unwrap();
    f.ok_send(
        Method::PATCH,
        &teacher,
        &format!("/school/lessons/{moved}"),
        json!({"starts_at": first_week + 90 * 60_000}),
    )
    .await;
    f.ok_delete(&teacher, &format!("/school/lessons/{cancelled}"))
        .await;
    let again = f
        .ok_send(
            Method::POST,
            &teacher,
            "/school/timetable/import",
            term(class_5a, SAMPLE, false),
        )
        .await;
    assert_eq!(again["replaced"], 6, "the untouched ones: {again}");
    assert_eq!(again["lessons"].as_array().unwrap().len(), 6);
    let now_listed = lessons_in_term(&f, &teacher).await;
    assert_eq!(now_listed.len(), 8, "none made twice");
    assert!(
        !starts(&now_listed).contains(&first_week),
        "the moved lesson is not made again at its timetable time"
    );
    assert!(
        now_listed
            .iter()
            .any(|l| l["id"] == moved && l["starts_at"] == first_week + 90 * 60_000)
    );
    assert!(
        now_listed
            .iter()
            .any(|l| l["id"] == cancelled && l["cancelled"] == true)
    );
}

#[tokio::test]
async fn a_bad_timetable_names_every_bad_line_and_imports_nothing() {
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    let class_5a = class_id(&f, "5А").await;
    let import = |body: Value| {
        let (f, teacher) = (&f, teacher.clone());
        async move {
            f.send_as(Method::POST, &teacher, "/school/timetable/import", body)
                .await
        }
    };
    let csv = "weekday,start,duration_min,subject,teacher,link\n\
               пн,08:30,45,Математика,,\n\
               пт1,8.30,45,Чтение,,\n\
               вт,10:00,45,Музыка,,\n\
               ср,11:00,0,,nobody.here,http://insecure.example\n";
    let (status, body) = import(term(class_5a, csv, false)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        body["code"], "proto.payload",
        "MAX's code for a bad request"
    );
    let message = body["message"].as_str().unwrap();
    for needle in [
        "Nothing was imported",
        "Line 3",
        "weekday 'пт1'",
        "'8.30'",
        "Line 5",
        "duration_min '0'",
        "subject",
        "'nobody.here'",
        "https://",
    ] {
        assert!(message.contains(needle), "{needle} in: {message}");
    }
    assert!(
        !message.contains("Line 2") && !message.contains("Line 4"),
        "{message}"
    );

    let mut no_subject = term(class_5a, "weekday,start,duration_min\nпн,08:30,45\n", false);
    let (status, body) = import(no_subject.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"].as_str().unwrap().contains("'subject'"),
        "{body}"
    );
    no_subject["csv"] = json!(SAMPLE);
    for (key, value) in [
        ("term_start", json!("2027-02-30")),
        ("term_end", json!("2026-01-01")),
        (
            "holidays",
            json!([{"from": "2027-01-20", "to": "2027-01-18"}]),
        ),
        ("utc_offset_minutes", json!(2000)),
        ("csv", json!("weekday,start,duration_min,subject\n")),
        ("csv", json!("x".repeat(70_000))),
    ] {
        let mut body = no_subject.clone();
        body[key] = value;
        let (status, answer) = import(body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{key}: {answer}");
    }
    assert_eq!(count(&f, "SELECT COUNT(*) FROM lessons").await, 0);

    // Only the class teacher (for the class) and the administration import a timetable.
    let other_class_teacher = f.token("m.volkov").await;
    let plain_teacher = f.person("t.outsider", "Нина Петровна", "teacher").await;
    let parent = f.token(PARENT_5A).await;
    for token in [&other_class_teacher, &plain_teacher, &parent] {
        let (status, _) = f
            .send_as(
                Method::POST,
                token,
                "/school/timetable/import",
                term(class_5a, SAMPLE, false),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (status, _) = import(term(999_999, SAMPLE, false)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(count(&f, "SELECT COUNT(*) FROM lessons").await, 0);
}

#[tokio::test]
async fn the_demo_school_keeps_a_timetable_for_5a_renewed_only_when_it_runs_short() {
    let f = Fixture::new().await;
    let school = f.server.school();
    assert!(parta_server::demo::ensure_timetable(school).await.unwrap());
    assert!(
        !parta_server::demo::ensure_timetable(school).await.unwrap(),
        "four months are left: nothing to do"
    );
    let parent = f.token(PARENT_5A).await;
    let week = f
        .ok_get(
            &parent,
            &format!(
                "/school/lessons?from={}&to={}",
                now() + DAY,
                now() + 8 * DAY
            ),
        )
        .await;
    let week = week["lessons"].as_array().unwrap();
    assert_eq!(week.len(), 8, "the demo's eight weekly lessons: {week:?}");
    assert!(week.iter().all(|l| {
        l["class_name"] == "5А"
            && l["link"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://"))
    }));
    assert!(week.iter().any(|l| l["kind"] == "parents_meeting"));
}

/// The 5А parents' usernames and tokens, with a third parent added if the demo has two.
async fn parents_5a(f: &Fixture, class_5a: i64) -> Vec<(i64, String)> {
    let third = f.person("p.third", "Ольга Третьякова", "parent").await;
    f.sql()
        .run(
            "INSERT INTO class_parents (class_id, user_id, child_name)
             SELECT ?, id, 'Петя' FROM users WHERE username = 'p.third'",
            &[Arg::Int(class_5a)],
        )
        .await;
    let rows = f
        .sql()
        .int_texts(
            "SELECT DISTINCT u.id, u.username FROM class_parents p JOIN users u ON u.id = p.user_id
             WHERE p.class_id = ? ORDER BY u.id",
            &[Arg::Int(class_5a)],
        )
        .await;
    let mut out = Vec::new();
    for (id, name) in rows {
        let token = if name == "p.third" {
            third.clone()
        } else {
            f.token(&name).await
        };
        out.push((id, token));
    }
    out
}

fn kinds(status: &Value) -> Vec<String> {
    status["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn clause_6_4_recording_runs_only_while_everyone_present_consents() {
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    let class_5a = class_id(&f, "5А").await;
    let parents = parents_5a(&f, class_5a).await;
    assert!(parents.len() >= 3, "{}", parents.len());
    let (a, b, c) = (&parents[0].1, &parents[1].1, &parents[2].1);
    let c_id = parents[2].0;
    // A lesson about to begin: joining opens 30 minutes before.
    let id = plan(&f, &teacher, class_5a, now() + 5 * 60_000).await["id"]
        .as_i64()
        .unwrap();
    let put = |token: &str, path: &str, body: Value| {
        let (f, token, path) = (&f, token.to_owned(), format!("/school/lessons/{id}/{path}"));
        async move { f.send_as(Method::PUT, &token, &path, body).await }
    };
    for token in [a, b] {
        put(token, "consent", json!({"consent": true})).await;
    }
    // Nobody in yet: recording cannot start, and the counts are of everyone invited.
    let (status, body) = put(&teacher, "recording", json!({"recording": true})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("Nobody"),
        "{body}"
    );
    let (_, status) = put(a, "presence", json!({"present": true})).await;
    assert_eq!(
        (status["present"].as_u64(), status["consented"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        status["participants"], 1,
        "counted over those present: {status}"
    );
    assert_eq!(status["allowed"], true);
    let (code, status) = put(&teacher, "recording", json!({"recording": true})).await;
    assert_eq!(code, StatusCode::OK, "{status}");
    assert_eq!(status["recording"], true);

    // A late joiner without consent stops it at once; starting again names them.
    let (_, status) = put(c, "presence", json!({"present": true})).await;
    assert_eq!(status["recording"], false, "{status}");
    assert_eq!(
        (
            status["consented"].as_u64(),
            status["participants"].as_u64()
        ),
        (Some(1), Some(2))
    );
    let (code, refused) = put(&teacher, "recording", json!({"recording": true})).await;
    assert_eq!(code, StatusCode::CONFLICT);
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("Ольга Третьякова"),
        "{refused}"
    );
    // The teacher sees that they left; then recording starts again.
    let (code, _) = put(
        &teacher,
        "presence",
        json!({"present": false, "user_id": c_id}),
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    let (_, status) = put(&teacher, "recording", json!({"recording": true})).await;
    assert_eq!(status["recording"], true, "{status}");
    // A consented joiner keeps it running; a withdrawal stops it.
    let (_, status) = put(b, "presence", json!({"present": true})).await;
    assert_eq!(status["recording"], true, "{status}");
    let (_, status) = put(b, "consent", json!({"consent": false})).await;
    assert_eq!(status["recording"], false, "{status}");
    assert_eq!(status["allowed"], false);

    // Only the teacher's side switches recording; parents report only their own presence.
    let (code, _) = put(a, "recording", json!({"recording": true})).await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    let (code, _) = put(a, "presence", json!({"present": false, "user_id": c_id})).await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    let (code, _) = put(&teacher, "presence", json!({"present": true})).await;
    assert_eq!(
        code,
        StatusCode::FORBIDDEN,
        "the teacher is not a participant"
    );

    // The teacher reads it all in order; a parent reads only the state.
    let status = f
        .ok_get(&teacher, &format!("/school/lessons/{id}/recording"))
        .await;
    assert_eq!(
        kinds(&status),
        [
            "joined",
            "recording_started",
            "joined",
            "stopped_joined_without_consent",
            "left",
            "recording_started",
            "joined",
            "stopped_consent_withdrawn"
        ]
    );
    let seen = f
        .ok_get(c, &format!("/school/lessons/{id}/recording"))
        .await;
    assert!(seen.get("events").is_none(), "{seen}");
    assert_eq!(seen["recording"], false);
    assert_eq!(count(&f, "SELECT COUNT(*) FROM lesson_events").await, 6);

    // A lesson far ahead cannot be joined yet.
    let later = plan(&f, &teacher, class_5a, now() + DAY).await["id"]
        .as_i64()
        .unwrap();
    let (code, body) = f
        .send_as(
            Method::PUT,
            a,
            &format!("/school/lessons/{later}/presence"),
            json!({"present": true}),
        )
        .await;
    assert_eq!(code, StatusCode::CONFLICT, "{body}");
    assert_eq!(count(&f, "SELECT COUNT(*) FROM lesson_events").await, 6);
}

#[tokio::test]
async fn a_group_meeting_is_for_those_invited_and_its_materials_download_only_for_them() {
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    let class_5a = class_id(&f, "5А").await;
    let parents = parents_5a(&f, class_5a).await;
    let ((invited_id, invited), (_, other)) = (&parents[0], &parents[1]);
    let chat = f.chat_id(&teacher, "5А — родители").await;
    let said = f.message_count(&teacher, chat).await;

    // Whom a meeting may invite: the class's parents, for those who plan its lessons.
    let invitable = f
        .ok_get(&teacher, &format!("/school/classes/{class_5a}/parents"))
        .await;
    let mut ids: Vec<i64> = invitable["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["user_id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    let mut want: Vec<i64> = parents.iter().map(|(id, _)| *id).collect();
    want.sort_unstable();
    assert_eq!(ids, want, "{invitable}");
    let (status, _) = f
        .get_as(other, &format!("/school/classes/{class_5a}/parents"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let url = crate::files::upload_url(&f, &teacher, "file").await;
    let (status, done) =
        crate::files::multipart(&f, &url, "Памятка.pdf", &crate::files::pdf(2_000)).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let material = done["token"].as_str().unwrap().to_owned();

    let new = |participants: Value, materials: Value| {
        json!({
            "class_id": class_5a, "subject": "Консультация по оценкам", "kind": "consultation",
            "starts_at": now() + DAY, "duration_min": 30,
            "participants": participants, "materials": materials
        })
    };
    // Only the class's parents are invited, and only finished uploads attach: nothing stored.
    let stranger = f.person("p.stranger", "Пётр", "parent").await;
    let stranger_id = f
        .sql()
        .int("SELECT id FROM users WHERE username = 'p.stranger'", &[])
        .await;
    for body in [
        new(json!([stranger_id]), json!([])),
        new(json!([invited_id]), json!(["f.unknown"])),
    ] {
        let (status, error) = f
            .send_as(Method::POST, &teacher, "/school/lessons", body)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    }
    assert_eq!(count(&f, "SELECT COUNT(*) FROM lessons").await, 0);

    let (status, lesson) = f
        .send_as(
            Method::POST,
            &teacher,
            "/school/lessons",
            new(json!([invited_id]), json!([material])),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{lesson}");
    let id = lesson["id"].as_i64().unwrap();
    assert_eq!(lesson["participants"][0]["user_id"], *invited_id);
    assert_eq!(lesson["materials"][0]["filename"], "Памятка.pdf");
    let file_url = lesson["materials"][0]["payload"]["url"]
        .as_str()
        .unwrap()
        .to_owned();

    assert_eq!(listed(&f, invited).await, vec![id]);
    assert!(listed(&f, other).await.is_empty(), "not invited");
    assert!(listed(&f, &stranger).await.is_empty());
    let (status, _) = f.get_as(other, &format!("/school/lessons/{id}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let recording = f
        .ok_get(&teacher, &format!("/school/lessons/{id}/recording"))
        .await;
    assert_eq!(
        recording["participants"], 1,
        "only the invited answer: {recording}"
    );
    let (status, _) = f
        .send_as(
            Method::PUT,
            other,
            &format!("/school/lessons/{id}/consent"),
            json!({"consent": true}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The material downloads for the invited parent, not for the others.
    let got = crate::files::download(&f, invited, &file_url, None).await;
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(
        got.bytes().await.unwrap().to_vec(),
        crate::files::pdf(2_000)
    );
    let refused = crate::files::download(&f, other, &file_url, None).await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);

    // Opening the meeting to the whole class lets the other parent in; a group's meeting was
    // not told to the class chat.
    assert_eq!(f.message_count(&teacher, chat).await, said);
    let patched = f
        .ok_send(
            Method::PATCH,
            &teacher,
            &format!("/school/lessons/{id}"),
            json!({"participants": [], "materials": []}),
        )
        .await;
    assert!(patched.get("participants").is_none(), "{patched}");
    assert!(patched.get("materials").is_none(), "{patched}");
    assert_eq!(listed(&f, other).await, vec![id]);
    let gone = crate::files::download(&f, invited, &file_url, None).await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND, "no longer a material");
}

/// The texts of the last `n` messages of a chat, oldest first.
async fn last_texts(f: &Fixture, token: &str, chat: i64, n: usize) -> Vec<String> {
    let list = f
        .ok_get(token, &format!("/messages?chat_id={chat}&count={n}"))
        .await;
    let mut texts: Vec<String> = list["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"]["text"].as_str().unwrap_or_default().to_owned())
        .collect();
    texts.reverse();
    texts
}

#[tokio::test]
async fn the_class_chat_hears_when_a_lesson_is_planned_moved_or_cancelled() {
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    let parent = f.token(PARENT_5A).await;
    let class_5a = class_id(&f, "5А").await;
    let chat = f.chat_id(&parent, "5А — родители").await;
    let said = f.message_count(&parent, chat).await;

    let id = plan(&f, &teacher, class_5a, now() + DAY).await["id"]
        .as_i64()
        .unwrap();
    let told = last_texts(&f, &parent, chat, 1).await;
    assert!(
        told[0].starts_with("Назначен урок «Математика»: "),
        "{told:?}"
    );
    assert!(told[0].ends_with(", 45 мин."), "{told:?}");
    // Notes alone are not worth a message; a move is.
    f.ok_send(
        Method::PATCH,
        &teacher,
        &format!("/school/lessons/{id}"),
        json!({"notes": "Тетрадь"}),
    )
    .await;
    assert_eq!(f.message_count(&parent, chat).await, said + 1);
    f.ok_send(
        Method::PATCH,
        &teacher,
        &format!("/school/lessons/{id}"),
        json!({"starts_at": now() + 2 * DAY}),
    )
    .await;
    f.ok_delete(&teacher, &format!("/school/lessons/{id}"))
        .await;
    let told = last_texts(&f, &parent, chat, 2).await;
    assert!(
        told[0].starts_with("Урок «Математика» перенесён: "),
        "{told:?}"
    );
    assert!(told[0].contains(" → "), "{told:?}");
    assert!(told[1].ends_with(" отменён."), "{told:?}");
    assert_eq!(f.message_count(&parent, chat).await, said + 3);

    // A timetable import says so once; its dry run says nothing.
    let csv = "weekday,start,duration_min,subject\nПн,09:00,45,Математика\nСр,10:00,45,Чтение\n";
    f.ok_send(
        Method::POST,
        &teacher,
        "/school/timetable/import",
        term(class_5a, csv, true),
    )
    .await;
    assert_eq!(f.message_count(&parent, chat).await, said + 3);
    let report = f
        .ok_send(
            Method::POST,
            &teacher,
            "/school/timetable/import",
            term(class_5a, csv, false),
        )
        .await;
    let made = report["lessons"].as_array().unwrap().len();
    let told = last_texts(&f, &parent, chat, 1).await;
    assert!(told[0].starts_with("Загружено расписание 5А: "), "{told:?}");
    assert!(told[0].contains(&made.to_string()), "{made}: {told:?}");
}
