//! `parta-server migrate`: a school on SQLite, with messages, a file and a restriction, copied
//! into PostgreSQL; the server on PostgreSQL then shows the same school, and new rows get new
//! ids. A second copy into the same database is refused and changes nothing.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{Fixture, postgres_database};

const TEACHER: &str = "a.sokolova";
const PARENT: &str = "o.smirnov";

#[tokio::test]
async fn a_sqlite_school_moves_into_postgres_whole_and_only_once() {
    // The school on SQLite, with a little of everything.
    let on_sqlite = Fixture::edited(Arc::new(parta_server::SystemClock), |config| {
        parta_server::ServerConfig {
            postgres: None,
            ..config
        }
    })
    .await;
    let teacher = on_sqlite.token(TEACHER).await;
    let chat_id = on_sqlite.chat_id(&teacher, "5А — родители").await;
    for text in ["Перед переездом 1", "Перед переездом 2"] {
        on_sqlite
            .ok_send(
                Method::POST,
                &teacher,
                &format!("/messages?chat_id={chat_id}"),
                json!({"text": text}),
            )
            .await;
    }
    let before = on_sqlite.message_count(&teacher, chat_id).await;
    let db = on_sqlite
        .server
        .sqlite_pool()
        .unwrap()
        .connect_options()
        .get_filename()
        .to_owned();
    let chats_before = on_sqlite.ok_get(&teacher, "/chats").await;
    let Fixture { dir, server, .. } = on_sqlite;
    server.stop().await.unwrap();

    // Moved.
    let url = postgres_database().await;
    let moved = parta_server::store::migrate::sqlite_to_postgres(&db, &url)
        .await
        .unwrap();
    assert!(
        moved.rows() > 100,
        "the demo school is more than {} rows",
        moved.rows()
    );
    assert!(
        moved
            .tables
            .iter()
            .any(|(t, n, _)| t == "messages" && *n > 30)
    );

    // Refused the second time, and the database is as the first copy left it.
    let again = parta_server::store::migrate::sqlite_to_postgres(&db, &url).await;
    let refusal = again.unwrap_err().to_string();
    assert!(refusal.contains("already holds a school"), "{refusal}");

    // The same school on PostgreSQL: the same chats, the same messages, and new ones on top.
    let on_postgres = Fixture::edited(Arc::new(parta_server::SystemClock), move |config| {
        parta_server::ServerConfig {
            postgres: Some(url),
            ..config
        }
    })
    .await;
    let teacher = on_postgres.token(TEACHER).await;
    assert_eq!(on_postgres.ok_get(&teacher, "/chats").await, chats_before);
    assert_eq!(on_postgres.message_count(&teacher, chat_id).await, before);
    let parent = on_postgres.token(PARENT).await;
    let (status, _) = on_postgres
        .send_as(
            Method::POST,
            &parent,
            &format!("/messages?chat_id={chat_id}"),
            json!({"text": "После переезда"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        on_postgres.message_count(&teacher, chat_id).await,
        before + 1
    );
    drop(dir);
}
