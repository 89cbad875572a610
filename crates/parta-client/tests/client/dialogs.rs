//! Private conversations from the client core (procedure 2.5).

use parta_model::view::{AppEvent, Delivery};

use crate::common::*;

/// The user id of the member of `chat` called `name`, as `session` lists them.
async fn member_id(session: &parta_client::Session, chat: i64, name: &str) -> i64 {
    let members = session.members(chat).await.unwrap();
    members
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("no {name} in {members:?}"))
        .user_id
}

#[tokio::test]
async fn a_parent_opens_a_private_conversation_and_the_class_teacher_gets_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let teacher = signed_in(&server, "a.sokolova", dir.path()).await;
    let parent = signed_in(&server, "e.morozova", dir.path()).await;
    let class_chat = chat_id(&parent, "5А — родители").await;
    let teacher_id = member_id(&parent, class_chat, "Анна Сергеевна Соколова").await;

    let mut teacher_events = teacher.subscribe();
    let dialog = parent.open_dialog(teacher_id).await.unwrap();
    assert_eq!(dialog.title, "Анна Сергеевна Соколова");
    assert_eq!(
        chat_id(&parent, "Анна Сергеевна Соколова").await,
        dialog.chat_id,
        "in the cached list at once"
    );
    let again = parent.open_dialog(teacher_id).await.unwrap();
    assert_eq!(again.chat_id, dialog.chat_id, "one per pair");

    // Written through the outbox like any message; the teacher's app lists the conversation
    // under the parent's name and receives the message.
    let sent = parent
        .send_text(dialog.chat_id, "Анна Сергеевна, можно поговорить о Даше?")
        .await
        .unwrap();
    assert_eq!(sent.delivery, Delivery::Pending);
    wait_event(
        &mut teacher_events,
        "the message in the conversation",
        |e| matches!(e, AppEvent::MessageAdded { message } if message.chat_id == dialog.chat_id),
    )
    .await;
    let mut named = None;
    for _ in 0..50 {
        if let Some(chat) = teacher
            .chats()
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.chat_id == dialog.chat_id)
        {
            named = Some(chat.title);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(named.as_deref(), Some("Елена Морозова"));

    // The teacher opens one with another parent, who opens it at once, before (or while) their
    // sync lists it: the chat comes from the server.
    let other = signed_in(&server, "o.smirnov", dir.path()).await;
    let other_id = member_id(&teacher, class_chat, "Олег Смирнов").await;
    let made = teacher.open_dialog(other_id).await.unwrap();
    let opened = other.open_chat(made.chat_id).await.unwrap();
    assert_eq!(opened.chat.title, "Анна Сергеевна Соколова");
    other.stop().await;

    // Parents do not write to each other: a refusal, not a chat.
    let refused = parent.open_dialog(other_id).await.expect_err("refused");
    assert!(
        matches!(refused, parta_client::Error::Server { status: 403, .. }),
        "{refused:?}"
    );
    teacher.stop().await;
    parent.stop().await;
    server.stop().await.unwrap();
}
