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
    // locks all the same). The key press stands for the user who has just chosen the time.
    app.execute(
        "localStorage.setItem('parta.autolock_ms', '1500');\
         window.dispatchEvent(new KeyboardEvent('keydown')); return null",
    )
    .await
    .unwrap();
    app.wait_for("[data-testid=lock-screen]", SOON, |_| true)
        .await
        .unwrap();
    app.execute(
        "localStorage.setItem('parta.autolock_ms', '0');\
         window.dispatchEvent(new KeyboardEvent('keydown')); return null",
    )
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
