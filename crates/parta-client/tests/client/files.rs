//! Files through the real server: checked before sending, uploaded (multipart and resumable),
//! received by another member, downloaded with resume, kept offline within a size limit.

use std::path::{Path, PathBuf};

use parta_client::api::ApiClient;
use parta_client::files::sealed::{SealedReader, SealedWriter};
use parta_client::files::{FileKey, FileVault};
use parta_client::store::{OutboxFile, OutboxItem};
use parta_client::{Error, Session, SessionConfig};
use parta_model::view::{AppEvent, ConnectionState, Delivery};

use crate::common::*;

/// A PDF-looking file of `size` bytes whose bytes depend on `seed` (the server sniffs content).
fn pdf(dir: &Path, name: &str, size: usize, seed: u8) -> PathBuf {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..size - bytes.len()).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn config(files: &Path, cache_limit: u64) -> SessionConfig {
    keyed_config(files, FileKey::generate().unwrap(), cache_limit)
}

fn keyed_config(files: &Path, key: FileKey, cache_limit: u64) -> SessionConfig {
    SessionConfig {
        files: Some(FileVault::new(files, key)),
        file_cache_limit: cache_limit,
        ..fast_config()
    }
}

#[tokio::test]
async fn files_go_through_the_outbox_to_another_member_and_open_offline() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let teacher = Session::start(
        "t".into(),
        None,
        ApiClient::new(&server.url(), token(&server, "a.sokolova").await).unwrap(),
        sqlite(&dir.path().join("t.sqlite")).await,
        config(&dir.path().join("t-files"), 1 << 30),
    );
    let parent = Session::start(
        "p".into(),
        None,
        ApiClient::new(&server.url(), token(&server, "e.morozova").await).unwrap(),
        sqlite(&dir.path().join("p.sqlite")).await,
        config(&dir.path().join("p-files"), 1 << 30),
    );
    wait_connection(&teacher, ConnectionState::Online).await;
    wait_connection(&parent, ConnectionState::Online).await;
    let chat = chat_id(&teacher, "5А — родители").await;

    // Refused before anything is stored: a program named like a photo.
    let exe = dir.path().join("фото.jpg");
    std::fs::write(&exe, b"MZ\x90\x00\x03\x00\x00\x00 program").unwrap();
    let refused = teacher.send(chat, "Фото", &[exe]).await.unwrap_err();
    assert!(matches!(refused, Error::InvalidInput(_)), "{refused:?}");
    assert!(refused.to_string().contains("фото.jpg"), "{refused}");
    assert!(
        teacher.outbox().await.unwrap().is_empty(),
        "nothing half-written"
    );

    // A small text file (one multipart request) and a 3.5 MB PDF (four resumable chunks). MAX
    // takes documents one per message: the text goes with the first.
    let list = dir.path().join("Список литературы.txt");
    std::fs::write(
        &list,
        "1. Пушкин. Сказки\n2. Носов. Витя Малеев\n".as_bytes(),
    )
    .unwrap();
    let big = pdf(dir.path(), "Расписание.pdf", 3_500_000, 7);
    let mut teacher_events = teacher.subscribe();
    let mut parent_events = parent.subscribe();
    let pending = teacher
        .send(chat, "Списки и расписание", &[list.clone(), big.clone()])
        .await
        .unwrap();
    assert_eq!(pending.len(), 2);
    assert!(pending.iter().all(|m| m.delivery == Delivery::Pending));
    assert_eq!(pending[0].text, "Списки и расписание");
    assert_eq!(pending[0].attachments[0].name, "Список литературы.txt");
    assert_eq!(pending[1].attachments[0].name, "Расписание.pdf");
    std::fs::remove_file(&big).unwrap(); // the app sends its own copy

    let mut chunks = Vec::new();
    let sent = wait_event(&mut teacher_events, "the message with files is sent", |e| {
        if let AppEvent::TransferProgress {
            name,
            done,
            upload: true,
            ..
        } = e
            && name == "Расписание.pdf"
        {
            chunks.push(*done);
        }
        matches!(e, AppEvent::MessageSent { local_mid, .. } if *local_mid == pending[1].mid)
    })
    .await;
    let AppEvent::MessageSent { message, .. } = sent else {
        unreachable!()
    };
    assert_eq!(message.attachments.len(), 1);
    assert!(
        chunks.len() >= 4,
        "progress after each 1 MiB chunk: {chunks:?}"
    );
    assert_eq!(chunks.last(), Some(&3_500_000));
    assert!(message.attachments[0].token.is_some());

    let received = wait_event(&mut parent_events, "the parent receives the PDF", |e| {
        matches!(e, AppEvent::MessageAdded { message }
            if message.attachments.iter().any(|a| a.name == "Расписание.pdf"))
    })
    .await;
    let AppEvent::MessageAdded { message: got } = received else {
        unreachable!()
    };
    let with_text = parent.open_chat(chat).await.unwrap();
    let first = with_text
        .messages
        .iter()
        .find(|m| m.text == "Списки и расписание")
        .expect("the text came with the first document");
    assert_eq!(first.attachments[0].name, "Список литературы.txt");
    let pdf_attachment = &got.attachments[0];
    assert_eq!(pdf_attachment.size, Some(3_500_000));

    // The parent opens the PDF: downloaded once, then read from the cache, also offline.
    let token = pdf_attachment.token.clone().unwrap();
    let opened = parent.open_file(&token, "Расписание.pdf").await.unwrap();
    let expected = {
        let mut bytes = b"%PDF-1.7\n".to_vec();
        bytes.extend((0..3_500_000 - 9).map(|i| (i as u8).wrapping_mul(31).wrapping_add(7)));
        bytes
    };
    assert_eq!(std::fs::read(&opened).unwrap(), expected);
    teacher.stop().await;
    parent.stop().await;
    server.stop().await.unwrap();
    assert!(!opened.exists(), "opened copies go when the session stops");
    let offline = parent.open_file(&token, "Расписание.pdf").await.unwrap();
    assert_eq!(
        std::fs::read(&offline).unwrap(),
        expected,
        "from the cache, with the server gone"
    );
}

#[tokio::test]
async fn an_interrupted_upload_resumes_where_the_server_stands_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let token = token(&server, "a.sokolova").await;
    let api = ApiClient::new(&server.url(), token.clone()).unwrap();
    let chat = api_chat_id(&api, "5А — родители").await;
    let file = pdf(dir.path(), "Проект.pdf", 2_600_000, 3);
    let bytes = std::fs::read(&file).unwrap();

    // As left by an app killed after the first 1 MiB chunk: the URL saved in the outbox,
    // the server holding the first chunk.
    let endpoint = api.create_upload("file").await.unwrap();
    let first = api
        .upload_chunk(
            &endpoint.url,
            "Проект.pdf",
            0,
            bytes[..1 << 20].to_vec(),
            bytes.len() as u64,
        )
        .await
        .unwrap();
    assert_eq!(first.received, 1 << 20);
    let store = sqlite(&dir.path().join("cache.sqlite")).await;
    let item = OutboxItem {
        local_id: uuid::Uuid::new_v4().to_string(),
        chat_id: chat,
        text: "Проект".into(),
        created_at: 1,
        attempts: 1,
        next_attempt_at: 0,
        failed: None,
        attachments: vec![OutboxFile {
            name: "Проект.pdf".into(),
            path: file.clone(),
            size: bytes.len() as u64,
            kind: "file".into(),
            upload_url: Some(endpoint.url.clone()),
            token: None,
            sealed: false,
        }],
        reply_to: None,
        kind: Default::default(),
    };
    store.outbox_push("p", &item).await.unwrap();

    let session = Session::start(
        "p".into(),
        None,
        ApiClient::new(&server.url(), token).unwrap(),
        store.clone(),
        config(&dir.path().join("files"), 1 << 30),
    );
    let mut events = session.subscribe();
    let mut first_progress = None;
    wait_event(&mut events, "the resumed message is sent", |e| {
        if let AppEvent::TransferProgress {
            done, upload: true, ..
        } = e
        {
            first_progress.get_or_insert(*done);
        }
        matches!(e, AppEvent::MessageSent { .. })
    })
    .await;
    assert_eq!(
        first_progress,
        Some(1 << 20),
        "resumed at the server's byte, not at 0"
    );
    assert!(store.outbox("p").await.unwrap().is_empty());
    let on_server: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE text = 'Проект'")
        .fetch_one(server.sqlite_pool().unwrap())
        .await
        .unwrap();
    assert_eq!(on_server, 1);
    let sent = session.open_chat(chat).await.unwrap();
    let attachment = &sent.messages.last().unwrap().attachments[0];
    let path = session
        .open_file(attachment.token.as_deref().unwrap(), "Проект.pdf")
        .await
        .unwrap();
    assert_eq!(
        std::fs::read(path).unwrap(),
        bytes,
        "the server has exactly the file"
    );
    session.stop().await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn downloads_resume_and_the_cache_keeps_only_the_newest_within_its_limit() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let teacher = Session::start(
        "t".into(),
        None,
        ApiClient::new(&server.url(), token(&server, "a.sokolova").await).unwrap(),
        sqlite(&dir.path().join("t.sqlite")).await,
        config(&dir.path().join("t-files"), 1 << 30),
    );
    wait_connection(&teacher, ConnectionState::Online).await;
    let chat = chat_id(&teacher, "5А — родители").await;
    let mut events = teacher.subscribe();
    let paths: Vec<PathBuf> = (0..3u8)
        .map(|i| pdf(dir.path(), &format!("Файл {i}.pdf"), 2_000_000, i))
        .collect();
    let pending = teacher.send(chat, "Три файла", &paths).await.unwrap();
    let mut tokens = Vec::new();
    for item in &pending {
        let sent = wait_event(
            &mut events,
            "sent",
            |e| matches!(e, AppEvent::MessageSent { local_mid, .. } if *local_mid == item.mid),
        )
        .await;
        let AppEvent::MessageSent { message, .. } = sent else {
            unreachable!()
        };
        tokens.push(message.attachments[0].token.clone().unwrap());
    }
    teacher.stop().await;

    // A parent whose cache holds 5 MB: two of the three 2 MB files.
    let files_dir = dir.path().join("p-files");
    let key = FileKey::generate().unwrap();
    let store = sqlite(&dir.path().join("p.sqlite")).await;
    let parent = Session::start(
        "p".into(),
        None,
        ApiClient::new(&server.url(), token(&server, "e.morozova").await).unwrap(),
        store.clone(),
        keyed_config(&files_dir, key.clone(), 5_000_000),
    );
    // The first download broke off after 700,000 bytes: it resumes after the whole 64 KiB
    // chunks sealed by then (10 of them, 655,360 bytes).
    let cache = |n: usize| parta_client::files::cache_path(&files_dir, &tokens[n]);
    std::fs::create_dir_all(cache(0).parent().unwrap()).unwrap();
    let original = std::fs::read(&paths[0]).unwrap();
    let part = PathBuf::from(format!("{}.part", cache(0).display()));
    let mut broken = SealedWriter::create(&part, &key).await.unwrap();
    broken.write(&original[..700_000]).await.unwrap();
    drop(broken);
    let mut events = parent.subscribe();
    let first = parent.open_file(&tokens[0], "Файл 0.pdf").await.unwrap();
    assert_eq!(std::fs::read(&first).unwrap(), original);
    assert_eq!(first.file_name().unwrap(), "Файл_0.pdf", "named as sent");
    let mut resumed_at = None;
    while let Ok(e) = events.try_recv() {
        if let AppEvent::TransferProgress {
            done,
            upload: false,
            ..
        } = e
        {
            resumed_at.get_or_insert(done);
        }
    }
    assert_eq!(resumed_at, Some(655_360));
    // Kept sealed: none of the file's bytes are in the cache's copy.
    let kept_bytes = std::fs::read(cache(0)).unwrap();
    assert!(!kept_bytes.windows(64).any(|w| w == &original[1000..1064]));
    let mut reader = SealedReader::open(&cache(0), &key).await.unwrap();
    assert_eq!(reader.read_all().await.unwrap(), original);
    // Closed before it is evicted: Windows keeps an open file (the cache tries it again later).
    drop(reader);

    parent.open_file(&tokens[1], "Файл 1.pdf").await.unwrap();
    parent.open_file(&tokens[2], "Файл 2.pdf").await.unwrap();
    assert!(!cache(0).exists(), "the least recently used file made room");
    assert!(cache(1).exists() && cache(2).exists());
    let kept: Vec<String> = store
        .files()
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.token)
        .collect();
    assert_eq!(kept, vec![tokens[1].clone(), tokens[2].clone()]);
    parent.stop().await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn plain_files_kept_by_an_older_parta_are_sealed_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let api = ApiClient::new(&server.url(), token(&server, "a.sokolova").await).unwrap();
    let chat = api_chat_id(&api, "5А — родители").await;
    let files_dir = dir.path().join("files");
    let store = sqlite(&dir.path().join("cache.sqlite")).await;

    // As an older Parta left them: a kept file named `<token>-<name>`, a plain partial
    // download, and a message waiting with its plain copy `outbox/<id>/0-<name>`.
    let kept_plain = b"%PDF-1.7\nKept: Morozova Elena, 5A".to_vec();
    let kept_file_id = "f_legacy_kept";
    std::fs::create_dir_all(files_dir.join("cache")).unwrap();
    let legacy_kept = files_dir.join(format!("cache/{kept_file_id}-Справка.pdf"));
    std::fs::write(&legacy_kept, &kept_plain).unwrap();
    let legacy_part = files_dir.join("cache/f_other-Фото.jpg.part");
    std::fs::write(&legacy_part, b"\xFF\xD8\xFF plain partial").unwrap();
    store
        .file_put(&parta_client::store::CachedFile {
            token: kept_file_id.into(),
            name: "Справка.pdf".into(),
            size: kept_plain.len() as u64,
            last_used: 1,
        })
        .await
        .unwrap();
    let local_id = uuid::Uuid::new_v4().to_string();
    let staged = files_dir.join(format!("outbox/{local_id}/0-План.pdf"));
    std::fs::create_dir_all(staged.parent().unwrap()).unwrap();
    let waiting = {
        let mut bytes = b"%PDF-1.7\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', 150_000));
        bytes.extend_from_slice(b"Plan of the open lesson");
        bytes
    };
    std::fs::write(&staged, &waiting).unwrap();
    store
        .outbox_push(
            "p",
            &OutboxItem {
                local_id: local_id.clone(),
                chat_id: chat,
                text: "План урока".into(),
                created_at: 1,
                attempts: 0,
                next_attempt_at: 0,
                failed: None,
                attachments: vec![OutboxFile {
                    name: "План.pdf".into(),
                    path: staged.clone(),
                    size: waiting.len() as u64,
                    kind: "file".into(),
                    upload_url: None,
                    token: None,
                    sealed: false,
                }],
                reply_to: None,
                kind: Default::default(),
            },
        )
        .await
        .unwrap();

    let key = FileKey::generate().unwrap();
    let session = Session::start(
        "p".into(),
        None,
        api,
        store.clone(),
        keyed_config(&files_dir, key.clone(), 1 << 30),
    );
    let mut events = session.subscribe();
    let sent = wait_event(&mut events, "the waiting message is sent", |e| {
        matches!(e, AppEvent::MessageSent { .. })
    })
    .await;
    let AppEvent::MessageSent { message, .. } = sent else {
        unreachable!()
    };

    // Nothing plain is left, and nothing was lost.
    assert!(!legacy_kept.exists() && !legacy_part.exists());
    let kept = parta_client::files::cache_path(&files_dir, kept_file_id);
    let mut reader = SealedReader::open(&kept, &key).await.unwrap();
    assert_eq!(reader.read_all().await.unwrap(), kept_plain);
    let opened = session
        .open_file(kept_file_id, "Справка.pdf")
        .await
        .unwrap();
    assert_eq!(std::fs::read(&opened).unwrap(), kept_plain);
    let sent_token = message.attachments[0].token.clone().unwrap();
    let downloaded = session.open_file(&sent_token, "План.pdf").await.unwrap();
    assert_eq!(std::fs::read(&downloaded).unwrap(), waiting);
    for entry in files_under(&files_dir) {
        let bytes = std::fs::read(&entry).unwrap();
        for plain in [
            &b"Morozova Elena"[..],
            b"Plan of the open lesson",
            b"plain partial",
        ] {
            assert!(
                !bytes.windows(plain.len()).any(|w| w == plain),
                "{} holds plain text",
                entry.display()
            );
        }
    }
    session.stop().await;
    assert!(!opened.exists() && !downloaded.exists());
    server.stop().await.unwrap();
}

/// A PDF of `pages` pages as a simple writer makes it.
fn book(dir: &Path, name: &str, pages: u32) -> PathBuf {
    let mut bytes = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n".to_vec();
    bytes.extend_from_slice(
        format!("2 0 obj << /Type /Pages /Kids [] /Count {pages} >> endobj\n").as_bytes(),
    );
    for i in 0..pages {
        bytes.extend_from_slice(
            format!("{} 0 obj << /Type /Page /Parent 2 0 R >> endobj\n", i + 3).as_bytes(),
        );
    }
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[tokio::test]
async fn a_whole_book_or_a_video_for_a_class_chat_is_warned_about_where_the_school_says() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let teacher = signed_in(&server, "a.sokolova", dir.path()).await;
    let class_chat = chat_id(&teacher, "5А — родители").await;
    let teachers_chat = chat_id(&teacher, "Учителя").await;
    let textbook = book(dir.path(), "Учебник.pdf", 180);
    let worksheet = book(dir.path(), "Карточка.pdf", 2);
    let video = dir.path().join("Фильм.mp4");
    std::fs::write(&video, b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom and the rest").unwrap();
    let all = [textbook, worksheet, video];

    let notes = teacher.check_material(class_chat, &all).await;
    let said: Vec<(&str, &str)> = notes
        .iter()
        .map(|n| (n.rule.as_str(), n.kind.as_str()))
        .collect();
    assert_eq!(
        said,
        [
            ("material_book", "Учебник.pdf"),
            ("material_video", "Фильм.mp4")
        ]
    );
    assert!(
        teacher.check_material(teachers_chat, &all).await.is_empty(),
        "the teachers' chat is not a class chat"
    );
    // Offline the class chats' default applies wherever the file goes: a warning, never a
    // refusal, and better said once too often than missed.
    server.stop().await.unwrap();
    assert_eq!(teacher.check_material(teachers_chat, &all).await.len(), 2);
}
