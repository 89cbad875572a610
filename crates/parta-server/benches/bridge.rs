//! The MAX bridge's figures (issue 15), for docs/benchmarks.md. Not a test: it measures.
//!
//! `cargo bench -p parta-server --bench bridge [-- inbound N MS | outbound | drain N RATE]`
//!
//! The server runs in this process with the bridge long polling a fake MAX
//! (`parta-fake-max`) on loopback, so the generator, the fake and the server share the two
//! cores: the figures are an upper bound of what the server alone takes.
//! - inbound: N Parta listeners (default 1,000) long-poll the linked chat; a MAX user writes
//!   50 messages MS apart (default 500: more than the 300 ms between the bridge's polls); from MAX having it to each listener's answer, p50/p99;
//! - outbound: a Parta parent sends 200 messages 50 ms apart (20 a second, under MAX's 30); from the send to the fake MAX
//!   having the bot's copy, p50/p99;
//! - drain: N messages (default 10,000) queue while MAX is away; then MAX is back and the
//!   time to drain them at RATE requests a second (default 30, MAX's limit) is measured.

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use parta_fake_max::{BOT_ID, FakeMax, MaxUser, TOKEN};
use parta_server::max::{BotToken, BridgeConfig};
use parta_server::{RunningServer, ServerConfig, SystemClock};
use serde_json::json;

const MAX_CHAT: i64 = -701;

fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        * 1000.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

struct Setup {
    _dir: tempfile::TempDir,
    server: RunningServer,
    fake: FakeMax,
    chat: i64,
    tokens: Vec<String>,
}

/// The demo school with the 5А chat linked to the fake MAX and `listeners` more parents in it.
async fn setup(listeners: usize, rate: f64) -> Setup {
    let fake = FakeMax::start().await.unwrap();
    fake.add_chat(MAX_CHAT, "5А (MAX)", &["read_all_messages", "write"]);
    let dir = tempfile::tempdir().unwrap();
    let mut max = BridgeConfig::new(fake.url(), BotToken::new(TOKEN, "bench").unwrap());
    max.requests_per_second = rate;
    let mut config = ServerConfig::demo(dir.path().join("b.sqlite"), ([127, 0, 0, 1], 0).into());
    config.max = Some(max);
    config.limits.device_per_second = 1_000_000.0;
    config.limits.device_burst = 1_000_000.0;
    let server = parta_server::start(config).await.unwrap();
    let school = server.school().clone();
    let chat = parta_server::demo::link_to_max(&school, "5А — родители", MAX_CHAT, "5А (MAX)")
        .await
        .unwrap();
    let parent = parta_server::demo::issue_token(&school, parta_server::demo::PARENT, "b")
        .await
        .unwrap()
        .into_inner();
    let mut tokens = vec![parent];
    let mut tx = school.begin().await.unwrap();
    for p in 0..listeners {
        let (name, login) = (format!("Слушатель {p}"), format!("listener{p}"));
        let id = tx
            .insert_user(parta_server::store::people::NewUser {
                first_name: &name,
                last_name: None,
                username: &login,
                role: parta_server::roles::Role::Parent,
                created_at: 0,
                password_hash: None,
            })
            .await
            .unwrap();
        tx.add_member(chat, id, false, 0).await.unwrap();
        let token = parta_server::auth::issue_device_token_on(&mut *tx, &SystemClock, id, "b")
            .await
            .unwrap();
        tokens.push(token.into_inner());
    }
    school.commit(tx).await.unwrap();
    // Let the bridge learn its bot and start polling.
    tokio::time::sleep(Duration::from_millis(500)).await;
    Setup {
        _dir: dir,
        server,
        fake,
        chat,
        tokens,
    }
}

async fn inbound(listeners: usize, spacing_ms: u64) {
    const MESSAGES: usize = 50;
    let s = setup(listeners, 30.0).await;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(listeners + 10)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let seen = Arc::new(std::sync::Mutex::new(Vec::<(usize, f64)>::new()));
    let mut tasks = Vec::new();
    for token in &s.tokens[1..] {
        let token = token.clone();
        let http = http.clone();
        let url = s.server.url();
        let seen = seen.clone();
        tasks.push(tokio::spawn(async move {
            let mut marker: Option<i64> = None;
            let mut got = 0;
            while got < MESSAGES {
                let mut address = format!("{url}/updates?timeout=30&types=message_created");
                if let Some(m) = marker {
                    address.push_str(&format!("&marker={m}"));
                }
                let Ok(response) = http
                    .get(address)
                    .header("Authorization", &token)
                    .send()
                    .await
                else {
                    continue;
                };
                let Ok(body) = response.json::<serde_json::Value>().await else {
                    continue;
                };
                let at = now_ms();
                marker = body["marker"].as_i64();
                for update in body["updates"].as_array().into_iter().flatten() {
                    if let Some(text) = update["message"]["body"]["text"].as_str()
                        && let Some(n) = text.strip_prefix("B")
                        && let Ok(n) = n.parse::<usize>()
                    {
                        seen.lock().unwrap().push((n, at));
                        got += 1;
                    }
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let dad = MaxUser::new(777, "Папа", None);
    let mut written = Vec::new();
    for i in 0..MESSAGES {
        written.push(now_ms());
        s.fake.user_writes(MAX_CHAT, &dad, &format!("B{i}"), None);
        tokio::time::sleep(Duration::from_millis(spacing_ms)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    for task in tasks {
        let _ = tokio::time::timeout_at(deadline.into(), task).await;
    }
    let mut latencies: Vec<f64> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(n, at)| at - written[*n])
        .collect();
    latencies.sort_by(f64::total_cmp);
    println!(
        "MAX → Parta, {listeners} listeners, {MESSAGES} messages {spacing_ms} ms apart: {} \
         deliveries of {}; p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        latencies.len(),
        listeners * MESSAGES,
        percentile(&latencies, 50.0),
        percentile(&latencies, 99.0),
        latencies.last().copied().unwrap_or(f64::NAN)
    );
}

async fn outbound() {
    const MESSAGES: usize = 200;
    let s = setup(0, 30.0).await;
    let http = reqwest::Client::new();
    let mut sent_at = Vec::new();
    for i in 0..MESSAGES {
        sent_at.push(now_ms());
        let response = http
            .post(format!("{}/messages?chat_id={}", s.server.url(), s.chat))
            .header("Authorization", &s.tokens[0])
            .json(&json!({"text": format!("O{i}")}))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut latencies = Vec::new();
    for m in s
        .fake
        .all_messages(MAX_CHAT)
        .iter()
        .filter(|m| m.sender_id() == BOT_ID)
    {
        if let Some(n) = m
            .text
            .rsplit("O")
            .next()
            .and_then(|n| n.parse::<usize>().ok())
        {
            latencies.push(m.timestamp as f64 - sent_at[n]);
        }
    }
    latencies.sort_by(f64::total_cmp);
    println!(
        "Parta → MAX, {MESSAGES} messages 50 ms apart: {} arrived; p50 {:.1} ms, p99 {:.1} ms, \
         max {:.1} ms (the fake stamps whole milliseconds)",
        latencies.len(),
        percentile(&latencies, 50.0),
        percentile(&latencies, 99.0),
        latencies.last().copied().unwrap_or(f64::NAN)
    );
}

async fn drain(n: usize, rate: f64) {
    let s = setup(0, rate).await;
    s.fake.set_away(true);
    let http = reqwest::Client::new();
    let queued = Instant::now();
    for i in 0..n {
        let response = http
            .post(format!("{}/messages?chat_id={}", s.server.url(), s.chat))
            .header("Authorization", &s.tokens[0])
            .json(&json!({"text": format!("D{i}")}))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
    }
    println!(
        "drain: {n} messages queued in {:.1} s while MAX was away",
        queued.elapsed().as_secs_f64()
    );
    let back = Instant::now();
    s.fake.set_away(false);
    let cpu_before = cpu_ticks();
    loop {
        let count = s
            .fake
            .all_messages(MAX_CHAT)
            .iter()
            .filter(|m| m.sender_id() == BOT_ID)
            .count();
        if count >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let took = back.elapsed().as_secs_f64();
    let cpu = (cpu_ticks() - cpu_before) as f64 / 100.0;
    let in_order = s
        .fake
        .all_messages(MAX_CHAT)
        .iter()
        .filter(|m| m.sender_id() == BOT_ID)
        .map(|m| {
            m.text
                .rsplit('D')
                .next()
                .and_then(|n| n.parse::<usize>().ok())
        })
        .collect::<Vec<_>>()
        .windows(2)
        .all(|w| w[0] < w[1]);
    println!(
        "drain at {rate}/s: {n} messages in {took:.1} s = {:.1} messages/s (limit {rate}); \
         in order: {in_order}; this process's CPU meanwhile {:.1} % of one core",
        n as f64 / took,
        cpu / took * 100.0
    );
}

/// User + system CPU of this process, in 1/100 s.
fn cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: u64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0);
    let stime: u64 = fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0);
    utime + stime
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let number = |i: usize, default: f64| {
        args.get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(default)
    };
    match args.first().map(String::as_str) {
        Some("inbound") => inbound(number(1, 1000.0) as usize, number(2, 500.0) as u64).await,
        Some("outbound") => outbound().await,
        Some("drain") => drain(number(1, 10_000.0) as usize, number(2, 30.0)).await,
        _ => {
            outbound().await;
            inbound(1000, 500).await;
        }
    }
}
