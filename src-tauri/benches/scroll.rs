//! Scrolling back through a chat of 100,000 messages (issue 5: no frames over 16 ms).
//!
//! `scripts/with-keychain.sh xvfb-run -a -s "-screen 0 1280x800x24" cargo bench -p parta-desktop --bench scroll [-- SECONDS]`
//!
//! The first launch opens the demo school; then 100,000 older messages are written into the
//! demo server's "Учителя" chat (one a minute, back in time, by its members, texts of varied
//! length). The second launch opens that chat and scrolls up for SECONDS (20 by default) at
//! 120 px a frame, as a fast mouse wheel does, while older pages are fetched from the server
//! and cached as they come into reach. In the page, `requestAnimationFrame` timestamps give
//! each frame's time; the figures are how many frames took longer than 16.7 ms (a missed
//! 60 Hz frame) and 33.4 ms, the frame times' percentiles, how many messages were reached, and
//! how many rows the page held at most (the virtualization at work).

use std::time::Duration;

use parta_e2e::{Session, TauriDriver};

const APP: &str = env!("CARGO_BIN_EXE_parta-desktop");
const HISTORY: i64 = 100_000;

/// Frame times with nothing happening, for comparison: what this display gives at best.
const IDLE: &str = r#"
const seconds = arguments[0];
window.__idle = null;
const frames = [];
let last = null;
const started = performance.now();
function step(now) {
  if (last !== null) frames.push(now - last);
  last = now;
  if (now - started < seconds * 1000) requestAnimationFrame(step); else window.__idle = frames;
}
requestAnimationFrame(step);
return null;
"#;

const SCROLLER: &str = r#"
const seconds = arguments[0];
const t = document.querySelector('[data-testid=timeline]');
window.__bench = null;
const frames = [];
let maxRows = 0, last = null;
// What happened within each frame: "p" an older page went in, "r" the rendered rows moved,
// "-" only the browser scrolled (read from the timeline's counters at each frame).
const kinds = [];
let seen = null;
const started = performance.now();
function step(now) {
  const state = [t.dataset.pages || '0', (t.dataset.timing || '0').split(' ')[0]];
  if (last !== null) {
    frames.push(now - last);
    kinds.push(state[0] !== seen[0] ? 'p' : state[1] !== seen[1] ? 'r' : '-');
  }
  seen = state;
  last = now;
  maxRows = Math.max(maxRows, t.querySelectorAll('.tl-row').length);
  t.scrollTop = Math.max(0, t.scrollTop - 120);
  if (now - started < seconds * 1000) {
    requestAnimationFrame(step);
  } else {
    window.__bench = {frames, kinds, maxRows, reached: Number(t.dataset.rows || 0), pages: Number(t.dataset.pages || 0), pageMs: Number(t.dataset.pageMs || 0), timing: t.dataset.timing || ''};
  }
}
requestAnimationFrame(step);
return null;
"#;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let seconds: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20);
    let data = tempfile::tempdir().expect("temp dir");
    let driver = TauriDriver::start(&[("PARTA_DATA_DIR", data.path())]).expect("tauri-driver");
    let wait = Duration::from_secs(60);

    let app = Session::new(&driver, APP.as_ref(), &[]).await.expect("app");
    app.click_when("[data-testid=demo-button]", wait, |_| true)
        .await
        .expect("demo");
    app.wait_for("[data-testid=chat-item]", wait, |_| true)
        .await
        .expect("chats");
    tokio::time::sleep(Duration::from_secs(2)).await;
    app.close().await.expect("close");

    // The history: 100,000 messages before the chat's first one.
    let school = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        data.path().join("demo-school.sqlite").display()
    ))
    .await
    .expect("school database");
    let (chat_id, first): (i64, i64) = sqlx::query_as(
        "SELECT c.id, COALESCE(MIN(m.created_at), 0) FROM chats c
         LEFT JOIN messages m ON m.chat_id = c.id WHERE c.title = 'Учителя' GROUP BY c.id",
    )
    .fetch_one(&school)
    .await
    .expect("the teachers' chat");
    let members: Vec<i64> =
        sqlx::query_scalar("SELECT user_id FROM chat_members WHERE chat_id = ? ORDER BY user_id")
            .bind(chat_id)
            .fetch_all(&school)
            .await
            .expect("members");
    let words = [
        "Коллеги, напоминаю о педсовете в четверг.",
        "Журналы нужно заполнить до пятницы.",
        "Спасибо!",
        "Кто может заменить урок математики в 5А на третьем уроке? Я на курсах повышения квалификации до среды, план урока оставила в учительской.",
        "Принято.",
        "Расписание на следующую неделю уже в системе, проверьте, пожалуйста, свои классы и кабинеты.",
    ];
    let mut tx = school.begin().await.expect("transaction");
    for i in 0..HISTORY {
        let sender = members[(i as usize) % members.len()];
        sqlx::query(
            "INSERT INTO messages (mid, chat_id, sender_id, text, created_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(format!("mid.bench{i:06}"))
        .bind(chat_id)
        .bind(sender)
        .bind(format!(
            "{} ({})",
            words[(i as usize * 7) % words.len()],
            HISTORY - i
        ))
        .bind(first - (i + 1) * 60_000)
        .execute(&mut *tx)
        .await
        .expect("message");
    }
    tx.commit().await.expect("commit");
    school.close().await;

    let app = Session::new(&driver, APP.as_ref(), &[]).await.expect("app");
    app.click_when(
        "[data-testid=chat-item][data-title='Учителя']",
        wait,
        |_| true,
    )
    .await
    .expect("the teachers' chat");
    app.wait_for("[data-testid=timeline] .tl-row", wait, |_| true)
        .await
        .expect("timeline");
    tokio::time::sleep(Duration::from_secs(1)).await;
    app.execute(&IDLE.replace("arguments[0]", "5"))
        .await
        .expect("idle");
    let idle = loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let r = app
            .execute("return window.__idle")
            .await
            .expect("idle result");
        if !r.is_null() {
            break r;
        }
    };
    let mut idle: Vec<f64> = idle
        .as_array()
        .expect("idle frames")
        .iter()
        .filter_map(serde_json::Value::as_f64)
        .collect();
    idle.sort_by(f64::total_cmp);
    println!(
        "idle (no scrolling) for 5 s: frames {}, over 16.7 ms {}, over 20 ms {}, p50 {:.1} ms, p95 {:.1} ms",
        idle.len(),
        idle.iter().filter(|&&f| f > 16.7).count(),
        idle.iter().filter(|&&f| f > 20.0).count(),
        percentile(&idle, 0.5),
        percentile(&idle, 0.95),
    );
    app.execute(&SCROLLER.replace("arguments[0]", &seconds.to_string()))
        .await
        .expect("scroller");
    let result = loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let r = app.execute("return window.__bench").await.expect("result");
        if !r.is_null() {
            break r;
        }
    };
    app.close().await.expect("close");

    let mut frames: Vec<f64> = result["frames"]
        .as_array()
        .expect("frames")
        .iter()
        .filter_map(serde_json::Value::as_f64)
        .collect();
    let kinds: Vec<&str> = result["kinds"]
        .as_array()
        .expect("kinds")
        .iter()
        .filter_map(serde_json::Value::as_str)
        .collect();
    let late = |kind: &str| {
        let of_kind = frames.iter().zip(&kinds).filter(|(_, k)| **k == kind);
        let all = of_kind.clone().count();
        let over20 = of_kind.filter(|(f, _)| **f > 20.0).count();
        format!("{over20} of {all}")
    };
    let by_kind = format!(
        "frames over 20 ms: {} with an older page going in, {} with the rendered rows moving, {} with the browser scrolling alone",
        late("p"),
        late("r"),
        late("-")
    );
    let over16 = frames.iter().filter(|&&f| f > 16.7).count();
    // Timestamps are whole milliseconds: a 60 Hz frame reads 16 or 17, so 18 and up is late.
    let over17 = frames.iter().filter(|&&f| f > 17.0).count();
    let over20 = frames.iter().filter(|&&f| f > 20.0).count();
    let over33 = frames.iter().filter(|&&f| f > 33.4).count();
    frames.sort_by(f64::total_cmp);
    println!(
        "scrolling back through {HISTORY} messages for {seconds} s:\n  frames {}, over 16.7 ms {over16} ({:.1}%), 18 ms and more {over17}, over 20 ms {over20}, over 33.4 ms {over33}\n  frame time p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms\n  messages reached {}, rows in the page at most {}\n  older pages fetched {}, {:.0} ms each on average",
        frames.len(),
        100.0 * over16 as f64 / frames.len().max(1) as f64,
        percentile(&frames, 0.5),
        percentile(&frames, 0.95),
        percentile(&frames, 0.99),
        frames.last().copied().unwrap_or(0.0),
        result["reached"],
        result["maxRows"],
        result["pages"],
        result["pageMs"].as_f64().unwrap_or(0.0) / result["pages"].as_f64().unwrap_or(1.0).max(1.0),
    );
    println!("  {by_kind}");
    // "renders build-ms commit-ms effect-ms", totals over the whole run.
    let timing: Vec<f64> = result["timing"]
        .as_str()
        .unwrap_or_default()
        .split(' ')
        .filter_map(|v| v.parse().ok())
        .collect();
    if let [renders, build, commit, effect] = timing[..] {
        let each = |ms: f64| ms / renders.max(1.0);
        println!(
            "  timeline renders {renders:.0}: building {:.1} ms, Yew's diff and DOM changes {:.1} ms, measuring (layout) {:.1} ms each on average",
            each(build),
            each(commit),
            each(effect)
        );
    }
}
