//! Sync through long polling, and reading the cache with the server gone.

use parta_model::view::{AppEvent, ConnectionState, Delivery};

use crate::common::*;

#[tokio::test]
async fn a_message_sent_by_one_client_arrives_at_another_through_long_polling() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let teacher_token = token(&server, "a.sokolova").await;
    let parent_token = token(&server, "e.morozova").await;

    let teacher = session(
        &server.url(),
        &teacher_token,
        None,
        sqlite(&dir.path().join("t.sqlite")).await,
    )
    .await;
    let parent = session(
        &server.url(),
        &parent_token,
        None,
        sqlite(&dir.path().join("p.sqlite")).await,
    )
    .await;
    wait_connection(&teacher, ConnectionState::Online).await;
    wait_connection(&parent, ConnectionState::Online).await;

    let chat = parent
        .chats()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.title == "5А — родители");
    let chat = chat.expect("the parent sees the class chat after the first sync");
    let mut parent_events = parent.subscribe();

    let pending = teacher
        .send_text(chat.chat_id, "Завтра урок начнётся в 9:00")
        .await
        .unwrap();
    assert_eq!(
        pending.delivery,
        Delivery::Pending,
        "shown at once, before the server has it"
    );
    let event = wait_event(&mut parent_events, "message_added at the parent", |e| {
        matches!(e, AppEvent::MessageAdded { message } if message.text == "Завтра урок начнётся в 9:00")
    })
    .await;
    let AppEvent::MessageAdded { message } = event else {
        unreachable!()
    };
    assert_eq!(message.text, "Завтра урок начнётся в 9:00");
    assert_eq!(message.sender_name, "Анна Сергеевна Соколова");

    // The update was written to the parent's cache before the event went out.
    let opened = parent.open_chat(chat.chat_id).await.unwrap();
    assert_eq!(
        opened.messages.last().map(|m| m.mid.as_str()),
        Some(message.mid.as_str())
    );

    teacher.stop().await;
    parent.stop().await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn after_a_restart_with_the_server_stopped_cached_messages_are_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.sqlite");
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let url = server.url();
    let token = token(&server, "a.sokolova").await;

    let first = session(&url, &token, None, sqlite(&cache).await).await;
    wait_connection(&first, ConnectionState::Online).await;
    let chats_online = first.chats().await.unwrap();
    assert_eq!(
        chats_online.len(),
        3,
        "the class teacher is in the teachers' chat and 5А's parents' and pupils' chats"
    );
    let class_chat = chats_online
        .iter()
        .find(|c| c.title == "5А — родители")
        .unwrap()
        .chat_id;
    let online_view = first.open_chat(class_chat).await.unwrap();
    first.stop().await;
    server.stop().await.unwrap();

    // A new session (as after an app restart) on the same cache file, server gone.
    let second = session(&url, &token, None, sqlite(&cache).await).await;
    wait_connection(&second, ConnectionState::Offline).await;
    assert_eq!(second.chats().await.unwrap(), chats_online);
    let offline_view = second.open_chat(class_chat).await.unwrap();
    assert_eq!(
        offline_view, online_view,
        "the chat reads the same from the cache"
    );
    assert!(
        offline_view.messages.len() >= 10,
        "the demo chat's history is cached"
    );
    assert!(
        offline_view
            .pinned
            .as_ref()
            .is_some_and(|p| p.text.contains("Родительское собрание")),
        "the pinned announcement is readable offline"
    );
    second.stop().await;
}

#[tokio::test]
async fn the_session_goes_offline_when_the_server_stops_and_reconnects_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.sqlite");
    let server = start_server(&db, loopback()).await;
    let addr = server.addr();
    let teacher_token = token(&server, "a.sokolova").await;
    let session = online(&server, &teacher_token, &dir.path().join("c.sqlite")).await;

    server.stop().await.unwrap();
    wait_connection(&session, ConnectionState::Offline).await;

    // The same server comes back on the same address; no call from us is needed.
    let server = start_server(&db, addr).await;
    wait_connection(&session, ConnectionState::Online).await;

    // And it is really live again: a message sent by someone else arrives.
    let other = token(&server, "e.morozova").await;
    let other = session_for(&server.url(), &other).await;
    wait_connection(&other, ConnectionState::Online).await;
    let chat = chat_id(&other, "5А — родители").await;
    let mut events = session.subscribe();
    other.send_text(chat, "Спасибо!").await.unwrap();
    wait_event(&mut events, "message after reconnect", |e| {
        matches!(e, AppEvent::MessageAdded { message }
            if message.text == "Спасибо!" && message.delivery == Delivery::Sent)
    })
    .await;
    other.stop().await;
    session.stop().await;
    server.stop().await.unwrap();
}

async fn session_for(
    url: &str,
    token: &parta_client::secrets::Sensitive<String>,
) -> parta_client::Session {
    session(
        url,
        token,
        None,
        std::sync::Arc::new(parta_client::store::MemoryStore::new()),
    )
    .await
}

#[tokio::test]
async fn sending_an_empty_or_overlong_message_is_refused_before_the_network() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let token = token(&server, "a.sokolova").await;
    let session = online(&server, &token, &dir.path().join("c.sqlite")).await;
    let chat = session.chats().await.unwrap()[0].chat_id;
    let before = session.open_chat(chat).await.unwrap().messages.len();
    for text in ["   ".to_owned(), "я".repeat(4001)] {
        let err = session.send_text(chat, &text).await.expect_err("refused");
        assert!(
            matches!(err, parta_client::Error::InvalidInput(_)),
            "{err:?}"
        );
    }
    assert_eq!(
        session.open_chat(chat).await.unwrap().messages.len(),
        before
    );
    session.stop().await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_message_written_offline_survives_a_restart_and_is_delivered_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.sqlite");
    let cache = dir.path().join("cache.sqlite");
    let server = start_server(&db, loopback()).await;
    let addr = server.addr();
    let teacher_token = token(&server, "a.sokolova").await;
    let parent_token = token(&server, "e.morozova").await;
    let teacher = session(&server.url(), &teacher_token, None, sqlite(&cache).await).await;
    wait_connection(&teacher, ConnectionState::Online).await;
    let chat = chat_id(&teacher, "5А — родители").await;
    server.stop().await.unwrap();
    wait_connection(&teacher, ConnectionState::Offline).await;

    // Written with the server gone: saved, shown as pending, not lost.
    let text = "Собрание переносится на пятницу";
    let pending = teacher.send_text(chat, text).await.unwrap();
    assert_eq!(pending.delivery, Delivery::Pending);
    let opened = teacher.open_chat(chat).await.unwrap();
    assert_eq!(
        opened.messages.last().map(|m| (&m.text[..], &m.delivery)),
        Some((text, &Delivery::Pending))
    );

    // The app is closed and opened again (same cache file) before the server returns.
    teacher.stop().await;
    let url = format!("http://{addr}");
    let teacher = session(&url, &teacher_token, None, sqlite(&cache).await).await;
    let server = start_server(&db, addr).await;
    let mut events = teacher.subscribe();
    wait_event(&mut events, "the outbox delivers it", |e| {
        matches!(e, AppEvent::MessageSent { .. })
    })
    .await;

    // Exactly once on the server, as another member sees it.
    let parent = online(&server, &parent_token, &dir.path().join("p.sqlite")).await;
    let seen = parent.open_chat(chat).await.unwrap();
    assert_eq!(seen.messages.iter().filter(|m| m.text == text).count(), 1);
    let mine = teacher.open_chat(chat).await.unwrap();
    assert_eq!(
        mine.messages.iter().filter(|m| m.text == text).count(),
        1,
        "no pending copy left"
    );
    assert!(mine.messages.iter().all(|m| m.delivery == Delivery::Sent));
    parent.stop().await;
    teacher.stop().await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_refused_message_is_kept_as_failed_with_a_reason_until_retried_or_discarded() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let teacher_token = token(&server, "a.sokolova").await;
    let other_teacher = token(&server, "m.volkov").await;
    // A chat this teacher is not in: the server answers 403.
    let foreign = parta_client::api::ApiClient::new(&server.url(), other_teacher)
        .unwrap()
        .all_chats()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.title.as_deref() == Some("7Б — родители"))
        .unwrap()
        .chat_id;
    let teacher = online(&server, &teacher_token, &dir.path().join("c.sqlite")).await;
    let mut events = teacher.subscribe();
    let pending = teacher.send_text(foreign, "Не туда").await.unwrap();
    wait_event(&mut events, "refusal", |e| {
        matches!(e, AppEvent::MessageUpdated { message } if matches!(message.delivery, Delivery::Failed { .. }))
    })
    .await;
    let waiting = teacher.outbox().await.unwrap();
    assert_eq!(waiting.len(), 1, "kept, not lost");
    let Delivery::Failed { reason } = &waiting[0].delivery else {
        panic!("failed")
    };
    assert!(
        reason.contains("not a member"),
        "the server's reason is kept: {reason}"
    );

    // Retrying runs into the same refusal; discarding removes it for good.
    teacher.retry(&pending.mid).await.unwrap();
    wait_event(&mut events, "refused again", |e| {
        matches!(e, AppEvent::MessageUpdated { message } if matches!(message.delivery, Delivery::Failed { .. }))
    })
    .await;
    teacher.discard(&pending.mid).await.unwrap();
    assert!(teacher.outbox().await.unwrap().is_empty());
    assert!(
        teacher.discard(&pending.mid).await.is_err(),
        "a second discard says it is gone"
    );
    teacher.stop().await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_send_whose_answer_is_lost_is_retried_and_still_stored_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let proxy = crate::proxy::FaultyProxy::start(server.addr()).await;
    let teacher_token = token(&server, "a.sokolova").await;
    let parent_token = token(&server, "o.smirnov").await;
    let teacher = session(
        &proxy.url(),
        &teacher_token,
        None,
        sqlite(&dir.path().join("t.sqlite")).await,
    )
    .await;
    wait_connection(&teacher, ConnectionState::Online).await;
    let chat = chat_id(&teacher, "5А — родители").await;
    // The parent talks to the server directly and watches what really arrives.
    let parent = online(&server, &parent_token, &dir.path().join("p.sqlite")).await;
    let mut at_parent = parent.subscribe();
    let mut at_teacher = teacher.subscribe();

    proxy.drop_answers(true);
    let text = "Ответ сервера потерялся, а сообщение — нет";
    teacher.send_text(chat, text).await.unwrap();
    // The server stored it (the parent gets it), but the teacher never heard back...
    wait_event(
        &mut at_parent,
        "stored on the server",
        |e| matches!(e, AppEvent::MessageAdded { message } if message.text == text),
    )
    .await;
    assert_eq!(
        teacher.outbox().await.unwrap().len(),
        1,
        "still waiting at the teacher"
    );
    // ...and keeps retrying with the same key while answers are lost. Let a few retries pass.
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;

    proxy.drop_answers(false);
    wait_event(&mut at_teacher, "the outbox hears back", |e| {
        matches!(e, AppEvent::MessageSent { .. })
    })
    .await;
    assert!(teacher.outbox().await.unwrap().is_empty());

    // Exactly one copy on the server, whatever the number of attempts.
    let list = parta_client::api::ApiClient::new(&server.url(), parent_token.clone())
        .unwrap()
        .messages(chat, 100, None)
        .await
        .unwrap();
    let copies = list
        .messages
        .iter()
        .filter(|m| m.body.text.as_deref() == Some(text))
        .count();
    assert_eq!(copies, 1);
    teacher.stop().await;
    parent.stop().await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_busy_server_is_waited_for_as_it_asks_and_the_message_still_goes_once() {
    let dir = tempfile::tempdir().unwrap();
    // Two requests a second per device: the first sync alone needs more than that.
    let limits = parta_server::ratelimit::RateLimits {
        device_per_second: 2.0,
        device_burst: 2.0,
        ..Default::default()
    };
    let server =
        start_server_with_limits(&dir.path().join("server.sqlite"), loopback(), limits).await;
    let teacher_token = token(&server, "a.sokolova").await;
    let teacher = online(&server, &teacher_token, &dir.path().join("t.sqlite")).await;
    let chat = chat_id(&teacher, "5А — родители").await;
    let mut events = teacher.subscribe();
    let text = "Сообщение через занятый сервер";
    teacher.send_text(chat, text).await.unwrap();
    wait_event(&mut events, "the outbox delivers it", |e| {
        matches!(e, AppEvent::MessageSent { .. })
    })
    .await;
    teacher.stop().await;

    // Exactly once on the server (checked with another device's token and bucket).
    let reader = token(&server, "e.morozova").await;
    let list = parta_client::api::ApiClient::new(&server.url(), reader)
        .unwrap()
        .messages(chat, 50, None)
        .await
        .unwrap();
    let copies = list
        .messages
        .iter()
        .filter(|m| m.body.text.as_deref() == Some(text))
        .count();
    assert_eq!(copies, 1);
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_drains_exactly_once_through_drops_delays_resets_and_half_open_connections() {
    use crate::proxy::{Fault, FaultyProxy};
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let proxy = FaultyProxy::start(server.addr()).await;
    let token = token(&server, "a.sokolova").await;
    // A short request timeout: a half-open connection is noticed only by it.
    let api = parta_client::api::ApiClient::new(&proxy.url(), token.clone())
        .unwrap()
        .with_request_timeout(Duration::from_secs(2));
    let config = parta_client::SessionConfig {
        poll_timeout: Duration::from_secs(1),
        ..fast_config()
    };
    let teacher = parta_client::Session::start(
        "t".into(),
        None,
        api,
        sqlite(&dir.path().join("t.sqlite")).await,
        config,
    );
    wait_connection(&teacher, ConnectionState::Online).await;
    let chat = chat_id(&teacher, "5А — родители").await;

    let faults = [
        Fault::DropAnswers,
        Fault::Delay(Duration::from_millis(400)),
        Fault::Reset,
        Fault::HalfOpen,
    ];
    let mut written = Vec::new();
    for (round, fault) in faults.iter().enumerate() {
        proxy.set(*fault);
        for n in 0..5 {
            let text = format!("Сбой {fault:?}, сообщение {round}.{n}");
            teacher.send_text(chat, &text).await.unwrap();
            written.push(text);
        }
        tokio::time::sleep(Duration::from_millis(1500)).await;
        if !matches!(fault, Fault::Delay(_)) {
            assert!(
                !teacher.outbox().await.unwrap().is_empty(),
                "{fault:?} really kept messages from being confirmed"
            );
        }
        proxy.set(Fault::Pass);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // Recovered: everything goes out.
    let deadline = tokio::time::Instant::now() + SOON;
    while !teacher.outbox().await.unwrap().is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the outbox did not drain"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for text in &written {
        let copies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE text = ?")
            .bind(text)
            .fetch_one(server.sqlite_pool().unwrap())
            .await
            .unwrap();
        assert_eq!(copies, 1, "{text}: exactly once on the server");
    }
    let cached = teacher.all_messages(chat).await.unwrap();
    for text in &written {
        assert_eq!(
            cached.iter().filter(|m| m.text == *text).count(),
            1,
            "{text}: once in the cache"
        );
    }
    teacher.stop().await;
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_drafts_read_marks_members_and_acknowledgements_work_and_stay_offline() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let teacher = session(
        &server.url(),
        &token(&server, "a.sokolova").await,
        None,
        sqlite(&dir.path().join("t.sqlite")).await,
    )
    .await;
    let parent_token = token(&server, "e.morozova").await;
    let parent_cache = sqlite(&dir.path().join("p.sqlite")).await;
    let parent = session(&server.url(), &parent_token, None, parent_cache.clone()).await;
    wait_connection(&teacher, ConnectionState::Online).await;
    wait_connection(&parent, ConnectionState::Online).await;
    let chat = chat_id(&parent, "5А — родители").await;
    let unread = |s: parta_client::Session| async move {
        s.chats()
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.chat_id == chat)
            .unwrap()
            .unread
    };

    // Unread: the demo history is new to her; reading the chat clears it.
    assert!(unread(parent.clone()).await > 0);
    parent.mark_read(chat).await.unwrap();
    assert_eq!(unread(parent.clone()).await, 0);

    // The teacher writes; it is unread at the parent, who answers it with a reply.
    let mut at_parent = parent.subscribe();
    let mut at_teacher = teacher.subscribe();
    teacher
        .send_text(chat, "Кто сможет помочь с ёлкой?")
        .await
        .unwrap();
    let added = wait_event(&mut at_parent, "the question arrives", |e| {
        matches!(e, AppEvent::MessageAdded { message } if message.text == "Кто сможет помочь с ёлкой?")
    })
    .await;
    let AppEvent::MessageAdded { message: question } = added else {
        unreachable!()
    };
    assert_eq!(unread(parent.clone()).await, 1);
    parent
        .send_reply(chat, "Я смогу, в субботу", &question.mid)
        .await
        .unwrap();
    let reply = wait_event(
        &mut at_teacher,
        "the reply arrives",
        |e| matches!(e, AppEvent::MessageAdded { message } if message.text == "Я смогу, в субботу"),
    )
    .await;
    let AppEvent::MessageAdded { message: reply } = reply else {
        unreachable!()
    };
    let quoted = reply.reply_to.expect("a reply names what it answers");
    assert_eq!(quoted.mid, question.mid);
    assert_eq!(quoted.text, "Кто сможет помочь с ёлкой?");

    // Members and the announcement, fetched online...
    let members = parent.members(chat).await.unwrap();
    let names: Vec<_> = members.iter().map(|m| m.name.as_str()).collect();
    assert!(names.contains(&"Анна Сергеевна Соколова"), "{names:?}");
    assert!(names.contains(&"Елена Морозова"), "{names:?}");
    let pinned = parent.open_chat(chat).await.unwrap().pinned.unwrap();
    let status = parent.announcement_status(&pinned.mid).await.unwrap();
    assert!(status.is_announcement && !status.acknowledged);
    parent.acknowledge(&pinned.mid).await.unwrap();
    let announcements = parent.announcements().await.unwrap();
    let listed = announcements
        .iter()
        .find(|a| a.message.mid == pinned.mid)
        .expect("the pinned announcement is in the section");
    assert!(listed.acknowledged);
    assert_eq!(listed.chat_title, "5А — родители");
    parent
        .save_draft(chat, "Спасибо, ознакомилась. Вопрос про")
        .await
        .unwrap();

    // ...and read with the server gone, after a restart.
    let url = server.url();
    teacher.stop().await;
    parent.stop().await;
    server.stop().await.unwrap();
    let again = session(&url, &parent_token, None, parent_cache).await;
    wait_connection(&again, ConnectionState::Offline).await;
    assert_eq!(again.members(chat).await.unwrap(), members);
    let status = again.announcement_status(&pinned.mid).await.unwrap();
    assert!(status.is_announcement && status.acknowledged, "{status:?}");
    assert_eq!(
        again.announcements().await.unwrap(),
        announcements,
        "the section offline"
    );
    assert_eq!(
        again.draft(chat).await.unwrap().as_deref(),
        Some("Спасибо, ознакомилась. Вопрос про")
    );
    let cached_reply = again
        .all_messages(chat)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.text == "Я смогу, в субботу")
        .unwrap();
    assert_eq!(cached_reply.reply_to.map(|r| r.mid), Some(question.mid));
    again.mark_read(chat).await.unwrap();
    assert_eq!(unread(again.clone()).await, 0, "read offline too");
    again.stop().await;
}

/// A session that cannot get online says why: here the server answers every request, but with
/// a 404 (a wrong address under the right host), which is not a silent server.
#[tokio::test]
async fn a_session_that_cannot_sync_keeps_what_the_server_answered() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let token = token(&server, "a.sokolova").await;
    let wrong = format!("{}/not-here", server.url());
    let session = session(
        &wrong,
        &token,
        None,
        sqlite(&dir.path().join("cache.sqlite")).await,
    )
    .await;
    wait_connection(&session, ConnectionState::Offline).await;
    let failure = session.last_failure().expect("a reason is kept");
    assert!(
        failure.contains("404") && failure.contains("not.found"),
        "what the server answered, not 'no answer': {failure}"
    );
    session.stop().await;
}

#[tokio::test]
async fn a_parents_message_in_the_teachers_quiet_hours_arrives_marked_silent() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let teacher_token = token(&server, "a.sokolova").await;
    let parent_token = token(&server, "e.morozova").await;
    // Quiet from an hour ago to an hour from now, whatever the time of day.
    let minute = (parta_client::now_ms() / 60_000) % 1440;
    let hours = parta_model::school::QuietHours {
        start_minute: (minute + 1440 - 60) % 1440,
        end_minute: (minute + 60) % 1440,
        utc_offset_minutes: 0,
    };
    let api = parta_client::api::ApiClient::new(&server.url(), teacher_token.clone()).unwrap();
    api.set_quiet_hours(Some(&hours)).await.unwrap();
    assert_eq!(api.quiet_hours().await.unwrap(), Some(hours));

    let teacher = online(&server, &teacher_token, &dir.path().join("t.sqlite")).await;
    let parent = online(&server, &parent_token, &dir.path().join("p.sqlite")).await;
    let chat = chat_id(&parent, "5А — родители").await;
    let mut heard = teacher.subscribe();
    parent
        .send_text(chat, "Добрый вечер, вопрос")
        .await
        .unwrap();
    let event = wait_event(&mut heard, "the parent's message at the teacher", |e| {
        matches!(e, AppEvent::MessageAdded { message } if message.text == "Добрый вечер, вопрос")
    })
    .await;
    let AppEvent::MessageAdded { message } = event else {
        unreachable!()
    };
    let until = message.silent_until.expect("marked silent");
    assert!(until > parta_client::now_ms(), "until the quiet hours end");
    teacher.stop().await;
    parent.stop().await;
    server.stop().await.unwrap();
}
