//! The `/school/*` extensions over HTTP: accounts and devices, classes, the structure
//! bootstrap, invites and join requests, the audit log, and the permission matrix.

use std::collections::BTreeMap;

use parta_model::max::{ChatList, UpdateList};
use parta_server::Clock;
use parta_server::demo::DEMO_PASSWORD;
use parta_server::roles::{Action, Grant, Role, grant};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Arg, Fixture, TestClock};

const ADMIN: &str = "i.kuznetsova";
const TEACHER_5A: &str = "a.sokolova";
const TEACHER_7B: &str = "m.volkov";
const PARENT_5A: &str = "e.morozova";
const PUPIL_5A: &str = crate::common::logins::PUPIL_5A;

async fn class_id(f: &Fixture, token: &str, name: &str) -> i64 {
    let classes = f.ok_get(token, "/school/classes").await;
    classes["classes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no class {name} in {classes}"))["id"]
        .as_i64()
        .unwrap()
}

fn redemption(code: &str, login: &str) -> Value {
    json!({
        "code": code,
        "first_name": "Павел",
        "last_name": "Лебедев",
        "child_name": "Лебедева Маша",
        "login": login,
        "password": "весна-2026-школа",
        "device_name": "Ноутбук дома",
        "consent_personal_data": true,
    })
}

async fn parent_invite(f: &Fixture, token: &str, class: i64, extra: Value) -> Value {
    let mut body = json!({"role": "parent", "class_id": class});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    f.ok_send(Method::POST, token, "/school/invites", body)
        .await
}

async fn user_count(f: &Fixture) -> i64 {
    f.sql().int("SELECT COUNT(*) FROM users", &[]).await
}

async fn chat_titles(f: &Fixture, token: &str) -> Vec<String> {
    let list: ChatList = f.get_json(token, "/chats").await;
    list.chats.into_iter().filter_map(|c| c.title).collect()
}

async fn audit_actions(f: &Fixture, token: &str) -> Vec<String> {
    let page = f.ok_get(token, "/school/audit?count=200").await;
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn clause_8_2_each_device_signs_in_with_its_own_token_and_can_be_signed_out_alone() {
    let f = Fixture::new().await;
    let login = |device: &str| json!({"login": PARENT_5A, "password": DEMO_PASSWORD, "device_name": device});
    let (status, laptop) = f
        .call(Method::POST, None, "/school/login", Some(login("Ноутбук")))
        .await;
    assert_eq!(status, StatusCode::OK, "{laptop}");
    let (_, phone) = f
        .call(Method::POST, None, "/school/login", Some(login("Телефон")))
        .await;
    let laptop = laptop["access_token"].as_str().unwrap().to_owned();
    let phone = phone["access_token"].as_str().unwrap().to_owned();
    assert_ne!(laptop, phone, "every device gets a token of its own");

    let devices = f.ok_get(&laptop, "/school/devices").await;
    let devices = devices["devices"].as_array().unwrap().clone();
    assert_eq!(devices.len(), 2);
    let current: Vec<_> = devices.iter().filter(|d| d["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["name"], "Ноутбук");

    // The phone signs the laptop out: the laptop's token stops working, the phone's does not.
    let laptop_id = current[0]["id"].as_i64().unwrap();
    f.ok_delete(&phone, &format!("/school/devices/{laptop_id}"))
        .await;
    let (status, error) = f.get_as(&laptop, "/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error["code"], "verify.token");
    f.ok_get(&phone, "/me").await;

    // Signing out ends the phone's token too.
    f.ok_post(&phone, "/school/logout").await;
    let (status, _) = f.get_as(&phone, "/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_login_get_the_same_answer() {
    let f = Fixture::new().await;
    let (status, wrong) = f.login(PARENT_5A, "not-it-at-all").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, unknown) = f.login("nobody.here", DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong, unknown,
        "the answer must not tell which logins exist"
    );
    assert_eq!(wrong["code"], "verify.credentials");
}

#[tokio::test]
async fn a_changed_password_replaces_the_old_one() {
    let f = Fixture::new().await;
    let token = f.token(PARENT_5A).await;
    let (status, error) = f
        .send_as(
            Method::PUT,
            &token,
            "/school/me/password",
            json!({"old_password": "wrong-password", "new_password": "новый-пароль-1"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{error}");
    let (status, error) = f
        .send_as(
            Method::PUT,
            &token,
            "/school/me/password",
            json!({"old_password": DEMO_PASSWORD, "new_password": "short"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error["message"].as_str().unwrap().contains("too short"));
    f.ok_send(
        Method::PUT,
        &token,
        "/school/me/password",
        json!({"old_password": DEMO_PASSWORD, "new_password": "новый-пароль-1"}),
    )
    .await;
    let (old, _) = f.login(PARENT_5A, DEMO_PASSWORD).await;
    let (new, _) = f.login(PARENT_5A, "новый-пароль-1").await;
    assert_eq!((old, new), (StatusCode::UNAUTHORIZED, StatusCode::OK));
}

#[tokio::test]
async fn a_person_lists_their_devices_with_last_use_and_a_new_password_can_sign_out_the_rest() {
    let clock = TestClock::new();
    let f = Fixture::with_clock(clock.clone()).await;
    let laptop = f.token(PARENT_5A).await;
    let phone = f.token(PARENT_5A).await;
    // The phone is used, then an hour passes and only the laptop is.
    f.ok_get(&phone, "/me").await;
    clock.advance_hours(1);
    f.ok_get(&laptop, "/me").await;
    let listed = f.ok_get(&laptop, "/school/devices").await;
    let devices = listed["devices"].as_array().unwrap();
    assert_eq!(devices.len(), 2, "{listed}");
    let used = |i: usize| devices[i]["last_used_at"].as_i64().unwrap();
    let (laptop_entry, phone_entry) = if devices[0]["current"] == true {
        (0, 1)
    } else {
        (1, 0)
    };
    assert_eq!(
        used(laptop_entry) - used(phone_entry),
        3_600_000,
        "each device's own last use, saved before the list is made: {listed}"
    );

    // A new password that also signs out every other device: the phone is out, the laptop in.
    f.ok_send(
        Method::PUT,
        &laptop,
        "/school/me/password",
        json!({"old_password": DEMO_PASSWORD, "new_password": "новый-пароль-2",
               "sign_out_others": true}),
    )
    .await;
    let (status, _) = f.get_as(&phone, "/me").await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the other device is signed out at once"
    );
    let (status, _) = f.get_as(&laptop, "/me").await;
    assert_eq!(status, StatusCode::OK, "this one stays");
    let listed = f.ok_get(&laptop, "/school/devices").await;
    assert_eq!(
        listed["devices"].as_array().map(Vec::len),
        Some(1),
        "{listed}"
    );
}

#[tokio::test]
async fn an_administrator_signs_out_every_device_of_a_person_and_a_teacher_may_not() {
    let f = Fixture::new().await;
    let admin = f.token(ADMIN).await;
    let teacher = f.token(TEACHER_5A).await;
    let parent = f.token(PARENT_5A).await;
    let me = f.ok_get(&parent, "/me").await;
    let parent_id = me["user_id"].as_i64().unwrap();
    let path = format!("/school/users/{parent_id}/devices");

    let (status, _) = f.delete_as(&teacher, &path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    f.ok_get(&parent, "/me").await;

    let revoked = f.ok_delete(&admin, &path).await;
    assert_eq!(revoked["revoked"], 1);
    let (status, _) = f.get_as(&parent, "/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        audit_actions(&f, &admin)
            .await
            .contains(&"user.devices_revoked".to_owned())
    );
}

#[tokio::test]
async fn clause_4_1_a_parent_joins_by_invite_waits_for_the_class_teacher_and_then_signs_in() {
    let f = Fixture::new().await;
    let admin = f.token(ADMIN).await;
    let teacher_5a = f.token(TEACHER_5A).await;
    let teacher_7b = f.token(TEACHER_7B).await;
    let class_5a = class_id(&f, &admin, "5А").await;

    // The class teacher of 5А invites a parent of her own class.
    let created = parent_invite(&f, &teacher_5a, class_5a, json!({})).await;
    let code = created["code"].as_str().unwrap();
    assert_eq!(
        created["link"],
        format!(
            "parta://join/{code}?server={}",
            f.server.url().replace(':', "%3A").replace('/', "%2F")
        ),
        "the link names the server it was made on"
    );
    assert_eq!(created["invite"]["status"], "unused");

    // Redeeming it files a request: no account yet.
    let users_before = user_count(&f).await;
    let pending = f
        .ok_send(
            Method::POST,
            "",
            "/school/invites/redeem",
            redemption(code, "p.lebedev"),
        )
        .await;
    assert_eq!(pending["status"], "pending");
    assert!(pending.get("access_token").is_none());
    assert_eq!(user_count(&f).await, users_before);
    let request_token = pending["request_token"].as_str().unwrap().to_owned();
    let request_id = pending["request_id"].as_i64().unwrap();
    let status = json!({"request_token": request_token});
    let asked = f
        .ok_send(
            Method::POST,
            "",
            "/school/join-requests/status",
            status.clone(),
        )
        .await;
    assert_eq!(asked["status"], "pending");

    // The class teacher of 7Б neither sees nor decides it; the class teacher of 5А does.
    let seen_by_7b = f.ok_get(&teacher_7b, "/school/join-requests").await;
    assert_eq!(seen_by_7b["requests"].as_array().unwrap().len(), 0);
    let approve = format!("/school/join-requests/{request_id}/approve");
    let (denied, _) = f
        .call(Method::POST, Some(&teacher_7b), &approve, None)
        .await;
    assert_eq!(denied, StatusCode::FORBIDDEN);
    let seen_by_5a = f.ok_get(&teacher_5a, "/school/join-requests").await;
    let listed = &seen_by_5a["requests"][0];
    assert_eq!(listed["name"], "Павел Лебедев");
    assert_eq!(listed["child_name"], "Лебедева Маша");
    assert_eq!(listed["class_name"], "5А");
    let approved = f.ok_post(&teacher_5a, &approve).await;
    assert_eq!(approved["status"], "approved");

    // The requester's next question brings its device token, once.
    let first = f
        .ok_send(
            Method::POST,
            "",
            "/school/join-requests/status",
            status.clone(),
        )
        .await;
    assert_eq!(first["status"], "approved");
    let token = first["access_token"].as_str().unwrap().to_owned();
    let again = f
        .ok_send(Method::POST, "", "/school/join-requests/status", status)
        .await;
    assert!(
        again.get("access_token").is_none(),
        "a token is handed out once; a leaked request token must not mint more"
    );

    // The new parent is in the 5А parents' chat and nowhere else, and can sign in by password.
    assert_eq!(chat_titles(&f, &token).await, vec!["5А — родители"]);
    let me = f.ok_get(&token, "/me").await;
    assert_eq!(me["first_name"], "Павел");
    let (status, _) = f
        .call(
            Method::POST,
            None,
            "/school/login",
            Some(json!({"login": "p.lebedev", "password": "весна-2026-школа", "device_name": "Телефон"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // The single-use invite now reads as used, and the audit log has the whole story.
    let invites = f.ok_get(&admin, "/school/invites").await;
    assert_eq!(invites["invites"][0]["status"], "used");
    let actions = audit_actions(&f, &admin).await;
    for action in [
        "invite.created",
        "join_request.created",
        "join_request.approved",
    ] {
        assert!(
            actions.contains(&action.to_owned()),
            "{action} in {actions:?}"
        );
    }
}

#[tokio::test]
async fn the_members_of_a_class_chat_see_the_newcomer_arrive_through_long_polling() {
    let f = Fixture::new().await;
    let teacher = f.token(TEACHER_5A).await;
    let class_5a = class_id(&f, &teacher, "5А").await;
    let created = parent_invite(&f, &teacher, class_5a, json!({})).await;
    let admin = f.token(ADMIN).await;
    f.ok_send(
        Method::PUT,
        &admin,
        "/school/settings",
        json!({"join_requires_approval": false}),
    )
    .await;
    let first: UpdateList = f.get_json(&teacher, "/updates?timeout=0").await;
    let marker = first.marker.unwrap();
    let joined = f
        .ok_send(
            Method::POST,
            "",
            "/school/invites/redeem",
            redemption(created["code"].as_str().unwrap(), "p.lebedev"),
        )
        .await;
    assert_eq!(joined["status"], "approved", "the school does not review");
    assert!(joined["access_token"].as_str().is_some());
    let updates: UpdateList = f
        .get_json(&teacher, &format!("/updates?timeout=5&marker={marker}"))
        .await;
    let added = serde_json::to_value(&updates.updates).unwrap();
    assert_eq!(added[0]["update_type"], "user_added", "{added}");
    assert_eq!(added[0]["user"]["first_name"], "Павел");
}

#[tokio::test]
async fn expired_revoked_and_used_up_invites_are_refused_and_store_nothing() {
    let clock = TestClock::new();
    let f = Fixture::with_clock(clock.clone()).await;
    let admin = f.token(ADMIN).await;
    let class_5a = class_id(&f, &admin, "5А").await;
    let expiring = parent_invite(&f, &admin, class_5a, json!({"expires_in_hours": 24})).await;
    let revoked = parent_invite(&f, &admin, class_5a, json!({})).await;
    let single = parent_invite(&f, &admin, class_5a, json!({"max_uses": 1})).await;

    let revoked_id = revoked["invite"]["id"].as_i64().unwrap();
    let after_revoke = f
        .ok_delete(&admin, &format!("/school/invites/{revoked_id}"))
        .await;
    assert_eq!(after_revoke["status"], "revoked");
    f.ok_send(
        Method::POST,
        "",
        "/school/invites/redeem",
        redemption(single["code"].as_str().unwrap(), "first.user"),
    )
    .await;
    clock.advance_hours(25);

    let users = user_count(&f).await;
    let requests = f.sql().int("SELECT COUNT(*) FROM join_requests", &[]).await;
    for (invite, words) in [
        (&expiring, "expired"),
        (&revoked, "revoked"),
        (&single, "already been used"),
    ] {
        let (status, error) = f
            .call(
                Method::POST,
                None,
                "/school/invites/redeem",
                Some(redemption(invite["code"].as_str().unwrap(), "second.user")),
            )
            .await;
        assert_eq!(status, StatusCode::GONE, "{error}");
        assert_eq!(error["code"], "invite.invalid");
        assert!(
            error["message"].as_str().unwrap().contains(words),
            "{error}"
        );
    }
    let (status, error) = f
        .call(
            Method::POST,
            None,
            "/school/invites/redeem",
            Some(redemption(
                "0123456789abcdef0123456789abcdef",
                "second.user",
            )),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{error}");
    assert_eq!(
        user_count(&f).await,
        users,
        "no account from a refused invite"
    );
    let requests_after = f.sql().int("SELECT COUNT(*) FROM join_requests", &[]).await;
    assert_eq!(requests_after, requests, "no join request either");

    // The list says which is which: expiry happened by itself, with no one acting.
    let listed = f.ok_get(&admin, "/school/invites").await;
    let statuses: BTreeMap<i64, String> = listed["invites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_i64().unwrap(),
                i["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        statuses[&expiring["invite"]["id"].as_i64().unwrap()],
        "expired"
    );
    assert_eq!(statuses[&revoked_id], "revoked");
    assert_eq!(statuses[&single["invite"]["id"].as_i64().unwrap()], "used");
}

#[tokio::test]
async fn a_rejected_requester_reads_the_reason() {
    let f = Fixture::new().await;
    let admin = f.token(ADMIN).await;
    let class_7b = class_id(&f, &admin, "7Б").await;
    let invite = parent_invite(&f, &admin, class_7b, json!({})).await;
    let pending = f
        .ok_send(
            Method::POST,
            "",
            "/school/invites/redeem",
            redemption(invite["code"].as_str().unwrap(), "p.lebedev"),
        )
        .await;
    let id = pending["request_id"].as_i64().unwrap();
    let reject = format!("/school/join-requests/{id}/reject");
    let (status, _) = f
        .send_as(Method::POST, &admin, &reject, json!({"reason": "  "}))
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a rejection needs a reason"
    );
    let reason = "В 7Б нет ученицы с таким именем, уточните класс";
    f.ok_send(Method::POST, &admin, &reject, json!({"reason": reason}))
        .await;
    let outcome = f
        .ok_send(
            Method::POST,
            "",
            "/school/join-requests/status",
            json!({"request_token": pending["request_token"]}),
        )
        .await;
    assert_eq!(outcome["status"], "rejected");
    assert_eq!(outcome["reason"], reason);
    assert!(outcome.get("access_token").is_none());
    let (status, _) = f
        .call(
            Method::POST,
            Some(&admin),
            &format!("/school/join-requests/{id}/approve"),
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a decided request stays decided"
    );
}

#[tokio::test]
async fn redeeming_checks_consent_password_login_and_child_before_storing_anything() {
    let f = Fixture::new().await;
    let admin = f.token(ADMIN).await;
    let class_5a = class_id(&f, &admin, "5А").await;
    let invite = parent_invite(&f, &admin, class_5a, json!({"max_uses": 10})).await;
    let code = invite["code"].as_str().unwrap();
    let users = user_count(&f).await;
    let cases: [(&str, Value, StatusCode, &str); 5] = [
        (
            "consent_personal_data",
            json!(false),
            StatusCode::BAD_REQUEST,
            "consent",
        ),
        (
            "password",
            json!("корот"),
            StatusCode::BAD_REQUEST,
            "too short",
        ),
        (
            "login",
            json!("Иван Петров"),
            StatusCode::BAD_REQUEST,
            "Latin",
        ),
        ("login", json!(PARENT_5A), StatusCode::CONFLICT, "taken"),
        ("child_name", Value::Null, StatusCode::BAD_REQUEST, "child"),
    ];
    for (field, value, expected, words) in cases {
        let mut body = redemption(code, "new.parent");
        body[field] = value;
        let (status, error) = f
            .call(Method::POST, None, "/school/invites/redeem", Some(body))
            .await;
        assert_eq!(status, expected, "{field}: {error}");
        assert!(
            error["message"].as_str().unwrap().contains(words),
            "{error}"
        );
    }
    let (status, error) = f
        .call(
            Method::POST,
            None,
            "/school/invites/redeem",
            Some(json!({"code": 5})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert_eq!(error["code"], "proto.payload");
    assert_eq!(user_count(&f).await, users);
    let listed = f.ok_get(&admin, "/school/invites").await;
    assert_eq!(
        listed["invites"][0]["uses"], 0,
        "a refused redemption uses nothing up"
    );
}

#[tokio::test]
async fn clause_4_1_the_structure_bootstrap_builds_the_school_chats_once() {
    let f = Fixture::new().await;
    let admin = f.token(ADMIN).await;
    let teacher = f.person("p.belova", "Полина Андреевна", "teacher").await;
    let me = f.ok_get(&teacher, "/me").await;
    let teacher_id = me["user_id"].as_i64().unwrap();

    let class = f
        .ok_send(
            Method::POST,
            &admin,
            "/school/classes",
            json!({"name": "8 в"}),
        )
        .await;
    assert_eq!(class["name"], "8В", "names are normalized");
    let (status, _) = f
        .send_as(
            Method::POST,
            &admin,
            "/school/classes",
            json!({"name": "8В"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let class_id = class["id"].as_i64().unwrap();
    let assigned = f
        .ok_send(
            Method::POST,
            &admin,
            &format!("/school/classes/{class_id}/teachers"),
            json!({"user_id": teacher_id, "class_teacher": true}),
        )
        .await;
    assert_eq!(assigned["class_teacher"]["name"], "Полина Андреевна");

    let first = f.ok_post(&admin, "/school/structure").await;
    let created: Vec<&str> = first["chats"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["created"] == true)
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        created,
        vec![
            "Директор и педагоги",
            "Директор и родительский актив",
            "7Б — ученики",
            "8В — родители",
            "8В — ученики"
        ],
        "the teachers' chat and the demo's class chats (and 5А's pupils' chat) exist already"
    );
    let second = f.ok_post(&admin, "/school/structure").await;
    assert!(
        second["chats"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["created"] == false),
        "running it again creates nothing: {second}"
    );
    assert_eq!(second["members_added"], 0);

    let titles = chat_titles(&f, &teacher).await;
    for title in [
        "Учителя",
        "Директор и педагоги",
        "8В — родители",
        "8В — ученики",
    ] {
        assert!(titles.contains(&title.to_owned()), "{title} in {titles:?}");
    }
    let parent_titles = chat_titles(&f, &f.token(PARENT_5A).await).await;
    assert_eq!(
        parent_titles,
        vec!["5А — родители"],
        "parents are in no staff chat"
    );
}

#[tokio::test]
async fn a_parent_sees_only_names_in_class_lists_and_only_their_childrens_classes() {
    let f = Fixture::new().await;
    let parent = f.token(PARENT_5A).await;
    let classes = f.ok_get(&parent, "/school/classes").await;
    let classes = classes["classes"].as_array().unwrap();
    assert_eq!(classes.len(), 1);
    assert_eq!(classes[0]["name"], "5А");
    let text = classes[0].to_string();
    assert!(!text.contains("phone") && !text.contains("email"), "{text}");
    let teacher = f.token(TEACHER_7B).await;
    let all = f.ok_get(&teacher, "/school/classes").await;
    assert_eq!(all["classes"].as_array().unwrap().len(), 2);
}

/// One call per action: what a role gets when it tries. `class_5a` is the class of the
/// `own class` cell's class teacher.
/// The class teacher of 5А, or for her the platform administrator: staff anyone may reach.
async fn staff_but_me(f: &Fixture, token: &str) -> i64 {
    let me = f.ok_get(token, "/me").await["user_id"].as_i64().unwrap();
    let id_of = |login: &'static str| async move {
        f.sql()
            .int(
                "SELECT id FROM users WHERE username = ?",
                &[Arg::Text(login)],
            )
            .await
    };
    let class_teacher = id_of(TEACHER_5A).await;
    if me == class_teacher {
        id_of(ADMIN).await
    } else {
        class_teacher
    }
}

async fn attempt(
    f: &Fixture,
    token: &str,
    action: Action,
    (class_5a, chat_5a): (i64, i64),
    user: i64,
    n: usize,
) -> StatusCode {
    let (method, path, body) = match action {
        Action::ManageLessons => (
            Method::POST,
            "/school/lessons".to_owned(),
            json!({"class_id": class_5a, "subject": "Математика",
                   "starts_at": parta_server::SystemClock.now_ms() + 86_400_000,
                   "duration_min": 45}),
        ),
        Action::ManageClasses => (
            Method::POST,
            "/school/classes".to_owned(),
            json!({"name": format!("{n}Я")}),
        ),
        Action::BootstrapStructure => (Method::POST, "/school/structure".to_owned(), Value::Null),
        Action::InviteStaff => (
            Method::POST,
            "/school/invites".to_owned(),
            json!({"role": "teacher"}),
        ),
        Action::InviteParents => (
            Method::POST,
            "/school/invites".to_owned(),
            json!({"role": "parent", "class_id": class_5a}),
        ),
        Action::InvitePupils => {
            let parent = f
                .sql()
                .int(
                    "SELECT id FROM users WHERE username = ?",
                    &[Arg::Text(PARENT_5A)],
                )
                .await;
            (
                Method::POST,
                "/school/invites".to_owned(),
                json!({"role": "pupil", "class_id": class_5a, "parent_id": parent}),
            )
        }
        Action::ManageInvites => (Method::GET, "/school/invites".to_owned(), Value::Null),
        Action::ReviewJoinRequests => {
            (Method::GET, "/school/join-requests".to_owned(), Value::Null)
        }
        Action::RevokeOthersDevices => (
            Method::DELETE,
            format!("/school/users/{user}/devices"),
            Value::Null,
        ),
        Action::ReadAuditLog => (Method::GET, "/school/audit".to_owned(), Value::Null),
        Action::LinkMaxChats => (Method::GET, "/school/max/links".to_owned(), Value::Null),
        Action::ResetPasswords => (
            Method::POST,
            format!("/school/users/{user}/password-reset"),
            Value::Null,
        ),
        // Everyone may write privately to the class teacher of 5А (she to the administrator).
        Action::StartDialogs => (
            Method::POST,
            "/school/dialogs".to_owned(),
            json!({ "user_id": staff_but_me(f, token).await }),
        ),
        Action::OverseeChats => (Method::GET, "/school/chats".to_owned(), Value::Null),
        Action::CreateChats => (
            Method::POST,
            "/school/chats".to_owned(),
            json!({"title": format!("Чат {n}"), "user_ids": [staff_but_me(f, token).await]}),
        ),
        // "own class" lists the chats the person administers (none, for the new teacher).
        Action::HandleReports => (Method::GET, "/school/reports".to_owned(), Value::Null),
        Action::ViewClasses => (Method::GET, "/school/classes".to_owned(), Value::Null),
        Action::ManageSettings => (
            Method::PUT,
            "/school/settings".to_owned(),
            json!({"join_requires_approval": true}),
        ),
        Action::RestrictUsers => (
            Method::POST,
            format!("/school/users/{user}/restriction"),
            json!({"mode": "read_only", "reason": "Проверка", "days": 1}),
        ),
        Action::PostAnnouncements => (
            Method::POST,
            format!("/school/announcements?chat_id={chat_5a}"),
            json!({"text": "Завтра сокращённые уроки"}),
        ),
        Action::ManageMembers => {
            // Moving the victim's (nonexistent) child answers 404 when allowed, 403 when not.
            let (status, _) = f
                .send_as(
                    Method::POST,
                    token,
                    &format!("/school/users/{user}/move"),
                    json!({"from_class_id": class_5a, "to_class_id": class_5a}),
                )
                .await;
            let moved = if status == StatusCode::NOT_FOUND {
                StatusCode::OK
            } else {
                status
            };
            // The people list belongs to the same cell.
            let (listed, _) = f.get_as(token, "/school/people").await;
            assert_eq!(listed, moved, "GET /school/people follows manage_members");
            return moved;
        }
        Action::AppointAdmins => {
            // Changing a parent's role answers 400 when allowed (parents join staff by invite).
            let (status, _) = f
                .send_as(
                    Method::PUT,
                    token,
                    &format!("/school/users/{user}/role"),
                    json!({"role": "administration"}),
                )
                .await;
            return if status == StatusCode::BAD_REQUEST {
                StatusCode::OK
            } else {
                status
            };
        }
        // Contact details are not refused with a 403: the profile is served without them.
        Action::SeeContactDetails => {
            let (status, profile) = f.get_as(token, &format!("/school/people/{user}")).await;
            assert!(status.is_success(), "{profile}");
            return if profile.get("phone").is_some() {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
        }
    };
    let body = (!body.is_null()).then_some(body);
    f.call(method, Some(token), &path, body).await.0
}

#[tokio::test]
async fn every_role_is_allowed_and_denied_exactly_as_the_matrix_says() {
    let f = Fixture::new().await;
    let tokens = [
        (Role::PlatformAdmin, f.token(ADMIN).await),
        (
            Role::Administration,
            f.person("director", "Директор", "administration").await,
        ),
        (Role::ClassTeacher, f.token(TEACHER_5A).await),
        (
            Role::Teacher,
            f.person("teacher", "Учитель", "teacher").await,
        ),
        (Role::Parent, f.token(PARENT_5A).await),
        (Role::Pupil, f.token(PUPIL_5A).await),
    ];
    let admin = &tokens[0].1;
    let class_5a = class_id(&f, admin, "5А").await;
    // The teacher teaches in 5А, the class of the `own class` cells.
    let teacher_id = f.ok_get(&tokens[3].1, "/me").await["user_id"]
        .as_i64()
        .unwrap();
    f.ok_send(
        Method::POST,
        admin,
        &format!("/school/classes/{class_5a}/teachers"),
        json!({"user_id": teacher_id}),
    )
    .await;
    // A parent of 5А (so the other parent of 5А shares a chat with them) whose phone is known,
    // and whose devices may be revoked without breaking any other cell.
    let victim_token = f.person("victim", "Тестовый", "parent").await;
    let victim = f
        .sql()
        .int("SELECT id FROM users WHERE username = 'victim'", &[])
        .await;
    let chat_5a = f
        .sql()
        .int(
            "SELECT id FROM chats WHERE class_id = ? AND kind = 'class_parents'",
            &[Arg::Int(class_5a)],
        )
        .await;
    // Everyone is a member of the 5А chat, so that only the matrix decides who may announce.
    f.sql()
        .run(
            "INSERT INTO chat_members (chat_id, user_id, joined_at) SELECT ?, id, 0 FROM users
             WHERE TRUE ON CONFLICT DO NOTHING",
            &[Arg::Int(chat_5a)],
        )
        .await;
    f.ok_send(
        Method::PUT,
        &victim_token,
        "/school/me/contacts",
        json!({"phone": "+7 912 345-67-89"}),
    )
    .await;
    let mut cells = 0;
    for (role, token) in &tokens {
        for action in Action::ALL {
            let status = attempt(&f, token, action, (class_5a, chat_5a), victim, cells).await;
            let expected = grant(*role, action);
            if expected == Grant::Denied {
                assert_eq!(status, StatusCode::FORBIDDEN, "{role:?} {action:?}");
            } else {
                assert!(status.is_success(), "{role:?} {action:?}: {status}");
            }
            cells += 1;
        }
    }
    assert_eq!(cells, Role::ALL.len() * Action::ALL.len());

    // "own class" means exactly that: the class teacher of 5А may not invite to 7Б.
    let class_7b = class_id(&f, admin, "7Б").await;
    let (status, _) = f
        .send_as(
            Method::POST,
            &tokens[2].1,
            "/school/invites",
            json!({"role": "parent", "class_id": class_7b}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[test]
fn docs_permissions_md_says_exactly_what_the_code_enforces() {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/permissions.md"),
    )
    .unwrap();
    // The first table whose header row starts with "action" and has a column per role.
    let mut rows: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut header: Vec<String> = Vec::new();
    let mut in_table = false;
    for line in doc.lines() {
        let cells: Vec<String> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_owned())
            .collect();
        let width = Role::ALL.len() + 1;
        if header.is_empty() && cells.len() == width && cells[0] == "action" {
            header = cells[1..].to_vec();
            in_table = true;
        } else if in_table && cells.len() == width {
            if !cells[0].starts_with("---") {
                rows.insert(cells[0].clone(), cells[1..].to_vec());
            }
        } else {
            in_table = false;
        }
    }
    let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(header, roles, "the table's columns are the roles, in order");
    assert_eq!(
        rows.len(),
        Action::ALL.len(),
        "one row per action: {rows:?}"
    );
    for action in Action::ALL {
        let row = rows
            .get(action.as_str())
            .unwrap_or_else(|| panic!("{} has no row", action.as_str()));
        for (role, cell) in Role::ALL.iter().zip(row) {
            assert_eq!(
                cell,
                grant(*role, action).as_str(),
                "{} for {}",
                action.as_str(),
                role.as_str()
            );
        }
    }
}

#[tokio::test]
async fn clause_4_1_a_child_moves_class_and_the_parent_follows_to_the_new_class_chat() {
    let f = Fixture::new().await;
    let admin = f.token(ADMIN).await;
    let parent = f.token(PARENT_5A).await;
    let parent_id = f.ok_get(&parent, "/me").await["user_id"].as_i64().unwrap();
    let class_5a = class_id(&f, &admin, "5А").await;
    let class_7b = class_id(&f, &admin, "7Б").await;
    let teacher_5a = f.token(TEACHER_5A).await;
    let chat_5a = f.chat_id(&teacher_5a, "5А — родители").await;
    let from = {
        let list: UpdateList = f.get_json(&teacher_5a, "/updates?timeout=0").await;
        list.marker.unwrap()
    };
    f.ok_send(
        Method::POST,
        &admin,
        &format!("/school/users/{parent_id}/move"),
        json!({"from_class_id": class_5a, "to_class_id": class_7b}),
    )
    .await;
    assert_eq!(chat_titles(&f, &parent).await, vec!["7Б — родители"]);
    let left: UpdateList = f
        .get_json(&teacher_5a, &format!("/updates?timeout=2&marker={from}"))
        .await;
    let left = serde_json::to_value(&left.updates).unwrap();
    assert_eq!(left[0]["update_type"], "user_removed", "{left}");
    assert_eq!(left[0]["chat_id"], chat_5a);
    let classes = f.ok_get(&parent, "/school/classes").await;
    assert_eq!(classes["classes"][0]["name"], "7Б");
}

#[tokio::test]
async fn clause_4_1_a_removed_person_is_signed_out_everywhere_and_cannot_sign_in() {
    let f = Fixture::new().await;
    let admin = f.token(ADMIN).await;
    let parent = f.token(PARENT_5A).await;
    let parent_id = f.ok_get(&parent, "/me").await["user_id"].as_i64().unwrap();
    let teacher = f.token(TEACHER_5A).await;
    let (status, _) = f
        .delete_as(&teacher, &format!("/school/users/{parent_id}"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    f.ok_delete(&admin, &format!("/school/users/{parent_id}"))
        .await;
    let (status, _) = f.get_as(&parent, "/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = f.login(PARENT_5A, DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let members = f
        .ok_get(
            &teacher,
            &format!(
                "/chats/{}/members",
                f.chat_id(&teacher, "5А — родители").await
            ),
        )
        .await;
    assert!(
        members["members"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["user_id"] != parent_id),
        "{members}"
    );
    // A structure bootstrap does not bring them back.
    f.ok_post(&admin, "/school/structure").await;
    let members = f
        .ok_get(
            &teacher,
            &format!(
                "/chats/{}/members",
                f.chat_id(&teacher, "5А — родители").await
            ),
        )
        .await;
    assert!(
        members["members"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["user_id"] != parent_id)
    );
}

#[tokio::test]
async fn clause_4_1_the_platform_admin_appoints_a_teacher_to_the_administration() {
    let f = Fixture::new().await;
    let admin = f.token(ADMIN).await;
    let teacher = f.token(TEACHER_7B).await;
    let teacher_id = f.ok_get(&teacher, "/me").await["user_id"].as_i64().unwrap();
    f.ok_post(&admin, "/school/structure").await;
    let (status, _) = f.get_as(&teacher, "/school/audit").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a teacher reads no audit log"
    );
    f.ok_send(
        Method::PUT,
        &admin,
        &format!("/school/users/{teacher_id}/role"),
        json!({"role": "administration"}),
    )
    .await;
    f.ok_get(&teacher, "/school/audit").await;
    assert!(
        chat_titles(&f, &teacher)
            .await
            .contains(&"Директор и родительский актив".to_owned()),
        "the administration joins the director's chats"
    );
    let (status, _) = f
        .send_as(
            Method::PUT,
            &admin,
            &format!(
                "/school/users/{}/role",
                f.ok(Method::GET, &admin, "/me", None).await["user_id"]
            ),
            json!({"role": "teacher"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "no one changes their own role"
    );
}

#[tokio::test]
async fn the_people_list_shows_roles_classes_children_and_restrictions_but_no_contacts() {
    let f = Fixture::new().await;
    let admin = f.token(ADMIN).await;
    let parent = f.token(PARENT_5A).await;
    // A phone number of the parent's own, which the list must not carry.
    f.ok_send(
        Method::PUT,
        &parent,
        "/school/me/contacts",
        json!({"phone": "+7 900 000-00-00"}),
    )
    .await;
    let people = f.ok_get(&admin, "/school/people").await;
    let people = people["people"].as_array().unwrap();
    let morozova = people
        .iter()
        .find(|p| p["name"] == "Елена Морозова")
        .unwrap();
    assert_eq!(morozova["role"], "parent");
    assert_eq!(morozova["classes"][0]["class_name"], "5А");
    assert_eq!(morozova["classes"][0]["child_name"], "Морозов Артём");
    let sokolova = people
        .iter()
        .find(|p| p["name"] == "Анна Сергеевна Соколова")
        .unwrap();
    assert_eq!(sokolova["role"], "class_teacher");
    assert!(
        sokolova["classes"][0].get("child_name").is_none(),
        "a teacher has no child there"
    );
    assert!(
        !Value::Array(people.clone()).to_string().contains("900"),
        "no contact details"
    );

    let user = morozova["user_id"].as_i64().unwrap();
    f.ok_send(
        Method::POST,
        &admin,
        &format!("/school/users/{user}/restriction"),
        json!({"mode": "read_only", "reason": "п. 9.2", "days": 3}),
    )
    .await;
    let people = f.ok_get(&admin, "/school/people").await;
    let restricted: Vec<&Value> = people["people"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p.get("restriction").is_some())
        .collect();
    assert_eq!(
        restricted.len(),
        1,
        "only the restricted person carries one"
    );
    assert_eq!(restricted[0]["restriction"]["mode"], "read_only");
}

#[tokio::test]
async fn links_and_upload_urls_carry_https_unless_the_server_is_this_computer() {
    let f = Fixture::new().await;
    let admin = f.token(ADMIN).await;
    let class = class_id(&f, &admin, "5А").await;
    let invite = |host: Option<&'static str>| {
        let mut request = f
            .post(&admin, "/school/invites")
            .json(&json!({"role": "parent", "class_id": class}));
        if let Some(host) = host {
            request = request.header("Host", host);
        }
        async move {
            let created: Value = request.send().await.unwrap().json().await.unwrap();
            created["link"].as_str().unwrap_or_default().to_owned()
        }
    };
    // Reached through a school's address (its TLS proxy in front): https.
    let public = invite(Some("school.example:8443")).await;
    assert!(
        public.ends_with("?server=https%3A%2F%2Fschool.example%3A8443"),
        "{public}"
    );
    // Reached on this computer (the demo, tests): plain http stays.
    let local = invite(None).await;
    assert!(local.contains("?server=http%3A%2F%2F127.0.0.1"), "{local}");

    let upload = |host: &'static str| {
        let request = f.post(&admin, "/uploads?type=file").header("Host", host);
        async move {
            let endpoint: Value = request.send().await.unwrap().json().await.unwrap();
            endpoint["url"].as_str().unwrap_or_default().to_owned()
        }
    };
    assert!(
        upload("school.example")
            .await
            .starts_with("https://school.example/upload/"),
        "a file never goes back over plain http to another computer"
    );
    assert!(
        upload("localhost:9")
            .await
            .starts_with("http://localhost:9/upload/")
    );
    // A reverse proxy on this computer that serves HTTPS says so; the header can only raise
    // http to https, never lower a school's address to http.
    let forwarded = |proto: &'static str, host: &'static str| {
        let request = f
            .post(&admin, "/uploads?type=file")
            .header("Host", host)
            .header("X-Forwarded-Proto", proto);
        async move {
            let endpoint: Value = request.send().await.unwrap().json().await.unwrap();
            endpoint["url"].as_str().unwrap_or_default().to_owned()
        }
    };
    let proxied = forwarded("https", "127.0.0.1:8443").await;
    assert!(
        proxied.starts_with("https://127.0.0.1:8443/upload/"),
        "{proxied}"
    );
    let lowered = forwarded("http", "school.example").await;
    assert!(lowered.starts_with("https://school.example/"), "{lowered}");
}

#[tokio::test]
async fn clause_8_2_a_forgotten_password_is_replaced_with_a_one_time_code_given_in_person() {
    let clock = TestClock::new();
    let f = Fixture::with_clock(clock.clone()).await;
    let admin = f.token(ADMIN).await;
    let phone = f.token(PARENT_5A).await;
    let parent_id = f.ok_get(&phone, "/me").await["user_id"].as_i64().unwrap();
    let issue = format!("/school/users/{parent_id}/password-reset");
    let issued = f.ok_post(&admin, &issue).await;
    let code = issued["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 14, "XXXX-XXXX-XXXX: {issued}");
    assert_eq!(issued["name"], "Елена Морозова");
    let audit = f.ok_get(&admin, "/school/audit?count=5").await;
    assert!(
        !audit.to_string().contains(&code),
        "the code is never written down"
    );

    let redeem = |code: &str, password: &str| json!({"code": code, "new_password": password, "device_name": "Ноутбук"});
    let post = |body: Value| f.call(Method::POST, None, "/school/password-reset", Some(body));
    // Typed back in lower case with spaces, it works once; a wrong code is one sentence.
    let (status, wrong) = post(redeem("AAAA-BBBB-CCCC", "новый-пароль-7")).await;
    assert_eq!(status, StatusCode::GONE, "{wrong}");
    assert!(
        wrong["message"]
            .as_str()
            .unwrap()
            .contains("Ask the school")
    );
    let typed = code.to_lowercase().replace('-', " ");
    let (status, signed_in) = post(redeem(&typed, "новый-пароль-7")).await;
    assert_eq!(status, StatusCode::OK, "{signed_in}");
    let laptop = signed_in["access_token"].as_str().unwrap().to_owned();
    let (status, _) = post(redeem(&code, "ещё-один-пароль")).await;
    assert_eq!(status, StatusCode::GONE, "used once");

    // The other devices are signed out; the new password is the one that works.
    assert_eq!(f.get_as(&phone, "/me").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(f.get_as(&laptop, "/me").await.0, StatusCode::OK);
    let (old, _) = f.login(PARENT_5A, DEMO_PASSWORD).await;
    let (new, _) = f.login(PARENT_5A, "новый-пароль-7").await;
    assert_eq!((old, new), (StatusCode::UNAUTHORIZED, StatusCode::OK));

    // A newer code replaces an unused one, and none outlives 72 hours.
    let first = f.ok_post(&admin, &issue).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = f.ok_post(&admin, &issue).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        post(redeem(&first, "пароль-номер-8")).await.0,
        StatusCode::GONE
    );
    clock.advance_hours(73);
    assert_eq!(
        post(redeem(&second, "пароль-номер-8")).await.0,
        StatusCode::GONE
    );
    // A class teacher may not issue one (the matrix test covers every role).
    let teacher = f.token(TEACHER_5A).await;
    assert_eq!(
        f.call(Method::POST, Some(&teacher), &issue, None).await.0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_journal_names_whom_and_what_narrows_by_person_kind_and_date_and_exports_csv() {
    let clock = TestClock::new();
    let f = Fixture::with_clock(clock.clone()).await;
    let admin = f.token(ADMIN).await;
    let parent = f.token(PARENT_5A).await;
    let parent_id = f.ok_get(&parent, "/me").await["user_id"].as_i64().unwrap();
    let class_5a = class_id(&f, &admin, "5А").await;
    let started = clock.now_ms();
    f.ok_send(
        Method::POST,
        &admin,
        &format!("/school/users/{parent_id}/restriction"),
        json!({"mode": "read_only", "reason": "Грубость в чате", "days": 1}),
    )
    .await;
    clock.advance_hours(48);
    let invite = f
        .ok_send(
            Method::POST,
            &admin,
            "/school/invites",
            json!({"role": "parent", "class_id": class_5a, "child_name": "Кузьмин Олег"}),
        )
        .await;
    assert!(
        invite["code"].is_string() || invite["link"].is_string(),
        "{invite}"
    );

    // Each entry says to whom or what, in words.
    let page = f.ok_get(&admin, "/school/audit?count=10").await;
    let entries = page["entries"].as_array().unwrap();
    let find = |action: &str| entries.iter().find(|e| e["action"] == action).unwrap();
    assert_eq!(find("user.restricted")["object"], "Елена Морозова");
    assert_eq!(find("invite.created")["object"], "Кузьмин Олег");

    // Narrowed by kind, by person and by date.
    let users = f.ok_get(&admin, "/school/audit?kind=user").await;
    assert!(
        users["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["action"].as_str().unwrap().starts_with("user.")),
        "{users}"
    );
    let by_parent = f
        .ok_get(&admin, &format!("/school/audit?actor={parent_id}"))
        .await;
    assert!(
        by_parent["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor_id"] == parent_id),
        "{by_parent}"
    );
    let first_day = f
        .ok_get(
            &admin,
            &format!("/school/audit?from={started}&to={}", started + 86_400_000),
        )
        .await;
    let actions: Vec<&str> = first_day["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"user.restricted"), "{actions:?}");
    assert!(
        !actions.contains(&"invite.created"),
        "two days later: {actions:?}"
    );

    // The same as CSV for the school's records, which a spreadsheet reads as UTF-8.
    let csv = f
        .get(&admin, "/school/audit.csv?kind=user")
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    assert!(
        text.starts_with("\u{feff}time_utc,who,action,object,target,details"),
        "{text}"
    );
    assert!(
        text.contains("user.restricted") && text.contains("Елена Морозова"),
        "{text}"
    );
    assert!(!text.contains("invite.created"), "narrowed as asked");
    let (status, _) = f.get_as(&parent, "/school/audit.csv").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
