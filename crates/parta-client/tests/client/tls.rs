//! A school's server over HTTPS under the school's own certificate authority, as the client
//! core reaches it (issue 17): refused with a sentence about the certificate until the
//! school's root is given, then kept with the profile for every later connection.

use std::path::Path;

use parta_client::secrets::Sensitive;
use parta_client::{Client, Error, Profile};
use parta_model::view::ConnectionState;
use parta_server::ServerConfig;
use parta_server::tls::TlsFiles;
use parta_test_ca::Authority;

use crate::common::*;

/// Writes a certificate for this computer from `authority` into `dir`.
pub fn certificate_in(dir: &Path, authority: &Authority) -> TlsFiles {
    let files = TlsFiles {
        cert: dir.join("server.crt"),
        key: dir.join("server.key"),
    };
    authority.issue_into(&files.cert, &files.key).unwrap();
    files
}

/// Signs Елена Морозова in at `url`, trusting `root`.
pub async fn sign_in(
    client: &Client,
    url: &str,
    root: Option<String>,
) -> parta_client::Result<Profile> {
    let password = Sensitive::new(parta_server::demo::DEMO_PASSWORD.to_owned());
    client
        .sign_in_with_password(url, "e.morozova", &password, "Ноутбук", root)
        .await
}

/// Starts a session for `profile`, waits until it is online and returns its chats' titles.
async fn chat_titles(client: &Client, profile: &Profile) -> Vec<String> {
    let session = client.start_session(profile, fast_config()).await.unwrap();
    wait_connection(&session, ConnectionState::Online).await;
    let titles = session
        .chats()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.title)
        .collect();
    session.stop().await;
    titles
}

#[tokio::test]
async fn a_school_with_its_own_authority_is_reached_once_its_root_is_given_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let authority = Authority::new("Школа №1: удостоверяющий центр").unwrap();
    let server = parta_server::start(ServerConfig {
        tls: Some(certificate_in(dir.path(), &authority)),
        ..ServerConfig::demo(dir.path().join("school.sqlite"), loopback())
    })
    .await
    .unwrap();
    let url = server.url();
    let keychain = test_keychain();
    let client = Client::open(&dir.path().join("app"), keychain.clone())
        .await
        .unwrap();

    // Without the school's root: a sentence about the certificate, not "offline", and no
    // profile left behind.
    let refused = sign_in(&client, &url, None).await;
    assert!(
        matches!(refused, Err(Error::UntrustedCertificate)),
        "{refused:?}"
    );
    assert!(client.profiles().await.unwrap().is_empty());

    let root = authority.root_pem();
    let profile = sign_in(&client, &url, Some(root.clone())).await.unwrap();
    assert_eq!(profile.extra_root_pem.as_deref(), Some(root.as_str()));
    assert!(
        profile.server_url.starts_with("https://"),
        "{}",
        profile.server_url
    );

    // The app starts again later: the profile's own root still opens the way.
    drop(client);
    let client = Client::open(&dir.path().join("app"), keychain)
        .await
        .unwrap();
    let stored = client.profiles().await.unwrap();
    assert_eq!(stored[0].extra_root_pem.as_deref(), Some(root.as_str()));
    assert_eq!(
        chat_titles(&client, &stored[0]).await,
        vec!["5А — родители"]
    );
    server.stop().await.unwrap();
}
