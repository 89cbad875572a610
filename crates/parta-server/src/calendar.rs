//! Lessons as iCalendar (RFC 5545): the `.ics` export and the private feed a parent subscribes
//! to from a phone's calendar. Written by hand: a handful of properties, escaped and folded as
//! the RFC says; the tests read it back with the `icalendar` crate.

use parta_model::lessons::{Lesson, LessonKind};

pub use parta_model::civil::{Utc, days_from_civil};

/// `YYYYMMDDTHHMMSSZ`, iCalendar's UTC form.
fn ical(t: Utc) -> String {
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

/// A `YYYY-MM-DD` date as days since 1970-01-01; `None` unless it is a real date.
pub fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let mut next = |len: usize| {
        parts
            .next()
            .filter(|p| p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<i64>().ok())
    };
    let (year, month, day) = (next(4)?, next(2)?, next(2)?);
    let days = days_from_civil(year, month, day);
    let back = Utc::from_ms(days * 86_400_000);
    (back.year == year && back.month == month && back.day == day).then_some(days)
}

/// ISO weekday of a day since 1970-01-01: Monday 1 … Sunday 7.
pub fn weekday(days: i64) -> i64 {
    (days + 3).rem_euclid(7) + 1
}

/// Escapes a TEXT value: backslash, semicolon, comma and line breaks.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded at 75 octets without splitting a character, ended with CRLF.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

fn kind_name(kind: LessonKind) -> &'static str {
    match kind {
        LessonKind::Lesson => "Урок",
        LessonKind::Consultation => "Консультация",
        LessonKind::ParentsMeeting => "Родительское собрание",
    }
}

/// The calendar of `lessons`; `host` names the school server in the events' ids, `now` stamps
/// them.
pub fn ics(lessons: &[Lesson], host: &str, now: i64) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Parta//parta-server//RU");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "X-WR-CALNAME:Парта — занятия");
    let stamp = ical(Utc::from_ms(now));
    for lesson in lessons {
        line(&mut out, "BEGIN:VEVENT");
        line(
            &mut out,
            &format!("UID:lesson-{}@{}", lesson.id, escape(host)),
        );
        line(&mut out, &format!("DTSTAMP:{stamp}"));
        line(
            &mut out,
            &format!("DTSTART:{}", ical(Utc::from_ms(lesson.starts_at))),
        );
        line(
            &mut out,
            &format!(
                "DTEND:{}",
                ical(Utc::from_ms(
                    lesson.starts_at + lesson.duration_min * 60_000
                ))
            ),
        );
        line(
            &mut out,
            &format!(
                "SUMMARY:{}",
                escape(&format!("{} — {}", lesson.subject, lesson.class_name))
            ),
        );
        let mut description = format!("{}. Ведёт: {}", kind_name(lesson.kind), lesson.teacher_name);
        if let Some(notes) = &lesson.notes {
            description.push('\n');
            description.push_str(notes);
        }
        line(&mut out, &format!("DESCRIPTION:{}", escape(&description)));
        if let Some(link) = &lesson.link {
            // Checked https on the way in; a URI value is not escaped.
            line(&mut out, &format!("URL:{link}"));
            line(&mut out, &format!("LOCATION:{}", escape(link)));
        }
        line(
            &mut out,
            if lesson.cancelled {
                "STATUS:CANCELLED"
            } else {
                "STATUS:CONFIRMED"
            },
        );
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_utc_calendar_dates() {
        assert_eq!(ical(Utc::from_ms(0)), "19700101T000000Z");
        // 2026-11-24 17:32:05 UTC.
        assert_eq!(ical(Utc::from_ms(1_795_541_525_000)), "20261124T173205Z");
        // A leap day.
        assert_eq!(ical(Utc::from_ms(1_709_164_800_000)), "20240229T000000Z");
    }

    #[test]
    fn dates_parse_only_when_real_and_know_their_weekday() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(weekday(0), 4, "a Thursday");
        let d = parse_date("2026-11-24").unwrap();
        assert_eq!(weekday(d), 2, "a Tuesday");
        assert_eq!(ical(Utc::from_ms(d * 86_400_000)), "20261124T000000Z");
        assert!(parse_date("2024-02-29").is_some());
        for bad in [
            "2025-02-29",
            "2026-13-01",
            "2026-1-01",
            "26-01-01",
            "2026-01-01x",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn text_is_escaped_and_long_lines_fold_between_characters() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let mut out = String::new();
        line(&mut out, &format!("SUMMARY:{}", "ж".repeat(60)));
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}\r\n", "ж".repeat(60)));
    }
}
