//! The MAX bridge against a stateful fake of MAX (`parta-fake-max`) on loopback, which checks
//! every request the bridge sends and every answer it gives against the official schema.
//! A MAX parent and Parta's people talk in one chat, both ways, in both update modes.

use std::sync::Arc;
use std::time::Duration;

use parta_fake_max::{BOT_ID, FakeMax, Fault, MaxUser, TOKEN};
use parta_model::max::{Message, MessageList};
use parta_server::max::{BotToken, BridgeConfig, Mode};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::Fixture;
use crate::operations::{metric, text};

const MAX_CHAT: i64 = -701;
const ADMIN: &str = "i.kuznetsova";
const TEACHER_5A: &str = "a.sokolova";
const PARENT_5A: &str = "e.morozova";
const SECRET: &str = "webhook-secret_0123";

struct Bridged {
    f: Fixture,
    fake: FakeMax,
    chat: i64,
    parent: String,
    teacher: String,
    admin: String,
}

fn config(fake: &FakeMax, mode: Mode) -> BridgeConfig {
    let mut config = BridgeConfig::new(fake.url(), BotToken::new(TOKEN, "test").unwrap());
    config.mode = mode;
    config.poll_timeout_s = 5;
    config.retry_base = Duration::from_millis(50);
    config.retry_cap = Duration::from_millis(400);
    config.request_timeout = Duration::from_millis(700);
    config
}

/// The demo school with its 5А parents' chat linked to a MAX chat, long polling unless a
/// webhook is asked for.
async fn bridged(webhook: bool) -> Bridged {
    let fake = FakeMax::start().await.unwrap();
    fake.add_chat(
        MAX_CHAT,
        "5А — родители (MAX)",
        &["read_all_messages", "write", "delete"],
    );
    fake.add_chat(-702, "Без прав", &["write"]);
    // The server's port is chosen first so the webhook address can name it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mode = if webhook {
        Mode::Webhook {
            url: format!("http://127.0.0.1:{port}/max/webhook"),
            secret: BotToken::new(SECRET, "test").unwrap(),
        }
    } else {
        Mode::LongPoll
    };
    let max = config(&fake, mode);
    let f = Fixture::edited(Arc::new(parta_server::SystemClock), |c| {
        parta_server::ServerConfig {
            bind: ([127, 0, 0, 1], port).into(),
            max: Some(max),
            ..c
        }
    })
    .await;
    let admin = f.token(ADMIN).await;
    let parent = f.token(PARENT_5A).await;
    let teacher = f.token(TEACHER_5A).await;
    let chat = f.chat_id(&parent, "5А — родители").await;
    let links = f.ok_get(&admin, "/school/max/links").await;
    assert_eq!(links["configured"], true, "{links}");
    let offers = links["chats"].as_array().unwrap();
    let unreadable = offers.iter().find(|c| c["max_chat_id"] == -702).unwrap();
    assert_eq!(
        unreadable["can_bridge"], false,
        "the bot cannot read -702: {links}"
    );
    let linked = f
        .ok_send(
            Method::POST,
            &admin,
            "/school/max/links",
            json!({"chat_id": chat, "max_chat_id": MAX_CHAT}),
        )
        .await;
    assert_eq!(linked["max_title"], "5А — родители (MAX)");
    Bridged {
        f,
        fake,
        chat,
        parent,
        teacher,
        admin,
    }
}

/// Waits up to 10 s for `check` to hold.
async fn until<F: std::future::Future<Output = bool>>(what: &str, mut check: impl FnMut() -> F) {
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

impl Bridged {
    async fn messages(&self) -> Vec<Message> {
        let list: MessageList = self
            .f
            .get_json(
                &self.parent,
                &format!("/messages?chat_id={}&count=100", self.chat),
            )
            .await;
        list.messages
    }

    async fn send(&self, token: &str, body: Value) -> Value {
        self.f
            .ok_send(
                Method::POST,
                token,
                &format!("/messages?chat_id={}", self.chat),
                body,
            )
            .await
    }

    fn bot_texts(&self) -> Vec<String> {
        self.fake
            .messages(MAX_CHAT)
            .into_iter()
            .filter(|m| m.sender_id() == BOT_ID)
            .map(|m| m.text)
            .collect()
    }

    /// The parent sends «`word` 0» … «`word` n-1»; MAX gets each once, in order, with her name
    /// in front, and nothing more arrives within `settle` after the last.
    async fn each_once_in_order(&self, word: &str, n: usize, settle: Duration) {
        for i in 0..n {
            self.send(&self.parent, json!({"text": format!("{word} {i}")}))
                .await;
        }
        until("every message in MAX", || async {
            self.bot_texts().len() >= n
        })
        .await;
        tokio::time::sleep(settle).await;
        let expected: Vec<String> = (0..n)
            .map(|i| format!("Елена Морозова, родитель: {word} {i}"))
            .collect();
        assert_eq!(self.bot_texts(), expected, "each once, in order");
    }

    fn no_violations(&self) {
        assert_eq!(self.fake.violations(), Vec::<String>::new());
    }
}

#[tokio::test]
async fn a_max_parent_and_parta_talk_in_one_chat_both_ways() {
    let b = bridged(false).await;
    let before = b.messages().await.len();
    let dad = MaxUser::new(501, "Олег", Some("Смирнов"));

    // MAX → Parta: marked MAX, no login.
    let max_mid = b.fake.user_writes(
        MAX_CHAT,
        &dad,
        "Добрый вечер! Завтра будет физкультура?",
        None,
    );
    until("the MAX message in Parta", || async {
        b.messages().await.len() == before + 1
    })
    .await;
    let carried = b.messages().await.remove(0);
    let sender = carried.sender.clone().unwrap();
    assert_eq!(sender.first_name, "Олег");
    assert!(sender.parta_max, "a MAX participant is marked: {sender:?}");
    assert!(sender.username.is_none(), "no login is shown");

    // Parta → MAX: a reply, with the author and role in front, as a MAX reply.
    let reply = b
        .send(
            &b.teacher,
            json!({"text": "Да, **с формой**.", "format": "markdown",
                   "link": {"type": "reply", "mid": carried.body.mid}}),
        )
        .await;
    until("the reply in MAX", || async { b.bot_texts().len() == 1 }).await;
    let in_max = b
        .fake
        .messages(MAX_CHAT)
        .into_iter()
        .find(|m| m.sender_id() == BOT_ID)
        .unwrap();
    assert_eq!(
        in_max.text,
        "Анна Сергеевна Соколова, классный руководитель 5А: Да, с формой."
    );
    assert_eq!(in_max.reply_to.as_deref(), Some(max_mid.as_str()));
    let reply_mid = reply["message"]["body"]["mid"].as_str().unwrap().to_owned();
    let delivery =
        b.f.ok_get(
            &b.teacher,
            &format!("/school/max/delivery?message_id={reply_mid}"),
        )
        .await;
    assert_eq!(delivery["state"], "sent", "{delivery}");

    // No echo: the bot's own message came back as an update and was not carried in.
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        b.messages().await.len(),
        before + 2,
        "no echo of the bot's message"
    );

    // An edit and a deletion on each side.
    b.fake
        .user_edits(&max_mid, "Добрый вечер! Завтра физкультура в зале?");
    until("the MAX edit in Parta", || async {
        b.messages()
            .await
            .iter()
            .any(|m| m.body.text.as_deref() == Some("Добрый вечер! Завтра физкультура в зале?"))
    })
    .await;
    b.f.ok_send(
        Method::PUT,
        &b.teacher,
        &format!("/messages?message_id={reply_mid}"),
        json!({"text": "Да, в зале."}),
    )
    .await;
    until("the Parta edit in MAX", || async {
        b.bot_texts()
            == vec!["Анна Сергеевна Соколова, классный руководитель 5А: Да, в зале.".to_owned()]
    })
    .await;
    b.fake.user_deletes(&max_mid, &dad);
    until("the MAX deletion in Parta", || async {
        !b.messages()
            .await
            .iter()
            .any(|m| m.body.mid == carried.body.mid)
    })
    .await;
    b.f.ok_delete(&b.teacher, &format!("/messages?message_id={reply_mid}"))
        .await;
    until("the Parta deletion in MAX", || async {
        b.bot_texts().is_empty()
    })
    .await;
    b.no_violations();
}

#[tokio::test]
async fn an_announcement_is_acknowledged_by_a_max_parents_button() {
    let b = bridged(false).await;
    let mum = MaxUser::new(502, "Ирина", Some("Павлова"));
    b.fake.user_joins(MAX_CHAT, &mum);
    let posted =
        b.f.ok_send(
            Method::POST,
            &b.teacher,
            &format!("/school/announcements?chat_id={}", b.chat),
            json!({"text": "Родительское собрание в четверг в 18:00"}),
        )
        .await;
    let mid = posted["message"]["body"]["mid"]
        .as_str()
        .or_else(|| posted["body"]["mid"].as_str())
        .unwrap_or_else(|| panic!("{posted}"))
        .to_owned();
    until("the announcement in MAX", || async {
        b.bot_texts().len() == 1
    })
    .await;
    let in_max = b
        .fake
        .messages(MAX_CHAT)
        .into_iter()
        .find(|m| m.sender_id() == BOT_ID)
        .unwrap();
    let button = &in_max.attachments.as_ref().unwrap()[0]["payload"]["buttons"][0][0];
    assert_eq!(button["text"], "Ознакомлен");
    let payload = button["payload"].as_str().unwrap().to_owned();
    b.fake.user_presses(&in_max.mid, &mum, &payload);
    until("the answer to the press", || async {
        b.fake.answers().len() == 1
    })
    .await;
    let receipts =
        b.f.ok_get(&b.teacher, &format!("/school/announcements/{mid}/receipts"))
            .await;
    let acknowledged = receipts["acknowledged"].to_string();
    assert!(acknowledged.contains("Ирина"), "{receipts}");
    // Pressing again is answered, and changes nothing.
    b.fake.user_presses(&in_max.mid, &mum, &payload);
    until("the second answer", || async {
        b.fake.answers().len() == 2
    })
    .await;
    assert_eq!(b.fake.answers()[1].1, "Вы уже отметили это объявление");

    // An announcement that only informs reaches MAX without the button.
    b.f.ok_send(
        Method::POST,
        &b.teacher,
        &format!("/school/announcements?chat_id={}&ack=false", b.chat),
        json!({"text": "Каникулы начинаются 28 декабря"}),
    )
    .await;
    until("the notice in MAX", || async { b.bot_texts().len() == 2 }).await;
    let notice = b
        .fake
        .messages(MAX_CHAT)
        .into_iter()
        .find(|m| m.sender_id() == BOT_ID && m.mid != in_max.mid)
        .unwrap();
    assert!(
        notice
            .attachments
            .as_ref()
            .is_none_or(|a| a.as_array().is_none_or(Vec::is_empty)),
        "no «Ознакомлен» under a notice: {:?}",
        notice.attachments
    );
    b.no_violations();
}

#[tokio::test]
async fn webhook_deliveries_need_the_secret_and_a_repeat_changes_nothing() {
    let b = bridged(true).await;
    until("the subscription", || async {
        b.fake.subscriptions().len() == 1
    })
    .await;
    assert_eq!(b.fake.subscriptions()[0].secret.as_deref(), Some(SECRET));
    b.fake.repeat_deliveries(true);
    let before = b.messages().await.len();
    let dad = MaxUser::new(503, "Пётр", None);
    for i in 0..3 {
        b.fake
            .user_writes(MAX_CHAT, &dad, &format!("Сообщение {i}"), None);
    }
    until("three messages by webhook", || async {
        b.messages().await.len() >= before + 3
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let texts: Vec<String> = b
        .messages()
        .await
        .into_iter()
        .take(3)
        .rev()
        .filter_map(|m| m.body.text)
        .collect();
    assert_eq!(texts, ["Сообщение 0", "Сообщение 1", "Сообщение 2"]);
    assert_eq!(
        b.messages().await.len(),
        before + 3,
        "each delivered twice, stored once"
    );

    let forged =
        b.f.http
            .post(format!("{}/max/webhook", b.f.server.url()))
            .header("X-Max-Bot-Api-Secret", "not-the-secret")
            .json(&json!({"update_type": "message_created", "timestamp": 1}))
            .send()
            .await
            .unwrap();
    assert_eq!(forged.status(), reqwest::StatusCode::FORBIDDEN);
    let unsigned =
        b.f.http
            .post(format!("{}/max/webhook", b.f.server.url()))
            .json(&json!({"update_type": "message_created", "timestamp": 1}))
            .send()
            .await
            .unwrap();
    assert_eq!(unsigned.status(), reqwest::StatusCode::FORBIDDEN);
    b.no_violations();
}

#[tokio::test]
async fn max_away_then_back_gets_every_message_once_in_order() {
    let b = bridged(false).await;
    b.fake.set_away(true);
    // The author sees her message wait for MAX, then reach it; members are told.
    let first = b
        .send(&b.parent, json!({"text": "Пока MAX недоступен 00"}))
        .await;
    assert_eq!(first["message"]["parta_max_state"], "queued", "{first}");
    let first_mid = first["message"]["body"]["mid"].as_str().unwrap().to_owned();
    for i in 1..20 {
        b.send(
            &b.parent,
            json!({"text": format!("Пока MAX недоступен {i:02}")}),
        )
        .await;
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(b.bot_texts().is_empty());
    // The queue and its age show in the metrics while MAX is away.
    let page = text(&b.f, "/metrics").await.1;
    assert!(
        metric(&page, "parta_bridge_outbound_backlog") >= 20.0,
        "{page}"
    );
    assert!(
        metric(&page, "parta_bridge_outbound_lag_seconds") >= 0.5,
        "{page}"
    );
    b.fake.set_away(false);
    until("the queue drained", || async { b.bot_texts().len() == 20 }).await;
    until("the backlog metric back to nothing", || async {
        let page = text(&b.f, "/metrics").await.1;
        metric(&page, "parta_bridge_outbound_backlog") == 0.0
            && metric(&page, "parta_bridge_outbound_lag_seconds") == 0.0
    })
    .await;
    // MAX answers long polls again (each waits up to 5 s here).
    until("MAX heard from lately", || async {
        let page = text(&b.f, "/metrics").await.1;
        page.lines()
            .find_map(|l| l.strip_prefix("parta_bridge_inbound_silence_seconds "))
            .and_then(|v| v.parse::<f64>().ok())
            .is_some_and(|silence| silence < 6.0)
    })
    .await;
    let expected: Vec<String> = (0..20)
        .map(|i| format!("Елена Морозова, родитель: Пока MAX недоступен {i:02}"))
        .collect();
    assert_eq!(b.bot_texts(), expected);
    let state =
        b.f.ok_get(
            &b.parent,
            &format!("/school/max/delivery?message_id={first_mid}"),
        )
        .await;
    assert_eq!(state["state"], "sent");
    let updates: serde_json::Value =
        b.f.get_json(&b.teacher, "/updates?timeout=0&types=parta_max_state")
            .await;
    let told = updates["updates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["state"] == "sent")
        .count();
    assert_eq!(
        told, 20,
        "each member is told each message reached MAX: {updates}"
    );
    let plain: serde_json::Value = b.f.get_json(&b.teacher, "/updates?timeout=0").await;
    assert!(
        plain["updates"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["update_type"] != "parta_max_state"),
        "a poll that does not name Parta's types never sees them"
    );
    b.no_violations();
}

#[tokio::test]
async fn a_429_and_a_lost_answer_neither_lose_nor_double_a_message() {
    let b = bridged(false).await;
    b.fake.fail_next(
        &[
            Fault::RateLimited { secs: 1 },
            Fault::Status(502),
            Fault::LostAnswer,
            Fault::LostAnswer,
        ],
        true,
    );
    b.each_once_in_order("Попытка", 5, Duration::from_millis(500))
        .await;
    assert!(
        b.fake.requests().iter().any(|r| r == "GET /messages"),
        "after a lost answer the bridge looked for its own message"
    );
    b.no_violations();
}

#[tokio::test]
async fn a_send_that_times_out_is_sent_again_once() {
    let b = bridged(false).await;
    // MAX answers the first two sends after 2 s, the bridge gives up after 0.7 s.
    b.fake.fail_next(
        &[
            Fault::Slow(Duration::from_secs(2)),
            Fault::Slow(Duration::from_secs(2)),
        ],
        true,
    );
    b.each_once_in_order("Медленно", 3, Duration::from_millis(2_500))
        .await;
    b.no_violations();
}

#[tokio::test]
async fn a_text_over_4000_characters_goes_in_parts_in_order() {
    let b = bridged(false).await;
    // Parta takes up to 4,000 characters; the author's name in front makes it longer.
    let text = (0..799)
        .map(|i| format!("{i:04}"))
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(text.chars().count(), 3_994);
    b.send(&b.parent, json!({"text": text})).await;
    until("the parts in MAX", || async { b.bot_texts().len() == 2 }).await;
    let joined = b.bot_texts().concat();
    assert_eq!(joined, format!("Елена Морозова, родитель: {text}"));
    b.no_violations();
}

#[tokio::test]
async fn what_parta_does_not_know_from_max_arrives_named_never_lost() {
    let b = bridged(false).await;
    let before = b.messages().await.len();
    let dad = MaxUser::new(504, "Игорь", None);
    // A type MAX may add, and a known type with a body that cannot be read: skipped.
    b.fake
        .push_raw_update(json!({"update_type": "message_chat_created", "timestamp": 1}));
    b.fake
        .push_raw_update(json!({"update_type": "message_created", "timestamp": 1}));
    b.fake.user_writes_raw(
        MAX_CHAT,
        &dad,
        "Смотрите",
        Some(json!([{"type": "spoiler", "from": 0, "length": 8}])),
        Some(json!([{"type": "sticker", "payload": {"url": "https://i.max.ru/s.webp", "code": "x"}, "width": 128, "height": 128}])),
    );
    until("the message with a sticker", || async {
        b.messages().await.len() == before + 1
    })
    .await;
    let carried = b.messages().await.remove(0);
    assert_eq!(
        carried.body.text.as_deref(),
        Some("Смотрите\n[стикер — открыть в MAX]")
    );
    let markup = carried.body.markup.unwrap();
    assert_eq!(serde_json::to_value(&markup[0]).unwrap()["type"], "spoiler");
    // Only what the test made MAX send beyond the schema, on purpose.
    let violations = b.fake.violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    for expected in [
        "unknown value 'message_chat_created'",
        "missing required 'message'",
        "unknown value 'spoiler'",
    ] {
        assert!(violations[0].contains(expected), "{violations:?}");
    }
}

#[tokio::test]
async fn what_the_policy_would_refuse_from_max_is_kept_and_flagged() {
    let b = bridged(false).await;
    let before = b.messages().await.len();
    let dad = MaxUser::new(505, "Денис", None);
    b.fake
        .user_writes(MAX_CHAT, &dad, "Ну ты и идииииот, честное слово.", None);
    until("the message kept", || async {
        b.messages().await.len() == before + 1
    })
    .await;
    let flags =
        b.f.ok_get(&b.teacher, &format!("/school/max/flags?chat_id={}", b.chat))
            .await;
    assert_eq!(flags["flags"][0]["rule"], "ethics", "{flags}");
    let (status, _) =
        b.f.get_as(&b.parent, &format!("/school/max/flags?chat_id={}", b.chat))
            .await;
    assert_eq!(
        status,
        reqwest::StatusCode::FORBIDDEN,
        "flags are for the chat's admins"
    );
    b.no_violations();
}

#[tokio::test]
async fn linking_is_for_the_administration_and_is_audited() {
    let b = bridged(false).await;
    let (status, error) =
        b.f.send_as(
            Method::POST,
            &b.teacher,
            "/school/max/links",
            json!({"chat_id": b.chat, "max_chat_id": -702}),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::FORBIDDEN, "{error}");
    let (status, error) =
        b.f.send_as(
            Method::POST,
            &b.admin,
            "/school/max/links",
            json!({"chat_id": b.chat, "max_chat_id": -702}),
        )
        .await;
    assert_eq!(
        status,
        reqwest::StatusCode::CONFLICT,
        "one MAX chat per Parta chat: {error}"
    );
    let audit = b.f.ok_get(&b.admin, "/school/audit").await;
    assert!(audit.to_string().contains("max.linked"), "{audit}");
    b.f.ok_delete(&b.admin, &format!("/school/max/links/{}", b.chat))
        .await;
    let audit = b.f.ok_get(&b.admin, "/school/audit").await;
    assert!(audit.to_string().contains("max.unlinked"));
    // Unlinked: a message stays in Parta.
    b.send(&b.parent, json!({"text": "Только в Парте"})).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(b.bot_texts().is_empty());
    b.no_violations();
}

#[tokio::test]
async fn a_file_goes_each_way_and_one_the_school_refuses_is_named() {
    use crate::files::{download, multipart, pdf, upload_url};
    let b = bridged(false).await;
    let before = b.messages().await.len();
    let dad = MaxUser::new(506, "Максим", None);

    // MAX → Parta: the file is fetched once into Parta's store and downloads the same.
    let document = pdf(50_000);
    b.fake
        .user_sends_file(MAX_CHAT, &dad, "Справка", "file", "справка.pdf", &document);
    until("the file in Parta", || async {
        b.messages().await.len() == before + 1
    })
    .await;
    let carried = b.messages().await.remove(0);
    assert_eq!(carried.body.text.as_deref(), Some("Справка"));
    // The update the app syncs from carries the file too, not only the history.
    let updates: serde_json::Value =
        b.f.get_json(&b.parent, "/updates?timeout=0&types=message_created")
            .await;
    let announced = updates["updates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["message"]["body"]["mid"] == carried.body.mid.as_str())
        .unwrap_or_else(|| panic!("{updates}"));
    assert_eq!(
        announced["message"]["body"]["attachments"][0]["filename"],
        "справка.pdf"
    );
    let attachment = &carried.body.attachments.as_ref().unwrap()[0];
    assert_eq!(attachment.filename.as_deref(), Some("справка.pdf"));
    let path = attachment.payload.as_ref().unwrap()["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let got = download(&b.f, &b.parent, &path, None).await;
    assert_eq!(got.status(), reqwest::StatusCode::OK);
    assert_eq!(got.bytes().await.unwrap().to_vec(), document);

    // A format the school does not accept stays in MAX, named in Parta.
    b.fake.user_sends_file(
        MAX_CHAT,
        &dad,
        "",
        "file",
        "setup.exe",
        b"MZ\x90\0\x03\0\0\0\x04\0",
    );
    until("the refused file named", || async {
        b.messages().await.len() == before + 2
    })
    .await;
    let named = b.messages().await.remove(0);
    assert_eq!(
        named.body.text.as_deref(),
        Some("[файл «setup.exe» не принят: формат не разрешён школой — открыть в MAX]")
    );
    assert!(named.body.attachments.is_none());

    // Parta → MAX: uploaded through MAX's /uploads; MAX takes 600 ms to process it, and the
    // bridge asks again until it may attach it.
    b.fake.set_processing(Duration::from_millis(600));
    let url = upload_url(&b.f, &b.teacher, "file").await;
    let plan = pdf(40_000);
    let (status, uploaded) = multipart(&b.f, &url, "план.pdf", &plan).await;
    assert!(status.is_success(), "{uploaded}");
    let token = uploaded["token"].as_str().unwrap();
    b.send(
        &b.teacher,
        json!({"text": "План экскурсии", "attachments": [{"type": "file", "payload": {"token": token}}]}),
    )
    .await;
    until("the text and the file in MAX", || async {
        b.bot_texts().len() == 2
    })
    .await;
    let ours: Vec<_> = b
        .fake
        .messages(MAX_CHAT)
        .into_iter()
        .filter(|m| m.sender_id() == BOT_ID)
        .collect();
    assert_eq!(
        ours[0].text,
        "Анна Сергеевна Соколова, классный руководитель 5А: План экскурсии"
    );
    assert_eq!(
        b.fake.files_of(&ours[1].mid),
        vec![("план.pdf".to_owned(), plan)]
    );
    assert!(
        b.fake
            .requests()
            .iter()
            .filter(|r| *r == "POST /messages")
            .count()
            >= 3,
        "the file's message was refused as not processed at least once"
    );
    b.no_violations();
}
