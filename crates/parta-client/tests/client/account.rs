//! Signing in without a token yet, against the real server and the real keychain: a password
//! on a new device, and joining by an invitation that waits for the class teacher.

use parta_client::account::{InviteForm, invite_code};
use parta_client::secrets::Sensitive;
use parta_client::{Client, Error, JoinState};
use serde_json::{Value, json};

use crate::common::*;
use crate::keychain::assert_no_file_contains;

#[tokio::test]
async fn a_password_sign_in_gives_this_device_its_own_token_kept_only_in_the_keychain() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let keychain = test_keychain();
    let client = Client::open(&dir.path().join("app"), keychain.clone())
        .await
        .unwrap();
    let password = Sensitive::new(parta_server::demo::DEMO_PASSWORD.to_owned());

    let wrong = client
        .sign_in_with_password(
            &server.url(),
            "e.morozova",
            &Sensitive::new("nope-nope".into()),
            "Ноутбук",
            None,
        )
        .await;
    assert!(matches!(wrong, Err(Error::Unauthorized)), "{wrong:?}");
    assert!(client.profiles().await.unwrap().is_empty());

    let profile = client
        .sign_in_with_password(&server.url(), "e.morozova", &password, "Ноутбук", None)
        .await
        .unwrap();
    assert_eq!(profile.display_name, "Елена Морозова");
    let token = keychain.load(&profile.id).await.unwrap().unwrap();
    assert_no_file_contains(&dir.path().join("app"), token.expose());
    assert_no_file_contains(&dir.path().join("app"), parta_server::demo::DEMO_PASSWORD);

    // The server lists the device under the name given.
    let devices: Value = reqwest::Client::new()
        .get(format!("{}/school/devices", server.url()))
        .header("Authorization", token.expose())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(devices["devices"][0]["name"], "Ноутбук");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn joining_by_invite_waits_for_approval_then_signs_in_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let http = reqwest::Client::new();
    let teacher = token(&server, "a.sokolova").await;
    let classes: Value = http
        .get(format!("{}/school/classes", server.url()))
        .header("Authorization", teacher.expose())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let class_5a = classes["classes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "5А")
        .unwrap()["id"]
        .clone();
    let invite: Value = http
        .post(format!("{}/school/invites", server.url()))
        .header("Authorization", teacher.expose())
        .json(&json!({"role": "parent", "class_id": class_5a}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = invite_code(invite["link"].as_str().unwrap()).expect("the link carries a code");

    let keychain = test_keychain();
    let client = Client::open(&dir.path().join("app"), keychain.clone())
        .await
        .unwrap();
    let form = InviteForm {
        code,
        first_name: "Павел".into(),
        last_name: Some("Лебедев".into()),
        child_name: Some("Лебедева Маша".into()),
        login: "p.lebedev".into(),
        password: Sensitive::new("весна-2026-школа".into()),
        device_name: "Ноутбук".into(),
        consent_personal_data: true,
    };
    let JoinState::Waiting { pending_id } =
        client.join_by_invite(&server.url(), &form).await.unwrap()
    else {
        panic!("the school reviews newcomers by default");
    };
    assert!(client.profiles().await.unwrap().is_empty());
    assert_eq!(
        client.pending_join().as_deref(),
        Some(pending_id.as_str()),
        "the waiting join is noted on this computer, for the app and the command alike"
    );
    assert!(matches!(
        client.waiting_join_outcome().await.unwrap(),
        JoinState::Waiting { .. }
    ));

    // The class teacher approves.
    let requests: Value = http
        .get(format!("{}/school/join-requests", server.url()))
        .header("Authorization", teacher.expose())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = requests["requests"][0]["id"].as_i64().unwrap();
    let approved = http
        .post(format!(
            "{}/school/join-requests/{id}/approve",
            server.url()
        ))
        .header("Authorization", teacher.expose())
        .send()
        .await
        .unwrap();
    assert!(approved.status().is_success());

    let JoinState::Joined(profile) = client.waiting_join_outcome().await.unwrap() else {
        panic!("approved");
    };
    assert_eq!(client.pending_join(), None, "nothing waits any more");
    assert_eq!(profile.display_name, "Павел Лебедев");
    assert!(keychain.load(&profile.id).await.unwrap().is_some());
    assert!(
        matches!(
            client.join_outcome(&pending_id).await,
            Err(Error::NoProfile)
        ),
        "the request's secret left the keychain with the sign-in"
    );
    let session = client.start_session(&profile, fast_config()).await.unwrap();
    wait_connection(&session, parta_model::view::ConnectionState::Online).await;
    let titles: Vec<String> = session
        .chats()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.title)
        .collect();
    assert_eq!(
        titles,
        vec!["5А — родители"],
        "the new parent sees their class chat"
    );
    session.stop().await;
    server.stop().await.unwrap();
}
