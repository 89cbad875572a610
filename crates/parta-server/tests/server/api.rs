//! The MAX Bot API surface: auth, membership, sending, idempotency, long polling, bad input.

use crate::common::{Fixture, error_of};

use parta_model::max::{ChatList, MessageList, SendMessageResult, Update, UpdateList};
use parta_server::{RunningServer, ServerConfig};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn an_unknown_or_missing_token_gets_401_with_a_max_shaped_body() {
    let f = Fixture::new().await;
    let error = error_of(
        f.get("parta_not-a-token", "/me").send().await.unwrap(),
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(error.code, "verify.token");
    let response = f
        .http
        .get(format!("{}/chats", f.server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(response, StatusCode::UNAUTHORIZED).await.code,
        "verify.token"
    );
}

#[tokio::test]
async fn me_returns_the_person_behind_the_token() {
    let f = Fixture::new().await;
    let token = f.token("e.morozova").await;
    let me: serde_json::Value = f
        .get(&token, "/me")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["first_name"], "Елена");
    assert_eq!(me["last_name"], "Морозова");
    assert_eq!(me["is_bot"], false);
}

#[tokio::test]
async fn a_parent_sees_only_their_class_chat_and_cannot_read_another() {
    let f = Fixture::new().await;
    let parent = f.token("e.morozova").await;
    let teacher_b = f.token("m.volkov").await;
    let list: ChatList = f
        .get(&parent, "/chats")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let titles: Vec<_> = list.chats.iter().filter_map(|c| c.title.clone()).collect();
    assert_eq!(
        titles,
        vec!["5А — родители"],
        "no teachers' chat, no other class"
    );

    let other_class = f.chat_id(&teacher_b, "7Б — родители").await;
    let response = f
        .get(&parent, &format!("/messages?chat_id={other_class}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(response, StatusCode::FORBIDDEN).await.code,
        "access.denied"
    );
    let response = f
        .post(&parent, &format!("/messages?chat_id={other_class}"))
        .json(&json!({"text": "Здравствуйте"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(response, StatusCode::FORBIDDEN).await.code,
        "access.denied"
    );
    let response = f
        .get(&parent, "/messages?chat_id=999999")
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(response, StatusCode::NOT_FOUND).await.code,
        "not.found"
    );
}

#[tokio::test]
async fn messages_come_newest_first_and_a_single_chat_carries_its_pinned_announcement() {
    let f = Fixture::new().await;
    let teacher = f.token("a.sokolova").await;
    let chat_id = f.chat_id(&teacher, "5А — родители").await;
    let list: MessageList = f
        .get(&teacher, &format!("/messages?chat_id={chat_id}&count=5"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.messages.len(), 5);
    assert!(
        list.messages
            .windows(2)
            .all(|w| w[0].timestamp >= w[1].timestamp),
        "newest first"
    );
    let chat: serde_json::Value = f
        .get(&teacher, &format!("/chats/{chat_id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pinned = chat["pinned_message"]["body"]["text"].as_str().unwrap();
    assert!(pinned.contains("Родительское собрание"));
}

#[tokio::test]
async fn a_retried_send_with_the_same_idempotency_key_returns_the_first_message() {
    let f = Fixture::new().await;
    let teacher = f.token("a.sokolova").await;
    let chat_id = f.chat_id(&teacher, "5А — родители").await;
    let before = f.message_count(&teacher, chat_id).await;
    let mut mids = Vec::new();
    for _ in 0..3 {
        let sent: SendMessageResult = f
            .post(&teacher, &format!("/messages?chat_id={chat_id}"))
            .header("Idempotency-Key", "outbox-42")
            .json(&json!({"text": "Собрание переносится на пятницу"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        mids.push(sent.message.body.mid);
    }
    assert!(
        mids.iter().all(|m| *m == mids[0]),
        "every retry names the first message: {mids:?}"
    );
    assert_eq!(
        f.message_count(&teacher, chat_id).await,
        before + 1,
        "stored once"
    );
}

#[tokio::test]
async fn bad_input_gets_400_with_a_reason_and_stores_nothing() {
    let f = Fixture::new().await;
    let teacher = f.token("a.sokolova").await;
    let chat_id = f.chat_id(&teacher, "5А — родители").await;
    let before = f.message_count(&teacher, chat_id).await;
    let path = format!("/messages?chat_id={chat_id}");
    let cases = [
        f.post(&teacher, &path)
            .header("Content-Type", "application/json")
            .body("{\"text\": "),
        f.post(&teacher, &path).json(&json!({"text": 42})),
        f.post(&teacher, &path)
            .json(&json!({"text": "я".repeat(4001)})),
        f.post(&teacher, &path).json(&json!({"text": "   "})),
        f.post(&teacher, "/messages")
            .json(&json!({"text": "без чата"})),
        f.post(&teacher, "/messages?chat_id=abc")
            .json(&json!({"text": "x"})),
    ];
    for request in cases {
        let error = error_of(request.send().await.unwrap(), StatusCode::BAD_REQUEST).await;
        assert_eq!(error.code, "proto.payload");
        assert!(!error.message.is_empty());
    }
    let response = f
        .get(&teacher, &format!("/messages?chat_id={chat_id}&count=0"))
        .send()
        .await
        .unwrap();
    error_of(response, StatusCode::BAD_REQUEST).await;
    let response = f.get(&teacher, "/updates?timeout=91").send().await.unwrap();
    error_of(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(
        f.message_count(&teacher, chat_id).await,
        before,
        "nothing half-written"
    );
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_in_max_shape() {
    let f = Fixture::new().await;
    let teacher = f.token("a.sokolova").await;
    let response = f.get(&teacher, "/no/such/path").send().await.unwrap();
    assert_eq!(
        error_of(response, StatusCode::NOT_FOUND).await.code,
        "not.found"
    );
    let response = f
        .http
        .delete(format!("{}/me", f.server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(response, StatusCode::METHOD_NOT_ALLOWED)
            .await
            .code,
        "method.not.allowed"
    );
}

async fn poll(f: &Fixture, token: &str, marker: Option<i64>, timeout: u64) -> UpdateList {
    let mut path = format!("/updates?timeout={timeout}&limit=2");
    if let Some(marker) = marker {
        path.push_str(&format!("&marker={marker}"));
    }
    f.get_json(token, &path).await
}

fn texts(updates: &[Update]) -> Vec<String> {
    updates
        .iter()
        .filter_map(|u| match u {
            Update::MessageCreated { message, .. } => message.body.text.clone(),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn long_polling_delivers_every_update_once_across_reconnects_with_markers() {
    let f = Fixture::new().await;
    let teacher = f.token("a.sokolova").await;
    let parent = f.token("o.smirnov").await;
    let chat_id = f.chat_id(&teacher, "5А — родители").await;

    // A poll that waits, woken by a send from someone else.
    let waiting = {
        let http = f.http.clone();
        let url = format!("{}/updates?timeout=30", f.server.url());
        let parent = parent.clone();
        tokio::spawn(async move {
            http.get(url)
                .header("Authorization", parent)
                .send()
                .await
                .unwrap()
                .json::<UpdateList>()
                .await
                .unwrap()
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let sent: SendMessageResult = f
        .post(&teacher, &format!("/messages?chat_id={chat_id}"))
        .json(&json!({"text": "первое"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let first = waiting.await.unwrap();
    assert_eq!(texts(&first.updates), vec!["первое"]);
    assert_eq!(sent.message.body.text.as_deref(), Some("первое"));

    // Five more while the parent is "offline"; then read them in pages of two with markers.
    for i in 1..=5 {
        f.post(&teacher, &format!("/messages?chat_id={chat_id}"))
            .json(&json!({"text": format!("сообщение {i}")}))
            .send()
            .await
            .unwrap();
    }
    let mut marker = first.marker;
    let mut seen = Vec::new();
    loop {
        let page = poll(&f, &parent, marker, 0).await;
        if page.updates.is_empty() {
            break;
        }
        seen.extend(texts(&page.updates));
        marker = page.marker;
    }
    assert_eq!(
        seen,
        (1..=5)
            .map(|i| format!("сообщение {i}"))
            .collect::<Vec<_>>()
    );

    // Reconnecting with the last marker gives nothing twice; without a marker, the device
    // resumes from its last committed marker.
    assert!(poll(&f, &parent, marker, 0).await.updates.is_empty());
    assert!(poll(&f, &parent, None, 0).await.updates.is_empty());
}

#[tokio::test]
async fn the_demo_school_is_created_once_and_reused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let config = ServerConfig::demo(db.clone(), ([127, 0, 0, 1], 0).into());
    let count = |server: &RunningServer| {
        let parta_server::Database::Sqlite(pool) = server.database().clone() else {
            panic!("a server on a SQLite file");
        };
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM messages")
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let server = parta_server::start(config.clone()).await.unwrap();
    let first = count(&server).await;
    assert!(first >= 30, "a few dozen demo messages, got {first}");
    server.stop().await.unwrap();
    let server = parta_server::start(config).await.unwrap();
    assert_eq!(
        count(&server).await,
        first,
        "a second start reuses the school"
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_device_over_its_rate_gets_429_with_retry_after_and_others_go_on() {
    let limits = parta_server::ratelimit::RateLimits {
        device_per_second: 1.0,
        device_burst: 2.0,
        anonymous_per_minute: 1.0,
        anonymous_burst: 1.0,
        ..Default::default()
    };
    let f = Fixture::start(crate::common::TestClock::new(), limits).await;
    let busy = f.token("e.morozova").await;
    let calm = f.token("o.smirnov").await;
    for _ in 0..2 {
        assert_eq!(
            f.get(&busy, "/me").send().await.unwrap().status(),
            StatusCode::OK
        );
    }
    let refused = f.get(&busy, "/me").send().await.unwrap();
    assert_eq!(
        refused.headers()["retry-after"].to_str().unwrap(),
        "1",
        "one request a second: wait a second"
    );
    let error = error_of(refused, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(error.code, "too.many.requests");
    assert_eq!(
        f.get(&calm, "/me").send().await.unwrap().status(),
        StatusCode::OK
    );

    // Password guessing from one address is slowed down too, right or wrong.
    let login = json!({"login": "e.morozova", "password": "wrong-password", "device_name": "x"});
    let first = f
        .http
        .post(format!("{}/school/login", f.server.url()))
        .json(&login)
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::UNAUTHORIZED);
    let second = f
        .http
        .post(format!("{}/school/login", f.server.url()))
        .json(&login)
        .send()
        .await
        .unwrap();
    assert_eq!(second.headers()["retry-after"].to_str().unwrap(), "60");
    assert_eq!(
        error_of(second, StatusCode::TOO_MANY_REQUESTS).await.code,
        "too.many.requests"
    );

    // Behind a reverse proxy on this computer every request comes from 127.0.0.1: the address
    // the proxy adds last to X-Forwarded-For is the one counted, so one busy address does not
    // lock a whole school out, and what a client writes before it does not count.
    let behind_proxy = |forwarded: &'static str| {
        f.http
            .post(format!("{}/school/login", f.server.url()))
            .header("X-Forwarded-For", forwarded)
            .json(&login)
            .send()
    };
    let from_a = behind_proxy("10.0.0.1").await.unwrap();
    assert_eq!(from_a.status(), StatusCode::UNAUTHORIZED);
    let again_a = behind_proxy("192.0.2.9, 10.0.0.1").await.unwrap();
    assert_eq!(
        again_a.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "a made-up first entry does not make a new address"
    );
    let from_b = behind_proxy("10.0.0.2").await.unwrap();
    assert_eq!(
        from_b.status(),
        StatusCode::UNAUTHORIZED,
        "another address goes on"
    );
}

#[tokio::test]
async fn a_committed_marker_survives_a_restart_so_nothing_is_delivered_twice() {
    let dir = tempfile::tempdir().unwrap();
    let config = ServerConfig::demo(dir.path().join("school.sqlite"), ([127, 0, 0, 1], 0).into());
    let http = reqwest::Client::new();
    let server = parta_server::start(config.clone()).await.unwrap();
    let teacher = parta_server::demo::issue_token(server.school(), "a.sokolova", "t")
        .await
        .unwrap()
        .into_inner();
    let parent = parta_server::demo::issue_token(server.school(), "e.morozova", "t")
        .await
        .unwrap()
        .into_inner();
    let chat = {
        let list: ChatList = http
            .get(format!("{}/chats", server.url()))
            .header("Authorization", &parent)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        list.chats[0].chat_id
    };
    http.post(format!("{}/messages?chat_id={chat}", server.url()))
        .header("Authorization", &teacher)
        .json(&json!({"text": "Первое"}))
        .send()
        .await
        .unwrap();
    let first: UpdateList = http
        .get(format!("{}/updates?timeout=0", server.url()))
        .header("Authorization", &parent)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(first.updates.len(), 1);
    // Committing the marker happens in memory; the stop writes it down.
    let marker = first.marker.unwrap();
    let committed: UpdateList = http
        .get(format!(
            "{}/updates?timeout=0&marker={marker}",
            server.url()
        ))
        .header("Authorization", &parent)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(committed.updates.is_empty());
    server.stop().await.unwrap();

    let server = parta_server::start(config).await.unwrap();
    let after: UpdateList = http
        .get(format!("{}/updates?timeout=0", server.url()))
        .header("Authorization", &parent)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        after.updates.is_empty(),
        "without a marker the device resumes after what it committed: {:?}",
        after.updates
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_password_is_not_guessed_from_many_addresses_and_each_failure_is_audited() {
    let clock = crate::common::TestClock::new();
    // The per-address limit lifted: this stands for attempts from many addresses.
    let limits = parta_server::ratelimit::RateLimits {
        anonymous_per_minute: 1e6,
        anonymous_burst: 1e6,
        ..Default::default()
    };
    let f = Fixture::start(clock.clone(), limits).await;
    let login = |name: &str, password: &str| json!({"login": name, "password": password, "device_name": "Ноутбук"});
    let attempt = |body: serde_json::Value| {
        let f = &f;
        async move {
            f.call(reqwest::Method::POST, None, "/school/login", Some(body))
                .await
        }
    };
    let wrong = login("e.morozova", "не-тот-пароль");
    let right = login("e.morozova", parta_server::demo::DEMO_PASSWORD);
    // Four wrong passwords, and one more with the login written otherwise: the same login to
    // the limit, an unknown one to the accounts (so not audited).
    for body in [
        wrong.clone(),
        wrong.clone(),
        wrong.clone(),
        wrong.clone(),
        login(" E.MOROZOVA ", "ещё-не-тот"),
    ] {
        let (status, answer) = attempt(body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
    }
    // The sixth try waits, even with the right password: guessing stays slow.
    let (status, answer) = attempt(right.clone()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{answer}");
    // Each failure is in the audit log, under the person, without what was typed.
    let admin = f.token("i.kuznetsova").await;
    let audit = f
        .ok(reqwest::Method::GET, &admin, "/school/audit?count=50", None)
        .await;
    let failures = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "user.login_failed")
        .count();
    assert_eq!(failures, 4, "{audit}");
    assert!(!audit.to_string().contains("не-тот-пароль"));
    // An hour on, the right password gets in, and the count starts afresh.
    clock.advance_hours(1);
    let (status, answer) = attempt(right).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    for _ in 0..5 {
        let (status, _) = attempt(wrong.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }

    // The person sees the failures on her own login, newest first, with the device named;
    // nobody else's, and nothing older than 30 days.
    let own = answer["access_token"].as_str().unwrap().to_owned();
    let failed = f.ok_get(&own, "/school/me/failed-sign-ins").await;
    let failures = failed["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 9, "{failed}");
    assert_eq!(failures[0]["device"], "Ноутбук");
    let times: Vec<i64> = failures.iter().map(|f| f["at"].as_i64().unwrap()).collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {times:?}"
    );
    assert!(!failed.to_string().contains("не-тот-пароль"));
    let someone_else = f.token("a.sokolova").await;
    let theirs = f.ok_get(&someone_else, "/school/me/failed-sign-ins").await;
    assert_eq!(theirs["failures"], json!([]));
    clock.advance_hours(31 * 24);
    let later = f.ok_get(&own, "/school/me/failed-sign-ins").await;
    assert_eq!(
        later["failures"],
        json!([]),
        "older than 30 days: not shown"
    );
}
