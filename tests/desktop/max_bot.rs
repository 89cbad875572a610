//! The platform administrator connects the school's bot by its token on the welcome screen: a
//! token the API refuses is a sentence and leaves nothing behind; an accepted one opens the app
//! on the bot's chats, with the token in the keychain and nowhere in the cache.
//!
//! The API here is a parta-server on loopback, which speaks MAX's Bot API surface (the
//! requests the client core makes to MAX itself are checked against the official schema in
//! parta-client's tests); the token is one it issued.

use crate::common::{SOON, Steps, app_dir, cache_value, demo_school, launch, sign_in};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_platform_administrator_connects_the_school_bot_by_its_token() {
    let dir = tempfile::tempdir().unwrap();
    let server = demo_school(dir.path()).await;
    let token = sign_in(&server.url(), "i.kuznetsova").await;
    let data = app_dir(dir.path());
    let (_driver, app) = launch(&data).await;

    app.tap("[data-testid=bot-button]").await;
    app.fill("[data-testid=bot-url]", &server.url()).await;
    app.fill("[data-testid=bot-token]", "not-the-bots-token")
        .await;
    app.tap("[data-testid=bot-connect]").await;
    app.shows_if("[data-testid=bot-error]", |t| {
        t.contains("не принял этот токен")
    })
    .await;
    app.screenshot(&parta_e2e::screenshot_dir().join("max-bot-ru.png"))
        .await
        .unwrap();
    let profiles: i64 = cache_value(&data, "SELECT COUNT(*) FROM profiles").await;
    assert_eq!(profiles, 0, "a refused token leaves no profile");

    app.clear("[data-testid=bot-token]", SOON).await.unwrap();
    app.fill("[data-testid=bot-token]", &token).await;
    app.tap("[data-testid=bot-connect]").await;
    app.shows("[data-testid=chat-item]").await;
    let kind: String = cache_value(&data, "SELECT kind FROM profiles").await;
    assert_eq!(kind, "max_bot");
    let url: String = cache_value(&data, "SELECT server_url FROM profiles").await;
    assert_eq!(url.trim_end_matches('/'), server.url());
    app.close().await.unwrap();
    // The token lives in the keychain only: not in any file the app wrote.
    for file in parta_e2e::files_under(&data) {
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(
            !bytes.windows(token.len()).any(|w| w == token.as_bytes()),
            "the token is in {}",
            file.display()
        );
    }
    server.stop().await.unwrap();
}
