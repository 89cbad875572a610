//! Attaching a file through the real window: chosen in the file chooser (answered for by
//! `PARTA_E2E_PICK_FILES`, as WebDriver cannot drive the system's dialog), shown with its size
//! before sending, removable, sent through the outbox and resumable upload (1.5 MB: chunked),
//! then opened from the timeline, which keeps it on this computer for offline use.

use std::time::Duration;

use crate::common::{APP, SOON, Steps, app_dir};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teacher_attaches_a_document_sends_it_and_opens_it_from_the_chat() {
    let dir = tempfile::tempdir().unwrap();
    let data = app_dir(dir.path());
    // A 1.5 MB PDF (checked by content: it must start like one).
    let pdf = dir.path().join("Домашнее задание.pdf");
    let mut bytes = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    bytes.resize(1_536_000, b' ');
    bytes.extend_from_slice(b"\n%%EOF\n");
    std::fs::write(&pdf, &bytes).unwrap();
    let (_driver, app) = crate::common::launch_with(
        &[
            ("PARTA_DATA_DIR", data.as_path()),
            ("PARTA_E2E_PICK_FILES", pdf.as_path()),
        ],
        APP.as_ref(),
    )
    .await;
    app.tap("[data-testid=demo-button]").await;
    crate::common::open_chat(&app, "5А — родители").await;

    // Chosen twice, one removed again: what is listed is what will be sent.
    for _ in 0..2 {
        app.tap("[data-testid=attach]").await;
    }
    app.shows_if("[data-testid=picked-files]", |t| {
        t.matches("Домашнее задание.pdf").count() == 2 && t.contains("1,5 МБ")
    })
    .await;
    app.tap("[data-testid=picked-remove]").await;
    app.shows_if("[data-testid=picked-files]", |t| {
        t.matches("Домашнее задание.pdf").count() == 1
    })
    .await;
    app.fill("[data-testid=composer-input]", "Задание на неделю")
        .await;
    app.tap("[data-testid=send-button]").await;
    app.gone("[data-testid=picked-files]").await;

    // A document goes alone on its message (MAX's rule): the caption, then the file, sent.
    app.shows_if("[data-testid=message][data-delivery='sent']", |t| {
        t.contains("Задание на неделю")
    })
    .await;
    app.shows_if(
        "[data-testid=message][data-delivery='sent'] [data-testid=attachment]",
        |t| t.contains("Домашнее задание.pdf"),
    )
    .await;

    // Opening it keeps the whole file on this computer (for offline use), sealed under the
    // profile's key from the keychain: it opens to the file, and no file holds its bytes.
    app.tap("[data-testid=message][data-delivery='sent'] [data-testid=open-attachment]")
        .await;
    let profile: String = crate::common::cache_value(&data, "SELECT id FROM profiles").await;
    let key = parta_client::secrets::Keychain::new(parta_client::home::KEYCHAIN_SERVICE)
        .load(&parta_client::files_key_account(&profile))
        .await
        .unwrap()
        .and_then(|key| parta_client::files::FileKey::parse(key.expose()))
        .expect("the profile's files key is in the keychain");
    let deadline = tokio::time::Instant::now() + SOON;
    loop {
        // In the profile's file cache (not the outbox copy).
        let mut kept = false;
        for path in parta_e2e::files_under(&data.join("files")) {
            if !path.components().any(|c| c.as_os_str() == "cache") {
                continue;
            }
            if let Ok(mut sealed) =
                parta_client::files::sealed::SealedReader::open(&path, &key).await
                && sealed.read_all().await.is_ok_and(|b| b == bytes)
            {
                kept = true;
            }
        }
        if kept {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the opened file was never kept: {:?}",
            parta_e2e::files_under(&data.join("files"))
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The app's own files; the demo school's server keeps its database and files beside them
    // (`demo-school.*`), plain, as any school's server does on its own disk.
    for path in parta_e2e::files_under(&data) {
        if path
            .strip_prefix(&data)
            .is_ok_and(|p| p.to_string_lossy().starts_with("demo-school"))
        {
            continue;
        }
        let on_disk = std::fs::read(&path).unwrap_or_default();
        assert!(
            !on_disk.windows(8).any(|w| w == b"%PDF-1.4"),
            "{} holds the file in the clear",
            path.display()
        );
    }

    // The chat's side panel lists its files beside the members, this one kept here.
    app.tap("[data-testid=members-button]").await;
    app.tap("[data-testid=panel-tab-files]").await;
    app.shows_if("[data-testid=panel-file][data-kept='true']", |t| {
        t.contains("Домашнее задание.pdf")
    })
    .await;
    app.screenshot(&parta_e2e::screenshot_dir().join("chat-files-ru.png"))
        .await
        .unwrap();
    app.tap("[data-testid=close-members]").await;

    // The Файлы section lists it as kept on this computer; the type filter narrows the list;
    // all of it works with the server gone.
    app.tap("[data-testid=demo-offline-toggle]").await;
    app.shows("[data-testid=connection-offline]").await;
    app.tap("[data-testid=tab-files]").await;
    app.shows_if("[data-testid=file-row][data-kept='true']", |t| {
        t.contains("Домашнее задание.pdf") && t.contains("5А — родители")
    })
    .await;
    app.tap("[data-testid=files-kind-image]").await;
    app.shows("[data-testid=no-files]").await;
    app.tap("[data-testid=files-kind-file]").await;
    app.shows_if("[data-testid=file-row]", |t| {
        t.contains("Домашнее задание.pdf")
    })
    .await;
    let shots = parta_e2e::screenshot_dir();
    app.screenshot(&shots.join("files-ru.png")).await.unwrap();
    app.close().await.unwrap();
}

/// An image sent to a chat shows in the message itself: the shell fetches it into the offline
/// file cache and the page draws it from a `data:` URL (the CSP admits nothing remote).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sent_image_shows_as_a_preview_in_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let data = app_dir(dir.path());
    let image = dir.path().join("Доска.png");
    std::fs::write(&image, include_bytes!("fixtures/board.png")).unwrap();
    let (_driver, app) = crate::common::launch_with(
        &[
            ("PARTA_DATA_DIR", data.as_path()),
            ("PARTA_E2E_PICK_FILES", image.as_path()),
        ],
        APP.as_ref(),
    )
    .await;
    crate::common::open_demo(&app).await;
    crate::common::open_chat(&app, "5А — родители").await;
    app.tap("[data-testid=attach]").await;
    app.shows_if("[data-testid=picked-files]", |t| t.contains("Доска.png"))
        .await;
    app.tap("[data-testid=send-button]").await;
    // Drawn: the image decoded at its own size (64 × 48), inside a sent message.
    crate::common::eventually("the image drawn in its message", || async {
        let size = app
            .execute(
                "const i = document.querySelector(\
                   \"[data-testid=message][data-delivery='sent'] [data-testid=image-preview] img\");\
                 return i && i.complete ? [i.naturalWidth, i.naturalHeight, i.src.slice(0, 22)] : null",
            )
            .await
            .unwrap();
        size[0].as_u64() == Some(64)
            && size[1].as_u64() == Some(48)
            && size[2].as_str() == Some("data:image/png;base64,")
    })
    .await;
    // The newest message is in view: the timeline stays at the bottom as the image comes.
    crate::common::eventually("the timeline at its bottom", || async {
        app.execute(
            "const t = document.querySelector('[data-testid=timeline]');\
             return t.scrollTop + t.clientHeight >= t.scrollHeight - 2",
        )
        .await
        .unwrap()
        .as_bool()
            == Some(true)
    })
    .await;
    // Keeping the image while updates arrive does not break the sync (it once did: "database
    // is locked" from the cache, shown as "Нет связи").
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        app.find_all("[data-testid=connection-online]")
            .await
            .unwrap()
            .len()
            == 1,
        "still online after the image was kept"
    );
    app.screenshot(&parta_e2e::screenshot_dir().join("image-ru.png"))
        .await
        .unwrap();
    app.close().await.unwrap();
}

/// Picks `file` into 5А's parents' chat of the demo school and sends it: the warning matching
/// `warning` (its text passing `says`) comes first and nothing goes; then "send anyway", and the
/// file is sent.
async fn warned_then_sent_anyway(
    dir: &std::path::Path,
    file: &std::path::Path,
    warning: &str,
    says: impl Fn(&str) -> bool,
) {
    let data = app_dir(dir);
    let (_driver, app) = crate::common::launch_with(
        &[
            ("PARTA_DATA_DIR", data.as_path()),
            ("PARTA_E2E_PICK_FILES", file),
        ],
        APP.as_ref(),
    )
    .await;
    app.tap("[data-testid=demo-button]").await;
    crate::common::open_chat(&app, "5А — родители").await;
    app.tap("[data-testid=attach]").await;
    app.shows("[data-testid=picked-file]").await;
    app.tap("[data-testid=send-button]").await;
    app.shows_if(warning, says).await;
    app.shows("[data-testid=picked-file]").await;
    // The teacher decides it may go (the demo school warns, it does not block).
    app.tap("[data-testid=policy-send-anyway]").await;
    app.gone("[data-testid=picked-files]").await;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    app.shows_if(
        "[data-testid=message][data-delivery='sent'] [data-testid=attachment]",
        |t| t.contains(&name),
    )
    .await;
    app.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_with_personal_data_is_warned_about_before_it_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("Список класса.txt");
    std::fs::write(
        &list,
        "Иванов Пётр — СНИЛС 112-233-445 95, телефон мамы +7 912 345-67-89\n",
    )
    .unwrap();
    // The school's rules read the file before it goes: a warning naming it.
    warned_then_sent_anyway(
        dir.path(),
        &list,
        "[data-testid=policy-warning-file]",
        |t| t.contains("Список класса.txt") && t.contains("персональные данные"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_book_for_a_class_chat_is_warned_about_before_it_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    // A textbook of 180 pages, as a simple PDF writer makes it.
    let book = dir.path().join("Учебник математики.pdf");
    let mut bytes = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n".to_vec();
    bytes.extend_from_slice(b"2 0 obj << /Type /Pages /Kids [] /Count 180 >> endobj\n");
    for i in 0..180 {
        bytes.extend_from_slice(
            format!("{} 0 obj << /Type /Page /Parent 2 0 R >> endobj\n", i + 3).as_bytes(),
        );
    }
    std::fs::write(&book, bytes).unwrap();
    // Procedure 6.2: a warning naming the file; the teacher decides.
    warned_then_sent_anyway(
        dir.path(),
        &book,
        "[data-testid=policy-warning-material]",
        |t| t.contains("Учебник математики.pdf") && t.contains("целую книгу"),
    )
    .await;
}
