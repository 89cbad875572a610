//! The `parta` command against a real parta-server on loopback, with the real keychain (the
//! suite runs inside a D-Bus session with gnome-keyring), as a script would use it.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod kill;

const PARTA: &str = env!("CARGO_BIN_EXE_parta");

/// `parta` with `args`, its data in `data` and its keychain entries under `service`; all
/// three standard streams piped.
fn command(data: &Path, service: &str, args: &[&str]) -> Command {
    let mut command = Command::new(PARTA);
    command
        .args(args)
        .env("PARTA_DATA_DIR", data)
        .env("PARTA_KEYCHAIN_SERVICE", service)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn parta(data: &Path, service: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = command(data, service, args).spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "parta failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The demo school on loopback, its database in `dir`.
async fn demo_server(dir: &Path) -> parta_server::RunningServer {
    parta_server::start(parta_server::ServerConfig::demo(
        dir.join("school.sqlite"),
        ([127, 0, 0, 1], 0).into(),
    ))
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_script_signs_in_sends_reads_exports_and_invites_a_class_from_a_csv() {
    let dir = tempfile::tempdir().unwrap();
    let server = demo_server(dir.path()).await;
    let url = server.url();
    let data = dir.path().join("cli");
    let service = format!("parta-cli-test-{}", std::process::id());
    // The command runs in its own process while this runtime serves the server.
    let run = |args: Vec<String>, stdin: String| {
        let (data, service) = (data.clone(), service.clone());
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            parta(&data, &service, &args, &stdin)
        })
    };
    let words = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();

    let wrong = run(
        words(&format!("login --server {url} --login a.sokolova")),
        "not-the-password\n".into(),
    )
    .await
    .unwrap();
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&wrong.stderr).contains("did not accept the sign-in"),
        "a clear sentence: {}",
        String::from_utf8_lossy(&wrong.stderr)
    );

    let login = run(
        words(&format!("--json login --server {url} --login a.sokolova")),
        format!("{}\n", parta_server::demo::DEMO_PASSWORD),
    )
    .await
    .unwrap();
    assert_eq!(json(&login)["name"], "Анна Сергеевна Соколова");

    let chats = json(&run(words("--json chats"), String::new()).await.unwrap());
    let titles: Vec<&str> = chats
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"5А — родители") && titles.contains(&"Учителя"),
        "{titles:?}"
    );

    let mut send = words("--json send");
    send.push("5А — родители".into());
    send.push("Из скрипта: завтра физкультура на улице".into());
    let sent = json(&run(send, String::new()).await.unwrap());
    assert_eq!(sent["delivered"], true);

    let mut read = words("--json read");
    read.push("5А — родители".into());
    read.extend(words("--count 3"));
    let messages = json(&run(read, String::new()).await.unwrap());
    let last = messages.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["text"], "Из скрипта: завтра физкультура на улице");
    assert_eq!(last["own"], true);
    assert_eq!(last["delivery"], "sent");
    let on_server: i64 = sqlx_count(&server, "Из скрипта: завтра физкультура на улице").await;
    assert_eq!(on_server, 1, "delivered exactly once");

    // The whole chat, oldest first, for the school's records.
    let mut export = words("export");
    export.push("5А — родители".into());
    export.extend(words("--format json"));
    let exported = json(&run(export, String::new()).await.unwrap());
    let exported = exported.as_array().unwrap();
    assert!(exported.len() > 3, "every cached message, not a page");
    assert!(
        exported.first().unwrap()["timestamp"].as_i64()
            <= exported.last().unwrap()["timestamp"].as_i64()
    );
    assert_eq!(
        exported.last().unwrap()["text"],
        "Из скрипта: завтра физкультура на улице"
    );

    // A file goes with the message: checked, uploaded, attached.
    let homework = dir.path().join("Задание.txt");
    std::fs::write(&homework, "Упражнение 5, страница 12\n".as_bytes()).unwrap();
    let mut with_file = words("--json send");
    with_file.push("5А — родители".into());
    with_file.push("Задание на дом во вложении".into());
    with_file.push("--file".into());
    with_file.push(homework.display().to_string());
    let sent = json(&run(with_file, String::new()).await.unwrap());
    assert_eq!(sent["delivered"], true);
    let attached: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM message_attachments a JOIN messages m ON m.mid = a.mid
         WHERE m.text = 'Задание на дом во вложении'",
    )
    .fetch_one(server.sqlite_pool().unwrap())
    .await
    .unwrap();
    assert_eq!(attached, 1);
    let exe = dir.path().join("virus.pdf");
    std::fs::write(&exe, b"MZ\x90\x00 not a pdf").unwrap();
    let mut refused = words("send");
    refused.push("5А — родители".into());
    refused.push("Вирус".into());
    refused.push("--file".into());
    refused.push(exe.display().to_string());
    let refused = run(refused, String::new()).await.unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("virus.pdf: файл"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );

    let synced = json(&run(words("--json sync"), String::new()).await.unwrap());
    assert_eq!(synced["online"], true);
    assert!(synced["messages"].as_u64().unwrap() > 3, "{synced}");

    // Search answers from the cache, in any word form.
    let mut search = words("--json search");
    search.push("физкультуры".into());
    let hits = json(&run(search, String::new()).await.unwrap());
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["chat"], "5А — родители");
    assert_eq!(hits[0]["matched"], serde_json::json!(["физкультура"]));
    let mut nothing = words("search");
    nothing.push("олимпиадами".into());
    let none = run(nothing, String::new()).await.unwrap();
    assert!(none.status.success());
    assert_eq!(
        String::from_utf8_lossy(&none.stdout).trim(),
        "Nothing found."
    );

    // Invitations from a class list: a bad row makes none; a good file makes one per row.
    let csv = dir.path().join("class.csv");
    std::fs::write(
        &csv,
        "role;class;child_name\nparent;5А;Иванов Петя\nparent;9Я;Нет Такого\n",
    )
    .unwrap();
    let mut create = words("invites create --csv");
    create.push(csv.display().to_string());
    let refused = run(create.clone(), String::new()).await.unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("line 3: no class '9Я'"));
    let invites_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invites")
        .fetch_one(server.sqlite_pool().unwrap())
        .await
        .unwrap();
    assert_eq!(invites_before, 0, "nothing half-made");
    std::fs::write(
        &csv,
        "role,class,child_name,note\nparent,5 а,Иванов Петя,\nparent,5А,Петрова Оля,от мамы\n",
    )
    .unwrap();
    let mut json_create = words("--json");
    json_create.extend(create);
    let made = json(&run(json_create, String::new()).await.unwrap());
    let made = made.as_array().unwrap();
    assert_eq!(made.len(), 2);
    assert!(
        made[0]["link"]
            .as_str()
            .unwrap()
            .starts_with("parta://join/")
    );
    assert_eq!(made[1]["child_name"], "Петрова Оля");

    let bad = run(words("frobnicate"), String::new()).await.unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown command"));

    let out = run(words("logout --wipe"), String::new()).await.unwrap();
    assert!(out.status.success());
    let profiles = json(&run(words("--json profiles"), String::new()).await.unwrap());
    assert_eq!(profiles, Value::from(Vec::<Value>::new()));
    server.stop().await.unwrap();
}

async fn sqlx_count(server: &parta_server::RunningServer, text: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE text = ?")
        .bind(text)
        .fetch_one(server.sqlite_pool().unwrap())
        .await
        .unwrap()
}

/// The command works where the desktop app keeps its data: a profile the app signed in (the
/// app opens `parta_client::Client` in the system's data folder for ru.parta.desktop) is the
/// command's first profile, with no PARTA_DATA_DIR to point it there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_sees_the_profile_the_app_signed_in() {
    let dir = tempfile::tempdir().unwrap();
    let server = demo_server(dir.path()).await;
    let xdg = dir.path().join("xdg");
    let service = format!("parta-cli-shared-{}", std::process::id());
    // As the desktop app does it, in its own folder of the system's data folder.
    let app = parta_client::Client::open(
        &xdg.join(parta_client::home::APP_ID),
        parta_client::secrets::Keychain::new(service.clone()),
    )
    .await
    .unwrap();
    let profile = app
        .sign_in_with_password(
            &server.url(),
            "a.sokolova",
            &parta_client::secrets::Sensitive::new(parta_server::demo::DEMO_PASSWORD.to_owned()),
            "Parta desktop",
            None,
        )
        .await
        .unwrap();

    let listed = tokio::task::spawn_blocking(move || {
        Command::new(PARTA)
            .args(["--json", "profiles"])
            .env_remove("PARTA_DATA_DIR")
            .env("XDG_DATA_HOME", &xdg)
            .env("PARTA_KEYCHAIN_SERVICE", &service)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let listed = json(&listed);
    assert_eq!(listed[0]["profile"], profile.id.as_str());
    assert_eq!(listed[0]["name"], "Анна Сергеевна Соколова");
    app.sign_out(&profile.id, true).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_keychain_login_says_how_to_get_one_and_keeps_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = demo_server(dir.path()).await;
    let (url, data) = (server.url(), dir.path().join("cli"));
    let output = tokio::task::spawn_blocking(move || {
        let mut child = command(&data, "parta-cli-no-keychain", &[])
            .args(["login", "--server", &url, "--login", "a.sokolova"])
            // A session bus address where nothing listens: no Secret Service.
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/parta-no-bus",
            )
            .spawn()
            .unwrap();
        let password = format!("{}\n", parta_server::demo::DEMO_PASSWORD);
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(password.as_bytes()).unwrap();
        drop(stdin);
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{said}");
    for how in ["gnome-keyring", "KWallet", "KeePassXC", "nothing was saved"] {
        assert!(said.contains(how), "the CLI names {how}: {said}");
    }
    let listed = parta(
        &dir.path().join("cli"),
        "parta-cli-no-keychain",
        &["--json", "profiles"],
        "",
    );
    assert_eq!(json(&listed), serde_json::json!([]), "no half-made profile");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forgotten_password_is_replaced_with_the_schools_code_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let server = demo_server(dir.path()).await;
    let url = server.url();
    let admin = parta_server::demo::issue_token(server.school(), "i.kuznetsova", "t")
        .await
        .unwrap()
        .into_inner();
    let her = parta_server::demo::user_id(server.school(), "e.morozova")
        .await
        .unwrap();
    let api = parta_client::api::ApiClient::new(&url, parta_client::secrets::Sensitive::new(admin))
        .unwrap();
    let request = parta_model::school::AdminRequest::IssuePasswordReset { user_id: her };
    let parta_model::school::AdminReply::PasswordReset(issued) = api.admin(&request).await.unwrap()
    else {
        panic!("not a password reset");
    };
    let code = issued.code;
    let data = dir.path().join("cli");
    let service = format!("parta-cli-reset-{}", std::process::id());
    let (d, s) = (data.clone(), service.clone());
    let output = tokio::task::spawn_blocking(move || {
        let args = [
            "--json",
            "reset-password",
            "--server",
            &url,
            "--code",
            &code,
        ];
        parta(&d, &s, &args, "новый-пароль-из-cli\n")
    })
    .await
    .unwrap();
    assert_eq!(json(&output)["name"], "Елена Морозова");
    let listed = parta(&data, &service, &["--json", "profiles"], "");
    assert_eq!(json(&listed).as_array().map(Vec::len), Some(1));
    server.stop().await.unwrap();
}

/// Commands exit with their code, never killed by a signal: the cache's connections close
/// before the process exits. Before, SQLCipher closing one while the process ran its exit
/// handlers crashed about one run in four of the script test above.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_exit_with_their_code_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let server = demo_server(dir.path()).await;
    let url = server.url();
    let service = format!("parta-cli-exit-{}", std::process::id());
    let run = |data: std::path::PathBuf, args: Vec<String>, stdin: String| {
        let service = service.clone();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            parta(&data, &service, &args, &stdin)
        })
    };
    let words = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    for round in 0..10 {
        // A first start each round: a new cache, signed in, then a refused send.
        let data = dir.path().join(format!("cli-{round}"));
        let login = run(
            data.clone(),
            words(&format!("login --server {url} --login a.sokolova")),
            format!("{}\n", parta_server::demo::DEMO_PASSWORD),
        )
        .await
        .unwrap();
        assert_eq!(login.status.code(), Some(0), "round {round}: {login:?}");
        let mut send = words("send");
        send.push("Нет такого чата".into());
        send.push("Текст".into());
        let refused = run(data, send, String::new()).await.unwrap();
        assert_eq!(refused.status.code(), Some(1), "round {round}: {refused:?}");
    }
    server.stop().await.unwrap();
}
