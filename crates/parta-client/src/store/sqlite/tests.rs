//! The shared store suite on real SQLite files, and what only a file can show.

store_suite!(async {
    // Each test gets its own real file; the directory lives as long as the process.
    let dir = tempfile::tempdir().expect("temp dir").keep();
    super::SqliteStore::open(&dir.join("cache.sqlite"))
        .await
        .expect("open cache")
});

#[tokio::test]
async fn the_cache_survives_reopening_the_file() {
    use crate::store::{CachedChat, Store};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite");
    let chat = CachedChat {
        chat_id: 5,
        title: "5А — родители".into(),
        description: None,
        participants_count: 3,
        last_event_time: 10,
        pinned_mid: None,
    };
    let store = super::SqliteStore::open(&path).await.unwrap();
    store
        .replace_chats("p", std::slice::from_ref(&chat))
        .await
        .unwrap();
    store.close().await;
    let reopened = super::SqliteStore::open(&path).await.unwrap();
    assert_eq!(reopened.chats("p").await.unwrap(), vec![chat]);
}

#[tokio::test]
async fn a_lesson_reminded_of_is_not_reminded_again_after_a_restart() {
    use crate::store::Store;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite");
    let store = super::SqliteStore::open(&path).await.unwrap();
    assert!(store.mark_reminded("p", 7, 1000).await.unwrap());
    assert!(!store.mark_reminded("p", 7, 1000).await.unwrap());
    store.close().await;
    let reopened = super::SqliteStore::open(&path).await.unwrap();
    assert!(
        !reopened.mark_reminded("p", 7, 1000).await.unwrap(),
        "kept in the file"
    );
    assert!(
        reopened.mark_reminded("p", 7, 4600).await.unwrap(),
        "moved to another time: reminded again"
    );
    assert!(
        reopened.mark_reminded("q", 7, 1000).await.unwrap(),
        "per profile"
    );
}

#[tokio::test]
async fn messages_cached_before_search_existed_are_indexed_on_open() {
    use crate::store::{CachedMessage, Store};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite");
    let store = super::SqliteStore::open(&path).await.unwrap();
    let message = CachedMessage {
        mid: "m1".into(),
        chat_id: 1,
        seq: 1,
        sender_id: None,
        sender_name: String::new(),
        sender_via_max: false,
        text: "Собрание перенесли".into(),
        timestamp: 1,
        attachments: Vec::new(),
        reply_to: None,
        markup: Vec::new(),
        max_state: None,
    };
    store.upsert_messages("p", &[message]).await.unwrap();
    // As a cache written by a version without search: no index, not marked indexed.
    sqlx::query("DELETE FROM messages_fts")
        .execute(&store.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE search_state SET indexed = 0")
        .execute(&store.pool)
        .await
        .unwrap();
    let query = crate::search::Query::parse("собрании").unwrap();
    assert!(
        store
            .search("p", &query, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    store.close().await;
    let reopened = super::SqliteStore::open(&path).await.unwrap();
    assert_eq!(
        reopened.search("p", &query, None, 10).await.unwrap().len(),
        1
    );
}
