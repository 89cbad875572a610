//! A class's weekly timetable imported from CSV (procedure 6.3: lessons follow the school
//! timetable) and laid out over a term as lessons, skipping holidays. The format is in
//! docs/timetable-csv.md, with a sample file beside it.
//!
//! Every row is checked before anything is written, and every bad row is named with its line;
//! the lessons are written in one transaction, so a file is imported whole or not at all. A dry
//! run does the same work in a transaction that is never committed: the preview is exactly what
//! an import would make. Importing again replaces the untouched lessons of the earlier import;
//! lessons moved or cancelled by hand, or already answered about, stay and are not made twice.

use std::collections::{BTreeSet, HashSet};

pub use parta_model::lessons::{Holiday, TimetableImport, TimetableReport};

use crate::calendar::{parse_date, weekday};
use crate::context::{Caller, School};
use crate::error::{Error, Result};
use crate::lessons::{DURATION_MIN, LessonKind, MAX_SUBJECT, check_link, from_record, text};
use crate::restrictions;
use crate::roles::{self, Action, Grant};
use crate::store::lessons::LessonFields;
use crate::store::prelude::*;

/// Largest CSV accepted: a week of a class's lessons is a few kilobytes.
pub const MAX_CSV_BYTES: usize = 64 * 1024;
const MAX_ROWS: usize = 200;
const MAX_LESSONS: usize = 3000;
const MAX_TERM_DAYS: i64 = 366;
const DAY_MS: i64 = 86_400_000;

/// One weekly row, checked.
struct Row {
    weekday: i64,
    minute: i64,
    duration_min: i64,
    subject: String,
    teacher_id: Option<i64>,
    link: Option<String>,
    kind: LessonKind,
}

/// Monday 1 … Sunday 7 from Russian or English names, short or long, or the digit.
fn parse_weekday(text: &str) -> Option<i64> {
    const NAMES: [[&str; 4]; 7] = [
        ["пн", "понедельник", "mon", "monday"],
        ["вт", "вторник", "tue", "tuesday"],
        ["ср", "среда", "wed", "wednesday"],
        ["чт", "четверг", "thu", "thursday"],
        ["пт", "пятница", "fri", "friday"],
        ["сб", "суббота", "sat", "saturday"],
        ["вс", "воскресенье", "sun", "sunday"],
    ];
    let text = text.trim().to_lowercase();
    if let Ok(n) = text.parse::<i64>() {
        return (1..=7).contains(&n).then_some(n);
    }
    NAMES
        .iter()
        .position(|names| names.contains(&text.as_str()))
        .and_then(|i| i64::try_from(i + 1).ok())
}

/// `HH:MM` as minutes after midnight.
fn parse_time(text: &str) -> Option<i64> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m) = (h.parse::<i64>().ok()?, m.parse::<i64>().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m) && text.trim().len() <= 5).then_some(h * 60 + m)
}

fn kind_of(text: &str) -> Option<LessonKind> {
    match text.trim().to_lowercase().as_str() {
        "" | "урок" => Some(LessonKind::Lesson),
        "консультация" => Some(LessonKind::Consultation),
        "собрание" | "родительское собрание" => {
            Some(LessonKind::ParentsMeeting)
        }
        other => LessonKind::parse(other),
    }
}

/// The columns, by name: `weekday,start,duration_min,subject` required; `teacher` (a login),
/// `link`, `kind` optional.
struct Columns {
    weekday: usize,
    start: usize,
    duration: usize,
    subject: usize,
    teacher: Option<usize>,
    link: Option<usize>,
    kind: Option<usize>,
}

fn columns(header: &csv::StringRecord) -> Result<Columns> {
    let find = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let need = |name: &str| {
        find(name).ok_or_else(|| {
            Error::bad_request(format!(
                "Line 1: the header has no '{name}' column (weekday,start,duration_min,subject \
                 are needed; teacher, link and kind may follow)"
            ))
        })
    };
    Ok(Columns {
        weekday: need("weekday")?,
        start: need("start")?,
        duration: need("duration_min")?,
        subject: need("subject")?,
        teacher: find("teacher"),
        link: find("link"),
        kind: find("kind"),
    })
}

/// The teacher with `login`, or why that login cannot teach.
async fn teacher_by_login(
    tx: &mut dyn Tx,
    login: &str,
) -> Result<std::result::Result<i64, String>> {
    Ok(match tx.user_id_by_login(login).await? {
        Some(id) => match crate::classes::require_staff(tx, id).await {
            Ok(()) => Ok(id),
            Err(_) => Err(format!("'{login}' is not a teacher")),
        },
        None => Err(format!("no one has the login '{login}'")),
    })
}

/// Reads every row; every problem is reported with its line, or the rows are returned.
async fn read_rows(tx: &mut dyn Tx, csv_text: &str) -> Result<Vec<Row>> {
    if csv_text.len() > MAX_CSV_BYTES {
        return Err(Error::bad_request(format!(
            "The timetable file is larger than {} KiB",
            MAX_CSV_BYTES / 1024
        )));
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(csv_text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| Error::bad_request(format!("Line 1: {e}")))?
        .clone();
    let cols = columns(&header)?;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut teachers: std::collections::HashMap<String, std::result::Result<i64, String>> =
        std::collections::HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                problems.push(format!("Line {line}: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        if rows.len() + problems.len() >= MAX_ROWS {
            return Err(Error::bad_request(format!(
                "A timetable has at most {MAX_ROWS} rows"
            )));
        }
        let cell = |i: usize| record.get(i).unwrap_or_default();
        let opt = |i: Option<usize>| i.map(&cell).unwrap_or_default();
        let mut wrong = Vec::new();
        let weekday = parse_weekday(cell(cols.weekday));
        if weekday.is_none() {
            wrong.push(format!("unknown weekday '{}'", cell(cols.weekday)));
        }
        let minute = parse_time(cell(cols.start));
        if minute.is_none() {
            wrong.push(format!("start '{}' is not HH:MM", cell(cols.start)));
        }
        let duration = cell(cols.duration)
            .parse::<i64>()
            .ok()
            .filter(|d| DURATION_MIN.contains(d));
        if duration.is_none() {
            wrong.push(format!(
                "duration_min '{}' is not {} to {} minutes",
                cell(cols.duration),
                DURATION_MIN.start(),
                DURATION_MIN.end()
            ));
        }
        let subject = text(cell(cols.subject), "subject", MAX_SUBJECT)
            .map_err(|e| wrong.push(e.to_string().to_lowercase()))
            .ok();
        let link = match opt(cols.link) {
            "" => None,
            l => check_link(l)
                .map_err(|e| wrong.push(e.to_string().to_lowercase()))
                .ok(),
        };
        let kind = kind_of(opt(cols.kind));
        if kind.is_none() {
            wrong.push(format!("unknown kind '{}'", opt(cols.kind)));
        }
        let teacher_id = match opt(cols.teacher) {
            "" => None,
            login => {
                // A timetable names the same few teachers on every line: each is looked up once.
                if !teachers.contains_key(login) {
                    let found = teacher_by_login(tx, login).await?;
                    teachers.insert(login.to_owned(), found);
                }
                match &teachers[login] {
                    Ok(id) => Some(*id),
                    Err(why) => {
                        wrong.push(why.clone());
                        None
                    }
                }
            }
        };
        match (weekday, minute, duration, subject, kind) {
            (Some(weekday), Some(minute), Some(duration_min), Some(subject), Some(kind))
                if wrong.is_empty() =>
            {
                rows.push(Row {
                    weekday,
                    minute,
                    duration_min,
                    subject,
                    teacher_id,
                    link,
                    kind,
                });
            }
            _ => problems.push(format!("Line {line}: {}", wrong.join("; "))),
        }
    }
    if !problems.is_empty() {
        return Err(Error::bad_request(format!(
            "Nothing was imported. {}",
            problems.join(". ")
        )));
    }
    if rows.is_empty() {
        return Err(Error::bad_request("The timetable has no lessons"));
    }
    Ok(rows)
}

/// The term's days without the holidays, as days since 1970-01-01.
fn school_days(import: &TimetableImport) -> Result<(i64, i64, BTreeSet<i64>)> {
    let date = |text: &str, what: &str| {
        parse_date(text).ok_or_else(|| {
            Error::bad_request(format!("The {what} '{text}' is not a date (YYYY-MM-DD)"))
        })
    };
    let (start, end) = (
        date(&import.term_start, "term start")?,
        date(&import.term_end, "term end")?,
    );
    if end < start || end - start >= MAX_TERM_DAYS {
        return Err(Error::bad_request(
            "The term must end after it starts, within a year",
        ));
    }
    let mut holidays = BTreeSet::new();
    for h in &import.holidays {
        let (from, to) = (date(&h.from, "holiday start")?, date(&h.to, "holiday end")?);
        if to < from || to - from >= MAX_TERM_DAYS {
            return Err(Error::bad_request(format!(
                "The holiday {}..{} ends before it starts",
                h.from, h.to
            )));
        }
        holidays.extend(from..=to);
    }
    if !(-14 * 60..=14 * 60).contains(&import.utc_offset_minutes) {
        return Err(Error::bad_request(
            "utc_offset_minutes must be within -840..840",
        ));
    }
    Ok((start, end, holidays))
}

/// Imports (or, with `dry_run`, previews) a class's timetable over a term; an import is told
/// to the class's parents' chat.
pub async fn import(
    school: &School,
    caller: Caller,
    import: TimetableImport,
) -> Result<TimetableReport> {
    import_told(school, caller, import, true).await
}

/// [`import`], telling the class's chat or not (the demo school renews its timetable quietly).
pub async fn import_told(
    school: &School,
    caller: Caller,
    import: TimetableImport,
    tell: bool,
) -> Result<TimetableReport> {
    let now = school.now_ms();
    let (start, end, holidays) = school_days(&import)?;
    let mut tx = school.begin().await?;
    restrictions::enforce_write(&mut *tx, school.clock(), caller.user_id).await?;
    let class = tx
        .class(import.class_id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Class {} not found", import.class_id)))?;
    if roles::require(caller.role, Action::ManageLessons)? != Grant::School
        && !tx.is_class_teacher(caller.user_id, import.class_id).await?
    {
        return Err(Error::denied(
            "Only the class teacher or the administration imports a class's timetable",
        ));
    }
    let rows = read_rows(&mut *tx, &import.csv).await?;

    let offset_ms = import.utc_offset_minutes * 60_000;
    let (from, to) = (start * DAY_MS - offset_ms, (end + 1) * DAY_MS - offset_ms);
    let replaced = tx
        .delete_untouched_imported(import.class_id, from, to)
        .await?;
    let kept: HashSet<(i64, String)> = tx
        .imported_origins(import.class_id, from, to)
        .await?
        .into_iter()
        .collect();
    let mut ids = Vec::new();
    for day in start..=end {
        if holidays.contains(&day) {
            continue;
        }
        for row in rows.iter().filter(|r| r.weekday == weekday(day)) {
            let starts_at = day * DAY_MS + row.minute * 60_000 - offset_ms;
            if kept.contains(&(starts_at, row.subject.clone())) {
                continue;
            }
            if ids.len() >= MAX_LESSONS {
                return Err(Error::bad_request(format!(
                    "The term would have more than {MAX_LESSONS} lessons"
                )));
            }
            let fields = LessonFields {
                class_id: import.class_id,
                subject: row.subject.clone(),
                teacher_id: row.teacher_id.unwrap_or(caller.user_id),
                kind: row.kind.as_str().to_owned(),
                starts_at,
                duration_min: row.duration_min,
                link: row.link.clone(),
                notes: None,
                origin_at: Some(starts_at),
            };
            ids.push(tx.insert_lesson(&fields, caller.user_id, now).await?);
        }
    }
    let mut lessons = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(record) = tx.lesson(id).await? {
            lessons.push(from_record(record)?);
        }
    }
    lessons.sort_by_key(|l| (l.starts_at, l.id));
    if !import.dry_run {
        crate::lessons::notify(&mut *tx, import.class_id, None, "timetable", now).await?;
        tx.put_meta(
            crate::lesson_notices::OFFSET_META,
            &import.utc_offset_minutes.to_string(),
        )
        .await?;
        if tell && !lessons.is_empty() {
            let text = crate::lesson_notices::timetable(
                &class.name,
                lessons.len(),
                &import.term_start,
                &import.term_end,
            );
            crate::lessons::tell_class(&mut *tx, caller, import.class_id, &text, now).await?;
        }
        school.commit(tx).await?;
    }
    Ok(TimetableReport {
        dry_run: import.dry_run,
        replaced: u32::try_from(replaced).unwrap_or(u32::MAX),
        lessons,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_times_and_kinds_read_in_russian_and_english() {
        assert_eq!(parse_weekday("Пн"), Some(1));
        assert_eq!(parse_weekday("воскресенье"), Some(7));
        assert_eq!(parse_weekday("fri"), Some(5));
        assert_eq!(parse_weekday("3"), Some(3));
        assert_eq!(parse_weekday("8"), None);
        assert_eq!(parse_weekday("пт1"), None);
        assert_eq!(parse_time("08:30"), Some(510));
        assert_eq!(parse_time("8:05"), Some(485));
        for bad in ["24:00", "08:60", "0830", "08:30:00", "-1:00", ""] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        assert_eq!(kind_of(""), Some(LessonKind::Lesson));
        assert_eq!(kind_of("Консультация"), Some(LessonKind::Consultation));
        assert_eq!(kind_of("parents_meeting"), Some(LessonKind::ParentsMeeting));
        assert_eq!(kind_of("вечеринка"), None);
    }
}
