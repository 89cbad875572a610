//! Reports of messages (procedure 6.2, 9.1): filed by members, handled by the chat's
//! administrators or the administration, each decision closing the reports and in the journal.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::Fixture;
use crate::common::logins::{ADMIN, OTHER_PARENT_5A, PARENT_5A, PARENT_7B, TEACHER_5A};

const CHAT_5A: &str = "5А — родители";

async fn send(f: &Fixture, token: &str, chat_id: i64, text: &str) -> String {
    let sent = f
        .ok_send(
            Method::POST,
            token,
            &format!("/messages?chat_id={chat_id}"),
            json!({ "text": text }),
        )
        .await;
    sent["message"]["body"]["mid"].as_str().unwrap().to_owned()
}

async fn report(f: &Fixture, token: &str, body: Value) -> (StatusCode, Value) {
    f.send_as(Method::POST, token, "/school/reports", body)
        .await
}

#[tokio::test]
async fn a_parent_reports_a_message_and_the_class_teacher_sees_it_with_its_context() {
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    let parent = f.token(PARENT_5A).await;
    let other = f.token(OTHER_PARENT_5A).await;
    let chat = f.chat_id(&teacher, CHAT_5A).await;
    send(&f, &teacher, chat, "Завтра контрольная по математике").await;
    let rude = send(&f, &other, chat, "Опять эти контрольные, сколько можно").await;
    send(&f, &teacher, chat, "Давайте обсудим спокойно").await;

    let (status, filed) = report(
        &f,
        &parent,
        json!({"message_id": rude, "reason": "abusive", "note": "Грубо"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    assert_eq!(filed["status"], "open");
    assert_eq!(filed["author"]["name"], "Олег Смирнов");
    assert_eq!(filed["text"], "Опять эти контрольные, сколько можно");
    // Again while open: the same report, not a second one.
    let (_, again) = report(
        &f,
        &parent,
        json!({"message_id": rude, "reason": "off_topic"}),
    )
    .await;
    assert_eq!(again["id"], filed["id"]);

    // Bad reports: one's own message, "other" without words, a chat one is not in, nonsense.
    let (status, body) = report(&f, &other, json!({"message_id": rude, "reason": "abusive"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = report(&f, &parent, json!({"message_id": rude, "reason": "other"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["message"].as_str().unwrap().contains("own words"));
    let outsider = f.token(PARENT_7B).await;
    let (status, _) = report(
        &f,
        &outsider,
        json!({"message_id": rude, "reason": "abusive"}),
    )
    .await;
    assert!(
        status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
        "{status}"
    );
    let (status, body) = report(&f, &parent, json!({"message_id": rude, "reason": "ugly"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["code"], "proto.payload");

    // The class teacher administers the chat: she sees it, with the messages around it.
    let listed = f.ok_get(&teacher, "/school/reports").await;
    let reports = listed["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 1, "{listed}");
    let context: Vec<&str> = reports[0]["context"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"]["text"].as_str().unwrap())
        .collect();
    assert!(
        context.ends_with(&[
            "Завтра контрольная по математике",
            "Опять эти контрольные, сколько можно",
            "Давайте обсудим спокойно",
        ]),
        "{context:?}"
    );
    assert_eq!(reports[0]["reporter"]["name"], "Елена Морозова");
    let (status, _) = f.get_as(&parent, "/school/reports").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "parents handle no reports");
    let (status, _) = f.get_as(&teacher, "/school/reports?status=some").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn each_decision_closes_the_reports_is_journaled_and_the_reporter_sees_it() {
    let f = Fixture::new().await;
    let admin = f.token(ADMIN).await;
    let teacher = f.token(TEACHER_5A).await;
    let parent = f.token(PARENT_5A).await;
    let other = f.token(OTHER_PARENT_5A).await;
    let chat = f.chat_id(&teacher, CHAT_5A).await;
    let first = send(&f, &other, chat, "Первое сообщение").await;
    let second = send(&f, &other, chat, "Второе сообщение").await;
    let third = send(&f, &other, chat, "Третье сообщение").await;
    let mut ids = Vec::new();
    for mid in [&first, &second, &third] {
        let (status, filed) = report(
            &f,
            &parent,
            json!({"message_id": mid, "reason": "personal_data"}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{filed}");
        ids.push(filed["id"].as_i64().unwrap());
    }
    // The teacher also reports the second one: one decision closes both.
    let (_, by_teacher) = report(
        &f,
        &teacher,
        json!({"message_id": second, "reason": "off_topic"}),
    )
    .await;
    let resolve = |id: i64| format!("/school/reports/{id}/resolve");

    // Dismissed by the class teacher; a second decision is a conflict.
    let dismissed = f
        .ok_send(
            Method::POST,
            &teacher,
            &resolve(ids[0]),
            json!({"action": "dismiss"}),
        )
        .await;
    assert_eq!(dismissed["status"], "dismissed");
    assert_eq!(dismissed["handled_by"]["name"], "Анна Сергеевна Соколова");
    let (status, _) = f
        .send_as(
            Method::POST,
            &teacher,
            &resolve(ids[0]),
            json!({"action": "delete"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Deleted by the administration: gone for the chat, both reports on it closed.
    let deleted = f
        .ok_send(
            Method::POST,
            &admin,
            &resolve(ids[1]),
            json!({"action": "delete"}),
        )
        .await;
    assert_eq!(deleted["status"], "deleted");
    let history = f
        .ok_get(&teacher, &format!("/messages?chat_id={chat}&count=100"))
        .await;
    assert!(
        !history.to_string().contains("Второе сообщение"),
        "{history}"
    );
    let teachers_own = f.ok_get(&teacher, "/school/me/reports").await;
    assert_eq!(teachers_own["reports"][0]["id"], by_teacher["id"]);
    assert_eq!(teachers_own["reports"][0]["status"], "deleted");

    // Restricting takes restrict_users: the class teacher may not, the administration may.
    let restrict = json!({"action": "restrict",
        "restriction": {"mode": "read_only", "reason": "Персональные данные в чате", "days": 7}});
    let (status, _) = f
        .send_as(Method::POST, &teacher, &resolve(ids[2]), restrict.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = f
        .send_as(
            Method::POST,
            &admin,
            &resolve(ids[2]),
            json!({"action": "restrict"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let restricted = f
        .ok_send(Method::POST, &admin, &resolve(ids[2]), restrict)
        .await;
    assert_eq!(restricted["status"], "restricted");
    let (status, _) = f
        .send_as(
            Method::POST,
            &other,
            &format!("/messages?chat_id={chat}"),
            json!({"text": "Можно написать?"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "read-only now");

    // The reporter's own list says what became of each; nothing is open for the handlers.
    let mine = f.ok_get(&parent, "/school/me/reports").await;
    let statuses: Vec<&str> = mine["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["restricted", "deleted", "dismissed"]);
    let open = f.ok_get(&admin, "/school/reports").await;
    assert!(open["reports"].as_array().unwrap().is_empty(), "{open}");
    let all = f.ok_get(&admin, "/school/reports?status=all").await;
    assert_eq!(all["reports"].as_array().unwrap().len(), 4);

    // Each decision is one journal entry, naming the outcome.
    let journal = f.ok_get(&admin, "/school/audit?count=50").await;
    let outcomes: Vec<String> = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "report.resolved")
        .map(|e| {
            e["details"]["outcome"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(
        outcomes,
        vec!["restricted", "deleted", "dismissed"],
        "{journal}"
    );
}
