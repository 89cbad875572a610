//! Announcements written in the app (procedure 2.3, 4.1): through the outbox like any message,
//! one item per chat of a broadcast, each delivered exactly once, with what it asks.

use parta_model::view::{AppEvent, Delivery};

use crate::common::*;

#[tokio::test]
async fn a_broadcast_written_offline_reaches_each_chat_once_and_a_refusing_chat_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.sqlite");
    let cache = dir.path().join("cache.sqlite");
    let server = start_server(&db, loopback()).await;
    let addr = server.addr();
    let teacher_token = token(&server, "a.sokolova").await;
    let parent_token = token(&server, "e.morozova").await;
    let teacher = session(&server.url(), &teacher_token, None, sqlite(&cache).await).await;
    wait_connection(&teacher, parta_model::view::ConnectionState::Online).await;
    let class_5a = chat_id(&teacher, "5А — родители").await;
    let teachers = chat_id(&teacher, "Учителя").await;
    // A chat she is not in: the server refuses her announcement there.
    let class_7b: i64 = sqlx::query_scalar("SELECT id FROM chats WHERE title = '7Б — родители'")
        .fetch_one(server.sqlite_pool().unwrap())
        .await
        .unwrap();
    server.stop().await.unwrap();
    wait_connection(&teacher, parta_model::view::ConnectionState::Offline).await;

    let text = "В понедельник занятия начинаются в 9:30";
    let pending = teacher
        .announce(&[class_5a, teachers, class_5a, class_7b], text, false)
        .await
        .unwrap();
    let chats: Vec<i64> = pending.iter().map(|m| m.chat_id).collect();
    assert_eq!(chats, vec![class_5a, teachers, class_7b], "each chat once");
    assert!(pending.iter().all(|m| m.delivery == Delivery::Pending));

    // Closed and opened again before the server returns: the outbox keeps what it sends as.
    teacher.stop().await;
    let teacher = session(
        &format!("http://{addr}"),
        &teacher_token,
        None,
        sqlite(&cache).await,
    )
    .await;
    let mut events = teacher.subscribe();
    let server = start_server(&db, addr).await;
    let (mut sent, mut failed) = (0, 0);
    while sent + failed < 3 {
        match wait_event(&mut events, "each chat's delivery", |e| {
            matches!(e, AppEvent::MessageSent { .. })
                || matches!(e, AppEvent::MessageUpdated { message } if matches!(message.delivery, Delivery::Failed { .. }))
        })
        .await
        {
            AppEvent::MessageSent { .. } => sent += 1,
            _ => failed += 1,
        }
    }
    assert_eq!((sent, failed), (2, 1));
    let left = teacher.outbox().await.unwrap();
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0].chat_id, class_7b);

    // On the server: an announcement that only informs, once in each of her two chats.
    let mine = teacher.announcements().await.unwrap();
    let posted: Vec<(i64, bool)> = mine
        .iter()
        .filter(|a| a.message.text == text)
        .map(|a| (a.message.chat_id, a.ack_required))
        .collect();
    assert_eq!(posted.len(), 2, "{posted:?}");
    assert!(posted.contains(&(class_5a, false)) && posted.contains(&(teachers, false)));
    let parent = online(&server, &parent_token, &dir.path().join("p.sqlite")).await;
    let seen = parent.announcements().await.unwrap();
    let theirs: Vec<_> = seen.iter().filter(|a| a.message.text == text).collect();
    assert_eq!(theirs.len(), 1, "exactly once in 5А");
    assert!(!theirs[0].ack_required);
    let err = parent
        .acknowledge(&theirs[0].message.mid)
        .await
        .expect_err("nothing to acknowledge");
    assert!(
        matches!(err, parta_client::Error::Server { status: 400, .. }),
        "{err:?}"
    );

    // One that asks: the parent acknowledges, and the teacher's receipts say so.
    let asks = teacher
        .announce(&[class_5a], "Сдать анкеты до пятницы", true)
        .await
        .unwrap();
    wait_event(
        &mut events,
        "the announcement is sent",
        |e| matches!(e, AppEvent::MessageSent { local_mid, .. } if *local_mid == asks[0].mid),
    )
    .await;
    let listed = parent.announcements().await.unwrap();
    let it = listed
        .iter()
        .find(|a| a.message.text == "Сдать анкеты до пятницы")
        .unwrap();
    assert!(it.ack_required && !it.acknowledged);
    parent.acknowledge(&it.message.mid).await.unwrap();
    let receipts = teacher.receipts(&it.message.mid).await.unwrap();
    assert_eq!(receipts.acknowledged, vec!["Елена Морозова"]);

    // Offline, the parent still reads both, each with what it asks.
    parent.stop().await;
    server.stop().await.unwrap();
    let parent = session(
        &format!("http://{addr}"),
        &parent_token,
        None,
        sqlite(&dir.path().join("p.sqlite")).await,
    )
    .await;
    let offline: Vec<(String, bool, bool)> = parent
        .announcements()
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.message.text == text || a.message.text == "Сдать анкеты до пятницы")
        .map(|a| (a.message.text, a.ack_required, a.acknowledged))
        .collect();
    assert_eq!(
        offline,
        vec![
            ("Сдать анкеты до пятницы".to_owned(), true, true),
            (text.to_owned(), false, false),
        ]
    );
    parent.stop().await;
    teacher.stop().await;
}

#[tokio::test]
async fn an_announcement_to_no_chat_or_with_no_text_is_refused_before_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let teacher_token = token(&server, "a.sokolova").await;
    let teacher = online(&server, &teacher_token, &dir.path().join("c.sqlite")).await;
    let chat = chat_id(&teacher, "5А — родители").await;
    for (chats, text) in [(vec![], "Текст"), (vec![chat], "   "), (vec![chat; 1], "")] {
        let err = teacher
            .announce(&chats, text, true)
            .await
            .expect_err("refused");
        assert!(
            matches!(err, parta_client::Error::InvalidInput(_)),
            "{err:?}"
        );
    }
    let many: Vec<i64> = (1..=201).collect();
    assert!(teacher.announce(&many, "Текст", true).await.is_err());
    assert!(
        teacher.outbox().await.unwrap().is_empty(),
        "nothing written"
    );
    teacher.stop().await;
    server.stop().await.unwrap();
}
