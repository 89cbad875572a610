//! `kill -9` at random points of sending (a third of them with a 2 MB file, so kills land in
//! uploads too) and syncing, 200 times (issue 4): every message the command said it had saved
//! reaches the server exactly once with its file, nothing reaches it twice, and the cache ends
//! up holding exactly what the server has.
//!
//! `PARTA_KILL_ITERATIONS` runs it longer (docs/benchmarks.md has a 1,000-kill run);
//! `PARTA_KILL_SEED` repeats a run (each run prints its seed).

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::{command, json, parta};

const CHAT: &str = "5А — родители";

/// Starts `parta` with `args`, kills it with SIGKILL after `after`, and returns what it had
/// written to stdout and stderr by then.
fn run_and_kill(data: &Path, service: &str, args: &[&str], after: Duration) -> (String, String) {
    let mut child = command(data, service, args)
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    // `Child::kill` is SIGKILL on Unix: no destructor, no flush, no goodbye.
    let _ = child.kill();
    child.wait().unwrap();
    let (mut stdout, mut stderr) = (String::new(), String::new());
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (stdout, stderr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_random_points_nothing_is_lost_or_sent_twice() {
    let iterations: usize = std::env::var("PARTA_KILL_ITERATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let seed: u64 = std::env::var("PARTA_KILL_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(rand::random);
    println!("kill test: {iterations} kills, PARTA_KILL_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);

    let dir = tempfile::tempdir().unwrap();
    // The per-device limit is lifted: 200 restarts in a minute would otherwise measure it.
    let server = parta_server::start(parta_server::ServerConfig {
        limits: parta_server::ratelimit::RateLimits {
            device_per_second: 1e6,
            device_burst: 1e6,
            ..Default::default()
        },
        ..parta_server::ServerConfig::demo(
            dir.path().join("school.sqlite"),
            ([127, 0, 0, 1], 0).into(),
        )
    })
    .await
    .unwrap();
    let url = server.url();
    let data = dir.path().join("cli");
    let service = format!("parta-kill-test-{}", std::process::id());

    let blocking =
        |f: Box<dyn FnOnce() -> std::process::Output + Send>| tokio::task::spawn_blocking(f);
    let (d, s, u) = (data.clone(), service.clone(), url.clone());
    let login = blocking(Box::new(move || {
        parta(
            &d,
            &s,
            &["--json", "login", "--server", &u, "--login", "a.sokolova"],
            &format!("{}\n", parta_server::demo::DEMO_PASSWORD),
        )
    }))
    .await
    .unwrap();
    json(&login);

    // A 2 MB document: two resumable chunks, so a kill can land between them.
    let attachment = dir.path().join("Отчёт.pdf");
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend((0..2_000_000u32).map(|i| (i % 251) as u8));
    std::fs::write(&attachment, &pdf).unwrap();
    let attachment = attachment.display().to_string();

    // How long one whole send with the file takes here: kills land anywhere from start-up to
    // delivery.
    let (d, s, a) = (data.clone(), service.clone(), attachment.clone());
    let started = Instant::now();
    let first = blocking(Box::new(move || {
        let args = [
            "--json",
            "send",
            CHAT,
            "Проверка: первое сообщение",
            "--file",
            &a,
        ];
        parta(&d, &s, &args, "")
    }))
    .await
    .unwrap();
    assert_eq!(json(&first)["delivered"], true);
    let whole = started.elapsed();
    let span_ms = u64::try_from((whole.as_millis() * 6 / 5).max(50)).unwrap_or(1000);

    let mut accepted = BTreeSet::new();
    let mut with_file = BTreeSet::new();
    let (mut sends, mut confirmed) = (0, 0);
    for i in 0..iterations {
        let text = format!("Проверка kill -9 №{i}");
        // Half anywhere, half late, where the message is saved and on its way.
        let after = Duration::from_millis(if rng.random_bool(0.5) {
            rng.random_range(0..span_ms)
        } else {
            rng.random_range(span_ms / 2..span_ms)
        });
        let send = rng.random_bool(0.75);
        let file = send && rng.random_bool(1.0 / 3.0);
        if file {
            with_file.insert(i);
        }
        let (d, s, a) = (data.clone(), service.clone(), attachment.clone());
        let (stdout, stderr) = tokio::task::spawn_blocking(move || {
            if file {
                run_and_kill(&d, &s, &["send", CHAT, &text, "--file", &a], after)
            } else if send {
                run_and_kill(&d, &s, &["send", CHAT, &text], after)
            } else {
                run_and_kill(&d, &s, &["sync"], after)
            }
        })
        .await
        .unwrap();
        if send {
            sends += 1;
            if stderr.contains("saved in the outbox") {
                accepted.insert(i);
            }
            if stdout.contains("Sent.") {
                confirmed += 1;
            }
        }
    }

    // Start once more and let it finish: the outbox drains, the cache catches up.
    let mut outbox_left = u64::MAX;
    for _ in 0..3 {
        let (d, s) = (data.clone(), service.clone());
        let out = blocking(Box::new(move || parta(&d, &s, &["--json", "sync"], "")))
            .await
            .unwrap();
        let answer = json(&out);
        outbox_left = answer["outbox"].as_u64().unwrap();
        if outbox_left > 0 {
            println!(
                "still waiting after a sync: {answer} {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        if outbox_left == 0 {
            break;
        }
    }
    assert_eq!(outbox_left, 0, "the outbox drained after the kills");

    let on_server: Vec<String> = sqlx::query_scalar(
        "SELECT text FROM messages WHERE text LIKE 'Проверка kill -9 №%' AND deleted_at IS NULL",
    )
    .fetch_all(server.sqlite_pool().unwrap())
    .await
    .unwrap();
    let mut delivered = BTreeSet::new();
    for text in &on_server {
        let n: usize = text.rsplit('№').next().unwrap().parse().unwrap();
        assert!(delivered.insert(n), "message {n} reached the server twice");
    }
    let lost: Vec<_> = accepted.difference(&delivered).collect();
    assert!(lost.is_empty(), "saved but never delivered: {lost:?}");
    // Each message that went with the file has it, whole, once.
    let files: Vec<(String, i64)> = sqlx::query_as(
        "SELECT m.text, u.total FROM messages m
         JOIN message_attachments a ON a.mid = m.mid JOIN uploads u ON u.id = a.upload_id
         WHERE m.text LIKE 'Проверка kill -9 №%'",
    )
    .fetch_all(server.sqlite_pool().unwrap())
    .await
    .unwrap();
    let mut filed = BTreeSet::new();
    for (text, size) in &files {
        let n: usize = text.rsplit('№').next().unwrap().parse().unwrap();
        assert!(
            with_file.contains(&n),
            "message {n} got a file it was not sent with"
        );
        assert_eq!(*size, pdf.len() as i64, "message {n}: the whole file");
        assert!(filed.insert(n), "message {n} has its file twice");
    }
    let delivered_with_file = delivered.intersection(&with_file).count();
    assert_eq!(
        filed.len(),
        delivered_with_file,
        "every delivered message has its file"
    );

    // The cache holds exactly the chat's messages on the server, each once.
    let (d, s) = (data.clone(), service.clone());
    let exported = blocking(Box::new(move || {
        parta(&d, &s, &["--json", "export", CHAT, "--format", "json"], "")
    }))
    .await
    .unwrap();
    let cached: Vec<String> = json(&exported)
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["mid"].as_str().unwrap().to_owned())
        .collect();
    let cached_set: BTreeSet<_> = cached.iter().cloned().collect();
    assert_eq!(
        cached.len(),
        cached_set.len(),
        "no message twice in the cache"
    );
    let server_mids: BTreeSet<String> = sqlx::query_scalar(
        "SELECT m.mid FROM messages m JOIN chats c ON c.id = m.chat_id
         WHERE c.title = ? AND m.deleted_at IS NULL",
    )
    .bind(CHAT)
    .fetch_all(server.sqlite_pool().unwrap())
    .await
    .unwrap()
    .into_iter()
    .collect();
    assert_eq!(
        cached_set, server_mids,
        "the cache is the server's chat, no gaps"
    );

    println!(
        "kill test: {iterations} kills ({sends} during send, {} of them with a 2 MB file, {} during \
         sync; one whole send with the file took {} ms); {} sends had saved the message before \
         the kill ({} of them had also seen it delivered), {} messages delivered in all ({} with \
         their file), 0 lost, 0 twice",
        with_file.len(),
        iterations - sends,
        whole.as_millis(),
        accepted.len(),
        confirmed,
        delivered.len(),
        filed.len()
    );
    server.stop().await.unwrap();
}
