//! The `parta-server` binary as a service manager runs it: started on a settings file, stopped
//! with SIGTERM, nothing it accepted lost.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

use parta_test_ca::Authority;
use serde_json::json;

/// Starts the binary with `args`, its log in `dir/server.log`; returns it and the address it
/// says it listens on.
pub(crate) async fn spawn(args: &[&str], dir: &Path) -> (Child, String) {
    spawn_with_env(args, &[], dir).await
}

/// [`spawn`] with more environment variables.
pub(crate) async fn spawn_with_env(
    args: &[&str],
    env: &[(&str, &str)],
    dir: &Path,
) -> (Child, String) {
    let log = std::fs::File::create(dir.join("server.log")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_parta-server"))
        .args(args)
        .envs(env.iter().copied())
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let url = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| {
                line.strip_prefix("parta-server listening on ")
                    .map(str::to_owned)
            })
    })
    .await
    .unwrap()
    .expect("the server says where it listens");
    (child, url)
}

/// Sends `signal` (`-TERM`, `-HUP`) to the server.
fn signal(child: &Child, signal: &str) {
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Sends `signal` and waits up to 10 s for the server to exit.
async fn signal_and_wait(mut child: Child, name: &str) -> ExitStatus {
    signal(&child, name);
    tokio::task::spawn_blocking(move || {
        for _ in 0..100 {
            if let Some(exit) = child.try_wait().unwrap() {
                return Some(exit);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        None
    })
    .await
    .unwrap()
    .expect("the server stops within 10 s of the signal")
}

#[tokio::test]
async fn sigterm_stops_the_server_cleanly_and_keeps_every_accepted_message() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("school.sqlite");
    let settings = dir.path().join("school.toml");
    std::fs::write(
        &settings,
        format!(
            "[server]\nbind = \"127.0.0.1:0\"\ndatabase = \"{}\"\ndemo = true\n",
            db.display()
        ),
    )
    .unwrap();
    let (child, url) = spawn(&["--config", settings.to_str().unwrap()], dir.path()).await;
    let log_path = dir.path().join("server.log");

    // A token made in the database the server uses (as an administrator's tool would).
    let store = std::sync::Arc::new(parta_server::SqliteStore::open(&db).await.unwrap());
    let school = parta_server::School::standalone(
        store.clone(),
        std::sync::Arc::new(parta_server::SystemClock),
    )
    .await
    .unwrap();
    let token = parta_server::demo::issue_token(&school, "a.sokolova", "t")
        .await
        .unwrap()
        .into_inner();
    let http = reqwest::Client::new();
    let chats: serde_json::Value = http
        .get(format!("{url}/chats"))
        .header("Authorization", &token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let chat = chats["chats"][0]["chat_id"].as_i64().unwrap();
    let sent = http
        .post(format!("{url}/messages?chat_id={chat}"))
        .header("Authorization", &token)
        .json(&json!({"text": "Отправлено перед остановкой"}))
        .send()
        .await
        .unwrap();
    assert!(sent.status().is_success());

    let exit = signal_and_wait(child, "-TERM").await;
    assert!(exit.success(), "a clean stop exits 0: {exit:?}");
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE text = ?")
        .bind("Отправлено перед остановкой")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(kept, 1);

    // Every request left a line naming its route and status, and nothing secret or private.
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.lines().any(|l| l.contains("route=\"/messages\"")
            && l.contains("status=200")
            && l.contains("method=POST")),
        "{log}"
    );
    assert!(log.contains("route=\"/chats\""), "{log}");
    assert!(!log.contains(&token), "the token is never logged");
    assert!(
        !log.contains("Отправлено перед остановкой"),
        "nor a message's text"
    );
}

/// Whether a client trusting `root` alone gets an answer from `url` over HTTPS.
async fn reached_with(root: &Authority, url: &str) -> bool {
    let client = root.client().unwrap();
    client.get(format!("{url}/me")).send().await.is_ok()
}

#[tokio::test]
async fn sighup_reads_the_certificate_again_and_the_server_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("server.crt"), dir.path().join("server.key"));
    let write = |authority: &Authority| authority.issue_into(&cert, &key).unwrap();
    let (first, second) = (
        Authority::new("first").unwrap(),
        Authority::new("second").unwrap(),
    );
    write(&first);
    let db = dir.path().join("school.sqlite");
    let args = [
        "--bind",
        "127.0.0.1:0",
        "--db",
        db.to_str().unwrap(),
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ];
    let (child, url) = spawn(&args, dir.path()).await;
    assert!(url.starts_with("https://"), "{url}");
    assert!(reached_with(&first, &url).await);
    assert!(!reached_with(&second, &url).await);

    write(&second);
    signal(&child, "-HUP");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !reached_with(&second, &url).await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the new certificate is served within 10 s of SIGHUP"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        !reached_with(&first, &url).await,
        "and the old one no longer"
    );
    let exit = signal_and_wait(child, "-TERM").await;
    assert!(
        exit.success(),
        "SIGHUP did not stop it; SIGTERM stops it cleanly: {exit:?}"
    );
    let log = std::fs::read_to_string(dir.path().join("server.log")).unwrap();
    assert!(log.contains("TLS certificate read again"), "{log}");
}
