//! Files in an S3-compatible object store (a real Garage started by `scripts/with-s3.sh`): the
//! store's multipart parts and staging object, and uploads through two nodes of one school.

use parta_server::filestore::{FileStore, S3FileStore, Staged};
use reqwest::StatusCode;
use serde_json::Value;

use crate::cluster::two_nodes_on;
use crate::common::{Fixture, s3_config};
use crate::files::{chunk, chunk_claiming, download, pdf, send_file, upload_status, upload_url};

const PART: usize = parta_server::filestore::S3_PART;

fn random_key() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).unwrap();
    hex::encode(bytes)
}

#[tokio::test]
async fn a_blob_crosses_parts_survives_a_replayed_append_and_reads_in_ranges() {
    let store = S3FileStore::new(&s3_config()).unwrap();
    let key = random_key();
    let blob = pdf(2 * PART + 1_234_567);
    let (a, rest) = blob.split_at(3 * 1024 * 1024);
    let (b, c) = rest.split_at(4 * 1024 * 1024);

    let one = store.append(&key, &Staged::empty(), a).await.unwrap();
    assert_eq!(one.len, a.len() as u64);
    let two = store.append(&key, &one, b).await.unwrap();
    assert_eq!(two.len, (a.len() + b.len()) as u64);
    // `two` was never recorded (its chunk broke off before the row was written): the chunk
    // comes again from `one`, through another node, and lands in the same part.
    let again = store.append(&key, &one, b).await.unwrap();
    assert_eq!(again.len, two.len);
    store.forget(&key, &two, &again).await.unwrap();
    let three = store.append(&key, &again, c).await.unwrap();
    store.forget(&key, &again, &three).await.unwrap();
    assert_eq!(three.len, blob.len() as u64);
    assert!(
        store.staging_objects(&key).await.unwrap().len() <= 2,
        "superseded staging objects are let go"
    );
    store.seal(&key, &three).await.unwrap();
    assert!(
        store.staging_objects(&key).await.unwrap().is_empty(),
        "sealing clears the staging objects"
    );
    // Sealing again (a node that died before recording it) changes nothing.
    store.seal(&key, &three).await.unwrap();

    for (offset, max) in [
        (0, 1000),
        (PART as u64 - 10, 20),
        (2 * PART as u64 + 5, 1_000_000),
        (blob.len() as u64 - 3, 100),
    ] {
        let got = store.read(&key, offset, max).await.unwrap();
        let from = offset as usize;
        let to = (from + max).min(blob.len());
        assert_eq!(got, &blob[from..to], "{offset}+{max}");
    }
    assert!(
        store
            .read(&key, blob.len() as u64, 10)
            .await
            .unwrap()
            .is_empty()
    );
    store.remove(&key, None).await.unwrap();
    let gone = store.read(&key, 0, 10).await.unwrap_err();
    assert_eq!(gone.kind(), std::io::ErrorKind::NotFound);
}

#[tokio::test]
async fn last_bytes_sealed_straight_away_make_whole_parts_then_one_last() {
    let store = S3FileStore::new(&s3_config()).unwrap();
    // A small file in one go: put whole, nothing staged.
    let small = pdf(700_000);
    let key = random_key();
    store
        .seal_with(&key, &Staged::empty(), &small)
        .await
        .unwrap();
    assert_eq!(store.read(&key, 0, 1 << 20).await.unwrap(), small);
    // A staged start and a last chunk of more than a part: 4 MiB + 7 MiB in parts 5, 5, 1.
    let blob = pdf(11 * 1024 * 1024 + 5);
    let key = random_key();
    let (first, last) = blob.split_at(4 * 1024 * 1024);
    let staged = store.append(&key, &Staged::empty(), first).await.unwrap();
    store.seal_with(&key, &staged, last).await.unwrap();
    assert!(store.staging_objects(&key).await.unwrap().is_empty());
    let mut back = Vec::new();
    while back.len() < blob.len() {
        let got = store.read(&key, back.len() as u64, PART).await.unwrap();
        assert!(!got.is_empty());
        back.extend_from_slice(&got);
    }
    assert!(back == blob, "the sealed blob reads back whole");
    // Sealed again with the same bytes (a retried last chunk): nothing changes.
    store.seal_with(&key, &staged, last).await.unwrap();
    assert_eq!(
        store.sealed_len(&key).await.unwrap(),
        Some(blob.len() as u64)
    );
}

#[tokio::test]
async fn a_blob_removed_while_written_leaves_no_upload_or_staging_behind() {
    let store = S3FileStore::new(&s3_config()).unwrap();
    let key = random_key();
    let staged = store
        .append(&key, &Staged::empty(), &pdf(PART + 10))
        .await
        .unwrap();
    assert_eq!(store.staging_objects(&key).await.unwrap().len(), 1);
    store.remove(&key, Some(&staged)).await.unwrap();
    assert!(store.staging_objects(&key).await.unwrap().is_empty());
    // The multipart upload is gone: sealing what it held fails rather than inventing a file.
    assert!(store.seal(&key, &staged).await.is_err());
}

/// `url` (made by node A) on `node`.
fn on(node: &Fixture, url: &str) -> String {
    format!(
        "{}/upload/{}",
        node.server.url(),
        url.split_once("/upload/").unwrap().1
    )
}

#[tokio::test]
async fn an_upload_goes_on_through_either_node_and_downloads_whole_from_both() {
    let (a, b) = two_nodes_on(Some(s3_config())).await;
    let teacher = a.token("a.sokolova").await;
    let parent = b.token("e.morozova").await;
    let chat = a.chat_id(&teacher, "5А — родители").await;
    let file = pdf(2 * PART + 777_777);
    let url = upload_url(&a, &teacher, "file").await;
    let step = 3 * 1024 * 1024;

    let mut at = 0;
    let mut turn = 0;
    let mut done = Value::Null;
    while at < file.len() {
        let node = if turn % 2 == 0 { &a } else { &b };
        let end = (at + step).min(file.len());
        let url = on(node, &url);
        if turn == 1 {
            // A chunk that breaks off: fewer bytes than its Content-Range says.
            let broken = &file[at..end - 1000];
            let (status, error) = chunk_claiming(node, &url, broken, at, end - 1, file.len()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
            let asked = upload_status(node, &url).await;
            assert_eq!(asked["received"], at, "the broken chunk is not counted");
        }
        let (status, answer) = chunk(node, &url, &file[at..end], at, file.len()).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["received"], end);
        done = answer;
        at = end;
        turn += 1;
    }
    assert_eq!(done["complete"], true);
    let token = done["token"].as_str().unwrap().to_owned();
    let (_, path) = send_file(&a, &teacher, chat, "Учебник, глава 3", &token).await;
    for node in [&a, &b] {
        let parent = node.token("e.morozova").await;
        let whole = download(node, &parent, &path, None).await;
        assert_eq!(whole.status(), StatusCode::OK);
        assert_eq!(whole.bytes().await.unwrap().as_ref(), file.as_slice());
    }
    let from = PART - 100;
    let range = download(
        &b,
        &parent,
        &path,
        Some(&format!("bytes={from}-{}", from + 199)),
    )
    .await;
    assert_eq!(range.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        range.bytes().await.unwrap().as_ref(),
        &file[from..from + 200]
    );
}
