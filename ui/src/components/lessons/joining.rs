//! Joining a lesson and the dates the lesson views share: when a lesson counts as on, the
//! «Подключиться» action (the link opens in the browser; a participant's joining is told to the
//! school), a month's bounds and a day's heading.

use parta_model::lessons::Lesson;
use parta_model::view::UiErrorCode;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::i18n::lessons::{self as text, L, tl};
use crate::services::api;
use crate::state::{Action, AppContext};
use crate::time;

pub const DAY_MS: i64 = 86_400_000;

/// Opens a lesson's conference link; a refusal shows as the app's error line. A participant's
/// joining is reported first (`presence`: the lesson's id), so that the recording follows
/// who is in (6.4); outside the lesson's time the server declines that and the link still
/// opens.
pub fn join(url: String, ctx: Option<AppContext>, presence: Option<i64>) -> Callback<MouseEvent> {
    Callback::from(move |_: MouseEvent| {
        let (url, ctx) = (url.clone(), ctx.clone());
        spawn_local(async move {
            if let Some(id) = presence {
                // A refusal (not this lesson's time, not a participant) stands; a failure of
                // the server or the connection is tried twice more, half a second apart.
                for _ in 0..3 {
                    match api::lesson_presence(id, true).await {
                        Err(e)
                            if matches!(e.code, UiErrorCode::Internal | UiErrorCode::Offline) =>
                        {
                            yew::platform::time::sleep(std::time::Duration::from_millis(500)).await;
                        }
                        _ => break,
                    }
                }
            }
            if let (Err(e), Some(ctx)) = (api::join_lesson(&url).await, ctx) {
                ctx.dispatch(Action::Error(e));
            }
        });
    })
}

/// How long before its start a lesson may be joined (the server's rule).
pub const JOIN_EARLY_MS: i64 = 30 * 60_000;

/// Whether the lesson is on or about to begin: joining and recording happen then.
pub fn live(lesson: &Lesson, now: i64) -> bool {
    !lesson.cancelled && lesson.starts_at - JOIN_EARLY_MS <= now && now < ends_at(lesson)
}

/// The first moment of the month `shift` months from the one `now` is in, and of the next.
pub fn month_bounds(now: i64, shift: i32) -> Option<(i64, i64, u32, u32)> {
    let d = time::day_of(now);
    let index = i64::from(d.year) * 12 + i64::from(d.month) + i64::from(shift);
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12));
    let (next_year, next_month) = ((index + 1).div_euclid(12), (index + 1).rem_euclid(12));
    let from = time::local_ms(&format!("{year:04}-{:02}-01", month + 1), "00:00")?;
    let to = time::local_ms(&format!("{next_year:04}-{:02}-01", next_month + 1), "00:00")?;
    Some((
        from,
        to,
        u32::try_from(month).ok()?,
        u32::try_from(year).ok()?,
    ))
}

pub fn ends_at(lesson: &Lesson) -> i64 {
    lesson.starts_at + lesson.duration_min * 60_000
}

/// "Сегодня", "Завтра" or "Чт, 26 ноября".
pub fn day_heading(lang: Lang, ms: i64, today: i64) -> String {
    let day = time::start_of_day(ms);
    if day == today {
        return tl(lang, L::Today).to_owned();
    }
    if day == time::start_of_day(today + DAY_MS + DAY_MS / 2) {
        return tl(lang, L::Tomorrow).to_owned();
    }
    let d = time::day_of(ms);
    let date = match lang {
        Lang::Ru => format!("{} {}", d.day, crate::i18n::month(lang, d.month)),
        Lang::En => format!("{} {}", crate::i18n::month(lang, d.month), d.day),
    };
    format!("{}, {date}", text::weekday(lang, time::weekday(ms)))
}
