//! A direct MAX bot profile (the school's platform administrator) against a local fake of MAX:
//! every request the client makes is checked against the official schema
//! (../shared/max-bot-api/schema.yaml), and every answer the fake gives is too, so the fake
//! cannot drift from MAX. The fake speaks TLS with a test root certificate, which the profile
//! trusts as its "extra root" (MAX's chain ends at a root not every OS has).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use parta_client::secrets::{Keychain, Sensitive};
use parta_client::{Client, Error, ProfileKind, SessionConfig};
use parta_conformance::MaxSchema;
use parta_model::view::{AppEvent, ConnectionState};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;

use crate::common::*;

const BOT_TOKEN: &str = "max-bot-token-for-tests-0123456789";
const CHAT: i64 = -70_000_000_042;

struct Fake {
    schema: MaxSchema,
    violations: Mutex<Vec<String>>,
    requests: Mutex<Vec<String>>,
    world: Mutex<World>,
    changed: tokio::sync::Notify,
}

#[derive(Default)]
struct World {
    messages: Vec<Value>,
    updates: Vec<Value>,
    seq: i64,
}

fn user(id: i64, first: &str, last: &str, bot: bool) -> Value {
    json!({"user_id": id, "first_name": first, "last_name": last, "username": null,
           "is_bot": bot, "last_activity_time": 1_795_000_000_000i64})
}

impl Fake {
    fn violation(&self, what: String) {
        self.violations.lock().unwrap().push(what);
    }

    fn message(&self, world: &mut World, sender: Value, text: &str) -> Value {
        world.seq += 1;
        let seq = world.seq;
        let message = json!({
            "sender": sender,
            "recipient": {"chat_id": CHAT, "chat_type": "chat", "user_id": null},
            "timestamp": 1_795_000_000_000i64 + seq * 1000,
            "body": {"mid": format!("mid.max.{seq}"), "seq": seq, "text": text},
        });
        world.messages.push(message.clone());
        world.updates.push(json!({
            "update_type": "message_created",
            "timestamp": 1_795_000_000_000i64 + seq * 1000,
            "message": message,
        }));
        message
    }

    fn chat(&self) -> Value {
        json!({"chat_id": CHAT, "type": "chat", "status": "active",
               "title": "5А — родители (MAX)", "icon": null,
               "last_event_time": 1_795_000_000_000i64, "participants_count": 27,
               "is_public": false})
    }

    async fn answer(
        &self,
        method: &Method,
        path: &str,
        query: &[(String, String)],
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let param = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        match (method.as_str(), path) {
            ("GET", "/me") => (
                StatusCode::OK,
                json!({"user_id": 9000, "first_name": "Бот школы №1", "last_name": null,
                       "username": "school1_bot", "is_bot": true,
                       "last_activity_time": 1_795_000_000_000i64, "description": null,
                       "avatar_url": null, "full_avatar_url": null, "commands": null}),
            ),
            ("GET", "/chats") => (
                StatusCode::OK,
                json!({"chats": [self.chat()], "marker": null}),
            ),
            ("GET", p) if p == format!("/chats/{CHAT}") => (StatusCode::OK, self.chat()),
            ("GET", "/messages") => {
                let world = self.world.lock().unwrap();
                let count: usize = param("count").and_then(|c| c.parse().ok()).unwrap_or(50);
                let from: i64 = param("from")
                    .and_then(|f| f.parse().ok())
                    .unwrap_or(i64::MAX);
                let list: Vec<Value> = world
                    .messages
                    .iter()
                    .rev()
                    .filter(|m| m["timestamp"].as_i64().unwrap_or(0) <= from)
                    .take(count)
                    .cloned()
                    .collect();
                (StatusCode::OK, json!({"messages": list}))
            }
            ("POST", "/messages") => {
                let text = body
                    .as_ref()
                    .and_then(|b| b["text"].as_str())
                    .unwrap_or_default()
                    .to_owned();
                let mut world = self.world.lock().unwrap();
                let sender = user(9000, "Бот школы №1", "", true);
                let message = self.message(&mut world, sender, &text);
                drop(world);
                self.changed.notify_waiters();
                (StatusCode::OK, json!({"message": message}))
            }
            ("GET", "/updates") => {
                let marker: usize = param("marker").and_then(|m| m.parse().ok()).unwrap_or(0);
                let wait = param("timeout")
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(30u64);
                let deadline = tokio::time::Instant::now() + Duration::from_secs(wait.min(5));
                loop {
                    let notified = self.changed.notified();
                    let (list, next) = {
                        let world = self.world.lock().unwrap();
                        let list: Vec<Value> = world.updates.iter().skip(marker).cloned().collect();
                        (list, world.updates.len())
                    };
                    if !list.is_empty() || tokio::time::Instant::now() >= deadline {
                        return (StatusCode::OK, json!({"updates": list, "marker": next}));
                    }
                    let _ = tokio::time::timeout_at(deadline, notified).await;
                }
            }
            _ => (
                StatusCode::NOT_FOUND,
                json!({"code": "not.found", "message": format!("{method} {path} is not faked")}),
            ),
        }
    }
}

async fn handle(
    State(fake): State<Arc<Fake>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    fake.requests
        .lock()
        .unwrap()
        .push(format!("{method} {path}"));
    let query: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            q.split('&')
                .filter_map(|pair| pair.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        })
        .unwrap_or_default();
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(BOT_TOKEN) {
        fake.violation(format!("{method} {path}: no or wrong Authorization header"));
        let body = json!({"code": "verify.token", "message": "Invalid access_token"});
        return (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    }
    // GET /chats is what MAX serves and its official SDK calls, but the 0.0.33 schema lacks it:
    // checked by hand (count and marker only).
    if method == Method::GET && path == "/chats" {
        for (name, _) in &query {
            if name != "count" && name != "marker" {
                fake.violation(format!("GET /chats: unknown parameter {name}"));
            }
        }
    } else {
        match fake.schema.query_parameters(method.as_str(), &path) {
            None => fake.violation(format!("{method} {path}: not an operation of MAX")),
            Some((required, known)) => {
                for name in required {
                    if !query.iter().any(|(k, _)| *k == name) {
                        fake.violation(format!("{method} {path}: missing {name}"));
                    }
                }
                for (name, _) in &query {
                    if !known.contains(name) {
                        fake.violation(format!("{method} {path}: unknown parameter {name}"));
                    }
                }
            }
        }
    }
    let json_body = if body.is_empty() {
        None
    } else {
        match serde_json::from_slice::<Value>(&body) {
            Ok(value) => {
                if let Err(v) = fake.schema.validate_request(method.as_str(), &path, &value) {
                    fake.violation(format!("{method} {path} request: {v:?}"));
                }
                Some(value)
            }
            Err(e) => {
                fake.violation(format!("{method} {path}: body is not JSON: {e}"));
                None
            }
        }
    };
    let (status, answer) = fake.answer(&method, &path, &query, json_body).await;
    let checked = if path == "/chats" {
        Ok(())
    } else {
        fake.schema
            .validate_response(method.as_str(), &path, status.as_u16(), &answer)
    };
    if let Err(v) = checked {
        fake.violation(format!("the fake's own answer to {method} {path}: {v:?}"));
    }
    (status, axum::Json(answer)).into_response()
}

/// TLS on top of a TCP listener, for axum.
struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((tcp, addr)) = self.tcp.accept().await else {
                continue;
            };
            // A client that does not trust the certificate fails here; keep serving others.
            if let Ok(tls) = self.acceptor.accept(tcp).await {
                return (tls, addr);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

/// A test root certificate (PEM) and a TLS acceptor for 127.0.0.1 signed by it.
fn test_pki() -> (String, TlsAcceptor) {
    let root = parta_test_ca::Authority::new("Parta Test Root CA").unwrap();
    let leaf = root.server_cert().unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.cert_der.into()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(leaf.key_der.into()),
        )
        .unwrap();
    (root.root_pem(), TlsAcceptor::from(Arc::new(config)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_max_bot_profile_syncs_sends_and_receives_with_every_request_as_max_specifies() {
    let (root_pem, acceptor) = test_pki();
    let fake = Arc::new(Fake {
        schema: MaxSchema::official().expect("../shared/max-bot-api/schema.yaml"),
        violations: Mutex::default(),
        requests: Mutex::default(),
        world: Mutex::default(),
        changed: tokio::sync::Notify::new(),
    });
    {
        let mut world = fake.world.lock().unwrap();
        let parent = user(501, "Елена", "Морозова", false);
        for text in ["Добрый день! Когда собрание?", "Спасибо за информацию"]
        {
            fake.message(&mut world, parent.clone(), text);
        }
    }
    let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", tcp.local_addr().unwrap());
    let app = axum::Router::new()
        .fallback(handle)
        .with_state(fake.clone());
    tokio::spawn(async move {
        axum::serve(TlsListener { tcp, acceptor }, app)
            .await
            .unwrap();
    });

    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::new(format!("parta-max-test-{}", std::process::id()));
    let client = Client::open(dir.path(), keychain).await.unwrap();
    let token = || Sensitive::new(BOT_TOKEN.to_owned());

    // Without the extra root the certificate is not trusted: nothing is saved.
    let untrusted = client.connect_max_bot(Some(&url), token(), None).await;
    assert!(
        matches!(untrusted, Err(Error::UntrustedCertificate)),
        "an untrusted certificate is told apart from an unreachable server: {untrusted:?}"
    );
    assert!(client.profiles().await.unwrap().is_empty());
    let garbage = client
        .connect_max_bot(Some(&url), token(), Some("not a certificate".into()))
        .await;
    assert!(matches!(garbage, Err(Error::BadCertificate)), "{garbage:?}");

    let profile = client
        .connect_max_bot(Some(&url), token(), Some(root_pem))
        .await
        .unwrap();
    assert_eq!(profile.kind, ProfileKind::MaxBot);
    assert_eq!(profile.display_name, "Бот школы №1");
    let config = SessionConfig {
        page_size: 1, // several pages of GET /messages, as a long history would take
        ..fast_config()
    };
    let session = client.start_session(&profile, config).await.unwrap();
    wait_connection(&session, ConnectionState::Online).await;
    let chats = session.chats().await.unwrap();
    assert_eq!(chats.len(), 1);
    assert_eq!(chats[0].chat_id, CHAT);
    let opened = session.open_chat(CHAT).await.unwrap();
    let texts: Vec<_> = opened.messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(
        texts,
        vec!["Добрый день! Когда собрание?", "Спасибо за информацию"]
    );

    let mut events = session.subscribe();
    let pending = session
        .send_text(CHAT, "Собрание в четверг в 18:00, кабинет 214.")
        .await
        .unwrap();
    wait_event(
        &mut events,
        "the bot's message is sent",
        |e| matches!(e, AppEvent::MessageSent { local_mid, .. } if *local_mid == pending.mid),
    )
    .await;
    // A parent writes in MAX: it arrives through GET /updates.
    {
        let mut world = fake.world.lock().unwrap();
        fake.message(&mut world, user(502, "Олег", "Смирнов", false), "Будем!");
    }
    fake.changed.notify_waiters();
    wait_event(
        &mut events,
        "the parent's message arrives",
        |e| matches!(e, AppEvent::MessageAdded { message } if message.text == "Будем!"),
    )
    .await;

    // MAX adds types over time: a spoiler (a markup kind 0.0.33 does not list) and a sticker.
    // The page still reads; the message shows its text, the sticker is named for what it is,
    // and the connection stays up. (The fake's answer breaks its own schema here, on purpose.)
    let before_newer = fake.violations.lock().unwrap().len();
    {
        let mut world = fake.world.lock().unwrap();
        let message = fake.message(&mut world, user(503, "Ирина", "Белова", false), "тайна");
        let seq = message["body"]["seq"].clone();
        let newer = |body: &mut Value| {
            if body["seq"] == seq {
                body["markup"] = json!([{"type": "spoiler", "from": 0, "length": 5}]);
                body["attachments"] = json!([{"type": "sticker",
                    "payload": {"url": "https://i.max.example/s.webp", "code": "s1"},
                    "width": 128, "height": 128}]);
            }
        };
        let world = &mut *world;
        for stored in &mut world.messages {
            newer(&mut stored["body"]);
        }
        for update in &mut world.updates {
            newer(&mut update["message"]["body"]);
        }
    }
    fake.changed.notify_waiters();
    let newer = wait_event(
        &mut events,
        "the message with newer types arrives",
        |e| matches!(e, AppEvent::MessageAdded { message } if message.text == "тайна"),
    )
    .await;
    let AppEvent::MessageAdded { message } = newer else {
        unreachable!()
    };
    assert_eq!(message.attachments.len(), 1);
    assert_eq!(message.attachments[0].kind, "sticker");
    assert_eq!(message.attachments[0].name, "стикер");
    assert_eq!(*session.connection().borrow(), ConnectionState::Online);
    assert_eq!(session.last_failure(), None);
    session.stop().await;

    let requests = fake.requests.lock().unwrap().clone();
    for needed in [
        "GET /me",
        "GET /chats",
        "GET /messages",
        "POST /messages",
        "GET /updates",
    ] {
        assert!(
            requests.iter().any(|r| r == needed),
            "{needed} in {requests:?}"
        );
    }
    let mut violations = fake.violations.lock().unwrap().clone();
    let newer: Vec<String> = violations.split_off(before_newer);
    assert!(
        newer.iter().all(|v| v.starts_with("the fake's own answer")),
        "after MAX's newer types too, every request the client made is as MAX specifies: \
         {newer:#?}"
    );
    let untrusted_attempts = violations
        .iter()
        .filter(|v| v.contains("Authorization"))
        .count();
    assert_eq!(untrusted_attempts, 0, "{violations:?}");
    assert!(
        violations.is_empty(),
        "every request as MAX specifies: {violations:#?}"
    );
    client.sign_out(&profile.id, true).await.unwrap();
}
