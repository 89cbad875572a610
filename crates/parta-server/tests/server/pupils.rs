//! Pupils (issue 16; procedure 4.1 join requests "from pupils", 6.4, 8.3): invited by the class
//! teacher with the parent who answers for them, admitted only after approval, in the class's
//! pupils' chat and never with parents, reading the class's lessons, and consenting to a
//! recording only through their parent.

use parta_server::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::logins::{ADMIN, OTHER_PARENT_5A, PARENT_5A, PARENT_7B, PUPIL_5A, TEACHER_5A};
use crate::common::{Arg, Fixture};

async fn id_of(f: &Fixture, sql: &str, bind: &str) -> i64 {
    f.sql().int(sql, &[Arg::Text(bind)]).await
}

async fn class_id(f: &Fixture, name: &str) -> i64 {
    id_of(f, "SELECT id FROM classes WHERE name = ?", name).await
}

async fn user(f: &Fixture, login: &str) -> i64 {
    id_of(f, "SELECT id FROM users WHERE username = ?", login).await
}

async fn titles(f: &Fixture, token: &str) -> Vec<String> {
    let list = f.ok_get(token, "/chats").await;
    let mut titles: Vec<String> = list["chats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_owned())
        .collect();
    titles.sort();
    titles
}

fn redemption(code: &str, login: &str) -> Value {
    json!({
        "code": code, "first_name": "Никита", "last_name": "Лебедев", "login": login,
        "password": "весна-2026-школа", "device_name": "Ноутбук",
        "consent_personal_data": true, "child_name": "Никто"
    })
}

#[tokio::test]
async fn clause_4_1_a_pupil_is_invited_with_a_parent_waits_for_approval_and_joins_the_pupils_chat()
{
    let f = Fixture::new().await;
    let admin = f.token(ADMIN).await;
    let teacher = f.token(TEACHER_5A).await;
    let teacher_7b = f.token("m.volkov").await;
    let class_5a = class_id(&f, "5А").await;
    let parent = user(&f, PARENT_5A).await;
    let parent_7b = user(&f, PARENT_7B).await;
    // The school admits newcomers at once; a pupil still waits for the class teacher.
    f.ok_send(
        Method::PUT,
        &admin,
        "/school/settings",
        json!({"join_requires_approval": false}),
    )
    .await;

    // A pupil's invite names a parent of the class, and only the class's teacher makes it.
    for (token, body, expected) in [
        (
            &teacher,
            json!({"class_id": class_5a}),
            StatusCode::BAD_REQUEST,
        ),
        (
            &teacher,
            json!({"class_id": class_5a, "parent_id": parent_7b}),
            StatusCode::BAD_REQUEST,
        ),
        (
            &admin,
            json!({"parent_id": parent}),
            StatusCode::BAD_REQUEST,
        ),
        (
            &teacher_7b,
            json!({"class_id": class_5a, "parent_id": parent}),
            StatusCode::FORBIDDEN,
        ),
    ] {
        let mut body = body;
        body["role"] = json!("pupil");
        let (status, answer) = f
            .send_as(Method::POST, token, "/school/invites", body)
            .await;
        assert_eq!(status, expected, "{answer}");
        assert!(answer["message"].as_str().is_some(), "{answer}");
    }
    let invites_before = f.sql().int("SELECT COUNT(*) FROM invites", &[]).await;
    assert_eq!(invites_before, 0, "nothing refused was stored");
    let created = f
        .ok_send(
            Method::POST,
            &teacher,
            "/school/invites",
            json!({"role": "pupil", "class_id": class_5a, "parent_id": parent}),
        )
        .await;
    assert_eq!(created["invite"]["role"], "pupil");
    assert_eq!(created["invite"]["parent_name"], "Елена Морозова");
    let code = created["code"].as_str().unwrap();

    let pending = f
        .ok_send(
            Method::POST,
            "",
            "/school/invites/redeem",
            redemption(code, "n.lebedev"),
        )
        .await;
    assert_eq!(pending["status"], "pending", "{pending}");
    assert!(pending.get("access_token").is_none());
    let request_id = pending["request_id"].as_i64().unwrap();
    let requests = f.ok_get(&teacher, "/school/join-requests").await;
    let listed = &requests["requests"][0];
    assert_eq!(listed["role"], "pupil");
    assert_eq!(listed["class_name"], "5А");
    assert!(listed["child_name"].is_null(), "a pupil is the child");
    f.ok_post(
        &teacher,
        &format!("/school/join-requests/{request_id}/approve"),
    )
    .await;
    let status = f
        .ok_send(
            Method::POST,
            "",
            "/school/join-requests/status",
            json!({"request_token": pending["request_token"]}),
        )
        .await;
    let token = status["access_token"].as_str().unwrap().to_owned();

    // In the pupils' chat only; sees the class, and nobody's contact details.
    assert_eq!(titles(&f, &token).await, vec!["5А — ученики"]);
    let me = f.ok_get(&token, "/me").await;
    assert_eq!(me["first_name"], "Никита");
    let classes = f.ok_get(&token, "/school/classes").await;
    let names: Vec<&str> = classes["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["5А"]);
    let (status, _) = f.get_as(&token, &format!("/school/people/{parent}")).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a parent is out of a pupil's sight"
    );
    let teacher_id = user(&f, TEACHER_5A).await;
    f.ok_send(
        Method::PUT,
        &teacher,
        "/school/me/contacts",
        json!({"phone": "+7 900 000-00-01"}),
    )
    .await;
    let profile = f
        .ok_get(&token, &format!("/school/people/{teacher_id}"))
        .await;
    assert!(profile.get("phone").is_none(), "{profile}");
    // The parent's own chats are unchanged: no pupils' chat for a parent.
    let parent_token = f.token(PARENT_5A).await;
    assert_eq!(titles(&f, &parent_token).await, vec!["5А — родители"]);
}

#[tokio::test]
async fn clause_4_1_pupils_and_parents_never_share_a_chat_nor_write_privately() {
    let f = Fixture::new().await;
    let admin = f.token(ADMIN).await;
    let teacher = f.token(TEACHER_5A).await;
    let pupil = f.token(PUPIL_5A).await;
    let (pupil_id, parent, other_pupil) = (
        user(&f, PUPIL_5A).await,
        user(&f, PARENT_5A).await,
        user(&f, "v.smirnova").await,
    );

    // The class teacher administers the parents' chat but cannot bring a pupil into it.
    let parents_chat = f.chat_id(&teacher, "5А — родители").await;
    let (status, body) = f
        .send_as(
            Method::POST,
            &teacher,
            &format!("/chats/{parents_chat}/members"),
            json!({"user_ids": [pupil_id]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("never in one chat")
    );
    // Nor may anyone make a chat of both, the administration included.
    let (status, body) = f
        .send_as(
            Method::POST,
            &admin,
            "/school/chats",
            json!({"title": "Все вместе", "user_ids": [pupil_id, parent]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let chats = f
        .sql()
        .int("SELECT COUNT(*) FROM chats WHERE title = 'Все вместе'", &[])
        .await;
    assert_eq!(chats, 0);
    // A chat of the class teacher with pupils of her class is fine (a project group).
    let group = f
        .ok_send(
            Method::POST,
            &teacher,
            "/school/chats",
            json!({"title": "Проект: школьный сад", "user_ids": [pupil_id, other_pupil]}),
        )
        .await;
    assert_eq!(group["participants_count"], 3, "{group}");

    // Privately: a pupil writes to the class's teachers, never to a parent or another pupil.
    for (target, expected) in [
        (parent, StatusCode::FORBIDDEN),
        (other_pupil, StatusCode::FORBIDDEN),
    ] {
        let (status, body) = f
            .send_as(
                Method::POST,
                &pupil,
                "/school/dialogs",
                json!({ "user_id": target }),
            )
            .await;
        assert_eq!(status, expected, "{body}");
    }
    let other_parent = f.token(OTHER_PARENT_5A).await;
    let (status, _) = f
        .send_as(
            Method::POST,
            &other_parent,
            "/school/dialogs",
            json!({ "user_id": pupil_id }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a parent never writes to a pupil"
    );
    let teacher_id = user(&f, TEACHER_5A).await;
    let dialog = f
        .ok_send(
            Method::POST,
            &pupil,
            "/school/dialogs",
            json!({ "user_id": teacher_id }),
        )
        .await;
    assert_eq!(dialog["type"], "dialog");
    // A teacher of another class is not the pupil's to write to.
    let (status, _) = f
        .send_as(
            Method::POST,
            &pupil,
            "/school/dialogs",
            json!({ "user_id": user(&f, "m.volkov").await }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The pupils' chat holds the class teacher and pupils, no parent.
    let pupils_chat = f.chat_id(&pupil, "5А — ученики").await;
    let members = f
        .ok_get(&pupil, &format!("/chats/{pupils_chat}/members"))
        .await;
    let mut ids: Vec<i64> = members["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    let mut expected = vec![teacher_id, pupil_id, other_pupil];
    expected.sort_unstable();
    assert_eq!(ids, expected);
    // And the pupil reads nothing of the parents' chat.
    let (status, _) = f
        .get_as(&pupil, &format!("/messages?chat_id={parents_chat}"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn clause_6_4_a_pupils_consent_to_recording_is_their_parents_answer() {
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    let pupil = f.token(PUPIL_5A).await;
    let parent = f.token(PARENT_5A).await;
    let class_5a = class_id(&f, "5А").await;
    let now = parta_server::SystemClock.now_ms();
    let lesson = f
        .ok_send(
            Method::POST,
            &teacher,
            "/school/lessons",
            json!({"class_id": class_5a, "subject": "Математика", "starts_at": now + 5 * 60_000,
                   "duration_min": 45, "link": "https://vk.com/call/join/abc-123"}),
        )
        .await;
    let id = lesson["id"].as_i64().unwrap();
    // The pupil reads the class's lesson and its link.
    let seen = f.ok_get(&pupil, &format!("/school/lessons/{id}")).await;
    assert_eq!(seen["link"], "https://vk.com/call/join/abc-123");
    let put = |token: &str, path: &str, body: Value| {
        let (f, token, path) = (&f, token.to_owned(), format!("/school/lessons/{id}/{path}"));
        async move { f.send_as(Method::PUT, &token, &path, body).await }
    };

    // A pupil does not answer for themselves.
    let (status, body) = put(&pupil, "consent", json!({"consent": true})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("parent"),
        "{body}"
    );

    // The pupil joins; without the parent's consent the lesson is not recorded.
    let (status, joined) = put(&pupil, "presence", json!({"present": true})).await;
    assert_eq!(status, StatusCode::OK, "{joined}");
    assert_eq!(joined["present"], 1);
    assert_eq!(joined["allowed"], false);
    assert!(joined["mine"].is_null());
    let (status, refused) = put(&teacher, "recording", json!({"recording": true})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");

    // The parent consents: the pupil's consent is hers, and recording may start.
    put(&parent, "consent", json!({"consent": true})).await;
    let mine = f
        .ok_get(&pupil, &format!("/school/lessons/{id}/recording"))
        .await;
    assert_eq!(mine["mine"], true, "the pupil sees the parent's answer");
    assert_eq!(mine["allowed"], true, "{mine}");
    let (status, started) = put(&teacher, "recording", json!({"recording": true})).await;
    assert_eq!(status, StatusCode::OK, "{started}");
    assert_eq!(started["recording"], true);

    // The parent withdraws: the recording stops at once.
    let (_, withdrawn) = put(&parent, "consent", json!({"consent": false})).await;
    assert_eq!(withdrawn["recording"], false, "{withdrawn}");
    let log = f
        .ok_get(&teacher, &format!("/school/lessons/{id}/recording"))
        .await;
    let kinds: Vec<&str> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"stopped_consent_withdrawn"), "{kinds:?}");

    // A parents' meeting (a group of invited parents) is not the pupil's.
    let parent_id = user(&f, PARENT_5A).await;
    let meeting = f
        .ok_send(
            Method::POST,
            &teacher,
            "/school/lessons",
            json!({"class_id": class_5a, "subject": "Собрание", "starts_at": now + 86_400_000,
                   "duration_min": 45, "participants": [parent_id]}),
        )
        .await;
    let (status, _) = f
        .get_as(&pupil, &format!("/school/lessons/{}", meeting["id"]))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let list = f
        .ok_get(
            &pupil,
            &format!("/school/lessons?from={}&to={}", now, now + 2 * 86_400_000),
        )
        .await;
    let ids: Vec<i64> = list["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_i64().unwrap())
        .collect();
    assert!(
        ids.contains(&id) && !ids.contains(&meeting["id"].as_i64().unwrap()),
        "{ids:?}"
    );
}

#[tokio::test]
async fn a_pupil_moves_class_with_the_pupils_chat() {
    let f = Fixture::new().await;
    let admin = f.token(ADMIN).await;
    let pupil = f.token(PUPIL_5A).await;
    let pupil_id = user(&f, PUPIL_5A).await;
    f.ok_post(&admin, "/school/structure").await;
    let (class_5a, class_7b) = (class_id(&f, "5А").await, class_id(&f, "7Б").await);
    f.ok_send(
        Method::POST,
        &admin,
        &format!("/school/users/{pupil_id}/move"),
        json!({"from_class_id": class_5a, "to_class_id": class_7b}),
    )
    .await;
    assert_eq!(titles(&f, &pupil).await, vec!["7Б — ученики"]);
    let (status, _) = f
        .send_as(
            Method::POST,
            &admin,
            &format!("/school/users/{pupil_id}/move"),
            json!({"from_class_id": class_5a, "to_class_id": class_7b}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no longer in 5А");
}
