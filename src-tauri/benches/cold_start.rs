//! Cold start to an interactive chat list from the cache (issue 5: target ≤ 400 ms).
//!
//! `scripts/with-keychain.sh xvfb-run -a -s "-screen 0 1280x800x24" cargo bench -p parta-desktop --bench cold_start [-- RUNS]`
//!
//! The first launch opens the demo school and fills the cache; each further launch is timed
//! until the chat list of the cached profile is in the page. Two figures per launch:
//! - in the page: from the webview's navigation start (`performance.timeOrigin`) to the first
//!   chat in the list (polled every 5 ms, so at most 5 ms late);
//! - whole: from asking WebDriver for the session (which starts the process) to the same
//!   moment; it includes WebKitWebDriver's own start, which a person's launch does not have.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use parta_e2e::{Session, TauriDriver};

const APP: &str = env!("CARGO_BIN_EXE_parta-desktop");

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let runs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10);
    let data = tempfile::tempdir().expect("temp dir");
    let driver = TauriDriver::start(&[("PARTA_DATA_DIR", data.path())]).expect("tauri-driver");

    // Fill the cache: the demo school, its chats and messages.
    let app = Session::new(&driver, APP.as_ref(), &[]).await.expect("app");
    app.click_when("[data-testid=demo-button]", Duration::from_secs(60), |_| {
        true
    })
    .await
    .expect("demo");
    app.wait_for("[data-testid=chat-item]", Duration::from_secs(60), |_| true)
        .await
        .expect("chats");
    tokio::time::sleep(Duration::from_secs(3)).await;
    app.close().await.expect("close");

    let (mut page, mut whole) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let asked_at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_secs_f64()
            * 1000.0;
        let started = Instant::now();
        let app = Session::new(&driver, APP.as_ref(), &[]).await.expect("app");
        let seen = loop {
            let found = app
                .execute(
                    "return document.querySelector('[data-testid=chat-item]') \
                     ? [performance.timeOrigin, performance.now()] : null",
                )
                .await
                .expect("script");
            if let Some(pair) = found.as_array() {
                break (
                    pair[0].as_f64().unwrap_or(0.0),
                    pair[1].as_f64().unwrap_or(0.0),
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no chat list within a minute"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        let (origin, in_page) = seen;
        page.push(in_page);
        whole.push(origin + in_page - asked_at);
        app.close().await.expect("close");
    }
    page.sort_by(f64::total_cmp);
    whole.sort_by(f64::total_cmp);
    println!(
        "cold start to the cached chat list, {runs} launches:\n  in the page (navigation start -> first chat): p50 {:.0} ms, p90 {:.0} ms, max {:.0} ms\n  whole (WebDriver session asked -> first chat): p50 {:.0} ms, p90 {:.0} ms, max {:.0} ms",
        percentile(&page, 0.5),
        percentile(&page, 0.9),
        page[page.len() - 1],
        percentile(&whole, 0.5),
        percentile(&whole, 0.9),
        whole[whole.len() - 1],
    );
}
