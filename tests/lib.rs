//! A minimal W3C WebDriver client over `tauri-driver`, and helpers to start the real app.
//!
//! Only the endpoints the tests use: sessions, finding elements, clicking, typing, reading
//! text, running a script and taking screenshots.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The W3C key for an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// An error of a WebDriver call, with what the driver said.
#[derive(Debug)]
pub struct DriverError(pub String);

impl std::fmt::Display for DriverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DriverError {}

/// `Result` of driver calls.
pub type Result<T> = std::result::Result<T, DriverError>;

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| DriverError(e.to_string()))?;
    Ok(listener
        .local_addr()
        .map_err(|e| DriverError(e.to_string()))?
        .port())
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
    /// Starts `tauri-driver` on free ports with `envs` passed to the app it launches.
    pub fn start(envs: &[(&str, &Path)]) -> Result<Self> {
        if std::env::var_os("DISPLAY").is_none() {
            return Err(DriverError(
                "DISPLAY is not set: run the suite through scripts/test.sh (it starts Xvfb)".into(),
            ));
        }
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
    http: reqwest::Client,
    base: String,
    binary: std::path::PathBuf,
    envs: Vec<String>,
}

/// A found element.
#[derive(Debug, Clone)]
pub struct Element(String);

impl Session {
    /// Opens a session, which launches the app at `binary` with `args`.
    pub async fn new(driver: &TauriDriver, binary: &Path, args: &[&str]) -> Result<Self> {
        if !binary.exists() {
            return Err(DriverError(format!(
                "{} is missing: build the app first (scripts/test.sh does)",
                binary.display()
            )));
        }
        // Every WebDriver call is bounded: a window that never comes fails the test with an
        // error instead of hanging the suite.
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(90))
            .build()
            .map_err(|e| DriverError(e.to_string()))?;
        let caps = json!({"capabilities": {"alwaysMatch": {"tauri:options": {
            "application": binary, "args": args
        }}}});
        // tauri-driver needs a moment to listen; retry the connection for a while.
        let deadline = Instant::now() + Duration::from_secs(30);
        let value = loop {
            match http
                .post(format!("{}/session", driver.url()))
                .json(&caps)
                .send()
                .await
            {
                Ok(resp) => {
                    break resp
                        .json::<Value>()
                        .await
                        .map_err(|e| DriverError(e.to_string()))?;
                }
                // Refused or reset while tauri-driver is still starting: try again shortly.
                Err(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => return Err(DriverError(format!("new session: {e}"))),
            }
        };
        let id = value["value"]["sessionId"]
            .as_str()
            .ok_or_else(|| DriverError(format!("no session: {value}")))?;
        Ok(Self {
            http,
            base: format!("{}/session/{id}", driver.url()),
            binary: binary.to_path_buf(),
            envs: driver.envs.clone(),
        })
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value> {
        let mut request = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let value: Value = request
            .send()
            .await
            .map_err(|e| DriverError(e.to_string()))?
            .json()
            .await
            .map_err(|e| DriverError(e.to_string()))?;
        if value["value"].get("error").is_some() {
            return Err(DriverError(format!("{path}: {}", value["value"])));
        }
        Ok(value["value"].clone())
    }

    /// All elements matching a CSS selector (possibly none).
    pub async fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        let value = self
            .call(
                reqwest::Method::POST,
                "/elements",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await?;
        Ok(value
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|v| v[ELEMENT].as_str().map(|s| Element(s.to_owned())))
                    .collect()
            })
            .unwrap_or_default())
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
                let source = self.call(reqwest::Method::GET, "/source", None).await;
                let source = source.map(|v| v.as_str().unwrap_or_default().to_owned());
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
            .call(
                reqwest::Method::POST,
                "/execute/sync",
                Some(json!({
                    "script": "return Array.from(document.querySelectorAll(arguments[0]))\
                        .filter(e => e.textContent.includes(arguments[1])).length;",
                    "args": [css, needle],
                })),
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
        let path = format!("/element/{}/property/textContent", element.0);
        let value = self.call(reqwest::Method::GET, &path, None).await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// An attribute of an element.
    pub async fn attribute(&self, element: &Element, name: &str) -> Result<Option<String>> {
        let value = self
            .call(
                reqwest::Method::GET,
                &format!("/element/{}/attribute/{name}", element.0),
                None,
            )
            .await?;
        Ok(value.as_str().map(str::to_owned))
    }

    /// Clicks an element.
    pub async fn click(&self, element: &Element) -> Result<()> {
        self.call(
            reqwest::Method::POST,
            &format!("/element/{}/click", element.0),
            Some(json!({})),
        )
        .await?;
        Ok(())
    }

    /// Types text into an element.
    pub async fn type_text(&self, element: &Element, text: &str) -> Result<()> {
        self.call(
            reqwest::Method::POST,
            &format!("/element/{}/value", element.0),
            Some(json!({"text": text})),
        )
        .await?;
        Ok(())
    }

    /// Empties an input field.
    pub async fn clear(&self, css: &str, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            let element = self.wait_for(css, timeout, |_| true).await?;
            match self
                .call(
                    reqwest::Method::POST,
                    &format!("/element/{}/clear", element.0),
                    Some(json!({})),
                )
                .await
            {
                Err(e) if is_stale(&e) && Instant::now() < deadline => continue,
                other => return other.map(|_| ()),
            }
        }
    }

    /// Presses `key` with `modifiers` held, as a person does on the keyboard (WebDriver
    /// actions: real key events, default actions included). Names: "Control", "Shift",
    /// "Enter", "Escape", "Tab", "ArrowDown", "ArrowUp", or a single character.
    pub async fn press(&self, modifiers: &[&str], key: &str) -> Result<()> {
        let code = |name: &str| -> Result<String> {
            Ok(match name {
                "Control" => "\u{E009}".to_owned(),
                "Shift" => "\u{E008}".to_owned(),
                "Enter" => "\u{E007}".to_owned(),
                "Escape" => "\u{E00C}".to_owned(),
                "Tab" => "\u{E004}".to_owned(),
                "ArrowUp" => "\u{E013}".to_owned(),
                "ArrowDown" => "\u{E015}".to_owned(),
                one if one.chars().count() == 1 => one.to_owned(),
                other => return Err(DriverError(format!("no key called {other}"))),
            })
        };
        let mut steps = Vec::new();
        for m in modifiers {
            steps.push(json!({"type": "keyDown", "value": code(m)?}));
        }
        steps.push(json!({"type": "keyDown", "value": code(key)?}));
        steps.push(json!({"type": "keyUp", "value": code(key)?}));
        for m in modifiers.iter().rev() {
            steps.push(json!({"type": "keyUp", "value": code(m)?}));
        }
        self.key_actions(steps).await
    }

    /// Types `text` into whatever has the focus, key by key.
    pub async fn type_keys(&self, text: &str) -> Result<()> {
        let mut steps = Vec::new();
        for c in text.chars() {
            steps.push(json!({"type": "keyDown", "value": c.to_string()}));
            steps.push(json!({"type": "keyUp", "value": c.to_string()}));
        }
        self.key_actions(steps).await
    }

    async fn key_actions(&self, steps: Vec<Value>) -> Result<()> {
        self.call(
            reqwest::Method::POST,
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": steps}]})),
        )
        .await?;
        Ok(())
    }

    /// Brings the app's window to the front, so that it has the desktop's keyboard focus
    /// (which decides whether `:focus` styles show; with several apps on one display, the
    /// last one brought forward has it).
    pub async fn bring_to_front(&self) -> Result<()> {
        let handle = self.call(reqwest::Method::GET, "/window", None).await?;
        self.call(
            reqwest::Method::POST,
            "/window",
            Some(json!({"handle": handle})),
        )
        .await?;
        Ok(())
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
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
        .await
    }

    /// The window's size and position (`{x, y, width, height}`).
    pub async fn window_rect(&self) -> Result<Value> {
        self.call(reqwest::Method::GET, "/window/rect", None).await
    }

    /// Moves or resizes the window; returns where it is now.
    pub async fn set_window_rect(&self, rect: Value) -> Result<Value> {
        self.call(reqwest::Method::POST, "/window/rect", Some(rect))
            .await
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
        let value = self.call(reqwest::Method::GET, "/screenshot", None).await?;
        let b64 = value
            .as_str()
            .ok_or_else(|| DriverError("no screenshot".into()))?;
        let bytes = decode_base64(b64)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| DriverError(e.to_string()))?;
        }
        std::fs::write(path, bytes).map_err(|e| DriverError(e.to_string()))
    }

    /// Ends the session (closes the app) and waits until the app's process has gone: the
    /// app allows one instance per data folder, so a launch right after would otherwise hand
    /// itself over to the instance that is still ending.
    pub async fn close(self) -> Result<()> {
        self.http
            .delete(&self.base)
            .send()
            .await
            .map_err(|e| DriverError(e.to_string()))?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.app_running() || self.instance_name_owned() {
            if Instant::now() > deadline {
                return Err(DriverError("the app did not end within 20 s".into()));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(())
    }

    /// Whether the app's one-instance name for its data folder is still owned on the session
    /// bus. The bus frees it a moment after the process is gone; a launch before that would
    /// hand itself over to the instance that no longer exists and never open a window.
    fn instance_name_owned(&self) -> bool {
        let Some(dir) = self
            .envs
            .iter()
            .find_map(|e| e.strip_prefix("PARTA_DATA_DIR="))
        else {
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

    /// Whether a process of this session's app binary with this driver's environment is
    /// still alive (Linux: read from /proc).
    fn app_running(&self) -> bool {
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return false;
        };
        entries.flatten().any(|entry| {
            let dir = entry.path();
            let same_binary = std::fs::read_link(dir.join("exe"))
                .is_ok_and(|exe| exe == self.binary || exe.starts_with(&self.binary));
            same_binary
                && std::fs::read(dir.join("environ")).is_ok_and(|environ| {
                    let vars: Vec<&[u8]> = environ.split(|b| *b == 0).collect();
                    self.envs.iter().all(|e| vars.contains(&e.as_bytes()))
                })
        })
    }
}

/// Whether the driver said the element it was handed is no longer in the page.
fn is_stale(error: &DriverError) -> bool {
    error.0.contains("stale element")
}

fn decode_base64(input: &str) -> Result<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let clean: Vec<u8> = input
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut acc = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            acc |= value(*c).ok_or_else(|| DriverError("bad base64".into()))? << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Ok(out)
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
    #[test]
    fn base64_decodes_padded_and_unpadded_input() {
        assert_eq!(super::decode_base64("UGFydGE=").unwrap(), b"Parta");
        assert_eq!(super::decode_base64("UGFy").unwrap(), b"Par");
    }
}
