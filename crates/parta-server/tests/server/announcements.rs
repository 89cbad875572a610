//! Announcements that only inform (procedure 2.3, 4.1): posted alone or broadcast, listed with
//! their kind, never acknowledged, and their receipts say who has read them.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::Fixture;
use crate::common::logins::{OTHER_PARENT_5A, PARENT_5A, TEACHER_5A};

const CHAT_5A: &str = "5А — родители";

#[tokio::test]
async fn an_announcement_that_only_informs_is_read_but_not_acknowledged() {
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    let parent = f.token(PARENT_5A).await;
    let other = f.token(OTHER_PARENT_5A).await;
    let chat = f.chat_id(&teacher, CHAT_5A).await;

    let asks = f
        .ok_send(
            Method::POST,
            &teacher,
            &format!("/school/announcements?chat_id={chat}"),
            json!({"text": "Сдать анкеты до пятницы"}),
        )
        .await;
    let informs = f
        .ok_send(
            Method::POST,
            &teacher,
            &format!("/school/announcements?chat_id={chat}&ack=false"),
            json!({"text": "Каникулы начинаются 28 декабря"}),
        )
        .await;
    let asks = asks["message"]["body"]["mid"].as_str().unwrap().to_owned();
    let informs = informs["message"]["body"]["mid"]
        .as_str()
        .unwrap()
        .to_owned();

    let listed = f.ok_get(&parent, "/school/announcements").await;
    let kind_of = |mid: &str| {
        listed["announcements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["message"]["body"]["mid"] == mid)
            .map(|a| a["ack_required"].clone())
    };
    assert_eq!(kind_of(&asks), Some(json!(true)), "the default asks");
    assert_eq!(kind_of(&informs), Some(json!(false)), "{listed}");

    let (status, refused) = f
        .call(
            Method::POST,
            Some(&parent),
            &format!("/school/announcements/{informs}/ack"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(refused["code"], "proto.payload", "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("asks for no acknowledgement"),
        "{refused}"
    );

    // Its receipts still say who has read it.
    f.ok_send(
        Method::POST,
        &other,
        &format!("/chats/{chat}/actions"),
        json!({"action": "mark_seen"}),
    )
    .await;
    let receipts = f
        .ok_get(
            &teacher,
            &format!("/school/announcements/{informs}/receipts"),
        )
        .await;
    assert_eq!(receipts["read"][0]["name"], "Олег Смирнов", "{receipts}");
    assert_eq!(receipts["pending"][0]["name"], "Елена Морозова");
    assert!(receipts["acknowledged"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_broadcast_that_only_informs_reaches_each_chat_as_such() {
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    let class_5a = f.chat_id(&teacher, CHAT_5A).await;
    let teachers = f.chat_id(&teacher, "Учителя").await;
    let text = "В понедельник занятия с 9:30";
    let sent = f
        .ok_send(
            Method::POST,
            &teacher,
            &format!("/school/broadcasts?chat_ids={class_5a},{teachers}&ack=false"),
            json!({ "text": text }),
        )
        .await;
    assert_eq!(sent["messages"].as_array().unwrap().len(), 2, "{sent}");
    let listed = f.ok_get(&teacher, "/school/announcements").await;
    let kinds: Vec<_> = listed["announcements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["message"]["body"]["text"] == text)
        .map(|a| (a["chat_id"].as_i64().unwrap(), a["ack_required"].clone()))
        .collect();
    assert_eq!(kinds.len(), 2, "{listed}");
    assert!(
        kinds.iter().all(|(_, ack)| *ack == json!(false)),
        "{kinds:?}"
    );

    let (status, _) = f
        .send_as(
            Method::POST,
            &teacher,
            &format!("/school/broadcasts?chat_ids={class_5a}&ack=maybe"),
            json!({ "text": text }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "ack is true or false");
}
