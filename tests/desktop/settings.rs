//! The settings screen through the real window: the app lock (a PIN kept only in the system
//! keychain, locking now and when idle, a wrong PIN refused), clearing the cache without
//! losing a draft, and signing out with the data deleted from this computer.

use parta_client::secrets::Keychain;
use parta_e2e::{Session, TauriDriver};

use crate::common::{APP, SOON, cache_value};

async fn unlock(app: &Session, pin: &str) {
    app.type_into("[data-testid=unlock-pin]", SOON, pin)
        .await
        .unwrap();
    app.click_when("[data-testid=unlock-button]", SOON, |_| true)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_locks_with_a_pin_clears_its_cache_and_signs_out_leaving_nothing_behind() {
    let data = tempfile::tempdir().unwrap();
    let keychain = Keychain::new("parta");
    let lock_account = parta_client::applock::account_for(data.path());
    let driver = TauriDriver::start(&[("PARTA_DATA_DIR", data.path())]).unwrap();
    let app = Session::new(&driver, APP.as_ref(), &[]).await.unwrap();
    app.click_when("[data-testid=demo-button]", SOON, |_| true)
        .await
        .unwrap();
    let class_chat = "[data-testid=chat-item][data-title='5А — родители']";
    app.click_when(class_chat, SOON, |_| true).await.unwrap();
    app.type_into("[data-testid=composer-input]", SOON, "Черновик до очистки")
        .await
        .unwrap();

    // A PIN: only its argon2 hash, only in the keychain.
    app.click_when("[data-testid=settings-button]", SOON, |_| true)
        .await
        .unwrap();
    app.type_into("[data-testid=new-pin]", SOON, "2468")
        .await
        .unwrap();
    app.type_into("[data-testid=repeat-pin]", SOON, "2467")
        .await
        .unwrap();
    app.click_when("[data-testid=set-pin]", SOON, |_| true)
        .await
        .unwrap();
    app.wait_for("[data-testid=settings-note]", SOON, |t| {
        t.contains("не совпадают")
    })
    .await
    .unwrap();
    app.clear("[data-testid=repeat-pin]", SOON).await.unwrap();
    app.type_into("[data-testid=repeat-pin]", SOON, "2468")
        .await
        .unwrap();
    app.click_when("[data-testid=set-pin]", SOON, |_| true)
        .await
        .unwrap();
    app.wait_for("[data-testid=pin-set]", SOON, |_| true)
        .await
        .unwrap();
    let shots = parta_e2e::screenshot_dir();
    app.execute("document.querySelector('.settings-body').scrollTop = 0; return null")
        .await
        .unwrap();
    app.screenshot(&shots.join("settings-ru.png"))
        .await
        .unwrap();
    let kept = keychain.load(&lock_account).await.unwrap().unwrap();
    assert!(
        kept.expose().starts_with("$argon2id$"),
        "a hash, not the PIN"
    );
    assert!(!kept.expose().contains("2468"));

    // Locked: the lock screen and nothing of the profile in the page; a wrong PIN is refused.
    app.click_when("[data-testid=lock-now]", SOON, |_| true)
        .await
        .unwrap();
    app.wait_for("[data-testid=lock-screen]", SOON, |t| {
        t.contains("Парта заблокирована")
    })
    .await
    .unwrap();
    let page = app.execute("return document.body.innerText").await.unwrap();
    let page = page.as_str().unwrap_or_default();
    assert!(
        !page.contains("родители") && !page.contains("Соколова"),
        "nothing of the profile shows while locked: {page}"
    );
    unlock(&app, "1111").await;
    app.wait_for("[data-testid=unlock-error]", SOON, |t| {
        t.contains("Неверный PIN-код")
    })
    .await
    .unwrap();
    unlock(&app, "2468").await;
    app.wait_for(class_chat, SOON, |_| true).await.unwrap();

    // Idle for the chosen time: it locks by itself (the shell counts, so a covered window
    // locks all the same). The window reports the person's activity with the idle limit as the
    // UI does; 1.5 s stands for the minutes one would choose.
    app.execute("window.__TAURI__.core.invoke('activity', {args: {idle_ms: 1500}}); return null")
        .await
        .unwrap();
    app.wait_for("[data-testid=lock-screen]", SOON, |_| true)
        .await
        .unwrap();
    app.execute("window.__TAURI__.core.invoke('activity', {args: {idle_ms: null}}); return null")
        .await
        .unwrap();
    unlock(&app, "2468").await;
    app.wait_for(class_chat, SOON, |_| true).await.unwrap();

    // Started again with a PIN set, Parta opens on the lock screen.
    app.close().await.unwrap();
    let app = Session::new(&driver, APP.as_ref(), &[]).await.unwrap();
    app.wait_for("[data-testid=lock-screen]", SOON, |_| true)
        .await
        .unwrap();
    unlock(&app, "2468").await;
    app.wait_for(class_chat, SOON, |_| true).await.unwrap();

    // Clearing the cache empties it and loads it again; the draft stays.
    let profile: String = cache_value(data.path(), "SELECT id FROM profiles").await;
    app.click_when("[data-testid=settings-button]", SOON, |_| true)
        .await
        .unwrap();
    app.click_when("[data-testid=clear-cache]", SOON, |_| true)
        .await
        .unwrap();
    app.wait_for("[data-testid=settings-note]", SOON, |t| {
        t.contains("Кэш очищен")
    })
    .await
    .unwrap();
    app.click_when(class_chat, SOON, |_| true).await.unwrap();
    app.wait_for("[data-testid=message]", SOON, |t| {
        t.contains("фотографирование")
    })
    .await
    .unwrap();
    let draft = app.find_all("[data-testid=composer-input]").await.unwrap();
    assert_eq!(
        app.attribute(&draft[0], "value").await.unwrap().as_deref(),
        Some("Черновик до очистки"),
        "what was being written survives clearing the cache"
    );

    // Signing out with the data deleted: the welcome screen, no token, no cached messages.
    app.click_when("[data-testid=settings-button]", SOON, |_| true)
        .await
        .unwrap();
    app.click_when("[data-testid=sign-out-wipe]", SOON, |_| true)
        .await
        .unwrap();
    app.click_when("[data-testid=sign-out]", SOON, |_| true)
        .await
        .unwrap();
    app.wait_for("[data-testid=demo-button]", SOON, |_| true)
        .await
        .unwrap();
    app.close().await.unwrap();
    assert!(
        keychain.load(&profile).await.unwrap().is_none(),
        "the token left the keychain"
    );
    assert_eq!(
        cache_value::<i64>(
            data.path(),
            &format!("SELECT COUNT(*) FROM messages WHERE profile_id = '{profile}'")
        )
        .await,
        0
    );
    assert_eq!(
        cache_value::<i64>(data.path(), "SELECT COUNT(*) FROM drafts").await,
        0,
        "a wipe takes the drafts too"
    );
    keychain.delete(&lock_account).await.unwrap();
}

/// The page's width in CSS pixels, whether anything sticks out sideways, and whether the chat
/// list and the composer are both on screen (the list not squeezed to nothing).
async fn layout(app: &Session) -> (f64, bool, bool) {
    let v = app
        .execute(
            "const w = window.innerWidth;\
             const on = s => { const e = document.querySelector(s); if (!e) return false;\
               const r = e.getBoundingClientRect(); return r.width > 0 && r.left >= 0 && r.right <= w + 1; };\
             return [w, document.documentElement.scrollWidth > w + 1,\
                     on('[data-testid=chat-item]') && on('[data-testid=composer-input]')\
                       && document.querySelector('.chat-list').getBoundingClientRect().height >= 40]",
        )
        .await
        .unwrap();
    (
        v[0].as_f64().unwrap_or(0.0),
        v[1].as_bool().unwrap_or(true),
        v[2].as_bool().unwrap_or(false),
    )
}

/// At 200 % (chosen in Settings, or with Ctrl + "+") the page is half as wide in CSS pixels and
/// still fits: nothing sticks out sideways, the chat list and the composer stay on screen; the
/// choice is kept for the next start, and Ctrl + 0 goes back to 100 %.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_scales_to_200_percent_and_stays_usable() {
    let data = tempfile::tempdir().unwrap();
    let driver = TauriDriver::start(&[("PARTA_DATA_DIR", data.path())]).unwrap();
    let app = Session::new(&driver, APP.as_ref(), &[]).await.unwrap();
    crate::common::open_demo(&app).await;
    crate::common::open_chat(&app, "5А — родители").await;
    app.wait_for("[data-testid=composer-input]", SOON, |_| true)
        .await
        .unwrap();
    let (full, _, _) = layout(&app).await;

    app.click_when("[data-testid=settings-button]", SOON, |_| true)
        .await
        .unwrap();
    app.wait_for("[data-testid=scale]", SOON, |_| true)
        .await
        .unwrap();
    app.execute(
        "const s = document.querySelector('[data-testid=scale]'); s.value = '200';\
         s.dispatchEvent(new Event('change', {bubbles: true})); return null",
    )
    .await
    .unwrap();
    crate::common::eventually("the page at 200 %", || async {
        layout(&app).await.0 <= full / 2.0 + 1.0
    })
    .await;
    // WebKitWebDriver aims its clicks without the page's zoom: click from the page instead.
    app.execute(
        "document.querySelector(\"[data-testid=chat-item][data-title='5А — родители']\").click();\
         return null",
    )
    .await
    .unwrap();
    app.wait_for("[data-testid=composer-input]", SOON, |_| true)
        .await
        .unwrap();
    let (width, overflow, visible) = layout(&app).await;
    assert!(!overflow, "nothing sticks out sideways at {width} CSS px");
    assert!(
        visible,
        "the chat list and the composer are on screen at {width} CSS px"
    );
    app.close().await.unwrap();

    // Kept for the next start.
    let app = Session::new(&driver, APP.as_ref(), &[]).await.unwrap();
    app.wait_for("[data-testid=chat-item]", SOON, |_| true)
        .await
        .unwrap();
    crate::common::eventually("200 % again after a restart", || async {
        layout(&app).await.0 <= full / 2.0 + 1.0
    })
    .await;
    // Ctrl + 0, wherever the focus is.
    app.type_into("[data-testid=search]", SOON, "\u{E009}0\u{E000}")
        .await
        .unwrap();
    crate::common::eventually("100 % after Ctrl + 0", || async {
        (layout(&app).await.0 - full).abs() < 2.0
    })
    .await;
    app.close().await.unwrap();
}

/// The environment of the running app whose data folder is `data` (read from /proc, as the
/// kernel holds it), or `None` while none runs.
fn app_environment(data: &std::path::Path) -> Option<Vec<String>> {
    let wanted = format!("PARTA_DATA_DIR={}", data.display());
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let dir = entry.path();
            let comm = std::fs::read_to_string(dir.join("comm")).ok()?;
            if comm.trim() != "parta-desktop" {
                return None;
            }
            let environ = std::fs::read(dir.join("environ")).ok()?;
            let vars: Vec<String> = environ
                .split(|b| *b == 0)
                .map(|v| String::from_utf8_lossy(v).into_owned())
                .collect();
            vars.contains(&wanted).then_some(vars)
        })
}

/// The switches the app sets for WebKit when it draws in software.
const SOFTWARE_SWITCHES: [&str; 2] = [
    "WEBKIT_DISABLE_COMPOSITING_MODE",
    "WEBKIT_DISABLE_DMABUF_RENDERER",
];

/// Opens Settings and waits until it says who draws the window now; returns whether the
/// "after a restart" notice is shown, and the running app's WebKit switches.
async fn drawing(app: &Session, data: &std::path::Path, accelerated: bool) -> (bool, Vec<String>) {
    app.click_when("[data-testid=settings-button]", SOON, |_| true)
        .await
        .unwrap();
    app.wait_for(
        &format!("[data-testid=drawing][data-accelerated={accelerated}]"),
        SOON,
        |_| true,
    )
    .await
    .unwrap();
    let notice = !app
        .find_all("[data-testid=restart-needed]")
        .await
        .unwrap()
        .is_empty();
    let env = app_environment(data).expect("the app runs");
    let switches = env
        .into_iter()
        .filter(|v| {
            SOFTWARE_SWITCHES
                .iter()
                .any(|s| v.starts_with(&format!("{s}=")))
        })
        .collect();
    (notice, switches)
}

/// Ticks or unticks hardware acceleration and waits for the restart notice.
async fn toggle_acceleration(app: &Session) {
    app.click_when("[data-testid=accelerated]", SOON, |_| true)
        .await
        .unwrap();
    app.wait_for("[data-testid=restart-needed]", SOON, |_| true)
        .await
        .unwrap();
}

/// By default the window is drawn in software (the app starts itself again with WebKit's
/// switches set); ticking hardware acceleration says it needs a restart, and the next start
/// lets WebKit use the GPU, until it is unticked again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_is_drawn_in_software_until_hardware_acceleration_is_chosen() {
    let data = tempfile::tempdir().unwrap();
    let driver = TauriDriver::start(&[("PARTA_DATA_DIR", data.path())]).unwrap();
    let app = Session::new(&driver, APP.as_ref(), &[]).await.unwrap();
    crate::common::open_demo(&app).await;
    let (notice, mut switches) = drawing(&app, data.path(), false).await;
    switches.sort();
    assert_eq!(
        switches,
        SOFTWARE_SWITCHES.map(|s| format!("{s}=1")),
        "both switches set"
    );
    assert!(!notice, "nothing to restart for yet");
    toggle_acceleration(&app).await;
    assert_eq!(
        std::fs::read_to_string(data.path().join("graphics")).unwrap(),
        "accelerated\n"
    );
    app.close().await.unwrap();

    // The next start draws with WebKit's own choice.
    let app = Session::new(&driver, APP.as_ref(), &[]).await.unwrap();
    let (notice, switches) = drawing(&app, data.path(), true).await;
    assert!(switches.is_empty(), "no switch set: {switches:?}");
    assert!(!notice, "in effect now");
    // Unticked: software again from the next start.
    toggle_acceleration(&app).await;
    assert!(!data.path().join("graphics").exists());
    app.close().await.unwrap();
}
