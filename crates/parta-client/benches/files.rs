//! What sealing files at rest costs (issue 17), for docs/benchmarks.md. Not a test: it
//! measures.
//!
//! `cargo bench -p parta-client --bench files [-- MiB]` (default 200 MiB, a PDF-looking file):
//! the demo school's parta-server in its own runtime on loopback, rate limits lifted;
//! - sealing alone: the file sealed into a copy (as sending stages it), MiB/s;
//! - upload: a teacher sends it (sealed copy read and uploaded in 1 MiB chunks) until sent;
//! - download, plain: the same bytes fetched with `ApiClient::download` into a plain file,
//!   the floor without sealing;
//! - download and open: a parent opens it the first time (downloaded, sealed into the file
//!   cache, then written out opened for the viewer);
//! - open from the cache: opened again (only unsealed into a fresh copy).
//!
//! Three rounds each, on one fresh school; every figure is MiB of the file per second.

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use parta_client::api::ApiClient;
use parta_client::files::{FileKey, FileVault};
use parta_client::secrets::Sensitive;
use parta_client::store::{CacheKey, SqliteStore};
use parta_client::{Session, SessionConfig};
use parta_model::view::{AppEvent, ConnectionState};
use tokio::io::AsyncWriteExt;

const MIB: f64 = 1024.0 * 1024.0;

fn pdf(path: &Path, mib: usize) {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    let len = mib * 1024 * 1024;
    bytes.extend((0..len - bytes.len()).map(|i| (i as u8).wrapping_mul(31) ^ (i >> 13) as u8));
    std::fs::write(path, bytes).unwrap();
}

fn rate(name: &str, bytes: u64, secs: &[f64]) {
    let mut speeds: Vec<f64> = secs.iter().map(|s| bytes as f64 / MIB / s).collect();
    speeds.sort_by(f64::total_cmp);
    println!(
        "{name}: {} rounds, {:.0} / {:.0} / {:.0} MiB/s (min / median / max), {:.2} s median",
        speeds.len(),
        speeds[0],
        speeds[speeds.len() / 2],
        speeds[speeds.len() - 1],
        bytes as f64 / MIB / speeds[speeds.len() / 2]
    );
}

async fn session(url: &str, token: &str, dir: &Path, name: &str) -> Session {
    static KEY: std::sync::OnceLock<CacheKey> = std::sync::OnceLock::new();
    let key = KEY.get_or_init(|| CacheKey::generate().unwrap());
    let store = SqliteStore::open_encrypted(&dir.join(format!("{name}.sqlite")), key)
        .await
        .unwrap();
    let config = SessionConfig {
        files: Some(FileVault::new(
            dir.join(format!("{name}-files")),
            FileKey::generate().unwrap(),
        )),
        ..SessionConfig::default()
    };
    let api = ApiClient::new(url, Sensitive::new(token.to_owned())).unwrap();
    let session = Session::start(name.into(), None, api, std::sync::Arc::new(store), config);
    let mut state = session.connection();
    while *state.borrow_and_update() != ConnectionState::Online {
        state.changed().await.unwrap();
    }
    session
}

fn main() {
    let mib: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let dir = tempfile::tempdir().unwrap();
    let (url_tx, url_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let db = dir.path().join("school.sqlite");
    // The server gets its own runtime thread, as a separate process would have.
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let server = parta_server::start(parta_server::ServerConfig {
                limits: parta_server::ratelimit::RateLimits {
                    device_per_second: 1e9,
                    device_burst: 1e9,
                    ..Default::default()
                },
                ..parta_server::ServerConfig::demo(db, ([127, 0, 0, 1], 0).into())
            })
            .await
            .unwrap();
            let mut tokens = Vec::new();
            for login in ["a.sokolova", "e.morozova"] {
                let token = parta_server::demo::issue_token(server.school(), login, "bench")
                    .await
                    .unwrap();
                tokens.push(token.into_inner());
            }
            url_tx.send((server.url(), tokens)).unwrap();
            let _ = stop_rx.await;
            server.stop().await.unwrap();
        });
    });
    let (url, tokens) = url_rx.recv().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let source = dir.path().join("Запись урока.pdf");
        pdf(&source, mib);
        let bytes = std::fs::metadata(&source).unwrap().len();
        println!("file: {mib} MiB; files sealed with XChaCha20-Poly1305 STREAM, 64 KiB chunks");

        let key = FileKey::generate().unwrap();
        let mut secs = Vec::new();
        for round in 0..3 {
            let target = dir.path().join(format!("sealed-{round}"));
            let started = Instant::now();
            parta_client::files::sealed::seal_file(&source, &target, &key)
                .await
                .unwrap();
            secs.push(started.elapsed().as_secs_f64());
            std::fs::remove_file(target).unwrap();
        }
        rate("sealing alone (disk to disk)", bytes, &secs);

        let teacher = session(&url, &tokens[0], dir.path(), "t").await;
        let parent = session(&url, &tokens[1], dir.path(), "p").await;
        let chat = ApiClient::new(&url, Sensitive::new(tokens[0].clone()))
            .unwrap()
            .all_chats()
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.title.as_deref() == Some("5А — родители"))
            .unwrap()
            .chat_id;
        let mut file_tokens = Vec::new();
        let mut secs = Vec::new();
        for round in 0..3 {
            let mut events = teacher.subscribe();
            let started = Instant::now();
            let pending = teacher
                .send(
                    chat,
                    &format!("Запись {round}"),
                    std::slice::from_ref(&source),
                )
                .await
                .unwrap();
            let token = loop {
                if let Ok(AppEvent::MessageSent { local_mid, message }) = events.recv().await
                    && local_mid == pending[0].mid
                {
                    break message.attachments[0].token.clone().unwrap();
                }
            };
            secs.push(started.elapsed().as_secs_f64());
            file_tokens.push(token);
        }
        rate(
            "upload (seal the copy, then send it in 1 MiB chunks)",
            bytes,
            &secs,
        );

        let api = ApiClient::new(&url, Sensitive::new(tokens[1].clone())).unwrap();
        let mut secs = Vec::new();
        for token in &file_tokens {
            let plain: PathBuf = dir.path().join("plain-download");
            let started = Instant::now();
            let mut response = api.download(token, 0).await.unwrap();
            let mut out = tokio::fs::File::create(&plain).await.unwrap();
            while let Some(chunk) = response.chunk().await.unwrap() {
                out.write_all(&chunk).await.unwrap();
            }
            out.sync_all().await.unwrap();
            secs.push(started.elapsed().as_secs_f64());
            assert_eq!(std::fs::metadata(&plain).unwrap().len(), bytes);
        }
        rate("download into a plain file (no sealing)", bytes, &secs);

        let mut first = Vec::new();
        let mut again = Vec::new();
        for token in &file_tokens {
            let started = Instant::now();
            let opened = parent.open_file(token, "Запись урока.pdf").await.unwrap();
            first.push(started.elapsed().as_secs_f64());
            assert_eq!(std::fs::metadata(&opened).unwrap().len(), bytes);
            let started = Instant::now();
            parent.open_file(token, "Запись урока.pdf").await.unwrap();
            again.push(started.elapsed().as_secs_f64());
        }
        rate("download, seal into the cache and open", bytes, &first);
        rate("open from the cache (unseal into a copy)", bytes, &again);
        teacher.stop().await;
        parent.stop().await;
    });
    stop_tx.send(()).unwrap();
    thread.join().unwrap();
}
