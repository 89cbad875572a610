//! Online lessons on the wire (`/school/lessons`, procedure 3.1, 6.3, 6.4): what a lesson is,
//! how one is created and changed, and where its recording consent stands.

use serde::{Deserialize, Serialize};

/// What kind of meeting a lesson is (3.1: lessons, consultations, parents' meetings).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum LessonKind {
    Lesson,
    Consultation,
    ParentsMeeting,
}

impl LessonKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LessonKind::Lesson => "lesson",
            LessonKind::Consultation => "consultation",
            LessonKind::ParentsMeeting => "parents_meeting",
        }
    }

    pub fn parse(s: &str) -> Option<LessonKind> {
        [
            LessonKind::Lesson,
            LessonKind::Consultation,
            LessonKind::ParentsMeeting,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A lesson as everyone who may see it sees it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Lesson {
    pub id: i64,
    pub class_id: i64,
    pub class_name: String,
    pub subject: String,
    pub teacher_id: i64,
    pub teacher_name: String,
    pub kind: LessonKind,
    /// Unix milliseconds.
    pub starts_at: i64,
    pub duration_min: i64,
    /// The video-conference link: https only.
    pub link: Option<String>,
    pub notes: Option<String>,
    /// Cancelled lessons stay listed, marked, so nobody waits for them.
    pub cancelled: bool,
}

/// `POST /school/lessons`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct NewLesson {
    pub class_id: i64,
    pub subject: String,
    /// Who teaches it; the caller when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teacher_id: Option<i64>,
    #[serde(default = "default_kind")]
    pub kind: LessonKind,
    pub starts_at: i64,
    pub duration_min: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

fn default_kind() -> LessonKind {
    LessonKind::Lesson
}

/// `PATCH /school/lessons/{id}`: what changes (a move is a new start and/or duration).
/// `link` and `notes` given as empty strings are removed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct LessonPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// `GET /school/lessons?from=&to=`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LessonList {
    pub lessons: Vec<Lesson>,
}

/// `PUT /school/lessons/{id}/consent`: a participant's answer (a parent answers for the child).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct ConsentAnswer {
    pub consent: bool,
}

/// One change of someone's consent, as the teacher reads it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ConsentChange {
    pub user_id: i64,
    pub name: String,
    pub consent: bool,
    pub at: i64,
}

/// Whether the lesson may be recorded (6.4: only with everyone's consent).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RecordingStatus {
    pub lesson_id: i64,
    /// Only while every participant has consented.
    pub allowed: bool,
    pub consented: u32,
    pub participants: u32,
    /// The caller's own answer, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mine: Option<bool>,
    /// Every change in order; for the lesson's teacher and the administration only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<Vec<ConsentChange>>,
}

/// A holiday: no lessons from `from` to `to`, both included (`YYYY-MM-DD`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Holiday {
    pub from: String,
    pub to: String,
}

/// `POST /school/timetable/import`: a class's weekly timetable as CSV (docs/timetable-csv.md),
/// laid out over a term.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TimetableImport {
    pub class_id: i64,
    /// First and last day of the term, `YYYY-MM-DD`, in the school's time.
    pub term_start: String,
    pub term_end: String,
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    /// The school's offset from UTC; Moscow time when absent.
    #[serde(default = "moscow")]
    pub utc_offset_minutes: i64,
    pub csv: String,
    /// Only show what would be made; nothing is stored.
    #[serde(default)]
    pub dry_run: bool,
}

fn moscow() -> i64 {
    180
}

/// What an import made (or, for a dry run, would make).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TimetableReport {
    pub dry_run: bool,
    /// Lessons of an earlier import of the class, not yet begun, that this one replaces.
    pub replaced: u32,
    /// The lessons made, by start (in a dry run their ids mean nothing).
    pub lessons: Vec<Lesson>,
}
