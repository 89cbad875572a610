//! Inside a chat: editing and deleting, members and admins, the pin, read state,
//! announcements with acknowledgements, and restrictions (procedure 9.2).

use parta_model::max::{SendMessageResult, UpdateList};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Fixture, TestClock};

const ADMIN: &str = "i.kuznetsova";
const TEACHER_5A: &str = "a.sokolova";
const PARENT_5A: &str = "e.morozova";
const OTHER_PARENT_5A: &str = "o.smirnov";
const PARENT_7B: &str = "n.orlova";
const CHAT_5A: &str = "5А — родители";

async fn send(f: &Fixture, token: &str, chat_id: i64, text: &str) -> String {
    let sent: SendMessageResult = serde_json::from_value(
        f.ok_send(
            Method::POST,
            token,
            &format!("/messages?chat_id={chat_id}"),
            json!({"text": text}),
        )
        .await,
    )
    .unwrap();
    sent.message.body.mid
}

async fn marker(f: &Fixture, token: &str) -> i64 {
    let list: UpdateList = f.get_json(token, "/updates?timeout=0").await;
    list.marker.unwrap()
}

async fn updates_since(f: &Fixture, token: &str, marker: i64) -> Vec<Value> {
    let list: UpdateList = f
        .get_json(token, &format!("/updates?timeout=3&marker={marker}"))
        .await;
    list.updates
        .iter()
        .map(|u| serde_json::to_value(u).unwrap())
        .collect()
}

async fn user_id(f: &Fixture, token: &str) -> i64 {
    f.ok_get(token, "/me").await["user_id"].as_i64().unwrap()
}

#[tokio::test]
async fn an_author_edits_and_deletes_their_message_and_members_receive_both() {
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    let parent = f.token(PARENT_5A).await;
    let chat = f.chat_id(&teacher, CHAT_5A).await;
    let mid = send(&f, &teacher, chat, "Собрание в среду в 18:00").await;
    let from = marker(&f, &parent).await;

    let edit = format!("/messages?message_id={mid}");
    let (status, _) = f
        .send_as(Method::PUT, &parent, &edit, json!({"text": "чужое"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the author edits");
    let edited = f
        .ok_send(
            Method::PUT,
            &teacher,
            &edit,
            json!({"text": "Собрание в четверг в 18:00"}),
        )
        .await;
    assert_eq!(edited["success"], true);
    let (status, _) = f.delete_as(&parent, &edit).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a parent is no admin of the chat"
    );
    f.ok_delete(&teacher, &edit).await;

    let updates = updates_since(&f, &parent, from).await;
    let kinds: Vec<&str> = updates
        .iter()
        .map(|u| u["update_type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["message_edited", "message_removed"]);
    assert_eq!(
        updates[0]["message"]["body"]["text"],
        "Собрание в четверг в 18:00"
    );
    assert_eq!(updates[1]["message_id"], mid);

    let (status, _) = f.get_as(&parent, &format!("/messages/{mid}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a deleted message is gone");
    let (status, _) = f
        .send_as(Method::PUT, &teacher, &edit, json!({"text": "снова"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "and cannot be edited back");
}

#[tokio::test]
async fn chat_admins_add_remove_and_appoint_members_and_members_may_not() {
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    let parent = f.token(PARENT_5A).await;
    let newcomer = f.token(PARENT_7B).await;
    let newcomer_id = user_id(&f, &newcomer).await;
    let parent_id = user_id(&f, &parent).await;
    let teacher_id = user_id(&f, &teacher).await;
    let chat = f.chat_id(&teacher, CHAT_5A).await;
    let members = format!("/chats/{chat}/members");

    let (status, _) = f
        .send_as(
            Method::POST,
            &parent,
            &members,
            json!({"user_ids": [newcomer_id]}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    f.ok_send(
        Method::POST,
        &teacher,
        &members,
        json!({"user_ids": [newcomer_id]}),
    )
    .await;
    let listed = f.ok_get(&parent, &members).await;
    let ids: Vec<i64> = listed["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&newcomer_id), "{listed}");
    let owner = listed["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == teacher_id)
        .unwrap()
        .clone();
    assert_eq!(owner["is_owner"], true);
    assert_eq!(owner["is_admin"], true);

    // The owner cannot be removed; a member can; a member can also leave.
    let (status, _) = f
        .delete_as(&teacher, &format!("{members}?user_id={teacher_id}"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    f.ok_delete(&teacher, &format!("{members}?user_id={newcomer_id}"))
        .await;
    let (status, _) = f
        .get_as(&newcomer, &format!("/messages?chat_id={chat}"))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a removed member reads no more"
    );

    // An appointed admin may pin; once revoked, may not.
    let mid = send(&f, &teacher, chat, "Важное объявление").await;
    let pin = format!("/chats/{chat}/pin");
    let (status, _) = f
        .send_as(Method::PUT, &parent, &pin, json!({"message_id": mid}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    f.ok_send(
        Method::POST,
        &teacher,
        &format!("{members}/admins"),
        json!({"admins": [{"user_id": parent_id, "permissions": ["pin_message"]}]}),
    )
    .await;
    f.ok_send(Method::PUT, &parent, &pin, json!({"message_id": mid}))
        .await;
    let pinned = f.ok_get(&teacher, &pin).await;
    assert_eq!(pinned["message"]["body"]["mid"], mid);
    f.ok_delete(&teacher, &format!("{members}/admins/{parent_id}"))
        .await;
    let (status, _) = f.delete_as(&parent, &pin).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    f.ok_delete(&teacher, &pin).await;
    let pinned = f.ok_get(&teacher, &pin).await;
    assert!(pinned["message"].is_null(), "{pinned}");
    // The members' apps hear each pin and unpin as it happens, when they ask for it.
    let heard = f
        .ok_get(&teacher, "/updates?timeout=0&types=parta_chat_pinned")
        .await;
    let pins: Vec<&Value> = heard["updates"].as_array().unwrap().iter().collect();
    assert_eq!(pins.len(), 2, "{heard}");
    assert_eq!(pins[0]["message_id"], mid);
    assert_eq!(pins[0]["chat_id"], chat);
    assert!(
        pins[1].get("message_id").is_none(),
        "the unpin names no message"
    );

    let me = f.ok_get(&parent, &format!("{members}/me")).await;
    assert_eq!(me["is_admin"], false);
    f.ok_delete(&parent, &format!("{members}/me")).await;
    let (status, _) = f.get_as(&parent, &format!("{members}/me")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "left the chat");
}

#[tokio::test]
async fn an_announcement_shows_who_has_read_and_who_has_acknowledged_it() {
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    let parent = f.token(PARENT_5A).await;
    let other = f.token(OTHER_PARENT_5A).await;
    let chat = f.chat_id(&teacher, CHAT_5A).await;

    let (status, _) = f
        .send_as(
            Method::POST,
            &parent,
            &format!("/school/announcements?chat_id={chat}"),
            json!({"text": "Родительское собрание"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "parents do not announce");
    let sent = f
        .ok_send(
            Method::POST,
            &teacher,
            &format!("/school/announcements?chat_id={chat}"),
            json!({"text": "В пятницу экскурсия в музей, сбор в 9:00"}),
        )
        .await;
    let mid = sent["message"]["body"]["mid"].as_str().unwrap().to_owned();

    let listed = f.ok_get(&parent, "/school/announcements").await;
    let first = &listed["announcements"][0];
    assert_eq!(first["message"]["body"]["mid"], mid);
    assert_eq!(first["chat_title"], CHAT_5A);
    assert_eq!(first["acknowledged"], false);

    let receipts = format!("/school/announcements/{mid}/receipts");
    let before = f.ok_get(&teacher, &receipts).await;
    assert_eq!(before["pending"].as_array().unwrap().len(), 2, "{before}");

    // One parent only reads (marks the chat seen), the other acknowledges.
    f.ok_send(
        Method::POST,
        &other,
        &format!("/chats/{chat}/actions"),
        json!({"action": "mark_seen"}),
    )
    .await;
    f.ok_post(&parent, &format!("/school/announcements/{mid}/ack"))
        .await;
    f.ok_post(&parent, &format!("/school/announcements/{mid}/ack"))
        .await;
    let after = f.ok_get(&teacher, &receipts).await;
    let names = |key: &str| -> Vec<String> {
        after[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names("acknowledged"), vec!["Елена Морозова"]);
    assert_eq!(names("read"), vec!["Олег Смирнов"]);
    assert!(names("pending").is_empty());
    let listed = f.ok_get(&parent, "/school/announcements").await;
    assert_eq!(listed["announcements"][0]["acknowledged"], true);

    let (status, _) = f.get_as(&parent, &receipts).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "receipts are for the author and admins"
    );
    let ordinary = send(&f, &teacher, chat, "Обычное сообщение").await;
    let (status, _) = f
        .call(
            Method::POST,
            Some(&parent),
            &format!("/school/announcements/{ordinary}/ack"),
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "only announcements are acknowledged"
    );
}

#[tokio::test]
async fn clause_9_2_a_restricted_parent_reads_but_cannot_write_and_a_blocked_one_gets_nothing() {
    let clock = TestClock::new();
    let f = Fixture::with_clock(clock.clone()).await;
    let admin = f.token(ADMIN).await;
    let teacher = f.token(TEACHER_5A).await;
    let parent = f.token(PARENT_5A).await;
    let parent_id = user_id(&f, &parent).await;
    let chat = f.chat_id(&parent, CHAT_5A).await;
    let restriction = format!("/school/users/{parent_id}/restriction");
    let reason = "Оскорбительные сообщения в чате класса";

    let (status, _) = f
        .send_as(
            Method::POST,
            &teacher,
            &restriction,
            json!({"mode": "read_only", "reason": reason, "days": 3}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "per the matrix, teachers do not restrict"
    );
    let (status, _) = f
        .send_as(
            Method::POST,
            &admin,
            &restriction,
            json!({"mode": "read_only", "reason": " ", "days": 3}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a restriction needs a reason"
    );
    f.ok_send(
        Method::POST,
        &admin,
        &restriction,
        json!({"mode": "read_only", "reason": reason, "days": 3}),
    )
    .await;

    let before = f.message_count(&parent, chat).await;
    let (status, error) = f
        .send_as(
            Method::POST,
            &parent,
            &format!("/messages?chat_id={chat}"),
            json!({"text": "Всё равно напишу"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        error["message"].as_str().unwrap().contains(reason),
        "{error}"
    );
    assert_eq!(
        f.message_count(&parent, chat).await,
        before,
        "nothing stored"
    );

    f.ok_send(
        Method::POST,
        &admin,
        &restriction,
        json!({"mode": "blocked", "reason": reason, "days": 1}),
    )
    .await;
    let (status, _) = f.get_as(&parent, "/chats").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "blocked: not even reading");

    // The end date ends it by itself.
    clock.advance_hours(25);
    f.ok_get(&parent, "/chats").await;
    send(&f, &parent, chat, "Спасибо, учту").await;

    f.ok_send(
        Method::POST,
        &admin,
        &restriction,
        json!({"mode": "blocked", "reason": reason, "days": 1}),
    )
    .await;
    f.ok_delete(&admin, &restriction).await;
    f.ok_get(&parent, "/chats").await;
    let audit = f.ok_get(&admin, "/school/audit").await;
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"user.restricted") && actions.contains(&"user.restriction_lifted"));
}

#[tokio::test]
async fn a_scheduled_message_goes_out_once_at_its_time_and_a_cancelled_one_never() {
    let clock = TestClock::new();
    let f = Fixture::with_clock(clock.clone()).await;
    let teacher = f.token(TEACHER_5A).await;
    let parent = f.token(PARENT_5A).await;
    let chat = f.chat_id(&teacher, CHAT_5A).await;
    let from = marker(&f, &parent).await;
    let now = parta_server::Clock::now_ms(clock.as_ref());
    let schedule = |text: &str, at: i64| {
        (
            format!("/school/scheduled?chat_id={chat}&send_at={at}"),
            json!({"text": text}),
        )
    };
    let (path, body) = schedule("Доброе утро! Сегодня контрольная.", now + 3_600_000);
    let kept = f.ok_send(Method::POST, &teacher, &path, body).await;
    let (path, body) = schedule("Это отменю", now + 3_600_000);
    let dropped = f.ok_send(Method::POST, &teacher, &path, body).await;
    f.ok_delete(&teacher, &format!("/school/scheduled/{}", dropped["id"]))
        .await;
    let (path, body) = schedule("В прошлое", now - 1000);
    let (status, _) = f.send_as(Method::POST, &teacher, &path, body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Before its time nothing is sent.
    let list: UpdateList = f
        .get_json(&parent, &format!("/updates?timeout=1&marker={from}"))
        .await;
    assert!(list.updates.is_empty());

    clock.advance_hours(1);
    let list: UpdateList = f
        .get_json(&parent, &format!("/updates?timeout=5&marker={from}"))
        .await;
    let texts: Vec<String> = list
        .updates
        .iter()
        .map(|u| serde_json::to_value(u).unwrap()["message"]["body"]["text"].to_string())
        .collect();
    assert_eq!(texts, vec!["\"Доброе утро! Сегодня контрольная.\""]);
    // Give the scheduler a few more rounds: still exactly one.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let again: UpdateList = f
        .get_json(
            &parent,
            &format!("/updates?timeout=0&marker={}", list.marker.unwrap()),
        )
        .await;
    assert!(again.updates.is_empty(), "sent once: {:?}", again.updates);
    let mine = f.ok_get(&teacher, "/school/scheduled").await;
    let by_id = |id: &Value| {
        mine["scheduled"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == *id)
            .unwrap()
            .clone()
    };
    assert_eq!(by_id(&kept["id"])["status"], "sent");
    assert!(by_id(&kept["id"])["mid"].is_string());
    assert_eq!(by_id(&dropped["id"])["status"], "cancelled");
    let (status, _) = f
        .delete_as(&teacher, &format!("/school/scheduled/{}", kept["id"]))
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a sent message cannot be cancelled"
    );
}

#[tokio::test]
async fn in_quiet_hours_parents_messages_arrive_without_a_notification_and_colleagues_do_not() {
    let clock = TestClock::new();
    let f = Fixture::with_clock(clock.clone()).await;
    let teacher = f.token(TEACHER_5A).await;
    let parent = f.token(PARENT_5A).await;
    let admin = f.token(ADMIN).await;
    let class_chat = f.chat_id(&teacher, CHAT_5A).await;
    let teachers_chat = f.chat_id(&teacher, "Учителя").await;
    // Quiet hours around the test clock's present, in UTC.
    let now = parta_server::Clock::now_ms(clock.as_ref());
    let minute = (now / 60_000).rem_euclid(1440);
    let hours = json!({
        "start_minute": (minute + 1440 - 60) % 1440,
        "end_minute": (minute + 60) % 1440,
        "utc_offset_minutes": 0,
    });
    let (status, _) = f
        .send_as(
            Method::PUT,
            &parent,
            "/school/me/quiet-hours",
            hours.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "quiet hours are for staff");
    f.ok_send(
        Method::PUT,
        &teacher,
        "/school/me/quiet-hours",
        hours.clone(),
    )
    .await;
    let kept = f.ok_get(&teacher, "/school/me/quiet-hours").await;
    assert_eq!(kept["quiet_hours"], hours, "she reads back what she set");
    // A parent of her class sees before writing that she is in her quiet hours, and until
    // when; the teacher herself is not listed to herself.
    let quiet = f
        .ok_get(&parent, &format!("/school/chats/{class_chat}/quiet"))
        .await;
    let listed = quiet["quiet"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{quiet}");
    assert_eq!(listed[0]["name"], "Анна Сергеевна Соколова");
    assert!(listed[0]["until"].as_i64().unwrap() > now);
    let own = f
        .ok_get(&teacher, &format!("/school/chats/{class_chat}/quiet"))
        .await;
    assert_eq!(own["quiet"], json!([]));

    let from = marker(&f, &teacher).await;
    send(
        &f,
        &parent,
        class_chat,
        "Извините за поздний вопрос: что задали?",
    )
    .await;
    send(&f, &admin, teachers_chat, "Коллеги, завтра планёрка в 8:30").await;
    let updates = updates_since(&f, &teacher, from).await;
    assert_eq!(updates.len(), 2);
    let silent_until = updates[0]["parta_silent_until"].as_i64().unwrap();
    let end_of_quiet = (now / 60_000 - minute + (minute + 60) % 1440) * 60_000;
    let expected = if end_of_quiet > now {
        end_of_quiet
    } else {
        end_of_quiet + 86_400_000
    };
    assert_eq!(silent_until, expected, "silent until the quiet hours end");
    assert!(
        updates[1].get("parta_silent_until").is_none(),
        "a colleague's message notifies as usual"
    );
    // The parent, who has no quiet hours, sees nothing of the teacher's.
    let parent_view = updates_since(&f, &parent, from).await;
    assert!(
        parent_view
            .iter()
            .all(|u| u.get("parta_silent_until").is_none())
    );
    f.ok_delete(&teacher, "/school/me/quiet-hours").await;
    let cleared = f.ok_get(&teacher, "/school/me/quiet-hours").await;
    assert!(cleared["quiet_hours"].is_null(), "{cleared}");
}

#[tokio::test]
async fn clause_6_1_the_server_refuses_insults_and_keeps_nothing_of_them() {
    let f = Fixture::new().await;
    let parent = f.token(PARENT_5A).await;
    let chat = f.chat_id(&parent, CHAT_5A).await;
    let before = f.message_count(&parent, chat).await;
    // Disguised, as people do: the policy sees through repeated letters.
    let (status, error) = f
        .send_as(
            Method::POST,
            &parent,
            &format!("/messages?chat_id={chat}"),
            json!({"text": "Ну ты и идииииот, честное слово."}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert_eq!(error["code"], "policy.blocked");
    assert!(error["message"].as_str().unwrap().contains("6.1"));
    assert!(
        !error["message"].as_str().unwrap().contains("иди"),
        "the refusal names the rule, not the words"
    );
    assert_eq!(f.message_count(&parent, chat).await, before);

    // Editing a clean message into an insult is refused too; personal data is only a warning
    // by default, so a СНИЛС goes through.
    let mid = send(&f, &parent, chat, "Спасибо за информацию").await;
    let (status, _) = f
        .send_as(
            Method::PUT,
            &parent,
            &format!("/messages?message_id={mid}"),
            json!({"text": "Да идите вы все, idiot."}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    send(&f, &parent, chat, "СНИЛС сына для справки: 112-233-445 95").await;
}

#[tokio::test]
async fn a_school_policy_that_blocks_personal_data_in_class_chats_is_enforced_there_only() {
    let policy = parta_policy::Policy::from_toml(
        "[personal_data]\naction = \"warn\"\nchats = { class_parents = \"block\" }\n\
         [files]\nallowed = [\"pdf\"]\n",
    )
    .unwrap();
    let f = Fixture::with_policy(policy).await;
    let teacher = f.token(TEACHER_5A).await;
    let class_chat = f.chat_id(&teacher, CHAT_5A).await;
    let teachers_chat = f.chat_id(&teacher, "Учителя").await;
    let text = "СНИЛС ученика: 112-233-445 95";
    let (status, error) = f
        .send_as(
            Method::POST,
            &teacher,
            &format!("/messages?chat_id={class_chat}"),
            json!({"text": text}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert!(error["message"].as_str().unwrap().contains("personal data"));
    send(&f, &teacher, teachers_chat, text).await;

    // The policy's file list reaches uploads: only PDF is allowed at this school.
    let endpoint = f.ok_post(&teacher, "/uploads?type=image").await;
    let url = endpoint["url"].as_str().unwrap();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
    let response = f
        .http
        .put(url)
        .header(
            "Content-Range",
            format!("bytes 0-{}/{}", png.len() - 1, png.len()),
        )
        .body(png.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error: Value = response.json().await.unwrap();
    assert!(
        error["message"].as_str().unwrap().contains("PNG"),
        "{error}"
    );
}

#[tokio::test]
async fn partas_own_updates_reach_only_those_who_ask_for_them_by_type() {
    let f = Fixture::new().await;
    let admin = f.token(ADMIN).await;
    let teacher = f.token(TEACHER_5A).await;
    let parent = f.token(PARENT_5A).await;
    let parent_id = user_id(&f, &parent).await;
    let chat = f.chat_id(&teacher, CHAT_5A).await;
    let ours = "parta_join_request,parta_announcement_acknowledged,parta_restricted";
    let start = |token: String| {
        let f = &f;
        async move { marker(f, &token).await }
    };
    let (admin_from, teacher_from, parent_from) = (
        start(admin.clone()).await,
        start(teacher.clone()).await,
        start(parent.clone()).await,
    );

    // A join request for 5А, an acknowledged announcement, a restriction.
    let class_5a = f.ok_get(&admin, "/school/classes").await["classes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "5А")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let invite = f
        .ok_send(
            Method::POST,
            &admin,
            "/school/invites",
            json!({"role": "parent", "class_id": class_5a}),
        )
        .await;
    f.ok_send(
        Method::POST,
        "",
        "/school/invites/redeem",
        json!({"code": invite["code"], "first_name": "Павел", "child_name": "Лебедева Маша",
                    "login": "p.lebedev", "password": "весна-2026-школа",
                    "device_name": "Ноутбук", "consent_personal_data": true}),
    )
    .await;
    let sent = f
        .ok_send(
            Method::POST,
            &teacher,
            &format!("/school/announcements?chat_id={chat}"),
            json!({"text": "Завтра линейка в 8:15"}),
        )
        .await;
    let mid = sent["message"]["body"]["mid"].as_str().unwrap().to_owned();
    f.ok_post(&parent, &format!("/school/announcements/{mid}/ack"))
        .await;
    f.ok_send(
        Method::POST,
        &admin,
        &format!("/school/users/{parent_id}/restriction"),
        json!({"mode": "read_only", "reason": "Реклама в чате класса", "days": 2}),
    )
    .await;

    let kinds = |updates: &[Value]| -> Vec<String> {
        updates
            .iter()
            .map(|u| u["update_type"].as_str().unwrap().to_owned())
            .filter(|k| k.starts_with("parta_"))
            .collect()
    };
    let asked = |token: &str, from: i64| {
        let path = format!("/updates?timeout=0&marker={from}&types={ours}");
        let token = token.to_owned();
        let f = &f;
        async move {
            let list: UpdateList = f.get_json(&token, &path).await;
            list.updates
                .iter()
                .map(|u| serde_json::to_value(u).unwrap())
                .collect::<Vec<_>>()
        }
    };
    let for_admin = asked(&admin, admin_from).await;
    assert_eq!(kinds(&for_admin), vec!["parta_join_request"]);
    assert_eq!(for_admin[0]["name"], "Павел");
    let for_teacher = asked(&teacher, teacher_from).await;
    assert_eq!(
        kinds(&for_teacher),
        vec!["parta_join_request", "parta_announcement_acknowledged"],
        "the class teacher reviews 5А's parents and authored the announcement"
    );
    assert_eq!(for_teacher[1]["user"]["user_id"], parent_id);
    let for_parent = asked(&parent, parent_from).await;
    assert_eq!(kinds(&for_parent), vec!["parta_restricted"]);
    assert_eq!(for_parent[0]["reason"], "Реклама в чате класса");

    // Without asking, nobody sees them: a MAX client meets only MAX's types.
    for (token, from) in [
        (&admin, admin_from),
        (&teacher, teacher_from),
        (&parent, parent_from),
    ] {
        let plain = updates_since(&f, token, from).await;
        assert!(kinds(&plain).is_empty(), "{plain:?}");
    }
}

#[tokio::test]
async fn clause_4_1_a_broadcast_reaches_every_chat_it_may_and_says_which_it_may_not() {
    let f = Fixture::new().await;
    let admin = f.token(ADMIN).await;
    let teacher = f.token(TEACHER_5A).await;
    let class_5a = f.chat_id(&teacher, CHAT_5A).await;
    let teachers = f.chat_id(&teacher, "Учителя").await;
    let class_7b = f
        .sql()
        .int("SELECT id FROM chats WHERE title = '7Б — родители'", &[])
        .await;
    let path = format!("/school/broadcasts?chat_ids={class_5a},{teachers},{class_7b}");
    let body = json!({"text": "Завтра все уроки сокращены до 30 минут"});
    let (status, result) = f.send_as(Method::POST, &teacher, &path, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{result}");
    assert_eq!(result["messages"].as_array().unwrap().len(), 2);
    assert_eq!(
        result["failed"][0]["chat_id"], class_7b,
        "not a member of 7Б's chat"
    );
    assert_eq!(result["failed"][0]["code"], "access.denied");

    // Announcements in both chats, each with its receipts.
    let listed = f.ok_get(&teacher, "/school/announcements").await;
    let texts = listed["announcements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["message"]["body"]["text"] == "Завтра все уроки сокращены до 30 минут")
        .count();
    assert_eq!(texts, 2);

    // Retried with the same key: nothing is sent twice.
    let retry = |token: String| {
        let f = &f;
        let path = path.clone();
        let body = body.clone();
        async move {
            f.http
                .post(format!("{}{path}", f.server.url()))
                .header("Authorization", token)
                .header("Idempotency-Key", "broadcast-1")
                .json(&body)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let first = retry(admin.clone()).await;
    let again = retry(admin.clone()).await;
    assert_eq!(
        first["messages"], again["messages"],
        "the same messages, not new ones"
    );
    let parent = f.token(PARENT_5A).await;
    let (status, _) = f.send_as(Method::POST, &parent, &path, body).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "parents do not broadcast");
}
