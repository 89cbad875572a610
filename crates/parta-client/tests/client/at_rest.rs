//! A stolen data folder: with the app's real keychain (Secret Service), a profile filled as a
//! teacher fills it leaves none of its words, files, names or tokens readable under the data
//! folder, and signing out leaves nothing of it at all.

use std::path::Path;

use parta_client::secrets::Keychain;
use parta_client::{Client, ProfileKind};
use parta_model::view::{AppEvent, ConnectionState, Delivery};

use crate::common::*;

/// Fails naming the file if any file under `dir` holds, or is named with, one of `needles`.
fn assert_nothing_readable(dir: &Path, needles: &[&str]) -> usize {
    let files = files_under(dir);
    for path in &files {
        let relative = path.strip_prefix(dir).unwrap().to_string_lossy();
        let bytes = std::fs::read(path).unwrap();
        for needle in needles {
            assert!(
                !relative.contains(needle),
                "a file is named with {needle:?}: {relative}"
            );
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{relative} holds {needle:?}"
            );
        }
    }
    files.len()
}

/// The cache's rows as a plain copy, decrypted with its key: what a thief with the key would
/// read, search index included.
async fn plain_copy(cache: &Path, key: &str, out: &Path) -> Vec<u8> {
    use sqlx::{ConnectOptions, Connection};
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(cache)
        .pragma("key", format!("\"x'{key}'\""))
        // ATTACH creates the plain copy with the main connection's flags.
        .create_if_missing(true)
        .connect()
        .await
        .unwrap();
    let attach = format!("ATTACH DATABASE '{}' AS plain KEY ''", out.display());
    sqlx::query(sqlx::AssertSqlSafe(attach))
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("SELECT sqlcipher_export('plain')")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("DETACH DATABASE plain")
        .execute(&mut conn)
        .await
        .unwrap();
    let free: i64 = sqlx::query_scalar("PRAGMA freelist_count")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(free, 0, "no free pages left holding deleted rows");
    conn.close().await.unwrap();
    std::fs::read(out).unwrap()
}

#[tokio::test]
async fn a_filled_profile_leaves_nothing_readable_and_signing_out_leaves_nothing_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let keychain = Keychain::new(format!("parta-test-{}", uuid::Uuid::new_v4()));
    let app_dir = dir.path().join("app");
    let client = Client::open(&app_dir, keychain.clone()).await.unwrap();
    let teacher_token = token(&server, "a.sokolova").await;
    let parent_token = token(&server, "e.morozova").await;
    let teacher = client
        .sign_in(ProfileKind::School, &server.url(), teacher_token.clone())
        .await
        .unwrap();
    let parent = client
        .sign_in(ProfileKind::School, &server.url(), parent_token.clone())
        .await
        .unwrap();
    let t = client.start_session(&teacher, fast_config()).await.unwrap();
    let p = client.start_session(&parent, fast_config()).await.unwrap();
    wait_connection(&t, ConnectionState::Online).await;
    wait_connection(&p, ConnectionState::Online).await;
    let chat = chat_id(&t, "5А — родители").await;

    // A message with a file, sent and kept; the parent downloads and opens the file.
    let protocol = dir.path().join("Протокол собрания Морозовой.txt");
    std::fs::write(
        &protocol,
        "ПРОТОКОЛ-7731: решили ехать на экскурсию".as_bytes(),
    )
    .unwrap();
    let mut events = t.subscribe();
    // Subscribed before sending: the parent may have it before the teacher hears it is sent.
    let mut parent_events = p.subscribe();
    let sent = t
        .send(
            chat,
            "Экскурсия-5519 в музей в субботу",
            std::slice::from_ref(&protocol),
        )
        .await
        .unwrap();
    let done = wait_event(
        &mut events,
        "the message with a file is sent",
        |e| matches!(e, AppEvent::MessageSent { local_mid, .. } if *local_mid == sent[0].mid),
    )
    .await;
    let AppEvent::MessageSent { message, .. } = done else {
        unreachable!()
    };
    let file_token = message.attachments[0].token.clone().unwrap();
    wait_event(
        &mut parent_events,
        "the parent receives it",
        |e| matches!(e, AppEvent::MessageAdded { message } if message.text.contains("5519")),
    )
    .await;
    let opened = p
        .open_file(&file_token, "Протокол собрания Морозовой.txt")
        .await
        .unwrap();
    assert!(
        std::fs::read_to_string(&opened)
            .unwrap()
            .contains("ПРОТОКОЛ-7731")
    );
    assert!(
        !opened.starts_with(&app_dir),
        "opened copies live outside the data folder"
    );
    // A word only the teacher's cache holds (the parent is not in the teachers' chat), a
    // search, a draft, and (the server gone) an unsent message with a file.
    let staff = chat_id(&t, "Учителя").await;
    let said = t
        .send(staff, "Учительская-6620 собрание", &[])
        .await
        .unwrap();
    wait_event(
        &mut events,
        "the staff message is sent",
        |e| matches!(e, AppEvent::MessageSent { local_mid, .. } if *local_mid == said[0].mid),
    )
    .await;
    assert!(!t.search("5519", None).await.unwrap().is_empty());
    assert_eq!(t.search("6620", None).await.unwrap().len(), 1);
    t.save_draft(chat, "Черновик-8264 про собрание")
        .await
        .unwrap();
    server.stop().await.unwrap();
    let unsent_file = dir.path().join("Список_Смирновых.txt");
    std::fs::write(&unsent_file, "НЕОТПРАВЛЕНО-4406 список").unwrap();
    let unsent = t
        .send(chat, "Неотправленное-9120", &[unsent_file])
        .await
        .unwrap();
    assert_eq!(unsent[0].delivery, Delivery::Pending);
    std::fs::remove_file(&protocol).unwrap();
    t.stop().await;
    p.stop().await;
    assert!(!opened.exists(), "opened copies go when the session stops");

    // Everything under the data folder, contents and names.
    let cache_key = keychain
        .load(&parta_client::cache_key_account(&app_dir).unwrap())
        .await
        .unwrap()
        .unwrap();
    let files_key = keychain
        .load(&parta_client::files_key_account(&teacher.id))
        .await
        .unwrap()
        .expect("the teacher's files key is in the keychain");
    let needles = [
        "5519",
        "Экскурсия",
        "ПРОТОКОЛ-7731",
        "Протокол",
        "Морозов",
        "Черновик-8264",
        "Неотправленное-9120",
        "НЕОТПРАВЛЕНО-4406",
        "Смирновых",
        "6620",
        "Соколова",
        teacher_token.expose(),
        parent_token.expose(),
        &file_token,
        cache_key.expose(),
        files_key.expose(),
    ];
    let scanned = assert_nothing_readable(&app_dir, &needles);
    eprintln!("scanned {scanned} files under the data folder");
    assert!(
        scanned >= 5,
        "the cache, its log, and the kept and waiting files: {scanned}"
    );

    // The teacher signs out and wipes: her keys, files and rows are gone; the parent's stay.
    client.sign_out(&teacher.id, true).await.unwrap();
    for account in [
        teacher.id.clone(),
        parta_client::files_key_account(&teacher.id),
    ] {
        assert_eq!(keychain.load(&account).await.unwrap(), None, "{account}");
    }
    let teacher_files = app_dir.join("files").join(&teacher.id);
    assert!(!teacher_files.exists());
    let profiles = client.profiles().await.unwrap();
    assert_eq!(profiles.len(), 1);
    assert_eq!(profiles[0].id, parent.id);
    assert!(client.cache_usage(&parent.id).await.unwrap().messages > 0);
    client.close().await;
    let plain = plain_copy(
        &app_dir.join("cache.sqlite"),
        cache_key.expose(),
        &dir.path().join("plain.sqlite"),
    )
    .await;
    for gone in [
        "Черновик-8264",
        "Неотправленное-9120",
        "НЕОТПРАВЛЕНО-4406",
        "6620",
    ] {
        assert!(
            !plain.windows(gone.len()).any(|w| w == gone.as_bytes()),
            "{gone} is still in the cache"
        );
    }
    // The parent's own copy of the conversation stays (she received the message).
    assert!(plain.windows(4).any(|w| w == b"5519"));
    keychain.delete(&parent.id).await.unwrap();
    keychain
        .delete(&parta_client::files_key_account(&parent.id))
        .await
        .unwrap();
    keychain
        .delete(&parta_client::cache_key_account(&app_dir).unwrap())
        .await
        .unwrap();
}
