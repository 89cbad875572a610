//! The app by keyboard alone, through real key events (WebDriver actions): Tab to the demo
//! school and Enter; Ctrl+K, a few letters of a chat's name, Enter, and the message is
//! written and sent at once; the arrow keys walk the search results, whose focus is visible;
//! the chat's side panel and the profile menu open with Enter and close with Esc (the menu's
//! button gets the focus back); every button has a name a screen reader can say.

use std::time::Duration;

use parta_e2e::Session;

use crate::common::{SOON, Steps, eventually, launch};

/// Presses `key` (with Shift when `back`) until the element with `testid` has the focus.
async fn tab_to(app: &Session, testid: &str, back: bool) {
    let modifiers: &[&str] = if back { &["Shift"] } else { &[] };
    let mut seen = Vec::new();
    for _ in 0..60 {
        let now = app.focused().await.unwrap();
        if now == testid {
            return;
        }
        seen.push(now);
        app.press(modifiers, "Tab").await.unwrap();
    }
    panic!("Tab never reached {testid}; the focus went through {seen:?}");
}

async fn focus_becomes(app: &Session, testid: &str) {
    eventually(&format!("the focus moves to {testid}"), || async {
        app.focused().await.unwrap() == testid
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_step_of_finding_a_chat_and_writing_is_done_with_the_keyboard() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, app) = launch(data.path()).await;
    app.shows("[data-testid=demo-button]").await;
    tab_to(&app, "demo-button", false).await;
    app.press(&[], "Enter").await.unwrap();
    app.shows("[data-testid=chat-item]").await;

    // Ctrl+K from anywhere puts the cursor in the search box; the chat's name and Enter open
    // it with the cursor in its composer, so Enter again sends.
    app.press(&["Control"], "k").await.unwrap();
    focus_becomes(&app, "search").await;
    app.type_keys("учит").await.unwrap();
    app.shows_if("[data-testid=chat-hit]", |t| t.contains("Учителя"))
        .await;
    app.press(&[], "Enter").await.unwrap();
    app.shows_if("[data-testid=chat-title]", |t| t == "Учителя")
        .await;
    focus_becomes(&app, "composer-input").await;
    app.type_keys("Коллеги, проверяю клавиатуру").await.unwrap();
    app.press(&[], "Enter").await.unwrap();
    app.shows_if("[data-testid=message]", |t| {
        t.contains("Коллеги, проверяю клавиатуру")
    })
    .await;

    // The arrow keys walk the results; the focused one is outlined.
    app.press(&["Control"], "k").await.unwrap();
    focus_becomes(&app, "search").await;
    app.type_keys("5").await.unwrap();
    app.shows_if("[data-testid=chat-hit]", |t| t.contains("5А"))
        .await;
    app.press(&[], "ArrowDown").await.unwrap();
    focus_becomes(&app, "chat-hit").await;
    // Focus styles show in the window that has the desktop's focus; other tests' windows on
    // the same display may take it in between, so bring this one forward until it shows.
    let deadline = tokio::time::Instant::now() + SOON;
    loop {
        app.bring_to_front().await.unwrap();
        let outline = app
            .execute(
                "const s = getComputedStyle(document.activeElement);\
                 return [s.outlineStyle, parseFloat(s.outlineWidth)]",
            )
            .await
            .unwrap();
        if outline[0] == "solid" && outline[1].as_f64().unwrap_or(0.0) >= 2.0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the focused result is not outlined: {outline}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.press(&[], "ArrowUp").await.unwrap();
    focus_becomes(&app, "search").await;
    // Esc empties the search: the chat list is back.
    app.press(&[], "Escape").await.unwrap();
    app.gone("[data-testid=chat-hit]").await;
    app.shows("[data-testid=chat-item]").await;

    // The chat's side panel: reached with Tab, opened with Enter, closed with Esc.
    tab_to(&app, "members-button", false).await;
    app.press(&[], "Enter").await.unwrap();
    app.shows("[data-testid=members-panel]").await;
    // Every button on screen has a name to be read out (text, or aria-label on icons).
    let nameless = app
        .execute(
            "return [...document.querySelectorAll('button')]\
               .filter(b => b.offsetParent !== null)\
               .filter(b => !(b.getAttribute('aria-label') || b.textContent.trim() || b.title))\
               .map(b => b.outerHTML.slice(0, 120))",
        )
        .await
        .unwrap();
    assert_eq!(nameless, serde_json::json!([]), "buttons without a name");
    app.press(&[], "Escape").await.unwrap();
    app.gone("[data-testid=members-panel]").await;

    // The profile menu: Enter opens it, Esc closes it and the focus returns to its button.
    tab_to(&app, "profile-switcher", true).await;
    app.press(&[], "Enter").await.unwrap();
    app.shows("[data-testid=profile-menu]").await;
    app.press(&[], "Tab").await.unwrap();
    app.press(&[], "Escape").await.unwrap();
    app.gone("[data-testid=profile-menu]").await;
    focus_becomes(&app, "profile-switcher").await;
    app.close().await.unwrap();
}
