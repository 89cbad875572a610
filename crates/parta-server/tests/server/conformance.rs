//! Every MAX-surface answer of the server validates against the official schema 0.0.33
//! (../shared/max-bot-api/schema.yaml), success and error bodies alike, and so does every
//! request body the tests send. `GET /chats`, which the schema lacks, is checked as `ChatList`.

use parta_conformance::MaxSchema;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::Fixture;

struct Checked<'a> {
    f: &'a Fixture,
    schema: MaxSchema,
    checked: usize,
}

impl Checked<'_> {
    /// Sends a MAX call and validates the request body and the answer against the schema.
    async fn call(
        &mut self,
        method: Method,
        token: &str,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        if let Some(body) = &body
            && let Err(v) = self.schema.validate_request(method.as_str(), path, body)
        {
            panic!("request {method} {path} breaks the schema:\n{v}");
        }
        let (status, answer) = self.f.call(method.clone(), Some(token), path, body).await;
        let verdict = if path.split('?').next() == Some("/chats") {
            self.schema.validate("ChatList", &answer)
        } else {
            self.schema
                .validate_response(method.as_str(), path, status.as_u16(), &answer)
        };
        if let Err(v) = verdict {
            panic!("answer to {method} {path} ({status}) breaks the schema:\n{v}\n{answer}");
        }
        self.checked += 1;
        (status, answer)
    }

    async fn ok(&mut self, method: Method, token: &str, path: &str, body: Option<Value>) -> Value {
        let (status, answer) = self.call(method.clone(), token, path, body).await;
        assert!(status.is_success(), "{method} {path}: {status} {answer}");
        answer
    }
}

#[tokio::test]
async fn every_max_surface_answer_validates_against_the_official_schema() {
    let f = Fixture::new().await;
    let schema = MaxSchema::official().unwrap();
    assert_eq!(schema.version(), "0.0.33");
    let mut c = Checked {
        f: &f,
        schema,
        checked: 0,
    };
    let teacher = f.token("a.sokolova").await;
    let parent = f.token("e.morozova").await;
    let outsider = f.token("n.orlova").await;
    let outsider_id = c.ok(Method::GET, &outsider, "/me", None).await["user_id"]
        .as_i64()
        .unwrap();
    let parent_id = c.ok(Method::GET, &parent, "/me", None).await["user_id"]
        .as_i64()
        .unwrap();
    let marker = c.ok(Method::GET, &parent, "/updates?timeout=0", None).await["marker"]
        .as_i64()
        .unwrap();

    let chats = c.ok(Method::GET, &teacher, "/chats", None).await;
    let chat = chats["chats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == "5А — родители")
        .unwrap()["chat_id"]
        .as_i64()
        .unwrap();
    c.ok(Method::GET, &teacher, &format!("/chats/{chat}"), None)
        .await;
    c.ok(
        Method::PATCH,
        &teacher,
        &format!("/chats/{chat}"),
        Some(json!({"title": "5А — родители и классный руководитель", "description": ""})),
    )
    .await;
    let (status, _) = c
        .call(
            Method::PATCH,
            &parent,
            &format!("/chats/{chat}"),
            Some(json!({"title": "Мой чат"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only admins edit the chat");
    c.ok(
        Method::GET,
        &teacher,
        &format!("/chats/{chat}/members?count=2"),
        None,
    )
    .await;
    c.ok(
        Method::GET,
        &teacher,
        &format!("/chats/{chat}/members/me"),
        None,
    )
    .await;
    c.ok(
        Method::GET,
        &teacher,
        &format!("/chats/{chat}/members/admins"),
        None,
    )
    .await;
    c.ok(
        Method::POST,
        &teacher,
        &format!("/chats/{chat}/members"),
        Some(json!({"user_ids": [outsider_id]})),
    )
    .await;
    c.ok(
        Method::DELETE,
        &teacher,
        &format!("/chats/{chat}/members?user_id={outsider_id}"),
        None,
    )
    .await;
    c.ok(
        Method::POST,
        &teacher,
        &format!("/chats/{chat}/members/admins"),
        Some(json!({"admins": [{"user_id": parent_id, "permissions": ["pin_message"]}]})),
    )
    .await;
    c.ok(
        Method::DELETE,
        &teacher,
        &format!("/chats/{chat}/members/admins/{parent_id}"),
        None,
    )
    .await;

    let sent = c
        .ok(
            Method::POST,
            &teacher,
            &format!("/messages?chat_id={chat}"),
            Some(json!({
                "text": "Напоминаю про **сменную обувь**, см. [правила](https://school.example/r)",
                "format": "markdown",
                "notify": true
            })),
        )
        .await;
    let mid = sent["message"]["body"]["mid"].as_str().unwrap().to_owned();
    // Markdown is stored as MAX sends it: plain text plus markup ranges (validated above).
    let body = &sent["message"]["body"];
    assert_eq!(body["text"], "Напоминаю про сменную обувь, см. правила");
    assert_eq!(body["markup"][0]["type"], "strong");
    assert_eq!(
        (
            body["markup"][0]["from"].as_i64(),
            body["markup"][0]["length"].as_i64()
        ),
        (Some(14), Some(13))
    );
    assert_eq!(body["markup"][1]["type"], "link");
    assert_eq!(body["markup"][1]["url"], "https://school.example/r");
    c.ok(
        Method::POST,
        &parent,
        &format!("/messages?chat_id={chat}"),
        Some(json!({"text": "Спасибо!", "link": {"type": "reply", "mid": mid}})),
    )
    .await;
    c.ok(
        Method::GET,
        &teacher,
        &format!("/messages?chat_id={chat}&count=5"),
        None,
    )
    .await;
    c.ok(
        Method::GET,
        &teacher,
        &format!("/messages?message_ids={mid}"),
        None,
    )
    .await;
    c.ok(Method::GET, &teacher, &format!("/messages/{mid}"), None)
        .await;
    c.ok(
        Method::PUT,
        &teacher,
        &format!("/chats/{chat}/pin"),
        Some(json!({"message_id": mid})),
    )
    .await;
    c.ok(Method::GET, &parent, &format!("/chats/{chat}/pin"), None)
        .await;
    c.ok(
        Method::DELETE,
        &teacher,
        &format!("/chats/{chat}/pin"),
        None,
    )
    .await;
    c.ok(
        Method::POST,
        &parent,
        &format!("/chats/{chat}/actions"),
        Some(json!({"action": "mark_seen"})),
    )
    .await;
    c.ok(
        Method::PUT,
        &teacher,
        &format!("/messages?message_id={mid}"),
        Some(json!({"text": "Напоминаю про сменную обувь и форму"})),
    )
    .await;
    c.ok(
        Method::DELETE,
        &teacher,
        &format!("/messages?message_id={mid}"),
        None,
    )
    .await;

    // The updates cover created, edited, removed, user_added and user_removed.
    let updates = c
        .ok(
            Method::GET,
            &parent,
            &format!("/updates?marker={marker}&timeout=0"),
            None,
        )
        .await;
    let kinds: Vec<&str> = updates["updates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["update_type"].as_str().unwrap())
        .collect();
    for kind in [
        "user_added",
        "user_removed",
        "message_created",
        "message_edited",
        "message_removed",
        "chat_title_changed",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }

    // Error answers are MAX's Error shape too.
    let (status, _) = c.call(Method::GET, "parta_wrong", "/me", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = c
        .call(
            Method::GET,
            &outsider,
            &format!("/messages?chat_id={chat}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = c.call(Method::GET, &teacher, "/chats/999999", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = c
        .call(
            Method::GET,
            &teacher,
            &format!("/messages?chat_id={chat}&count=0"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(c.checked, 30, "every call above was checked");
}
