//! `kill -9` of the parta-server binary at random moments while it relays both ways: afterwards
//! the fake MAX's messages and the server's database agree exactly, nothing lost and nothing
//! doubled in either direction. 200 kills here (`PARTA_KILL_ROUNDS` for more; 1,000 are in
//! docs/benchmarks.md).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use parta_fake_max::{BOT_ID, FakeMax, MaxUser, TOKEN};
use serde_json::json;

const MAX_CHAT: i64 = -701;

/// A small random generator: the rounds differ, the seed is printed to replay one.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// Starts the binary; its URL once it listens.
fn spawn(settings: &std::path::Path, log: &std::path::Path) -> (Child, String) {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_parta-server"))
        .args(["--config", settings.to_str().unwrap()])
        .env("RUST_LOG", "warn,parta_server::max=info")
        .env("NO_COLOR", "1")
        .env_remove("PARTA_MAX_TOKEN")
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let url = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| {
            line.strip_prefix("parta-server listening on ")
                .map(str::to_owned)
        })
        .expect("the server says where it listens");
    (child, url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_while_relaying_loses_and_doubles_nothing() {
    let rounds: u64 = std::env::var("PARTA_KILL_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(200);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("kill -9 rounds: {rounds}, seed {seed}");
    let mut random = Lcg(seed);

    let fake = FakeMax::start().await.unwrap();
    fake.add_chat(
        MAX_CHAT,
        "5А — родители (MAX)",
        &["read_all_messages", "write"],
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("school.sqlite");
    let token_file = dir.path().join("max.token");
    std::fs::write(&token_file, TOKEN).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&token_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let settings = dir.path().join("school.toml");
    std::fs::write(
        &settings,
        format!(
            "[server]\nbind = \"127.0.0.1:0\"\ndatabase = \"{}\"\ndemo = true\n\n\
             [max]\ntoken_file = \"{}\"\nurl = \"{}\"\n",
            db.display(),
            token_file.display(),
            fake.url()
        ),
    )
    .unwrap();
    let log = dir.path().join("server.log");
    let http = reqwest::Client::new();

    // The first start makes the demo school; the 5А parents' chat is linked beside it, as the
    // administration would (the relay reads the links from the database).
    let (mut child, _url) = spawn(&settings, &log);
    let store = std::sync::Arc::new(parta_server::SqliteStore::open(&db).await.unwrap());
    let school = parta_server::School::standalone(
        store.clone(),
        std::sync::Arc::new(parta_server::SystemClock),
    )
    .await
    .unwrap();
    let chat = parta_server::demo::link_to_max(&school, "5А — родители", MAX_CHAT, "5А (MAX)")
        .await
        .unwrap();
    let parent = parta_server::demo::issue_token(&school, parta_server::demo::PARENT, "t")
        .await
        .unwrap()
        .into_inner();
    child.kill().unwrap();
    child.wait().unwrap();

    let dad = MaxUser::new(601, "Олег", None);
    for round in 0..rounds {
        let (mut child, url) = spawn(&settings, &log);
        // Both ways at once: a MAX parent and a Parta parent write; then the kill.
        for k in 0..random.below(3) {
            fake.user_writes(MAX_CHAT, &dad, &format!("M{round}-{k}"), None);
        }
        let sends = random.below(3);
        let kill_after = Duration::from_millis(random.below(120));
        let sending = async {
            for k in 0..sends {
                // A send cut by the kill may or may not be stored: the database says which.
                let _ = http
                    .post(format!("{url}/messages?chat_id={chat}"))
                    .header("Authorization", &parent)
                    .json(&json!({"text": format!("P{round}-{k}")}))
                    .timeout(Duration::from_millis(500))
                    .send()
                    .await;
            }
        };
        tokio::join!(sending, tokio::time::sleep(kill_after));
        child.kill().unwrap();
        child.wait().unwrap();
    }

    // A last start that is left to finish its work.
    let (mut child, _url) = spawn(&settings, &log);
    let expected_out = || async {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT m.text FROM messages m JOIN users u ON u.id = m.sender_id
             WHERE m.chat_id = ? AND u.max_user_id IS NULL AND m.text LIKE 'P%'",
        )
        .bind(chat)
        .fetch_all(store.pool())
        .await
        .unwrap();
        rows
    };
    let mut settled = false;
    for _ in 0..300 {
        let out = expected_out().await.len();
        let sent = fake
            .all_messages(MAX_CHAT)
            .iter()
            .filter(|m| m.sender_id() == BOT_ID)
            .count();
        let carried_in: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM messages m JOIN users u ON u.id = m.sender_id
             WHERE m.chat_id = ? AND u.max_user_id IS NOT NULL",
        )
        .bind(chat)
        .fetch_one(store.pool())
        .await
        .unwrap();
        let written_in_max = fake
            .all_messages(MAX_CHAT)
            .iter()
            .filter(|m| m.sender_id() != BOT_ID)
            .count();
        if sent >= out && usize::try_from(carried_in).unwrap() >= written_in_max {
            settled = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(settled, "the bridge caught up after the last start");

    // Parta → MAX: every message in the database is in MAX exactly once, nothing else is.
    let mut in_max: BTreeMap<String, usize> = BTreeMap::new();
    for m in fake
        .all_messages(MAX_CHAT)
        .iter()
        .filter(|m| m.sender_id() == BOT_ID)
    {
        let text = m
            .text
            .strip_prefix("Елена Морозова, родитель: ")
            .unwrap_or(&m.text);
        *in_max.entry(text.to_owned()).or_default() += 1;
    }
    let mut in_db: BTreeMap<String, usize> = BTreeMap::new();
    for text in expected_out().await {
        *in_db.entry(text).or_default() += 1;
    }
    assert_eq!(in_max, in_db, "Parta → MAX: lost or doubled");
    // MAX → Parta: the same the other way.
    let mut from_max: BTreeMap<String, usize> = BTreeMap::new();
    for m in fake
        .all_messages(MAX_CHAT)
        .iter()
        .filter(|m| m.sender_id() != BOT_ID)
    {
        *from_max.entry(m.text.clone()).or_default() += 1;
    }
    let carried: Vec<String> = sqlx::query_scalar(
        "SELECT m.text FROM messages m JOIN users u ON u.id = m.sender_id
         WHERE m.chat_id = ? AND u.max_user_id IS NOT NULL",
    )
    .bind(chat)
    .fetch_all(store.pool())
    .await
    .unwrap();
    let mut in_parta: BTreeMap<String, usize> = BTreeMap::new();
    for text in carried {
        *in_parta.entry(text).or_default() += 1;
    }
    assert_eq!(from_max, in_parta, "MAX → Parta: lost or doubled");
    let recognised = std::fs::read_to_string(&log)
        .unwrap()
        .matches("had reached MAX")
        .count();
    eprintln!(
        "kill -9 x{rounds}: {} Parta → MAX, {} MAX → Parta, all once; {recognised} sends \
         recognised after a kill instead of sent again",
        in_db.values().sum::<usize>(),
        in_parta.values().sum::<usize>()
    );
    assert_eq!(fake.violations(), Vec::<String>::new());
}
