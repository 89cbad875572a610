//! Load figures of parta-server (issue 3), for docs/benchmarks.md. Not a test: it measures.
//!
//! `cargo bench -p parta-server --bench load [-- idle N | latency N | throughput | region]`
//!
//! It prepares a database with the library (people, devices, chats), starts the real
//! `parta-server` binary on it on 127.0.0.1, and drives it over loopback:
//! - idle: N long polls held open at once (default 10,000); the server's RSS and CPU while
//!   they wait;
//! - latency: N listeners (default 1,000) long-polling one chat; a sender posts 50 messages;
//!   send-to-delivery time per listener (until its answer's bytes are in), p50/p90/p99/max;
//!   with `PARTA_BENCH_RAW=1` the listeners use raw kept-alive sockets instead of reqwest
//!   (less of the shared cores goes to the generator);
//! - throughput: 8 senders posting as fast as they can for 10 s into one chat, then across
//!   100 chats; accepted messages per second (each one fsynced: `synchronous=FULL`), and each
//!   POST's time as the senders saw it, p50/p90/p99/max.
//!
//! - region (not in "all"; under `scripts/with-postgres.sh scripts/with-s3.sh`): 1,000
//!   listeners in 100 chats, messages paced at 116 a second (a region's average) for 20 s and at
//!   1,160 (ten times) for 10 s, and a 1 MiB file uploaded for every 50 messages; one node on
//!   SQLite (files on its disk) against two nodes on PostgreSQL with their files in Garage,
//!   behind nginx; send-to-delivery p50/p99/max over every delivery, each POST's time, each
//!   upload's time.
//!
//! Every loop is bounded in count and time, and only loopback is addressed.

#![allow(clippy::unwrap_used, clippy::print_stdout)]

#[path = "../tests/server/nginx.rs"]
mod nginx;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use std::io::{BufRead, BufReader};

use parta_server::SystemClock;

const SERVER: &str = env!("CARGO_BIN_EXE_parta-server");

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// User + system CPU time of the server so far, in clock ticks (1/100 s).
    fn cpu_ticks(&self) -> u64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // Fields after the command name (which ends with ')'): utime is the 12th, stime 13th.
        let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
        let fields: Vec<&str> = after.split_whitespace().collect();
        let utime: u64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0);
        let stime: u64 = fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0);
        utime + stime
    }
}

async fn start_server(db: &Path) -> Server {
    start_node(db, None, &[]).await
}

/// The server on the SQLite file `db`, or on the PostgreSQL database `postgres` (its uploads
/// beside `db`, or in the object store `env` names).
async fn start_node(db: &Path, postgres: Option<&str>, env: &[(String, String)]) -> Server {
    // The per-device limit (30/s, as MAX) would measure the limiter, not the server.
    let mut args = vec![
        "--db",
        db.to_str().unwrap(),
        "--bind",
        "127.0.0.1:0",
        "--device-rate",
        "1000000",
    ];
    if let Some(url) = postgres {
        args.extend(["--postgres", url]);
    }
    let mut child = Command::new(SERVER)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start parta-server");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    // The child's stdout is read on a thread of its own: the server prints one line at start.
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("parta-server listening on ") {
                let _ = tx.send(url.to_owned());
            }
        }
    });
    let url = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(30)))
        .await
        .unwrap()
        .expect("parta-server listens within 30 s");
    Server { child, url }
}

/// A school of `people` parents in `chats` chats (round robin), each with one device token.
async fn prepare(db: &Path, people: usize, chats: usize) -> (Vec<String>, Vec<i64>) {
    let store = parta_server::SqliteStore::open(db).await.unwrap();
    prepare_in(&store, people, chats).await
}

/// [`prepare`] in any store.
async fn prepare_in(
    store: &dyn parta_server::Store,
    people: usize,
    chats: usize,
) -> (Vec<String>, Vec<i64>) {
    use parta_server::store::chats::NewChat;
    use parta_server::store::people::NewUser;
    let mut tx = store.begin().await.unwrap();
    let mut chat_ids = Vec::new();
    for c in 0..chats {
        let title = format!("Чат {c}");
        let id = tx
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
        chat_ids.push(id);
    }
    let mut users = Vec::new();
    for p in 0..people {
        let (name, login) = (format!("Родитель {p}"), format!("parent{p}"));
        let id = tx
            .insert_user(NewUser {
                first_name: &name,
                last_name: None,
                username: &login,
                role: parta_server::roles::Role::Parent,
                created_at: 0,
                password_hash: None,
            })
            .await
            .unwrap();
        tx.add_member(chat_ids[p % chats], id, false, 0)
            .await
            .unwrap();
        users.push(id);
    }
    let mut tokens = Vec::with_capacity(people);
    for user in users {
        let token =
            parta_server::auth::issue_device_token_on(&mut *tx, &SystemClock, user, "bench")
                .await
                .unwrap();
        tokens.push(token.into_inner());
    }
    let _ = tx.commit().await.unwrap();
    store.close().await;
    (tokens, chat_ids)
}

fn client(connections: usize) -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

async fn idle(n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.sqlite");
    let (tokens, _) = prepare(&db, n, 10).await;
    let server = start_server(&db).await;
    let http = client(n);
    let rss_before = server.rss_kib();
    let open = Arc::new(AtomicUsize::new(0));
    let answered_early = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::with_capacity(n);
    let started = Instant::now();
    for token in tokens {
        let http = http.clone();
        let url = format!("{}/updates?timeout=60", server.url);
        let open = open.clone();
        let early = answered_early.clone();
        tasks.push(tokio::spawn(async move {
            let request = http.get(url).header("Authorization", token).send();
            open.fetch_add(1, Ordering::SeqCst);
            if let Ok(response) = request.await {
                // Anything but an idle answer at the timeout counts as early.
                if response.status() != 200 {
                    early.fetch_add(1, Ordering::SeqCst);
                }
            }
        }));
        // Keep the SYN backlog from overflowing: a short breath every 500 connections.
        if tasks.len() % 500 == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    let established = established_connections(&server);
    let cpu_before = server.cpu_ticks();
    let idle_window = Duration::from_secs(10);
    tokio::time::sleep(idle_window).await;
    let cpu = server.cpu_ticks() - cpu_before;
    let rss = server.rss_kib();
    println!(
        "idle long polls: {n} requested in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    println!("  connections established at the server: {established}");
    println!(
        "  server RSS: {:.1} MiB before, {:.1} MiB holding them ({:.1} KiB per connection)",
        rss_before as f64 / 1024.0,
        rss as f64 / 1024.0,
        (rss.saturating_sub(rss_before)) as f64 / n as f64
    );
    println!(
        "  server CPU while they wait: {:.1} % of one core over {} s",
        cpu as f64 / idle_window.as_secs_f64(),
        idle_window.as_secs()
    );
    println!(
        "  errors before the 60 s timeout: {}",
        answered_early.load(Ordering::SeqCst)
    );
    for task in tasks {
        task.abort();
    }
}

/// Established TCP connections to the server's port (from /proc/net/tcp).
fn established_connections(server: &Server) -> usize {
    let port: u16 = server
        .url
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let local = format!(":{port:04X}");
    std::fs::read_to_string("/proc/net/tcp")
        .unwrap_or_default()
        .lines()
        .skip(1)
        .filter(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            fields.get(1).is_some_and(|a| a.ends_with(&local)) && fields.get(3) == Some(&"01")
        })
        .count()
}

/// The `"marker":N` of an `UpdateList` body.
fn scan_marker(body: &[u8]) -> Option<i64> {
    let key = b"\"marker\":";
    let at = body.windows(key.len()).position(|w| w == key)? + key.len();
    let digits: String = body[at..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| b as char)
        .collect();
    digits.parse().ok()
}

fn count_occurrences(body: &[u8], needle: &[u8]) -> usize {
    body.windows(needle.len()).filter(|w| *w == needle).count()
}

/// A long-poll listener on one kept-alive TCP connection, reading HTTP/1.1 by hand
/// (`Content-Length` bodies only, which is what the server sends).
struct RawPoller {
    stream: tokio::net::TcpStream,
    host: String,
    buffer: Vec<u8>,
}

impl RawPoller {
    async fn connect(base: &str) -> Option<Self> {
        let host = base.strip_prefix("http://")?.to_owned();
        let stream = tokio::net::TcpStream::connect(&host).await.ok()?;
        stream.set_nodelay(true).ok()?;
        Some(Self {
            stream,
            host,
            buffer: Vec::with_capacity(16 * 1024),
        })
    }

    async fn get(&mut self, path: &str, token: &str) -> Option<Vec<u8>> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: {token}\r\n\r\n",
            self.host
        );
        self.stream.write_all(request.as_bytes()).await.ok()?;
        self.buffer.clear();
        let mut chunk = [0u8; 8192];
        loop {
            if let Some(end) = self.buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.buffer[..end]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))?
                    .trim()
                    .parse()
                    .ok()?;
                let start = end + 4;
                while self.buffer.len() < start + length {
                    let n = self.stream.read(&mut chunk).await.ok()?;
                    if n == 0 {
                        return None;
                    }
                    self.buffer.extend_from_slice(&chunk[..n]);
                }
                return Some(self.buffer[start..start + length].to_vec());
            }
            let n = self.stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            self.buffer.extend_from_slice(&chunk[..n]);
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

async fn latency(listeners: usize) {
    const MESSAGES: usize = 50;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.sqlite");
    // Everyone in one chat; the last person is the sender.
    let (mut tokens, chats) = prepare(&db, listeners + 1, 1).await;
    let sender = tokens.pop().unwrap();
    let chat = chats[0];
    let server = start_server(&db).await;
    let http = client(listeners + 8);
    let (sent_at_tx, sent_at_rx) = tokio::sync::watch::channel::<Option<(usize, Instant)>>(None);
    let samples = Arc::new(std::sync::Mutex::new(Vec::<f64>::with_capacity(
        listeners * MESSAGES,
    )));
    let delivered = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for token in tokens {
        let http = http.clone();
        let base = server.url.clone();
        let samples = samples.clone();
        let delivered = delivered.clone();
        let sent_at = sent_at_rx.clone();
        let raw = std::env::var_os("PARTA_BENCH_RAW").is_some();
        tasks.push(tokio::spawn(async move {
            let mut marker: Option<i64> = None;
            let mut seen = 0;
            let deadline = Instant::now() + Duration::from_secs(300);
            let mut socket: Option<RawPoller> = None;
            while seen < MESSAGES && Instant::now() < deadline {
                let path = match marker {
                    Some(m) => format!("/updates?timeout=30&marker={m}"),
                    None => "/updates?timeout=30".to_owned(),
                };
                let body = if raw {
                    // One kept-alive socket and a minimal HTTP/1.1 reader: the listener's own
                    // CPU stays out of the figure as far as it can.
                    if socket.is_none() {
                        socket = RawPoller::connect(&base).await;
                    }
                    let Some(poller) = socket.as_mut() else {
                        continue;
                    };
                    match poller.get(&path, &token).await {
                        Some(body) => body,
                        None => {
                            socket = None;
                            continue;
                        }
                    }
                } else {
                    let Ok(response) = http
                        .get(format!("{base}{path}"))
                        .header("Authorization", &token)
                        .send()
                        .await
                    else {
                        continue;
                    };
                    let Ok(body) = response.bytes().await else {
                        continue;
                    };
                    body.to_vec()
                };
                // The moment the answer is in is the delivery; the listener then reads only
                // what it needs (a thousand full JSON parses would share the server's two
                // cores and measure the client).
                let arrived = Instant::now();
                marker = scan_marker(&body).or(marker);
                let count = count_occurrences(&body, b"\"update_type\"");
                if count > 0 {
                    if let Some((_, at)) = *sent_at.borrow() {
                        samples
                            .lock()
                            .unwrap()
                            .push(arrived.duration_since(at).as_secs_f64() * 1000.0);
                    }
                    seen += count;
                    delivered.fetch_add(count, Ordering::SeqCst);
                }
            }
        }));
    }
    // Let every listener reach its wait before the first message.
    tokio::time::sleep(Duration::from_secs(3)).await;
    for i in 0..MESSAGES {
        let target = listeners * (i + 1);
        sent_at_tx.send_replace(Some((i, Instant::now())));
        let response = http
            .post(format!("{}/messages?chat_id={chat}", server.url))
            .header("Authorization", &sender)
            .json(&serde_json::json!({"text": format!("Сообщение {i}")}))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        let wait_until = Instant::now() + Duration::from_secs(30);
        while delivered.load(Ordering::SeqCst) < target && Instant::now() < wait_until {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        // Let the listeners come back to their long polls.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for task in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
    }
    let mut samples = samples.lock().unwrap().clone();
    samples.sort_by(|a, b| a.total_cmp(b));
    println!(
        "send -> delivery with {listeners} listeners, {MESSAGES} messages ({} deliveries of {}):",
        samples.len(),
        listeners * MESSAGES
    );
    println!(
        "  p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&samples, 50.0),
        percentile(&samples, 90.0),
        percentile(&samples, 99.0),
        percentile(&samples, 100.0)
    );
}

async fn throughput() {
    const SENDERS: usize = 8;
    const WINDOW: Duration = Duration::from_secs(10);
    for chats in [1usize, 100] {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("bench.sqlite");
        // Each sender is a member of every chat it posts to: one person per chat per sender.
        let (tokens, chat_ids) = prepare(&db, SENDERS * chats, chats).await;
        let server = start_server(&db).await;
        let rss_at_start = server.rss_kib();
        let http = client(SENDERS * 2);
        let accepted = Arc::new(AtomicUsize::new(0));
        let refused = Arc::new(AtomicUsize::new(0));
        let latencies = Arc::new(std::sync::Mutex::new(Vec::<f64>::new()));
        let end = Instant::now() + WINDOW;
        let mut tasks = Vec::new();
        for s in 0..SENDERS {
            // Person p is in chat p % chats: sender s uses persons s*chats .. s*chats+chats.
            let mine: Vec<(String, i64)> = (0..chats)
                .map(|k| {
                    let p = s * chats + k;
                    (tokens[p].clone(), chat_ids[p % chats])
                })
                .collect();
            let http = http.clone();
            let base = server.url.clone();
            let accepted = accepted.clone();
            let refused = refused.clone();
            let latencies = latencies.clone();
            tasks.push(tokio::spawn(async move {
                let mut i = 0usize;
                let mut mine_ms = Vec::new();
                while Instant::now() < end {
                    let (token, chat) = &mine[i % mine.len()];
                    i += 1;
                    let sent = Instant::now();
                    let response = http
                        .post(format!("{base}/messages?chat_id={chat}"))
                        .header("Authorization", token)
                        .json(&serde_json::json!({"text": "Домашнее задание на завтра: §12"}))
                        .send()
                        .await;
                    match response {
                        Ok(r) if r.status().is_success() => {
                            mine_ms.push(sent.elapsed().as_secs_f64() * 1000.0);
                            accepted.fetch_add(1, Ordering::SeqCst)
                        }
                        _ => refused.fetch_add(1, Ordering::SeqCst),
                    };
                }
                latencies.lock().unwrap().extend(mine_ms);
            }));
        }
        for task in tasks {
            let _ = task.await;
        }
        let n = accepted.load(Ordering::SeqCst);
        println!(
            "sustained sends, {SENDERS} senders, {chats} chat(s): {:.0} messages/s ({n} in {} s, {} refused)",
            n as f64 / WINDOW.as_secs_f64(),
            WINDOW.as_secs(),
            refused.load(Ordering::SeqCst)
        );
        let mut ms = std::mem::take(&mut *latencies.lock().unwrap());
        ms.sort_by(f64::total_cmp);
        let at = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
        println!(
            "  POST /messages as the senders saw it: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            at(0.5),
            at(0.9),
            at(0.99),
            ms[ms.len() - 1]
        );
        println!(
            "  server RSS: {:.1} MiB at start, {:.1} MiB after the {n} messages",
            rss_at_start as f64 / 1024.0,
            server.rss_kib() as f64 / 1024.0
        );
        drop(server);
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let which = args.first().map(String::as_str).unwrap_or("all");
    let n = args.get(1).and_then(|v| v.parse().ok());
    runtime.block_on(async {
        if matches!(which, "idle" | "all") {
            idle(n.unwrap_or(10_000)).await;
        }
        if matches!(which, "latency" | "all") {
            latency(n.unwrap_or(1_000)).await;
        }
        if matches!(which, "throughput" | "all") {
            throughput().await;
        }
        if which == "region" {
            region(n).await;
        }
    });
}

/// The numbers in `"text":"m<N>"` of an updates answer: which paced messages it carries.
fn paced_ids(body: &[u8]) -> Vec<usize> {
    const NEEDLE: &[u8] = b"\"text\":\"m";
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(found) = body[at..].windows(NEEDLE.len()).position(|w| w == NEEDLE) {
        let start = at + found + NEEDLE.len();
        let digits = body[start..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if let Ok(n) = std::str::from_utf8(&body[start..start + digits])
            .unwrap_or("")
            .parse()
        {
            out.push(n);
        }
        at = start + digits;
    }
    out
}

/// The test object store's settings as the server reads them (`PARTA_TEST_S3_*`, which
/// `scripts/with-s3.sh` sets, as `PARTA_S3_*`).
fn s3_env() -> Vec<(String, String)> {
    ["ENDPOINT", "BUCKET", "REGION", "KEY_ID", "SECRET"]
        .into_iter()
        .map(|k| {
            let value = std::env::var(format!("PARTA_TEST_S3_{k}"))
                .expect("run under scripts/with-s3.sh, which starts Garage");
            (format!("PARTA_S3_{k}"), value)
        })
        .collect()
}

/// A PDF-looking file of `len` bytes, different for each `seed`.
fn document(len: usize, seed: u32) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    let mut x = seed.wrapping_add(12345);
    while bytes.len() < len {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        bytes.push((x >> 16) as u8);
    }
    bytes
}

/// Uploads `file` in one chunk through `base` as `token`: whether it completed.
async fn upload_once(http: &reqwest::Client, base: &str, token: &str, file: Vec<u8>) -> bool {
    let Ok(answer) = http
        .post(format!("{base}/uploads?type=file"))
        .header("Authorization", token)
        .send()
        .await
    else {
        return false;
    };
    let Ok(endpoint) = answer.json::<serde_json::Value>().await else {
        return false;
    };
    let Some((_, id)) = endpoint["url"]
        .as_str()
        .and_then(|u| u.split_once("/upload/"))
    else {
        return false;
    };
    let len = file.len();
    let Ok(answer) = http
        .put(format!("{base}/upload/{id}"))
        .header("Content-Range", format!("bytes 0-{}/{len}", len - 1))
        .body(file)
        .send()
        .await
    else {
        return false;
    };
    answer
        .json::<serde_json::Value>()
        .await
        .is_ok_and(|status| status["complete"] == true)
}

/// One run of the region bench: `nodes` servers on PostgreSQL with their files in the object
/// store, behind nginx, or one on SQLite with its files on its disk; 1,000 listeners in 100
/// chats, messages paced at `rate` a second for `seconds`, and a 1 MiB file uploaded for every
/// 50 messages.
async fn paced(postgres: Option<&str>, nodes: usize, rate: f64, seconds: f64) {
    const CHATS: usize = 100;
    const LISTENERS: usize = 1_000;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.sqlite");
    // Persons 0..999 listen (ten a chat), 1000..1099 send (one a chat): person p is in chat
    // p % 100.
    let (tokens, chat_ids) = match postgres {
        Some(url) => {
            let store = parta_server::PostgresStore::open(url).await.unwrap();
            let prepared = prepare_in(&store, LISTENERS + CHATS, CHATS).await;
            parta_server::Store::close(&store).await;
            prepared
        }
        None => prepare(&db, LISTENERS + CHATS, CHATS).await,
    };
    let mut servers = Vec::new();
    let mut balancer = None;
    match postgres {
        Some(_) => {
            let env = s3_env();
            for n in 0..nodes {
                let files = dir.path().join(format!("node{n}.sqlite"));
                servers.push(start_node(&files, postgres, &env).await);
            }
            let addrs: Vec<std::net::SocketAddr> = servers
                .iter()
                .map(|s| s.url.trim_start_matches("http://").parse().unwrap())
                .collect();
            balancer = Some(nginx::Balancer::start(dir.path(), &addrs));
        }
        None => servers.push(start_node(&db, None, &[]).await),
    }
    // Every request through the balancer, or to the one node.
    let bases: Vec<String> = match &balancer {
        Some(balancer) => vec![balancer.url.clone()],
        None => vec![servers[0].url.clone()],
    };
    let total = (rate * seconds) as usize;
    let sent_at: Arc<Vec<std::sync::OnceLock<Instant>>> =
        Arc::new((0..total).map(|_| std::sync::OnceLock::new()).collect());
    let samples = Arc::new(std::sync::Mutex::new(Vec::<f64>::new()));
    let delivered = Arc::new(AtomicUsize::new(0));
    let http = client(LISTENERS + 64);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut listeners = Vec::new();
    for (p, token) in tokens.iter().take(LISTENERS).enumerate() {
        let (http, base, token) = (http.clone(), bases[p % bases.len()].clone(), token.clone());
        let (sent_at, samples, delivered, stop) = (
            sent_at.clone(),
            samples.clone(),
            delivered.clone(),
            stop.clone(),
        );
        listeners.push(tokio::spawn(async move {
            let mut marker: Option<i64> = None;
            while !stop.load(Ordering::SeqCst) {
                let path = match marker {
                    Some(m) => format!("/updates?timeout=2&marker={m}"),
                    None => "/updates?timeout=2".to_owned(),
                };
                let Ok(response) = http
                    .get(format!("{base}{path}"))
                    .header("Authorization", &token)
                    .send()
                    .await
                else {
                    continue;
                };
                let Ok(body) = response.bytes().await else {
                    continue;
                };
                let arrived = Instant::now();
                marker = scan_marker(&body).or(marker);
                let ids = paced_ids(&body);
                if ids.is_empty() {
                    continue;
                }
                let mut mine = Vec::with_capacity(ids.len());
                for id in ids {
                    if let Some(at) = sent_at.get(id).and_then(|s| s.get()) {
                        mine.push(arrived.duration_since(*at).as_secs_f64() * 1000.0);
                    }
                }
                delivered.fetch_add(mine.len(), Ordering::SeqCst);
                samples.lock().unwrap().extend(mine);
            }
        }));
    }
    // Every listener waiting before the first message.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let post_ms = Arc::new(std::sync::Mutex::new(Vec::<f64>::with_capacity(total)));
    let refused = Arc::new(AtomicUsize::new(0));
    // Why sends were refused: status or error, counted.
    let why = Arc::new(std::sync::Mutex::new(std::collections::BTreeMap::<
        String,
        usize,
    >::new()));
    let upload_ms = Arc::new(std::sync::Mutex::new(Vec::<f64>::new()));
    let uploads_failed = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut sends = Vec::with_capacity(total);
    for n in 0..total {
        if n % 50 == 25 {
            // A file for every 50 messages, from the chat's sender.
            let chat = n % CHATS;
            let token = tokens[LISTENERS + chat].clone();
            let (http, base) = (http.clone(), bases[n % bases.len()].clone());
            let (upload_ms, failed) = (upload_ms.clone(), uploads_failed.clone());
            let file = document(1024 * 1024, n as u32);
            sends.push(tokio::spawn(async move {
                let began = Instant::now();
                if upload_once(&http, &base, &token, file).await {
                    let ms = began.elapsed().as_secs_f64() * 1000.0;
                    upload_ms.lock().unwrap().push(ms);
                } else {
                    failed.fetch_add(1, Ordering::SeqCst);
                }
            }));
        }
        let due = start + Duration::from_secs_f64(n as f64 / rate);
        tokio::time::sleep_until(due.into()).await;
        let chat = n % CHATS;
        let token = tokens[LISTENERS + chat].clone();
        let url = format!(
            "{}/messages?chat_id={}",
            bases[n % bases.len()],
            chat_ids[chat]
        );
        let (http, sent_at, post_ms, refused, why) = (
            http.clone(),
            sent_at.clone(),
            post_ms.clone(),
            refused.clone(),
            why.clone(),
        );
        sends.push(tokio::spawn(async move {
            let began = Instant::now();
            let _ = sent_at[n].set(began);
            let answer = http
                .post(url)
                .header("Authorization", token)
                .json(&serde_json::json!({"text": format!("m{n}")}))
                .send()
                .await;
            match answer {
                Ok(a) if a.status().is_success() => post_ms
                    .lock()
                    .unwrap()
                    .push(began.elapsed().as_secs_f64() * 1000.0),
                other => {
                    refused.fetch_add(1, Ordering::SeqCst);
                    let reason = match other {
                        Ok(a) => format!("HTTP {}", a.status().as_u16()),
                        Err(e) if e.is_timeout() => "client timeout".to_owned(),
                        Err(e) if e.is_connect() => "cannot connect".to_owned(),
                        Err(_) => "connection broke".to_owned(),
                    };
                    *why.lock().unwrap().entry(reason).or_default() += 1;
                }
            }
        }));
    }
    for send in sends {
        let _ = send.await;
    }
    let sending = start.elapsed().as_secs_f64();
    let wait_until = Instant::now() + Duration::from_secs(15);
    while delivered.load(Ordering::SeqCst) < total * 10 && Instant::now() < wait_until {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    stop.store(true, Ordering::SeqCst);
    for listener in listeners {
        let _ = tokio::time::timeout(Duration::from_secs(5), listener).await;
    }
    let mut samples = samples.lock().unwrap().clone();
    samples.sort_by(f64::total_cmp);
    let mut post = post_ms.lock().unwrap().clone();
    post.sort_by(f64::total_cmp);
    let mut uploads = upload_ms.lock().unwrap().clone();
    uploads.sort_by(f64::total_cmp);
    let label = match postgres {
        Some(_) => format!("{nodes} nodes on PostgreSQL, files in Garage, behind nginx"),
        None => "1 node on SQLite, files on its disk".to_owned(),
    };
    println!(
        "{label}, {rate:.0} messages/s for {seconds:.0} s ({total} sent in {sending:.1} s, {} refused), \
         1,000 listeners in 100 chats:",
        refused.load(Ordering::SeqCst)
    );
    println!(
        "  send -> delivery ({} of {} deliveries): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        samples.len(),
        total * 10,
        percentile(&samples, 50.0),
        percentile(&samples, 99.0),
        percentile(&samples, 100.0)
    );
    println!(
        "  POST /messages: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&post, 50.0),
        percentile(&post, 99.0),
        percentile(&post, 100.0)
    );
    println!(
        "  1 MiB uploads ({} done, {} failed): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        uploads.len(),
        uploads_failed.load(Ordering::SeqCst),
        percentile(&uploads, 50.0),
        percentile(&uploads, 99.0),
        percentile(&uploads, 100.0)
    );
    let why = why.lock().unwrap().clone();
    if !why.is_empty() {
        println!("  sends refused: {why:?}");
    }
    // What nginx said of its upstreams, summed by kind.
    if balancer.is_some() {
        let log =
            std::fs::read_to_string(dir.path().join("nginx/logs/error.log")).unwrap_or_default();
        let mut kinds = std::collections::BTreeMap::<String, usize>::new();
        for line in log.lines() {
            let kind = line
                .split_once("] ")
                .map(|(_, rest)| rest)
                .unwrap_or(line)
                .split([',', '('])
                .next()
                .unwrap_or("")
                .trim_start_matches(|c: char| {
                    c.is_ascii_digit() || c == '#' || c == ':' || c == '*' || c == ' '
                })
                .to_owned();
            *kinds.entry(kind).or_default() += 1;
        }
        if !kinds.is_empty() {
            println!("  nginx's error log: {kinds:?}");
        }
    }
    drop(balancer);
    drop(servers);
}

/// The region bench: the same load on one node on SQLite and on two nodes on one PostgreSQL
/// (a new database each run, under `PARTA_TEST_POSTGRES`: `scripts/with-postgres.sh`) and one
/// object store (`scripts/with-s3.sh`) behind nginx.
async fn region(only_rate: Option<usize>) {
    let admin = std::env::var("PARTA_TEST_POSTGRES")
        .expect("run under scripts/with-postgres.sh, which names a PostgreSQL server");
    let mut runs = 0;
    for (rate, seconds) in [(116.0, 20.0), (1_160.0, 10.0)] {
        if only_rate.is_some_and(|r| r as f64 != rate) {
            continue;
        }
        paced(None, 1, rate, seconds).await;
        runs += 1;
        let name = format!("region_{}_{runs}", std::process::id());
        {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .unwrap();
        }
        let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
        paced(Some(&url), 2, rate, seconds).await;
    }
}
