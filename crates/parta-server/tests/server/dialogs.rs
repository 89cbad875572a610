//! Private conversations (procedure 2.5): who may start whom, one per pair, titled with the
//! other person's name, under the school's policy and restrictions like any chat.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::Fixture;
use crate::common::logins::{ADMIN, OTHER_PARENT_5A, PARENT_5A, PARENT_7B, TEACHER_5A};

#[tokio::test]
async fn a_parent_writes_privately_to_the_class_teacher_and_both_see_one_conversation() {
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    let parent = f.token(PARENT_5A).await;
    let teacher_id = f.user_id(&teacher).await;
    let parent_id = f.user_id(&parent).await;

    let opened = f
        .ok_send(
            Method::POST,
            &parent,
            "/school/dialogs",
            json!({"user_id": teacher_id}),
        )
        .await;
    assert_eq!(opened["type"], "dialog", "{opened}");
    assert_eq!(
        opened["title"], "Анна Сергеевна Соколова",
        "named after the other"
    );
    let chat = opened["chat_id"].as_i64().unwrap();
    // Opening it again, from either side, is the same conversation.
    let again = f
        .ok_send(
            Method::POST,
            &teacher,
            "/school/dialogs",
            json!({"user_id": parent_id}),
        )
        .await;
    assert_eq!(again["chat_id"], chat);
    assert_eq!(again["title"], "Елена Морозова");

    // They talk; nobody else sees it.
    f.ok_send(
        Method::POST,
        &parent,
        &format!("/messages?chat_id={chat}"),
        json!({"text": "Анна Сергеевна, можно поговорить о Даше?"}),
    )
    .await;
    let seen = f
        .ok_get(&teacher, &format!("/messages?chat_id={chat}"))
        .await;
    assert!(seen.to_string().contains("можно поговорить о Даше"));
    let other = f.token(OTHER_PARENT_5A).await;
    let (status, _) = f.get_as(&other, &format!("/messages?chat_id={chat}")).await;
    assert!(
        status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
        "{status}"
    );
    let listed = f.ok_get(&teacher, "/chats").await;
    let dialogs: Vec<_> = listed["chats"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "dialog")
        .map(|c| c["title"].clone())
        .collect();
    assert_eq!(dialogs, vec![json!("Елена Морозова")]);

    // Personal data is allowed between a parent and the class teacher (the school's policy
    // for `direct_class_teacher`), as in the default policy.
    let (status, body) = f
        .send_as(
            Method::POST,
            &parent,
            &format!("/messages?chat_id={chat}"),
            json!({"text": "Мой телефон +7 912 345-67-89"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn who_may_start_a_private_conversation_follows_the_classes() {
    let f = Fixture::new().await;
    let admin = f.token(ADMIN).await;
    let teacher = f.token(TEACHER_5A).await;
    let parent = f.token(PARENT_5A).await;
    let other = f.token(OTHER_PARENT_5A).await;
    let parent_7b = f.token(PARENT_7B).await;
    let teacher_id = f.user_id(&teacher).await;
    let other_id = f.user_id(&other).await;
    let parent_7b_id = f.user_id(&parent_7b).await;
    let admin_id = f.user_id(&admin).await;

    let open = |token: String, user_id: i64| {
        let f = &f;
        async move {
            f.send_as(
                Method::POST,
                &token,
                "/school/dialogs",
                json!({"user_id": user_id}),
            )
            .await
        }
    };
    // Parents do not write to each other.
    let (status, body) = open(parent.clone(), other_id).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // A parent of 7Б to the class teacher of 5А: not their child's teacher.
    let (status, _) = open(parent_7b.clone(), teacher_id).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Nor the other way round.
    let (status, _) = open(teacher.clone(), parent_7b_id).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The administration writes to anyone; staff among themselves.
    let (status, _) = open(admin.clone(), parent_7b_id).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = open(teacher.clone(), admin_id).await;
    assert_eq!(status, StatusCode::OK);
    // Once the administration started it, the parent answers in it.
    let (status, chat) = open(parent_7b.clone(), admin_id).await;
    assert_eq!(status, StatusCode::OK, "{chat}");
    // Bad input: oneself, nobody.
    let (status, _) = open(teacher.clone(), teacher_id).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = open(teacher.clone(), 999_999).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A restricted parent starts nothing (9.2).
    f.ok_send(
        Method::POST,
        &admin,
        &format!("/school/users/{}/restriction", f.user_id(&parent).await),
        json!({"mode": "read_only", "reason": "Нарушение правил", "days": 1}),
    )
    .await;
    let (status, _) = open(parent.clone(), teacher_id).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
