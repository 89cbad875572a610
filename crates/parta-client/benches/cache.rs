//! Client-core figures of issue 4, for docs/benchmarks.md. Not a test: it measures.
//!
//! `cargo bench -p parta-client --bench cache [-- open | search N | sync | all]`, with the
//! cache encrypted as the app's (SQLCipher); `PARTA_BENCH_PLAIN=1` measures it plain.
//!
//! - open: a chat of 100,000 cached messages (real SQLite file), opened through
//!   `Session::open_chat` as the app does: the first page, p50/p95/max over 200 opens, and the
//!   first open after reopening the file; the cache's size on disk per 100,000 messages;
//! - search N: N cached messages (default 1,000,000) of generated Russian school chat in 50
//!   chats; 40 queries (frequent, rare, two-word, prefixes being typed) × 5 rounds through
//!   `Session::search` (100 results with highlighting): p50/p95/max;
//! - sync: parta-server in-process on loopback with 50 chats × 1,000 messages; a new device's
//!   first sync (chat list, then 1,000 messages per chat in pages of 100) until its last
//!   progress event, with the server's rate limit lifted and with its default (30 requests/s).

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parta_client::api::ApiClient;
use parta_client::secrets::Sensitive;
use parta_client::store::{CacheKey, CachedMessage, SqliteStore, Store};
use parta_client::{Session, SessionConfig};
use parta_model::view::AppEvent;
use rand::SeedableRng;
use rand::rngs::StdRng;

mod corpus;
use corpus::{QUERIES, message_text};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn summary(name: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    println!(
        "{name}: n={} p50={:.2} ms p95={:.2} ms max={:.2} ms",
        ms.len(),
        percentile(&ms, 0.5),
        percentile(&ms, 0.95),
        ms[ms.len() - 1]
    );
}

/// Fills `store` with `count` messages in `chats` chats (chat 1 gets `in_first`), in
/// transactions of 10,000, as the sync writes them.
async fn fill(store: &SqliteStore, count: usize, chats: i64, in_first: usize) {
    store
        .replace_chats("p", &corpus::chats(chats))
        .await
        .unwrap();
    let mut rng = StdRng::seed_from_u64(7);
    let started = Instant::now();
    let mut batch = Vec::with_capacity(10_000);
    for i in 0..count {
        let chat_id = if i < in_first {
            1
        } else {
            2 + (i as i64 % (chats - 1).max(1))
        };
        batch.push(corpus::message(i, chat_id, &mut rng));
        if batch.len() == 10_000 {
            store.upsert_messages("p", &batch).await.unwrap();
            batch.clear();
        }
    }
    store.upsert_messages("p", &batch).await.unwrap();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "filled {count} messages in {secs:.1} s ({:.0} messages/s, with search indexing)",
        count as f64 / secs
    );
}

/// Whether this run measures the plain cache (`PARTA_BENCH_PLAIN=1`), to show what the
/// encryption costs; by default the cache is encrypted, as the app's is.
fn plain() -> bool {
    std::env::var_os("PARTA_BENCH_PLAIN").is_some()
}

/// Opens the cache as this run measures it: encrypted under one random key, or plain.
async fn open_store(path: &Path) -> parta_client::store::Result<SqliteStore> {
    static KEY: std::sync::OnceLock<CacheKey> = std::sync::OnceLock::new();
    if plain() {
        SqliteStore::open_unencrypted(path).await
    } else {
        let key = KEY.get_or_init(|| CacheKey::generate().unwrap());
        SqliteStore::open_encrypted(path, key).await
    }
}

fn offline_session(store: Arc<dyn Store>) -> Session {
    // Nothing listens on port 9 of loopback: the session stays offline, as on a train.
    let api = ApiClient::new("http://127.0.0.1:9", Sensitive::new("t".into())).unwrap();
    let config = SessionConfig {
        backoff_initial: Duration::from_secs(60),
        backoff_max: Duration::from_secs(60),
        ..SessionConfig::default()
    };
    Session::start("p".into(), None, api, store, config)
}

fn file_size(path: &Path) -> u64 {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| std::fs::metadata(format!("{}{suffix}", path.display())).ok())
        .map(|m| m.len())
        .sum()
}

async fn open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite");
    let store = open_store(&path).await.unwrap();
    fill(&store, 100_000, 1, 100_000).await;
    store.close().await;
    println!(
        "cache size with 100,000 messages: {:.1} MiB ({} bytes per message, search index included)",
        file_size(&path) as f64 / 1048576.0,
        file_size(&path) / 100_000
    );

    let store = Arc::new(open_store(&path).await.unwrap());
    let session = offline_session(store.clone());
    let started = Instant::now();
    let view = session.open_chat(1).await.unwrap();
    println!(
        "first open after reopening the file: {:.2} ms ({} messages)",
        started.elapsed().as_secs_f64() * 1e3,
        view.messages.len()
    );
    let mut times = Vec::new();
    for _ in 0..200 {
        let started = Instant::now();
        let view = session.open_chat(1).await.unwrap();
        times.push(started.elapsed().as_secs_f64() * 1e3);
        assert_eq!(view.messages.len(), 50);
    }
    summary(
        "open a chat of 100,000 cached messages (first page of 50)",
        times,
    );
    session.stop().await;
}

async fn search(n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite");
    let store = open_store(&path).await.unwrap();
    fill(&store, n, 50, 0).await;
    store.close().await;
    println!(
        "cache size with {n} messages: {:.1} MiB",
        file_size(&path) as f64 / 1048576.0
    );
    let store = Arc::new(open_store(&path).await.unwrap());
    let session = offline_session(store);
    let mut times = Vec::new();
    let mut hits_total = 0usize;
    for round in 0..5 {
        for q in QUERIES {
            let started = Instant::now();
            let hits = session.search(q, None).await.unwrap();
            let ms = started.elapsed().as_secs_f64() * 1e3;
            times.push(ms);
            if round == 0 {
                hits_total += hits.len();
                if std::env::var_os("PARTA_BENCH_VERBOSE").is_some() {
                    println!("  {q:?}: {} results in {ms:.2} ms", hits.len());
                }
            }
        }
    }
    println!(
        "{} queries returned {hits_total} results in the first round",
        QUERIES.len()
    );
    summary(
        &format!("search over {n} cached messages (100 results, highlighted)"),
        times,
    );
    // In one chat, as the chat's own search box does.
    let mut times = Vec::new();
    for q in QUERIES {
        let started = Instant::now();
        session.search(q, Some(7)).await.unwrap();
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    summary("search within one chat", times);
    session.stop().await;
}

/// A school server database with 50 chats × 1,000 messages and one member; returns the token.
async fn prepare_server(db: &Path) -> String {
    use parta_server::store::chats::NewChat;
    use parta_server::store::messages::NewMessageRecord;
    use parta_server::store::people::NewUser;
    use parta_server::store::prelude::*;
    let store = parta_server::SqliteStore::open(db).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let user = tx
        .insert_user(NewUser {
            first_name: "Мама",
            last_name: None,
            username: "mama",
            role: parta_server::roles::Role::Parent,
            created_at: 0,
            password_hash: None,
        })
        .await
        .unwrap();
    let mut rng = StdRng::seed_from_u64(11);
    for c in 0..50 {
        let title = format!("Чат {c}");
        let chat = tx
            .insert_chat(NewChat {
                kind: "custom",
                title: &title,
                description: "",
                owner_id: None,
                class_id: None,
                created_at: 0,
            })
            .await
            .unwrap();
        tx.add_member(chat, user, false, 0).await.unwrap();
        for i in 0..1000 {
            let (mid, text) = (format!("mid.{c}.{i}"), message_text(&mut rng));
            tx.insert_message(NewMessageRecord {
                mid: &mid,
                chat_id: chat,
                sender_id: user,
                text: Some(&text),
                markup: None,
                created_at: 1_700_000_000_000i64 + i * 1000,
                link: None,
                is_announcement: false,
                ack_required: false,
            })
            .await
            .unwrap();
        }
    }
    let token = parta_server::auth::issue_device_token_on(
        &mut *tx,
        &parta_server::SystemClock,
        user,
        "bench",
    )
    .await
    .unwrap();
    let _ = tx.commit().await.unwrap();
    store.close().await;
    token.into_inner()
}

async fn one_sync(url: &str, token: &str, cache: &Path) -> (f64, u32) {
    let store = Arc::new(open_store(cache).await.unwrap());
    let api = ApiClient::new(url, Sensitive::new(token.to_owned())).unwrap();
    let started = Instant::now();
    let session = Session::start("p".into(), None, api, store, SessionConfig::default());
    let mut events = session.subscribe();
    let messages = loop {
        match events.recv().await {
            Ok(AppEvent::SyncProgress {
                chats_done,
                chats_total,
                messages,
            }) if chats_done == chats_total && chats_total > 0 => break messages,
            Ok(_) => {}
            Err(e) => panic!("events: {e}"),
        }
    };
    let secs = started.elapsed().as_secs_f64();
    session.stop().await;
    (secs, messages)
}

async fn sync() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("school.sqlite");
    let token = prepare_server(&db).await;
    for (name, limits) in [
        (
            "rate limit lifted",
            parta_server::ratelimit::RateLimits {
                device_per_second: 1e9,
                device_burst: 1e9,
                ..Default::default()
            },
        ),
        (
            "default rate limit (30 requests/s per device)",
            Default::default(),
        ),
    ] {
        // The server gets its own runtime thread, as a separate process would have.
        let (url_tx, url_rx) = tokio::sync::oneshot::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server_db = db.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async move {
                let server = parta_server::start(parta_server::ServerConfig {
                    demo: false,
                    limits,
                    ..parta_server::ServerConfig::demo(server_db, ([127, 0, 0, 1], 0).into())
                })
                .await
                .unwrap();
                url_tx.send(server.url()).unwrap();
                let _ = stop_rx.await;
                server.stop().await.unwrap();
            });
        });
        let url = url_rx.await.unwrap();
        if std::env::var_os("PARTA_BENCH_VERBOSE").is_some() {
            // The network and server part alone: every page of every chat, nothing stored.
            let api = ApiClient::new(&url, Sensitive::new(token.clone())).unwrap();
            let started = Instant::now();
            let chats = api.all_chats().await.unwrap();
            for chat in &chats {
                api.chat(chat.chat_id).await.unwrap();
                let mut from = None;
                loop {
                    let page = api.messages(chat.chat_id, 100, from).await.unwrap();
                    let oldest = page.messages.iter().map(|m| m.timestamp).min();
                    if page.messages.len() < 100 {
                        break;
                    }
                    from = oldest;
                }
            }
            println!(
                "  {name}: fetching every page without storing: {:.2} s",
                started.elapsed().as_secs_f64()
            );
            // The storing part alone, with the same messages.
            let store = open_store(&dir.path().join(format!("probe-{}.sqlite", name.len())))
                .await
                .unwrap();
            let mut pages = Vec::new();
            for chat in &chats {
                let mut all = Vec::new();
                let mut from = None;
                for _ in 0..10 {
                    let page = api.messages(chat.chat_id, 100, from).await.unwrap();
                    from = page
                        .messages
                        .iter()
                        .map(|m| m.timestamp)
                        .min()
                        .map(|t| t - 1);
                    all.extend(page.messages.iter().filter_map(CachedMessage::from_max));
                }
                pages.push(all);
            }
            let started = Instant::now();
            for all in &pages {
                store.upsert_messages("p", all).await.unwrap();
            }
            println!(
                "  {name}: storing the same 50 x 1,000 messages: {:.2} s",
                started.elapsed().as_secs_f64()
            );
        }
        let mut runs = Vec::new();
        for run in 0..3 {
            let cache = dir
                .path()
                .join(format!("cache-{}-{run}.sqlite", runs.len() + name.len()));
            let (secs, messages) = one_sync(&url, &token, &cache).await;
            assert_eq!(messages, 50_000);
            println!(
                "initial sync, 50 chats x 1,000 messages, {name}: {secs:.2} s ({:.1} MiB cache)",
                file_size(&cache) as f64 / 1048576.0
            );
            runs.push(secs);
        }
        stop_tx.send(()).unwrap();
        thread.join().unwrap();
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let what = args.first().map(String::as_str).unwrap_or("all");
    println!(
        "cache: {}",
        if plain() {
            "plain SQLite"
        } else {
            "SQLCipher, encrypted"
        }
    );
    rt.block_on(async {
        if what == "open" || what == "all" {
            open().await;
        }
        if what == "search" || what == "all" {
            let n = args
                .get(1)
                .and_then(|n| n.parse().ok())
                .unwrap_or(1_000_000);
            search(n).await;
        }
        if what == "sync" || what == "all" {
            sync().await;
        }
    });
}
