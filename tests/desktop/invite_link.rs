//! An invitation link opened outside the app (`parta://join/…` from a browser or a mail):
//! a second launch hands it to the running Parta and ends, and the running window shows the
//! join form with the link filled in; a launch that starts with the link opens on that form.

use std::time::Duration;

use parta_e2e::Session;

use crate::common::{APP, SOON, Steps, app_dir, launch};

async fn link_in_form(app: &Session) -> String {
    app.shows("[data-testid=invite-link]").await;
    let input = app.find_all("[data-testid=invite-link]").await.unwrap();
    app.attribute(&input[0], "value")
        .await
        .unwrap()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_link_opened_elsewhere_reaches_the_running_app_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = app_dir(dir.path());
    let link = "parta://join/0123456789abcdef0123456789abcdef?server=http%3A%2F%2F127.0.0.1%3A9";
    let (driver, app) = launch(&data).await;
    app.shows("[data-testid=demo-button]").await;

    // The desktop starts Parta again with the link; that launch hands it over and ends.
    let mut second = std::process::Command::new(APP)
        .arg(link)
        .env("PARTA_DATA_DIR", &data)
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + SOON;
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = second.kill();
            panic!("the second launch did not end: two Partas on one data folder");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "{status:?}");
    assert_eq!(
        link_in_form(&app).await,
        link,
        "the running app shows the invitation"
    );
    // Put away, the app is where it was.
    app.tap("[data-testid=join-back]").await;
    app.shows("[data-testid=demo-button]").await;
    app.close().await.unwrap();

    // Started with the link: the join form first.
    let app = Session::new(&driver, APP.as_ref(), &[link]).await.unwrap();
    assert_eq!(link_in_form(&app).await, link);
    app.close().await.unwrap();
}
