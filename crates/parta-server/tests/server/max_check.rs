//! `parta-server max check` against a fake of MAX on loopback: every request the server makes
//! is checked against the official schema (../shared/max-bot-api/schema.yaml), and so is every
//! answer the fake gives, so the fake cannot drift from MAX.

use parta_fake_max::{FakeMax, TOKEN};

/// MAX with the school's bot in two chats: one it can carry, one where it may only write.
async fn fake_max() -> (String, FakeMax) {
    let fake = FakeMax::start().await.unwrap();
    fake.add_chat(
        -701,
        "5А — родители",
        &["read_all_messages", "write", "pin_message"],
    );
    fake.add_chat(-702, "Учителя", &["write"]);
    (fake.url().to_owned(), fake)
}

fn token_file(dir: &std::path::Path, token: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("max.token");
    std::fs::write(&path, format!("{token}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

/// The real `parta-server` command (in its own process, while this runtime serves the fake).
async fn run(args: Vec<String>) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_parta-server"))
            .args(args)
            .env_remove("PARTA_MAX_TOKEN")
            .env_remove("PARTA_MAX_URL")
            .env_remove("PARTA_MAX_TOKEN_FILE")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn max_check_names_the_bot_and_warns_where_it_cannot_read_a_chat() {
    let (url, fake) = fake_max().await;
    let dir = tempfile::tempdir().unwrap();
    let file = token_file(dir.path(), TOKEN);
    let out = run(vec![
        "max".into(),
        "check".into(),
        "--token-file".into(),
        file.display().to_string(),
        "--max-url".into(),
        url.clone(),
    ])
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("bot: Бот школы №1 (id 9000, @school1_bot)"),
        "{stdout}{stderr}"
    );
    assert!(stdout.contains(
        "chat -701 «5А — родители»: administrator; read_all_messages, write, pin_message"
    ));
    let teachers = stdout.split("chat -702").nth(1).unwrap_or_default();
    assert!(
        teachers.contains("warning: the bot cannot read this chat's messages"),
        "the chat without read_all_messages is flagged: {stdout}"
    );
    assert!(
        !stdout
            .split("chat -702")
            .next()
            .unwrap_or_default()
            .contains("warning"),
        "the chat the bridge can carry is not: {stdout}"
    );
    assert_eq!(out.status.code(), Some(1), "a warning is not a clean bill");
    assert!(
        !stdout.contains(TOKEN) && !stderr.contains(TOKEN),
        "the token is never printed"
    );
    let requests = fake.requests();
    for needed in [
        "GET /me",
        "GET /chats",
        "GET /chats/-701/members/me",
        "GET /chats/-702/members/me",
    ] {
        assert!(
            requests.iter().any(|r| r == needed),
            "{needed} in {requests:?}"
        );
    }
    let violations = fake.violations();
    assert!(
        violations.is_empty(),
        "every request as MAX specifies: {violations:#?}"
    );
}

#[tokio::test]
async fn max_check_says_when_max_refuses_the_token_or_the_file_is_open_to_others() {
    use std::os::unix::fs::PermissionsExt;
    let (url, _fake) = fake_max().await;
    let dir = tempfile::tempdir().unwrap();
    let file = token_file(dir.path(), "not-the-bots-token");
    let args = |file: &std::path::Path| {
        vec![
            "max".to_owned(),
            "check".to_owned(),
            "--token-file".to_owned(),
            file.display().to_string(),
            "--max-url".to_owned(),
            url.clone(),
        ]
    };
    let refused = run(args(&file)).await;
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr.contains("MAX refused the bot token (verify.token"),
        "{stderr}"
    );
    assert!(!stderr.contains("not-the-bots-token"));

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let open = run(args(&file)).await;
    let stderr = String::from_utf8_lossy(&open.stderr);
    assert_eq!(open.status.code(), Some(1));
    assert!(
        stderr.contains("may be read by others (mode 644)") && stderr.contains("chmod 600"),
        "{stderr}"
    );
}
