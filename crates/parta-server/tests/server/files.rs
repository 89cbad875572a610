//! Uploads (multipart and resumable), the school's file rules on content, attachments, and
//! downloads with Range, over HTTP on loopback.

use parta_conformance::MaxSchema;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::Fixture;

const TEACHER_5A: &str = "a.sokolova";
const PARENT_5A: &str = "e.morozova";
const PARENT_7B: &str = "n.orlova";

/// A PDF-looking document of `len` bytes (the rules look at the start; the rest varies so a
/// misplaced chunk would show).
pub(crate) fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut x: u32 = 12345;
    while bytes.len() < len {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        bytes.push((x >> 16) as u8);
    }
    bytes
}

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

pub(crate) async fn upload_url(f: &Fixture, token: &str, kind: &str) -> String {
    let endpoint = f.ok_post(token, &format!("/uploads?type={kind}")).await;
    MaxSchema::official()
        .unwrap()
        .validate_response("POST", "/uploads", 200, &endpoint)
        .unwrap();
    endpoint["url"].as_str().unwrap().to_owned()
}

pub(crate) async fn chunk(
    f: &Fixture,
    url: &str,
    bytes: &[u8],
    start: usize,
    total: usize,
) -> (StatusCode, Value) {
    chunk_claiming(f, url, bytes, start, start + bytes.len() - 1, total).await
}

/// A chunk whose `Content-Range` says `start`-`end` (inclusive), whatever `bytes` holds.
pub(crate) async fn chunk_claiming(
    f: &Fixture,
    url: &str,
    bytes: &[u8],
    start: usize,
    end: usize,
    total: usize,
) -> (StatusCode, Value) {
    let response = f
        .http
        .put(url)
        .header("Content-Range", format!("bytes {start}-{end}/{total}"))
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// Sends `text` with the finished upload `file_token` into `chat` as `token`: the message, and
/// the file's download path.
pub(crate) async fn send_file(
    f: &Fixture,
    token: &str,
    chat: i64,
    text: &str,
    file_token: &str,
) -> (Value, String) {
    let sent = f
        .ok_send(
            Method::POST,
            token,
            &format!("/messages?chat_id={chat}"),
            json!({"text": text,
                   "attachments": [{"type": "file", "payload": {"token": file_token}}]}),
        )
        .await;
    let path = sent["message"]["body"]["attachments"][0]["payload"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    (sent, path)
}

/// What the server says of the upload at `url` (GET on it, as a client resuming asks).
pub(crate) async fn upload_status(f: &Fixture, url: &str) -> Value {
    f.http.get(url).send().await.unwrap().json().await.unwrap()
}

pub(crate) async fn multipart(
    f: &Fixture,
    url: &str,
    filename: &str,
    bytes: &[u8],
) -> (StatusCode, Value) {
    let boundary = "parta-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"data\"; filename=\"{filename}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = f
        .http
        .post(url)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

pub(crate) async fn download(
    f: &Fixture,
    token: &str,
    path: &str,
    range: Option<&str>,
) -> reqwest::Response {
    let mut request = f
        .http
        .get(format!("{}{path}", f.server.url()))
        .header("Authorization", token);
    if let Some(range) = range {
        request = request.header("Range", range);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_document_uploaded_in_chunks_resumes_after_a_break_attaches_and_downloads_in_parts() {
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    let parent = f.token(PARENT_5A).await;
    let outsider = f.token(PARENT_7B).await;
    let chat = f.chat_id(&teacher, "5А — родители").await;
    let file = pdf(300_000);
    let url = format!(
        "{}?filename={}",
        upload_url(&f, &teacher, "file").await,
        "%D0%94%D0%BE%D0%BC%D0%B0%D1%88%D0%BD%D0%B5%D0%B5%20%D0%B7%D0%B0%D0%B4%D0%B0%D0%BD%D0%B8%D0%B5.pdf"
    );

    let (status, first) = chunk(&f, &url, &file[..100_000], 0, file.len()).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["received"], 100_000);
    assert_eq!(first["complete"], false);
    assert!(
        first.get("token").is_none(),
        "no token before the whole file arrived"
    );

    // The connection broke; the client asks where to resume, and a wrong start is refused.
    assert_eq!(upload_status(&f, &url).await["received"], 100_000);
    let (status, error) = chunk(&f, &url, &file[150_000..200_000], 150_000, file.len()).await;
    assert_eq!(status, StatusCode::RANGE_NOT_SATISFIABLE, "{error}");
    let (_, second) = chunk(&f, &url, &file[100_000..200_000], 100_000, file.len()).await;
    assert_eq!(second["received"], 200_000);
    let (status, done) = chunk(&f, &url, &file[200_000..], 200_000, file.len()).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["complete"], true);
    let token = done["token"].as_str().unwrap().to_owned();

    let (sent, path) = send_file(&f, &teacher, chat, "Задание на каникулы", &token).await;
    MaxSchema::official()
        .unwrap()
        .validate_response("POST", "/messages", 200, &sent)
        .unwrap();
    let attachment = &sent["message"]["body"]["attachments"][0];
    assert_eq!(attachment["type"], "file");
    assert_eq!(attachment["filename"], "Домашнее задание.pdf");
    assert_eq!(attachment["size"], file.len());
    assert_eq!(attachment["payload"]["url"], path.as_str());

    let whole = download(&f, &parent, &path, None).await;
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.headers()["content-type"], "application/pdf");
    assert!(
        whole.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("UTF-8''%D0%94"),
        "the Cyrillic name survives"
    );
    assert_eq!(whole.bytes().await.unwrap().as_ref(), file.as_slice());
    let tail = download(&f, &parent, &path, Some("bytes=250000-")).await;
    assert_eq!(tail.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        tail.headers()["content-range"],
        format!("bytes 250000-299999/{}", file.len()).as_str()
    );
    assert_eq!(tail.bytes().await.unwrap().as_ref(), &file[250_000..]);
    let beyond = download(&f, &parent, &path, Some("bytes=300000-")).await;
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        download(&f, &outsider, &path, None).await.status(),
        StatusCode::NOT_FOUND,
        "a parent of another class cannot fetch it"
    );
    let (status, _) = chunk(&f, &url, b"more", 300_000, 300_004).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a complete upload takes no more bytes"
    );
}

#[tokio::test]
async fn an_image_goes_up_in_one_multipart_request_and_attaches_as_an_image() {
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    let chat = f.chat_id(&teacher, "5А — родители").await;
    let url = upload_url(&f, &teacher, "image").await;
    let (status, done) = multipart(&f, &url, "доска.png", PNG).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let token = done["token"].as_str().unwrap();
    let sent = f
        .ok_send(
            Method::POST,
            &teacher,
            &format!("/messages?chat_id={chat}"),
            json!({"attachments": [{"type": "image", "payload": {"token": token}}]}),
        )
        .await;
    let attachment = &sent["message"]["body"]["attachments"][0];
    assert_eq!(attachment["type"], "image");
    assert!(attachment["payload"]["photo_id"].is_i64());
    let bytes = download(
        &f,
        &teacher,
        attachment["payload"]["url"].as_str().unwrap(),
        None,
    )
    .await
    .bytes()
    .await
    .unwrap();
    assert_eq!(bytes.as_ref(), PNG);
}

#[tokio::test]
async fn clause_3_1_files_are_judged_by_content_and_refused_files_are_not_kept() {
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    let parent = f.token(PARENT_5A).await;
    let chat = f.chat_id(&teacher, "5А — родители").await;

    // A program named like a document.
    let url = upload_url(&f, &teacher, "file").await;
    let (status, error) = multipart(&f, &url, "Расписание.pdf", b"MZ\x90\0\x03\0\0\0\x04\0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["code"], "file.refused");
    assert!(
        error["message"].as_str().unwrap().contains("EXE"),
        "{error}"
    );
    let gone = f.http.get(&url).send().await.unwrap();
    assert_eq!(
        gone.status(),
        StatusCode::NOT_FOUND,
        "the refused upload is gone"
    );

    // A document uploaded as an image.
    let url = upload_url(&f, &teacher, "image").await;
    let (status, error) = multipart(&f, &url, "x.png", &pdf(1000)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("upload it as a file"),
        "{error}"
    );

    // Too large for an image, refused on the first chunk's declared total.
    let url = upload_url(&f, &teacher, "image").await;
    let (status, error) = chunk(&f, &url, PNG, 0, 60 * 1024 * 1024).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["message"].as_str().unwrap().contains("too large"),
        "{error}"
    );

    // Tokens that are unknown, or belong to someone else's unsent upload, attach nothing.
    let before = f.message_count(&teacher, chat).await;
    let url = upload_url(&f, &parent, "file").await;
    let (_, private) = multipart(&f, &url, "справка.pdf", &pdf(2000)).await;
    for token in [
        "f00000000000000000000000000000000",
        private["token"].as_str().unwrap(),
    ] {
        let (status, error) = f
            .send_as(
                Method::POST,
                &teacher,
                &format!("/messages?chat_id={chat}"),
                json!({"attachments": [{"type": "file", "payload": {"token": token}}]}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    }
    assert_eq!(
        f.message_count(&teacher, chat).await,
        before,
        "nothing was sent"
    );
}

#[tokio::test]
async fn a_file_holding_personal_data_is_refused_where_the_school_blocks_personal_data() {
    let policy = parta_policy::Policy::from_toml(
        "[personal_data]\naction = \"warn\"\nchats = { class_parents = \"block\" }\n",
    )
    .unwrap();
    let f = Fixture::with_policy(policy).await;
    let teacher = f.token("a.sokolova").await;
    let class_chat = f.chat_id(&teacher, "5А — родители").await;
    let teachers_chat = f.chat_id(&teacher, "Учителя").await;
    let upload = |name: &'static str, text: &'static str| {
        let (f, teacher) = (&f, &teacher);
        async move {
            let url = upload_url(f, teacher, "file").await;
            let (status, done) = multipart(f, &url, name, text.as_bytes()).await;
            assert_eq!(status, StatusCode::OK, "{done}");
            done["token"].as_str().unwrap().to_owned()
        }
    };
    let send_file = |chat: i64, token: String| {
        let (f, teacher) = (&f, &teacher);
        async move {
            f.send_as(
                Method::POST,
                teacher,
                &format!("/messages?chat_id={chat}"),
                json!({"attachments": [{"type": "file", "payload": {"token": token}}]}),
            )
            .await
        }
    };
    let list = upload(
        "Список.txt",
        "Иванов Пётр, СНИЛС 112-233-445 95, тел. +7 912 345-67-89",
    )
    .await;
    let (status, error) = send_file(class_chat, list.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert_eq!(error["code"], "policy.blocked");
    let said = error["message"].as_str().unwrap();
    assert!(
        said.contains("Список.txt") && said.contains("personal data"),
        "{said}"
    );
    assert!(
        !said.contains("112-233"),
        "the answer does not repeat what was found"
    );
    // The same file where the school allows it, and a harmless file where it blocks.
    let (status, _) = send_file(teachers_chat, list).await;
    assert_eq!(status, StatusCode::OK);
    let plan = upload("План.txt", "Экскурсия в музей в пятницу, сбор в 9:00.").await;
    let (status, body) = send_file(class_chat, plan).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// `parta_material_pages` of the chat titled `title` in the caller's list.
async fn material_pages(f: &Fixture, token: &str, title: &str) -> Option<u64> {
    let list = f.ok_get(token, "/chats").await;
    MaxSchema::official()
        .unwrap()
        .validate("ChatList", &list)
        .unwrap();
    let chat = list["chats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == title)
        .unwrap_or_else(|| panic!("no chat {title} in {list}"));
    chat.get("parta_material_pages").and_then(Value::as_u64)
}

#[tokio::test]
async fn class_chats_tell_the_app_where_books_and_videos_are_warned_about() {
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    assert_eq!(
        material_pages(&f, &teacher, "5А — родители").await,
        Some(40),
        "a class chat, the default policy"
    );
    assert_eq!(material_pages(&f, &teacher, "Учителя").await, None);
    let chat = f.chat_id(&teacher, "5А — родители").await;
    let one = f.ok_get(&teacher, &format!("/chats/{chat}")).await;
    MaxSchema::official()
        .unwrap()
        .validate_response("GET", &format!("/chats/{chat}"), 200, &one)
        .unwrap();
    assert_eq!(one["parta_material_pages"], 40);

    // A school that sets its own threshold, and one that switches the warning off.
    let sixty = parta_policy::Policy::from_toml("[material]\nbook_pages = 60\n").unwrap();
    let f = Fixture::with_policy(sixty).await;
    let teacher = f.token(TEACHER_5A).await;
    assert_eq!(
        material_pages(&f, &teacher, "5А — родители").await,
        Some(60)
    );
    let off = parta_policy::Policy::from_toml("[material]\nwarn = false\n").unwrap();
    let f = Fixture::with_policy(off).await;
    let teacher = f.token(TEACHER_5A).await;
    assert_eq!(material_pages(&f, &teacher, "5А — родители").await, None);
}
