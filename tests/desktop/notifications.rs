//! Desktop notifications, shown by a real notification service (Debian's dunst, started here
//! in the test's own D-Bus session): a parent's message that mentions the class teacher
//! notifies her even with Parta in front; switched off in Settings, nothing more is shown.

use std::time::Duration;

use serde_json::{Value, json};

use crate::common::{SOON, Steps, cache_value, get_json, id_where, launch, post_json, sign_in};

/// dunst's history of shown notifications, as `summary: body` lines.
fn shown() -> Vec<String> {
    let out = std::process::Command::new("dunstctl")
        .arg("history")
        .output()
        .expect("dunstctl runs");
    let history: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    history["data"][0]
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| {
            format!(
                "{}: {}",
                n["summary"]["data"].as_str().unwrap_or_default(),
                n["body"]["data"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_of_the_teacher_is_a_desktop_notification_until_switched_off() {
    let mut dunst = std::process::Command::new("dunst")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("dunst is installed (scripts/install.sh)");
    let data = tempfile::tempdir().unwrap();
    let (_driver, app) = launch(data.path()).await;
    app.tap("[data-testid=demo-button]").await;
    let class_chat = "[data-testid=chat-item][data-title='5А — родители']";
    app.shows(class_chat).await;
    app.tap("[data-testid=tab-chats]").await;

    // A parent of 5А, on her own device, writes to the class chat mentioning the teacher.
    let server: String = cache_value(data.path(), "SELECT server_url FROM profiles").await;
    let teacher: i64 = cache_value(data.path(), "SELECT user_id FROM profiles").await;
    let server = server.as_str();
    let parent = sign_in(server, "e.morozova").await;
    let chats = get_json(format!("{server}/chats"), &parent).await;
    let chat = id_where(&chats["chats"], "title", "5А — родители", "chat_id");
    let send = |text: String| {
        let (server, parent) = (server.to_owned(), parent.clone());
        async move {
            post_json(
                format!("{server}/messages?chat_id={chat}"),
                Some(&parent),
                json!({"text": text, "format": "markdown"}),
            )
            .await;
        }
    };
    send(format!(
        "[Анна Сергеевна](max://user/{teacher}), Даша сегодня дома, у неё температура"
    ))
    .await;
    let deadline = tokio::time::Instant::now() + SOON;
    loop {
        let history = shown();
        if history
            .iter()
            .any(|n| n.starts_with("Елена Морозова:") && n.contains("Даша сегодня дома"))
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no notification of the mention: {history:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // A lesson about to begin is reminded of (10 minutes before unless chosen otherwise), with
    // the window in the background as it is here, and only once.
    let teacher_token = sign_in(server, "a.sokolova").await;
    let classes = get_json(format!("{server}/school/classes"), &teacher_token).await;
    let class_5a = id_where(&classes["classes"], "name", "5А", "id");
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    post_json(
        format!("{server}/school/lessons"),
        Some(&teacher_token),
        json!({"class_id": class_5a, "subject": "Дроби: повторение", "starts_at": now_ms + 180_000,
               "duration_min": 40, "link": "https://vk.com/call/join/e2e-fractions"}),
    )
    .await;
    let reminders = || {
        shown()
            .into_iter()
            .filter(|n| n.starts_with("Занятие через") && n.contains("Дроби: повторение"))
            .count()
    };
    let deadline = tokio::time::Instant::now() + 2 * SOON;
    while reminders() == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no reminder of the lesson: {:?}",
            shown()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // The reminder loop runs every 20 seconds: one more round shows nothing new.
    tokio::time::sleep(Duration::from_secs(21)).await;
    assert_eq!(reminders(), 1, "reminded once: {:?}", shown());

    // Switched off: the next mention arrives in the chat, and no notification is shown.
    app.tap("[data-testid=settings-button]").await;
    app.tap("[data-testid=notifications]").await;
    app.tap(class_chat).await;
    send(format!(
        "[Анна Сергеевна](max://user/{teacher}), завтра Даша придёт"
    ))
    .await;
    app.shows_if("[data-testid=message]", |t| {
        t.contains("завтра Даша придёт")
    })
    .await;
    // The app has the message; give a notification, if one were coming, time to show.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        !shown().iter().any(|n| n.contains("завтра Даша придёт")),
        "switched off: {:?}",
        shown()
    );
    app.close().await.unwrap();
    let _ = dunst.kill();
    let _ = dunst.wait();
}
