//! The shared store suite on real SQLite files, encrypted as the app's, and what only a file
//! can show.

/// This test process's cache key.
fn key() -> &'static super::CacheKey {
    static KEY: std::sync::OnceLock<super::CacheKey> = std::sync::OnceLock::new();
    KEY.get_or_init(|| super::CacheKey::generate().unwrap_or_else(|e| panic!("{e}")))
}

store_suite!(async {
    // Each test gets its own real file; the directory lives as long as the process.
    let dir = tempfile::tempdir().expect("temp dir").keep();
    super::SqliteStore::open_encrypted(&dir.join("cache.sqlite"), key())
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
    let store = super::SqliteStore::open_encrypted(&path, key())
        .await
        .unwrap();
    store
        .replace_chats("p", std::slice::from_ref(&chat))
        .await
        .unwrap();
    store.close().await;
    let reopened = super::SqliteStore::open_encrypted(&path, key())
        .await
        .unwrap();
    assert_eq!(reopened.chats("p").await.unwrap(), vec![chat]);
}

#[tokio::test]
async fn a_lesson_reminded_of_is_not_reminded_again_after_a_restart() {
    use crate::store::Store;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite");
    let store = super::SqliteStore::open_encrypted(&path, key())
        .await
        .unwrap();
    assert!(store.mark_reminded("p", 7, 1000).await.unwrap());
    assert!(!store.mark_reminded("p", 7, 1000).await.unwrap());
    store.close().await;
    let reopened = super::SqliteStore::open_encrypted(&path, key())
        .await
        .unwrap();
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
    let store = super::SqliteStore::open_encrypted(&path, key())
        .await
        .unwrap();
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
    let reopened = super::SqliteStore::open_encrypted(&path, key())
        .await
        .unwrap();
    assert_eq!(
        reopened.search("p", &query, None, 10).await.unwrap().len(),
        1
    );
}

/// Every byte of the cache's files (the database, its WAL and shared memory).
fn cache_bytes(path: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        if let Ok(bytes) = std::fs::read(format!("{}{suffix}", path.display())) {
            all.extend(bytes);
        }
    }
    all
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// A chat, a message, a draft and an unsent message, each with a text no file should show.
async fn fill_with_secrets(store: &super::SqliteStore) {
    use crate::store::{CachedChat, CachedMessage, OutboxItem, Store};
    let chat = CachedChat {
        chat_id: 5,
        title: "Чат Лебедевых".into(),
        description: None,
        participants_count: 3,
        last_event_time: 10,
        pinned_mid: None,
    };
    store.replace_chats("p", &[chat]).await.unwrap();
    let message = CachedMessage {
        mid: "m1".into(),
        chat_id: 5,
        seq: 1,
        sender_id: Some(7),
        sender_name: "Ольга Лебедева".into(),
        sender_via_max: false,
        text: "Диагноз Никиты: бронхит, справка 4721".into(),
        timestamp: 1,
        attachments: Vec::new(),
        reply_to: None,
        markup: Vec::new(),
        max_state: None,
    };
    store.upsert_messages("p", &[message]).await.unwrap();
    store
        .save_draft("p", 5, "Черновик про оценки Никиты", 2)
        .await
        .unwrap();
    let unsent = OutboxItem {
        local_id: "l1".into(),
        chat_id: 5,
        text: "Неотправленное про Никиту".into(),
        created_at: 3,
        attempts: 0,
        next_attempt_at: 0,
        failed: None,
        attachments: Vec::new(),
        reply_to: None,
        kind: Default::default(),
    };
    store.outbox_push("p", &unsent).await.unwrap();
}

const SECRETS: [&str; 5] = [
    "Лебедев",
    "бронхит",
    "справка 4721",
    "Черновик про оценки",
    "Неотправленное",
];

#[tokio::test]
async fn the_cache_files_hold_none_of_its_text() {
    use crate::store::Store;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite");
    let store = super::SqliteStore::open_encrypted(&path, key())
        .await
        .unwrap();
    fill_with_secrets(&store).await;
    let query = crate::search::Query::parse("бронхит").unwrap();
    assert_eq!(store.search("p", &query, None, 10).await.unwrap().len(), 1);
    // Scanned while open (the WAL holds the newest pages) and after closing.
    for stage in ["open", "closed"] {
        let bytes = cache_bytes(&path);
        assert!(bytes.len() > 4096, "{stage}: the cache was written");
        assert!(!bytes.starts_with(b"SQLite format 3"), "{stage}");
        for secret in SECRETS {
            assert!(!holds(&bytes, secret), "{stage}: «{secret}» readable");
        }
        store.close().await;
    }
    // The same test on a plain file finds them: the scan can fail.
    let plain = dir.path().join("plain.sqlite");
    let store = super::SqliteStore::open_unencrypted(&plain).await.unwrap();
    fill_with_secrets(&store).await;
    store.close().await;
    let bytes = cache_bytes(&plain);
    assert!(SECRETS.iter().all(|s| holds(&bytes, s)));
}

#[tokio::test]
async fn a_plain_cache_is_encrypted_at_the_first_start_with_nothing_lost() {
    use crate::store::Store;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite");
    let store = super::SqliteStore::open_unencrypted(&path).await.unwrap();
    fill_with_secrets(&store).await;
    store.close().await;
    assert!(super::cipher::is_plain(&path).unwrap());

    let store = super::SqliteStore::open_encrypted(&path, key())
        .await
        .unwrap();
    assert_eq!(store.chats("p").await.unwrap().len(), 1);
    let page = store.latest_messages("p", 5, 10).await.unwrap();
    assert_eq!(page.len(), 1);
    assert!(page[0].text.contains("бронхит"));
    assert_eq!(
        store.draft("p", 5).await.unwrap().as_deref(),
        Some("Черновик про оценки Никиты")
    );
    let outbox = store.outbox("p").await.unwrap();
    assert_eq!(outbox.len(), 1, "the unsent message survives");
    assert_eq!(outbox[0].local_id, "l1");
    let query = crate::search::Query::parse("бронхит").unwrap();
    assert_eq!(store.search("p", &query, None, 10).await.unwrap().len(), 1);
    store.close().await;
    let bytes = cache_bytes(&path);
    assert!(!super::cipher::is_plain(&path).unwrap());
    for secret in SECRETS {
        assert!(
            !holds(&bytes, secret),
            "«{secret}» readable after migrating"
        );
    }
    assert!(
        std::fs::read_dir(dir.path()).unwrap().all(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            !name.contains("encrypting")
        }),
        "no staged copy left"
    );
}

#[tokio::test]
async fn another_key_does_not_open_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite");
    let store = super::SqliteStore::open_encrypted(&path, key())
        .await
        .unwrap();
    fill_with_secrets(&store).await;
    store.close().await;
    let other = super::CacheKey::generate().unwrap();
    match super::SqliteStore::open_encrypted(&path, &other).await {
        Err(crate::store::StoreError::WrongKey) => {}
        Err(e) => panic!("expected WrongKey, got {e}"),
        Ok(_) => panic!("opened with another key"),
    }
}
