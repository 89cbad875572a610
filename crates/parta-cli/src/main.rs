//! `parta`: the client core as a command, for scripts and administrators (issue 4). It uses the
//! same profiles, keychain and cache as the desktop app; passwords come from standard input,
//! never from the command line (where other users could see them in the process list).

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use parta_client::secrets::{Keychain, Sensitive};
use parta_client::{Client, Error, Profile, Session, SessionConfig};
use parta_model::view::{AppEvent, ChatSummary, ConnectionState, Delivery, MessageView};

const USAGE: &str = "\
Usage: parta [--json] COMMAND

  login --server URL --login LOGIN [--root-cert PEM]
                                      sign in on this computer (password read from stdin;
                                      --root-cert trusts the school's own root certificate)
  reset-password --server URL --code CODE [--root-cert PEM]
                                      a forgotten password: the school's one-time code, the
                                      new password read from stdin; signs in on this computer
  connect-max [--base URL] [--root-cert PEM]
                                      connect the school's MAX bot (platform administrator;
                                      the bot token is read from stdin; --root-cert trusts an
                                      extra root, e.g. the Ministry's root that MAX uses)
  profiles                            signed-in profiles
  sync                                fetch chats and history into the cache (progress bar)
  chats                               sync, then list the chats
  read CHAT [--count N]               sync, then show a chat's newest messages
  send CHAT TEXT [--file F]...        send a message, with files (kept in the outbox until
                                      delivered; documents go one per message, as in MAX)
  search QUERY [--chat CHAT]          search cached messages (Russian word forms match:
                                      «собрание» finds «собрании»), newest first
  export CHAT [--format json|txt]     every cached message of a chat, oldest first
  invites create --csv FILE           one invitation per row: role,class,child_name,note
                                      (a header line is skipped; all rows are checked first)
  logout [--wipe]                     sign out of the first profile (--wipe: delete its cache)

CHAT is a chat's title or id. Data: the app's folder ($PARTA_DATA_DIR, else
~/.local/share/ru.parta.desktop), with the app's profiles and cache.
Exit status: 0 done, 1 failed (the message says why), 2 bad arguments.
";

/// How long a command waits for the server before answering from the cache.
const SYNC_WAIT: Duration = Duration::from_secs(15);

struct Args {
    json: bool,
    words: Vec<String>,
}

/// The desktop app's data folder: the command works on the app's profiles and cache.
fn data_dir() -> Result<PathBuf, String> {
    parta_client::home::data_dir().ok_or_else(|| {
        "this system has no data folder for Parta: set PARTA_DATA_DIR to one".to_owned()
    })
}

fn keychain() -> Keychain {
    // Tests use their own keychain service; people use the app's.
    Keychain::new(
        std::env::var("PARTA_KEYCHAIN_SERVICE")
            .unwrap_or_else(|_| parta_client::home::KEYCHAIN_SERVICE.into()),
    )
}

fn option(words: &[String], name: &str) -> Option<String> {
    words
        .iter()
        .position(|w| w == name)
        .and_then(|i| words.get(i + 1).cloned())
}

/// The PEM file named by `--root-cert`: a root certificate to trust for the server.
fn root_cert(words: &[String]) -> Result<Option<String>, String> {
    option(words, "--root-cert")
        .map(|path| {
            std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read the certificate {path}: {e}"))
        })
        .transpose()
}

async fn first_profile(client: &Client) -> Result<Profile, String> {
    client
        .profiles()
        .await
        .map_err(explain)?
        .into_iter()
        .next()
        .ok_or_else(|| "not signed in: run `parta login` first".to_owned())
}

/// A session that has synced, or the cache if the server does not answer in time. While it
/// syncs, a progress bar counts chats on a terminal (indicatif draws nothing elsewhere).
async fn synced(client: &Client, profile: &Profile) -> Result<(Session, bool), String> {
    let session = client
        .start_session(profile, SessionConfig::default())
        .await
        .map_err(explain)?;
    let mut events = session.subscribe();
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} chats")
            .map_err(|e| e.to_string())?
            .progress_chars("=> "),
    );
    bar.set_message("Syncing");
    let progress = async {
        while let Ok(event) = events.recv().await {
            if let AppEvent::SyncProgress {
                chats_done,
                chats_total,
                messages,
            } = event
            {
                bar.set_length(u64::from(chats_total));
                bar.set_position(u64::from(chats_done));
                bar.set_message(format!("Syncing ({messages} messages)"));
            }
        }
    };
    let mut connection = session.connection();
    let online = tokio::select! {
        reached = tokio::time::timeout(
            SYNC_WAIT,
            connection.wait_for(|s| *s == ConnectionState::Online),
        ) => reached.is_ok_and(|r| r.is_ok()),
        () = progress => false,
    };
    bar.finish_and_clear();
    if !online {
        match session.last_failure() {
            // Say what happened: a refusal, a 404, or an answer that could not be read is not
            // a silent server.
            Some(reason) => eprintln!("parta: {reason}; showing what is cached"),
            None => eprintln!("parta: the server did not answer; showing what is cached"),
        }
    }
    Ok((session, online))
}

/// Says which profile was added: `{profile, name}` for scripts, a sentence for people.
fn signed_in(json: bool, what: &str, profile: &Profile) {
    if json {
        println!(
            "{}",
            serde_json::json!({"profile": profile.id, "name": profile.display_name})
        );
    } else {
        println!("{what} {} ({})", profile.display_name, profile.server_url);
    }
}

fn find_chat(chats: &[ChatSummary], wanted: &str) -> Result<i64, String> {
    chats
        .iter()
        .find(|c| c.title == wanted || c.chat_id.to_string() == wanted)
        .map(|c| c.chat_id)
        .ok_or_else(|| format!("no chat called '{wanted}'"))
}

fn explain(e: Error) -> String {
    match e {
        Error::Unauthorized => "the server did not accept the sign-in (wrong login or password, \
                                or this device was signed out)"
            .to_owned(),
        Error::Offline(_) => "the server cannot be reached".to_owned(),
        Error::Secrets(parta_client::secrets::SecretsError::Unavailable(_)) => format!(
            "there is no system keychain (Secret Service) to keep the sign-in in, and parta \
             keeps it nowhere else: nothing was saved. {}",
            parta_client::secrets::HOW_TO_GET_A_KEYCHAIN
        ),
        Error::UntrustedCertificate => "the server's certificate is not trusted: if the school \
                                        runs its own certificate authority, give its root \
                                        certificate with --root-cert FILE"
            .to_owned(),
        other => other.to_string(),
    }
}

fn message_json(m: &MessageView) -> serde_json::Value {
    serde_json::json!({
        "mid": m.mid, "chat_id": m.chat_id, "sender": m.sender_name, "text": m.text,
        "timestamp": m.timestamp, "own": m.is_own,
        "delivery": match m.delivery { Delivery::Sent => "sent", Delivery::Pending => "pending",
                                       Delivery::Failed { .. } => "failed" },
    })
}

/// One row of an invitations CSV.
struct InviteRow {
    line: usize,
    role: String,
    class_id: Option<i64>,
    child: Option<String>,
    note: Option<String>,
}

const ROLES: [&str; 5] = [
    "platform_admin",
    "administration",
    "class_teacher",
    "teacher",
    "parent",
];

/// Reads `role,class,child_name,note` rows (comma or semicolon separated, as spreadsheets save
/// them), checking every row before any invitation is made: a bad file makes none.
fn parse_invite_rows(text: &str, classes: &[(i64, String)]) -> Result<Vec<InviteRow>, String> {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let raw = raw.trim_start_matches('\u{feff}').trim();
        if raw.is_empty() || (line == 1 && raw.to_lowercase().starts_with("role")) {
            continue;
        }
        let separator = if raw.contains(';') { ';' } else { ',' };
        let cells: Vec<&str> = raw.split(separator).map(str::trim).collect();
        let role = cells.first().copied().unwrap_or("").to_lowercase();
        if !ROLES.contains(&role.as_str()) {
            problems.push(format!("line {line}: unknown role '{role}'"));
            continue;
        }
        let class = cells.get(1).copied().filter(|c| !c.is_empty());
        let class_id = match class {
            Some(name) => {
                let wanted: String = name
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .flat_map(char::to_uppercase)
                    .collect();
                match classes.iter().find(|(_, n)| *n == wanted) {
                    Some((id, _)) => Some(*id),
                    None => {
                        problems.push(format!("line {line}: no class '{name}'"));
                        continue;
                    }
                }
            }
            None if role == "parent" => {
                problems.push(format!(
                    "line {line}: a parent's invitation needs the class"
                ));
                continue;
            }
            None => None,
        };
        let text_cell = |i: usize| {
            cells
                .get(i)
                .map(|c| c.to_string())
                .filter(|c| !c.is_empty())
        };
        rows.push(InviteRow {
            line,
            role,
            class_id,
            child: text_cell(2),
            note: text_cell(3),
        });
    }
    if !problems.is_empty() {
        return Err(format!("no invitations made:\n{}", problems.join("\n")));
    }
    if rows.is_empty() {
        return Err("the file has no rows".into());
    }
    Ok(rows)
}

async fn run(args: Args) -> Result<(), String> {
    let client = Client::open(&data_dir()?, keychain())
        .await
        .map_err(explain)?;
    let result = command(&client, args).await;
    // Every cache connection closed before the process exits, on success and on error alike.
    client.close().await;
    result
}

async fn command(client: &Client, args: Args) -> Result<(), String> {
    let command = args.words.first().map(String::as_str).unwrap_or("");
    match command {
        "login" => {
            let server = option(&args.words, "--server").ok_or("login needs --server URL")?;
            let login = option(&args.words, "--login").ok_or("login needs --login LOGIN")?;
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .map_err(|e| format!("cannot read the password from stdin: {e}"))?;
            let password = Sensitive::new(password.trim_end_matches(['\r', '\n']).to_owned());
            let device = "parta (командная строка)";
            let root = root_cert(&args.words)?;
            let profile = client
                .sign_in_with_password(&server, &login, &password, device, root)
                .await
                .map_err(explain)?;
            signed_in(args.json, "Signed in as", &profile);
        }
        "reset-password" => {
            let server =
                option(&args.words, "--server").ok_or("reset-password needs --server URL")?;
            let code = option(&args.words, "--code").ok_or("reset-password needs --code CODE")?;
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .map_err(|e| format!("cannot read the new password from stdin: {e}"))?;
            let password = Sensitive::new(password.trim_end_matches(['\r', '\n']).to_owned());
            let root = root_cert(&args.words)?;
            let profile = client
                .reset_password(&server, &code, &password, "parta (командная строка)", root)
                .await
                .map_err(explain)?;
            signed_in(args.json, "New password set; signed in as", &profile);
        }
        "connect-max" => {
            let base = option(&args.words, "--base");
            let root = root_cert(&args.words)?;
            let mut token = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut token)
                .map_err(|e| format!("cannot read the bot token from stdin: {e}"))?;
            let token = Sensitive::new(token.trim().to_owned());
            let profile = client
                .connect_max_bot(base.as_deref(), token, root)
                .await
                .map_err(explain)?;
            signed_in(args.json, "Connected the bot", &profile);
        }
        "profiles" => {
            let profiles = client.profiles().await.map_err(explain)?;
            if args.json {
                let list: Vec<_> = profiles
                    .iter()
                    .map(|p| serde_json::json!({"profile": p.id, "name": p.display_name, "server": p.server_url}))
                    .collect();
                println!("{}", serde_json::Value::from(list));
            } else {
                for p in profiles {
                    println!("{}\t{}\t{}", p.id, p.display_name, p.server_url);
                }
            }
        }
        "chats" => {
            let profile = first_profile(client).await?;
            let (session, _) = synced(client, &profile).await?;
            let chats = session.chats().await.map_err(explain)?;
            session.stop().await;
            if args.json {
                let list: Vec<_> = chats
                    .iter()
                    .map(|c| {
                        serde_json::json!({"chat_id": c.chat_id, "title": c.title,
                                                 "members": c.participants_count})
                    })
                    .collect();
                println!("{}", serde_json::Value::from(list));
            } else {
                for c in chats {
                    println!("{}\t{}", c.chat_id, c.title);
                }
            }
        }
        "sync" => {
            let profile = first_profile(client).await?;
            let (session, online) = synced(client, &profile).await?;
            // Whatever is waiting in the outbox goes now, not at its next retry time.
            if online && let Err(e) = session.send_now().await {
                eprintln!("parta: some messages are still waiting: {}", explain(e));
            }
            let left = session.outbox().await.map_err(explain)?;
            let waiting = left.len();
            let failed: Vec<serde_json::Value> = left
                .iter()
                .filter_map(|m| match &m.delivery {
                    Delivery::Failed { reason } => {
                        Some(serde_json::json!({"text": m.text, "reason": reason}))
                    }
                    _ => None,
                })
                .collect();
            let chats = session.chats().await.map_err(explain)?;
            let mut messages = 0;
            for chat in &chats {
                messages += session
                    .all_messages(chat.chat_id)
                    .await
                    .map_err(explain)?
                    .len();
            }
            session.stop().await;
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({"online": online, "chats": chats.len(),
                                       "messages": messages, "outbox": waiting,
                                       "failed": failed})
                );
            } else {
                println!(
                    "{} chats, {messages} messages cached, {waiting} waiting to be sent",
                    chats.len()
                );
            }
            if !online {
                return Err("the server cannot be reached; the cache was not updated".into());
            }
        }
        "search" => {
            let query = args.words.get(1).ok_or("search needs a QUERY")?;
            let profile = first_profile(client).await?;
            let session = client
                .start_session(&profile, SessionConfig::default())
                .await
                .map_err(explain)?;
            // Searching is offline: the cache answers, whatever the network does.
            let chats = session.chats().await.map_err(explain)?;
            let chat = option(&args.words, "--chat")
                .map(|wanted| find_chat(&chats, &wanted))
                .transpose()?;
            let hits = session.search(query, chat).await.map_err(explain)?;
            session.stop().await;
            if args.json {
                let list: Vec<_> = hits
                    .iter()
                    .map(|h| {
                        let mut m = message_json(&h.message);
                        m["chat"] = h.chat_title.clone().into();
                        m["matched"] = h
                            .fragments
                            .iter()
                            .filter(|f| f.matched)
                            .map(|f| f.text.clone())
                            .collect::<Vec<_>>()
                            .into();
                        m
                    })
                    .collect();
                println!("{}", serde_json::Value::from(list));
            } else if hits.is_empty() {
                println!("Nothing found.");
            } else {
                for h in &hits {
                    // Matches in [brackets]: visible in any terminal and in a pipe.
                    let text: String = h
                        .fragments
                        .iter()
                        .map(|f| {
                            if f.matched {
                                format!("[{}]", f.text)
                            } else {
                                f.text.clone()
                            }
                        })
                        .collect();
                    println!("{}\t{}: {}", h.chat_title, h.message.sender_name, text);
                }
            }
        }
        "read" => {
            let wanted = args.words.get(1).ok_or("read needs a CHAT")?;
            let count: usize = option(&args.words, "--count")
                .map(|n| {
                    n.parse()
                        .map_err(|_| format!("--count: '{n}' is not a number"))
                })
                .transpose()?
                .unwrap_or(20);
            let profile = first_profile(client).await?;
            let (session, _) = synced(client, &profile).await?;
            let chat = find_chat(&session.chats().await.map_err(explain)?, wanted)?;
            let view = session.open_chat(chat).await.map_err(explain)?;
            session.stop().await;
            let newest = &view.messages[view.messages.len().saturating_sub(count)..];
            if args.json {
                let list: Vec<_> = newest.iter().map(message_json).collect();
                println!("{}", serde_json::Value::from(list));
            } else {
                for m in newest {
                    println!("{}: {}", m.sender_name, m.text);
                }
            }
        }
        "send" => {
            let wanted = args.words.get(1).ok_or("send needs a CHAT and a TEXT")?;
            let text = args.words.get(2).ok_or("send needs a TEXT")?;
            let files: Vec<PathBuf> = args
                .words
                .windows(2)
                .filter(|w| w[0] == "--file")
                .map(|w| PathBuf::from(&w[1]))
                .collect();
            let profile = first_profile(client).await?;
            let (session, online) = synced(client, &profile).await?;
            let chat = find_chat(&session.chats().await.map_err(explain)?, wanted)?;
            let mut events = session.subscribe();
            let pending = session.send(chat, text, &files).await.map_err(explain)?;
            // From here the message survives anything, a kill included: say so at once.
            eprintln!("parta: saved in the outbox");
            let mut waiting: Vec<String> = pending.iter().map(|m| m.mid.clone()).collect();
            let bar = indicatif::ProgressBar::new(0).with_style(
                indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes}")
                    .map_err(|e| e.to_string())?
                    .progress_chars("=> "),
            );
            // Wait for the outbox to deliver them; if it cannot yet, they stay queued for later.
            let delivered = online
                && tokio::time::timeout(SYNC_WAIT.saturating_mul(4), async {
                    loop {
                        match events.recv().await {
                            Ok(AppEvent::MessageSent { local_mid, .. }) => {
                                waiting.retain(|m| *m != local_mid);
                                if waiting.is_empty() {
                                    return true;
                                }
                            }
                            Ok(AppEvent::MessageUpdated { message })
                                if waiting.contains(&message.mid)
                                    && matches!(message.delivery, Delivery::Failed { .. }) =>
                            {
                                if let Delivery::Failed { reason } = message.delivery {
                                    bar.suspend(|| eprintln!("parta: not sent: {reason}"));
                                }
                                return false;
                            }
                            Ok(AppEvent::TransferProgress {
                                name,
                                done,
                                total,
                                upload: true,
                                ..
                            }) => {
                                bar.set_length(total);
                                bar.set_position(done);
                                bar.set_message(name);
                            }
                            Ok(_) => continue,
                            Err(_) => return false,
                        }
                    }
                })
                .await
                .unwrap_or(false);
            bar.finish_and_clear();
            session.stop().await;
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({"delivered": delivered, "messages": pending.len()})
                );
            } else if delivered {
                println!("Sent.");
            } else {
                println!("Queued: it will go out the next time Parta reaches the server.");
            }
            if !delivered && online {
                return Err("the server did not accept the message".into());
            }
        }
        "export" => {
            let wanted = args.words.get(1).ok_or("export needs a CHAT")?;
            let format = option(&args.words, "--format").unwrap_or_else(|| "txt".into());
            if format != "json" && format != "txt" {
                return Err(format!("--format must be json or txt, not '{format}'"));
            }
            let profile = first_profile(client).await?;
            let (session, _) = synced(client, &profile).await?;
            let chat = find_chat(&session.chats().await.map_err(explain)?, wanted)?;
            let messages = session.all_messages(chat).await.map_err(explain)?;
            session.stop().await;
            if format == "json" || args.json {
                let list: Vec<_> = messages.iter().map(message_json).collect();
                println!("{}", serde_json::Value::from(list));
            } else {
                for m in &messages {
                    println!("[{}] {}: {}", m.timestamp, m.sender_name, m.text);
                }
            }
        }
        "invites" if args.words.get(1).map(String::as_str) == Some("create") => {
            let path = option(&args.words, "--csv").ok_or("invites create needs --csv FILE")?;
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
            let profile = first_profile(client).await?;
            let api = client.api(&profile).await.map_err(explain)?;
            let classes = api.classes().await.map_err(explain)?;
            let rows = parse_invite_rows(&text, &classes)?;
            let mut created = Vec::new();
            for row in &rows {
                let link = api
                    .create_invite(
                        &row.role,
                        row.class_id,
                        row.child.as_deref(),
                        row.note.as_deref(),
                    )
                    .await
                    .map_err(|e| format!("line {}: {}", row.line, explain(e)))?;
                created.push((row, link));
            }
            if args.json {
                let list: Vec<_> = created
                    .iter()
                    .map(|(row, link)| {
                        serde_json::json!({"line": row.line, "role": row.role,
                        "child_name": row.child, "link": link})
                    })
                    .collect();
                println!("{}", serde_json::Value::from(list));
            } else {
                for (row, link) in &created {
                    println!(
                        "{}\t{}\t{}",
                        row.line,
                        row.child.as_deref().unwrap_or(&row.role),
                        link
                    );
                }
            }
        }
        "logout" => {
            let profile = first_profile(client).await?;
            let wipe = args.words.iter().any(|w| w == "--wipe");
            client.sign_out(&profile.id, wipe).await.map_err(explain)?;
            println!("Signed out: {}", profile.display_name);
        }
        "" => return Err(USAGE.to_owned()),
        other => return Err(format!("unknown command '{other}'\n\n{USAGE}")),
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    if let Err(e) = parta_client::secrets::keep_out_of_core_dumps() {
        eprintln!("warning: core dumps could not be turned off: {e}");
    }
    let mut words: Vec<String> = std::env::args().skip(1).collect();
    if words.iter().any(|w| w == "--help" || w == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let json = words.iter().any(|w| w == "--json");
    words.retain(|w| w != "--json");
    let bad_arguments = words.is_empty();
    match run(Args { json, words }).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("parta: {message}");
            ExitCode::from(if bad_arguments { 2 } else { 1 })
        }
    }
}
