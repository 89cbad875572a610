//! Tokens in the real OS keychain (Secret Service here). Some checks run in a child process:
//! "another process reads it" needs one, and "no keychain" needs a different D-Bus address
//! than the rest of the suite.

use std::process::Command;

use parta_client::secrets::{Keychain, SecretsError, Sensitive};
use parta_client::{Client, Error, ProfileKind};

use crate::common::*;

const CHILD: &str = "PARTA_TEST_KEYCHAIN_CHILD";

fn unique_service() -> String {
    format!("parta-test-{}", uuid::Uuid::new_v4())
}

/// Runs one `#[ignore]`d helper test of this binary in a child process.
fn run_child(test: &str, envs: &[(&str, &str)]) -> std::process::Output {
    let exe = std::env::current_exe().expect("test binary path");
    let mut cmd = Command::new(exe);
    cmd.args([
        "--exact",
        test,
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(CHILD, "1");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().expect("child runs")
}

fn assert_child_passed(output: &std::process::Output) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "child failed:\n{stdout}\n{stderr}");
    assert!(
        stdout.contains("1 passed"),
        "the child ran its check:\n{stdout}"
    );
}

#[tokio::test]
async fn a_token_written_by_one_process_is_read_by_another() {
    let keychain = Keychain::new(unique_service());
    let token = format!("parta_{}", uuid::Uuid::new_v4().simple());
    keychain
        .store("profile-1", &Sensitive::new(token.clone()))
        .await
        .expect("keychain works");

    let output = run_child(
        "keychain::child_reads_the_token",
        &[
            ("PARTA_TEST_SERVICE", keychain.service()),
            ("PARTA_TEST_EXPECTED", &token),
        ],
    );
    assert_child_passed(&output);
    keychain.delete("profile-1").await.unwrap();
}

#[tokio::test]
#[ignore = "helper: run by a_token_written_by_one_process_is_read_by_another"]
async fn child_reads_the_token() {
    assert!(std::env::var(CHILD).is_ok(), "only run as a child process");
    let keychain = Keychain::new(std::env::var("PARTA_TEST_SERVICE").unwrap());
    let loaded = keychain
        .load("profile-1")
        .await
        .unwrap()
        .expect("the entry exists");
    assert_eq!(
        loaded.expose(),
        &std::env::var("PARTA_TEST_EXPECTED").unwrap()
    );
}

#[tokio::test]
async fn sign_in_keeps_the_token_in_the_keychain_and_sign_out_removes_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let token = token(&server, "a.sokolova").await;
    let keychain = Keychain::new(unique_service());
    let client = Client::open(&dir.path().join("app"), keychain.clone())
        .await
        .unwrap();

    let profile = client
        .sign_in(ProfileKind::School, &server.url(), token.clone())
        .await
        .unwrap();
    assert_eq!(profile.display_name, "Анна Сергеевна Соколова");
    assert_eq!(
        keychain.load(&profile.id).await.unwrap(),
        Some(token.clone())
    );
    assert_no_file_contains(&dir.path().join("app"), token.expose());

    client.sign_out(&profile.id, true).await.unwrap();
    assert_eq!(
        keychain.load(&profile.id).await.unwrap(),
        None,
        "the keychain entry is gone"
    );
    assert!(client.profiles().await.unwrap().is_empty());
    server.stop().await.unwrap();
}

// No keychain is a Linux desktop without a Secret Service; Windows always has its Credential
// Manager (and macOS its Keychain).
#[cfg(target_os = "linux")]
#[tokio::test]
async fn without_a_keychain_sign_in_fails_clearly_and_writes_the_token_nowhere() {
    let output = run_child(
        "keychain::child_signs_in_without_a_keychain",
        // A session bus address where nothing listens: the Secret Service is unreachable.
        &[(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/parta-no-bus",
        )],
    );
    assert_child_passed(&output);
}

#[cfg(target_os = "linux")]
#[tokio::test]
#[ignore = "helper: run by without_a_keychain_sign_in_fails_clearly_and_writes_the_token_nowhere"]
async fn child_signs_in_without_a_keychain() {
    assert!(std::env::var(CHILD).is_ok(), "only run as a child process");
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let token = token(&server, "a.sokolova").await;
    let app_dir = dir.path().join("app");
    let client = Client::open(&app_dir, Keychain::new(unique_service()))
        .await
        .unwrap();

    let err = client
        .sign_in(ProfileKind::School, &server.url(), token.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Secrets(SecretsError::Unavailable(_))),
        "a clear 'no keychain' error, got {err:?}"
    );
    assert!(
        err.to_string().contains("no system keychain is available"),
        "{err}"
    );
    assert!(
        client.profiles().await.unwrap().is_empty(),
        "no half-made profile"
    );
    server.stop().await.unwrap();
    assert_no_file_contains(&app_dir, token.expose());
    assert_no_file_contains(dir.path(), token.expose());
}

/// Fails if any file under `dir` (the cache with its WAL, anything else) contains `needle`.
pub fn assert_no_file_contains(dir: &std::path::Path, needle: &str) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            assert_no_file_contains(&path, needle);
        } else {
            let bytes = std::fs::read(&path).unwrap();
            let found = bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
            assert!(!found, "the token was written to {}", path.display());
        }
    }
}

#[tokio::test]
async fn the_cache_is_encrypted_under_a_key_kept_only_in_the_keychain() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let token = token(&server, "a.sokolova").await;
    let keychain = Keychain::new(unique_service());
    let app_dir = dir.path().join("app");
    let client = Client::open(&app_dir, keychain.clone()).await.unwrap();
    let profile = client
        .sign_in(ProfileKind::School, &server.url(), token.clone())
        .await
        .unwrap();
    let session = client.start_session(&profile, fast_config()).await.unwrap();
    wait_connection(&session, parta_model::view::ConnectionState::Online).await;
    let chat = chat_id(&session, "5А — родители").await;
    let opened = session.open_chat(chat).await.unwrap();
    let cached = opened
        .messages
        .iter()
        .map(|m| m.text.clone())
        .find(|t| t.chars().count() > 20)
        .expect("the demo chat's messages are cached");
    session.stop().await;
    drop(session);

    // The key: 64 hex digits in the keychain, and the file opens with nothing else.
    let account = parta_client::cache_key_account(&app_dir).expect("a cache id");
    let key = keychain.load(&account).await.unwrap().expect("a key kept");
    assert_eq!(key.expose().len(), 64);
    let bytes = std::fs::read(app_dir.join("cache.sqlite")).unwrap();
    assert!(!bytes.starts_with(b"SQLite format 3"));
    let fragment: String = cached.chars().take(20).collect();
    assert_no_file_contains(&app_dir, &fragment);
    assert_no_file_contains(&app_dir, "Соколова");
    assert_no_file_contains(&app_dir, key.expose());
    // Closed, as the app closes it before it exits: Windows moves no file that is still open.
    client.close().await;
    drop(client);

    // Reopened with the same keychain: the profile and its messages are there.
    let client = Client::open(&app_dir, keychain.clone()).await.unwrap();
    assert_eq!(client.profiles().await.unwrap().len(), 1);
    // With the key gone, the unreadable cache is set aside and a new one begins.
    keychain.delete(&account).await.unwrap();
    client.close().await;
    drop(client);
    let client = Client::open(&app_dir, keychain.clone()).await.unwrap();
    assert!(client.profiles().await.unwrap().is_empty());
    assert!(app_dir.join("cache.unreadable.sqlite").exists());
    keychain.delete(&account).await.unwrap();
    keychain.delete(&profile.id).await.unwrap();
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_app_and_the_command_starting_at_once_agree_on_one_cache_key() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::new(unique_service());
    let app_dir = dir.path().join("app");
    // Eight first starts at once in one folder: one key, one readable cache.
    let opens: Vec<_> = (0..8)
        .map(|_| {
            let (app_dir, keychain) = (app_dir.clone(), keychain.clone());
            tokio::spawn(async move { Client::open(&app_dir, keychain).await.map(drop) })
        })
        .collect();
    for open in opens {
        open.await.unwrap().unwrap();
    }
    let client = Client::open(&app_dir, keychain.clone()).await.unwrap();
    assert!(client.profiles().await.unwrap().is_empty());
    assert!(
        !app_dir.join("cache.unreadable.sqlite").exists(),
        "no start found the cache under another key"
    );
    // Another folder has a key of its own.
    let other_dir = dir.path().join("other");
    Client::open(&other_dir, keychain.clone()).await.unwrap();
    let (a, b) = (
        parta_client::cache_key_account(&app_dir).unwrap(),
        parta_client::cache_key_account(&other_dir).unwrap(),
    );
    assert_ne!(a, b);
    let (ka, kb) = (
        keychain.load(&a).await.unwrap().unwrap(),
        keychain.load(&b).await.unwrap().unwrap(),
    );
    assert_ne!(ka.expose(), kb.expose());
    keychain.delete(&a).await.unwrap();
    keychain.delete(&b).await.unwrap();
}
