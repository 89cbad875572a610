//! `parta-server migrate`: a school on SQLite, with messages, a file and a restriction, copied
//! into PostgreSQL; the server on PostgreSQL then shows the same school, and new rows get new
//! ids. A second copy into the same database is refused and changes nothing.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{Fixture, postgres_database, s3_config};
use crate::files::{chunk, download, pdf, send_file, upload_status, upload_url};

const TEACHER: &str = "a.sokolova";
const PARENT: &str = "o.smirnov";

/// The SQLite file a school is kept in.
fn sqlite_file(f: &Fixture) -> std::path::PathBuf {
    f.server
        .sqlite_pool()
        .unwrap()
        .connect_options()
        .get_filename()
        .to_owned()
}

/// The demo school on SQLite with its files on the disk, whatever the suite's pass.
async fn school_on_sqlite() -> Fixture {
    Fixture::edited(Arc::new(parta_server::SystemClock), |config| {
        parta_server::ServerConfig {
            postgres: None,
            s3: None,
            ..config
        }
    })
    .await
}

#[tokio::test]
async fn a_sqlite_school_moves_into_postgres_whole_and_only_once() {
    // The school on SQLite, with a little of everything.
    let on_sqlite = school_on_sqlite().await;
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
    let db = sqlite_file(&on_sqlite);
    let chats_before = on_sqlite.ok_get(&teacher, "/chats").await;
    let Fixture { dir, server, .. } = on_sqlite;
    server.stop().await.unwrap();

    // Moved.
    let url = postgres_database().await;
    let moved = parta_server::store::migrate::sqlite_to_postgres(&db, &url, None)
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
    let again = parta_server::store::migrate::sqlite_to_postgres(&db, &url, None).await;
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

#[tokio::test]
async fn a_school_s_files_move_into_the_object_store_and_an_unfinished_upload_goes_on() {
    let on_sqlite = school_on_sqlite().await;
    let teacher = on_sqlite.token(TEACHER).await;
    let chat_id = on_sqlite.chat_id(&teacher, "5А — родители").await;
    // A finished file in a message, and a larger one half uploaded (past one S3 part).
    let done_file = pdf(700_000);
    let url = upload_url(&on_sqlite, &teacher, "file").await;
    let (_, done) = chunk(&on_sqlite, &url, &done_file, 0, done_file.len()).await;
    let token = done["token"].as_str().unwrap().to_owned();
    let (_, path) = send_file(
        &on_sqlite,
        &teacher,
        chat_id,
        "Расписание экзаменов",
        &token,
    )
    .await;
    let big = pdf(parta_server::filestore::S3_PART + 3_000_000);
    let half = parta_server::filestore::S3_PART + 1_000_000;
    let big_url = upload_url(&on_sqlite, &teacher, "file").await;
    let (status, partial) = chunk(&on_sqlite, &big_url, &big[..half], 0, big.len()).await;
    assert_eq!(status, StatusCode::OK, "{partial}");
    let db = sqlite_file(&on_sqlite);
    let Fixture { dir, server, .. } = on_sqlite;
    server.stop().await.unwrap();

    let s3 = s3_config();
    let url_pg = postgres_database().await;
    let moved = parta_server::store::migrate::sqlite_to_postgres(&db, &url_pg, Some(&s3))
        .await
        .unwrap();
    let files = moved.files.clone().unwrap();
    assert_eq!((files.files, files.partial), (1, 1), "{files:?}");
    assert_eq!(files.bytes, (done_file.len() + half) as u64);
    // Into another empty database, but the bucket holds these files now: refused.
    let again = parta_server::store::migrate::sqlite_to_postgres(
        &db,
        &postgres_database().await,
        Some(&s3),
    )
    .await;
    let refusal = again.unwrap_err().to_string();
    assert!(refusal.contains("already holds the file"), "{refusal}");

    let moved_school = Fixture::edited(Arc::new(parta_server::SystemClock), move |config| {
        parta_server::ServerConfig {
            postgres: Some(url_pg),
            s3: Some(s3),
            ..config
        }
    })
    .await;
    let parent = moved_school.token(PARENT).await;
    let got = download(&moved_school, &parent, &path, None).await;
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.bytes().await.unwrap().as_ref(), done_file.as_slice());
    // The half upload goes on where it was, on the new server.
    let big_url = big_url.replace(
        &format!("http://{}", big_url.split('/').nth(2).unwrap()),
        &moved_school.server.url(),
    );
    assert_eq!(
        upload_status(&moved_school, &big_url).await["received"],
        half
    );
    let (status, finished) = chunk(&moved_school, &big_url, &big[half..], half, big.len()).await;
    assert_eq!(status, StatusCode::OK, "{finished}");
    let big_token = finished["token"].as_str().unwrap().to_owned();
    let teacher = moved_school.token(TEACHER).await;
    let (_, big_path) = send_file(
        &moved_school,
        &teacher,
        chat_id,
        "Сборник задач",
        &big_token,
    )
    .await;
    let got = download(&moved_school, &parent, &big_path, None).await;
    assert_eq!(got.bytes().await.unwrap().as_ref(), big.as_slice());
    drop(dir);
}
