//! Local-time formatting of message timestamps (milliseconds since the epoch).

use crate::i18n::{self, Key, Lang};

/// A calendar day in local time, for date separators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    pub year: u32,
    pub month: u32,
    pub day: u32,
}

#[cfg(target_arch = "wasm32")]
fn parts(ms: i64) -> (Day, u32, u32) {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let day = Day {
        year: date.get_full_year(),
        month: date.get_month(),
        day: date.get_date(),
    };
    (day, date.get_hours(), date.get_minutes())
}

// Off the web (server-side rendering in tests) there is no local time zone: use UTC.
#[cfg(not(target_arch = "wasm32"))]
fn parts(ms: i64) -> (Day, u32, u32) {
    let t = parta_model::civil::Utc::from_ms(ms);
    let day = Day {
        year: t.year as u32,
        month: (t.month - 1) as u32,
        day: t.day as u32,
    };
    (day, t.hour as u32, t.minute as u32)
}

/// The local day of a timestamp.
pub fn day_of(ms: i64) -> Day {
    parts(ms).0
}

/// "09:05".
pub fn clock(ms: i64) -> String {
    let (_, h, m) = parts(ms);
    format!("{h:02}:{m:02}")
}

/// "Сегодня", "Вчера" or "23 ноября" relative to `now_ms`.
pub fn day_label(lang: Lang, ms: i64, now_ms: i64) -> String {
    let day = day_of(ms);
    if day == day_of(now_ms) {
        return i18n::t(lang, Key::Today).to_owned();
    }
    if day == day_of(now_ms - 86_400_000) {
        return i18n::t(lang, Key::Yesterday).to_owned();
    }
    match lang {
        Lang::Ru => format!("{} {}", day.day, i18n::month(lang, day.month)),
        Lang::En => format!("{} {}", i18n::month(lang, day.month), day.day),
    }
}

/// The local midnight that starts the day of `ms`.
pub fn start_of_day(ms: i64) -> i64 {
    #[cfg(target_arch = "wasm32")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
        date.set_hours(0);
        date.set_minutes(0);
        date.set_seconds(0);
        date.set_milliseconds(0);
        date.get_time() as i64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        ms - ms.rem_euclid(86_400_000)
    }
}

/// The local weekday of `ms`: 0 Sunday … 6 Saturday.
pub fn weekday(ms: i64) -> u32 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64)).get_day()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        // 1970-01-01 was a Thursday.
        ((ms.div_euclid(86_400_000) + 4).rem_euclid(7)) as u32
    }
}

/// A local date (`YYYY-MM-DD`) and time (`HH:MM`), as from `<input type=date|time>`, in
/// milliseconds; `None` unless both are well-formed.
pub fn local_ms(date: &str, clock: &str) -> Option<i64> {
    let mut d = date.splitn(3, '-').map(|p| p.parse::<u32>().ok());
    let (year, month, day) = (d.next()??, d.next()??, d.next()??);
    let (h, m) = clock.split_once(':')?;
    let (hour, minute) = (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    #[cfg(target_arch = "wasm32")]
    {
        let date = js_sys::Date::new_with_year_month_day_hr_min(
            year,
            month as i32 - 1,
            day as i32,
            hour as i32,
            minute as i32,
        );
        Some(date.get_time() as i64)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let days =
            parta_model::civil::days_from_civil(i64::from(year), i64::from(month), i64::from(day));
        Some(((days * 24 + i64::from(hour)) * 60 + i64::from(minute)) * 60_000)
    }
}

/// The local date of `ms` as `<input type=date>` wants it.
pub fn date_input(ms: i64) -> String {
    let d = day_of(ms);
    format!("{:04}-{:02}-{:02}", d.year, d.month + 1, d.day)
}

/// Now, in milliseconds.
pub fn now_ms() -> i64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_dates_and_times_become_milliseconds_and_back() {
        let ms = local_ms("2026-11-24", "08:30").unwrap();
        assert_eq!(ms, 1_795_509_000_000, "UTC off the web");
        assert_eq!(date_input(ms), "2026-11-24");
        assert_eq!(clock(ms), "08:30");
        for (date, time) in [
            ("2026-13-01", "08:30"),
            ("2026-11-24", "24:00"),
            ("", "08:30"),
            ("2026-11-24", "8"),
        ] {
            assert_eq!(local_ms(date, time), None, "{date} {time}");
        }
    }

    #[test]
    fn day_labels_say_today_yesterday_or_the_date() {
        let now = 1_763_900_000_000; // 2025-11-23 12:13 UTC
        assert_eq!(day_label(Lang::Ru, now - 60_000, now), "Сегодня");
        assert_eq!(day_label(Lang::Ru, now - 86_400_000, now), "Вчера");
        assert_eq!(day_label(Lang::Ru, now - 3 * 86_400_000, now), "20 ноября");
        assert_eq!(
            day_label(Lang::En, now - 3 * 86_400_000, now),
            "November 20"
        );
    }
}
