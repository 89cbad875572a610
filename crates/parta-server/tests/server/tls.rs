//! HTTPS served by parta-server itself (issue 17): the certificate from its files, a new one
//! read on reload without dropping the connections already open, a bad file refused with the
//! old certificate kept, and plain HTTP or the demo kept off the network.

use std::path::Path;
use std::time::Duration;

use parta_server::tls::{TlsError, TlsFiles};
use parta_server::{Error, ServerConfig};
use parta_test_ca::Authority;

/// A client that trusts `root` alone (not the system's roots).
fn trusting(root: &Authority) -> reqwest::Client {
    root.client().unwrap()
}

/// Writes a fresh certificate from `authority` into the server's files.
fn issue(authority: &Authority, files: &TlsFiles) {
    authority.issue_into(&files.cert, &files.key).unwrap();
}

fn files_in(dir: &Path) -> TlsFiles {
    TlsFiles {
        cert: dir.join("server.crt"),
        key: dir.join("server.key"),
    }
}

#[tokio::test]
async fn the_server_serves_https_and_takes_a_new_certificate_without_dropping_connections() {
    let dir = tempfile::tempdir().unwrap();
    let files = files_in(dir.path());
    let first = Authority::new("Школа №1: первый корень").unwrap();
    let second = Authority::new("Школа №1: новый корень").unwrap();
    issue(&first, &files);
    let server = parta_server::start(ServerConfig {
        tls: Some(files.clone()),
        ..ServerConfig::demo(dir.path().join("school.sqlite"), ([127, 0, 0, 1], 0).into())
    })
    .await
    .unwrap();
    let url = server.url();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let token = parta_server::demo::issue_token(server.school(), "a.sokolova", "t")
        .await
        .unwrap()
        .into_inner();

    // Over HTTPS with the school's root, and refused by a client that trusts another root.
    let old_client = trusting(&first);
    let me = old_client
        .get(format!("{url}/me"))
        .header("Authorization", &token);
    assert_eq!(me.send().await.unwrap().status(), 200);
    let stranger = trusting(&second).get(format!("{url}/me")).send().await;
    assert!(
        stranger.is_err(),
        "a certificate from an unknown root is refused"
    );
    // What the server hands out to come back to it says https, although it is this computer.
    let endpoint: serde_json::Value = old_client
        .post(format!("{url}/uploads?type=file"))
        .header("Authorization", &token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let upload = endpoint["url"].as_str().unwrap_or_default();
    assert!(upload.starts_with("https://127.0.0.1:"), "{upload}");
    // Plain HTTP on the HTTPS port gets no answer a client could read as success.
    let plain = reqwest::get(format!("{}/me", url.replacen("https", "http", 1))).await;
    assert!(plain.is_err() || !plain.unwrap().status().is_success());

    // A long poll is open on the old certificate's connection when the new one is read.
    let marker = old_client
        .get(format!("{url}/updates?timeout=0"))
        .header("Authorization", &token)
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap()["marker"]
        .as_i64()
        .unwrap();
    let poll = old_client
        .get(format!("{url}/updates?timeout=3&marker={marker}"))
        .header("Authorization", &token)
        .send();
    let polling = tokio::spawn(poll);
    tokio::time::sleep(Duration::from_millis(300)).await;
    issue(&second, &files);
    server.reload_tls().await.unwrap();

    // New connections get the new certificate: the new root works, the old one no longer does.
    let new_client = trusting(&second);
    let me = new_client
        .get(format!("{url}/me"))
        .header("Authorization", &token);
    assert_eq!(me.send().await.unwrap().status(), 200);
    let fresh_old = trusting(&first).get(format!("{url}/me")).send().await;
    assert!(
        fresh_old.is_err(),
        "a new connection sees the new certificate"
    );
    // The open long poll ends normally, on the connection it started on.
    let answer = polling.await.unwrap().unwrap();
    assert_eq!(answer.status(), 200, "the open connection was not dropped");

    // A broken file is refused with a sentence naming it, and the certificate in use stays.
    std::fs::write(&files.cert, "not a certificate").unwrap();
    let refused = server.reload_tls().await.unwrap_err();
    assert!(
        refused.to_string().contains("server.crt"),
        "the error names the file: {refused}"
    );
    let me = trusting(&second)
        .get(format!("{url}/me"))
        .header("Authorization", &token);
    assert_eq!(me.send().await.unwrap().status(), 200);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn plain_http_and_the_demo_school_are_kept_off_the_network() {
    let dir = tempfile::tempdir().unwrap();
    let open = ([0, 0, 0, 0], 0).into();
    let plain = parta_server::start(ServerConfig {
        demo: false,
        ..ServerConfig::demo(dir.path().join("plain.sqlite"), open)
    })
    .await;
    assert!(
        matches!(plain, Err(Error::Tls(TlsError::PlainOffLoopback(_)))),
        "plain HTTP on every address is refused"
    );
    let files = files_in(dir.path());
    issue(&Authority::new("Школа").unwrap(), &files);
    let demo = parta_server::start(ServerConfig {
        tls: Some(files),
        ..ServerConfig::demo(dir.path().join("demo.sqlite"), open)
    })
    .await;
    assert!(
        matches!(demo, Err(Error::Tls(TlsError::DemoOffLoopback(_)))),
        "the demo school, whose passwords are published, stays on loopback even with HTTPS"
    );
    assert!(
        !dir.path().join("plain.sqlite").exists(),
        "a refused start creates no database"
    );
}

#[tokio::test]
async fn a_missing_certificate_stops_the_start_with_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let started = parta_server::start(ServerConfig {
        tls: Some(files_in(dir.path())),
        ..ServerConfig::demo(dir.path().join("school.sqlite"), ([127, 0, 0, 1], 0).into())
    })
    .await;
    let Err(error) = started else {
        panic!("a server without its certificate file started");
    };
    assert!(error.to_string().contains("server.crt"), "{error}");
}
