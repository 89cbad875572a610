//! The `parta-server` binary as a service manager runs it: started on a settings file, stopped
//! with SIGTERM, nothing it accepted lost.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::json;

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
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_parta-server"))
        .args(["--config", settings.to_str().unwrap()])
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

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = tokio::task::spawn_blocking(move || {
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
    .expect("the server stops within 10 s of SIGTERM");
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
