//! What every desktop test uses: the built app, how long a step may take, a request to the
//! school server as another device, and a look into the app's own cache.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use parta_e2e::{Element, Session, TauriDriver};
use serde_json::{Value, json};

/// The app under test, built by cargo for this test target.
pub const APP: &str = env!("CARGO_BIN_EXE_parta-desktop");

/// How long one step may take before the test fails with the page's contents.
pub const SOON: Duration = Duration::from_secs(30);

/// POSTs `body` to the school server (as a teacher's or parent's other device when `token` is
/// given) and returns the JSON answer; anything but success fails the test.
pub async fn post_json(url: String, token: Option<&str>, body: Value) -> Value {
    let mut request = reqwest::Client::new().post(url).json(&body);
    if let Some(token) = token {
        request = request.header("Authorization", token);
    }
    let response = request.send().await.unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    response.json().await.unwrap()
}

/// GETs `url` from the school server as the device with `token`; the JSON answer.
pub async fn get_json(url: String, token: &str) -> Value {
    let response = reqwest::Client::new()
        .get(url)
        .header("Authorization", token)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    response.json().await.unwrap()
}

/// The `id_field` of the item of `list` whose `field` is `value`.
pub fn id_where(list: &Value, field: &str, value: &str, id_field: &str) -> i64 {
    list.as_array()
        .and_then(|items| items.iter().find(|item| item[field] == value))
        .and_then(|item| item[id_field].as_i64())
        .unwrap_or_else(|| panic!("no {field} = {value} in {list}"))
}

/// One value from the app's cache in `data`, read-only, while the app may still be running:
/// opened, as the app does, with the cache's key from the keychain.
pub async fn cache_value<T>(data: &Path, sql: &str) -> T
where
    T: Send + Unpin + for<'r> sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    let key = parta_client::secrets::Keychain::new(parta_client::home::KEYCHAIN_SERVICE)
        .load(&parta_client::cache_key_account(data).expect("the app's cache id"))
        .await
        .unwrap()
        .expect("the app keeps the cache's key in the keychain");
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(&format!(
        "sqlite://{}?mode=ro",
        data.join("cache.sqlite").display()
    ))
    .unwrap()
    .pragma("key", format!("\"x'{}'\"", key.expose()));
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let value = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    value
}

/// Sets a date or time input the way a person's picker does (an `input` event): WebKitGTK's
/// date and time fields do not take typed keys the same way on every machine.
pub async fn set_input(app: &Session, css: &str, value: &str) {
    app.shows(css).await;
    app.execute(&format!(
        "const i = document.querySelector({css:?}); i.value = {value:?};\
         i.dispatchEvent(new InputEvent('input', {{bubbles: true}})); return null"
    ))
    .await
    .unwrap();
}

/// The demo school's server on a port of its own, its database in `dir`.
pub async fn demo_school(dir: &Path) -> parta_server::RunningServer {
    let config =
        parta_server::ServerConfig::demo(dir.join("school.sqlite"), ([127, 0, 0, 1], 0).into());
    parta_server::start(config).await.unwrap()
}

/// Starts tauri-driver and the app with its data in `data`; keep the driver as long as the app.
pub async fn launch(data: &Path) -> (TauriDriver, Session) {
    launch_with(&[("PARTA_DATA_DIR", data)], APP.as_ref()).await
}

/// Starts tauri-driver with `envs` for the app (its `PARTA_DATA_DIR` among them) and `binary`
/// (the built app, or a package of it) in a window.
pub async fn launch_with(envs: &[(&str, &Path)], binary: &Path) -> (TauriDriver, Session) {
    let driver = TauriDriver::start(envs).unwrap();
    let app = Session::new(&driver, binary, &[]).await.unwrap();
    (driver, app)
}

/// A fresh data folder for the app under `dir`.
pub fn app_dir(dir: &Path) -> std::path::PathBuf {
    let data = dir.join("app");
    std::fs::create_dir_all(&data).unwrap();
    data
}

/// Signs a demo person in from another device (a phone) and returns its token.
pub async fn sign_in(server: &str, login: &str) -> String {
    let answer = post_json(
        format!("{server}/school/login"),
        None,
        json!({"login": login, "password": parta_server::demo::DEMO_PASSWORD,
               "device_name": "phone"}),
    )
    .await;
    answer["access_token"].as_str().unwrap().to_owned()
}

/// Signs the app in to the school's server at `server` as demo person `login` (welcome
/// screen → «Подключиться к серверу школы»).
pub async fn sign_in_app(app: &Session, server: &str, login: &str) {
    app.tap("[data-testid=connect-button]").await;
    submit_sign_in(app, server, login, parta_server::demo::DEMO_PASSWORD).await;
}

/// Fills the open sign-in form afresh (address, login, password) and presses «Войти».
pub async fn submit_sign_in(app: &Session, server: &str, login: &str, password: &str) {
    for (field, value) in [
        ("server-url", server),
        ("login", login),
        ("password", password),
    ] {
        let css = format!("[data-testid={field}]");
        app.clear(&css, SOON).await.unwrap();
        app.fill(&css, value).await;
    }
    app.tap("[data-testid=sign-in-button]").await;
}

/// Switches the app to another profile through the profile menu (`testid`: the menu item).
pub async fn switch_profile(app: &Session, testid: &str) {
    app.tap("[data-testid=profile-switcher]").await;
    app.tap(&format!("[data-testid='{testid}']")).await;
}

/// Waits until `check` holds, asking again every 100 ms; fails the test naming `what` after
/// [`SOON`].
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + SOON;
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not within {SOON:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks the button `testid` of the (newest) message whose text contains `text`: the demo
/// chat has older messages with the same buttons.
pub async fn click_in_message(app: &Session, text: &str, testid: &str) {
    let script = format!(
        "const m = [...document.querySelectorAll('[data-testid=message]')] \
           .filter(e => e.textContent.includes({text:?})).pop(); \
         const b = m && m.querySelector('[data-testid={testid}]'); \
         if (b) {{ b.click(); return true }} return false"
    );
    eventually(&format!("{testid} on «{text}»"), || async {
        app.execute(&script).await.unwrap() == serde_json::Value::Bool(true)
    })
    .await;
}

/// Opens the chat titled `title` from the chat list and waits until its header shows.
pub async fn open_chat(app: &Session, title: &str) {
    app.tap_if(
        &format!("[data-testid=chat-item][data-title='{title}']"),
        |_| true,
    )
    .await;
    app.shows_if("[data-testid=chat-title]", |t| t.contains(title))
        .await;
}

/// Opens the demo school in a fresh app and waits for its chat list.
pub async fn open_demo(app: &Session) {
    app.tap("[data-testid=demo-button]").await;
    app.shows("[data-testid=chat-item]").await;
}

/// A test's steps in the window. Each waits up to [`SOON`] and, failing, fails the test with
/// what the page showed instead.
#[allow(async_fn_in_trait)]
pub trait Steps {
    /// Clicks the first element matching `css`.
    async fn tap(&self, css: &str);
    /// Clicks the first element matching `css` whose text satisfies `pred`.
    async fn tap_if(&self, css: &str, pred: impl Fn(&str) -> bool);
    /// Types `text` into the element matching `css`.
    async fn fill(&self, css: &str, text: &str);
    /// The first element matching `css`, once there is one.
    async fn shows(&self, css: &str) -> Element;
    /// The first element matching `css` whose text satisfies `pred`, once there is one.
    async fn shows_if(&self, css: &str, pred: impl Fn(&str) -> bool) -> Element;
    /// Returns once nothing matches `css`.
    async fn gone(&self, css: &str);
}

impl Steps for Session {
    async fn tap(&self, css: &str) {
        self.tap_if(css, |_| true).await;
    }

    async fn tap_if(&self, css: &str, pred: impl Fn(&str) -> bool) {
        passed(self.click_when(css, SOON, pred).await);
    }

    async fn fill(&self, css: &str, text: &str) {
        passed(self.type_into(css, SOON, text).await);
    }

    async fn shows(&self, css: &str) -> Element {
        self.shows_if(css, |_| true).await
    }

    async fn shows_if(&self, css: &str, pred: impl Fn(&str) -> bool) -> Element {
        passed(self.wait_for(css, SOON, pred).await)
    }

    async fn gone(&self, css: &str) {
        passed(self.wait_gone(css, SOON).await);
    }
}

/// The step's value; its error (which names the page it saw) fails the test.
fn passed<T>(result: parta_e2e::Result<T>) -> T {
    result.unwrap_or_else(|error| panic!("{error}"))
}
