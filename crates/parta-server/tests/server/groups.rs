//! Other chats (procedure 4.3): the class teacher makes one with the people she picks, renames
//! it and changes its members; she cannot add a parent of a class she does not teach.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::Fixture;
use crate::common::logins::{ADMIN, OTHER_PARENT_5A, PARENT_5A, PARENT_7B, TEACHER_5A};

#[tokio::test]
async fn a_class_teacher_makes_the_parents_committee_renames_it_and_changes_its_members() {
    let f = Fixture::new().await;
    let admin = f.token(ADMIN).await;
    let teacher = f.token(TEACHER_5A).await;
    let parent = f.token(PARENT_5A).await;
    let other = f.token(OTHER_PARENT_5A).await;
    let parent_7b = f.token(PARENT_7B).await;
    let (parent_id, other_id, parent_7b_id) = (
        f.user_id(&parent).await,
        f.user_id(&other).await,
        f.user_id(&parent_7b).await,
    );

    // A parent of 7Б is not hers to add; bad titles and empty lists are refused.
    let (status, body) = f
        .send_as(
            Method::POST,
            &teacher,
            "/school/chats",
            json!({"title": "Комитет", "user_ids": [parent_id, parent_7b_id]}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("not a parent or pupil of a class you teach"),
        "{body}"
    );
    for bad in [
        json!({"title": "  ", "user_ids": [parent_id]}),
        json!({"title": "Комитет", "user_ids": []}),
    ] {
        let (status, _) = f
            .send_as(Method::POST, &teacher, "/school/chats", bad)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    let (status, _) = f
        .send_as(
            Method::POST,
            &parent,
            "/school/chats",
            json!({"title": "Мой чат", "user_ids": [other_id]}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "parents make no chats");

    let chat = f
        .ok_send(
            Method::POST,
            &teacher,
            "/school/chats",
            json!({"title": "Родительский комитет 5А", "user_ids": [parent_id, other_id]}),
        )
        .await;
    let chat_id = chat["chat_id"].as_i64().unwrap();
    assert_eq!(chat["participants_count"], 3, "{chat}");
    let listed = f.ok_get(&parent, "/chats").await;
    assert!(listed.to_string().contains("Родительский комитет 5А"));

    // She administers it: renames it, removes a member; a member may not.
    f.ok_send(
        Method::PATCH,
        &teacher,
        &format!("/chats/{chat_id}"),
        json!({"title": "Родительский комитет"}),
    )
    .await;
    let (status, _) = f
        .send_as(
            Method::PATCH,
            &parent,
            &format!("/chats/{chat_id}"),
            json!({"title": "Наш чат"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    f.ok_delete(
        &teacher,
        &format!("/chats/{chat_id}/members?user_id={other_id}"),
    )
    .await;
    let (status, _) = f.get_as(&other, &format!("/chats/{chat_id}")).await;
    assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND);
    let seen = f.ok_get(&parent, &format!("/chats/{chat_id}")).await;
    assert_eq!(seen["title"], "Родительский комитет");
    assert_eq!(seen["participants_count"], 2);

    // The administration sees every chat but private conversations; a teacher does not.
    f.ok_send(
        Method::POST,
        &parent,
        "/school/dialogs",
        json!({"user_id": f.user_id(&teacher).await}),
    )
    .await;
    let overview = f.ok_get(&admin, "/school/chats").await;
    let committee = overview["chats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["chat_id"] == chat_id)
        .unwrap_or_else(|| panic!("{overview}"));
    assert_eq!(committee["kind"], "group");
    assert_eq!(committee["members"], 2);
    assert_eq!(committee["owner"]["name"], "Анна Сергеевна Соколова");
    assert!(
        overview["chats"].as_array().unwrap().len() >= 4,
        "the structure's chats too: {overview}"
    );
    assert!(
        !overview.to_string().contains("Елена Морозова"),
        "no private conversation is listed: {overview}"
    );
    let (status, _) = f.get_as(&teacher, "/school/chats").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The journal has it.
    let journal = f.ok_get(&admin, "/school/audit?count=50").await;
    assert!(
        journal["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "chat.created"),
        "{journal}"
    );
}
