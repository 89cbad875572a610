//! What the class's parents' chat is told when its lessons change (issue 7: "a change
//! notifies the class chat"), in Russian, the school's language, in the school's time.

use crate::error::Result;
use crate::store::lessons::LessonRecord;
use crate::store::prelude::*;
use parta_model::civil::Utc;

/// Where the school's offset from UTC is kept: the last timetable import's.
pub const OFFSET_META: &str = "timetable_utc_offset_minutes";
/// Moscow time, when no timetable was imported.
const MOSCOW: i64 = 180;

/// The school's offset from UTC in minutes.
pub async fn school_offset(tx: &mut dyn Tx) -> Result<i64> {
    Ok(tx
        .meta(OFFSET_META)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(MOSCOW))
}

const WEEKDAYS: [&str; 7] = ["пн", "вт", "ср", "чт", "пт", "сб", "вс"];

/// "пн 30.11 в 09:00" in the school's time.
pub fn when(ms: i64, offset_min: i64) -> String {
    let local = ms + offset_min * 60_000;
    let t = Utc::from_ms(local);
    // 1970-01-01 was a Thursday.
    let weekday = (local.div_euclid(86_400_000) + 3).rem_euclid(7);
    format!(
        "{} {:02}.{:02} в {:02}:{:02}",
        WEEKDAYS[usize::try_from(weekday).unwrap_or(0)],
        t.day,
        t.month,
        t.hour,
        t.minute
    )
}

/// "Урок «Математика»" with the kind's grammatical gender for the verb after it.
fn named(lesson: &LessonRecord) -> (String, Gender) {
    let (noun, gender) = match lesson.kind.as_str() {
        "consultation" => ("Консультация", Gender::Feminine),
        "parents_meeting" => ("Родительское собрание", Gender::Neuter),
        _ => ("Урок", Gender::Masculine),
    };
    (format!("{noun} «{}»", lesson.subject), gender)
}

#[derive(Clone, Copy)]
enum Gender {
    Masculine,
    Feminine,
    Neuter,
}

impl Gender {
    fn verb(self, masculine: &str, feminine: &str, neuter: &str) -> String {
        match self {
            Gender::Masculine => masculine,
            Gender::Feminine => feminine,
            Gender::Neuter => neuter,
        }
        .to_owned()
    }
}

/// "Назначен урок «Математика»: пн 30.11 в 09:00, 45 мин."
pub fn created(lesson: &LessonRecord, offset_min: i64) -> String {
    let (name, gender) = named(lesson);
    let verb = gender.verb("Назначен", "Назначена", "Назначено");
    let mut first = name.chars();
    let name = match first.next() {
        Some(c) => c.to_lowercase().chain(first).collect::<String>(),
        None => name,
    };
    format!(
        "{verb} {name}: {}, {} мин.",
        when(lesson.starts_at, offset_min),
        lesson.duration_min
    )
}

/// "Урок «Математика» перенесён: пн 30.11 в 09:00 → вт 01.12 в 10:00, 45 мин."
pub fn moved(lesson: &LessonRecord, was_at: i64, was_min: i64, offset_min: i64) -> String {
    let (name, gender) = named(lesson);
    let verb = if was_at == lesson.starts_at {
        gender.verb("изменён", "изменена", "изменено")
    } else {
        gender.verb("перенесён", "перенесена", "перенесено")
    };
    let length = if was_min == lesson.duration_min {
        format!("{} мин", lesson.duration_min)
    } else {
        format!("{} мин вместо {was_min}", lesson.duration_min)
    };
    format!(
        "{name} {verb}: {} → {}, {length}.",
        when(was_at, offset_min),
        when(lesson.starts_at, offset_min)
    )
}

/// "Урок «Математика» пн 30.11 в 09:00 отменён."
pub fn cancelled(lesson: &LessonRecord, offset_min: i64) -> String {
    let (name, gender) = named(lesson);
    format!(
        "{name} {} {}.",
        when(lesson.starts_at, offset_min),
        gender.verb("отменён", "отменена", "отменено")
    )
}

/// "Загружено расписание 5А: 120 занятий с 01.09.2026 по 27.12.2026."
pub fn timetable(class_name: &str, lessons: usize, term_start: &str, term_end: &str) -> String {
    let dotted = |d: &str| {
        let parts: Vec<&str> = d.split('-').collect();
        match parts.as_slice() {
            [y, m, d] => format!("{d}.{m}.{y}"),
            _ => d.to_owned(),
        }
    };
    let noun = match (lessons % 10, lessons % 100) {
        (1, n) if n != 11 => "занятие",
        (2..=4, n) if !(12..=14).contains(&n) => "занятия",
        _ => "занятий",
    };
    format!(
        "Загружено расписание {class_name}: {lessons} {noun} с {} по {}.",
        dotted(term_start),
        dotted(term_end)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson(kind: &str) -> LessonRecord {
        LessonRecord {
            id: 1,
            class_id: 1,
            class_name: "5А".into(),
            subject: "Математика".into(),
            teacher_id: 1,
            teacher_first: "Анна".into(),
            teacher_last: None,
            kind: kind.into(),
            // Monday 2026-11-30 06:00 UTC = 09:00 Moscow.
            starts_at: 1_796_018_400_000,
            duration_min: 45,
            link: None,
            notes: None,
            cancelled: false,
            participants: Vec::new(),
            materials: Vec::new(),
        }
    }

    #[test]
    fn notices_read_as_russian_in_school_time() {
        assert_eq!(when(1_796_018_400_000, 180), "пн 30.11 в 09:00");
        assert_eq!(
            created(&lesson("lesson"), 180),
            "Назначен урок «Математика»: пн 30.11 в 09:00, 45 мин."
        );
        let mut moved_one = lesson("consultation");
        moved_one.starts_at += 86_400_000 + 3_600_000;
        assert_eq!(
            moved(&moved_one, 1_796_018_400_000, 40, 180),
            "Консультация «Математика» перенесена: пн 30.11 в 09:00 → вт 01.12 в 10:00, \
             45 мин вместо 40."
        );
        assert_eq!(
            cancelled(&lesson("parents_meeting"), 180),
            "Родительское собрание «Математика» пн 30.11 в 09:00 отменено."
        );
        assert_eq!(
            timetable("5А", 121, "2026-09-01", "2026-12-27"),
            "Загружено расписание 5А: 121 занятие с 01.09.2026 по 27.12.2026."
        );
        assert!(timetable("5А", 112, "a", "b").contains("112 занятий"));
        assert!(timetable("5А", 23, "a", "b").contains("23 занятия"));
    }
}
