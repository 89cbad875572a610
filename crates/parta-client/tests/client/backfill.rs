//! History: the first sync pages back through each chat, and a sync after time offline fills
//! the gap back to the newest cached message.

use parta_client::api::ApiClient;
use parta_client::{Session, SessionConfig};
use parta_model::max::NewMessageBody;
use parta_model::view::{AppEvent, ConnectionState};

use crate::common::*;

/// Posts `count` numbered messages to `chat_id` straight through the API (no session).
async fn post_many(api: &ApiClient, chat_id: i64, prefix: &str, count: usize) {
    for i in 0..count {
        let body = NewMessageBody {
            text: Some(format!("{prefix} {i}")),
            ..Default::default()
        };
        api.send_message(chat_id, &body, &uuid::Uuid::new_v4().to_string())
            .await
            .unwrap();
    }
}

fn config(page_size: u8, history_per_chat: u32) -> SessionConfig {
    SessionConfig {
        page_size,
        history_per_chat,
        ..fast_config()
    }
}

/// Waits for the progress event that ends a sync; returns how many messages it fetched.
async fn sync_finished(events: &mut tokio::sync::broadcast::Receiver<AppEvent>) -> u32 {
    let event = wait_event(events, "the end of the sync", |e| {
        matches!(e, AppEvent::SyncProgress { chats_done, chats_total, .. } if chats_done == chats_total)
    })
    .await;
    match event {
        AppEvent::SyncProgress { messages, .. } => messages,
        _ => unreachable!(),
    }
}

fn numbered(texts: &[String], prefix: &str) -> Vec<usize> {
    let mut numbers: Vec<usize> = texts
        .iter()
        .filter_map(|t| t.strip_prefix(prefix)?.trim().parse().ok())
        .collect();
    numbers.sort_unstable();
    numbers
}

#[tokio::test]
async fn the_first_sync_pages_back_through_history_up_to_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let teacher = ApiClient::new(&server.url(), token(&server, "a.sokolova").await).unwrap();
    let chat = api_chat_id(&teacher, "5А — родители").await;
    post_many(&teacher, chat, "История", 250).await;

    // A parent's new device: nothing cached, 250 + the demo messages on the server.
    let parent = token(&server, "e.morozova").await;
    let api = ApiClient::new(&server.url(), parent.clone()).unwrap();
    let store = sqlite(&dir.path().join("all.sqlite")).await;
    let session = Session::start("p".into(), None, api, store, config(20, 1000));
    let mut events = session.subscribe();
    let fetched = sync_finished(&mut events).await;
    let texts: Vec<String> = session
        .all_messages(chat)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert_eq!(
        numbered(&texts, "История"),
        (0..250).collect::<Vec<_>>(),
        "every message once, through 13+ pages of 20"
    );
    assert!(fetched >= 250, "progress counted {fetched}");
    session.stop().await;

    // With a limit of 60 the same history stops after the page that reaches 60.
    let api = ApiClient::new(&server.url(), parent).unwrap();
    let store = sqlite(&dir.path().join("limited.sqlite")).await;
    let limited = Session::start("p".into(), None, api, store, config(20, 60));
    let mut events = limited.subscribe();
    sync_finished(&mut events).await;
    let cached = limited.all_messages(chat).await.unwrap();
    assert!(
        cached.len() <= 61,
        "no more than the limit and the pinned message"
    );
    let history = cached
        .iter()
        .filter(|m| m.text.starts_with("История"))
        .count();
    assert_eq!(
        history, 60,
        "pages of 20 until 60 (the pinned announcement comes apart)"
    );
    let numbers = numbered(
        &cached.iter().map(|m| m.text.clone()).collect::<Vec<_>>(),
        "История",
    );
    assert_eq!(numbers, (190..250).collect::<Vec<_>>(), "the newest 60");

    // Scrolling back past what the first sync fetched asks the server for the next page.
    let oldest = limited
        .all_messages(chat)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.text == "История 190")
        .unwrap();
    let older = limited.older_messages(chat, &oldest.mid).await.unwrap();
    let texts: Vec<String> = older.iter().map(|m| m.text.clone()).collect();
    assert_eq!(
        numbered(&texts, "История"),
        (140..190).collect::<Vec<_>>(),
        "the 50 before, fetched and cached"
    );
    assert_eq!(
        limited.all_messages(chat).await.unwrap().len(),
        cached.len() + 50
    );
    limited.stop().await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn messages_written_while_offline_are_backfilled_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let teacher = ApiClient::new(&server.url(), token(&server, "a.sokolova").await).unwrap();
    let parent = token(&server, "e.morozova").await;
    let cache = dir.path().join("cache.sqlite");

    let api = ApiClient::new(&server.url(), parent.clone()).unwrap();
    let first = Session::start(
        "p".into(),
        None,
        api,
        sqlite(&cache).await,
        config(25, 1000),
    );
    wait_connection(&first, ConnectionState::Online).await;
    let chat = chat_id(&first, "5А — родители").await;
    let before = first.all_messages(chat).await.unwrap().len();
    first.stop().await;

    // While the parent's app is closed, 130 messages arrive (more than five pages).
    post_many(&teacher, chat, "Пока вас не было", 130).await;

    let api = ApiClient::new(&server.url(), parent).unwrap();
    let second = Session::start(
        "p".into(),
        None,
        api,
        sqlite(&cache).await,
        config(25, 1000),
    );
    let mut events = second.subscribe();
    let fetched = sync_finished(&mut events).await;
    assert!(fetched >= 130, "the gap was fetched by the sync: {fetched}");
    let messages = second.all_messages(chat).await.unwrap();
    let texts: Vec<String> = messages.iter().map(|m| m.text.clone()).collect();
    assert_eq!(
        numbered(&texts, "Пока вас не было"),
        (0..130).collect::<Vec<_>>()
    );
    assert_eq!(messages.len(), before + 130, "nothing twice");
    let mut mids: Vec<_> = messages.iter().map(|m| m.mid.clone()).collect();
    mids.sort();
    mids.dedup();
    assert_eq!(mids.len(), messages.len());
    second.stop().await;
    server.stop().await.unwrap();
}
