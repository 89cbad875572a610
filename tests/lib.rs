//! The end-to-end tests' driver: fantoccini speaks the W3C WebDriver protocol to
//! `tauri-driver`; what is Parta's own sits on top of it — launching the app and waiting until
//! its one instance per data folder has really ended, retrying an element that went stale while
//! Yew re-rendered, repainting the page before a screenshot, and bounding every call in time.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// An error of a WebDriver call, with what the driver said.
#[derive(Debug)]
pub struct DriverError(pub String);

impl std::fmt::Display for DriverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DriverError {}

impl From<fantoccini::error::CmdError> for DriverError {
    fn from(e: fantoccini::error::CmdError) -> Self {
        // WebKitWebDriver words a stale element as "Node with identifier … was not found":
        // keep the W3C error code in the text, which `is_stale` reads.
        match e {
            fantoccini::error::CmdError::Standard(w) => {
                DriverError(format!("{}: {}", w.error(), w.message))
            }
            other => DriverError(other.to_string()),
        }
    }
}

/// `Result` of driver calls.
pub type Result<T> = std::result::Result<T, DriverError>;

/// Every WebDriver call is bounded: a window that never comes fails the test with an error
/// instead of hanging the suite.
const CALL_LIMIT: Duration = Duration::from_secs(90);

async fn bounded<T, E: Into<DriverError>>(
    what: &str,
    call: impl std::future::Future<Output = std::result::Result<T, E>>,
) -> Result<T> {
    match tokio::time::timeout(CALL_LIMIT, call).await {
        Ok(result) => result.map_err(Into::into),
        Err(_) => Err(DriverError(format!(
            "{what}: no answer within {CALL_LIMIT:?}"
        ))),
    }
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| DriverError(e.to_string()))?;
    Ok(listener
        .local_addr()
        .map_err(|e| DriverError(e.to_string()))?
        .port())
}

/// How many times a `tauri-driver` that never became ready is started again.
const START_TRIES: usize = 3;

/// How long one start may take to answer `/status` as ready (about 0.3 s here).
const READY_LIMIT: Duration = Duration::from_secs(20);

/// The body of `GET /status` on the driver at `port`, in plain HTTP/1.1.
fn driver_status(port: u16) -> std::result::Result<String, String> {
    use std::io::{Read, Write};
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2))
        .map_err(|e| format!("connect: {e}"))?;
    let limit = Some(Duration::from_secs(5));
    stream
        .set_read_timeout(limit)
        .and_then(|()| stream.set_write_timeout(limit))
        .map_err(|e| e.to_string())?;
    write!(
        stream,
        "GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| format!("send: {e}"))?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .map_err(|e| format!("read: {e}"))?;
    match answer.split_once("\r\n\r\n") {
        Some((head, body)) if head.starts_with("HTTP/1.1 200") => Ok(body.to_string()),
        _ => Err(format!("answer: {:.120}", answer)),
    }
}

/// A running `tauri-driver`; killed on drop.
pub struct TauriDriver {
    child: Child,
    port: u16,
    /// What the launched apps get in their environment, as `KEY=VALUE`: how their processes
    /// are told apart from other tests' ones.
    envs: Vec<String>,
}

impl TauriDriver {
    /// Starts `tauri-driver` on free ports with `envs` passed to the app it launches, and
    /// returns once it answers `/status` as ready through to WebKitWebDriver behind it.
    ///
    /// A port found free can be taken again before WebKitWebDriver binds it (every outgoing
    /// connection on loopback draws from the same range); WebKitWebDriver then exits, and every
    /// new session fails with "did not respond". Such a start is retried on other ports.
    pub fn start(envs: &[(&str, &Path)]) -> Result<Self> {
        if std::env::var_os("DISPLAY").is_none() {
            return Err(DriverError(
                "DISPLAY is not set: run the suite through scripts/test.sh (it starts Xvfb)".into(),
            ));
        }
        let mut why = String::new();
        for _ in 0..START_TRIES {
            let driver = Self::spawn(envs)?;
            match driver.wait_ready() {
                Ok(()) => return Ok(driver),
                // Dropping it ends tauri-driver and its WebKitWebDriver.
                Err(e) => why = e,
            }
        }
        Err(DriverError(format!(
            "tauri-driver was not ready in {START_TRIES} starts: {why}"
        )))
    }

    fn spawn(envs: &[(&str, &Path)]) -> Result<Self> {
        let port = free_port()?;
        let native = free_port()?;
        let mut cmd = Command::new("tauri-driver");
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
        ])
        // PARTA_E2E_LOGS=1 shows the app's own log (it goes unseen otherwise).
        .stdout(log_stdio())
        .stderr(log_stdio());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let child = cmd.spawn().map_err(|e| {
            DriverError(format!(
                "cannot start tauri-driver (scripts/install.sh installs it): {e}"
            ))
        })?;
        let envs = envs
            .iter()
            .map(|(k, v)| format!("{k}={}", v.display()))
            .collect();
        Ok(Self { child, port, envs })
    }

    /// Waits until `GET /status` through tauri-driver says WebKitWebDriver is ready.
    fn wait_ready(&self) -> std::result::Result<(), String> {
        let deadline = Instant::now() + READY_LIMIT;
        loop {
            let last = match driver_status(self.port) {
                Ok(body) if body.replace(' ', "").contains("\"ready\":true") => return Ok(()),
                Ok(body) => format!("status {body}"),
                Err(e) => e,
            };
            if Instant::now() >= deadline {
                return Err(format!(
                    "ports {} and its native one, within {READY_LIMIT:?}: {last}",
                    self.port
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The driver's base URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        // End the WebKitWebDriver it started too (by pid: no group or session signals, which
        // could reach processes that are not ours).
        let pid = self.child.id();
        let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"));
        for child in children.unwrap_or_default().split_whitespace() {
            let _ = Command::new("kill").arg(child).status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A WebDriver session on the app window.
pub struct Session {
    client: Client,
    binary: std::path::PathBuf,
    envs: Vec<String>,
}

/// A found element.
#[derive(Debug, Clone)]
pub struct Element(fantoccini::elements::Element);

impl Session {
    /// Opens a session, which launches the app at `binary` with `args`.
    pub async fn new(driver: &TauriDriver, binary: &Path, args: &[&str]) -> Result<Self> {
        if !binary.exists() {
            return Err(DriverError(format!(
                "{} is missing: build the app first (scripts/test.sh does)",
                binary.display()
            )));
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "tauri:options".into(),
            json!({"application": binary, "args": args}),
        );
        let mut builder =
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(capabilities);
        // tauri-driver needs a moment to listen; retry the connection for a while.
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            match tokio::time::timeout(CALL_LIMIT, builder.connect(&driver.url())).await {
                Ok(Ok(client)) => break client,
                // Refused or reset while tauri-driver is still starting: try again shortly.
                Ok(Err(
                    fantoccini::error::NewSessionError::Failed(_)
                    | fantoccini::error::NewSessionError::FailedC(_)
                    | fantoccini::error::NewSessionError::Lost(_),
                )) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Ok(Err(e)) => return Err(DriverError(format!("new session: {e}"))),
                Err(_) => return Err(DriverError("new session: no window within 90 s".into())),
            }
        };
        Ok(Self {
            client,
            binary: binary.to_path_buf(),
            envs: driver.envs.clone(),
        })
    }

    /// All elements matching a CSS selector (possibly none).
    pub async fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        let found = bounded(css, self.client.find_all(Locator::Css(css))).await?;
        Ok(found.into_iter().map(Element).collect())
    }

    /// Waits up to `timeout` for an element matching `css` whose text satisfies `pred`.
    pub async fn wait_for(
        &self,
        css: &str,
        timeout: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> Result<Element> {
        let deadline = Instant::now() + timeout;
        loop {
            // While Yew re-renders, WebKitWebDriver may answer a find with "stale element
            // reference" for a node it saw a moment ago: that is the page moving, not a
            // failure, so look again on the next round (a persistent error still ends the
            // wait with the page shown below).
            let found = self.find_all(css).await.unwrap_or_default();
            for element in found {
                if self.text(&element).await.is_ok_and(|text| pred(&text)) {
                    return Ok(element);
                }
            }
            if Instant::now() > deadline {
                // Say what the window showed instead, so a failure explains itself.
                let source = bounded("source", self.client.source()).await;
                let shown: String = source.unwrap_or_else(|e| e.0).chars().take(3000).collect();
                return Err(DriverError(format!(
                    "no element '{css}' as expected within {timeout:?}; the page was:\n{shown}"
                )));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Finds an element matching `css` whose text satisfies `pred` and clicks it. If the page
    /// re-renders between the find and the click (a stale element), finds it again.
    pub async fn click_when(
        &self,
        css: &str,
        timeout: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            let element = self.wait_for(css, timeout, &pred).await?;
            match self.click(&element).await {
                Err(e) if is_stale(&e) && Instant::now() < deadline => continue,
                other => return other,
            }
        }
    }

    /// Types `text` into the element matching `css`, finding it again if it went stale before
    /// the first key arrived.
    pub async fn type_into(&self, css: &str, timeout: Duration, text: &str) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            let element = self.wait_for(css, timeout, |_| true).await?;
            match self.type_text(&element, text).await {
                Err(e) if is_stale(&e) && Instant::now() < deadline => continue,
                other => return other,
            }
        }
    }

    /// How many elements matching `css` contain `needle`, counted in one step inside the page
    /// (no element references that could go stale between the find and the read).
    pub async fn count_containing(&self, css: &str, needle: &str) -> Result<usize> {
        let value = self
            .execute_with(
                "return Array.from(document.querySelectorAll(arguments[0]))\
                    .filter(e => e.textContent.includes(arguments[1])).length;",
                vec![json!(css), json!(needle)],
            )
            .await?;
        value
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| DriverError(format!("count: not a number: {value}")))
    }

    /// Waits until no element matches `css`.
    pub async fn wait_gone(&self, css: &str, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        // A stale-element answer counts as "still there": look again (see `wait_for`).
        while self
            .find_all(css)
            .await
            .map_or(true, |found| !found.is_empty())
        {
            if Instant::now() > deadline {
                return Err(DriverError(format!(
                    "'{css}' still shown after {timeout:?}"
                )));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }

    /// The text content of an element. (WebKitWebDriver's "visible text" drops text that is
    /// clipped with `overflow: hidden`, such as an ellipsized chat title, so it is not used.)
    pub async fn text(&self, element: &Element) -> Result<String> {
        let text = bounded("textContent", element.0.prop("textContent")).await?;
        Ok(text.unwrap_or_default())
    }

    /// An attribute of an element.
    pub async fn attribute(&self, element: &Element, name: &str) -> Result<Option<String>> {
        bounded(name, element.0.attr(name)).await
    }

    /// Clicks an element.
    pub async fn click(&self, element: &Element) -> Result<()> {
        bounded("click", element.0.click()).await
    }

    /// Types text into an element.
    pub async fn type_text(&self, element: &Element, text: &str) -> Result<()> {
        bounded("send keys", element.0.send_keys(text)).await
    }

    /// Empties an input field.
    pub async fn clear(&self, css: &str, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            let element = self.wait_for(css, timeout, |_| true).await?;
            match bounded("clear", element.0.clear()).await {
                Err(e) if is_stale(&e) && Instant::now() < deadline => continue,
                other => return other,
            }
        }
    }

    /// Presses `key` with `modifiers` held, as a person does on the keyboard (WebDriver
    /// actions: real key events, default actions included). Names: "Control", "Shift",
    /// "Enter", "Escape", "Tab", "ArrowDown", "ArrowUp", or a single character.
    pub async fn press(&self, modifiers: &[&str], key: &str) -> Result<()> {
        let code = |name: &str| -> Result<char> {
            Ok(match name {
                "Control" => '\u{E009}',
                "Shift" => '\u{E008}',
                "Enter" => '\u{E007}',
                "Escape" => '\u{E00C}',
                "Tab" => '\u{E004}',
                "ArrowUp" => '\u{E013}',
                "ArrowDown" => '\u{E015}',
                one => {
                    let mut chars = one.chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None) => c,
                        _ => return Err(DriverError(format!("no key called {one}"))),
                    }
                }
            })
        };
        let mut steps = Vec::new();
        for m in modifiers {
            steps.push(KeyAction::Down { value: code(m)? });
        }
        steps.push(KeyAction::Down { value: code(key)? });
        steps.push(KeyAction::Up { value: code(key)? });
        for m in modifiers.iter().rev() {
            steps.push(KeyAction::Up { value: code(m)? });
        }
        self.key_actions(steps).await
    }

    /// Types `text` into whatever has the focus, key by key.
    pub async fn type_keys(&self, text: &str) -> Result<()> {
        let steps = text
            .chars()
            .flat_map(|c| [KeyAction::Down { value: c }, KeyAction::Up { value: c }])
            .collect();
        self.key_actions(steps).await
    }

    async fn key_actions(&self, steps: Vec<KeyAction>) -> Result<()> {
        let mut keyboard = KeyActions::new("keyboard".into());
        for step in steps {
            keyboard = keyboard.then(step);
        }
        bounded("key actions", self.client.perform_actions(keyboard)).await
    }

    /// Brings the app's window to the front, so that it has the desktop's keyboard focus
    /// (which decides whether `:focus` styles show; with several apps on one display, the
    /// last one brought forward has it).
    pub async fn bring_to_front(&self) -> Result<()> {
        let handle = bounded("window", self.client.window()).await?;
        bounded("switch to window", self.client.switch_to_window(handle)).await
    }

    /// The focused element's `data-testid` (or its tag name when it has none).
    pub async fn focused(&self) -> Result<String> {
        let value = self
            .execute(
                "const e = document.activeElement;\
                 return e ? (e.dataset.testid || e.tagName.toLowerCase()) : ''",
            )
            .await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// Runs a script in the page and returns its result.
    pub async fn execute(&self, script: &str) -> Result<Value> {
        self.execute_with(script, Vec::new()).await
    }

    async fn execute_with(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        bounded("execute", self.client.execute(script, args)).await
    }

    /// The window's size and position (`{x, y, width, height}`).
    pub async fn window_rect(&self) -> Result<Value> {
        // Read in the page's terms as the window manager placed it; WebKitWebDriver may answer
        // negative coordinates, which fantoccini's typed rect does not take.
        let (x, y, width, height) = bounded("window rect", self.client.get_window_rect()).await?;
        Ok(json!({"x": x, "y": y, "width": width, "height": height}))
    }

    /// Resizes the window (`{width, height}`), and moves it where `x` and `y` are given;
    /// returns where it is now.
    pub async fn set_window_rect(&self, rect: Value) -> Result<Value> {
        let number = |key: &str| rect.get(key).and_then(Value::as_u64).map(|n| n as u32);
        let (width, height) = number("width")
            .zip(number("height"))
            .ok_or_else(|| DriverError(format!("set_window_rect needs a size: {rect}")))?;
        match number("x").zip(number("y")) {
            Some((x, y)) => {
                bounded(
                    "set window rect",
                    self.client.set_window_rect(x, y, width, height),
                )
                .await?
            }
            None => {
                bounded(
                    "set window size",
                    self.client.set_window_size(width, height),
                )
                .await?
            }
        }
        self.window_rect().await
    }

    /// Saves a PNG screenshot of the window.
    ///
    /// With WebKit drawing in software (the app's default on Linux), WebKitWebDriver answers a
    /// screenshot only after the page paints again, so on a still page it does not answer (seen:
    /// none in 7.5 minutes of asking on the idle demo window). The page is first made to
    /// repaint for about a second by a transparent outline switched on and off, which leaves
    /// every pixel as it was; then the screenshot comes in 0.1–0.2 s.
    pub async fn screenshot(&self, path: &Path) -> Result<()> {
        self.execute(
            "const root = document.documentElement; let n = 0;\
             const id = setInterval(() => {\
               root.style.outline = n++ % 2 ? '1px solid transparent' : '0px solid transparent';\
               if (n > 20) { clearInterval(id); root.style.outline = ''; }\
             }, 50); return null",
        )
        .await?;
        let png = bounded("screenshot", self.client.screenshot()).await?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| DriverError(e.to_string()))?;
        }
        std::fs::write(path, png).map_err(|e| DriverError(e.to_string()))
    }

    /// Ends the session (closes the app) and waits until the app's process has gone: the
    /// app allows one instance per data folder, so a launch right after would otherwise hand
    /// itself over to the instance that is still ending.
    pub async fn close(self) -> Result<()> {
        let Self {
            client,
            binary,
            envs,
        } = self;
        bounded("end session", client.close()).await?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while app_running(&binary, &envs) || instance_name_owned(&envs) {
            if Instant::now() > deadline {
                return Err(DriverError("the app did not end within 20 s".into()));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(())
    }
}

/// Whether the app's one-instance name for its data folder is still owned on the session bus.
/// The bus frees it a moment after the process is gone; a launch before that would hand itself
/// over to the instance that no longer exists and never open a window.
fn instance_name_owned(envs: &[String]) -> bool {
    let Some(dir) = envs.iter().find_map(|e| e.strip_prefix("PARTA_DATA_DIR=")) else {
        return false;
    };
    let name = format!(
        "ru.parta.desktop.d{:016x}",
        parta_client::stable_hash(dir.as_bytes())
    );
    std::process::Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            &format!("string:{name}"),
        ])
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("boolean true"))
}

/// Whether a process of `binary` with all of `envs` in its environment is still alive (Linux:
/// read from /proc).
fn app_running(binary: &Path, envs: &[String]) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return false;
    };
    entries.flatten().any(|entry| {
        let dir = entry.path();
        let same_binary = std::fs::read_link(dir.join("exe"))
            .is_ok_and(|exe| exe == binary || exe.starts_with(binary));
        same_binary
            && std::fs::read(dir.join("environ")).is_ok_and(|environ| {
                let vars: Vec<&[u8]> = environ.split(|b| *b == 0).collect();
                envs.iter().all(|e| vars.contains(&e.as_bytes()))
            })
    })
}

/// Whether the driver said the element it was handed is no longer in the page.
fn is_stale(error: &DriverError) -> bool {
    error.0.contains("stale element")
}

/// Where tauri-driver (and the app under it) writes: nowhere, or this terminal with
/// `PARTA_E2E_LOGS` set.
fn log_stdio() -> Stdio {
    if std::env::var_os("PARTA_E2E_LOGS").is_some() {
        Stdio::inherit()
    } else {
        Stdio::null()
    }
}

/// Where tests save their screenshots: `PARTA_SCREENSHOT_DIR` (scripts/screenshots.sh sets it
/// to docs/screenshots), else a folder in the temp dir.
pub fn screenshot_dir() -> std::path::PathBuf {
    std::env::var_os("PARTA_SCREENSHOT_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("parta-e2e"))
}

/// Every file under `dir`, in any depth (none if it does not exist).
pub fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_element_is_told_apart_from_other_failures() {
        let webkit = fantoccini::error::CmdError::Standard(fantoccini::error::WebDriver::new(
            fantoccini::error::ErrorStatus::StaleElementReference,
            "Node with identifier 'node-1' was not found",
        ));
        assert!(
            is_stale(&DriverError::from(webkit)),
            "WebKit's wording of a stale element"
        );
        assert!(is_stale(&DriverError(
            "stale element reference: the element is not attached".into()
        )));
        assert!(!is_stale(&DriverError("no such element".into())));
    }
}
