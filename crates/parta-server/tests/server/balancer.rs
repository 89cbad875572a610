//! Two parta-server processes on one PostgreSQL database and one object store (Garage) behind
//! nginx from the system's packages, as a region runs them. One node is killed with SIGKILL in
//! the middle of sends, uploads and long polls: the clients carry on through the balancer, and
//! afterwards every message is on the server exactly once, every listener heard each once, and
//! every file is whole.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Child;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use parta_model::max::{Update, UpdateList};
use serde_json::{Value, json};

use crate::common::{postgres_database, s3_config};
use crate::files::pdf;
use crate::nginx::Balancer;
use crate::process::spawn_with_env;

const SENDERS: usize = 4;
const EACH: usize = 50;

/// A node of the region: the binary on the shared database and object store, its log in
/// `dir/<name>/`.
async fn node(name: &str, dir: &Path, postgres: &str) -> (Child, SocketAddr) {
    let own = dir.join(name);
    std::fs::create_dir_all(&own).unwrap();
    let db = own.join("files.sqlite");
    let s3 = s3_config();
    let env = [
        ("PARTA_S3_ENDPOINT", s3.endpoint.as_str()),
        ("PARTA_S3_BUCKET", s3.bucket.as_str()),
        ("PARTA_S3_REGION", s3.region.as_str()),
        ("PARTA_S3_KEY_ID", s3.access_key_id.as_str()),
        ("PARTA_S3_SECRET", s3.secret_access_key.as_str()),
    ];
    let (child, url) = spawn_with_env(
        &[
            "--postgres",
            postgres,
            "--db",
            db.to_str().unwrap(),
            "--bind",
            "127.0.0.1:0",
            "--demo",
            "--device-rate",
            "1000",
        ],
        &env,
        &own,
    )
    .await;
    let addr = url.trim_start_matches("http://").parse().unwrap();
    (child, addr)
}

async fn sign_in(http: &reqwest::Client, base: &str, login: &str, device: &str) -> String {
    let answer: Value = http
        .post(format!("{base}/school/login"))
        .json(&json!({"login": login, "password": parta_server::demo::DEMO_PASSWORD, "device_name": device}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["access_token"].as_str().unwrap().to_owned()
}

/// Uploads `file` through the balancer in chunks of `step` bytes as a client does: a chunk that
/// fails is followed by asking the server where to go on. The finished upload's token, and how
/// many chunks failed.
async fn upload(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    file: &[u8],
    chunks: &AtomicUsize,
) -> (String, usize) {
    const STEP: usize = 1024 * 1024;
    let endpoint: Value = loop {
        let answer = http
            .post(format!("{base}/uploads?type=file"))
            .header("Authorization", token)
            .send()
            .await;
        if let Ok(answer) = answer
            && answer.status().is_success()
            && let Ok(endpoint) = answer.json().await
        {
            break endpoint;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    // The URL names the node that made it; the path goes through the balancer.
    let url = format!(
        "{base}/upload/{}",
        endpoint["url"]
            .as_str()
            .unwrap()
            .split_once("/upload/")
            .unwrap()
            .1
    );
    let (mut at, mut failed) = (0usize, 0usize);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(Instant::now() < deadline, "the upload never finished");
        let end = (at + STEP).min(file.len());
        let answer = http
            .put(&url)
            .header(
                "Content-Range",
                format!("bytes {at}-{}/{}", end - 1, file.len()),
            )
            .body(file[at..end].to_vec())
            .send()
            .await;
        let status: Option<Value> = match answer {
            Ok(a) if a.status().is_success() => a.json().await.ok(),
            _ => None,
        };
        if status.is_some() {
            chunks.fetch_add(1, Ordering::SeqCst);
        }
        let status = match status {
            Some(status) => status,
            None => {
                failed += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
                let Ok(asked) = http.get(&url).send().await else {
                    continue;
                };
                let Ok(asked) = asked.json::<Value>().await else {
                    continue;
                };
                asked
            }
        };
        if status["complete"] == true {
            return (status["token"].as_str().unwrap().to_owned(), failed);
        }
        at = status["received"].as_u64().unwrap() as usize;
    }
}

/// `GET url` as `token`, its JSON answer.
async fn get<T: serde::de::DeserializeOwned>(http: &reqwest::Client, url: &str, token: &str) -> T {
    http.get(url)
        .header("Authorization", token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_node_killed_mid_traffic_loses_nothing_and_sends_nothing_twice() {
    let postgres = postgres_database().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut a, a_addr) = node("a", dir.path(), &postgres).await;
    let (mut b, b_addr) = node("b", dir.path(), &postgres).await;
    let balancer = Balancer::start(dir.path(), &[a_addr, b_addr]);
    let base = balancer.url.clone();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();

    let parent = sign_in(&http, &base, "o.smirnov", "Ноутбук").await;
    let chats: Value = get(&http, &format!("{base}/chats"), &parent).await;
    let chat_id = chats["chats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == "5А — родители")
        .and_then(|c| c["chat_id"].as_i64())
        .unwrap();
    let start: UpdateList = get(&http, &format!("{base}/updates?timeout=0"), &parent).await;

    // The parent listens through the balancer, with markers, retrying a poll that fails.
    let heard = {
        let (http, base, parent) = (http.clone(), base.clone(), parent.clone());
        let mut marker = start.marker.unwrap_or_default();
        tokio::spawn(async move {
            let mut heard: HashMap<String, usize> = HashMap::new();
            let deadline = Instant::now() + Duration::from_secs(90);
            while heard.len() < SENDERS * EACH && Instant::now() < deadline {
                let answer = http
                    .get(format!("{base}/updates?timeout=5&marker={marker}"))
                    .header("Authorization", &parent)
                    .send()
                    .await;
                let Ok(answer) = answer else { continue };
                let Ok(list) = answer.json::<UpdateList>().await else {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                };
                for update in &list.updates {
                    if let Update::MessageCreated { message, .. } = update
                        && let Some(text) = &message.body.text
                    {
                        *heard.entry(text.clone()).or_default() += 1;
                    }
                }
                marker = list.marker.unwrap_or(marker);
            }
            heard
        })
    };

    // Teachers' devices send, each message under its own idempotency key, retrying through
    // the balancer until the server answers.
    let sent = Arc::new(AtomicUsize::new(0));
    let mut senders = Vec::new();
    for s in 0..SENDERS {
        let token = sign_in(&http, &base, "a.sokolova", &format!("Компьютер {s}")).await;
        let (http, base, sent) = (http.clone(), base.clone(), sent.clone());
        senders.push(tokio::spawn(async move {
            let mut retries = 0;
            for i in 0..EACH {
                let text = format!("Сообщение {s}-{i}");
                let deadline = Instant::now() + Duration::from_secs(60);
                loop {
                    let answer = http
                        .post(format!("{base}/messages?chat_id={chat_id}"))
                        .header("Authorization", &token)
                        .header("Idempotency-Key", format!("balancer-{s}-{i}"))
                        .json(&json!({"text": text}))
                        .send()
                        .await;
                    if answer.is_ok_and(|a| a.status().is_success()) {
                        break;
                    }
                    assert!(Instant::now() < deadline, "{text} never went through");
                    retries += 1;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                sent.fetch_add(1, Ordering::SeqCst);
            }
            retries
        }));
    }

    // Two devices upload files of two S3 parts and a bit, in 1 MiB chunks, until the sends are
    // over: some chunks are in flight when node A dies.
    let mut uploaders = Vec::new();
    let chunks = Arc::new(AtomicUsize::new(0));
    for u in 0..2 {
        let token = sign_in(&http, &base, "a.sokolova", &format!("Ноутбук {u}")).await;
        let (http, base, sent, chunks) = (http.clone(), base.clone(), sent.clone(), chunks.clone());
        uploaders.push(tokio::spawn(async move {
            let mut files = Vec::new();
            let mut failed = 0;
            while files.len() < 2 || sent.load(Ordering::SeqCst) < SENDERS * EACH {
                let mut file = pdf(2 * parta_server::filestore::S3_PART + 300_000);
                let n = files.len();
                file.extend_from_slice(format!("uploader {u} file {n}").as_bytes());
                let (token, f) = upload(&http, &base, &token, &file, &chunks).await;
                failed += f;
                files.push((token, file));
            }
            (token, files, failed)
        }));
    }

    // A third of the way in, node A dies without a word.
    while sent.load(Ordering::SeqCst) < SENDERS * EACH / 3 || chunks.load(Ordering::SeqCst) < 4 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Node A did take its share before it died.
    let a_metrics = http
        .get(format!("http://{a_addr}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let a_served: f64 = a_metrics
        .lines()
        .find_map(|l| l.strip_prefix("parta_requests_total{class=\"2xx\"} "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(a_served >= 20.0, "node A served {a_served} requests");
    a.kill().unwrap();
    a.wait().unwrap();
    let chunks_before = chunks.load(Ordering::SeqCst);
    let mut retries = 0;
    for sender in senders {
        retries += sender.await.unwrap();
    }
    let heard = heard.await.unwrap();
    // Every file whole, read back through the balancer.
    let (mut files, mut failed_chunks) = (0, 0);
    for uploader in uploaders {
        let (token, uploaded, failed) = uploader.await.unwrap();
        failed_chunks += failed;
        for (file_token, bytes) in uploaded {
            let got = http
                .get(format!("{base}/files/{file_token}"))
                .header("Authorization", &token)
                .send()
                .await
                .unwrap();
            assert!(got.status().is_success(), "{}", got.status());
            let got = got.bytes().await.unwrap();
            assert!(
                got.as_ref() == bytes.as_slice(),
                "a file came back different"
            );
            files += 1;
        }
    }
    let chunks_after = chunks.load(Ordering::SeqCst) - chunks_before;
    assert!(chunks_after > 0, "uploads went on after node A died");

    // Every message once in the school's database...
    let pool = sqlx::PgPool::connect(&postgres).await.unwrap();
    let stored: Vec<(String, i64)> = sqlx::query_as(
        "SELECT text, COUNT(*) FROM messages WHERE text LIKE 'Сообщение %' GROUP BY text",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(stored.len(), SENDERS * EACH, "every message stored");
    let twice: Vec<_> = stored.iter().filter(|(_, n)| *n != 1).collect();
    assert!(twice.is_empty(), "stored more than once: {twice:?}");
    // ...and heard once by the listener, across the node's death.
    assert_eq!(heard.len(), SENDERS * EACH, "every message heard");
    let echoed: Vec<_> = heard.iter().filter(|(_, n)| **n != 1).collect();
    assert!(echoed.is_empty(), "heard more than once: {echoed:?}");
    let errors =
        std::fs::read_to_string(dir.path().join("nginx/logs/error.log")).unwrap_or_default();
    let passed_on = errors.lines().filter(|l| l.contains("upstream")).count();
    eprintln!(
        "balancer: {} messages and {files} files of {} bytes, node A served {a_served} \
         requests before SIGKILL, nginx passed {passed_on} failed requests on to node B, \
         clients retried {retries} sends and {failed_chunks} chunks; {chunks_before} chunks \
         before the kill, {chunks_after} after",
        SENDERS * EACH,
        2 * parta_server::filestore::S3_PART + 300_000
    );
    let _ = b.kill();
    let _ = b.wait();
}
