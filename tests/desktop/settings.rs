//! The settings screen through the real window: the app lock (a PIN kept only in the system
//! keychain, locking now and when idle, a wrong PIN refused), clearing the cache without
//! losing a draft, and signing out with the data deleted from this computer.

use parta_client::secrets::Keychain;
use parta_e2e::Session;

use crate::common::{APP, SOON, Steps, cache_value, launch, set_input};

async fn unlock(app: &Session, pin: &str) {
    app.fill("[data-testid=unlock-pin]", pin).await;
    app.tap("[data-testid=unlock-button]").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_locks_with_a_pin_clears_its_cache_and_signs_out_leaving_nothing_behind() {
    let data = tempfile::tempdir().unwrap();
    let keychain = Keychain::new("parta");
    let lock_account = parta_client::applock::account_for(data.path());
    let (driver, app) = launch(data.path()).await;
    app.tap("[data-testid=demo-button]").await;
    let class_chat = "[data-testid=chat-item][data-title='5А — родители']";
    app.tap(class_chat).await;
    app.fill("[data-testid=composer-input]", "Черновик до очистки")
        .await;

    // A PIN: only its argon2 hash, only in the keychain.
    app.tap("[data-testid=settings-button]").await;
    app.fill("[data-testid=new-pin]", "2468").await;
    app.fill("[data-testid=repeat-pin]", "2467").await;
    app.tap("[data-testid=set-pin]").await;
    app.shows_if("[data-testid=settings-note]", |t| {
        t.contains("не совпадают")
    })
    .await;
    app.clear("[data-testid=repeat-pin]", SOON).await.unwrap();
    app.fill("[data-testid=repeat-pin]", "2468").await;
    app.tap("[data-testid=set-pin]").await;
    app.shows("[data-testid=pin-set]").await;
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
    app.tap("[data-testid=lock-now]").await;
    app.shows_if("[data-testid=lock-screen]", |t| {
        t.contains("Парта заблокирована")
    })
    .await;
    let page = app.execute("return document.body.innerText").await.unwrap();
    let page = page.as_str().unwrap_or_default();
    assert!(
        !page.contains("родители") && !page.contains("Соколова"),
        "nothing of the profile shows while locked: {page}"
    );
    unlock(&app, "1111").await;
    app.shows_if("[data-testid=unlock-error]", |t| {
        t.contains("Неверный PIN-код")
    })
    .await;
    unlock(&app, "2468").await;
    app.shows(class_chat).await;

    // Idle for the chosen time: it locks by itself (the shell counts, so a covered window
    // locks all the same). The window reports the person's activity with the idle limit as the
    // UI does; 1.5 s stands for the minutes one would choose.
    app.execute("window.__TAURI__.core.invoke('activity', {args: {idle_ms: 1500}}); return null")
        .await
        .unwrap();
    app.shows("[data-testid=lock-screen]").await;
    app.execute("window.__TAURI__.core.invoke('activity', {args: {idle_ms: null}}); return null")
        .await
        .unwrap();
    unlock(&app, "2468").await;
    app.shows(class_chat).await;

    // Started again with a PIN set, Parta opens on the lock screen.
    app.close().await.unwrap();
    let app = Session::new(&driver, APP.as_ref(), &[]).await.unwrap();
    app.shows("[data-testid=lock-screen]").await;
    unlock(&app, "2468").await;
    app.shows(class_chat).await;

    // Clearing the cache empties it and loads it again; the draft stays.
    let profile: String = cache_value(data.path(), "SELECT id FROM profiles").await;
    app.tap("[data-testid=settings-button]").await;
    app.tap("[data-testid=clear-cache]").await;
    app.shows_if("[data-testid=settings-note]", |t| t.contains("Кэш очищен"))
        .await;
    app.tap(class_chat).await;
    app.shows_if("[data-testid=message]", |t| t.contains("фотографирование"))
        .await;
    let draft = app.find_all("[data-testid=composer-input]").await.unwrap();
    assert_eq!(
        app.attribute(&draft[0], "value").await.unwrap().as_deref(),
        Some("Черновик до очистки"),
        "what was being written survives clearing the cache"
    );

    // Signing out with the data deleted: the welcome screen, no token, no files key, no
    // files, no cached messages, and no free pages left holding them.
    let files_key = parta_client::files_key_account(&profile);
    assert!(
        keychain.load(&files_key).await.unwrap().is_some(),
        "the session made the profile's files key"
    );
    app.tap("[data-testid=settings-button]").await;
    app.tap("[data-testid=sign-out-wipe]").await;
    app.tap("[data-testid=sign-out]").await;
    app.shows("[data-testid=demo-button]").await;
    app.close().await.unwrap();
    assert!(
        keychain.load(&profile).await.unwrap().is_none(),
        "the token left the keychain"
    );
    assert!(
        keychain.load(&files_key).await.unwrap().is_none(),
        "the files key left the keychain"
    );
    assert!(!parta_client::profile_files_dir(data.path(), &profile).exists());
    assert_eq!(
        cache_value::<i64>(data.path(), "PRAGMA freelist_count").await,
        0,
        "the cache was compacted"
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
    let (driver, app) = launch(data.path()).await;
    crate::common::open_demo(&app).await;
    crate::common::open_chat(&app, "5А — родители").await;
    app.shows("[data-testid=composer-input]").await;
    let (full, _, _) = layout(&app).await;

    app.tap("[data-testid=settings-button]").await;
    app.shows("[data-testid=scale]").await;
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
    app.shows("[data-testid=composer-input]").await;
    let (width, overflow, visible) = layout(&app).await;
    assert!(!overflow, "nothing sticks out sideways at {width} CSS px");
    assert!(
        visible,
        "the chat list and the composer are on screen at {width} CSS px"
    );
    app.close().await.unwrap();

    // Kept for the next start.
    let app = Session::new(&driver, APP.as_ref(), &[]).await.unwrap();
    app.shows("[data-testid=chat-item]").await;
    crate::common::eventually("200 % again after a restart", || async {
        layout(&app).await.0 <= full / 2.0 + 1.0
    })
    .await;
    // Ctrl + 0, wherever the focus is.
    app.fill("[data-testid=search]", "\u{E009}0\u{E000}").await;
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
    app.tap("[data-testid=settings-button]").await;
    app.shows_if(
        &format!("[data-testid=drawing][data-accelerated={accelerated}]"),
        |_| true,
    )
    .await;
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
    app.tap("[data-testid=accelerated]").await;
    app.shows("[data-testid=restart-needed]").await;
}

/// By default the window is drawn in software (the app starts itself again with WebKit's
/// switches set); ticking hardware acceleration says it needs a restart, and the next start
/// lets WebKit use the GPU, until it is unticked again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_is_drawn_in_software_until_hardware_acceleration_is_chosen() {
    let data = tempfile::tempdir().unwrap();
    let (driver, app) = launch(data.path()).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teacher_sets_her_quiet_hours_in_the_settings() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, app) = launch(data.path()).await;
    crate::common::open_demo(&app).await;
    app.tap("[data-testid=settings-button]").await;
    app.tap("[data-testid=quiet-on]").await;
    set_input(&app, "[data-testid=quiet-from]", "21:00").await;
    set_input(&app, "[data-testid=quiet-to]", "07:30").await;
    app.tap("[data-testid=quiet-save]").await;
    app.shows_if("[data-testid=quiet-note]", |t| t.contains("сохранены"))
        .await;
    // The demo school's server (in the app, its database in the data folder) keeps them.
    let db = data.path().join("demo-school.sqlite");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", db.display()))
        .await
        .unwrap();
    let (start, end): (i64, i64) =
        sqlx::query_as("SELECT start_minute, end_minute FROM quiet_hours")
            .fetch_one(&pool)
            .await
            .unwrap();
    pool.close().await;
    assert_eq!((start, end), (21 * 60, 7 * 60 + 30));
    app.close().await.unwrap();
}
