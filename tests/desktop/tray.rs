//! The tray icon, read the way a desktop panel reads it: over D-Bus, from the
//! StatusNotifierItem that the system's indicator library exports for the app, and its menu
//! through `com.canonical.dbusmenu`. The count follows new messages and reading; the menu
//! speaks the UI's language; "Выйти" ends the app.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use parta_e2e::Session;
use serde_json::json;

use crate::common::{
    SOON, Steps, cache_value, eventually, get_json, id_where, launch, open_demo, post_json, sign_in,
};

const ITEM: &str = "org.kde.StatusNotifierItem";

/// Runs `gdbus call` on the session bus (a second at most); its output when the call
/// succeeded.
fn gdbus(dest: &str, path: &str, method: &str, args: &[&str]) -> Option<String> {
    let out = Command::new("gdbus")
        .args(["call", "--session", "--timeout", "1", "--dest", dest])
        .args(["--object-path", path, "--method", method])
        .args(args)
        .output()
        .expect("gdbus runs (libglib2.0-bin, scripts/install.sh)");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The first quoted string in a gdbus answer, e.g. `(<'3'>,)` → `3`.
fn first_string(answer: &str) -> Option<String> {
    let start = answer.find('\'')? + 1;
    let end = start + answer[start..].find('\'')?;
    Some(answer[start..end].to_owned())
}

/// The object path the indicator library gives the tray item of the app whose data folder is
/// `data` (the tray's id is made from the folder, as the single-instance name is).
fn item_path(data: &Path) -> String {
    let hash = parta_client::stable_hash(data.to_string_lossy().as_bytes());
    format!("/org/ayatana/NotificationItem/tray_icon_tray_app_ru_parta_desktop_d{hash:016x}")
}

/// The bus name of the connection that exports the tray item at `path`, if any does.
fn item_owner(path: &str) -> Option<String> {
    let names = gdbus(
        "org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus.ListNames",
        &[],
    )?;
    names
        .split('\'')
        .filter(|n| n.starts_with(':'))
        .find(|name| {
            gdbus(
                name,
                path,
                "org.freedesktop.DBus.Properties.Get",
                &[ITEM, "Id"],
            )
            .is_some()
        })
        .map(str::to_owned)
}

fn property(owner: &str, path: &str, name: &str) -> Option<String> {
    gdbus(
        owner,
        path,
        "org.freedesktop.DBus.Properties.Get",
        &[ITEM, name],
    )
    .and_then(|a| first_string(&a))
}

/// The tray's label: the unread count, empty for none.
fn label(owner: &str, path: &str) -> String {
    property(owner, path, "XAyatanaLabel").unwrap_or_default()
}

/// The tray menu's layout as gdbus prints it.
fn menu_layout(owner: &str, path: &str) -> String {
    let menu = gdbus(
        owner,
        path,
        "org.freedesktop.DBus.Properties.Get",
        &[ITEM, "Menu"],
    )
    .expect("the tray item has a menu");
    // `(<objectpath '/org/ayatana/NotificationItem/…/Menu'>,)`
    let menu_path = first_string(&menu).expect("the menu's object path");
    gdbus(
        owner,
        &menu_path,
        "com.canonical.dbusmenu.GetLayout",
        &["0", "int32 -1", "@as []"],
    )
    .expect("the menu answers GetLayout")
}

/// The dbusmenu id of the menu item labelled `text` in `layout`.
fn item_id(layout: &str, text: &str) -> Option<i32> {
    let at = layout.find(&format!("'label': <'{text}'>"))?;
    // Items read `(<id>, {…'label': <'…'>…}, [])`: the id is the number after the nearest
    // opening parenthesis before the label.
    let open = layout[..at].rfind('(')?;
    layout[open + 1..]
        .split(',')
        .next()?
        .trim()
        .trim_start_matches("int32 ")
        .parse()
        .ok()
}

/// The unread counts the chat list shows, summed (from their accessible labels: "3 …").
async fn unread_in_list(app: &Session) -> u32 {
    let mut sum = 0;
    for badge in app.find_all("[data-testid=unread]").await.unwrap() {
        let label = app.attribute(&badge, "aria-label").await.unwrap();
        sum += label
            .as_deref()
            .and_then(|l| l.split(' ').next())
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or_else(|| panic!("an unread badge without a count: {label:?}"));
    }
    sum
}

async fn eventually_label(owner: &str, path: &str, want: &str) {
    eventually(&format!("the tray's label becomes {want:?}"), || async {
        label(owner, path) == want
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tray_counts_unread_messages_speaks_the_ui_language_and_quits() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, app) = launch(data.path()).await;
    open_demo(&app).await;
    let path = item_path(data.path());
    let deadline = tokio::time::Instant::now() + SOON;
    let owner = loop {
        if let Some(owner) = item_owner(&path) {
            break owner;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no tray item at {path}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // The icon lives in the app's data folder.
    let icons = data.path().join("tray");
    assert_eq!(
        property(&owner, &path, "IconThemePath").as_deref(),
        Some(icons.to_string_lossy().as_ref())
    );

    // The count is what the chat list shows once the history is in (nothing is open yet).
    app.shows("[data-testid=unread]").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let listed = unread_in_list(&app).await;
    assert!(listed > 0, "the demo school starts with unread messages");
    eventually_label(&owner, &path, &listed.to_string()).await;
    let icon_before = property(&owner, &path, "IconName").expect("an icon");

    // A parent writes from her phone: one more, on the label and drawn on a new icon.
    let server: String = cache_value(data.path(), "SELECT server_url FROM profiles").await;
    let parent = sign_in(&server, "e.morozova").await;
    let chats = get_json(format!("{server}/chats"), &parent).await;
    let chat = id_where(&chats["chats"], "title", "5А — родители", "chat_id");
    post_json(
        format!("{server}/messages?chat_id={chat}"),
        Some(&parent),
        json!({"text": "Спасибо за фотографии с экскурсии!"}),
    )
    .await;
    eventually_label(&owner, &path, &(listed + 1).to_string()).await;
    let icon_after = property(&owner, &path, "IconName").expect("an icon");
    assert_ne!(icon_after, icon_before, "the badge is redrawn");
    let png = std::fs::read(&icon_after).expect("the icon file exists");
    assert_eq!(&png[1..4], b"PNG");
    assert_eq!(
        (&png[16..20], &png[20..24]),
        (&64u32.to_be_bytes()[..], &64u32.to_be_bytes()[..]),
        "a 64×64 icon"
    );
    assert!(icon_after.starts_with(icons.to_string_lossy().as_ref()));

    // Reading the chat takes its messages off the count.
    crate::common::open_chat(&app, "5А — родители").await;
    app.shows_if("[data-testid=message]", |t| {
        t.contains("Спасибо за фотографии с экскурсии!")
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let left = unread_in_list(&app).await;
    assert!(left < listed + 1);
    let want = if left == 0 {
        String::new()
    } else {
        left.to_string()
    };
    eventually_label(&owner, &path, &want).await;

    // The menu speaks Russian, then English with the UI.
    let layout = menu_layout(&owner, &path);
    assert!(
        item_id(&layout, "Открыть Парту").is_some(),
        "no «Открыть Парту» in {layout}"
    );
    app.tap("[data-testid=language-switch]").await;
    let deadline = tokio::time::Instant::now() + SOON;
    let layout = loop {
        let layout = menu_layout(&owner, &path);
        if item_id(&layout, "Quit").is_some() {
            break layout;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the menu stayed Russian: {layout}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(item_id(&layout, "Open Parta").is_some(), "{layout}");

    // "Quit" ends the app: its connection leaves the bus.
    let quit = item_id(&layout, "Quit").expect("the Quit item");
    let menu = first_string(
        &gdbus(
            &owner,
            &path,
            "org.freedesktop.DBus.Properties.Get",
            &[ITEM, "Menu"],
        )
        .expect("the menu"),
    )
    .expect("the menu's path");
    gdbus(
        &owner,
        &menu,
        "com.canonical.dbusmenu.Event",
        &[&quit.to_string(), "clicked", "<0>", "uint32 0"],
    )
    .expect("the click is delivered");
    let deadline = tokio::time::Instant::now() + SOON;
    let still_there = || {
        gdbus(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            &[&owner],
        )
        .is_some_and(|a| a.contains("true"))
    };
    while still_there() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the app is still running after «Quit»"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The session's window is gone with the app; ending the session may fail, which is fine.
    let _ = app.close().await;
}
