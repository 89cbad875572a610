//! Helpers: a demo server in a temp dir, tokens, and waiting for events with a deadline.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use parta_client::api::ApiClient;
use parta_client::secrets::Sensitive;
use parta_client::store::{SqliteStore, Store};
use parta_client::{Session, SessionConfig};
use parta_model::view::{AppEvent, ConnectionState};
use parta_server::{RunningServer, ServerConfig};
use tokio::sync::broadcast;

/// A deadline for things that happen "soon"; generous, because CI machines are slow. It only
/// bounds a failing test's runtime: a passing test never waits for it.
pub const SOON: Duration = Duration::from_secs(20);

pub async fn start_server(db: &Path, bind: SocketAddr) -> RunningServer {
    start_server_with_limits(db, bind, Default::default()).await
}

/// A demo server that allows each device only `limits`.
pub async fn start_server_with_limits(
    db: &Path,
    bind: SocketAddr,
    limits: parta_server::ratelimit::RateLimits,
) -> RunningServer {
    parta_server::start(ServerConfig {
        limits,
        ..ServerConfig::demo(db.to_owned(), bind)
    })
    .await
    .expect("server starts")
}

/// A keychain service of this test's own in the real Secret Service.
pub fn test_keychain() -> parta_client::secrets::Keychain {
    parta_client::secrets::Keychain::new(format!("parta-test-{}", uuid::Uuid::new_v4()))
}

pub fn loopback() -> SocketAddr {
    ([127, 0, 0, 1], 0).into()
}

pub async fn token(server: &RunningServer, username: &str) -> Sensitive<String> {
    let issued = parta_server::demo::issue_token(server.school(), username, "test")
        .await
        .expect("token issued");
    Sensitive::new(issued.into_inner())
}

pub fn fast_config() -> SessionConfig {
    SessionConfig {
        poll_timeout: Duration::from_secs(5),
        backoff_initial: Duration::from_millis(50),
        backoff_max: Duration::from_millis(300),
        ..SessionConfig::default()
    }
}

/// The cache in an SQLite file, encrypted as the app's is (one random key per test process).
pub async fn sqlite(path: &Path) -> Arc<dyn Store> {
    Arc::new(
        SqliteStore::open_encrypted(path, test_key())
            .await
            .expect("cache opens"),
    )
}

/// This test process's cache key.
pub fn test_key() -> &'static parta_client::store::CacheKey {
    static KEY: std::sync::OnceLock<parta_client::store::CacheKey> = std::sync::OnceLock::new();
    KEY.get_or_init(|| parta_client::store::CacheKey::generate().expect("random key"))
}

pub async fn session(
    url: &str,
    token: &Sensitive<String>,
    user_id: Option<i64>,
    store: Arc<dyn Store>,
) -> Session {
    let api = ApiClient::new(url, token.clone()).unwrap();
    Session::start("profile".into(), user_id, api, store, fast_config())
}

/// A session of the person holding `token` on `server`, with its cache in `cache`, once it is
/// online.
pub async fn online(server: &RunningServer, token: &Sensitive<String>, cache: &Path) -> Session {
    let session = session(&server.url(), token, None, sqlite(cache).await).await;
    wait_connection(&session, ConnectionState::Online).await;
    session
}

/// Demo person `login` signed in on `server` as a profile of theirs (the session knows who it
/// is), online, with a cache of their own in `dir`.
pub async fn signed_in(server: &RunningServer, login: &str, dir: &Path) -> Session {
    let token = token(server, login).await;
    let me = ApiClient::new(&server.url(), token.clone())
        .unwrap()
        .me()
        .await
        .unwrap();
    let cache = sqlite(&dir.join(format!("{login}.sqlite"))).await;
    let session = session(&server.url(), &token, Some(me.user.user_id), cache).await;
    wait_connection(&session, ConnectionState::Online).await;
    session
}

/// Waits for the session's connection state to become `want`.
pub async fn wait_connection(session: &Session, want: ConnectionState) {
    let mut rx = session.connection();
    tokio::time::timeout(SOON, rx.wait_for(|s| *s == want))
        .await
        .unwrap_or_else(|_| panic!("connection never became {want:?}"))
        .expect("session alive");
}

/// Waits for the first event matching `pred`.
pub async fn wait_event(
    rx: &mut broadcast::Receiver<AppEvent>,
    what: &str,
    mut pred: impl FnMut(&AppEvent) -> bool,
) -> AppEvent {
    tokio::time::timeout(SOON, async {
        loop {
            match rx.recv().await {
                Ok(event) if pred(&event) => return event,
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => panic!("event stream closed"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no event: {what}"))
}

/// The id of the chat called `title` among the session's cached chats.
pub async fn chat_id(session: &Session, title: &str) -> i64 {
    let chats = session.chats().await.expect("chats from the cache");
    chats
        .iter()
        .find(|c| c.title == title)
        .map(|c| c.chat_id)
        .unwrap_or_else(|| panic!("no chat {title}"))
}

/// The id of the chat titled `title`, asked of the server directly.
pub async fn api_chat_id(api: &parta_client::api::ApiClient, title: &str) -> i64 {
    api.all_chats()
        .await
        .expect("the chat list")
        .into_iter()
        .find(|c| c.title.as_deref() == Some(title))
        .unwrap_or_else(|| panic!("no chat {title}"))
        .chat_id
}

/// Every file under `dir`.
pub fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).expect("a folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}
